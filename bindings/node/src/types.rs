//! TypeScript declarations of the option objects. The binding reads these objects natively
//! (see `options.rs`); the structs exist so that `index.d.ts` is generated from one place.
#![allow(dead_code)]

use napi_derive::napi;

/// AWS credentials with the field names of the AWS SDK for JavaScript v3
/// (`AwsCredentialIdentity`), so SDK credential objects can be passed as they are.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct AwsCredentialIdentity {
    /// The access key id (`AKIA…`, or `ASIA…` for temporary credentials).
    pub access_key_id: String,
    /// The secret access key. Never shown in error messages or `util.inspect` output.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
    /// When temporary credentials expire; signing after it throws `CREDENTIALS_EXPIRED`.
    #[napi(ts_type = "Date")]
    pub expiration: Option<String>,
}

/// Options of {@link generateAuthToken}.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct AuthTokenOptions {
    /// The database endpoint, e.g. `mydb.cluster-abc.us-east-1.rds.amazonaws.com` (no scheme, no port).
    pub hostname: String,
    /// The database port, 1 to 65535.
    pub port: u32,
    /// The database user to log in as.
    pub username: String,
    /// The AWS region; omitted, it is inferred from `hostname` (`REGION_REQUIRED` if it cannot be).
    pub region: Option<String>,
    /// Credentials to sign with; omitted, `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
    /// `AWS_SESSION_TOKEN` (only those: for the full credential chain use {@link Signer}).
    /// A {@link Credentials} made once is the fastest; an identity object's fields are converted
    /// once and reused while they stay the same values.
    #[napi(ts_type = "AwsCredentialIdentity | Credentials")]
    pub credentials: Option<AwsCredentialIdentity>,
    /// Token lifetime in seconds, 1 to 900 (default 900).
    pub expires_in: Option<u32>,
    /// When the token is signed: a `Date` or Unix seconds (fractions are dropped); default now.
    #[napi(ts_type = "Date | number")]
    pub signing_time: Option<String>,
}

/// Options of {@link generateDsqlToken}.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct DsqlTokenOptions {
    /// The cluster endpoint, e.g. `abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws`.
    pub hostname: String,
    /// The AWS region; omitted, it is inferred from `hostname`.
    pub region: Option<String>,
    /// `true` for a `DbConnectAdmin` token (the `admin` role); default `false` (`DbConnect`).
    pub admin: Option<bool>,
    /// Credentials to sign with; omitted, the `AWS_*` environment variables (only those: for
    /// the full credential chain use {@link DsqlSigner}). As for {@link generateAuthToken}.
    #[napi(ts_type = "AwsCredentialIdentity | Credentials")]
    pub credentials: Option<AwsCredentialIdentity>,
    /// Token lifetime in seconds, 1 to 604800 (default 900).
    pub expires_in: Option<u32>,
    /// When the token is signed: a `Date` or Unix seconds; default now.
    #[napi(ts_type = "Date | number")]
    pub signing_time: Option<String>,
}

/// Options of {@link Signer}: those of `@aws-sdk/rds-signer`'s `SignerConfig`, plus
/// `expiresIn` and `refreshMargin`.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct SignerOptions {
    /// The database endpoint (no scheme, no port).
    pub hostname: String,
    /// The database port, 1 to 65535.
    pub port: u32,
    /// The database user to log in as.
    pub username: String,
    /// The AWS region; omitted, it is inferred from `hostname`.
    pub region: Option<String>,
    /// Fixed credentials or an AWS SDK credential provider (e.g. `fromNodeProviderChain()`);
    /// omitted, the default credential chain (environment variables, shared config and
    /// credentials files, SSO, web identity, ECS/EKS container, EC2 instance metadata).
    #[napi(ts_type = "AwsCredentialIdentity | ((props?: Record<string, any>) => Promise<AwsCredentialIdentity> | AwsCredentialIdentity)")]
    pub credentials: Option<String>,
    /// Token lifetime in seconds, 1 to 900 (default 900; not in `@aws-sdk/rds-signer`).
    pub expires_in: Option<u32>,
    /// Whole seconds: a cached token is replaced once it has less than this much effective
    /// life left, and credentials expiring within it are never used. Must be shorter than
    /// `expiresIn`; default 60 (for `expiresIn` of 60 or less, `expiresIn - 1`).
    pub refresh_margin: Option<u32>,
    /// Without `credentials`: the shared config profile the credential chain reads (instead of
    /// `AWS_PROFILE`; environment-variable credentials are then skipped, as the AWS CLI does).
    /// With `credentials`: ignored.
    pub profile: Option<String>,
    /// Accepted for compatibility and ignored (auroraiam always uses its own SHA-256).
    #[napi(ts_type = "unknown")]
    pub sha256: Option<String>,
}

/// Options of {@link DsqlSigner}: those of `@aws-sdk/dsql-signer`'s `DsqlSignerConfig`, plus
/// `refreshMargin`.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct DsqlSignerOptions {
    /// The cluster endpoint.
    pub hostname: String,
    /// The AWS region; omitted, it is inferred from `hostname`.
    pub region: Option<String>,
    /// Fixed credentials or an AWS SDK credential provider; omitted, the default credential chain.
    #[napi(ts_type = "AwsCredentialIdentity | ((props?: Record<string, any>) => Promise<AwsCredentialIdentity> | AwsCredentialIdentity)")]
    pub credentials: Option<String>,
    /// Token lifetime in seconds, 1 to 604800 (default 900).
    pub expires_in: Option<u32>,
    /// As {@link SignerOptions.refreshMargin}.
    pub refresh_margin: Option<u32>,
    /// As {@link SignerOptions.profile}.
    pub profile: Option<String>,
    /// Accepted for compatibility and ignored.
    #[napi(ts_type = "unknown")]
    pub sha256: Option<String>,
}

/// A token with its effective expiry (`getAuthTokenWithExpiry()`).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct AuthTokenWithExpiry {
    /// The token, as `getAuthToken()` returns it.
    pub token: String,
    /// The earlier of the token's expiry (signing time + `expiresIn`) and its credentials'
    /// expiration.
    #[napi(ts_type = "Date")]
    pub expires_at: String,
}

/// The fields of a token ({@link parseToken}, {@link verifyToken}). Never holds the signature
/// or the session token.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct TokenInfo {
    /// `rds` (Action=connect), `dsql` (DbConnect) or `dsql-admin` (DbConnectAdmin).
    #[napi(ts_type = "'rds' | 'dsql' | 'dsql-admin'")]
    pub kind: String,
    /// The host as written in the token.
    pub hostname: String,
    /// The port (RDS tokens always have one); `null` when the token has none.
    #[napi(ts_type = "number | null")]
    pub port: u32,
    /// The database user (RDS); `null` for DSQL tokens.
    #[napi(ts_type = "string | null")]
    pub username: String,
    /// The region of the credential scope.
    pub region: String,
    /// The service of the credential scope: `rds-db` or `dsql`.
    pub service: String,
    /// The access key id that signed the token.
    pub access_key_id: String,
    /// When the token was signed (`X-Amz-Date`).
    #[napi(ts_type = "Date")]
    pub signing_time: String,
    /// The lifetime in seconds (`X-Amz-Expires`).
    pub expires_in: u32,
    /// `signingTime + expiresIn`.
    #[napi(ts_type = "Date")]
    pub expires_at: String,
    /// True when the token carries a session token (temporary credentials).
    pub has_session_token: bool,
    /// The token's length in bytes (some poolers truncate passwords longer than 1024).
    pub length: u32,
    /// Seconds of life left at `now` (a `Date` or Unix seconds; default the current time),
    /// negative once expired. A non-enumerable method.
    #[napi(ts_type = "(now?: Date | number) => number")]
    pub remaining_seconds: String,
}

/// One finding of {@link diagnoseToken}.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Diagnostic {
    /// Stable name: `EXPIRED`, `NOT_YET_VALID`, `REGION_MISMATCH`, `EXPIRES_IN_TOO_LONG`,
    /// `MISSING_SESSION_TOKEN`, `HOST_MISMATCH`, `PORT_MISMATCH`, `USER_MISMATCH`,
    /// `TOO_LONG_FOR_POOLERS`, `NOT_AN_AWS_ENDPOINT`, …
    pub code: String,
    /// `error`: the server will reject the token; `warning`: it may work but is likely trouble.
    #[napi(ts_type = "'error' | 'warning'")]
    pub severity: String,
    /// What was found, with the values involved (never secrets).
    pub message: String,
}

/// Options of {@link diagnoseToken}; all optional.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct DiagnoseTokenOptions {
    /// The time the token is (to be) used: a `Date` or Unix seconds; default now.
    #[napi(ts_type = "Date | number")]
    pub now: Option<String>,
    /// Seconds a signing time may lie in the future (clock skew); default 300.
    pub max_clock_skew: Option<u32>,
    /// The host the token is meant for (compared case-insensitively).
    pub expect_hostname: Option<String>,
    /// The port the token is meant for.
    pub expect_port: Option<u32>,
    /// The database user the token is meant for.
    pub expect_username: Option<String>,
    /// Warn above this token length in bytes; default 1024.
    pub pooler_length_limit: Option<u32>,
}

/// Options of {@link verifyToken}; all optional.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct VerifyTokenOptions {
    /// The verifier's clock: a `Date` or Unix seconds; default now.
    #[napi(ts_type = "Date | number")]
    pub now: Option<String>,
    /// Seconds a signing time may lie in the future (clock skew): 0..=3600, default 300.
    pub max_clock_skew: Option<u32>,
    /// Required kind; default `'rds'`.
    #[napi(ts_type = "'rds' | 'dsql' | 'dsql-admin'")]
    pub expect_kind: Option<String>,
    /// Required host (compared case-insensitively).
    pub expect_hostname: Option<String>,
    /// Required port.
    pub expect_port: Option<u32>,
    /// Required database user (exact).
    pub expect_username: Option<String>,
    /// Required region.
    pub expect_region: Option<String>,
}
