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
    /// Credentials to sign with; omitted, `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
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
    /// Credentials to sign with; omitted, the `AWS_*` environment variables.
    pub credentials: Option<AwsCredentialIdentity>,
    /// Token lifetime in seconds, 1 to 604800 (default 900).
    pub expires_in: Option<u32>,
    /// When the token is signed: a `Date` or Unix seconds; default now.
    #[napi(ts_type = "Date | number")]
    pub signing_time: Option<String>,
}

/// Options of {@link Signer}: those of `@aws-sdk/rds-signer`'s `SignerConfig`.
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
    /// omitted, the `AWS_*` environment variables.
    #[napi(ts_type = "AwsCredentialIdentity | ((props?: Record<string, any>) => Promise<AwsCredentialIdentity> | AwsCredentialIdentity)")]
    pub credentials: Option<String>,
    /// Token lifetime in seconds, 1 to 900 (default 900; not in `@aws-sdk/rds-signer`).
    pub expires_in: Option<u32>,
    /// Accepted for compatibility; without `credentials` it is refused (`CREDENTIALS_NOT_FOUND`)
    /// until shared config profiles are supported.
    pub profile: Option<String>,
    /// Accepted for compatibility and ignored (auroraiam always uses its own SHA-256).
    #[napi(ts_type = "unknown")]
    pub sha256: Option<String>,
}

/// Options of {@link DsqlSigner}: those of `@aws-sdk/dsql-signer`'s `DsqlSignerConfig`.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct DsqlSignerOptions {
    /// The cluster endpoint.
    pub hostname: String,
    /// The AWS region; omitted, it is inferred from `hostname`.
    pub region: Option<String>,
    /// Fixed credentials or an AWS SDK credential provider; omitted, the `AWS_*` environment variables.
    #[napi(ts_type = "AwsCredentialIdentity | ((props?: Record<string, any>) => Promise<AwsCredentialIdentity> | AwsCredentialIdentity)")]
    pub credentials: Option<String>,
    /// Token lifetime in seconds, 1 to 604800 (default 900).
    pub expires_in: Option<u32>,
    /// As for {@link SignerOptions.profile}.
    pub profile: Option<String>,
    /// Accepted for compatibility and ignored.
    #[napi(ts_type = "unknown")]
    pub sha256: Option<String>,
}
