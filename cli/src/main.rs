//! `auroraiam`: generate, inspect and verify Amazon Aurora / RDS IAM and Aurora DSQL auth tokens.
//!
//! stdout carries only the requested output (a token and a newline or another `--format`, or the
//! `inspect` report);
//! every error goes to stderr as `auroraiam: error: <CODE>: <message>` with a documented exit
//! code (see `error.rs` and docs/cli.md).
#![forbid(unsafe_code)]

mod account;
mod cli;
mod credentials;
mod error;
mod generate;
mod input;
mod inspect;
mod output;
mod policy;
mod verify;

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command};
use crate::error::{CliError, EXIT_OK, EXIT_OTHER, EXIT_USAGE};

fn main() -> ExitCode {
    ExitCode::from(run())
}

fn run() -> u8 {
    let command = Cli::command().after_help(format!("{}\n\n{}", cli::TOP_EXAMPLES, error::exit_code_table()));
    let cli = match command.try_get_matches_from(std::env::args_os()).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    match execute(&cli.command) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            stderr(&format!("auroraiam: error: {e}\n"));
            e.exit_code()
        }
    }
}

fn execute(command: &Command) -> Result<(), CliError> {
    match command {
        Command::GenerateDbAuthToken(args) => stdout(generate::rds(args)?.as_bytes()),
        Command::GenerateDbConnectAuthToken(args) => stdout(generate::dsql(args, false)?.as_bytes()),
        Command::GenerateDbConnectAdminAuthToken(args) => stdout(generate::dsql(args, true)?.as_bytes()),
        Command::Inspect(args) => {
            let report = inspect::run(args)?;
            stdout(report.stdout.as_bytes())?;
            if report.errors.is_empty() {
                Ok(())
            } else {
                Err(CliError::Diagnosed(report.errors))
            }
        }
        Command::Policy(args) => {
            let out = policy::run(args)?;
            stdout(out.stdout.as_bytes())?;
            match out.decision {
                Some(d) if !d.allowed() => Err(CliError::Denied(d.reason)),
                _ => Ok(()),
            }
        }
        Command::CreateUserSql(args) => {
            let (sql, warnings) = account::run(args)?;
            for w in warnings {
                stderr(&format!("auroraiam: warning: {w}\n"));
            }
            stdout(sql.as_bytes())
        }
        Command::Verify(args) => {
            let verified = verify::run(args)?;
            if args.verbose {
                let p = &verified.parsed;
                let target = match (p.username(), p.port()) {
                    (Some(user), Some(port)) => format!("user {:?} at {}:{port}", user, p.hostname()),
                    (_, Some(port)) => format!("{}:{port}", p.hostname()),
                    _ => p.hostname().to_string(),
                };
                stderr(&format!(
                    "auroraiam: verify: OK: {} token for {target}, region {}, access key id {}, expires at {}\n",
                    p.kind().name(),
                    p.region(),
                    p.access_key_id(),
                    auroraiam::SigningTime::from_unix_seconds(p.expires_at_unix()).map(|t| t.to_string()).unwrap_or_default(),
                ));
                stdout(format!("{}\n", verified.redacted).as_bytes())?;
            }
            Ok(())
        }
    }
}

/// Writes to stdout; a closed pipe is an error (exit 1), never a panic.
fn stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Io(format!("cannot write to stdout: {e}")))
}

/// Writes to stderr, ignoring failure (there is nowhere left to report it).
fn stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `--help` and `--version` go to stdout with exit 0; parse errors become `USAGE` (exit 2).
fn clap_error(e: clap::Error) -> u8 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match stdout(e.render().to_string().as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(_) => EXIT_OTHER,
        },
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            stderr(&format!("auroraiam: error: USAGE: a subcommand is required\n\n{}", e.render()));
            EXIT_USAGE
        }
        _ => {
            let rendered = e.render().to_string();
            let message = rendered.strip_prefix("error: ").unwrap_or(&rendered);
            stderr(&format!("auroraiam: error: USAGE: {message}"));
            EXIT_USAGE
        }
    }
}
