//! The CLI's default credential chain against loopback endpoints: EC2 IMDSv2 (the emulator in
//! tests/emulators), a profile from a temporary credentials file, precedence, and failure.
#![cfg(feature = "credential-chain")]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use common::{Run, AT, HOST};

/// The emulator process; stopped (stdin closed, then killed) when dropped.
struct Emulator {
    child: Child,
    port: u16,
}

impl Emulator {
    fn start() -> Emulator {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/emulators/aws_endpoints.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("PORT ").expect("PORT line").parse().unwrap();
        Emulator { child, port }
    }

    fn get(&self, path: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
    }

    fn stats(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/_control/stats")).unwrap()
    }

    fn secret(&self, akid: &str) -> String {
        let v: serde_json::Value = serde_json::from_str(&self.get(&format!("/_control/secret/{akid}"))).unwrap();
        v["secret"].as_str().unwrap().to_string()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn generate() -> Run {
    Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "app_user",
              "--signing-time", &AT.to_string()])
}

fn home() -> tempfile_dir::TempDir {
    tempfile_dir::TempDir::new()
}

/// A tiny temporary-directory helper (no extra dependency).
mod tempfile_dir {
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new() -> Self {
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let p = std::env::temp_dir().join(format!("auroraiam-cli-chain-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
            std::fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn access_key_of(token: &str) -> String {
    let cred = token.split("X-Amz-Credential=").nth(1).unwrap();
    cred.split("%2F").next().unwrap().to_string()
}

#[test]
fn imds_credentials_sign_a_token_that_verifies_with_the_minted_secret() {
    let emu = Emulator::start();
    let home = home();
    // Signed now: the minted credentials live 900 s from now.
    let out = Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "app_user"])
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("http://127.0.0.1:{}", emu.port))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let token = out.stdout_str().trim_end().to_string();
    let akid = access_key_of(&token);
    assert!(akid.starts_with("ASIAIMDS"), "{akid}");
    assert!(token.contains("X-Amz-Security-Token="));
    // One invocation, one credential fetch (no retries, no duplicate resolution).
    assert_eq!(emu.stats()["imds"], 1);

    let secret_file = home.path().join("secret");
    std::fs::write(&secret_file, emu.secret(&akid)).unwrap();
    let verified = Run::new(["verify", "--secret-access-key-file", secret_file.to_str().unwrap(),
                             "--expect-user", "app_user", &token]).run();
    assert_eq!(verified.code, 0, "{}", verified.stderr);
}

#[test]
fn environment_beats_profile_and_profile_beats_imds() {
    let emu = Emulator::start();
    let home = home();
    let creds = home.path().join("credentials");
    std::fs::write(&creds, "[default]\naws_access_key_id = AKIADEFAULTPROFILE00\naws_secret_access_key = s1\n\n\
                            [other]\naws_access_key_id = AKIAOTHERPROFILE000\naws_secret_access_key = s2\n").unwrap();
    let base = |run: Run| {
        run.env("HOME", home.path())
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .env("AWS_CONFIG_FILE", home.path().join("missing-config"))
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("http://127.0.0.1:{}", emu.port))
    };
    let from_env = base(generate().creds()).run();
    assert_eq!(access_key_of(&from_env.stdout_str()), common::AKID, "{}", from_env.stderr);
    let from_profile = base(generate()).run();
    assert_eq!(access_key_of(&from_profile.stdout_str()), "AKIADEFAULTPROFILE00", "{}", from_profile.stderr);
    let named = base(generate().creds().env("AWS_PROFILE", "other")).run();
    assert_eq!(access_key_of(&named.stdout_str()), common::AKID, "env still first with AWS_PROFILE: {}", named.stderr);
    let mut explicit = base(generate().creds());
    explicit.args.extend(["--profile".into(), "other".into()]);
    let explicit = explicit.run();
    assert_eq!(access_key_of(&explicit.stdout_str()), "AKIAOTHERPROFILE000", "--profile skips env: {}", explicit.stderr);
    assert_eq!(emu.stats()["imds"], 0, "IMDS is last in the chain");
}

#[test]
fn no_source_names_every_source_tried_and_fails_fast() {
    let home = home();
    let started = std::time::Instant::now();
    let out = generate()
        .env("HOME", home.path())
        // A closed port: the metadata endpoint is down.
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")
        .run();
    assert!(started.elapsed() < std::time::Duration::from_secs(25), "took {:?}", started.elapsed());
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert!(out.stderr.contains("CREDENTIALS_"), "{}", out.stderr);
    for source in ["environment", "profile", "web identity", "container", "instance metadata"] {
        assert!(out.stderr.contains(source), "{source} missing from: {}", out.stderr);
    }
    let mut missing = generate().env("HOME", home.path());
    missing.args.extend(["--profile".into(), "nope".into()]);
    let out = missing.run();
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert!(out.stderr.contains("profile"), "{}", out.stderr);
}
