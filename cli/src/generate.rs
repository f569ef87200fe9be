//! `generate-db-auth-token`, `generate-db-connect-auth-token`, `generate-db-connect-admin-auth-token`.

use auroraiam::{generate_token, AuthToken, ErrorCode, SigningTime, TokenRequest, TokenRequestBuilder, Zeroizing};

use crate::cli::{CommonGenerateArgs, DsqlArgs, RdsArgs};
use crate::credentials::resolve_credentials;
use crate::error::CliError;
use crate::input;
use crate::output;

/// An RDS/Aurora token, formatted as `--format` says.
pub fn rds(args: &RdsArgs) -> Result<Zeroizing<String>, CliError> {
    let hostname = input::text(&args.hostname, "--hostname")?;
    let port = input::integer(&args.port, "--port", ErrorCode::InvalidPort)?;
    let username = input::text(&args.username, "--username")?;
    sign(TokenRequest::rds(hostname, port, username), &args.common)
}

/// A DSQL token (`admin` for the admin role), formatted as `--format` says.
pub fn dsql(args: &DsqlArgs, admin: bool) -> Result<Zeroizing<String>, CliError> {
    let hostname = input::text(&args.hostname, "--hostname")?;
    sign(TokenRequest::dsql(hostname, admin), &args.common)
}

/// Reads the options, validates the request (core), resolves credentials, signs, formats.
fn sign(builder: TokenRequestBuilder<'_>, common: &CommonGenerateArgs) -> Result<Zeroizing<String>, CliError> {
    let region = input::opt_text(common.region.as_ref(), "--region")?;
    let mut builder = builder.maybe_region(region);
    if let Some(e) = &common.expires_in {
        builder = builder.expires_in_secs(input::integer(e, "--expires-in", ErrorCode::InvalidExpiresIn)?);
    }
    let at = match &common.signing_time {
        Some(t) => input::time(t, "--signing-time")?,
        None => SigningTime::now()?,
    };
    let request = builder.build()?;
    // Every option is checked before credentials are fetched (which may take seconds).
    let format = output::Options::from_args(common, &request)?;
    let profile = input::opt_text(common.profile.as_ref(), "--profile")?;
    let credentials = resolve_credentials(profile)?;
    let token: AuthToken = generate_token(&request, &credentials, at)?;
    format.render(&request, token)
}
