//! `create-user-sql`: the SQL that creates database users logging in with IAM tokens.

use auroraiam::{create_user_sql, SqlDialect};

use crate::cli::CreateUserSqlArgs;
use crate::error::CliError;
use crate::input;

/// The SQL for stdout and the warnings for stderr.
pub fn run(args: &CreateUserSqlArgs) -> Result<(String, Vec<String>), CliError> {
    let dialect = SqlDialect::from_name(input::text(&args.dialect, "--dialect")?)?;
    let master = input::opt_text(args.master_user.as_ref(), "--master-user")?;
    let role_arn = input::opt_text(args.role_arn.as_ref(), "--role-arn")?;
    let mut sql = String::new();
    let mut warnings = Vec::new();
    for user in &args.user {
        let created = create_user_sql(dialect, input::text(user, "--user")?, master, role_arn)?;
        sql.push_str(&created.sql());
        warnings.extend(created.warnings);
    }
    Ok((sql, warnings))
}
