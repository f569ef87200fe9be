use auroraiam::*;
fn main() {
    let at = SigningTime::from_unix_seconds(1_795_694_400).unwrap();
    let s = Signer::new(credentials_from_parts("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None).unwrap()).unwrap();
    let r = TokenRequest::rds("mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com", 5432, "app_user").build().unwrap();
    let n: usize = std::env::args().nth(1).map(|a| a.parse().unwrap()).unwrap_or(1_000_000);
    let t = std::time::Instant::now();
    let mut acc = 0usize;
    for _ in 0..n { acc += if std::env::var_os("INTO").is_some() { s.sign(std::hint::black_box(&r), at).unwrap().into_string().len() } else { s.sign(std::hint::black_box(&r), at).unwrap().len() }; }
    eprintln!("{:?}/token {}", t.elapsed() / n as u32, acc);
}
