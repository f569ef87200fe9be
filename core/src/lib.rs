//! Amazon Aurora / RDS IAM database authentication tokens and Aurora DSQL tokens.
//!
//! A token is a SigV4-presigned `connect` URL without its scheme, sent to the database as the
//! password. Tokens are byte-identical to botocore's for the same inputs, including botocore's
//! two host quirks: the signed `host` is lower-cased while the token keeps the caller's case,
//! and with port 443 the signed host drops `:443` while the token keeps it.
//!
//! ```
//! use auroraiam::{credentials_from_parts, generate_token, SigningTime, TokenRequest};
//!
//! let credentials = credentials_from_parts("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None)?;
//! let request = TokenRequest::rds("mydb.cluster-abc.us-east-1.rds.amazonaws.com", 5432, "app_user").build()?;
//! let token = generate_token(&request, &credentials, SigningTime::from_unix_seconds(1_700_000_000)?)?;
//! assert!(token.as_str().starts_with("mydb.cluster-abc.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=app_user&"));
//! # Ok::<(), auroraiam::Error>(())
//! ```
//!
//! Tokens can be read back ([`parse_token`]), checked offline for reasons a server would
//! reject them ([`diagnose`]), verified with a known secret ([`verify_token`]) and masked for
//! logs ([`redact_token`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(any(feature = "sqlx", feature = "tokio-postgres"))]
mod async_token;
#[cfg(feature = "credential-chain")]
mod chain;
#[cfg(feature = "credential-chain")]
mod chain_http;
mod coerce;
mod connection;
mod integration;
mod credential_cache;
mod credentials;
#[cfg(feature = "tokio-postgres")]
pub mod tokio_postgres_pool;
mod default_source;
mod diagnose;
mod encoding;
mod error;
mod hostname;
mod parse;
pub mod policy;
mod account_sql;
mod presign;
mod region;
mod request;
mod sha256;
mod signer;
mod signer_memo;
mod signing_key;
mod source;
#[cfg(feature = "sqlx")]
pub mod sqlx_pool;
mod time;
mod token;
mod token_provider;
mod verify;
mod wipe;

#[cfg(any(feature = "sqlx", feature = "tokio-postgres"))]
pub use async_token::{fresh_token_async, token_async};
#[cfg(feature = "credential-chain")]
pub use chain::{block_on, DefaultChainSource, ProvideCredentialsSource, DEFAULT_CHAIN_TIMEOUT};
#[cfg(feature = "credential-chain")]
pub use chain_http::MAX_CREDENTIALS_RESPONSE_LEN;
pub use connection::{
    connection_uri, environment, jdbc_url, shell_assignments, shell_quote, ConnectionTarget, Engine,
};
pub use coerce::{expiry_from_unix_seconds, integer_from_f64, string_from_utf16};
pub use integration::{
    dsql_hostname, dsql_kind_for_user, is_dsql_cluster_id, pg_sslmode, retry_auth_failure, LoginFailure, SigningTarget,
    AUTH_FAILURE_MESSAGES, AUTH_RETRY_LIMIT, DEFAULT_PG_SSLMODE, DSQL_ADMIN_USER, DSQL_CLUSTER_ID_LEN, MYSQL_ACCESS_DENIED, PG_AUTH_FAILURE_SQLSTATES,
    login_for, DSQL_PORT,
};
pub use credential_cache::{CredentialCache, DEFAULT_FETCH_WAIT, FAILED_FETCH_BACKOFF};
pub use credentials::{
    credentials_from_env, credentials_from_env_with, credentials_from_parts, is_temporary_access_key_id,
    validate_credentials, Credentials, ENVIRONMENT_PROVIDER, EXPLICIT_PROVIDER, MAX_ACCESS_KEY_ID_LEN,
    MAX_SECRET_ACCESS_KEY_LEN, MAX_SESSION_TOKEN_LEN,
};
pub use diagnose::{diagnose, DiagnoseOptions, Diagnostic, DiagnosticCode, Severity, DEFAULT_POOLER_LENGTH_LIMIT};
pub use encoding::{percent_decode, percent_encode};
pub use error::{quoted, Error, ErrorCode, Result, MAX_ECHOED_CHARS};
pub use hostname::{validate_hostname, MAX_HOSTNAME_LEN};
pub use parse::{parse_token, redact_token, ParsedToken, MAX_TOKEN_LEN};
pub use account_sql::{create_user_sql, CreateUserSql, SqlDialect};
pub use policy::{explain_policy, ConnectRequest, DbUser, PolicyBuilder};
pub use presign::{ALGORITHM, EMPTY_PAYLOAD_SHA256};
pub use region::{infer_dsql_region, infer_rds_region, infer_region, is_region_shaped, validate_region};
pub use request::{
    validate_port, validate_username, OwnedTokenRequest, TokenKind, TokenRequest, TokenRequestBuilder, DEFAULT_EXPIRES_IN,
    MAX_DSQL_EXPIRES_IN, MAX_RDS_EXPIRES_IN, MAX_USERNAME_LEN,
};
pub use signer::{generate_token, Signer};
pub use signer_memo::{forced_refresh_due, valid_until, SignerMemo, FORCED_REFRESH_WINDOW};
pub use default_source::{default_chain, default_source, default_source_for, has_default_chain};
pub use source::{CredentialsSource, EnvironmentSource, FnSource, StaticSource};
pub use crate::time::{AmzDate, CivilTime, SigningTime};
pub use token::{AuthToken, TokenOutput};
pub use token_provider::{TokenProvider, DEFAULT_REFRESH_MARGIN};
pub use verify::{validate_max_clock_skew, verify_token, VerifyOptions, DEFAULT_MAX_CLOCK_SKEW_SECS, MAX_CLOCK_SKEW_SECS};
/// Re-exported so verifiers can return secrets that are wiped after use.
pub use zeroize::Zeroizing;

/// Turns raw bytes from a foreign caller into `&str`, naming `field` when they are not UTF-8.
pub fn str_from_utf8<'a>(bytes: &'a [u8], field: &str) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorCode::InvalidUtf8,
            format!("{field} is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()),
        )
    })
}
