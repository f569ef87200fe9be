//! A Rust pool driven line by line, for the end-to-end pool tests (e2e/clients/node_pools.mjs
//! starts it and judges the results against the verifier log). Not an example to copy from:
//! see docs/rust.md for those.
//!
//!   pool_client sqlx-pg | sqlx-mysql | deadpool
//!
//! Reads `E2E_HOST`, `E2E_REGION`, `E2E_PG_PORT` / `E2E_MYSQL_PORT`, `E2E_CA`, and
//! `POOL_CLIENT_CREDENTIALS` (`chain`: the default credential chain; `wrong-first`: a wrong
//! secret on the first fetch, the right one after; `wrong-always`), `POOL_CLIENT_EXPIRES_IN`
//! (default 900), `POOL_CLIENT_DSQL_USER` (sqlx-pg, deadpool: Aurora DSQL tokens for that role,
//! database `dsql`). Opens the pool, prints `ready` (or `err <message>` and exits 1); then for
//! each `connect` line on stdin opens a new physical connection, runs one query and closes it,
//! printing `ok <user> <session id>` or `err <message>`; stops at `end` or end of input.
use std::env;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use auroraiam::sqlx_pool::{self, TokenRefresher};
use auroraiam::tokio_postgres_pool::{IamManager, Pool};
use auroraiam::{credentials_from_parts, CredentialsSource, FnSource, TokenProvider, TokenRequest};
use sqlx::pool::PoolOptions;
use sqlx::{MySql, Postgres, Row};

enum Db {
    // The refresher holds the pool.
    SqlxPg(TokenRefresher<Postgres>),
    SqlxMysql(TokenRefresher<MySql>),
    Deadpool(Pool),
}

fn var(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("{name} is not set"))
}

fn source() -> Result<Arc<dyn CredentialsSource>, String> {
    let mode = env::var("POOL_CLIENT_CREDENTIALS").unwrap_or_else(|_| "chain".into());
    if mode == "chain" {
        return Ok(auroraiam::default_source());
    }
    let (akid, secret) = (var("E2E_ACCESS_KEY_ID")?, var("E2E_SECRET_ACCESS_KEY")?);
    let recovers = match mode.as_str() {
        "wrong-first" => true,
        "wrong-always" => false,
        other => return Err(format!("unknown POOL_CLIENT_CREDENTIALS {other}")),
    };
    let fetches = AtomicU32::new(0);
    Ok(Arc::new(FnSource::new("pool-client", move || {
        let first = fetches.fetch_add(1, Ordering::SeqCst) == 0;
        let good = recovers && !first;
        credentials_from_parts(&akid, if good { &secret } else { "not-the-secret" }, None, None)
    })))
}

async fn open(driver: &str) -> Result<Db, String> {
    let mysql = driver == "sqlx-mysql";
    let port: u16 = var(if mysql { "E2E_MYSQL_PORT" } else { "E2E_PG_PORT" })?.parse().map_err(|e| format!("port: {e}"))?;
    let (host, region) = (var("E2E_HOST")?, var("E2E_REGION")?);
    let ca = PathBuf::from(var("E2E_CA")?);
    let expires_in: u32 = env::var("POOL_CLIENT_EXPIRES_IN").unwrap_or_else(|_| "900".into()).parse().map_err(|e| format!("{e}"))?;
    // POOL_CLIENT_DSQL_USER: Aurora DSQL tokens for that role (database "dsql" of the emulation).
    let dsql_user = env::var("POOL_CLIENT_DSQL_USER").ok();
    let request = match &dsql_user {
        Some(user) => TokenRequest::dsql(&host, user == auroraiam::DSQL_ADMIN_USER),
        None => TokenRequest::rds(&host, port, "app_user"),
    }
    .region(&region)
    .expires_in_secs(expires_in)
    .build()
    .map_err(|e| e.to_string())?;
    let mut provider = TokenProvider::new(&request, source()?);
    if expires_in < 60 {
        // Hand out (and install) tokens only within the second they were signed in, as the
        // Node signers do for short lifetimes: every connection gets one with 2+ s left of 3.
        provider = provider.with_refresh_margin(Duration::from_secs(u64::from(expires_in) - 1)).map_err(|e| e.to_string())?;
    }
    let provider = Arc::new(provider);
    match driver {
        "sqlx-pg" => {
            let options = match &dsql_user {
                // The emulation listens on its own port (DSQL tokens name none).
                Some(user) => sqlx_pool::dsql_pg_connect_options(&provider, user, Some("dsql"), Some(&ca)).map(|o| o.port(port)),
                None => sqlx_pool::pg_connect_options(&provider, Some("postgres"), Some(&ca)),
            }
            .map_err(|e| e.to_string())?;
            let (_pool, refresher) = sqlx_pool::connect_pg(provider, options, PoolOptions::new().max_connections(2))
                .await
                .map_err(|e| e.to_string())?;
            Ok(Db::SqlxPg(refresher))
        }
        "sqlx-mysql" => {
            let options = sqlx_pool::mysql_connect_options(&provider, None, Some(&ca)).map_err(|e| e.to_string())?;
            let (_pool, refresher) = sqlx_pool::connect_mysql(provider, options, PoolOptions::new().max_connections(2))
                .await
                .map_err(|e| e.to_string())?;
            Ok(Db::SqlxMysql(refresher))
        }
        "deadpool" => {
            let manager = match &dsql_user {
                Some(user) => IamManager::dsql(provider, user, Some(port), Some("dsql"), &ca),
                None => IamManager::new(provider, Some("postgres"), &ca),
            }
            .map_err(|e| e.to_string())?;
            Ok(Db::Deadpool(manager.pool(2).map_err(|e| e.to_string())?))
        }
        other => Err(format!("unknown driver {other}")),
    }
}

/// One query on a new physical connection, which is then closed.
async fn connect_once(db: &Db) -> Result<(String, String), String> {
    match db {
        Db::SqlxPg(refresher) => {
            let mut conn = refresher.acquire().await.map_err(|e| e.to_string())?;
            let row = sqlx::query("select current_user::text as u, pg_backend_pid()::text as id")
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| e.to_string())?;
            let _ = sqlx::Connection::close(conn.detach()).await;
            Ok((row.get("u"), row.get("id")))
        }
        Db::SqlxMysql(refresher) => {
            let mut conn = refresher.acquire().await.map_err(|e| e.to_string())?;
            let row = sqlx::query("select cast(current_user() as char) as u, cast(connection_id() as char) as id")
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| e.to_string())?;
            let _ = sqlx::Connection::close(conn.detach()).await;
            Ok((row.get("u"), row.get("id")))
        }
        Db::Deadpool(pool) => {
            let client = pool.get().await.map_err(|e| e.to_string())?;
            let row = client
                .query_one("select current_user::text, pg_backend_pid()::text", &[])
                .await
                .map_err(|e| e.to_string())?;
            let result = (row.get(0), row.get(1));
            drop(deadpool::managed::Object::take(client)); // closes the connection
            Ok(result)
        }
    }
}

fn main() -> ExitCode {
    let driver = env::args().nth(1).unwrap_or_default();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            println!("err runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let db = match open(&driver).await {
            Ok(db) => db,
            Err(e) => {
                println!("err {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("ready");
        // stdin is read on its own thread, so the runtime (and the token refresher) keeps running.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in std::io::stdin().lines() {
                if tx.send(line.unwrap_or_default()).is_err() {
                    break;
                }
            }
        });
        while let Some(line) = rx.recv().await {
            match line.trim() {
                "connect" => match connect_once(&db).await {
                    Ok((user, id)) => println!("ok {user} {id}"),
                    Err(e) => println!("err {}", e.replace('\n', " ")),
                },
                "end" => break,
                other => println!("err unknown command {other}"),
            }
        }
        ExitCode::SUCCESS
    })
}
