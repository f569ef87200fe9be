//! The default credential chain against real endpoints on loopback (tests/emulators/aws_endpoints.py,
//! started by this test binary): every source resolves and signs the same token as the same
//! credentials passed explicitly; precedence matches the AWS SDKs; temporary credentials rotate
//! before they expire, once per rotation for 16 threads; a down, slow or broken endpoint gives a
//! clear error (naming every source tried, no secret) within a bounded time.
//!
//! Environment variables are process-global: every test holds one lock for its whole run, starts
//! from an environment without any `AWS_*` variable, with `HOME`, `AWS_CONFIG_FILE` and
//! `AWS_SHARED_CREDENTIALS_FILE` pointing into a temp directory (the developer's real config is
//! never read), IMDS disabled unless the test points it at the emulator, and STS pointed at the
//! emulator. The environment is restored afterwards.
#![cfg(feature = "credential-chain")]

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use auroraiam::{
    credentials_from_parts, default_source, generate_token, has_default_chain, parse_token, verify_token, AuthToken,
    Credentials, CredentialsSource, DefaultChainSource, Error, ErrorCode, ParsedToken, SigningTime, TokenProvider,
    TokenRequest, VerifyOptions, Zeroizing,
};
use serde_json::Value;

/// Endpoints that reset, stall, throttle, answer garbage or huge bodies; expired credentials;
/// clock jumps on the signing side (the fault-injection cases of docs/reliability.md).
#[path = "credential_chain/faults.rs"]
mod faults;

const HOST: &str = "mydb.cluster-abc123.us-east-1.rds.amazonaws.com";
const PORT: u16 = 5432;
const USER: &str = "app_user";
const ECS_TOKEN: &str = "ecs-auth-token-not-to-be-logged";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/app-role";

// ---------------------------------------------------------------------------------------------
// The emulator process and its control API
// ---------------------------------------------------------------------------------------------

struct Emulator {
    port: u16,
    // Kept open for the life of the test binary: the emulator exits when its stdin closes.
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

/// Credentials the emulator minted, as it reports them.
#[derive(Clone, Debug)]
struct Minted {
    secret: String,
    session_token: String,
    expiry: SystemTime,
}

fn emulator() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/emulators/aws_endpoints.py");
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
        let mut child = Command::new(&python)
            .arg(&script)
            .args(["--port", "0", "--ecs-token", ECS_TOKEN])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {python} {}: {e}", script.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("emulator did not print its port: {line:?}"));
        let stdin = child.stdin.take().unwrap();
        Emulator { port, _stdin: Mutex::new(stdin), _child: Mutex::new(child) }
    })
}

impl Emulator {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// One HTTP/1.1 request with `Connection: close`; returns status and body.
    fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("emulator reachable");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        s.read_to_string(&mut response).unwrap();
        let status = response.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    fn reset(&self) {
        assert_eq!(self.request("POST", "/_control/reset", "").0, 200);
    }

    fn config(&self, json: &str) {
        let (status, body) = self.request("POST", "/_control/config", json);
        assert_eq!(status, 200, "emulator rejected config {json}: {body}");
    }

    fn stats(&self) -> HashMap<String, u64> {
        let (_, body) = self.request("GET", "/_control/stats", "");
        serde_json::from_str(&body).unwrap()
    }

    fn stat(&self, name: &str) -> u64 {
        self.stats()[name]
    }

    fn log(&self) -> Vec<Value> {
        serde_json::from_str(&self.request("GET", "/_control/log", "").1).unwrap()
    }

    fn minted(&self, access_key_id: &str) -> Option<Minted> {
        let (status, body) = self.request("GET", &format!("/_control/secret/{access_key_id}"), "");
        if status != 200 {
            return None;
        }
        let v: Value = serde_json::from_str(&body).unwrap();
        Some(Minted {
            secret: v["secret"].as_str()?.to_string(),
            session_token: v["session_token"].as_str()?.to_string(),
            expiry: UNIX_EPOCH + Duration::from_secs(v["expiration_epoch"].as_u64()?),
        })
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------------
// Scenario: serialized, hermetic environment
// ---------------------------------------------------------------------------------------------

static ENV_LOCK: Mutex<()> = Mutex::new(());
static DIR_SERIAL: AtomicU64 = AtomicU64::new(0);

struct Scenario {
    dir: PathBuf,
    saved: Vec<(OsString, OsString)>,
    started: Instant,
    name: &'static str,
    _guard: MutexGuard<'static, ()>,
}

fn aws_vars() -> Vec<OsString> {
    std::env::vars_os().map(|(k, _)| k).filter(|k| k.to_string_lossy().starts_with("AWS_")).collect()
}

impl Scenario {
    fn new(name: &'static str) -> Scenario {
        let guard = ENV_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let saved = std::env::vars_os()
            .filter(|(k, _)| k.to_string_lossy().starts_with("AWS_") || k == "HOME")
            .collect();
        for k in aws_vars() {
            std::env::remove_var(k);
        }
        let dir = std::env::temp_dir().join(format!(
            "auroraiam-chain-{}-{}",
            std::process::id(),
            DIR_SERIAL.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).unwrap();
        let emu = emulator();
        emu.reset();
        let s = Scenario { dir, saved, started: Instant::now(), name, _guard: guard };
        s.set("HOME", s.dir.join("home").to_str().unwrap());
        s.set("AWS_CONFIG_FILE", s.path("config").to_str().unwrap());
        s.set("AWS_SHARED_CREDENTIALS_FILE", s.path("credentials").to_str().unwrap());
        s.set("AWS_REGION", "us-east-1");
        s.set("AWS_EC2_METADATA_DISABLED", "true");
        // Never reach the real STS, whatever a scenario configures.
        s.set("AWS_ENDPOINT_URL_STS", &emu.url(""));
        s
    }

    fn set(&self, key: &str, value: &str) {
        std::env::set_var(key, value);
    }

    fn unset(&self, key: &str) {
        std::env::remove_var(key);
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }

    fn env_credentials(&self, akid: &str, secret: &str, session: Option<&str>) {
        self.set("AWS_ACCESS_KEY_ID", akid);
        self.set("AWS_SECRET_ACCESS_KEY", secret);
        match session {
            Some(t) => self.set("AWS_SESSION_TOKEN", t),
            None => self.unset("AWS_SESSION_TOKEN"),
        }
    }

    fn clear_env_credentials(&self) {
        for k in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] {
            self.unset(k);
        }
    }

    fn web_identity_on(&self) {
        let file = self.write("web-identity-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2ln");
        self.set("AWS_WEB_IDENTITY_TOKEN_FILE", file.to_str().unwrap());
        self.set("AWS_ROLE_ARN", ROLE_ARN);
        self.set("AWS_ROLE_SESSION_NAME", "auroraiam-test");
    }

    fn web_identity_off(&self) {
        for k in ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME"] {
            self.unset(k);
        }
    }

    fn ecs_on(&self) {
        self.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", &emulator().url("/ecs/credentials"));
        self.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", ECS_TOKEN);
    }

    fn ecs_off(&self) {
        self.unset("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        self.unset("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }

    fn imds_on(&self) {
        self.unset("AWS_EC2_METADATA_DISABLED");
        self.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &emulator().url(""));
    }

    fn imds_down(&self) {
        self.unset("AWS_EC2_METADATA_DISABLED");
        self.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &format!("http://127.0.0.1:{}", closed_port()));
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        eprintln!("scenario {:<40} {:>7.2} s", self.name, self.started.elapsed().as_secs_f64());
        for k in aws_vars() {
            std::env::remove_var(k);
        }
        std::env::remove_var("HOME");
        for (k, v) in &self.saved {
            std::env::set_var(k, v);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

fn request() -> TokenRequest<'static> {
    TokenRequest::rds(HOST, PORT, USER).region("us-east-1").build().unwrap()
}

/// What a source is expected to resolve to.
#[derive(Clone, Debug)]
struct Expected {
    akid: String,
    secret: String,
    session: Option<String>,
    expiry: Option<SystemTime>,
}

impl Expected {
    fn fixed(akid: &str, secret: &str, session: Option<&str>) -> Expected {
        Expected { akid: akid.into(), secret: secret.into(), session: session.map(Into::into), expiry: None }
    }

    fn minted(akid: &str) -> Expected {
        let m = emulator().minted(akid).unwrap_or_else(|| panic!("the emulator did not mint {akid}"));
        Expected { akid: akid.into(), secret: m.secret, session: Some(m.session_token), expiry: Some(m.expiry) }
    }
}

fn verify_options(now: SigningTime) -> VerifyOptions<'static> {
    VerifyOptions {
        expect_hostname: Some(HOST),
        expect_port: Some(PORT),
        expect_username: Some(USER),
        expect_region: Some("us-east-1"),
        ..VerifyOptions::at(now)
    }
}

fn verify_with_emulator(token: &AuthToken, now: SigningTime) -> Result<ParsedToken, Error> {
    verify_token(
        token.as_str(),
        |akid| emulator().minted(akid).map(|m| Zeroizing::new(m.secret)),
        &verify_options(now),
    )
}

/// The source resolves to what `expected` says for the access key id it returned, and a token
/// made through a TokenProvider over it equals the token made with the same credentials passed
/// explicitly (`generate_token`), and verifies with the secret.
fn assert_resolves(source: Arc<dyn CredentialsSource>, expected: impl Fn(&str) -> Expected) -> Credentials {
    let c = source.fetch().unwrap_or_else(|e| panic!("{} source failed: {e}", source.name()));
    let exp = expected(c.access_key_id());
    assert_eq!(c.access_key_id(), exp.akid);
    assert_eq!(c.secret_access_key(), exp.secret, "secret of {}", exp.akid);
    assert_eq!(c.session_token(), exp.session.as_deref(), "session token of {}", exp.akid);
    assert_eq!(c.expiry(), exp.expiry, "expiry of {}", exp.akid);

    // The provider fetches again (the chain itself does not cache): temporary sources mint anew.
    let provider = TokenProvider::new(&request(), source);
    let token = provider.token().unwrap();
    let exp = expected(parse_token(token.as_str()).unwrap().access_key_id());
    let explicit = credentials_from_parts(&exp.akid, &exp.secret, exp.session.as_deref(), exp.expiry).unwrap();
    let same = generate_token(&request(), &explicit, token.signing_time()).unwrap();
    assert_eq!(token.as_str(), same.as_str(), "token through the chain differs from the explicit one");
    assert_eq!(token.effective_expiry(), same.effective_expiry());
    let Expected { akid, secret, session, .. } = exp;
    let parsed = verify_token(
        token.as_str(),
        move |a| (a == akid).then(|| Zeroizing::new(secret)),
        &verify_options(SigningTime::now().unwrap()),
    )
    .unwrap();
    assert_eq!(parsed.has_session_token(), session.is_some());
    c
}

/// For sources with fixed credentials.
fn fixed(akid: &'static str, secret: &'static str, session: Option<&'static str>) -> impl Fn(&str) -> Expected {
    move |_| Expected::fixed(akid, secret, session)
}

fn chain() -> Arc<dyn CredentialsSource> {
    Arc::new(DefaultChainSource::new())
}

fn chain_with_profile(name: &str) -> Arc<dyn CredentialsSource> {
    Arc::new(DefaultChainSource::with_profile(name).unwrap())
}

fn fetch_akid(source: Arc<dyn CredentialsSource>) -> String {
    source.fetch().unwrap_or_else(|e| panic!("{e}")).access_key_id().to_string()
}

/// Runs `fetch` and returns its error and how long it took.
fn timed_error(source: &dyn CredentialsSource) -> (Error, Duration) {
    let t = Instant::now();
    let e = match source.fetch() {
        Ok(c) => panic!("expected an error, got credentials {}", c.access_key_id()),
        Err(e) => e,
    };
    (e, t.elapsed())
}

/// Every secret the tests ever hand to a source or the emulator ever minted must stay out of
/// error messages.
fn assert_no_secret(message: &str, extra_secrets: &[&str]) {
    for s in extra_secrets.iter().chain([ECS_TOKEN, "secret/", "+session==", "wJalrXUtnFEMI"].iter()) {
        assert!(!message.contains(s), "error message leaks {s:?}: {message}");
    }
}

const ALL_SOURCES: [&str; 5] =
    ["environment", "profile", "web identity", "container (ECS / EKS Pod Identity)", "EC2 instance metadata (IMDSv2)"];

/// The message lists the sources in chain order, each with a reason.
fn assert_names_sources(message: &str, sources: &[&str]) {
    assert!(message.contains("sources tried: "), "no list of sources tried: {message}");
    let mut from = 0;
    for s in sources {
        let needle = format!("{s}: ");
        let at = message[from..]
            .find(&needle)
            .unwrap_or_else(|| panic!("{s:?} missing (or out of order) in: {message}"));
        from += at + needle.len();
        let reason: String = message[from..].chars().take(5).collect();
        assert!(!reason.trim().is_empty() && !reason.starts_with(';'), "no reason for {s:?}: {message}");
    }
}

// ---------------------------------------------------------------------------------------------
// One test per source
// ---------------------------------------------------------------------------------------------

#[test]
fn build_has_the_default_chain() {
    let _s = Scenario::new("build_has_the_default_chain");
    assert!(has_default_chain());
    assert_eq!(default_source().name(), "default chain");
}

#[test]
fn environment_variables() {
    let s = Scenario::new("environment_variables");
    s.env_credentials("AKIAENVEXAMPLE000001", "env/secret+key=0000000000000000000001", None);
    assert_resolves(chain(), fixed("AKIAENVEXAMPLE000001", "env/secret+key=0000000000000000000001", None));
    s.env_credentials("ASIAENVEXAMPLE000002", "env-secret-2", Some("env/session+token=="));
    assert_resolves(chain(), fixed("ASIAENVEXAMPLE000002", "env-secret-2", Some("env/session+token==")));
    assert_eq!(default_source().fetch().unwrap().access_key_id(), "ASIAENVEXAMPLE000002");
    assert_eq!(emulator().stats().values().sum::<u64>(), 0, "no endpoint is contacted");
}

#[test]
fn shared_files_and_profiles() {
    let s = Scenario::new("shared_files_and_profiles");
    s.write(
        "credentials",
        "[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = default-secret\n\n\
         [dev]\naws_access_key_id = ASIADEV0000000000001\naws_secret_access_key = dev-secret\n\
         aws_session_token = dev/session+token\n",
    );
    s.write(
        "config",
        "[default]\nregion = us-east-1\n\n[profile staging]\naws_access_key_id = AKIASTAGING000000001\n\
         aws_secret_access_key = staging-secret\n",
    );
    // A decoy where the files would be without AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE.
    s.write(
        "home/.aws/credentials",
        "[default]\naws_access_key_id = AKIAHOMEDECOY0000001\naws_secret_access_key = decoy\n",
    );
    s.write(
        "home/.aws/config",
        "[profile staging]\naws_access_key_id = AKIAHOMEDECOY0000002\naws_secret_access_key = decoy\n",
    );

    assert_resolves(chain(), fixed("AKIADEFAULT000000001", "default-secret", None));
    s.set("AWS_PROFILE", "dev");
    assert_resolves(chain(), fixed("ASIADEV0000000000001", "dev-secret", Some("dev/session+token")));
    s.set("AWS_PROFILE", "staging");
    assert_resolves(chain(), fixed("AKIASTAGING000000001", "staging-secret", None));
    // An explicit profile beats AWS_PROFILE.
    assert_resolves(chain_with_profile("dev"), fixed("ASIADEV0000000000001", "dev-secret", Some("dev/session+token")));
    s.unset("AWS_PROFILE");
    assert_resolves(chain_with_profile("staging"), fixed("AKIASTAGING000000001", "staging-secret", None));

    // Without the variables the SDK reads ~/.aws/credentials and ~/.aws/config under HOME.
    s.unset("AWS_SHARED_CREDENTIALS_FILE");
    assert_eq!(fetch_akid(chain()), "AKIAHOMEDECOY0000001");
    s.unset("AWS_CONFIG_FILE");
    assert_eq!(fetch_akid(chain_with_profile("staging")), "AKIAHOMEDECOY0000002");

    // An explicit profile that does not exist (or refers to one that does not) is an error naming
    // it, as in the AWS CLI and botocore, not a silent fall-through to the next source (here the
    // instance role, which answers).
    s.set("AWS_SHARED_CREDENTIALS_FILE", s.path("credentials").to_str().unwrap());
    s.set("AWS_CONFIG_FILE", s.path("config").to_str().unwrap());
    s.imds_on();
    let mut config = std::fs::read_to_string(s.path("config")).unwrap();
    config.push_str(&format!("\n[profile orphan]\nrole_arn = {ROLE_ARN}\nsource_profile = missing\n"));
    s.write("config", &config);
    for (profile, named) in [("nonexistent", "nonexistent"), ("orphan", "missing")] {
        let (e, took) = timed_error(&DefaultChainSource::with_profile(profile).unwrap());
        eprintln!("missing profile {profile}: {took:?}: {e}");
        assert_eq!(e.code(), ErrorCode::CredentialsNotFound, "{e}");
        assert!(e.message().contains(&format!("profile {profile:?}")), "{e}");
        assert!(e.message().contains(&format!("`{named}` was not defined")), "{e}");
        assert_no_secret(e.message(), &["default-secret", "dev-secret", "staging-secret", "dev/session+token"]);
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
    assert_eq!(emulator().stat("imds"), 0, "the instance role was not used");
    // AWS_PROFILE naming a missing profile follows aws-config (the Rust SDK): the profile source
    // is skipped and the chain goes on (botocore would raise ProfileNotFound).
    s.set("AWS_PROFILE", "nonexistent");
    assert!(fetch_akid(chain()).starts_with("ASIAIMDS"));
}

#[test]
fn credential_process() {
    let s = Scenario::new("credential_process");
    let expiry_secs = (SystemTime::now() + Duration::from_secs(3600)).duration_since(UNIX_EPOCH).unwrap().as_secs();
    let expiry = UNIX_EPOCH + Duration::from_secs(expiry_secs);
    let expiration = SigningTime::from_unix_seconds(expiry_secs as i64).unwrap().to_string();
    let script = s.write(
        "process.sh",
        &format!(
            "#!/bin/sh\ncat <<'EOF'\n{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS000000001\", \
             \"SecretAccessKey\": \"process/secret+key\", \"SessionToken\": \"process/session+token==\", \
             \"Expiration\": \"{expiration}\"}}\nEOF\n"
        ),
    );
    make_executable(&script);
    s.write("config", &format!("[default]\ncredential_process = {}\n", script.display()));
    assert_resolves(chain(), move |_| Expected {
        expiry: Some(expiry),
        ..Expected::fixed("ASIAPROCESS000000001", "process/secret+key", Some("process/session+token=="))
    });

    // A process that fails, or prints something that is not credentials, is a provider failure
    // that names the profile source; what the process printed (secrets) stays out of the error.
    let broken = s.write(
        "broken.sh",
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIABROKEN\", \"SecretAccessKey\": \"leaked-secret-value'\n",
    );
    make_executable(&broken);
    s.write("config", &format!("[default]\ncredential_process = {}\n", broken.display()));
    let (e, took) = timed_error(&DefaultChainSource::new());
    eprintln!("broken credential_process: {took:?}: {e}");
    assert_eq!(e.code(), ErrorCode::CredentialsProviderFailed, "{e}");
    assert!(e.message().contains("profile"), "{e}");
    assert_no_secret(e.message(), &["leaked-secret-value"]);
    assert!(took < Duration::from_secs(5), "{took:?}");

    let failing = s.write("failing.sh", "#!/bin/sh\necho 'sso session expired' >&2\nexit 3\n");
    make_executable(&failing);
    s.write("config", &format!("[default]\ncredential_process = {}\n", failing.display()));
    let (e, _) = timed_error(&DefaultChainSource::new());
    eprintln!("failing credential_process: {e}");
    assert_eq!(e.code(), ErrorCode::CredentialsProviderFailed, "{e}");
    assert_names_sources(e.message(), &ALL_SOURCES[..2]);
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `aws login` (AWS CLI >= 2.32) writes `login_session = <ARN>` into the profile and caches the
/// console session's temporary credentials in `~/.aws/login/cache/<sha256 of the ARN>.json`
/// (or `$AWS_LOGIN_CACHE_DIRECTORY`); aws-config's `credentials-login` feature reads them. A
/// cached session with more than 5 minutes left is used as is (no call to AWS Sign-In).
#[test]
fn login_session_profile() {
    use sha2::{Digest, Sha256};
    let s = Scenario::new("login_session_profile");
    let arn = "arn:aws:iam::123456789012:user/console-admin";
    let expiry_secs = (SystemTime::now() + Duration::from_secs(3600)).duration_since(UNIX_EPOCH).unwrap().as_secs();
    let expiry = UNIX_EPOCH + Duration::from_secs(expiry_secs);
    let expires_at = SigningTime::from_unix_seconds(expiry_secs as i64).unwrap().to_string();
    let cache = s.path("login-cache");
    s.set("AWS_LOGIN_CACHE_DIRECTORY", cache.to_str().unwrap());
    let digest: String = Sha256::digest(arn.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    s.write(
        &format!("login-cache/{digest}.json"),
        &format!(
            "{{\"accessToken\": {{\"accessKeyId\": \"ASIALOGINEXAMPLE0001\", \"secretAccessKey\": \"login/secret+key\", \
             \"sessionToken\": \"login/session+token==\", \"accountId\": \"123456789012\", \"expiresAt\": \"{expires_at}\"}}, \
             \"tokenType\": \"aws_sigv4\", \"refreshToken\": \"not-used-while-the-session-is-fresh\", \
             \"clientId\": \"arn:aws:signin:::devtools/same-device\", \
             \"dpopKey\": \"-----BEGIN EC PRIVATE KEY-----\\nnot used without a refresh\\n-----END EC PRIVATE KEY-----\\n\"}}"
        ),
    );
    s.write("config", &format!("[profile console]\nlogin_session = {arn}\nregion = us-east-1\n"));
    let expected = move |_: &str| Expected {
        expiry: Some(expiry),
        ..Expected::fixed("ASIALOGINEXAMPLE0001", "login/secret+key", Some("login/session+token=="))
    };
    assert_resolves(chain_with_profile("console"), expected);
    s.set("AWS_PROFILE", "console");
    assert_resolves(chain(), expected);
    assert_eq!(emulator().stats().values().sum::<u64>(), 0, "no endpoint is contacted");

    // No cached session (never logged in, or the cache was removed): an error naming the profile
    // source, not a fall-through to the instance role.
    std::fs::remove_file(s.path(&format!("login-cache/{digest}.json"))).unwrap();
    let (e, _) = timed_error(&DefaultChainSource::with_profile("console").unwrap());
    eprintln!("login_session without a cached session: {e}");
    assert_eq!(e.code(), ErrorCode::CredentialsProviderFailed, "{e}");
    assert!(e.message().contains("profile"), "{e}");
    assert_no_secret(e.message(), &["login/secret+key"]);
}

#[test]
fn web_identity() {
    let s = Scenario::new("web_identity");
    s.web_identity_on();
    let source = chain();
    let akid = fetch_akid(source.clone());
    assert!(akid.starts_with("ASIASTS"), "{akid}");
    assert_eq!(emulator().stat("sts_web_identity"), 1);
    let log = emulator().log();
    assert_eq!(log[0]["action"], "AssumeRoleWithWebIdentity");
    assert_eq!(log[0]["role_arn"], ROLE_ARN);
    assert_eq!(log[0]["session_name"], "auroraiam-test");
    assert_resolves(source, Expected::minted);
    assert_eq!(emulator().stat("sts_web_identity"), 3, "the chain itself does not cache");
}

#[test]
fn assume_role_profile() {
    let s = Scenario::new("assume_role_profile");
    s.write(
        "credentials",
        "[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = base-secret\n",
    );
    s.write(
        "config",
        &format!(
            "[profile app]\nrole_arn = {ROLE_ARN}\nsource_profile = base\nrole_session_name = app-session\n\
             region = us-east-1\n"
        ),
    );
    for explicit in [true, false] {
        let source = if explicit {
            chain_with_profile("app")
        } else {
            s.set("AWS_PROFILE", "app");
            chain()
        };
        let akid = fetch_akid(source.clone());
        let call = emulator().log().into_iter().last().unwrap();
        assert_eq!(call["action"], "AssumeRole");
        assert_eq!(call["caller"], "AKIABASE000000000001", "AssumeRole must be signed with the source profile");
        assert_eq!(call["role_arn"], ROLE_ARN);
        assert_eq!(call["session_name"], "app-session");
        assert_eq!(call["access_key_id"], akid.as_str());
        assert_resolves(source, Expected::minted);
    }
    assert_eq!(emulator().stat("sts_assume_role"), 6);
}

#[test]
fn ecs_container_credentials() {
    let s = Scenario::new("ecs_container_credentials");
    s.ecs_on();
    let source = chain();
    assert!(fetch_akid(source.clone()).starts_with("ASIAECSX"));
    assert_resolves(source, Expected::minted);
    assert_eq!(emulator().stat("ecs"), 3);

    // A wrong authorization token is refused (401): a failure naming the container source.
    s.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token");
    let (e, took) = timed_error(&DefaultChainSource::new());
    assert_eq!(e.code(), ErrorCode::CredentialsProviderFailed, "{e}");
    assert!(e.message().contains("container (ECS / EKS Pod Identity): FAILED"), "{e}");
    assert_no_secret(e.message(), &["wrong-token"]);
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn imds_v2() {
    let s = Scenario::new("imds_v2");
    s.imds_on();
    let source = chain();
    assert!(fetch_akid(source.clone()).starts_with("ASIAIMDS"));
    assert_resolves(source, Expected::minted);
    let stats = emulator().stats();
    assert_eq!(stats["imds"], 3);
    assert!(stats["imds_tokens"] >= 1, "IMDSv2 session token requested: {stats:?}");
}

// ---------------------------------------------------------------------------------------------
// Precedence
// ---------------------------------------------------------------------------------------------

#[test]
fn precedence_matches_the_sdks() {
    let s = Scenario::new("precedence_matches_the_sdks");
    let emu = emulator();
    // Every source configured at once.
    s.env_credentials("AKIAENV0000000000001", "env-secret", None);
    s.write(
        "credentials",
        "[default]\naws_access_key_id = AKIAPROFILE000000001\naws_secret_access_key = p\n\n\
         [other]\naws_access_key_id = AKIAOTHER00000000001\naws_secret_access_key = o\n",
    );
    s.web_identity_on();
    s.ecs_on();
    s.imds_on();

    assert_eq!(fetch_akid(chain()), "AKIAENV0000000000001", "environment first");
    // AWS_PROFILE does not disable environment credentials (botocore, AWS CLI, Rust SDK) ...
    s.set("AWS_PROFILE", "other");
    assert_eq!(fetch_akid(chain()), "AKIAENV0000000000001", "environment beats AWS_PROFILE");
    // ... an explicit profile does.
    assert_eq!(fetch_akid(chain_with_profile("default")), "AKIAPROFILE000000001", "explicit profile skips env");
    assert_eq!(fetch_akid(chain_with_profile("other")), "AKIAOTHER00000000001");
    s.unset("AWS_PROFILE");
    assert_eq!(emu.stats().values().sum::<u64>(), 0, "no endpoint contacted while a higher source answers");

    s.clear_env_credentials();
    assert_eq!(fetch_akid(chain()), "AKIAPROFILE000000001", "profile second");
    assert_eq!(emu.stats().values().sum::<u64>(), 0);

    std::fs::remove_file(s.path("credentials")).unwrap();
    assert!(fetch_akid(chain()).starts_with("ASIASTS"), "web identity third");
    assert_eq!((emu.stat("sts_web_identity"), emu.stat("ecs"), emu.stat("imds")), (1, 0, 0));

    s.web_identity_off();
    assert!(fetch_akid(chain()).starts_with("ASIAECS"), "container fourth");
    assert_eq!((emu.stat("sts"), emu.stat("ecs"), emu.stat("imds")), (1, 1, 0));

    s.ecs_off();
    assert!(fetch_akid(chain()).starts_with("ASIAIMDS"), "instance metadata last");
    assert_eq!((emu.stat("sts"), emu.stat("ecs"), emu.stat("imds")), (1, 1, 1));

    // An explicit profile without credentials falls through to the rest of the chain, but not to
    // the environment (as in botocore).
    s.write("config", "[profile region-only]\nregion = us-east-1\n");
    s.env_credentials("AKIAENV0000000000001", "env-secret", None);
    assert!(fetch_akid(chain_with_profile("region-only")).starts_with("ASIAIMDS"));
}

// ---------------------------------------------------------------------------------------------
// Rotation
// ---------------------------------------------------------------------------------------------

/// Simulated clock, realistic lifetimes: IMDS credentials living 600 s (shorter than the token's
/// 900 s), default 60 s margin, 3 simulated hours in 23 s steps. The emulator's clock follows
/// the simulated one so minted expiries are consistent with it.
#[test]
fn rotation_on_a_simulated_clock() {
    let s = Scenario::new("rotation_on_a_simulated_clock");
    let emu = emulator();
    s.imds_on();
    emu.config(r#"{"endpoints": {"imds": {"lifetime": 600}}}"#);
    let provider = TokenProvider::new(&request(), chain());
    let start = SystemTime::now();
    let margin = provider.refresh_margin();
    let mut seen: Vec<(String, u64)> = Vec::new(); // (akid, first simulated second)
    for offset in (0..3 * 3600u64).step_by(23) {
        // The emulator's clock reads the simulated time (its own clock moves on in real time).
        let clock_offset = offset as f64 - start.elapsed().unwrap().as_secs_f64();
        emu.config(&format!(r#"{{"clock_offset": {clock_offset}}}"#));
        let now = start + Duration::from_secs(offset);
        let token = provider.token_at(now).unwrap();
        let akid = parse_token(token.as_str()).unwrap().access_key_id().to_string();
        let minted = emu.minted(&akid).unwrap();
        assert_eq!(token.credentials_expiry(), Some(minted.expiry));
        assert!(token.effective_expiry() <= minted.expiry, "token outlives its credentials");
        assert!(token.effective_expiry() > now + margin, "token handed out within the margin at +{offset}");
        assert!(token.effective_expiry() < token.expires_at(), "600 s credentials cut the 900 s token short");
        verify_with_emulator(&token, SigningTime::from_system_time(now).unwrap()).unwrap();
        if seen.last().map(|(a, _)| a) != Some(&akid) {
            if let Some((prev, _)) = seen.last() {
                // The new credentials arrived before the previous ones expired.
                assert!(now < emu.minted(prev).unwrap().expiry, "{prev} expired before rotation");
            }
            seen.push((akid, offset));
        }
    }
    // 600 s credentials, 60 s margin: a rotation every ~540 s, 10800 s -> about 20 fetches.
    let fetches = provider.credential_fetch_count();
    assert!((18..=22).contains(&fetches), "{fetches} fetches");
    assert_eq!(emu.stat("imds"), fetches, "the emulator saw one fetch per rotation");
    assert_eq!(seen.len() as u64, fetches);
}

/// Wall clock, short lifetimes: ECS credentials living 7 s, 5 s margin (a rotation every ~2 s);
/// 16 threads call `token()` for ~5 s, every token verifies, none is handed out within the
/// margin of its credentials' expiry, and the emulator sees one fetch per rotation.
#[test]
fn sixteen_threads_during_rotation() {
    let s = Scenario::new("sixteen_threads_during_rotation");
    let emu = emulator();
    s.ecs_on();
    emu.config(r#"{"endpoints": {"ecs": {"lifetime": 7, "delay_ms": 30}}}"#);
    let provider =
        Arc::new(TokenProvider::new(&request(), chain()).with_refresh_margin(Duration::from_secs(5)).unwrap());
    let margin = provider.refresh_margin();
    let secrets: Arc<Mutex<HashMap<String, Minted>>> = Arc::default();
    let first_seen: Arc<Mutex<HashMap<String, SystemTime>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (provider, secrets, first_seen, stop, calls) =
                (provider.clone(), secrets.clone(), first_seen.clone(), stop.clone(), calls.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let before = SystemTime::now();
                    let token = provider.token().unwrap();
                    calls.fetch_add(1, Ordering::Relaxed);
                    let akid = parse_token(token.as_str()).unwrap().access_key_id().to_string();
                    first_seen.lock().unwrap().entry(akid.clone()).or_insert(before);
                    let minted = secrets
                        .lock()
                        .unwrap()
                        .entry(akid.clone())
                        .or_insert_with(|| emulator().minted(&akid).unwrap())
                        .clone();
                    assert!(token.effective_expiry() <= minted.expiry, "token outlives its credentials");
                    assert!(token.effective_expiry() > before + margin, "token handed out within the margin");
                    let secret = minted.secret.clone();
                    verify_token(
                        token.as_str(),
                        |a| (a == akid).then(|| Zeroizing::new(secret)),
                        &verify_options(SigningTime::now().unwrap()),
                    )
                    .unwrap();
                    std::thread::sleep(Duration::from_micros(500));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(5200));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("a thread got an invalid token");
    }
    let fetches = provider.credential_fetch_count();
    let calls = calls.load(Ordering::Relaxed);
    let mut rotations: Vec<(SystemTime, String)> =
        first_seen.lock().unwrap().iter().map(|(a, t)| (*t, a.clone())).collect();
    rotations.sort();
    eprintln!("16 threads: {calls} tokens, {fetches} credential fetches");
    assert!((3..=5).contains(&fetches), "{fetches} fetches in ~5 s with a rotation every ~2 s");
    assert_eq!(emu.stat("ecs"), fetches, "the emulator saw one fetch per rotation, not one per thread");
    assert_eq!(rotations.len() as u64, fetches, "every fetch was used");
    for pair in rotations.windows(2) {
        let expiry = secrets.lock().unwrap()[&pair[0].1].expiry;
        assert!(pair[1].0 < expiry, "{} appeared after {} expired", pair[1].1, pair[0].1);
    }
    assert!(calls > 16 * fetches * 10, "{calls} calls");
}

// ---------------------------------------------------------------------------------------------
// Failures: clear, bounded, no secrets
// ---------------------------------------------------------------------------------------------

#[test]
fn nothing_configured_names_every_source() {
    let s = Scenario::new("nothing_configured_names_every_source");
    s.imds_down();
    let (e, took) = timed_error(&DefaultChainSource::new());
    eprintln!("nothing configured, IMDS down: {took:?}: {e}");
    assert_eq!(e.code(), ErrorCode::CredentialsNotFound, "{e}");
    assert_names_sources(e.message(), &ALL_SOURCES);
    assert!(took < Duration::from_secs(10), "{took:?}");
    // Through a TokenProvider: the same error, no token.
    let p = TokenProvider::new(&request(), chain());
    assert_eq!(p.token().unwrap_err().code(), ErrorCode::CredentialsNotFound);

    // With IMDS disabled the explicit profile chain still lists the rest (and not environment).
    s.set("AWS_EC2_METADATA_DISABLED", "true");
    s.env_credentials("AKIAENV0000000000001", "env-secret", None);
    let (e, took) = timed_error(&DefaultChainSource::with_profile("default").unwrap());
    assert_eq!(e.code(), ErrorCode::CredentialsNotFound, "{e}");
    assert_names_sources(e.message(), &ALL_SOURCES[1..]);
    assert!(!e.message().contains("environment:"), "{e}");
    assert!(e.message().contains("AWS_EC2_METADATA_DISABLED"), "{e}");
    assert_no_secret(e.message(), &["env-secret"]);
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn endpoint_down() {
    let s = Scenario::new("endpoint_down");
    // Container endpoint configured but nothing listening: a failure, not "not found".
    s.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", &format!("http://127.0.0.1:{}/creds", closed_port()));
    s.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", ECS_TOKEN);
    let (e, took) = timed_error(&DefaultChainSource::new());
    eprintln!("ECS down: {took:?}: {e}");
    assert_eq!(e.code(), ErrorCode::CredentialsProviderFailed, "{e}");
    assert_names_sources(e.message(), &ALL_SOURCES[..4]);
    assert!(e.message().contains("container (ECS / EKS Pod Identity): FAILED"), "{e}");
    assert_no_secret(e.message(), &[]);
    assert!(took < Duration::from_secs(10), "{took:?}");

    // STS down for web identity.
    s.ecs_off();
    s.web_identity_on();
    s.set("AWS_ENDPOINT_URL_STS", &format!("http://127.0.0.1:{}", closed_port()));
    let (e, took) = timed_error(&DefaultChainSource::new().with_timeout(Duration::from_secs(8)).unwrap());
    eprintln!("STS down: {took:?}: {e}");
    assert_eq!(e.code(), ErrorCode::CredentialsProviderFailed, "{e}");
    assert!(e.message().contains("web identity: FAILED"), "{e}");
    assert!(took < Duration::from_secs(9), "{took:?}");
}

#[test]
fn slow_endpoints_hit_the_timeout() {
    let s = Scenario::new("slow_endpoints_hit_the_timeout");
    let emu = emulator();
    let timeout = Duration::from_millis(1500);
    for (endpoint, setup) in [("ecs", 0), ("imds", 1), ("sts", 2)] {
        s.ecs_off();
        s.web_identity_off();
        s.set("AWS_EC2_METADATA_DISABLED", "true");
        match setup {
            0 => s.ecs_on(),
            1 => s.imds_on(),
            _ => s.web_identity_on(),
        }
        for mode in ["delay", "hang"] {
            emu.reset();
            let cfg = if mode == "delay" { r#"{"delay_ms": 6000}"# } else { r#"{"mode": "hang"}"# };
            emu.config(&format!(r#"{{"endpoints": {{"{endpoint}": {cfg}}}}}"#));
            let source = DefaultChainSource::new().with_timeout(timeout).unwrap();
            let (e, took) = timed_error(&source);
            eprintln!("{endpoint} {mode}: {took:?}: {e}");
            assert_eq!(e.code(), ErrorCode::CredentialsProviderFailed, "{endpoint} {mode}: {e}");
            assert!(took < timeout + Duration::from_secs(1), "{endpoint} {mode}: {took:?}");
            // Either the chain timeout cut it short, or (IMDS) the provider's own 1 s read timeout.
            let stuck = match setup {
                0 => ALL_SOURCES[3],
                1 => ALL_SOURCES[4],
                _ => ALL_SOURCES[2],
            };
            let ours = format!("{stuck}: FAILED: no answer within 1.5 s");
            let own = format!("{stuck}: FAILED: ");
            if took >= timeout {
                assert!(e.message().contains(&ours), "{endpoint} {mode}: {e}");
                assert!(e.message().contains(&format!("the {stuck} credential source did not answer")), "{e}");
            } else {
                assert!(e.message().contains(&own) && e.message().contains("timeout"), "{endpoint} {mode}: {e}");
            }
            assert_no_secret(e.message(), &[]);
            // The error names the source that did not answer and the ones tried before it.
            assert_names_sources(e.message(), &ALL_SOURCES[..2]);
        }
    }
    // Through a TokenProvider, one call is bounded the same way, and a recovered endpoint works.
    emu.reset();
    emu.config(r#"{"endpoints": {"sts": {"delay_ms": 6000}}}"#);
    let p = TokenProvider::new(&request(), Arc::new(DefaultChainSource::new().with_timeout(timeout).unwrap()));
    let t = Instant::now();
    assert_eq!(p.token().unwrap_err().code(), ErrorCode::CredentialsProviderFailed);
    assert!(t.elapsed() < timeout + Duration::from_secs(1));
    emu.config(r#"{"endpoints": {"sts": {"delay_ms": 0}}}"#);
    verify_with_emulator(&p.token().unwrap(), SigningTime::now().unwrap()).unwrap();
}

#[test]
fn malformed_and_refused_answers() {
    let s = Scenario::new("malformed_and_refused_answers");
    let emu = emulator();
    const FAILED: ErrorCode = ErrorCode::CredentialsProviderFailed;
    let cases: [(&str, &str, ErrorCode, &str); 7] = [
        ("ecs", "malformed", FAILED, "container (ECS / EKS Pod Identity): FAILED: "),
        ("ecs", "error", FAILED, "container (ECS / EKS Pod Identity): FAILED: "),
        ("ecs", "denied", FAILED, "container (ECS / EKS Pod Identity): FAILED: "),
        ("imds", "malformed", FAILED, "EC2 instance metadata (IMDSv2): FAILED: "),
        ("imds", "error", FAILED, "EC2 instance metadata (IMDSv2): FAILED: "),
        // Truncated XML parses into credentials without a secret: the core keeps the code the same
        // values would get if passed explicitly (INVALID_CREDENTIALS) and names the source.
        ("sts", "malformed", ErrorCode::InvalidCredentials, "web identity: FAILED: returned invalid credentials: "),
        ("sts", "denied", FAILED, "web identity: FAILED: "),
    ];
    for (endpoint, mode, code, expect) in cases {
        s.ecs_off();
        s.web_identity_off();
        s.set("AWS_EC2_METADATA_DISABLED", "true");
        match endpoint {
            "ecs" => s.ecs_on(),
            "imds" => s.imds_on(),
            _ => s.web_identity_on(),
        }
        emu.reset();
        emu.config(&format!(r#"{{"endpoints": {{"{endpoint}": {{"mode": "{mode}"}}}}}}"#));
        let source = Arc::new(DefaultChainSource::new().with_timeout(Duration::from_secs(10)).unwrap());
        let (e, took) = timed_error(source.as_ref());
        eprintln!("{endpoint} {mode}: {took:?}: {e}");
        assert_eq!(e.code(), code, "{endpoint} {mode}: {e}");
        assert!(e.message().contains(expect), "{endpoint} {mode}: {e}");
        assert_names_sources(e.message(), &ALL_SOURCES[..2]);
        assert_no_secret(e.message(), &[]);
        assert!(took < Duration::from_secs(8), "{endpoint} {mode}: {took:?}");
        // The endpoint recovers: the same source (through a provider) then works.
        emu.config(&format!(r#"{{"endpoints": {{"{endpoint}": {{"mode": "ok"}}}}}}"#));
        let p = TokenProvider::new(&request(), source);
        verify_with_emulator(&p.token().unwrap(), SigningTime::now().unwrap()).unwrap();
    }
}

/// Credentials that are already expired (or expire within the margin) are refused with
/// CREDENTIALS_EXPIRED instead of signing a token that dies on arrival.
#[test]
fn credentials_expiring_within_the_margin_are_refused() {
    let s = Scenario::new("credentials_expiring_within_the_margin_are_refused");
    let emu = emulator();
    s.ecs_on();
    emu.config(r#"{"endpoints": {"ecs": {"lifetime": 30}}}"#);
    let p = TokenProvider::new(&request(), chain()); // 60 s margin > 30 s lifetime
    let e = p.token().unwrap_err();
    assert_eq!(e.code(), ErrorCode::CredentialsExpired, "{e}");
    assert_no_secret(e.message(), &[]);
    // A 10 s margin accepts them; the token dies with its credentials.
    let p = TokenProvider::new(&request(), chain()).with_refresh_margin(Duration::from_secs(10)).unwrap();
    let token = p.token().unwrap();
    let akid = parse_token(token.as_str()).unwrap().access_key_id().to_string();
    assert_eq!(token.effective_expiry(), emu.minted(&akid).unwrap().expiry);
}
