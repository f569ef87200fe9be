//! The `X-Amz-Date` text of a signing time (`20161107T173933Z`), three ways in the same run:
//! `SigningTime::amz_date` (the `time` crate's calendar, then 16 digits written into a byte
//! array), the `time` crate's own formatter (`format_into` a 16-byte buffer, no allocation either),
//! and the hand-written calendar the core used before it took `time` (kept here as the reference).
//! Prints the ratios at the end. `cargo bench -p auroraiam --bench amz_date`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use auroraiam::SigningTime;
use criterion::{criterion_group, criterion_main, Criterion};
use time::format_description::BorrowedFormatItem;
use time::OffsetDateTime;

const AT: i64 = 1_795_694_400 + 12 * 3600 + 34 * 60 + 56;

fn bench(c: &mut Criterion) {
    let at = SigningTime::from_unix_seconds(AT).unwrap();
    let description: Vec<BorrowedFormatItem<'static>> =
        time::format_description::parse_borrowed::<2>("[year][month][day]T[hour][minute][second]Z").unwrap();
    let expected = at.amz_date();
    assert_eq!(with_time_formatter(AT, &description), *expected.as_str().as_bytes());
    assert_eq!(hand_written(AT), *expected.as_str().as_bytes());

    let mut g = c.benchmark_group("amz_date");
    g.bench_function("signing_time_amz_date", |b| b.iter(|| black_box(at).amz_date()));
    g.bench_function("time_format_into", |b| b.iter(|| with_time_formatter(black_box(AT), &description)));
    g.bench_function("hand_written_calendar", |b| b.iter(|| hand_written(black_box(AT))));
    g.finish();

    // Alternating batches, so that load from other processes falls on all three alike.
    let mut rounds = [Vec::new(), Vec::new()];
    for round in 0..42 {
        let ours = batch(|| black_box(at).amz_date());
        let formatter = batch(|| with_time_formatter(black_box(AT), &description));
        let hand = batch(|| hand_written(black_box(AT)));
        if round > 0 {
            rounds[0].push(formatter / ours);
            rounds[1].push(ours / hand);
        }
    }
    for r in &mut rounds {
        r.sort_by(f64::total_cmp);
    }
    println!("\nX-Amz-Date (median of 41 interleaved rounds):");
    println!("  time's format_into is {:.2}x SigningTime::amz_date", rounds[0][20]);
    println!("  SigningTime::amz_date is {:.2}x the hand-written calendar it replaced", rounds[1][20]);
}

fn batch<T>(mut f: impl FnMut() -> T) -> f64 {
    let started = Instant::now();
    for _ in 0..20_000 {
        black_box(f());
    }
    started.elapsed().as_secs_f64()
}

fn with_time_formatter(unix: i64, description: &[BorrowedFormatItem<'_>]) -> [u8; 16] {
    let mut out = [0u8; 16];
    OffsetDateTime::from_unix_timestamp(unix).unwrap().format_into(&mut &mut out[..], description).unwrap();
    out
}

/// The core's `amz_date` before it used `time` (Howard Hinnant's civil-from-days).
fn hand_written(unix: i64) -> [u8; 16] {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut b = [0u8; 16];
    for (range, value) in [(0..4, year), (4..6, month), (6..8, day), (9..11, secs / 3600), (11..13, secs / 60 % 60), (13..15, secs % 60)] {
        let mut v = value;
        for slot in b[range].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
    }
    b[8] = b'T';
    b[15] = b'Z';
    b
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
