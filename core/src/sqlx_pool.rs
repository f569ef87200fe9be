//! sqlx pools that keep getting fresh tokens (feature `sqlx`).
//!
//! sqlx has no per-connection password hook (launchbadge/sqlx#3117; 0.8 has no
//! `before_connect`), but [`sqlx::Pool::set_connect_options`] replaces the options used for
//! every *future* connection. [`connect_pg`] / [`connect_mysql`] open a pool with a current
//! token and start a [`TokenRefresher`]: a Tokio task that installs a new token before the
//! current one reaches the provider's refresh point (its effective expiry minus the refresh
//! margin), so every new physical connection signs in with a token that still has at least the
//! margin left. Credentials are fetched on Tokio's blocking pool, never on a worker thread.
//! A login refused for authentication (PostgreSQL `28000` / `28P01`, MySQL 1045) is tried once more with a
//! forced-fresh token, at pool creation and in [`TokenRefresher::acquire`].

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sqlx::mysql::{MySql, MySqlConnectOptions, MySqlDatabaseError, MySqlSslMode};
use sqlx::pool::{Pool, PoolConnection, PoolOptions};
use sqlx::postgres::{PgConnectOptions, PgSslMode, Postgres};
use sqlx::Database;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::async_token::{fresh_token_async, token_async};
use crate::integration::{login_for, retry_auth_failure, LoginFailure};
use crate::request::TokenKind;
use crate::error::{Error, ErrorCode};
use crate::token::AuthToken;
use crate::token_provider::TokenProvider;

/// How long the refresher waits before trying again after a failed credential fetch.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// Connect options that can take a token as the password, and know how their server says
/// "authentication failed".
pub trait TokenConnectOptions: sqlx::ConnectOptions + Clone + Send + Sync + 'static {
    /// These options with `token` as the password.
    fn with_token(&self, token: &str) -> Self;
    /// Whether `error` is the server refusing the password.
    fn is_auth_failure(error: &sqlx::Error) -> bool;
    /// Refuses options that could send the token without TLS.
    fn check_tls(&self) -> crate::Result<()>;
}

fn tls_refused(mode: &str) -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        format!("ssl mode {mode} could send the IAM token without TLS: use a mode that requires TLS (and verifies the server)"),
    )
}

impl TokenConnectOptions for PgConnectOptions {
    fn with_token(&self, token: &str) -> Self {
        self.clone().password(token)
    }

    fn is_auth_failure(error: &sqlx::Error) -> bool {
        let code = error.as_database_error().and_then(|e| e.code());
        LoginFailure::Postgres(code.as_deref()).is_auth_failure()
    }

    fn check_tls(&self) -> crate::Result<()> {
        match self.get_ssl_mode() {
            PgSslMode::Disable | PgSslMode::Allow | PgSslMode::Prefer => Err(tls_refused(&format!("{:?}", self.get_ssl_mode()))),
            _ => Ok(()),
        }
    }
}

impl TokenConnectOptions for MySqlConnectOptions {
    fn with_token(&self, token: &str) -> Self {
        self.clone().password(token)
    }

    fn is_auth_failure(error: &sqlx::Error) -> bool {
        let errno = error.as_database_error().and_then(|e| e.try_downcast_ref::<MySqlDatabaseError>()).map(|e| i64::from(e.number()));
        LoginFailure::Mysql(errno).is_auth_failure()
    }

    fn check_tls(&self) -> crate::Result<()> {
        match self.get_ssl_mode() {
            MySqlSslMode::Disabled | MySqlSslMode::Preferred => Err(tls_refused(&format!("{:?}", self.get_ssl_mode()))),
            _ => Ok(()),
        }
    }
}

/// PostgreSQL connect options for the provider's endpoint (host, port and user of its
/// request), TLS `verify-full` against the CA bundle at `ca_file` (or the built-in web roots).
/// A DSQL provider is refused (its tokens name no user): use [`dsql_pg_connect_options`].
pub fn pg_connect_options(provider: &TokenProvider, database: Option<&str>, ca_file: Option<&Path>) -> crate::Result<PgConnectOptions> {
    pg_options(provider, rds_endpoint(provider)?, database, ca_file)
}

/// PostgreSQL connect options for the DSQL provider's endpoint as database role `user`
/// (`admin` needs a `DbConnectAdmin` provider, any other role a `DbConnect` one: the core's
/// [`login_for`]), port 5432, TLS `verify-full` against the CA bundle at `ca_file` (or the
/// built-in web roots).
pub fn dsql_pg_connect_options(
    provider: &TokenProvider,
    user: &str,
    database: Option<&str>,
    ca_file: Option<&Path>,
) -> crate::Result<PgConnectOptions> {
    pg_options(provider, login_for(&provider.request(), Some(user))?, database, ca_file)
}

fn pg_options(provider: &TokenProvider, (port, user): (u16, String), database: Option<&str>, ca_file: Option<&Path>) -> crate::Result<PgConnectOptions> {
    let request = provider.request();
    let mut options = PgConnectOptions::new_without_pgpass()
        .host(request.hostname())
        .port(port)
        .username(&user)
        .ssl_mode(PgSslMode::VerifyFull);
    if let Some(database) = database {
        options = options.database(database);
    }
    if let Some(ca) = ca_file {
        options = options.ssl_root_cert(ca);
    }
    Ok(options)
}

/// MySQL connect options for the provider's endpoint, TLS `VERIFY_IDENTITY` against the CA
/// bundle at `ca_file`, and the `mysql_clear_password` plugin IAM users log in with.
pub fn mysql_connect_options(provider: &TokenProvider, database: Option<&str>, ca_file: Option<&Path>) -> crate::Result<MySqlConnectOptions> {
    let request = provider.request();
    let (port, user) = rds_endpoint(provider)?;
    let mut options = MySqlConnectOptions::new()
        .host(request.hostname())
        .port(port)
        .username(&user)
        .ssl_mode(MySqlSslMode::VerifyIdentity)
        .enable_cleartext_plugin(true);
    if let Some(database) = database {
        options = options.database(database);
    }
    if let Some(ca) = ca_file {
        options = options.ssl_ca(ca);
    }
    Ok(options)
}

fn rds_endpoint(provider: &TokenProvider) -> crate::Result<(u16, String)> {
    let request = provider.request();
    if request.kind() != TokenKind::Rds {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "the provider signs DSQL tokens: use dsql_pg_connect_options(provider, user, …) (DSQL tokens name no user)",
        ));
    }
    login_for(&request, None)
}

/// A sqlx PostgreSQL pool whose connections sign in with current tokens, and the task that
/// keeps them current (keep it: dropping it stops the refreshes).
pub async fn connect_pg(
    provider: Arc<TokenProvider>,
    options: PgConnectOptions,
    pool: PoolOptions<Postgres>,
) -> Result<(Pool<Postgres>, TokenRefresher<Postgres>), sqlx::Error> {
    connect(provider, options, pool).await
}

/// As [`connect_pg`], for MySQL / Aurora MySQL.
pub async fn connect_mysql(
    provider: Arc<TokenProvider>,
    options: MySqlConnectOptions,
    pool: PoolOptions<MySql>,
) -> Result<(Pool<MySql>, TokenRefresher<MySql>), sqlx::Error> {
    connect(provider, options, pool).await
}

/// Opens `pool` with `options` and a current token (once more with a forced-fresh token if the
/// server refuses it), and starts the refresher. Options whose TLS mode could send the token in
/// clear text (PostgreSQL `disable` / `allow` / `prefer`, MySQL `DISABLED` / `PREFERRED`) are
/// refused (`sqlx::Error::Configuration` with `INVALID_ARGUMENT`).
pub async fn connect<DB>(
    provider: Arc<TokenProvider>,
    options: <DB::Connection as sqlx::Connection>::Options,
    pool: PoolOptions<DB>,
) -> Result<(Pool<DB>, TokenRefresher<DB>), sqlx::Error>
where
    DB: Database,
    <DB::Connection as sqlx::Connection>::Options: TokenConnectOptions,
{
    options.check_tls().map_err(token_error)?;
    let mut token = token_async(&provider).await.map_err(token_error)?;
    let mut failed = 0;
    let opened = loop {
        match pool.clone().connect_with(options.with_token(token.as_str())).await {
            Err(e) if <DB::Connection as sqlx::Connection>::Options::is_auth_failure(&e) && retry_auth_failure(failed + 1) => {
                failed += 1;
                token = fresh_token_async(&provider).await.map_err(token_error)?;
            }
            other => break other?,
        }
    };
    let shared = Arc::new(Shared { provider, options, pool: opened.clone(), current: Mutex::new(token) });
    let task = tokio::spawn(refresh_loop(shared.clone()));
    Ok((opened, TokenRefresher { shared, task }))
}

struct Shared<DB: Database> {
    provider: Arc<TokenProvider>,
    options: <DB::Connection as sqlx::Connection>::Options,
    pool: Pool<DB>,
    /// The token installed in the pool's connect options.
    current: Mutex<Arc<AuthToken>>,
}

impl<DB: Database> Shared<DB>
where
    <DB::Connection as sqlx::Connection>::Options: TokenConnectOptions,
{
    async fn install(&self, token: Arc<AuthToken>) {
        self.pool.set_connect_options(self.options.with_token(token.as_str()));
        *self.current.lock().await = token;
    }

    /// When the installed token stops being handed out by the provider.
    async fn refresh_point(&self) -> SystemTime {
        let token = self.current.lock().await.clone();
        token.effective_expiry().checked_sub(self.provider.refresh_margin()).unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

async fn refresh_loop<DB: Database>(shared: Arc<Shared<DB>>)
where
    <DB::Connection as sqlx::Connection>::Options: TokenConnectOptions,
{
    loop {
        let wait = shared.refresh_point().await.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
        tokio::time::sleep(wait).await;
        match token_async(&shared.provider).await {
            Ok(token) => shared.install(token).await,
            // The installed token stays until it expires; the next fetch may succeed.
            Err(_) => tokio::time::sleep(RETRY_AFTER_FAILURE).await,
        }
    }
}

/// The background task that keeps a sqlx pool's connect options supplied with a current
/// token. Dropping it stops the task (the pool then keeps its last token).
pub struct TokenRefresher<DB: Database> {
    shared: Arc<Shared<DB>>,
    task: JoinHandle<()>,
}

impl<DB: Database> TokenRefresher<DB>
where
    <DB::Connection as sqlx::Connection>::Options: TokenConnectOptions,
{
    /// Installs a forced-fresh token now: cached token and credentials dropped, credentials
    /// resolved anew. Use it when the server refused a token.
    pub async fn refresh_now(&self) -> crate::Result<()> {
        let token = fresh_token_async(&self.shared.provider).await?;
        self.shared.install(token).await;
        Ok(())
    }

    /// `pool.acquire()`, tried once more after a forced-fresh token if opening a new
    /// connection was refused for authentication.
    pub async fn acquire(&self) -> Result<PoolConnection<DB>, sqlx::Error> {
        match self.shared.pool.acquire().await {
            Err(e) if <DB::Connection as sqlx::Connection>::Options::is_auth_failure(&e) && retry_auth_failure(1) => {
                self.refresh_now().await.map_err(token_error)?;
                self.shared.pool.acquire().await
            }
            other => other,
        }
    }
}

impl<DB: Database> Drop for TokenRefresher<DB> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl<DB: Database> std::fmt::Debug for TokenRefresher<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRefresher").field("provider", &self.shared.provider).finish_non_exhaustive()
    }
}

/// A token failure as a sqlx error (the auroraiam error, with its code, is the source).
fn token_error(error: Error) -> sqlx::Error {
    sqlx::Error::Configuration(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::credentials_from_parts;
    use crate::request::TokenRequest;
    use crate::source::StaticSource;

    fn provider(request: &TokenRequest<'_>) -> Arc<TokenProvider> {
        let credentials = credentials_from_parts("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None).unwrap();
        Arc::new(TokenProvider::new(request, Arc::new(StaticSource::new(credentials).unwrap())))
    }

    #[test]
    fn connect_options_sign_for_the_providers_endpoint_and_verify_tls() {
        let request = TokenRequest::rds("db.cluster-x.us-east-1.rds.amazonaws.com", 6432, "app+user").build().unwrap();
        let p = provider(&request);
        let pg = pg_connect_options(&p, Some("app"), Some(Path::new("/ca.pem"))).unwrap();
        assert_eq!((pg.get_host(), pg.get_port(), pg.get_username()), ("db.cluster-x.us-east-1.rds.amazonaws.com", 6432, "app+user"));
        assert_eq!(pg.get_database(), Some("app"));
        assert!(matches!(pg.get_ssl_mode(), PgSslMode::VerifyFull));
        let my = mysql_connect_options(&p, None, None).unwrap();
        assert_eq!((my.get_host(), my.get_port(), my.get_username()), ("db.cluster-x.us-east-1.rds.amazonaws.com", 6432, "app+user"));
        assert!(matches!(my.get_ssl_mode(), MySqlSslMode::VerifyIdentity));
    }

    #[test]
    fn a_missing_host_is_refused_before_any_provider_or_pool() {
        for host in ["", " "] {
            let e = TokenRequest::rds(host, 5432, "app").build().unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidHostname, "{host:?}");
        }
        assert_eq!(TokenRequest::dsql("", false).build().unwrap_err().code(), ErrorCode::InvalidHostname);
    }

    #[test]
    fn dsql_providers_need_the_role_to_log_in_as() {
        let request = TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", false).build().unwrap();
        let p = provider(&request);
        let e = pg_connect_options(&p, None, None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert!(e.to_string().contains("dsql_pg_connect_options"), "{e}");
        let o = dsql_pg_connect_options(&p, "app_role", Some("postgres"), Some(Path::new("/ca.pem"))).unwrap();
        assert_eq!((o.get_host(), o.get_port(), o.get_username()), ("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", 5432, "app_role"));
        assert!(matches!(o.get_ssl_mode(), PgSslMode::VerifyFull));
        let e = dsql_pg_connect_options(&p, "admin", None, None).unwrap_err();
        assert!(e.to_string().contains("DbConnectAdmin tokens, but the provider signs DbConnect"), "{e}");
    }

    #[test]
    fn tokens_come_from_the_cache_and_a_fresh_token_refetches_credentials() {
        let request = TokenRequest::rds("db.cluster-x.us-east-1.rds.amazonaws.com", 5432, "app").build().unwrap();
        let p = provider(&request);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let a = token_async(&p).await.unwrap();
            assert!(Arc::ptr_eq(&a, &token_async(&p).await.unwrap()), "a cache hit");
            assert_eq!(p.credential_fetch_count(), 1);
            let b = fresh_token_async(&p).await.unwrap();
            assert!(!Arc::ptr_eq(&a, &b));
            assert_eq!(p.credential_fetch_count(), 2, "credentials resolved anew");
        });
        // Options that could send the token in clear text are refused before any connection.
        rt.block_on(async {
            let no_tls = pg_connect_options(&p, None, None).unwrap().ssl_mode(PgSslMode::Prefer);
            let e = connect_pg(p.clone(), no_tls, PoolOptions::new()).await.unwrap_err();
            assert!(e.to_string().contains("without TLS"), "{e}");
            let no_tls = mysql_connect_options(&p, None, None).unwrap().ssl_mode(MySqlSslMode::Disabled);
            let e = connect_mysql(p.clone(), no_tls, PoolOptions::new()).await.unwrap_err();
            assert!(e.to_string().contains("without TLS"), "{e}");
        });
        // The token error reaches sqlx callers with its code, and no secret.
        let e = token_error(Error::new(ErrorCode::CredentialsNotFound, "no credentials"));
        assert!(matches!(&e, sqlx::Error::Configuration(source) if source.to_string().contains("no credentials")));
    }
}
