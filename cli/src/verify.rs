//! `verify`: recompute the signature with the secret access key and check what the token is for.

use auroraiam::{credentials_from_parts, Error, ErrorCode, redact_token, verify_token, ParsedToken, TokenKind, VerifyOptions, Zeroizing};

use crate::cli::{VerifyArgs, VERIFY_SECRET_ENV};
use crate::error::CliError;
use crate::input;

/// A verified token and its redacted text (for `--verbose`).
pub struct Verified {
    /// The token's fields.
    pub parsed: ParsedToken,
    /// The token with signature and session token masked.
    pub redacted: String,
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs) -> Result<Verified, CliError> {
    // Every option is checked before the token is read, so usage errors come first.
    let secret = secret(args)?;
    let expect = &args.expect;
    let mut options = VerifyOptions::at(input::now_or_clock(expect.now.as_ref())?);
    options.expect_hostname = input::opt_text(expect.expect_host.as_ref(), "--expect-host")?;
    options.expect_username = input::opt_text(expect.expect_user.as_ref(), "--expect-user")?;
    options.expect_port = expect.expect_port.as_ref().map(|p| input::port(p, "--expect-port")).transpose()?;
    options.expect_region = input::opt_text(args.expect_region.as_ref(), "--expect-region")?;
    if let Some(region) = options.expect_region {
        auroraiam::validate_region(region)?;
    }
    if let Some(kind) = input::opt_text(args.expect_kind.as_ref(), "--expect-kind")? {
        options.expect_kind = Some(TokenKind::from_name(kind).ok_or_else(|| {
            CliError::Usage(format!("--expect-kind {} is not rds, dsql or dsql-admin", input::shown(kind)))
        })?);
    }
    if let Some(skew) = expect.max_clock_skew {
        options.max_clock_skew_secs = auroraiam::validate_max_clock_skew(i128::from(skew), "--max-clock-skew")?;
    }
    let required_key = input::opt_text(args.access_key_id.as_ref(), "--access-key-id")?;

    let token = input::token(args.token.as_ref())?;
    let mut signed_by_other = false;
    let parsed = verify_token(
        &token,
        |akid| match required_key {
            Some(required) if required != akid => {
                signed_by_other = true;
                None
            }
            _ => Some(secret),
        },
        &options,
    )
    .map_err(|e| match required_key {
        Some(required) if signed_by_other && e.code() == ErrorCode::UnknownAccessKey => Error::new(
            e.code(),
            format!("{}; --access-key-id requires {}", e.message(), input::shown(required)),
        ),
        _ => e,
    })?;
    Ok(Verified { parsed, redacted: redact_token(&token) })
}

/// The secret: `--secret-access-key-file`, else `AURORAIAM_VERIFY_SECRET_ACCESS_KEY`; validated
/// by the core's credential rules (`INVALID_CREDENTIALS` when empty, NUL or too long).
fn secret(args: &VerifyArgs) -> Result<Zeroizing<String>, CliError> {
    let (secret, source) = match (&args.secret_access_key_file, std::env::var_os(VERIFY_SECRET_ENV)) {
        (Some(path), _) => (input::secret_file(path)?, "the secret access key file"),
        (None, Some(value)) => {
            let text = auroraiam::str_from_utf8(value.as_encoded_bytes(), VERIFY_SECRET_ENV)?;
            (Zeroizing::new(text.to_string()), VERIFY_SECRET_ENV)
        }
        (None, None) => {
            return Err(CliError::Usage(format!(
                "no secret given: pass --secret-access-key-file FILE or set {VERIFY_SECRET_ENV}"
            )))
        }
    };
    // Only the secret is under test; the key id is a well-formed placeholder.
    credentials_from_parts("AKIDPLACEHOLDER", &secret, None, None).map_err(|e| {
        auroraiam::Error::new(e.code(), format!("{} (from {source})", e.message()))
    })?;
    Ok(secret)
}
