//! Fault injection for the credential chain (docs/reliability.md): endpoints that reset the
//! connection, stall mid-body, answer 429 or garbage or a huge body, credentials that are already
//! expired, and the signing side's clock jumping backwards and forwards. Every case ends in a
//! specific error or a correct token within the configured timeout: never a hang, never a token
//! that outlives its credentials. Part of the credential_chain test binary (its emulator and
//! hermetic `Scenario`).

use super::*;

/// Points the chain at `endpoint` only (ECS, IMDS or STS web identity).
fn only(s: &Scenario, endpoint: &str) {
    s.ecs_off();
    s.web_identity_off();
    s.set("AWS_EC2_METADATA_DISABLED", "true");
    match endpoint {
        "ecs" => s.ecs_on(),
        "imds" => s.imds_on(),
        _ => s.web_identity_on(),
    }
}

/// The source name the chain reports for `endpoint`.
fn source_name(endpoint: &str) -> &'static str {
    match endpoint {
        "ecs" => ALL_SOURCES[3],
        "imds" => ALL_SOURCES[4],
        _ => ALL_SOURCES[2],
    }
}

/// Every endpoint in every transport fault mode: a specific error naming the source, no secret,
/// within the chain timeout (+1 s); then the endpoint recovers and the same provider signs a token
/// that verifies and does not outlive its credentials.
#[test]
fn transport_faults_give_a_specific_error_within_the_timeout() {
    let s = Scenario::new("transport_faults_give_a_specific_error_within_the_timeout");
    let emu = emulator();
    let timeout = Duration::from_millis(2000);
    let mut figures = Vec::new();
    for endpoint in ["ecs", "imds", "sts"] {
        for mode in ["reset", "stall", "throttle", "garbage", "huge"] {
            only(&s, endpoint);
            emu.reset();
            emu.config(&format!(r#"{{"endpoints": {{"{endpoint}": {{"mode": "{mode}"}}}}}}"#));
            let source = Arc::new(DefaultChainSource::new().with_timeout(timeout).unwrap());
            let provider = TokenProvider::new(&request(), source.clone());
            let started = Instant::now();
            let e = provider.token().map(|t| t.as_str().len()).unwrap_err();
            let took = started.elapsed();
            eprintln!("{endpoint} {mode}: {took:?}: {}: {e}", e.code().name());
            figures.push(format!("{endpoint} {mode}: {} in {} ms", e.code().name(), took.as_millis()));
            // Every mode within the timeout, the 16 MiB body too: the chain's HTTP client refuses a
            // body past MAX_CREDENTIALS_RESPONSE_LEN while reading it, before the SDK's synchronous
            // parse (which once ran 10-12 s past a 2 s timeout; docs/reliability.md).
            assert!(took < timeout + Duration::from_secs(1), "{endpoint} {mode}: {took:?}");
            assert_eq!(e.code(), ErrorCode::CredentialsProviderFailed, "{endpoint} {mode}: {e}");
            if mode == "huge" {
                let cap = format!("longer than {} bytes", auroraiam::MAX_CREDENTIALS_RESPONSE_LEN);
                // IMDS: the client's own 1 s read timeout may end the read first (slow machine).
                assert!(e.message().contains(&cap) || endpoint == "imds", "{endpoint} {mode}: {e}");
            }
            assert!(e.message().contains(&format!("{}: FAILED: ", source_name(endpoint))), "{endpoint} {mode}: {e}");
            assert_names_sources(e.message(), &ALL_SOURCES[..2]);
            assert_no_secret(e.message(), &["fault/secret", "AAAAAAAAAAAAAAAA", "fault+session"]);
            assert!(e.message().len() < 4096, "{endpoint} {mode}: a {} byte message", e.message().len());
            // Recovered: the same provider (its failure is not cached) signs a good token.
            emu.config(&format!(r#"{{"endpoints": {{"{endpoint}": {{"mode": "ok"}}}}}}"#));
            let token = provider.token().unwrap_or_else(|e| panic!("{endpoint} after {mode}: {e}"));
            let akid = parse_token(token.as_str()).unwrap().access_key_id().to_string();
            assert!(token.effective_expiry() <= emu.minted(&akid).unwrap().expiry, "token outlives its credentials");
            verify_with_emulator(&token, SigningTime::now().unwrap()).unwrap();
        }
    }
    eprintln!("fault figures: {}", figures.join("; "));
}

/// Credentials that expired before they were handed over: ECS and STS give CREDENTIALS_EXPIRED,
/// never a token. IMDS: aws-config's "static stability" (as botocore's) extends expired instance
/// credentials by 5 to 10 minutes so that an IMDS outage does not stop signing; the token then
/// ends with that extended expiry, never later. The same provider signs once valid ones come.
#[test]
fn already_expired_credentials_are_refused() {
    let s = Scenario::new("already_expired_credentials_are_refused");
    let emu = emulator();
    for endpoint in ["ecs", "imds", "sts"] {
        only(&s, endpoint);
        emu.reset();
        emu.config(&format!(r#"{{"endpoints": {{"{endpoint}": {{"lifetime": -120}}}}}}"#));
        let provider = TokenProvider::new(&request(), Arc::new(DefaultChainSource::new().with_timeout(Duration::from_secs(5)).unwrap()));
        let started = Instant::now();
        match provider.token() {
            Ok(token) if endpoint == "imds" => {
                let extended = token.credentials_expiry().expect("IMDS credentials expire");
                eprintln!("imds expired: extended to {:?} from now", extended.duration_since(SystemTime::now()));
                assert!(token.effective_expiry() <= extended, "token outlives its (extended) credentials");
                assert!(extended <= SystemTime::now() + Duration::from_secs(15 * 60), "extended too far");
            }
            Err(e) => {
                eprintln!("{endpoint} expired: {:?}: {}: {e}", started.elapsed(), e.code().name());
                assert_eq!(e.code(), ErrorCode::CredentialsExpired, "{endpoint}: {e}");
                assert_no_secret(e.message(), &[]);
            }
            Ok(token) => panic!("{endpoint}: a token from expired credentials, effective expiry {:?}", token.effective_expiry()),
        }
        assert!(started.elapsed() < Duration::from_secs(6));
        emu.config(&format!(r#"{{"endpoints": {{"{endpoint}": {{"lifetime": 900}}}}}}"#));
        let token = provider.token().unwrap();
        verify_with_emulator(&token, SigningTime::now().unwrap()).unwrap();
    }
}

/// The signing side's clock jumps (TokenProvider::token_at): forwards past the credentials'
/// expiry, forwards with the credential endpoint's clock jumping too, backwards by an hour, and
/// backwards within the verifier's skew. Each answer is an error or a token that verifies at the
/// new time and does not outlive its credentials.
#[test]
fn clock_jumps_on_the_signing_side() {
    let s = Scenario::new("clock_jumps_on_the_signing_side");
    let emu = emulator();
    s.ecs_on();
    emu.config(r#"{"endpoints": {"ecs": {"lifetime": 900}}}"#);
    let provider = TokenProvider::new(&request(), chain());
    let t0 = SystemTime::now();
    let check = |token: &AuthToken, now: SystemTime, what: &str| {
        let akid = parse_token(token.as_str()).unwrap().access_key_id().to_string();
        let minted = emu.minted(&akid).unwrap();
        assert!(token.effective_expiry() <= minted.expiry, "{what}: token outlives its credentials");
        assert!(token.effective_expiry() > now + provider.refresh_margin(), "{what}: handed out within the margin");
        verify_with_emulator(token, SigningTime::from_system_time(now).unwrap())
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        akid
    };
    let a = provider.token_at(t0).unwrap();
    let akid_a = check(&a, t0, "start");

    // Backwards within the skew (2 min): the cached token still verifies then.
    let back = t0 - Duration::from_secs(120);
    let b = provider.token_at(back).unwrap();
    check(&b, back, "2 min back");

    // Backwards by an hour: never the token signed "in the future"; a new one signed then.
    let back = t0 - Duration::from_secs(3600);
    let c = provider.token_at(back).unwrap();
    assert_ne!(c.as_str(), a.as_str(), "an hour back: the token signed an hour later was handed out");
    assert_eq!(c.signing_time().unix_seconds(), SigningTime::from_system_time(back).unwrap().unix_seconds());
    check(&c, back, "1 h back");

    // Forwards 2 h, the credential endpoint's clock still at the real time: the credentials it
    // mints are expired at the signer's time. CREDENTIALS_EXPIRED, never a token.
    let fwd = t0 + Duration::from_secs(7200);
    let fetches = emu.stat("ecs");
    let e = provider.token_at(fwd).unwrap_err();
    assert_eq!(e.code(), ErrorCode::CredentialsExpired, "{e}");
    assert!(emu.stat("ecs") > fetches, "the expired credentials were re-fetched before giving up");

    // Forwards 2 h with the endpoint's clock following: new credentials, a new token.
    let offset = 7200.0 - t0.elapsed().unwrap_or_default().as_secs_f64();
    emu.config(&format!(r#"{{"clock_offset": {offset}}}"#));
    let d = provider.token_at(fwd).unwrap();
    let akid_d = check(&d, fwd, "2 h forward");
    assert_ne!(akid_d, akid_a, "2 h forward: the credentials minted two hours earlier were used");
}
