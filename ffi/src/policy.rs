//! IAM policy and database account helpers: least-privilege policies, explaining a policy, and
//! the SQL that creates an IAM-authenticated database user. Strings returned here are freed
//! with `auroraiam_token_free()`.

use std::ffi::c_char;

use auroraiam::policy::{dsql_connect_policy, explain_policy_json, rds_connect_policy, ConnectRequest, DbUser};
use auroraiam::{create_user_sql, SqlDialect};

use crate::call::call;
use crate::ptr::{opt_str_arg, str_arg, str_array_arg, token_into_raw, Out};
use crate::result::auroraiam_result;

/// The least-privilege identity policy (JSON) allowing `rds-db:connect` to each database in
/// `resource_ids` (`db-…` instance, `cluster-…` Aurora cluster or `prx-…` RDS Proxy resource
/// ids, not names) in `region` of account `account_id`, as each of `users` (exact names) and
/// `user_patterns` (IAM wildcards `*` and `?`). One `Allow` statement; duplicates removed.
///
/// On success stores a new NUL-terminated string in `*policy_out` (free it with
/// `auroraiam_token_free()`). Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_REGION`,
/// `INVALID_ACCOUNT_ID`, `INVALID_RESOURCE_ID`, `INVALID_USERNAME`, `INVALID_ARGUMENT` (no
/// resource id, or no user and no pattern). Arrays may be NULL when their length is 0.
///
/// # Safety
/// Strings are NULL or NUL-terminated; each array is NULL or holds its length of such
/// strings; `policy_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_rds_connect_policy(
    region: *const c_char,
    account_id: *const c_char,
    resource_ids: *const *const c_char,
    resource_ids_len: usize,
    users: *const *const c_char,
    users_len: usize,
    user_patterns: *const *const c_char,
    user_patterns_len: usize,
    policy_out: *mut *mut c_char,
) -> auroraiam_result {
    call("auroraiam_rds_connect_policy", || {
        // SAFETY: the caller's contract above.
        let (region, account_id) = unsafe { (str_arg(region, "region")?, str_arg(account_id, "account_id")?) };
        // SAFETY: the caller's contract above.
        let ids = unsafe { str_array_arg(resource_ids, resource_ids_len, "resource_ids") }?;
        // SAFETY: the caller's contract above.
        let exact = unsafe { str_array_arg(users, users_len, "users") }?;
        // SAFETY: the caller's contract above.
        let patterns = unsafe { str_array_arg(user_patterns, user_patterns_len, "user_patterns") }?;
        let out = Out::new(policy_out, "policy_out")?;
        let db_users: Vec<DbUser> = exact.iter().map(|u| DbUser::Exact(u)).chain(patterns.iter().map(|p| DbUser::Pattern(p))).collect();
        let policy = rds_connect_policy(region, account_id, &ids, &db_users)?;
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(token_into_raw(&policy)) };
        Ok(())
    })
}

/// The least-privilege identity policy (JSON) allowing `dsql:DbConnect` (with `admin`:
/// `dsql:DbConnectAdmin`) on one Aurora DSQL cluster: `cluster` is its endpoint name (cluster
/// id and region taken from it) or, with a non-NULL `region`, its cluster id.
///
/// On success stores a new string in `*policy_out` (free it with `auroraiam_token_free()`).
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_HOSTNAME`, `INVALID_REGION`,
/// `INVALID_ACCOUNT_ID`, `INVALID_RESOURCE_ID`.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `policy_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_dsql_connect_policy(
    account_id: *const c_char,
    cluster: *const c_char,
    region: *const c_char,
    admin: bool,
    policy_out: *mut *mut c_char,
) -> auroraiam_result {
    call("auroraiam_dsql_connect_policy", || {
        // SAFETY: the caller's contract above.
        let (account_id, cluster, region) =
            unsafe { (str_arg(account_id, "account_id")?, str_arg(cluster, "cluster")?, opt_str_arg(region, "region")?) };
        let out = Out::new(policy_out, "policy_out")?;
        let policy = dsql_connect_policy(account_id, &[cluster], region, admin)?;
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(token_into_raw(&policy)) };
        Ok(())
    })
}

/// Explains an identity policy: which (action, resource, user) grants it holds for
/// `rds-db:connect`, `dsql:DbConnect` and `dsql:DbConnectAdmin`, and notes on parts that can
/// never match (a cluster identifier where the resource id belongs, a bad region or account,
/// an `rds` ARN instead of `rds-db`) or cannot be evaluated offline (`Condition`, policy
/// variables, `NotAction`, `NotResource`). With a non-NULL `account_id` it also decides the
/// `rds-db:connect` login as `user` to `resource_id` in `region` (all then required): the
/// JSON gains a `decision` object (`allowed`, `outcome`, `reason`). The JSON fields are
/// documented in docs/cli.md (`policy --explain`).
///
/// On success stores a new string in `*json_out` (free it with `auroraiam_token_free()`).
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_POLICY` (not JSON, or an element IAM
/// would refuse), and for the login `INVALID_REGION`, `INVALID_ACCOUNT_ID`,
/// `INVALID_RESOURCE_ID`, `INVALID_USERNAME`.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_explain_policy(
    policy_json: *const c_char,
    region: *const c_char,
    account_id: *const c_char,
    resource_id: *const c_char,
    user: *const c_char,
    json_out: *mut *mut c_char,
) -> auroraiam_result {
    call("auroraiam_explain_policy", || {
        // SAFETY: the caller's contract above.
        let policy = unsafe { str_arg(policy_json, "policy_json") }?;
        // SAFETY: the caller's contract above.
        let account = unsafe { opt_str_arg(account_id, "account_id") }?;
        let out = Out::new(json_out, "json_out")?;
        let request = match account {
            None => None,
            // SAFETY: the caller's contract above.
            Some(account) => Some(unsafe {
                ConnectRequest::rds(str_arg(region, "region")?, account, str_arg(resource_id, "resource_id")?, str_arg(user, "user")?)?
            }),
        };
        let json = explain_policy_json(policy, request.as_ref())?;
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(token_into_raw(&json)) };
        Ok(())
    })
}

/// The SQL that creates database user `user` logging in with IAM tokens, for `dialect`
/// (`"postgresql"`, `"mysql"`, `"mariadb"`, `"dsql"`), every name quoted for the dialect.
/// `master_user` (NULL: unknown) makes the SQL change the existing master user, with a
/// warning; `role_arn` is required for `dsql` and refused otherwise.
///
/// On success stores the statements (one per line) in `*sql_out` and, if `warnings_out` is
/// not NULL, the warnings (one per line; empty when none) in `*warnings_out`; free both with
/// `auroraiam_token_free()`. Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_USERNAME` (empty,
/// NUL or control character, too long, reserved), `INVALID_ARN`, `INVALID_ACCOUNT_ID`,
/// `INVALID_ARGUMENT` (unknown dialect, role ARN missing or misplaced).
///
/// # Safety
/// Strings are NULL or NUL-terminated; `sql_out` is NULL or writable; `warnings_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_create_user_sql(
    dialect: *const c_char,
    user: *const c_char,
    master_user: *const c_char,
    role_arn: *const c_char,
    sql_out: *mut *mut c_char,
    warnings_out: *mut *mut c_char,
) -> auroraiam_result {
    call("auroraiam_create_user_sql", || {
        // SAFETY: the caller's contract above.
        let (dialect, user, master, role) = unsafe {
            (str_arg(dialect, "dialect")?, str_arg(user, "user")?, opt_str_arg(master_user, "master_user")?, opt_str_arg(role_arn, "role_arn")?)
        };
        let out = Out::new(sql_out, "sql_out")?;
        let warnings = Out::optional(warnings_out);
        let created = create_user_sql(SqlDialect::from_name(dialect)?, user, master, role)?;
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(token_into_raw(&created.sql())) };
        if let Some(w) = warnings {
            // SAFETY: non-NULL; writable per the caller's contract.
            unsafe { w.write(token_into_raw(&created.warnings.join("\n"))) };
        }
        Ok(())
    })
}
