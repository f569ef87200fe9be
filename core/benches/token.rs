//! Per-token cost: cached-key Signer (RDS, RDS + 800-char session token, DSQL), one-shot
//! generation including key derivation, and aws-sigv4's full presign path in the same run; and
//! a TokenProvider cache hit (the cost of `token()` while the cached token is still fresh).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use auroraiam::{credentials_from_parts, generate_token, Signer, SigningTime, StaticSource, TokenProvider, TokenRequest};
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_sigv4::sign::v4;
use criterion::{criterion_group, criterion_main, Criterion};

const HOST: &str = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com";
const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const AT: i64 = 1_795_694_400;

/// An STS-shaped session token of about 800 characters (base64 with `/ + =`).
fn session_token() -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::from("IQoJb3JpZ2luX2VjE");
    let mut x: u32 = 12345;
    while s.len() < 798 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        s.push(char::from(alphabet[(x >> 16) as usize % 64]));
    }
    s.push_str("==");
    s
}

fn bench(c: &mut Criterion) {
    let at = SigningTime::from_unix_seconds(AT).unwrap();
    let token = session_token();
    let plain = Signer::new(credentials_from_parts(AKID, SECRET, None, None).unwrap()).unwrap();
    let with_session = Signer::new(credentials_from_parts("ASIAIOSFODNN7EXAMPLE", SECRET, Some(&token), None).unwrap()).unwrap();
    let rds = TokenRequest::rds(HOST, 5432, "app_user").build().unwrap();
    let dsql = TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", false).build().unwrap();

    let mut g = c.benchmark_group("token");
    g.bench_function("rds", |b| b.iter(|| plain.sign(black_box(&rds), black_box(at)).unwrap()));
    g.bench_function("rds_session_token_800", |b| b.iter(|| with_session.sign(black_box(&rds), black_box(at)).unwrap()));
    g.bench_function("dsql", |b| b.iter(|| plain.sign(black_box(&dsql), black_box(at)).unwrap()));
    g.bench_function("rds_build_request_and_sign", |b| {
        b.iter(|| {
            let req = TokenRequest::rds(black_box(HOST), 5432, black_box("app_user")).build().unwrap();
            plain.sign(&req, at).unwrap()
        })
    });
    let creds = credentials_from_parts(AKID, SECRET, None, None).unwrap();
    g.bench_function("rds_first_token_with_key_derivation", |b| {
        b.iter(|| generate_token(black_box(&rds), black_box(&creds), black_box(at)).unwrap())
    });

    // TokenProvider::token() on a warm cache: clock read, shared lock, Arc clone (target <= 50 ns).
    let provider = TokenProvider::new(&rds, Arc::new(StaticSource::new(creds.clone()).unwrap()));
    provider.token().unwrap();
    g.bench_function("token_provider_cache_hit", |b| b.iter(|| provider.token().unwrap()));
    // Its floor: the clock read every call makes (compare the two in the same run).
    g.bench_function("token_provider_clock_read_baseline", |b| b.iter(std::time::SystemTime::now));
    assert_eq!(provider.credential_fetch_count(), 1, "every benchmarked call was a cache hit");

    // aws-sigv4's full presigned-request path, for the same RDS request.
    let identity = aws_credential_types::Credentials::new(AKID, SECRET, None, None, "bench").into();
    let host = format!("{HOST}:5432");
    let url = format!("https://{host}/?Action=connect&DBUser=app_user");
    g.bench_function("aws_sigv4_presign", |b| {
        b.iter(|| {
            let mut settings = SigningSettings::default();
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(900));
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("rds-db")
                .time(UNIX_EPOCH + Duration::from_secs(AT as u64))
                .settings(settings)
                .build()
                .unwrap()
                .into();
            let headers = [("host", host.as_str())];
            let signable =
                SignableRequest::new("GET", url.as_str(), headers.into_iter(), SignableBody::Bytes(&[])).unwrap();
            let (instructions, _) = sign(signable, &params).unwrap().into_parts();
            // Assemble the token string as a caller would.
            let mut out = format!("{host}/?Action=connect&DBUser=app_user");
            for (k, v) in instructions.params() {
                out.push('&');
                out.push_str(k);
                out.push('=');
                out.push_str(&auroraiam::percent_encode(v));
            }
            black_box(out)
        })
    });
    // The floor: SHA-256 alone over the bytes a straightforward signer hashes for the `rds`
    // token above (canonical request, then HMAC inner and outer over the string to sign), so
    // the per-token numbers can be read against this machine's hash speed.
    {
        use sha2::{Digest, Sha256};
        let token = plain.sign(&rds, at).unwrap();
        let creq_len = 6 + (token.len() - token.as_str().find("/?").unwrap() - 2 - 81) + 6 + 56 + 7 + 64;
        let creq = vec![b'c'; creq_len];
        let inner = vec![b'i'; 64 + 137];
        let outer = vec![b'o'; 64 + 32];
        g.bench_function("sha256_floor_rds", |b| {
            b.iter(|| {
                let a = Sha256::digest(black_box(&creq));
                let i = Sha256::digest(black_box(&inner));
                let o = Sha256::digest(black_box(&outer));
                black_box((a, i, o))
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
