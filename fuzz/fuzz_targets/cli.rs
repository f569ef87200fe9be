//! The CLI's argument and stdin paths: the CLI's own modules (cli/src, compiled in unchanged)
//! driven with fuzzed argument vectors (NUL-separated) and fuzzed stdin bytes, the way
//! cli/src/main.rs drives them. Never panics; every failure has a code name and an exit code;
//! nothing printed shows the credentials' secret or session token, and `inspect` output never
//! shows the input token's signature.
#![no_main]
#![allow(dead_code, unused_imports)]

#[path = "../../cli/src/account.rs"]
mod account;
#[path = "../../cli/src/cli.rs"]
mod cli;
#[path = "../../cli/src/credentials.rs"]
mod credentials;
#[path = "../../cli/src/error.rs"]
mod error;
#[path = "../../cli/src/generate.rs"]
mod generate;
#[path = "../../cli/src/input.rs"]
mod input;
#[path = "../../cli/src/inspect.rs"]
mod inspect;
#[path = "../../cli/src/output.rs"]
mod output;
#[path = "../../cli/src/policy.rs"]
mod policy;
#[path = "../../cli/src/verify.rs"]
mod verify;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::cell::RefCell;
use std::sync::{Once, OnceLock};

use auroraiam_fuzz::{assert_not_shown, signature_of, SECRET, SESSION};
use clap::{CommandFactory, FromArgMatches};
use cli::{Cli, Command};
use error::CliError;
use libfuzzer_sys::fuzz_target;

static INIT: Once = Once::new();
thread_local! {
    /// The CLI's clap command, built (and its debug asserts run) once; every execution parses
    /// with it in place (`try_get_matches_from_mut`: the same parser `main.rs` runs through
    /// `Cli::parse`, minus building the command, a third of an execution's time, and minus
    /// cloning and dropping it, another sixth).
    static COMMAND: RefCell<clap::Command> = RefCell::new({
        let mut c = Cli::command();
        c.build();
        c
    });
}
/// The fixtures, one set per process (a fixed path is rewritten by every fuzzer process that
/// starts, so a second run would see it empty for a moment).
static FILES: OnceLock<(String, String)> = OnceLock::new();

fn secret_file() -> &'static str {
    &FILES.get().expect("init").0
}

fn policy_file() -> &'static str {
    &FILES.get().expect("init").1
}
/// The `policy --explain` fixture: one grant, so explanations both allow and deny.
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds-db:connect","Resource":"arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/app_user"}]}"#;

fn init() {
    INIT.call_once(|| {
        let pid = std::process::id();
        let files = (format!("/tmp/auroraiam-fuzz-cli-secret-{pid}"), format!("/tmp/auroraiam-fuzz-cli-policy-{pid}.json"));
        std::fs::write(&files.0, format!("{SECRET}\n")).expect("secret file");
        std::fs::write(&files.1, POLICY).expect("policy file");
        FILES.set(files).expect("set once");
        // Edition 2021: set_var is safe; the harness is single-threaded.
        std::env::set_var("AWS_ACCESS_KEY_ID", auroraiam_fuzz::AKID);
        std::env::set_var("AWS_SECRET_ACCESS_KEY", SECRET);
        std::env::set_var("AWS_SESSION_TOKEN", SESSION);
        std::env::set_var(cli::VERIFY_SECRET_ENV, SECRET);
    });
}

/// The token argument: given, or (None / `-`) the stdin bytes as `input::token` turns them
/// into text (one newline stripped, UTF-8 checked).
fn token_from(arg: &Option<OsString>, stdin: &[u8]) -> Result<Option<OsString>, CliError> {
    match arg {
        Some(a) if a != "-" => Ok(Some(a.clone())),
        _ => {
            let mut bytes = stdin.to_vec();
            input::strip_one_newline(&mut bytes);
            let text = auroraiam::str_from_utf8(&bytes, "token on stdin")?;
            if text == "-" {
                return Err(CliError::Usage("stdin is -".into()));
            }
            Ok(Some(OsString::from(text)))
        }
    }
}

fn execute(command: &mut Command, stdin: &[u8]) -> Result<String, CliError> {
    match command {
        Command::GenerateDbAuthToken(args) => generate::rds(args).map(|_| String::new()),
        Command::GenerateDbConnectAuthToken(args) => generate::dsql(args, false).map(|_| String::new()),
        Command::GenerateDbConnectAdminAuthToken(args) => generate::dsql(args, true).map(|_| String::new()),
        Command::Inspect(args) => {
            args.token = token_from(&args.token, stdin)?;
            let report = inspect::run(args)?;
            Ok(report.stdout)
        }
        Command::Verify(args) => {
            // Never read a file the fuzzer names (a FIFO would hang): the fixture only.
            if args.secret_access_key_file.is_some() {
                args.secret_access_key_file = Some(secret_file().into());
            }
            args.token = token_from(&args.token, stdin)?;
            verify::run(args).map(|v| v.redacted)
        }
        Command::Policy(args) => {
            // Never read a file the fuzzer names (a FIFO would hang): the fixture only.
            if args.explain.is_some() {
                args.explain = Some(policy_file().into());
            }
            policy::run(args).map(|out| out.stdout)
        }
        Command::CreateUserSql(args) => account::run(args).map(|(sql, warnings)| sql + &warnings.join("\n")),
    }
}

fuzz_target!(|data: &[u8]| {
    auroraiam_fuzz::set_input(data);
    init();
    let (argv, stdin) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut args: Vec<OsString> = vec!["auroraiam".into()];
    args.extend(argv.split(|&b| b == 0).take(24).map(|a| OsString::from_vec(a.to_vec())));
    let secrets = if data.windows(8).any(|w| w == &SECRET.as_bytes()[..8] || w == &SESSION.as_bytes()[..8]) {
        vec![]
    } else {
        vec![SECRET, SESSION]
    };
    let parsed = COMMAND
        .with(|c| c.borrow_mut().try_get_matches_from_mut(args))
        .and_then(|m| Cli::from_arg_matches(&m));
    let mut cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let rendered = e.render().to_string();
            assert_not_shown("clap error", &rendered, &secrets);
            return;
        }
    };
    let token_text = match &cli.command {
        Command::Inspect(a) => a.token.clone(),
        Command::Verify(a) => a.token.clone(),
        _ => None,
    };
    match execute(&mut cli.command, stdin) {
        Ok(out) => {
            assert_not_shown("CLI output", &out, &secrets);
            let input = token_text
                .map(|t| t.to_string_lossy().into_owned())
                .unwrap_or_else(|| String::from_utf8_lossy(stdin).into_owned());
            if let Some(sig) = signature_of(&input).filter(|s| s.len() == 64) {
                assert_not_shown("CLI output", &out, &[sig]);
            }
        }
        Err(e) => {
            let line = format!("auroraiam: error: {e}\n");
            assert!(!e.code_name().is_empty());
            assert!(e.exit_code() != 0, "an error exits 0: {line}");
            assert_not_shown("CLI error", &line, &secrets);
        }
    }
});
