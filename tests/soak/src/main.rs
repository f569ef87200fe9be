//! Soak driver for the Rust surface (see tests/soak/run.sh and docs/reliability.md).
//!
//!   auroraiam-soak rss TOKENS        one-shot (`generate_token`) then cached (`Signer::sign`):
//!                                    TOKENS tokens each, RSS sampled; prints one line per path
//!   auroraiam-soak rotation SECONDS  16 threads call one `TokenProvider` over the default chain
//!                                    (pointed at the loopback emulator by run.sh) for SECONDS;
//!                                    prints one JSON line per distinct token, then a summary line
//!
//! The output format is the one every surface's driver prints; tests/soak/check.py reads it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use auroraiam::{credentials_from_parts, default_source, generate_token, Signer, SigningTime, TokenProvider, TokenRequest};

const HOST: &str = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com";
const USER: &str = "app_user";
/// Credentials for the RSS part (fake, documentation-style).
const AKID: &str = "AKIASOAKEXAMPLE00001";
const SECRET: &str = "soakSECRETexample/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SESSION: &str = "IQoJb3JpZ2luX2VjSOAKsessionTOKENexample0123456789abcdefghijklmnop";

/// Resident set size in kB (/proc/self/status VmRSS).
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs `make_token` `n` times, sampling RSS 100 times; prints the figure line
/// (`soak <surface> <path>: ...`) the other drivers print too.
fn rss_run(path: &str, n: u64, mut make_token: impl FnMut() -> usize) {
    let warm = (n / 10).max(1);
    let every = (n / 100).max(1);
    let (mut after_warmup, mut max_after) = (0u64, 0u64);
    let started = Instant::now();
    for i in 0..n {
        std::hint::black_box(make_token());
        if i + 1 == warm {
            after_warmup = rss_kb();
            max_after = after_warmup;
        } else if i + 1 > warm && (i + 1) % every == 0 {
            max_after = max_after.max(rss_kb());
        }
    }
    let end = rss_kb();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "soak rust {path}: {n} tokens in {secs:.1} s; RSS after warm-up {after_warmup} kB, end {end} kB, \
         growth {} kB, max growth {} kB",
        end as i64 - after_warmup as i64,
        max_after.max(end) - after_warmup
    );
}

fn rss(n: u64) {
    let request = TokenRequest::rds(HOST, 5432, USER).region("us-east-1").build().expect("request");
    let credentials = credentials_from_parts(AKID, SECRET, Some(SESSION), None).expect("credentials");
    rss_run("one-shot", n, || {
        generate_token(&request, &credentials, SigningTime::now().expect("clock")).expect("token").len()
    });
    let signer = Signer::new(credentials).expect("signer");
    rss_run("cached", n, || signer.sign(&request, SigningTime::now().expect("clock")).expect("token").len());
}

fn unix(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// First and last time a token was handed out, and how often.
struct Seen {
    first: f64,
    last: f64,
    calls: u64,
    expires_at: f64,
}

fn rotation(seconds: u64, margin: u64) {
    let request = TokenRequest::rds(HOST, 5432, USER).region("us-east-1").build().expect("request");
    let provider = Arc::new(
        TokenProvider::new(&request, default_source())
            .with_refresh_margin(Duration::from_secs(margin))
            .expect("margin"),
    );
    let seen: Arc<Mutex<HashMap<String, Seen>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (provider, seen, stop, errors) = (provider.clone(), seen.clone(), stop.clone(), errors.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match provider.token() {
                        Ok(token) => {
                            let now = unix(SystemTime::now());
                            let mut seen = seen.lock().unwrap();
                            let e = seen.entry(token.as_str().to_string()).or_insert(Seen {
                                first: now,
                                last: now,
                                calls: 0,
                                expires_at: unix(token.effective_expiry()),
                            });
                            e.last = now;
                            e.calls += 1;
                        }
                        Err(e) => {
                            eprintln!("soak rust rotation: error: {e}");
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("thread");
    }
    let seen = seen.lock().unwrap();
    let mut calls = 0;
    for (token, s) in seen.iter() {
        calls += s.calls;
        println!(
            r#"{{"token": "{token}", "first": {:.3}, "last": {:.3}, "calls": {}, "expires_at": {:.0}}}"#,
            s.first, s.last, s.calls, s.expires_at
        );
    }
    println!(
        r#"{{"summary": "rust", "workers": 16, "calls": {calls}, "errors": {}, "fetches": {}, "margin": {margin}}}"#,
        errors.load(Ordering::Relaxed),
        provider.credential_fetch_count()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    match args.get(1).map(String::as_str) {
        Some("rss") => rss(number(2, 10_000_000)),
        Some("rotation") => rotation(number(2, 30), number(3, 2)),
        _ => {
            eprintln!("usage: auroraiam-soak rss TOKENS | rotation SECONDS [MARGIN]");
            std::process::exit(2);
        }
    }
}
