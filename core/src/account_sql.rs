//! The SQL that creates a database account which logs in with IAM tokens, as AWS documents it
//! for each engine, with the name quoted so no value can break out of its identifier:
//!
//! | dialect | statements |
//! |---|---|
//! | PostgreSQL (RDS, Aurora) | `CREATE USER "u"; GRANT rds_iam TO "u";` |
//! | MySQL / MariaDB (RDS, Aurora) | ``CREATE USER `u`@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;`` |
//! | Aurora DSQL | `CREATE ROLE "u" WITH LOGIN; AWS IAM GRANT "u" TO '<role arn>';` |

use crate::error::{quoted, Error, ErrorCode, Result};
use crate::policy::validate_iam_role_arn;

/// The SQL dialect (engine) to write for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlDialect {
    /// RDS / Aurora PostgreSQL (`rds_iam` role).
    Postgresql,
    /// RDS / Aurora MySQL (`AWSAuthenticationPlugin`; user names up to 32 characters).
    Mysql,
    /// RDS MariaDB (`AWSAuthenticationPlugin`; user names up to 80 characters).
    Mariadb,
    /// Aurora DSQL (`AWS IAM GRANT` to an IAM role).
    Dsql,
}

impl SqlDialect {
    /// Every dialect.
    pub const ALL: [SqlDialect; 4] = [SqlDialect::Postgresql, SqlDialect::Mysql, SqlDialect::Mariadb, SqlDialect::Dsql];

    /// `postgresql`, `mysql`, `mariadb` or `dsql`.
    pub const fn name(self) -> &'static str {
        match self {
            SqlDialect::Postgresql => "postgresql",
            SqlDialect::Mysql => "mysql",
            SqlDialect::Mariadb => "mariadb",
            SqlDialect::Dsql => "dsql",
        }
    }

    /// Parses a dialect name (`postgresql`, `postgres`, `pg`, `mysql`, `mariadb`, `dsql`;
    /// case-insensitive); `INVALID_ARGUMENT` otherwise.
    pub fn from_name(name: &str) -> Result<SqlDialect> {
        match name.to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" | "pg" => Ok(SqlDialect::Postgresql),
            "mysql" => Ok(SqlDialect::Mysql),
            "mariadb" => Ok(SqlDialect::Mariadb),
            "dsql" => Ok(SqlDialect::Dsql),
            _ => Err(Error::new(
                ErrorCode::InvalidArgument,
                format!("dialect {} is not postgresql, mysql, mariadb or dsql", quoted(name)),
            )),
        }
    }
}

/// The statements, and warnings the caller should read before running them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateUserSql {
    /// Each statement, ending with `;`.
    pub statements: Vec<String>,
    /// Things that will surprise you (e.g. the master user losing its password login).
    pub warnings: Vec<String>,
}

impl CreateUserSql {
    /// The statements, one per line, with a trailing newline (ready for `psql` / `mariadb`).
    pub fn sql(&self) -> String {
        let mut s = self.statements.join("\n");
        s.push('\n');
        s
    }
}

/// A PostgreSQL / DSQL quoted identifier: `"` doubled. Nothing else is special inside.
fn pg_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A PostgreSQL string literal (standard_conforming_strings, the default since 9.1): `'` doubled.
fn pg_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A MySQL / MariaDB backtick-quoted name: `` ` `` doubled; backslashes are literal inside
/// backticks whatever `sql_mode` says (unlike in '…' strings, where NO_BACKSLASH_ESCAPES
/// changes their meaning).
fn mysql_identifier(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

fn bad_name(dialect: SqlDialect, user: &str, why: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::InvalidUsername, format!("{} user name {} {why}", dialect.name(), quoted(user)))
}

fn check_name(dialect: SqlDialect, user: &str) -> Result<()> {
    if user.is_empty() {
        return Err(bad_name(dialect, user, "is empty"));
    }
    if user.contains('\0') {
        return Err(bad_name(dialect, user, "contains a NUL character, which no database accepts in a name"));
    }
    if user.chars().any(char::is_control) {
        return Err(bad_name(dialect, user, "contains a control character (newline, tab, …)"));
    }
    match dialect {
        SqlDialect::Postgresql | SqlDialect::Dsql => {
            // NAMEDATALEN - 1: longer names are silently truncated, and the token's user would
            // then no longer be the role's name.
            if user.len() > 63 {
                return Err(bad_name(dialect, user, format!("is {} bytes long; PostgreSQL truncates names to 63 bytes", user.len())));
            }
            if user.starts_with("pg_") || user == "public" || user == "none" {
                return Err(bad_name(dialect, user, "is reserved by PostgreSQL (public, none and names starting with pg_)"));
            }
        }
        SqlDialect::Mysql | SqlDialect::Mariadb => {
            let max = if dialect == SqlDialect::Mysql { 32 } else { 80 };
            let chars = user.chars().count();
            if chars > max {
                return Err(bad_name(dialect, user, format!("is {chars} characters long; at most {max} are allowed")));
            }
            if user.chars().any(|c| c as u32 > 0xFFFF) {
                return Err(bad_name(dialect, user, "has a character outside the Basic Multilingual Plane (emoji…), which account names cannot hold"));
            }
            if user.ends_with(' ') {
                return Err(bad_name(dialect, user, "ends with a space, which the server drops from account names"));
            }
        }
    }
    Ok(())
}

/// The SQL that creates database account `user` logging in with IAM tokens.
///
/// `master_user`: the instance's master user name, if known. When `user` is the master user
/// the SQL changes the existing account (no `CREATE`) and a warning says that IAM then takes
/// precedence over its password. `role_arn`: DSQL only (required there): the IAM role allowed
/// to log in as `user`. Errors: `INVALID_USERNAME` (empty, NUL or control character, too long
/// for the engine, reserved), `INVALID_ARN` / `INVALID_ACCOUNT_ID` (role ARN),
/// `INVALID_ARGUMENT` (a role ARN missing for DSQL or given for another dialect).
pub fn create_user_sql(dialect: SqlDialect, user: &str, master_user: Option<&str>, role_arn: Option<&str>) -> Result<CreateUserSql> {
    check_name(dialect, user)?;
    match (dialect, role_arn) {
        (SqlDialect::Dsql, None) => {
            return Err(Error::new(ErrorCode::InvalidArgument, "dsql needs the IAM role ARN the role is granted to (arn:aws:iam::<account>:role/<name>)"))
        }
        (SqlDialect::Dsql, Some(arn)) => validate_iam_role_arn(arn)?,
        (_, Some(_)) => {
            return Err(Error::new(ErrorCode::InvalidArgument, format!("a role ARN is only used by dsql, not {}", dialect.name())))
        }
        (_, None) => {}
    }
    let is_master = master_user.is_some_and(|m| m == user);
    let mut warnings = Vec::new();
    let statements = match dialect {
        SqlDialect::Postgresql => {
            let id = pg_identifier(user);
            if is_master {
                warnings.push(format!(
                    "{} is the master user: once it is a member of rds_iam, IAM takes precedence and its password no longer \
                     logs in (over TLS); keep another user with a password for emergencies",
                    quoted(user)
                ));
                vec![format!("GRANT rds_iam TO {id};")]
            } else {
                if master_user.is_none() && user == "postgres" {
                    warnings.push(
                        "\"postgres\" is the default master user name: if it is this instance's master user, IAM takes \
                         precedence over its password once it is in rds_iam (pass the master user name to be sure)"
                            .to_string(),
                    );
                }
                vec![format!("CREATE USER {id};"), format!("GRANT rds_iam TO {id};")]
            }
        }
        SqlDialect::Mysql | SqlDialect::Mariadb => {
            let account = format!("{}@'%'", mysql_identifier(user));
            let verb = if is_master {
                warnings.push(format!(
                    "{} is the master user: this switches it to IAM authentication and its password stops working; \
                     RDS recommends a separate user for IAM (reset the master password in the console to undo)",
                    quoted(user)
                ));
                "ALTER"
            } else {
                "CREATE"
            };
            vec![format!("{verb} USER {account} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;")]
        }
        SqlDialect::Dsql => {
            if user == "admin" {
                warnings.push("\"admin\" exists in every DSQL cluster; log in to it with an admin token (dsql:DbConnectAdmin) instead".to_string());
            }
            let id = pg_identifier(user);
            vec![
                format!("CREATE ROLE {id} WITH LOGIN;"),
                format!("AWS IAM GRANT {id} TO {};", pg_literal(role_arn.unwrap_or_default())),
            ]
        }
    };
    Ok(CreateUserSql { statements, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(dialect: SqlDialect, user: &str) -> String {
        create_user_sql(dialect, user, None, (dialect == SqlDialect::Dsql).then_some("arn:aws:iam::123456789012:role/app")).unwrap().sql()
    }

    #[test]
    fn each_dialect() {
        assert_eq!(sql(SqlDialect::Postgresql, "app_user"), "CREATE USER \"app_user\";\nGRANT rds_iam TO \"app_user\";\n");
        assert_eq!(
            sql(SqlDialect::Mysql, "app_user"),
            "CREATE USER `app_user`@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;\n"
        );
        assert_eq!(sql(SqlDialect::Mariadb, "app_user"), sql(SqlDialect::Mysql, "app_user"));
        assert_eq!(
            sql(SqlDialect::Dsql, "app_user"),
            "CREATE ROLE \"app_user\" WITH LOGIN;\nAWS IAM GRANT \"app_user\" TO 'arn:aws:iam::123456789012:role/app';\n"
        );
    }

    #[test]
    fn hostile_names_stay_inside_their_quotes() {
        let hostile = ["o'brien", "a\"b", "x`y", "back\\slash", "end*/ /*x", "sp ace", "ünï©ødé", "\"; DROP TABLE t; --", "`; DROP TABLE t; --"];
        for name in hostile {
            let pg = sql(SqlDialect::Postgresql, name);
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            assert_eq!(pg, format!("CREATE USER {quoted};\nGRANT rds_iam TO {quoted};\n"), "{name}");
            // Every quote inside is doubled: removing the doubled pairs leaves exactly the delimiters.
            assert_eq!(quoted.replace("\"\"", "").matches('"').count(), 2);
            let my = sql(SqlDialect::Mysql, name);
            let ticked = format!("`{}`", name.replace('`', "``"));
            assert!(my.starts_with(&format!("CREATE USER {ticked}@'%' ")), "{my}");
            assert_eq!(ticked.replace("``", "").matches('`').count(), 2);
        }
    }

    #[test]
    fn names_no_engine_can_hold_are_errors() {
        let code = |d, u: &str| create_user_sql(d, u, None, (d == SqlDialect::Dsql).then_some("arn:aws:iam::123456789012:role/a")).unwrap_err();
        for d in SqlDialect::ALL {
            for bad in ["", "a\0b", "a\nb"] {
                assert_eq!(code(d, bad).code(), ErrorCode::InvalidUsername, "{d:?} {bad:?}");
            }
        }
        assert!(code(SqlDialect::Postgresql, &"x".repeat(64)).message().contains("63 bytes"));
        assert!(code(SqlDialect::Postgresql, &"é".repeat(32)).message().contains("63 bytes"));
        assert!(code(SqlDialect::Postgresql, "pg_app").message().contains("reserved"));
        assert!(code(SqlDialect::Dsql, "public").message().contains("reserved"));
        assert!(code(SqlDialect::Mysql, &"x".repeat(33)).message().contains("32"));
        create_user_sql(SqlDialect::Mariadb, &"x".repeat(80), None, None).unwrap();
        assert!(code(SqlDialect::Mariadb, &"x".repeat(81)).message().contains("80"));
        assert!(code(SqlDialect::Mysql, "emoji😀").message().contains("Basic Multilingual Plane"));
        assert!(code(SqlDialect::Mysql, "trailing ").message().contains("ends with a space"));
    }

    #[test]
    fn role_arns_and_dialect_names() {
        let e = create_user_sql(SqlDialect::Dsql, "app", None, None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        let e = create_user_sql(SqlDialect::Dsql, "app", None, Some("arn:aws:iam::123456789012:role/x'y")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArn);
        let e = create_user_sql(SqlDialect::Postgresql, "app", None, Some("arn:aws:iam::123456789012:role/x")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert_eq!(SqlDialect::from_name("PG").unwrap(), SqlDialect::Postgresql);
        assert_eq!(SqlDialect::from_name("MariaDB").unwrap(), SqlDialect::Mariadb);
        assert_eq!(SqlDialect::from_name("oracle").unwrap_err().code(), ErrorCode::InvalidArgument);
        for d in SqlDialect::ALL {
            assert_eq!(SqlDialect::from_name(d.name()).unwrap(), d);
        }
    }

    #[test]
    fn master_user_warnings() {
        let r = create_user_sql(SqlDialect::Postgresql, "admin", Some("admin"), None).unwrap();
        assert_eq!(r.sql(), "GRANT rds_iam TO \"admin\";\n");
        assert!(r.warnings[0].contains("IAM takes precedence"));
        let r = create_user_sql(SqlDialect::Postgresql, "app", Some("admin"), None).unwrap();
        assert!(r.warnings.is_empty());
        assert_eq!(r.statements.len(), 2);
        let r = create_user_sql(SqlDialect::Postgresql, "postgres", None, None).unwrap();
        assert!(r.warnings[0].contains("default master user"));
        let r = create_user_sql(SqlDialect::Mysql, "admin", Some("admin"), None).unwrap();
        assert!(r.sql().starts_with("ALTER USER `admin`@'%' IDENTIFIED WITH AWSAuthenticationPlugin"));
        assert!(r.warnings[0].contains("master user"));
        let r = create_user_sql(SqlDialect::Dsql, "admin", None, Some("arn:aws:iam::123456789012:role/a")).unwrap();
        assert!(r.warnings[0].contains("admin token"));
    }
}
