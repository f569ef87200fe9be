use auroraiam::*;
fn main() {
    let n: usize = std::env::args().nth(1).map(|a| a.parse().unwrap()).unwrap_or(1_000_000);
    let t = std::time::Instant::now();
    let mut acc = 0usize;
    for _ in 0..n {
        let r = TokenRequest::rds(std::hint::black_box("mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"), 5432, std::hint::black_box("app_user")).build().unwrap();
        acc += r.region().len();
    }
    eprintln!("{:?}/build {}", t.elapsed() / n as u32, acc);
}
