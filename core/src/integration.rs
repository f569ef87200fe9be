//! Rules shared by every driver integration (Python, Node, Rust): which endpoint and token kind
//! a connection's settings mean, which TLS modes are allowed, and when a refused login is
//! retried. The integrations only wire drivers to these.
//!
//! - DSQL: a bare 26-character cluster id expands to `<id>.dsql.<region>.on.aws` (the region is
//!   then required); user `admin` gets a `DbConnectAdmin` token, every other user `DbConnect`.
//! - RDS / Aurora: the region is inferred from the endpoint name unless given.
//! - TLS is required: PostgreSQL `sslmode` defaults to `verify-full`; `disable`, `allow` and
//!   `prefer` are refused (they can send the token in clear text).
//! - A login refused for authentication ([`LoginFailure::is_auth_failure`]: SQLSTATE `28000` /
//!   `28P01`, MySQL errno 1045, or only a message saying so) is retried at most [`AUTH_RETRY_LIMIT`] time(s), with a
//!   forced-fresh token ([`TokenProvider::fresh_token`](crate::TokenProvider::fresh_token):
//!   cached token and credentials dropped, credentials re-resolved).

use crate::error::{quoted, Error, ErrorCode, Result};
use crate::hostname::validate_hostname;
use crate::region::validate_region;
use crate::request::{validate_username, TokenKind, TokenRequest};

/// Length of an Aurora DSQL cluster id (lower-case letters and digits).
pub const DSQL_CLUSTER_ID_LEN: usize = 26;
/// The DSQL role that gets `DbConnectAdmin` tokens.
pub const DSQL_ADMIN_USER: &str = "admin";
/// How many times a login refused for authentication is retried with a forced-fresh token.
pub const AUTH_RETRY_LIMIT: u32 = 1;
/// The PostgreSQL `sslmode` used when the caller gives none.
pub const DEFAULT_PG_SSLMODE: &str = "verify-full";

/// Whether `value` has the shape of a DSQL cluster id: 26 lower-case ASCII letters and digits.
pub fn is_dsql_cluster_id(value: &str) -> bool {
    value.len() == DSQL_CLUSTER_ID_LEN && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The DSQL endpoint for `host_or_id`: a cluster id becomes `<id>.dsql.<region>.on.aws`
/// (`region` required); a hostname is checked and returned unchanged. A bare word that is
/// neither a cluster id nor `localhost` is refused (a mistyped id must not become a hostname).
pub fn dsql_hostname(host_or_id: &str, region: Option<&str>) -> Result<String> {
    if host_or_id.contains('.') || host_or_id.contains(':') || host_or_id.eq_ignore_ascii_case("localhost") {
        validate_hostname(host_or_id)?;
        return Ok(host_or_id.to_string());
    }
    if !is_dsql_cluster_id(host_or_id) {
        if host_or_id.is_empty() {
            return Err(Error::new(ErrorCode::InvalidHostname, "host is empty: pass a DSQL cluster id or endpoint"));
        }
        return Err(Error::new(
            ErrorCode::InvalidHostname,
            format!(
                "host {} is neither a DSQL cluster id ({DSQL_CLUSTER_ID_LEN} lower-case letters and digits, \
                 it is {} characters) nor an endpoint name (<id>.dsql.<region>.on.aws)",
                quoted(host_or_id),
                host_or_id.chars().count()
            ),
        ));
    }
    let region = region.ok_or_else(|| {
        Error::new(
            ErrorCode::RegionRequired,
            format!(
                "region is required to expand DSQL cluster id {} to <id>.dsql.<region>.on.aws",
                quoted(host_or_id)
            ),
        )
    })?;
    validate_region(region)?;
    Ok(format!("{host_or_id}.dsql.{region}.on.aws"))
}

/// The DSQL token kind for database user `username`: `admin` → `DbConnectAdmin`, else `DbConnect`.
pub fn dsql_kind_for_user(username: &str) -> TokenKind {
    if username == DSQL_ADMIN_USER {
        TokenKind::DsqlAdmin
    } else {
        TokenKind::Dsql
    }
}

/// What a connection signs for: the token kind, the endpoint, the user and the region, all
/// checked. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningTarget {
    kind: TokenKind,
    hostname: String,
    port: Option<u16>,
    username: String,
    region: String,
    region_inferred: bool,
}

impl SigningTarget {
    /// An RDS / Aurora target. `host`, `port` and `username` are required (a clear error names
    /// the missing one); the region is inferred from the endpoint name when `region` is `None`.
    pub fn rds(host: Option<&str>, port: Option<i64>, username: Option<&str>, region: Option<&str>) -> Result<Self> {
        let host = required_host(host)?;
        let port = port.ok_or_else(|| Error::new(ErrorCode::InvalidPort, "port is missing"))?;
        let username = required_user(username)?;
        let request = TokenRequest::rds(host, port, username).maybe_region(region).build()?;
        Ok(SigningTarget {
            kind: TokenKind::Rds,
            hostname: host.to_string(),
            port: request.port(),
            username: username.to_string(),
            region: request.region().to_string(),
            region_inferred: request.region_inferred(),
        })
    }

    /// A DSQL target: `host` is an endpoint name or a cluster id (see [`dsql_hostname`]); the
    /// token kind follows from `username` (see [`dsql_kind_for_user`]).
    pub fn dsql(host: Option<&str>, username: Option<&str>, region: Option<&str>) -> Result<Self> {
        let hostname = dsql_hostname(required_host(host)?, region)?;
        let username = required_user(username)?;
        let kind = dsql_kind_for_user(username);
        let request = TokenRequest::dsql(&hostname, kind == TokenKind::DsqlAdmin).maybe_region(region).build()?;
        Ok(SigningTarget {
            kind,
            port: None,
            username: username.to_string(),
            region: request.region().to_string(),
            region_inferred: request.region_inferred(),
            hostname,
        })
    }

    /// The token kind.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The endpoint name tokens are signed for (a DSQL cluster id expanded).
    pub fn hostname(&self) -> &str {
        &self.hostname
    }

    /// The signed port (RDS); `None` for DSQL, whose tokens name no port.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The database user.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The region, given or inferred.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Whether the region was inferred from the hostname.
    pub fn region_inferred(&self) -> bool {
        self.region_inferred
    }

    /// The token request for this target with tokens living `expires_in` seconds.
    pub fn token_request(&self, expires_in: i64) -> Result<TokenRequest<'_>> {
        let builder = match self.kind {
            TokenKind::Rds => TokenRequest::rds(&self.hostname, i64::from(self.port.unwrap_or(0)), &self.username),
            TokenKind::Dsql | TokenKind::DsqlAdmin => TokenRequest::dsql(&self.hostname, self.kind == TokenKind::DsqlAdmin),
        };
        builder.region(&self.region).expires_in_secs(expires_in).build()
    }
}

fn required_host(host: Option<&str>) -> Result<&str> {
    match host {
        None | Some("") => Err(Error::new(
            ErrorCode::InvalidHostname,
            "host is missing: IAM tokens are signed for the database endpoint name, so it must be given",
        )),
        Some(h) => Ok(h),
    }
}

fn required_user(username: Option<&str>) -> Result<&str> {
    let username = username.ok_or_else(|| Error::new(ErrorCode::InvalidUsername, "user is missing"))?;
    validate_username(username)?;
    Ok(username)
}

/// The PostgreSQL `sslmode` to use: `None` gives [`DEFAULT_PG_SSLMODE`]; `require`, `verify-ca`
/// and `verify-full` are kept; `disable`, `allow` and `prefer` are refused (IAM authentication
/// sends the token as a clear-text password, so the connection must be encrypted); anything
/// else is not an sslmode.
pub fn pg_sslmode(mode: Option<&str>) -> Result<&'static str> {
    match mode {
        None => Ok(DEFAULT_PG_SSLMODE),
        Some("require") => Ok("require"),
        Some("verify-ca") => Ok("verify-ca"),
        Some("verify-full") => Ok("verify-full"),
        Some(m @ ("disable" | "allow" | "prefer")) => Err(Error::new(
            ErrorCode::InvalidArgument,
            format!(
                "sslmode={m} is refused: IAM authentication sends the token as a password, which must \
                 travel over TLS (use verify-full with the CA bundle, or require)"
            ),
        )),
        Some(m) => Err(Error::new(
            ErrorCode::InvalidArgument,
            format!("sslmode {} is not one of require, verify-ca, verify-full", quoted(m)),
        )),
    }
}

/// The port Aurora DSQL listens on (DSQL tokens name no port).
pub const DSQL_PORT: u16 = 5432;

/// The port and database user a connection signing in with tokens for `request` uses. RDS
/// tokens name both (`user`, if given, must be the token's user). DSQL tokens name neither:
/// the port is [`DSQL_PORT`], `user` is required and must fit the token kind — `admin` with
/// `DbConnectAdmin` tokens, any other role with `DbConnect` ([`dsql_kind_for_user`]), as DSQL
/// itself refuses anything else.
pub fn login_for(request: &TokenRequest<'_>, user: Option<&str>) -> Result<(u16, String)> {
    match (request.kind(), request.port(), request.username()) {
        (TokenKind::Rds, Some(port), Some(signed)) => match user {
            Some(u) if u != signed => Err(Error::new(
                ErrorCode::InvalidUsername,
                format!("user {} differs from the user {} the tokens are signed for", quoted(u), quoted(signed)),
            )),
            _ => Ok((port, signed.to_string())),
        },
        (kind @ (TokenKind::Dsql | TokenKind::DsqlAdmin), _, _) => {
            let user = user.ok_or_else(|| {
                Error::new(ErrorCode::InvalidUsername, "DSQL tokens name no user: give the database role to log in as")
            })?;
            validate_username(user)?;
            if dsql_kind_for_user(user) != kind {
                let (needs, has) = if user == DSQL_ADMIN_USER {
                    ("DbConnectAdmin", "DbConnect")
                } else {
                    ("DbConnect", "DbConnectAdmin")
                };
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    format!("DSQL user {} logs in with {needs} tokens, but the provider signs {has} tokens", quoted(user)),
                ));
            }
            Ok((DSQL_PORT, user.to_string()))
        }
        _ => Err(Error::new(ErrorCode::InvalidArgument, "the token request names no port or user")),
    }
}

/// Whether a login refused for authentication after `failed_attempts` attempts (1 = the first
/// attempt failed) gets another attempt with a forced-fresh token.
pub fn retry_auth_failure(failed_attempts: u32) -> bool {
    (1..=AUTH_RETRY_LIMIT).contains(&failed_attempts)
}

/// The PostgreSQL SQLSTATEs of a refused login: `28000` (invalid_authorization_specification:
/// what PostgreSQL answers when PAM, and so Aurora's and RDS's IAM check, refuses a token) and
/// `28P01` (invalid_password).
pub const PG_AUTH_FAILURE_SQLSTATES: [&str; 2] = ["28000", "28P01"];
/// MySQL's `ER_ACCESS_DENIED_ERROR`: what Aurora MySQL (and MariaDB) answer a refused token with.
pub const MYSQL_ACCESS_DENIED: i64 = 1045;

/// What drivers that report a refused login only in their message text say (psycopg2, psycopg
/// 3 connection errors): PostgreSQL's PAM and password failures, MySQL's access denied.
pub const AUTH_FAILURE_MESSAGES: [&str; 3] =
    ["PAM authentication failed", "password authentication failed", "Access denied for user"];

/// What a driver reported about a failed login, as far as the retry rule needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginFailure<'a> {
    /// A PostgreSQL error with this SQLSTATE (`None`: no server error, e.g. a network failure).
    Postgres(Option<&'a str>),
    /// A MySQL / MariaDB error with this error number (`None`: no server error).
    Mysql(Option<i64>),
    /// Only the error's message text (a driver that keeps the server's code to itself).
    Message(&'a str),
}

impl LoginFailure<'_> {
    /// Whether the server refused the login's credentials (the token), as opposed to anything
    /// else (network, TLS, an unknown database, too many connections): see
    /// [`PG_AUTH_FAILURE_SQLSTATES`], [`MYSQL_ACCESS_DENIED`] and [`AUTH_FAILURE_MESSAGES`].
    pub fn is_auth_failure(self) -> bool {
        match self {
            LoginFailure::Postgres(Some(state)) => PG_AUTH_FAILURE_SQLSTATES.contains(&state),
            LoginFailure::Mysql(Some(errno)) => errno == MYSQL_ACCESS_DENIED,
            LoginFailure::Message(text) => AUTH_FAILURE_MESSAGES.iter().any(|m| text.contains(m)),
            LoginFailure::Postgres(None) | LoginFailure::Mysql(None) => false,
        }
    }

    /// Whether a login that failed this way, after `failed_attempts` attempts (1 = the first
    /// attempt failed), is tried again with a forced-fresh token: only an authentication
    /// failure, and at most [`AUTH_RETRY_LIMIT`] time(s) (see [`retry_auth_failure`]).
    pub fn retry(self, failed_attempts: u32) -> bool {
        self.is_auth_failure() && retry_auth_failure(failed_attempts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "abcdefghijklmnopqrstuvwx12";

    #[test]
    fn cluster_ids_expand_with_a_region() {
        assert!(is_dsql_cluster_id(ID));
        assert_eq!(dsql_hostname(ID, Some("us-east-1")).unwrap(), format!("{ID}.dsql.us-east-1.on.aws"));
        assert_eq!(dsql_hostname(ID, None).unwrap_err().code(), ErrorCode::RegionRequired);
        assert_eq!(dsql_hostname(ID, Some("us-east-1a")).unwrap_err().code(), ErrorCode::InvalidRegion);
        let host = format!("{ID}.dsql.eu-west-1.on.aws");
        assert_eq!(dsql_hostname(&host, None).unwrap(), host);
        assert_eq!(dsql_hostname("localhost", Some("us-east-1")).unwrap(), "localhost");
        for bad in ["abcdefghijklmnopqrstuvwx1", "abcdefghijklmnopqrstuvwx123", "ABCDEFGHIJKLMNOPQRSTUVWX12", "abc_efghijklmnopqrstuvwx12"] {
            assert!(!is_dsql_cluster_id(bad), "{bad}");
            let e = dsql_hostname(bad, Some("us-east-1")).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidHostname, "{bad}");
            assert!(e.message().contains("26 lower-case"), "{}", e.message());
        }
        assert_eq!(dsql_hostname("", Some("us-east-1")).unwrap_err().code(), ErrorCode::InvalidHostname);
        assert_eq!(dsql_hostname("https://x.dsql.us-east-1.on.aws", None).unwrap_err().code(), ErrorCode::InvalidHostname);
    }

    #[test]
    fn dsql_admin_gets_the_admin_kind() {
        assert_eq!(dsql_kind_for_user("admin"), TokenKind::DsqlAdmin);
        for other in ["Admin", "app", "admin ", "administrator"] {
            assert_eq!(dsql_kind_for_user(other), TokenKind::Dsql, "{other}");
        }
        let t = SigningTarget::dsql(Some(ID), Some("admin"), Some("us-east-2")).unwrap();
        assert_eq!((t.kind(), t.hostname(), t.port(), t.region()), (TokenKind::DsqlAdmin, &*format!("{ID}.dsql.us-east-2.on.aws"), None, "us-east-2"));
        assert!(!t.region_inferred());
        let t = SigningTarget::dsql(Some(&format!("{ID}.dsql.us-east-2.on.aws")), Some("app"), None).unwrap();
        assert_eq!((t.kind(), t.region(), t.region_inferred()), (TokenKind::Dsql, "us-east-2", true));
        let req = t.token_request(3).unwrap();
        assert_eq!((req.kind(), req.expires_in(), req.port()), (TokenKind::Dsql, 3, None));
    }

    #[test]
    fn rds_targets_infer_the_region_and_name_what_is_missing() {
        let host = "mydb.cluster-x.eu-west-1.rds.amazonaws.com";
        let t = SigningTarget::rds(Some(host), Some(5432), Some("app"), None).unwrap();
        assert_eq!((t.kind(), t.region(), t.region_inferred(), t.port()), (TokenKind::Rds, "eu-west-1", true, Some(5432)));
        let req = t.token_request(900).unwrap();
        assert_eq!((req.hostname(), req.port(), req.username(), req.region()), (host, Some(5432), Some("app"), "eu-west-1"));
        let e = SigningTarget::rds(None, Some(5432), Some("app"), None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidHostname);
        assert!(e.message().contains("host is missing"));
        assert_eq!(SigningTarget::rds(Some(""), Some(1), Some("a"), None).unwrap_err().code(), ErrorCode::InvalidHostname);
        assert_eq!(SigningTarget::rds(Some(host), None, Some("a"), None).unwrap_err().code(), ErrorCode::InvalidPort);
        assert_eq!(SigningTarget::rds(Some(host), Some(5432), None, None).unwrap_err().code(), ErrorCode::InvalidUsername);
        assert_eq!(SigningTarget::rds(Some("localhost"), Some(5432), Some("a"), None).unwrap_err().code(), ErrorCode::RegionRequired);
        let t = SigningTarget::rds(Some("localhost"), Some(5432), Some("a"), Some("us-east-1")).unwrap();
        assert!(!t.region_inferred());
        assert!(t.token_request(901).is_err());
        assert_eq!(SigningTarget::rds(Some(host), Some(0), Some("a"), None).unwrap_err().code(), ErrorCode::InvalidPort);
    }

    #[test]
    fn tls_is_required() {
        assert_eq!(pg_sslmode(None).unwrap(), "verify-full");
        for ok in ["require", "verify-ca", "verify-full"] {
            assert_eq!(pg_sslmode(Some(ok)).unwrap(), ok);
        }
        for refused in ["disable", "allow", "prefer"] {
            let e = pg_sslmode(Some(refused)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
            assert!(e.message().contains("must travel over TLS"), "{}", e.message());
        }
        assert!(pg_sslmode(Some("verify_full")).unwrap_err().message().contains("not one of"));
    }

    #[test]
    fn logins_take_port_and_user_from_rds_tokens_and_the_user_from_the_caller_for_dsql() {
        let rds = TokenRequest::rds("db.cluster-x.us-east-1.rds.amazonaws.com", 6432, "app").build().unwrap();
        assert_eq!(login_for(&rds, None).unwrap(), (6432, "app".to_string()));
        assert_eq!(login_for(&rds, Some("app")).unwrap(), (6432, "app".to_string()));
        assert_eq!(login_for(&rds, Some("other")).unwrap_err().code(), ErrorCode::InvalidUsername);
        let host = format!("{ID}.dsql.us-east-1.on.aws");
        let admin = TokenRequest::dsql(&host, true).build().unwrap();
        let role = TokenRequest::dsql(&host, false).build().unwrap();
        assert_eq!(login_for(&admin, Some("admin")).unwrap(), (DSQL_PORT, "admin".to_string()));
        assert_eq!(login_for(&role, Some("app_role")).unwrap(), (5432, "app_role".to_string()));
        assert_eq!(login_for(&admin, None).unwrap_err().code(), ErrorCode::InvalidUsername);
        let e = login_for(&role, Some("admin")).unwrap_err();
        assert!(e.message().contains("DbConnectAdmin tokens, but the provider signs DbConnect"), "{}", e.message());
        let e = login_for(&admin, Some("app_role")).unwrap_err();
        assert!(e.message().contains("DbConnect tokens, but the provider signs DbConnectAdmin"), "{}", e.message());
        assert_eq!(login_for(&admin, Some("")).unwrap_err().code(), ErrorCode::InvalidUsername);
    }

    #[test]
    fn one_retry() {
        assert!(!retry_auth_failure(0));
        assert!(retry_auth_failure(1));
        assert!(!retry_auth_failure(2));
    }

    #[test]
    fn only_refused_credentials_are_retried_and_only_once() {
        for state in ["28000", "28P01"] {
            assert!(LoginFailure::Postgres(Some(state)).is_auth_failure(), "{state}");
            assert!(LoginFailure::Postgres(Some(state)).retry(1));
            assert!(!LoginFailure::Postgres(Some(state)).retry(2), "{state}: a second refusal surfaces");
            assert!(!LoginFailure::Postgres(Some(state)).retry(0));
        }
        // Not the token: unknown database, too many connections, no pg_hba entry, a network error.
        for state in [Some("3D000"), Some("53300"), Some("28"), Some("28p01"), Some(""), Some("ECONNREFUSED"), None] {
            assert!(!LoginFailure::Postgres(state).is_auth_failure(), "{state:?}");
            assert!(!LoginFailure::Postgres(state).retry(1), "{state:?}");
        }
        for text in [
            "FATAL:  PAM authentication failed for user \"app\"",
            "connection failed: FATAL:  password authentication failed for user \"app\"",
            "(1045, \"Access denied for user 'app'@'10.0.0.1' (using password: YES)\")",
        ] {
            assert!(LoginFailure::Message(text).is_auth_failure(), "{text}");
            assert!(LoginFailure::Message(text).retry(1) && !LoginFailure::Message(text).retry(2), "{text}");
        }
        for text in ["", "database \"x\" does not exist", "too many connections", "pam authentication FAILED"] {
            assert!(!LoginFailure::Message(text).is_auth_failure(), "{text}");
        }
        assert!(LoginFailure::Mysql(Some(1045)).retry(1));
        assert!(!LoginFailure::Mysql(Some(1045)).retry(2));
        for errno in [Some(1044), Some(1049), Some(1040), Some(2003), Some(-1045), None] {
            assert!(!LoginFailure::Mysql(errno).retry(1), "{errno:?}");
        }
    }
}
