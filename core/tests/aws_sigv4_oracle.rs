//! Differential test: aws-sigv4's full presigned-request path must give the same signature and
//! the same query parameters (in its own order) for every non-error vector.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_sigv4::sign::v4;
use common::{all_cases, generate};

fn query_map(query: &str) -> BTreeMap<String, String> {
    query.split('&').map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (auroraiam::percent_decode(k).unwrap(), auroraiam::percent_decode(v).unwrap())
    }).collect()
}

#[test]
fn aws_sigv4_presign_agrees_on_every_vector() {
    let mut checked = 0;
    for (_, case) in all_cases().iter().filter(|(_, c)| c.expected_token.is_some()) {
        let ours = generate(case).unwrap();
        let (_, our_query) = ours.as_str().split_once("/?").unwrap();
        let ours_map = query_map(our_query);

        // aws-sigv4 signs the host header it is given: botocore's lower-cased host, :443 dropped.
        let mut host = case.hostname.to_ascii_lowercase();
        if let Some(p) = case.port.filter(|p| *p != 443) {
            host.push_str(&format!(":{p}"));
        }
        let mut query = format!("Action={}", ours_map["Action"]);
        if let Some(user) = &case.username {
            query.push_str(&format!("&DBUser={}", auroraiam::percent_encode(user)));
        }
        let url = format!("https://{host}/?{query}");
        let token = case.session_token.clone().filter(|t| !t.is_empty());
        let identity = Credentials::new(&case.access_key_id, &case.secret_access_key, token, None, "test").into();
        let mut settings = SigningSettings::default();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(case.expires_in as u64));
        let region = ours_map["X-Amz-Credential"].split('/').nth(2).unwrap().to_string();
        let service = if case.kind == "rds" { "rds-db" } else { "dsql" };
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name(service)
            .time(UNIX_EPOCH + Duration::from_secs(case.signing_time as u64))
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let headers = [("host", host.as_str())];
        let signable = SignableRequest::new("GET", url.as_str(), headers.into_iter(), SignableBody::Bytes(&[])).unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut theirs = query_map(&query);
        for (k, v) in instructions.params() {
            theirs.insert(k.to_string(), v.to_string());
        }
        assert_eq!(ours_map, theirs, "{}", case.id);
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} vectors checked");
}
