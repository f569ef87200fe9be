//! Percent-encoding and hex, the core's hand-written code against the crates that do the same
//! (`percent-encoding` with the SigV4 `AsciiSet`, `hex`), in the same run; prints the ratios.
//! `cargo bench -p auroraiam --bench encoding`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The core's module itself (it uses nothing else from the crate), so its private functions run.
#[allow(dead_code, unused_imports)]
#[path = "../src/encoding.rs"]
mod encoding;
mod inputs;

use inputs::session_token;

/// SigV4's set: everything but RFC 3986's unreserved bytes is escaped.
const SIGV4: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn crate_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    out.extend(utf8_percent_encode(value, SIGV4));
    out
}

fn crate_hex(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    hex::encode_to_slice(bytes, &mut out).unwrap();
    out
}

fn bench(c: &mut Criterion) {
    let token = session_token();
    let user = "app_user@example.com";
    let digest = [0xa7u8; 32].map(|b| b ^ 0x5c);
    for s in [token.as_str(), user, "é日 +/~"] {
        assert_eq!(encoding::percent_encode(s), crate_encode(s));
    }
    assert_eq!(encoding::hex32(&digest), crate_hex(&digest));

    let mut g = c.benchmark_group("encoding");
    g.bench_function("ours_session_token_800", |b| b.iter(|| encoding::percent_encode(black_box(&token))));
    g.bench_function("crate_session_token_800", |b| b.iter(|| crate_encode(black_box(&token))));
    g.bench_function("ours_user", |b| b.iter(|| encoding::percent_encode(black_box(user))));
    g.bench_function("crate_user", |b| b.iter(|| crate_encode(black_box(user))));
    g.bench_function("ours_hex32", |b| b.iter(|| encoding::hex32(black_box(&digest))));
    g.bench_function("crate_hex32", |b| b.iter(|| crate_hex(black_box(&digest))));
    g.finish();

    println!("\ncrate over ours (median of 41 interleaved rounds):");
    let ratio = |ours: &dyn Fn(), theirs: &dyn Fn()| {
        let mut r = Vec::new();
        for round in 0..42 {
            let a = batch(ours);
            let b = batch(theirs);
            if round > 0 {
                r.push(b / a);
            }
        }
        r.sort_by(f64::total_cmp);
        r[20]
    };
    println!("  percent-encoding, 800-char session token: {:.2}x",
        ratio(&|| { black_box(encoding::percent_encode(black_box(&token))); }, &|| { black_box(crate_encode(black_box(&token))); }));
    println!("  percent-encoding, user name:              {:.2}x",
        ratio(&|| { black_box(encoding::percent_encode(black_box(user))); }, &|| { black_box(crate_encode(black_box(user))); }));
    println!("  hex of a 32-byte digest:                  {:.2}x",
        ratio(&|| { black_box(encoding::hex32(black_box(&digest))); }, &|| { black_box(crate_hex(black_box(&digest))); }));
}

fn batch(f: &dyn Fn()) -> f64 {
    let started = Instant::now();
    for _ in 0..5_000 {
        f();
    }
    started.elapsed().as_secs_f64()
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
