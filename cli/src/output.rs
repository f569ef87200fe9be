//! What `generate-*` prints, by `--format`: the token, a connection URI or JDBC URL, shell
//! variable lines, or JSON. The URI / JDBC / shell rules (percent-encoding, quoting, variable
//! names) are the core's (`auroraiam::connection_uri` and friends); this file only picks them
//! and writes JSON.

use std::time::SystemTime;

use auroraiam::{
    connection_uri, jdbc_url, shell_assignments, AuthToken, ConnectionTarget, Engine, Error, ErrorCode, SigningTime,
    TokenRequest, Zeroizing,
};

use crate::cli::{CommonGenerateArgs, Format};
use crate::error::CliError;
use crate::input;

/// The checked `--format`, `--engine` and `--dbname`.
pub struct Options<'a> {
    format: Format,
    engine: Option<Engine>,
    dbname: Option<&'a str>,
}

impl<'a> Options<'a> {
    /// Checks the output options against the request (before any credential is fetched).
    pub fn from_args(args: &'a CommonGenerateArgs, request: &TokenRequest<'_>) -> Result<Options<'a>, CliError> {
        let engine_name = input::opt_text(args.engine.as_ref(), "--engine")?;
        let dbname = input::opt_text(args.dbname.as_ref(), "--dbname")?;
        let connection = matches!(args.format, Format::Uri | Format::Jdbc | Format::Env | Format::EnvNoExport);
        if !connection && (engine_name.is_some() || dbname.is_some()) {
            return Err(CliError::Usage("--engine and --dbname apply to --format uri, jdbc, env and env-no-export".into()));
        }
        if dbname == Some("") {
            return Err(Error::new(ErrorCode::InvalidArgument, "--dbname is empty").into());
        }
        let engine = match (connection, engine_name) {
            (false, _) => None,
            (true, Some(name)) => Some(Engine::from_name(name).ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidArgument,
                    format!("--engine {} is not a database engine: postgresql or mysql", input::shown(name)),
                )
            })?),
            (true, None) => Some(Engine::of_request(request)?),
        };
        Ok(Options { format: args.format, engine, dbname })
    }

    /// The text to print for `token` (always ending in a newline).
    pub fn render(&self, request: &TokenRequest<'_>, token: AuthToken) -> Result<Zeroizing<String>, CliError> {
        let target = self.engine.map(|engine| ConnectionTarget::of_request(request, engine, self.dbname));
        let mut out = match (self.format, target) {
            (Format::Token, _) => Zeroizing::new(token.into_string()),
            (Format::Uri, Some(target)) => connection_uri(&target, token.as_str())?,
            (Format::Jdbc, Some(target)) => jdbc_url(&target, token.as_str())?,
            (Format::Env, Some(target)) => return Ok(shell_assignments(&target, token.as_str(), true)),
            (Format::EnvNoExport, Some(target)) => return Ok(shell_assignments(&target, token.as_str(), false)),
            (Format::Json, _) => json(request, &token)?,
            (_, None) => unreachable!("from_args sets an engine for every connection format"),
        };
        out.push('\n');
        Ok(out)
    }
}

/// One line of JSON: the token, what it was made for, and when it stops working
/// (`expires_at`: the earlier of the token's own expiry and its credentials').
fn json(request: &TokenRequest<'_>, token: &AuthToken) -> Result<Zeroizing<String>, CliError> {
    let time = |t: SystemTime| SigningTime::from_system_time(t);
    let effective = time(token.effective_expiry())?;
    let mut out = Zeroizing::new(String::with_capacity(token.len() + 512));
    out.push_str("{\"token\":");
    push_json_string(&mut out, token.as_str());
    let mut field = |name: &str, value: String| {
        out.push_str(",\"");
        out.push_str(name);
        out.push_str("\":");
        out.push_str(&value);
    };
    let string = |s: &str| {
        let mut v = String::new();
        push_json_string(&mut v, s);
        v
    };
    field("kind", string(token.kind().name()));
    field("hostname", string(request.hostname()));
    field("port", request.port().map_or_else(|| "null".into(), |p| p.to_string()));
    field("username", request.username().map_or_else(|| "null".into(), string));
    field("region", string(request.region()));
    field("signing_time", string(&token.signing_time().to_string()));
    field("expires_in", token.expires_in().to_string());
    field("expires_at", string(&effective.to_string()));
    field("expires_at_unix", effective.unix_seconds().to_string());
    field("token_expires_at", string(&time(token.expires_at())?.to_string()));
    let credentials_expiry = token.credentials_expiry().map(time).transpose()?;
    field("credentials_expire_at", credentials_expiry.map_or_else(|| "null".into(), |t| string(&t.to_string())));
    out.push('}');
    Ok(out)
}

/// A JSON string literal: `"`, `\` and control characters escaped.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
