//! `policy`: the least-privilege IAM policy for a database, or the explanation of one.

use auroraiam::policy::{explain_policy, ConnectRequest, Decision, PolicyBuilder};
use auroraiam::{parse_token, DbUser, Error, ErrorCode};

use crate::cli::PolicyArgs;
use crate::error::CliError;
use crate::input;

/// What `policy` prints, and the decision when a login was explained.
pub struct Output {
    /// JSON for stdout (ends with a newline).
    pub stdout: String,
    /// `Some` when --explain decided a login.
    pub decision: Option<Decision>,
}

fn texts<'a>(values: &'a [std::ffi::OsString], option: &str) -> Result<Vec<&'a str>, CliError> {
    values.iter().map(|v| input::text(v, option)).collect()
}

fn required<'a>(value: Option<&'a str>, option: &str, what: &str) -> Result<&'a str, CliError> {
    value.ok_or_else(|| CliError::Usage(format!("{option} is required {what}")))
}

/// Runs `policy`.
pub fn run(args: &PolicyArgs) -> Result<Output, CliError> {
    let account = input::opt_text(args.account_id.as_ref(), "--account-id")?;
    let region = input::opt_text(args.region.as_ref(), "--region")?;
    let resource_ids = texts(&args.resource_id, "--resource-id")?;
    let users = texts(&args.user, "--user")?;
    let patterns = texts(&args.user_pattern, "--user-pattern")?;
    let dsql = texts(&args.dsql_hostname, "--dsql-hostname")?;
    if let Some(path) = &args.explain {
        return explain(args, path, account, region, &resource_ids, &users, &patterns, &dsql);
    }
    if args.token.is_some() {
        return Err(CliError::Usage("--token is only used with --explain".into()));
    }
    let account = required(account, "--account-id", "to write a policy")?;
    if resource_ids.is_empty() && dsql.is_empty() {
        return Err(CliError::Usage("give --resource-id (RDS/Aurora/Proxy) or --dsql-hostname (DSQL)".into()));
    }
    let mut builder = PolicyBuilder::new();
    if !resource_ids.is_empty() {
        let region = required(region, "--region", "with --resource-id")?;
        let db_users: Vec<DbUser> = users.iter().map(|u| DbUser::Exact(u)).chain(patterns.iter().map(|p| DbUser::Pattern(p))).collect();
        if db_users.is_empty() {
            return Err(CliError::Usage("give at least one --user or --user-pattern with --resource-id".into()));
        }
        for id in &resource_ids {
            builder.rds_connect(region, account, id, &db_users)?;
        }
    } else if !users.is_empty() || !patterns.is_empty() {
        return Err(CliError::Usage("--user and --user-pattern need --resource-id (DSQL policies name no user)".into()));
    }
    for host in &dsql {
        builder.dsql_connect_hostname(account, host, args.dsql_admin)?;
    }
    Ok(Output { stdout: builder.to_json()?, decision: None })
}

#[allow(clippy::too_many_arguments)]
fn explain(
    args: &PolicyArgs,
    path: &std::path::Path,
    account: Option<&str>,
    region: Option<&str>,
    resource_ids: &[&str],
    users: &[&str],
    patterns: &[&str],
    dsql: &[&str],
) -> Result<Output, CliError> {
    if !patterns.is_empty() || resource_ids.len() > 1 || users.len() > 1 || dsql.len() > 1 {
        return Err(CliError::Usage("--explain decides one login: at most one --resource-id, --user or --dsql-hostname, no --user-pattern".into()));
    }
    let text = input::text_file(path, "policy")?;
    let explanation = explain_policy(&text)?;
    let request = if let Some(token) = &args.token {
        let token = input::text(token, "--token")?;
        let parsed = parse_token(token)?;
        let account = required(account, "--account-id", "with --token")?;
        Some(ConnectRequest::from_token(&parsed, account, resource_ids.first().copied())?)
    } else if let Some(host) = dsql.first() {
        let account = required(account, "--account-id", "to decide a login")?;
        let (cluster, host_region) = auroraiam::policy::dsql_cluster_from_hostname(host)?;
        Some(ConnectRequest::dsql(region.unwrap_or(&host_region), account, &cluster, args.dsql_admin)?)
    } else if !users.is_empty() || !resource_ids.is_empty() || account.is_some() {
        let account = required(account, "--account-id", "to decide a login")?;
        let region = required(region, "--region", "to decide a login")?;
        let user = required(users.first().copied(), "--user", "to decide a login")?;
        let Some(id) = resource_ids.first() else {
            return Err(Error::new(ErrorCode::InvalidResourceId, "--resource-id is required to decide a login (db-…, cluster-…, prx-…)").into());
        };
        Some(ConnectRequest::rds(region, account, id, user)?)
    } else {
        None
    };
    let decision = request.map(|r| explanation.evaluate(&r));
    Ok(Output { stdout: explanation.to_json(decision.as_ref()), decision })
}
