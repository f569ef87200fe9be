//! What to sign: a validated RDS/Aurora or DSQL token request.

use std::borrow::Cow;

use crate::error::{Error, ErrorCode, Result};
use crate::hostname::validate_hostname;
use crate::region::{infer_dsql_region, infer_rds_region, validate_region};

/// Default token lifetime in seconds (15 minutes), for every kind.
pub const DEFAULT_EXPIRES_IN: u32 = 900;
/// Longest lifetime an RDS/Aurora token may ask for.
pub const MAX_RDS_EXPIRES_IN: u32 = 900;
/// Longest lifetime a DSQL token may ask for (one week).
pub const MAX_DSQL_EXPIRES_IN: u32 = 604_800;
/// Longest accepted database user name, in UTF-8 bytes.
pub const MAX_USERNAME_LEN: usize = 1024;

/// The kind of token: which service signs it and which action it grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// RDS / Aurora IAM database authentication (`rds-db`, `Action=connect`).
    Rds,
    /// Aurora DSQL, non-admin role (`dsql`, `Action=DbConnect`).
    Dsql,
    /// Aurora DSQL, `admin` role (`dsql`, `Action=DbConnectAdmin`).
    DsqlAdmin,
}

impl TokenKind {
    /// SigV4 service name.
    pub const fn service(self) -> &'static str {
        match self {
            TokenKind::Rds => "rds-db",
            TokenKind::Dsql | TokenKind::DsqlAdmin => "dsql",
        }
    }

    /// The `Action` query value.
    pub const fn action(self) -> &'static str {
        match self {
            TokenKind::Rds => "connect",
            TokenKind::Dsql => "DbConnect",
            TokenKind::DsqlAdmin => "DbConnectAdmin",
        }
    }

    /// Largest `expires_in` this kind accepts.
    pub const fn max_expires_in(self) -> u32 {
        match self {
            TokenKind::Rds => MAX_RDS_EXPIRES_IN,
            TokenKind::Dsql | TokenKind::DsqlAdmin => MAX_DSQL_EXPIRES_IN,
        }
    }

    /// Stable lower-case name: `rds`, `dsql`, `dsql-admin`.
    pub const fn name(self) -> &'static str {
        match self {
            TokenKind::Rds => "rds",
            TokenKind::Dsql => "dsql",
            TokenKind::DsqlAdmin => "dsql-admin",
        }
    }

    /// Looks a kind up by its [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<TokenKind> {
        [TokenKind::Rds, TokenKind::Dsql, TokenKind::DsqlAdmin].into_iter().find(|k| k.name() == name)
    }
}

/// A validated request for one token. Borrowing: building one allocates only when the region
/// is inferred from the hostname.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenRequest<'a> {
    kind: TokenKind,
    hostname: &'a str,
    port: Option<u16>,
    username: Option<&'a str>,
    region: Cow<'a, str>,
    region_inferred: bool,
    expires_in: u32,
}

impl<'a> TokenRequest<'a> {
    /// Starts an RDS/Aurora token request for `username` at `hostname:port`.
    pub fn rds(hostname: &'a str, port: impl Into<i64>, username: &'a str) -> TokenRequestBuilder<'a> {
        TokenRequestBuilder {
            kind: TokenKind::Rds,
            hostname,
            port: Some(port.into()),
            username: Some(username),
            region: None,
            expires_in: i64::from(DEFAULT_EXPIRES_IN),
        }
    }

    /// Starts a DSQL token request; `admin` selects `DbConnectAdmin`.
    pub fn dsql(hostname: &'a str, admin: bool) -> TokenRequestBuilder<'a> {
        TokenRequestBuilder {
            kind: if admin { TokenKind::DsqlAdmin } else { TokenKind::Dsql },
            hostname,
            port: None,
            username: None,
            region: None,
            expires_in: i64::from(DEFAULT_EXPIRES_IN),
        }
    }

    /// The token kind.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }
    /// The hostname as given (its case is kept in the token).
    pub fn hostname(&self) -> &'a str {
        self.hostname
    }
    /// The port (RDS only).
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    /// The database user (RDS only), unencoded.
    pub fn username(&self) -> Option<&'a str> {
        self.username
    }
    /// The signing region, explicit or inferred.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// True when the region was inferred from the hostname.
    pub fn region_inferred(&self) -> bool {
        self.region_inferred
    }
    /// Lifetime in seconds.
    pub fn expires_in(&self) -> u32 {
        self.expires_in
    }
}

impl TokenRequest<'_> {
    /// An owned copy, for objects that outlive the caller's strings.
    pub fn to_owned_request(&self) -> OwnedTokenRequest {
        OwnedTokenRequest {
            kind: self.kind,
            hostname: self.hostname.to_string(),
            port: self.port,
            username: self.username.map(str::to_string),
            region: self.region.to_string(),
            region_inferred: self.region_inferred,
            expires_in: self.expires_in,
        }
    }
}

/// A validated [`TokenRequest`] that owns its strings.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OwnedTokenRequest {
    kind: TokenKind,
    hostname: String,
    port: Option<u16>,
    username: Option<String>,
    region: String,
    region_inferred: bool,
    expires_in: u32,
}

impl OwnedTokenRequest {
    /// Borrows it as a [`TokenRequest`] (no re-validation: it was validated when built).
    pub fn as_request(&self) -> TokenRequest<'_> {
        TokenRequest {
            kind: self.kind,
            hostname: &self.hostname,
            port: self.port,
            username: self.username.as_deref(),
            region: Cow::Borrowed(&self.region),
            region_inferred: self.region_inferred,
            expires_in: self.expires_in,
        }
    }
}

/// Builder for [`TokenRequest`]: every rule is checked in [`build`](Self::build).
#[derive(Clone, Debug)]
#[must_use = "call .build() to validate the request"]
pub struct TokenRequestBuilder<'a> {
    kind: TokenKind,
    hostname: &'a str,
    port: Option<i64>,
    username: Option<&'a str>,
    region: Option<&'a str>,
    expires_in: i64,
}

impl<'a> TokenRequestBuilder<'a> {
    /// Signs for `region` instead of inferring it from the hostname.
    pub fn region(mut self, region: &'a str) -> Self {
        self.region = Some(region);
        self
    }

    /// Explicit region, or `None` to infer it from the hostname.
    pub fn maybe_region(mut self, region: Option<&'a str>) -> Self {
        self.region = region;
        self
    }

    /// Token lifetime in seconds: 1..=900 for RDS, 1..=604800 for DSQL (default 900).
    pub fn expires_in_secs(mut self, seconds: impl Into<i64>) -> Self {
        self.expires_in = seconds.into();
        self
    }

    /// Token lifetime as a `Duration` (whole seconds; sub-second parts are an error).
    pub fn expires_in(mut self, lifetime: std::time::Duration) -> Self {
        self.expires_in = if lifetime.subsec_nanos() != 0 {
            -1
        } else {
            i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX)
        };
        self
    }

    /// Validates every field and resolves the region.
    pub fn build(self) -> Result<TokenRequest<'a>> {
        validate_hostname(self.hostname)?;
        let port = match self.port {
            Some(p) => Some(validate_port(p)?),
            None => None,
        };
        if let Some(user) = self.username {
            validate_username(user)?;
        }
        let (region, region_inferred) = match self.region {
            Some(r) => {
                validate_region(r)?;
                (Cow::Borrowed(r), false)
            }
            None => {
                let inferred = match self.kind {
                    TokenKind::Rds => infer_rds_region(self.hostname),
                    TokenKind::Dsql | TokenKind::DsqlAdmin => infer_dsql_region(self.hostname),
                };
                (Cow::Owned(inferred.ok_or_else(|| region_required(self.kind, self.hostname))?), true)
            }
        };
        let max = self.kind.max_expires_in();
        let expires_in = u32::try_from(self.expires_in)
            .ok()
            .filter(|e| (1..=max).contains(e))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidExpiresIn,
                    format!(
                        "expires_in {} is out of range: {} tokens live 1 to {max} seconds",
                        self.expires_in,
                        if self.kind == TokenKind::Rds { "RDS/Aurora" } else { "DSQL" }
                    ),
                )
            })?;
        Ok(TokenRequest {
            kind: self.kind,
            hostname: self.hostname,
            port,
            username: self.username,
            region,
            region_inferred,
            expires_in,
        })
    }
}

fn region_required(kind: TokenKind, hostname: &str) -> Error {
    let why = if hostname.to_ascii_lowercase().contains(".global.rds.") {
        "a global database endpoint names no region"
    } else if kind == TokenKind::Rds && infer_dsql_region(hostname).is_some() {
        "it is a DSQL endpoint, not an RDS/Aurora one"
    } else if kind != TokenKind::Rds && infer_rds_region(hostname).is_some() {
        "it is an RDS/Aurora endpoint, not a DSQL one"
    } else if kind == TokenKind::Rds {
        "it is not an RDS or Aurora endpoint name"
    } else {
        "it is not a DSQL endpoint name"
    };
    Error::new(
        ErrorCode::RegionRequired,
        format!(
            "region is required: it cannot be inferred from hostname {} ({why}); pass the region the database is in",
            crate::error::quoted(hostname)
        ),
    )
}

/// Checks a database port: 1..=65535.
pub fn validate_port(port: i64) -> Result<u16> {
    u16::try_from(port).ok().filter(|p| *p != 0).ok_or_else(|| {
        Error::new(ErrorCode::InvalidPort, format!("port {port} is out of range: it must be 1..=65535"))
    })
}

/// Checks a database user name: non-empty, no NUL, at most 1024 UTF-8 bytes.
pub fn validate_username(username: &str) -> Result<()> {
    let message = if username.is_empty() {
        "username is empty".to_string()
    } else if username.as_bytes().contains(&0) {
        "username contains a NUL byte".to_string()
    } else if username.len() > MAX_USERNAME_LEN {
        format!("username is {} bytes long; at most {MAX_USERNAME_LEN} are allowed", username.len())
    } else {
        return Ok(());
    };
    Err(Error::new(ErrorCode::InvalidUsername, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "db.cluster-x.us-east-1.rds.amazonaws.com";

    #[test]
    fn infers_or_takes_region() {
        let r = TokenRequest::rds(HOST, 5432, "u").build().unwrap();
        assert_eq!((r.region(), r.region_inferred()), ("us-east-1", true));
        let r = TokenRequest::rds(HOST, 5432, "u").region("eu-west-1").build().unwrap();
        assert_eq!((r.region(), r.region_inferred()), ("eu-west-1", false));
        let e = TokenRequest::rds("10.0.0.1", 5432, "u").build().unwrap_err();
        assert_eq!(e.code(), ErrorCode::RegionRequired);
    }

    #[test]
    fn ports_and_expiry_are_checked_not_clamped() {
        for p in [0i64, -1, 65536, 100_000] {
            assert_eq!(TokenRequest::rds(HOST, p, "u").build().unwrap_err().code(), ErrorCode::InvalidPort);
        }
        for e in [0i64, -1, 901, 3600] {
            let err = TokenRequest::rds(HOST, 5432, "u").expires_in_secs(e).build().unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidExpiresIn);
        }
        let dsql = "abc.dsql.us-east-1.on.aws";
        TokenRequest::dsql(dsql, false).expires_in_secs(604_800).build().unwrap();
        assert!(TokenRequest::dsql(dsql, true).expires_in_secs(604_801).build().is_err());
        assert!(TokenRequest::dsql(dsql, true).expires_in(std::time::Duration::from_millis(1500)).build().is_err());
    }

    #[test]
    fn usernames() {
        for bad in ["", "a\0b"] {
            assert_eq!(TokenRequest::rds(HOST, 1, bad).build().unwrap_err().code(), ErrorCode::InvalidUsername);
        }
        let long = "é".repeat(513);
        assert!(TokenRequest::rds(HOST, 1, &long).build().is_err());
        TokenRequest::rds(HOST, 1, "a b+c/d@e").build().unwrap();
    }
}
