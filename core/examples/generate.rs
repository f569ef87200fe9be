//! Prints one RDS token for the `DEMO_*` inputs of `scripts/demo.env`, using AWS_* credentials.

use auroraiam::{credentials_from_env, generate_token, SigningTime, TokenRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set (source scripts/demo.env)"));
    let hostname = var("DEMO_HOSTNAME")?;
    let port: i64 = var("DEMO_PORT")?.parse()?;
    let username = var("DEMO_USERNAME")?;
    let at = SigningTime::parse(&var("DEMO_SIGNING_TIME")?)?;
    let request = TokenRequest::rds(&hostname, port, &username).build()?;
    let token = generate_token(&request, &credentials_from_env()?, at)?;
    println!("{}", token.as_str());
    Ok(())
}
