//! Helpers shared by the CLI integration tests: run the built `auroraiam` binary as a process,
//! and read the shared conformance vectors in place.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_auroraiam");

/// The demo access key pair (AWS documentation example keys).
pub const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const HOST: &str = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com";
/// 2026-11-26T12:00:00Z.
pub const AT: i64 = 1_795_694_400;

/// One invocation: arguments, environment (the rest is cleared) and optional stdin.
#[derive(Clone, Default)]
pub struct Run {
    pub args: Vec<OsString>,
    pub env: Vec<(String, OsString)>,
    pub stdin: Option<Vec<u8>>,
}

impl Run {
    pub fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run { args: args.into_iter().map(|a| a.as_ref().to_os_string()).collect(), ..Default::default() }
    }
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.to_string(), value.as_ref().to_os_string()));
        self
    }
    /// The demo credentials in the environment.
    pub fn creds(self) -> Self {
        self.env("AWS_ACCESS_KEY_ID", AKID).env("AWS_SECRET_ACCESS_KEY", SECRET)
    }
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }
    /// Spawns the binary; `Err` only when the OS refuses the arguments (e.g. a NUL byte).
    pub fn try_run(&self) -> std::io::Result<Out> {
        let mut cmd = Command::new(BIN);
        cmd.args(&self.args).env_clear();
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        // The default chain would otherwise ask the real EC2 metadata service.
        if !self.env.iter().any(|(k, _)| k.starts_with("AWS_EC2_METADATA")) {
            cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        }
        cmd.stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        if let Some(bytes) = &self.stdin {
            let mut pipe = child.stdin.take().unwrap();
            let bytes = bytes.clone();
            // A writer thread, so a child that exits early (or a big input) cannot deadlock us.
            let writer = std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
            let out = child.wait_with_output()?;
            let _ = writer.join();
            return Ok(Out::from(out));
        }
        Ok(Out::from(child.wait_with_output()?))
    }
    pub fn run(&self) -> Out {
        self.try_run().unwrap_or_else(|e| panic!("spawning {BIN} {:?}: {e}", self.args))
    }
}

/// What a process did.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl From<Output> for Out {
    fn from(o: Output) -> Self {
        Out {
            // None means killed by a signal (a crash): never expected.
            code: o.status.code().unwrap_or(-1),
            stdout: o.stdout,
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Out {
    pub fn stdout_str(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
    /// Asserts a failure with `exit` and `auroraiam: error: <code>: ` on stderr, nothing on stdout.
    #[track_caller]
    pub fn assert_error(&self, exit: i32, code: &str) {
        assert_eq!(self.code, exit, "exit code for {code}: {self:?}");
        assert!(self.stderr.starts_with(&format!("auroraiam: error: {code}: ")), "stderr for {code}: {self:?}");
        assert!(!self.stderr.contains("panicked"), "{self:?}");
        assert!(self.stdout.is_empty(), "stdout must stay empty on errors: {self:?}");
    }
    #[track_caller]
    pub fn assert_ok(&self) {
        assert_eq!(self.code, 0, "{self:?}");
    }
}

/// Runs `runs` on a few threads (each one a real process), results in order.
pub fn run_all(runs: &[Run]) -> Vec<std::io::Result<Out>> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    let chunk = runs.len().div_ceil(workers).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            runs.chunks(chunk).map(|c| s.spawn(move || c.iter().map(Run::try_run).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

/// The shared vectors directory at the workspace root.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Every case of every vector file (rds, dsql, errors, public), as (file name, case).
pub fn all_cases() -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(vectors_dir())
        .expect("tests/vectors exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p.ends_with("package.json")
                && !p.ends_with("package-lock.json")
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for case in v["cases"].as_array().expect("cases") {
            out.push((name.clone(), case.clone()));
        }
    }
    out
}

/// A string field of a case (`None` for null).
pub fn field<'a>(case: &'a Value, name: &str) -> Option<&'a str> {
    case[name].as_str()
}

/// The generate invocation for a vector case: `--flag=value` forms (values may begin with `-`),
/// credentials in the environment as the CLI reads them.
pub fn generate_run(case: &Value) -> Run {
    let sub = match field(case, "kind").unwrap() {
        "rds" => "generate-db-auth-token",
        "dsql" => "generate-db-connect-auth-token",
        "dsql-admin" => "generate-db-connect-admin-auth-token",
        other => panic!("unknown kind {other}"),
    };
    let mut args = vec![sub.to_string(), format!("--hostname={}", field(case, "hostname").unwrap())];
    if sub == "generate-db-auth-token" {
        args.push(format!("--port={}", case["port"].as_i64().expect("rds port")));
        args.push(format!("--username={}", field(case, "username").expect("rds username")));
    }
    if let Some(region) = field(case, "region") {
        args.push(format!("--region={region}"));
    }
    args.push(format!("--expires-in={}", case["expires_in"].as_i64().unwrap()));
    args.push(format!("--signing-time={}", case["signing_time"].as_i64().unwrap()));
    let mut run = Run::new(args)
        .env("AWS_ACCESS_KEY_ID", field(case, "access_key_id").unwrap())
        .env("AWS_SECRET_ACCESS_KEY", field(case, "secret_access_key").unwrap());
    if let Some(t) = field(case, "session_token") {
        run = run.env("AWS_SESSION_TOKEN", t);
    }
    run
}

/// True when a value the CLI receives through argv or the environment contains a NUL byte,
/// which no process can be handed (argv and environ are NUL-terminated C strings).
pub fn needs_nul_in_argv_or_env(case: &Value) -> bool {
    ["hostname", "username", "region", "access_key_id", "secret_access_key", "session_token"]
        .iter()
        .any(|f| field(case, f).is_some_and(|v| v.contains('\0')))
}

/// A fresh scratch directory under the target dir (removed by the caller if it wants).
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("auroraiam-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Generates a demo-credential RDS token through the CLI.
pub fn gen_rds(host: &str, port: u16, user: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "generate-db-auth-token".to_string(),
        format!("--hostname={host}"),
        format!("--port={port}"),
        format!("--username={user}"),
    ];
    if !extra.iter().any(|a| a.starts_with("--signing-time")) {
        args.push(format!("--signing-time={AT}"));
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = Run::new(args).creds().run();
    out.assert_ok();
    let s = out.stdout_str();
    s.strip_suffix('\n').expect("newline").to_string()
}

/// The documented exit code of each code name (docs/cli.md, "Exit codes"). Written out here on
/// purpose: the tests hold the binary to the documentation, not to its own table.
pub fn documented_exit(code: &str) -> i32 {
    match code {
        "IO_ERROR" => 1,
        "USAGE" | "INVALID_HOSTNAME" | "INVALID_PORT" | "INVALID_USERNAME" | "INVALID_REGION" | "REGION_REQUIRED"
        | "INVALID_EXPIRES_IN" | "INVALID_SIGNING_TIME" | "INVALID_UTF8" | "INVALID_ARGUMENT" | "INVALID_ACCOUNT_ID"
        | "INVALID_RESOURCE_ID" | "INVALID_ARN" | "INVALID_POLICY" => 2,
        "TOKEN_MALFORMED" => 3,
        "UNKNOWN_ACCESS_KEY" => 4,
        "SIGNATURE_MISMATCH" => 5,
        "TOKEN_EXPIRED" | "TOKEN_NOT_YET_VALID" | "TOKEN_LIFETIME_TOO_LONG" => 6,
        "HOST_MISMATCH" | "PORT_MISMATCH" | "USER_MISMATCH" | "REGION_MISMATCH" | "KIND_MISMATCH" => 7,
        "INVALID_CREDENTIALS" | "CREDENTIALS_NOT_FOUND" | "CREDENTIALS_EXPIRED" | "CREDENTIALS_PROVIDER_FAILED" => 8,
        "TOKEN_REJECTED" | "LOGIN_DENIED" => 9,
        other => panic!("{other} has no documented exit code: add it to docs/cli.md and here"),
    }
}
