//! Handing a token to a database client: a libpq / MySQL connection URI or a JDBC URL with the
//! token percent-encoded, and shell variable assignments (`PGPASSWORD=…`, `MYSQL_PWD=…`) with
//! every value single-quoted for POSIX shells.
//!
//! The token is a bearer credential, so everything built here that holds it comes back in a
//! [`Zeroizing`] string.

use zeroize::Zeroizing;

use crate::encoding::push_encoded;
use crate::error::{Error, ErrorCode, Result};
use crate::request::{TokenKind, TokenRequest};

/// The database protocol a connection string is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// PostgreSQL (Aurora PostgreSQL, RDS for PostgreSQL, Aurora DSQL): libpq's `postgresql://`.
    Postgresql,
    /// MySQL / MariaDB (Aurora MySQL, RDS for MySQL / MariaDB): `mysql://`.
    Mysql,
}

impl Engine {
    /// Stable lower-case name: `postgresql` or `mysql`.
    pub const fn name(self) -> &'static str {
        match self {
            Engine::Postgresql => "postgresql",
            Engine::Mysql => "mysql",
        }
    }

    /// Looks an engine up by name: `postgresql` (or `postgres`, `pg`), `mysql` (or `mariadb`).
    pub fn from_name(name: &str) -> Option<Engine> {
        match name {
            "postgresql" | "postgres" | "pg" => Some(Engine::Postgresql),
            "mysql" | "mariadb" => Some(Engine::Mysql),
            _ => None,
        }
    }

    /// The engine of a token request when it can be told without asking: DSQL speaks the
    /// PostgreSQL protocol; an RDS token for port 5432 is PostgreSQL, for 3306 MySQL. Any other
    /// port is `INVALID_ARGUMENT` (the caller must name the engine).
    pub fn of_request(request: &TokenRequest<'_>) -> Result<Engine> {
        match (request.kind(), request.port()) {
            (TokenKind::Dsql | TokenKind::DsqlAdmin, _) => Ok(Engine::Postgresql),
            (TokenKind::Rds, Some(5432)) => Ok(Engine::Postgresql),
            (TokenKind::Rds, Some(3306)) => Ok(Engine::Mysql),
            (TokenKind::Rds, port) => Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "cannot tell the database engine from port {}: name it (postgresql or mysql)",
                    port.map_or_else(|| "none".to_string(), |p| p.to_string())
                ),
            )),
        }
    }
}

/// Where and as whom a client connects with the token, taken from the token request.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionTarget<'a> {
    /// The protocol.
    pub engine: Engine,
    /// The endpoint the token was signed for.
    pub hostname: &'a str,
    /// The port; `None` for DSQL (the client's default, 5432).
    pub port: Option<u16>,
    /// The database user: the request's user for RDS, `admin` for a DSQL admin token, `None`
    /// for a DSQL non-admin token (its role name is not part of the token).
    pub username: Option<&'a str>,
    /// The database to open; `None` leaves it to the client (libpq: the user name), except for
    /// DSQL, whose only database is `postgres`.
    pub dbname: Option<&'a str>,
}

impl<'a> ConnectionTarget<'a> {
    /// The target of `request` for `engine` (see [`Engine::of_request`]) and database `dbname`.
    pub fn of_request(request: &TokenRequest<'a>, engine: Engine, dbname: Option<&'a str>) -> ConnectionTarget<'a> {
        let (username, dbname) = match request.kind() {
            TokenKind::Rds => (request.username(), dbname),
            TokenKind::DsqlAdmin => (Some("admin"), dbname.or(Some("postgres"))),
            TokenKind::Dsql => (None, dbname.or(Some("postgres"))),
        };
        ConnectionTarget { engine, hostname: request.hostname(), port: request.port(), username, dbname }
    }

    fn user(&self, format: &str) -> Result<&'a str> {
        self.username.ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "a DSQL token for a custom role does not name the role, so a {format} cannot be built: \
                     print the token alone and give the role name to the client"
                ),
            )
        })
    }
}

/// A connection URI holding the token as the password, every component percent-encoded
/// (RFC 3986 unreserved characters kept):
///
/// * PostgreSQL (libpq, psycopg, asyncpg, node-postgres, SQLAlchemy's `postgresql://`):
///   `postgresql://USER:TOKEN@HOST:PORT/DBNAME?sslmode=require`
/// * MySQL (MySQL Shell, mysql2, SQLAlchemy's `mysql://`):
///   `mysql://USER:TOKEN@HOST:PORT/DBNAME?ssl-mode=REQUIRED`
///
/// TLS is required because IAM authentication needs it (and a MySQL token travels as a
/// cleartext password). `INVALID_ARGUMENT` for a DSQL non-admin token (no user name).
pub fn connection_uri(target: &ConnectionTarget<'_>, token: &str) -> Result<Zeroizing<String>> {
    let user = target.user("connection URI")?;
    let mut out = Zeroizing::new(String::with_capacity(token.len() * 3 + 128));
    out.push_str(target.engine.name());
    out.push_str("://");
    push_encoded(&mut out, user);
    out.push(':');
    push_encoded(&mut out, token);
    out.push('@');
    push_host_port_db(&mut out, target);
    out.push_str(match target.engine {
        Engine::Postgresql => "?sslmode=require",
        Engine::Mysql => "?ssl-mode=REQUIRED",
    });
    Ok(out)
}

/// A JDBC URL with user and token as query parameters, percent-encoded:
///
/// * PostgreSQL (pgJDBC): `jdbc:postgresql://HOST:PORT/DBNAME?user=USER&password=TOKEN&sslmode=require`
/// * MySQL (Connector/J): `jdbc:mysql://HOST:PORT/DBNAME?user=USER&password=TOKEN&sslMode=REQUIRED`
///
/// `INVALID_ARGUMENT` for a DSQL non-admin token (no user name).
pub fn jdbc_url(target: &ConnectionTarget<'_>, token: &str) -> Result<Zeroizing<String>> {
    let user = target.user("JDBC URL")?;
    let mut out = Zeroizing::new(String::with_capacity(token.len() * 3 + 128));
    out.push_str("jdbc:");
    out.push_str(target.engine.name());
    out.push_str("://");
    push_host_port_db(&mut out, target);
    out.push_str("?user=");
    push_encoded(&mut out, user);
    out.push_str("&password=");
    push_encoded(&mut out, token);
    out.push_str(match target.engine {
        Engine::Postgresql => "&sslmode=require",
        Engine::Mysql => "&sslMode=REQUIRED",
    });
    Ok(out)
}

/// `HOST[:PORT]/[DBNAME]`, the database percent-encoded. The hostname was validated by the
/// request (a DNS name or IPv4 literal), so it needs no escaping.
fn push_host_port_db(out: &mut String, target: &ConnectionTarget<'_>) {
    out.push_str(target.hostname);
    if let Some(port) = target.port {
        out.push(':');
        out.push_str(&port.to_string());
    }
    out.push('/');
    if let Some(db) = target.dbname {
        push_encoded(out, db);
    }
}

/// The environment variables a client reads its connection settings from, with the token as
/// the password:
///
/// * PostgreSQL (libpq: psql, pg_dump, psycopg, …): `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`
///   (when known) and `PGPASSWORD`;
/// * MySQL / MariaDB clients: `MYSQL_HOST`, `MYSQL_TCP_PORT` and `MYSQL_PWD` (the clients take
///   the user from `--user` only).
///
/// A variable whose value is unknown (DSQL non-admin user, no database) is left out.
pub fn environment(target: &ConnectionTarget<'_>, token: &str) -> Vec<(&'static str, Zeroizing<String>)> {
    let mut vars: Vec<(&'static str, Zeroizing<String>)> = Vec::with_capacity(5);
    let port = target.port.map(|p| Zeroizing::new(p.to_string()));
    match target.engine {
        Engine::Postgresql => {
            vars.push(("PGHOST", Zeroizing::new(target.hostname.to_string())));
            if let Some(port) = port {
                vars.push(("PGPORT", port));
            }
            if let Some(user) = target.username {
                vars.push(("PGUSER", Zeroizing::new(user.to_string())));
            }
            if let Some(db) = target.dbname {
                vars.push(("PGDATABASE", Zeroizing::new(db.to_string())));
            }
            vars.push(("PGPASSWORD", Zeroizing::new(token.to_string())));
        }
        Engine::Mysql => {
            vars.push(("MYSQL_HOST", Zeroizing::new(target.hostname.to_string())));
            if let Some(port) = port {
                vars.push(("MYSQL_TCP_PORT", port));
            }
            vars.push(("MYSQL_PWD", Zeroizing::new(token.to_string())));
        }
    }
    vars
}

/// [`environment`] as POSIX shell lines, `NAME='value'` (with `export ` in front when `export`),
/// one per variable, each ending in `\n`: `eval "$(…)"` in sh, bash, dash or zsh sets exactly
/// these values.
pub fn shell_assignments(target: &ConnectionTarget<'_>, token: &str, export: bool) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(token.len() + 256));
    for (name, value) in environment(target, token) {
        if export {
            out.push_str("export ");
        }
        out.push_str(name);
        out.push('=');
        push_shell_quoted(&mut out, &value);
        out.push('\n');
    }
    out
}

/// `value` single-quoted for a POSIX shell: `'…'`, each `'` written as `'\''`. The result is one
/// word whose value is exactly `value`, whatever it contains (`$`, `` ` ``, `\`, `"`, newlines).
pub fn shell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    push_shell_quoted(&mut out, value);
    out
}

fn push_shell_quoted(out: &mut String, value: &str) {
    out.push('\'');
    for (i, part) in value.split('\'').enumerate() {
        if i > 0 {
            out.push_str("'\\''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::percent_decode;

    const HOST: &str = "mydb.cluster-abc.us-east-1.rds.amazonaws.com";
    // Shaped like a real token: every character a token can hold that a URI must escape.
    const TOKEN: &str = "mydb.cluster-abc.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=app%2Buser%40x\
                         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261126%2Fus-east-1%2Frds-db%2Faws4_request\
                         &X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2B%2F%3D%3D&X-Amz-Signature=0123abcd";

    fn rds(port: u16, user: &'static str) -> TokenRequest<'static> {
        TokenRequest::rds(HOST, port, user).build().unwrap()
    }

    /// Splits `scheme://user:password@rest` the way a URI parser does (userinfo ends at the
    /// last `@` before the path; the password at the first `:`).
    fn userinfo(uri: &str) -> (String, String, String) {
        let rest = uri.split_once("://").unwrap().1;
        let (info, after) = rest.split_once('@').unwrap();
        assert!(!after.contains('@'), "an unescaped @ after the userinfo: {uri}");
        let (user, pass) = info.split_once(':').unwrap();
        (percent_decode(user).unwrap(), percent_decode(pass).unwrap(), after.to_string())
    }

    #[test]
    fn engine_from_port_kind_and_name() {
        assert_eq!(Engine::of_request(&rds(5432, "u")).unwrap(), Engine::Postgresql);
        assert_eq!(Engine::of_request(&rds(3306, "u")).unwrap(), Engine::Mysql);
        let e = Engine::of_request(&rds(6543, "u")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert!(e.message().contains("port 6543"), "{e}");
        let dsql = TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", true).build().unwrap();
        assert_eq!(Engine::of_request(&dsql).unwrap(), Engine::Postgresql);
        for (name, engine) in [("postgresql", Engine::Postgresql), ("pg", Engine::Postgresql), ("mariadb", Engine::Mysql)] {
            assert_eq!(Engine::from_name(name), Some(engine));
        }
        assert_eq!(Engine::from_name("oracle"), None);
        assert_eq!(Engine::from_name(Engine::Mysql.name()), Some(Engine::Mysql));
    }

    #[test]
    fn postgres_uri_percent_encodes_user_token_and_database() {
        let request = rds(5432, "app+user@x");
        let target = ConnectionTarget::of_request(&request, Engine::Postgresql, Some("my db/1"));
        let uri = connection_uri(&target, TOKEN).unwrap();
        assert!(uri.starts_with("postgresql://app%2Buser%40x:"), "{}", *uri);
        assert!(uri.ends_with(&format!("@{HOST}:5432/my%20db%2F1?sslmode=require")), "{}", *uri);
        let (user, pass, _) = userinfo(&uri);
        assert_eq!((user.as_str(), pass.as_str()), ("app+user@x", TOKEN));
        // Only unreserved characters and escapes between "://" and the host.
        let info = &uri["postgresql://".len()..uri.rfind('@').unwrap()];
        assert!(info.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%:".contains(&b)), "{info}");
        assert_eq!(info.matches(':').count(), 1);
    }

    #[test]
    fn mysql_uri_and_no_database() {
        let request = rds(3306, "o'brien");
        let target = ConnectionTarget::of_request(&request, Engine::Mysql, None);
        let uri = connection_uri(&target, TOKEN).unwrap();
        assert!(uri.starts_with("mysql://o%27brien:"), "{}", *uri);
        assert!(uri.ends_with(&format!("@{HOST}:3306/?ssl-mode=REQUIRED")), "{}", *uri);
        assert_eq!(userinfo(&uri).1, TOKEN);
    }

    #[test]
    fn jdbc_urls() {
        let request = rds(5432, "app_user");
        let pg = jdbc_url(&ConnectionTarget::of_request(&request, Engine::Postgresql, Some("app")), TOKEN).unwrap();
        let prefix = format!("jdbc:postgresql://{HOST}:5432/app?user=app_user&password=");
        assert!(pg.starts_with(&prefix), "{}", *pg);
        let password = pg[prefix.len()..].strip_suffix("&sslmode=require").unwrap();
        assert!(!password.contains('&') && !password.contains('='), "{password}");
        assert_eq!(percent_decode(password).unwrap(), TOKEN);
        let request = rds(3306, "app_user");
        let my = jdbc_url(&ConnectionTarget::of_request(&request, Engine::Mysql, None), TOKEN).unwrap();
        assert!(my.starts_with(&format!("jdbc:mysql://{HOST}:3306/?user=app_user&password=")), "{}", *my);
        assert!(my.ends_with("&sslMode=REQUIRED"), "{}", *my);
    }

    #[test]
    fn dsql_targets() {
        let host = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
        let admin = TokenRequest::dsql(host, true).build().unwrap();
        let target = ConnectionTarget::of_request(&admin, Engine::Postgresql, None);
        let uri = connection_uri(&target, "tok").unwrap();
        assert_eq!(*uri, format!("postgresql://admin:tok@{host}/postgres?sslmode=require"));
        let env = shell_assignments(&target, "tok", false);
        assert_eq!(*env, format!("PGHOST='{host}'\nPGUSER='admin'\nPGDATABASE='postgres'\nPGPASSWORD='tok'\n"));

        // A custom role's token does not say the role: no URI, and no PGUSER in the environment.
        let role = TokenRequest::dsql(host, false).build().unwrap();
        let target = ConnectionTarget::of_request(&role, Engine::Postgresql, None);
        for e in [connection_uri(&target, "tok").unwrap_err(), jdbc_url(&target, "tok").unwrap_err()] {
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
            assert!(e.message().contains("role"), "{e}");
        }
        let names: Vec<_> = environment(&target, "tok").into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["PGHOST", "PGDATABASE", "PGPASSWORD"]);
    }

    #[test]
    fn environment_lines_per_engine() {
        let request = rds(5432, "app_user");
        let target = ConnectionTarget::of_request(&request, Engine::Postgresql, Some("app"));
        assert_eq!(
            *shell_assignments(&target, TOKEN, true),
            format!(
                "export PGHOST='{HOST}'\nexport PGPORT='5432'\nexport PGUSER='app_user'\nexport PGDATABASE='app'\n\
                 export PGPASSWORD='{TOKEN}'\n"
            )
        );
        let request = rds(3306, "app_user");
        let target = ConnectionTarget::of_request(&request, Engine::Mysql, None);
        assert_eq!(
            *shell_assignments(&target, TOKEN, false),
            format!("MYSQL_HOST='{HOST}'\nMYSQL_TCP_PORT='3306'\nMYSQL_PWD='{TOKEN}'\n")
        );
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("plain"), "'plain'");
        assert_eq!(shell_quote("o'brien"), "'o'\\''brien'");
        assert_eq!(shell_quote("''"), "''\\'''\\'''");
        assert_eq!(shell_quote("$HOME `id` \\ \"x\"\n"), "'$HOME `id` \\ \"x\"\n'");
    }

    /// The quoted words evaluate back to the exact values in a real POSIX shell.
    #[test]
    fn shell_round_trip() {
        let Ok(sh) = std::process::Command::new("sh").arg("-c").arg("true").status() else { return };
        assert!(sh.success());
        for value in ["o'brien", "a b", "$(echo pwned)", "`x`", "back\\slash", "new\nline", "'", "%2F&=?", "é"] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("v={}; printf %s \"$v\"", shell_quote(value)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), value);
        }
    }
}
