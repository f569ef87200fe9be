//! Per-token cost: cached-key Signer (RDS, RDS + 800-char session token, DSQL), one-shot
//! generation including key derivation, and aws-sigv4's full presign path in the same run; and
//! a TokenProvider cache hit (the cost of `token()` while the cached token is still fresh); and
//! the SHA-256 compression floor of each signer case, with the ratios printed at the end.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use auroraiam::{credentials_from_parts, generate_token, Signer, SigningTime, StaticSource, TokenProvider, TokenRequest};
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_sigv4::sign::v4;
use criterion::{criterion_group, criterion_main, Criterion};
use sha2::digest::generic_array::{typenum::U64, GenericArray};

mod compressions;
mod inputs;

use inputs::session_token;

const HOST: &str = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com";
const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const AT: i64 = 1_795_694_400;

/// Signing times that change on every call: 2048 consecutive seconds from `AT` (noon, so all on
/// one day), cycled through. Every token is then signed at another second than the one before,
/// so nothing a signer could remember from the previous call (hash states, results) fits it.
struct Clock {
    times: Vec<SigningTime>,
    next: usize,
}

impl Clock {
    fn new() -> Self {
        Clock { times: (0..2048).map(|s| SigningTime::from_unix_seconds(AT + s).unwrap()).collect(), next: 0 }
    }

    /// The next signing time (an index mask, no division: the cost stays a nanosecond or so).
    #[inline]
    fn tick(&mut self) -> SigningTime {
        self.next = (self.next + 1) & 2047;
        self.times[self.next]
    }
}

fn bench(c: &mut Criterion) {
    let at = SigningTime::from_unix_seconds(AT).unwrap();
    let token = session_token();
    let plain = Signer::new(credentials_from_parts(AKID, SECRET, None, None).unwrap()).unwrap();
    let with_session = Signer::new(credentials_from_parts("ASIAIOSFODNN7EXAMPLE", SECRET, Some(&token), None).unwrap()).unwrap();
    let rds = TokenRequest::rds(HOST, 5432, "app_user").build().unwrap();
    let dsql = TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", false).build().unwrap();

    let mut clock = Clock::new();
    let mut g = c.benchmark_group("token");
    g.bench_function("rds", |b| b.iter(|| plain.sign(black_box(&rds), black_box(clock.tick())).unwrap()));
    g.bench_function("rds_session_token_800", |b| {
        b.iter(|| with_session.sign(black_box(&rds), black_box(clock.tick())).unwrap())
    });
    g.bench_function("dsql", |b| b.iter(|| plain.sign(black_box(&dsql), black_box(clock.tick())).unwrap()));
    g.bench_function("rds_build_request_and_sign", |b| {
        b.iter(|| {
            let req = TokenRequest::rds(black_box(HOST), 5432, black_box("app_user")).build().unwrap();
            plain.sign(&req, clock.tick()).unwrap()
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
    g.finish();

    // The floor: `sha2::compress256` alone over as many blocks as each token above needs
    // (counted from the token text by `compressions.rs`, which a core unit test checks against
    // the compressions the signer really does), timed in the same run and printed as ratios.
    let mut floor = c.benchmark_group("floor");
    let mut rows = Vec::new();
    for (name, signer, request) in [("rds", &plain, &rds), ("rds_session_token_800", &with_session, &rds), ("dsql", &plain, &dsql)] {
        let token = signer.sign(request, at).unwrap();
        let blocks = compressions::compressions_per_token(token.as_str(), request.region(), request.kind().service());
        let data = vec![GenericArray::<u8, U64>::default(); blocks];
        let mut state = [0x6a09e667u32; 8];
        let floor_id = format!("compress256_x{blocks}_{name}");
        floor.bench_function(&floor_id, |b| b.iter(|| sha2::compress256(black_box(&mut state), black_box(&data))));
        rows.push((name, blocks, floor_id));
    }
    floor.finish();
    println!("\nper token against the SHA-256 compression floor (target <= 1.30x):");
    for (name, blocks, floor_id) in rows {
        let (signer, request) = match name {
            "rds_session_token_800" => (&with_session, &rds),
            "dsql" => (&plain, &dsql),
            _ => (&plain, &rds),
        };
        let ratio = interleaved_ratio(|| signer.sign(black_box(request), black_box(clock.tick())).unwrap(), blocks);
        match (median_ns("token", name), median_ns("floor", &floor_id)) {
            (Some(ours), Some(base)) => println!(
                "  {name:22} {ours:6.0} ns, floor {blocks:2} blocks {base:6.0} ns: {:.2}x (criterion medians); \
                 {ratio:.2}x (median of 41 interleaved rounds)",
                ours / base
            ),
            _ => println!("  {name:22} {ratio:.2}x the floor of {blocks} blocks (median of 41 interleaved rounds)"),
        }
    }
    if let (Some(ours), Some(theirs)) = (median_ns("token", "rds"), median_ns("token", "aws_sigv4_presign")) {
        println!("  aws-sigv4 presign is {:.1}x the Signer (rds)", theirs / ours);
    }
}

/// Time of `sign` over the time of `blocks` compressions, measured in alternating batches so
/// that load from other processes falls on both alike; the median of the per-round ratios.
fn interleaved_ratio<T>(mut sign: impl FnMut() -> T, blocks: usize) -> f64 {
    use std::time::Instant;
    let data = vec![GenericArray::<u8, U64>::default(); blocks];
    let mut state = [0x6a09e667u32; 8];
    const BATCH: u32 = 2_000;
    let mut ratios = Vec::new();
    for round in 0..42 {
        let started = Instant::now();
        for _ in 0..BATCH {
            black_box(sign());
        }
        let ours = started.elapsed();
        let started = Instant::now();
        for _ in 0..BATCH {
            sha2::compress256(black_box(&mut state), black_box(&data));
        }
        let floor = started.elapsed();
        if round > 0 {
            ratios.push(ours.as_secs_f64() / floor.as_secs_f64());
        }
    }
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Criterion's median estimate (ns) for `group/id` from this run, read back from its JSON.
fn median_ns(group: &str, id: &str) -> Option<f64> {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let text = std::fs::read_to_string(dir.join("criterion").join(group).join(id).join("new/estimates.json")).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
