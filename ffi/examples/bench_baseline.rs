//! Rust baseline for `make bench-c`: the same work as one `auroraiam_signer_*_token()` call,
//! done directly on the core (build and validate the request, sign, drop the token), timed the
//! same way as tests/c/bench.c (thread CPU time, median of samples), so the two can be run
//! alternately and compared without the noise of other processes. `sign_only` rows sign a
//! prebuilt request, like criterion's token/rds.
//!
//!   cargo run --release -p auroraiam-ffi --example bench_baseline [sample_seconds]
//!   bench_baseline --count N [rds|rds_session_token_800|dsql|provider]   N tokens and exit (callgrind)
//!
//! `provider` is a TokenProvider cache hit (system clock read, cached token) plus a copy of the
//! token, as `auroraiam_token_provider_token()` hands the C caller its own copy.

use std::hint::black_box;
use std::time::Duration;

use std::sync::Arc;

use auroraiam::{credentials_from_parts, Signer, SigningTime, StaticSource, TokenProvider, TokenRequest};

const HOST: &str = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com";
const DSQL_HOST: &str = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const AT: i64 = 1_795_694_400;
const SAMPLES: usize = 15;

/// The benchmark's ~800-character STS-shaped session token (same generator as the C and criterion benches).
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

/// CPU time of the calling thread (what tests/c/bench.c measures too).
fn thread_cpu() -> Duration {
    let mut ts = std::mem::MaybeUninit::<[i64; 2]>::uninit();
    // CLOCK_THREAD_CPUTIME_ID = 3 on Linux; timespec is two longs on 64-bit Linux.
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut [i64; 2]) -> i32;
    }
    // SAFETY: clock_gettime writes one timespec.
    let ts = unsafe {
        clock_gettime(3, ts.as_mut_ptr());
        ts.assume_init()
    };
    Duration::new(ts[0] as u64, ts[1] as u32)
}

fn measure(name: &str, sample_seconds: f64, mut one: impl FnMut()) {
    let warm = thread_cpu();
    while (thread_cpu() - warm).as_secs_f64() < 0.5 {
        for _ in 0..1000 {
            one();
        }
    }
    let start = thread_cpu();
    for _ in 0..1000 {
        one();
    }
    let per = (thread_cpu() - start).as_secs_f64() / 1000.0;
    let batch = (sample_seconds / per) as u64 + 1;
    let mut ns: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let start = thread_cpu();
            for _ in 0..batch {
                one();
            }
            (thread_cpu() - start).as_secs_f64() * 1e9 / batch as f64
        })
        .collect();
    ns.sort_by(f64::total_cmp);
    println!(
        "rust/{name}: {:.1} ns/token (median of {SAMPLES} samples of {batch} tokens; min {:.1}, max {:.1})",
        ns[SAMPLES / 2],
        ns[0],
        ns[SAMPLES - 1]
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let plain = Signer::new(credentials_from_parts(AKID, SECRET, None, None).unwrap()).unwrap();
    let token = session_token();
    let with_session = Signer::new(
        credentials_from_parts("ASIAIOSFODNN7EXAMPLE", SECRET, Some(&token), None).unwrap(),
    )
    .unwrap();
    let rds = |signer: &Signer| {
        let request = TokenRequest::rds(black_box(HOST), black_box(5432i64), black_box("app_user"))
            .maybe_region(black_box(None))
            .expires_in_secs(black_box(900i64))
            .build()
            .unwrap();
        let at = SigningTime::from_unix_seconds(black_box(AT)).unwrap();
        black_box(signer.sign(&request, at).unwrap());
    };
    let dsql = |signer: &Signer| {
        let request = TokenRequest::dsql(black_box(DSQL_HOST), black_box(false))
            .maybe_region(black_box(None))
            .expires_in_secs(black_box(900i64))
            .build()
            .unwrap();
        let at = SigningTime::from_unix_seconds(black_box(AT)).unwrap();
        black_box(signer.sign(&request, at).unwrap());
    };
    let provider = TokenProvider::new(
        &TokenRequest::rds(HOST, 5432, "app_user").build().unwrap(),
        Arc::new(StaticSource::new(credentials_from_parts(AKID, SECRET, None, None).unwrap()).unwrap()),
    );
    let cache_hit = || {
        let token = provider.token().unwrap();
        black_box(token.as_str().to_string());
    };
    if args.get(1).map(String::as_str) == Some("--count") {
        let n: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
        for _ in 0..n {
            match args.get(3).map(String::as_str).unwrap_or("rds") {
                "rds_session_token_800" => rds(&with_session),
                "dsql" => dsql(&plain),
                "provider" => cache_hit(),
                _ => rds(&plain),
            }
        }
        return;
    }
    let sample_seconds: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0.2);
    measure("rds", sample_seconds, || rds(&plain));
    measure("rds_session_token_800", sample_seconds, || {
        rds(&with_session)
    });
    measure("dsql", sample_seconds, || dsql(&plain));
    let prebuilt = TokenRequest::rds(HOST, 5432, "app_user").build().unwrap();
    let at = SigningTime::from_unix_seconds(AT).unwrap();
    measure("rds_sign_only", sample_seconds, || {
        black_box(plain.sign(black_box(&prebuilt), black_box(at)).unwrap());
    });
    measure("provider", sample_seconds, cache_hit);
}
