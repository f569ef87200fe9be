//! deadpool-postgres pools whose every new tokio-postgres connection signs in with a current
//! token (feature `tokio-postgres`).
//!
//! [`IamManager`] is a `deadpool::managed::Manager` producing deadpool-postgres'
//! [`ClientWrapper`] (so `prepare_cached` and the rest work as with deadpool-postgres' own
//! manager): each `create` builds its `tokio_postgres::Config` with the provider's current
//! token (fetched on Tokio's blocking pool when not cached), connects over rustls with the
//! server certificate verified against the caller's CA bundle, and, if the server refuses the
//! token (SQLSTATE `28000` / `28P01`), tries once more with a forced-fresh token.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use deadpool::managed::{self, Metrics, RecycleError, RecycleResult};
use deadpool_postgres::ClientWrapper;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio_postgres::config::SslMode;
use tokio_postgres::Config;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::async_token::{fresh_token_async, token_async};
use crate::integration::{login_for, LoginFailure};
use crate::request::TokenKind;
use crate::error::{Error, ErrorCode};
use crate::token_provider::TokenProvider;

/// A deadpool pool of tokio-postgres clients signed in with IAM tokens.
pub type Pool = managed::Pool<IamManager>;

/// Why a connection could not be made: the token, or PostgreSQL.
#[derive(Debug)]
pub enum ConnectError {
    /// No token could be had (credentials, configuration).
    Token(Error),
    /// tokio-postgres failed to connect or sign in (the server's own error).
    Postgres(tokio_postgres::Error),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Token(e) => write!(f, "no IAM token: {e}"),
            // tokio-postgres' own Display says only "db error" for a server error.
            ConnectError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "{} {}: {}", db.severity(), db.code().code(), db.message()),
                None => write!(f, "{e}"),
            },
        }
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConnectError::Token(e) => Some(e),
            ConnectError::Postgres(e) => Some(e),
        }
    }
}

/// Creates tokio-postgres clients that sign in with the provider's current token.
pub struct IamManager {
    provider: Arc<TokenProvider>,
    config: Config,
    tls: MakeRustlsConnect,
}

impl IamManager {
    /// A manager for the provider's endpoint (host, port and user of its request), database
    /// `database`, TLS verified against the PEM CA bundle at `ca_file` (e.g. AWS's
    /// `global-bundle.pem`).
    /// A DSQL provider is refused (its tokens name no user): use [`IamManager::dsql`].
    pub fn new(provider: Arc<TokenProvider>, database: Option<&str>, ca_file: &Path) -> crate::Result<Self> {
        if provider.request().kind() != TokenKind::Rds {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "the provider signs DSQL tokens: use IamManager::dsql(provider, user, …) (DSQL tokens name no user)",
            ));
        }
        let login = login_for(&provider.request(), None)?;
        Self::for_login(provider, login, database, ca_file)
    }

    /// A manager for the DSQL provider's endpoint as database role `user` (`admin` needs a
    /// `DbConnectAdmin` provider, any other role a `DbConnect` one: the core's [`login_for`]),
    /// on `port` (`None`: DSQL's 5432; another one for a tunnel or a local emulation — DSQL
    /// tokens name no port), TLS verified against the PEM CA bundle at `ca_file`.
    pub fn dsql(provider: Arc<TokenProvider>, user: &str, port: Option<u16>, database: Option<&str>, ca_file: &Path) -> crate::Result<Self> {
        let (dsql_port, user) = login_for(&provider.request(), Some(user))?;
        Self::for_login(provider, (port.unwrap_or(dsql_port), user), database, ca_file)
    }

    fn for_login(provider: Arc<TokenProvider>, (port, user): (u16, String), database: Option<&str>, ca_file: &Path) -> crate::Result<Self> {
        let mut config = Config::new();
        config.host(provider.request().hostname()).port(port).user(&user).ssl_mode(SslMode::Require);
        if let Some(database) = database {
            config.dbname(database);
        }
        Self::with_config(provider, config, tls_connector(ca_file)?)
    }

    /// A manager connecting with `config` (its password is replaced by a token for every
    /// connection) and the TLS connector `tls`. A `config` whose `ssl_mode` is not `Require`
    /// (`disable`, `prefer`: the token could travel in clear text) is refused.
    pub fn with_config(provider: Arc<TokenProvider>, config: Config, tls: MakeRustlsConnect) -> crate::Result<Self> {
        if config.get_ssl_mode() != SslMode::Require {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "ssl mode {:?} could send the IAM token without TLS: set ssl_mode(SslMode::Require) (rustls verifies the server)",
                    config.get_ssl_mode()
                ),
            ));
        }
        Ok(IamManager { provider, config, tls })
    }

    /// A pool of at most `max_size` clients.
    pub fn pool(self, max_size: usize) -> Result<Pool, managed::BuildError> {
        Pool::builder(self).max_size(max_size).build()
    }
}

/// A rustls connector trusting only the certificates in the PEM file `ca_file`.
pub fn tls_connector(ca_file: &Path) -> crate::Result<MakeRustlsConnect> {
    let shown = ca_file.display();
    let bad = |what: String| Error::new(ErrorCode::InvalidArgument, what);
    let mut roots = rustls::RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(ca_file).map_err(|e| bad(format!("cannot read CA bundle {shown}: {e}")))?;
    for cert in certs {
        let cert = cert.map_err(|e| bad(format!("CA bundle {shown}: {e}")))?;
        roots.add(cert).map_err(|e| bad(format!("CA bundle {shown}: {e}")))?;
    }
    if roots.is_empty() {
        return Err(bad(format!("CA bundle {shown} holds no certificate")));
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS configuration: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// How the core's retry rule sees a tokio-postgres error.
fn login_failure(error: &tokio_postgres::Error) -> LoginFailure<'_> {
    LoginFailure::Postgres(error.code().map(|c| c.code()))
}

impl managed::Manager for IamManager {
    type Type = ClientWrapper;
    type Error = ConnectError;

    async fn create(&self) -> Result<ClientWrapper, ConnectError> {
        let mut token = token_async(&self.provider).await.map_err(ConnectError::Token)?;
        let mut failed = 0;
        loop {
            let mut config = self.config.clone();
            config.password(token.as_str());
            match config.connect(self.tls.clone()).await {
                Ok((client, connection)) => {
                    let task = tokio::spawn(async move {
                        let _ = connection.await;
                    });
                    return Ok(ClientWrapper::new(client, task));
                }
                Err(e) if login_failure(&e).retry(failed + 1) => {
                    failed += 1;
                    token = fresh_token_async(&self.provider).await.map_err(ConnectError::Token)?;
                }
                Err(e) => return Err(ConnectError::Postgres(e)),
            }
        }
    }

    async fn recycle(&self, client: &mut ClientWrapper, _: &Metrics) -> RecycleResult<ConnectError> {
        if client.is_closed() {
            return Err(RecycleError::message("connection closed"));
        }
        Ok(())
    }
}

impl fmt::Debug for IamManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IamManager").field("provider", &self.provider).finish_non_exhaustive()
    }
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
    fn a_ca_bundle_must_exist_and_hold_certificates() {
        let missing = tls_connector(Path::new("/nonexistent/ca.pem")).err().unwrap();
        assert_eq!(missing.code(), ErrorCode::InvalidArgument);
        assert!(missing.to_string().contains("/nonexistent/ca.pem"), "{missing}");
        let empty = std::env::temp_dir().join(format!("auroraiam-empty-ca-{}.pem", std::process::id()));
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = tls_connector(&empty).err().unwrap();
        std::fs::remove_file(&empty).unwrap();
        assert!(e.to_string().contains("holds no certificate"), "{e}");
    }

    #[test]
    fn dsql_providers_need_an_explicit_config() {
        let request = TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", true).build().unwrap();
        let p = provider(&request);
        let e = IamManager::new(p.clone(), None, Path::new("/nonexistent")).err().unwrap();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert!(e.to_string().contains("IamManager::dsql"), "{e}");
        // The role must fit the token kind; then the CA bundle is read.
        let e = IamManager::dsql(p.clone(), "app_role", None, None, Path::new("/nonexistent")).err().unwrap();
        assert!(e.to_string().contains("DbConnect tokens, but the provider signs DbConnectAdmin"), "{e}");
        let e = IamManager::dsql(p, "admin", Some(6543), None, Path::new("/nonexistent/ca.pem")).err().unwrap();
        assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
    }

    #[test]
    fn errors_and_debug_show_no_secret() {
        let e = ConnectError::Token(Error::new(ErrorCode::CredentialsNotFound, "no credentials found"));
        assert_eq!(e.to_string(), "no IAM token: no credentials found");
        let request = TokenRequest::rds("db.cluster-x.us-east-1.rds.amazonaws.com", 5432, "app").build().unwrap();
        let p = provider(&request);
        let token = p.token().unwrap();
        let tls = MakeRustlsConnect::new(
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth(),
        );
        // A config that could send the token in clear text is refused.
        let e = IamManager::with_config(p.clone(), Config::new(), tls.clone()).err().unwrap();
        assert!(e.to_string().contains("without TLS"), "{e}");
        let mut config = Config::new();
        config.ssl_mode(SslMode::Require);
        let manager = IamManager::with_config(p, config, tls).unwrap();
        let shown = format!("{manager:?}");
        assert!(!shown.contains("wJalrXUtnFEMI") && !shown.contains(token.as_str()), "{shown}");
    }
}
