//! IAM policy and database account helpers: `rdsConnectPolicy`, `dsqlConnectPolicy`,
//! `explainPolicy`, `createUserSql`.
//!
//! Every rule (ARN parts, wildcards, merging, explanations, quoting per dialect) is the core's
//! (`auroraiam::policy`, `auroraiam::create_user_sql`); this module reads the JavaScript
//! arguments and builds the results. Not a hot path: each option is read by name.
#![allow(dead_code)] // the option and result structs exist for index.d.ts

use std::ffi::CString;
use std::ptr;

use auroraiam::policy::{dsql_connect_policy as core_dsql, explain_policy_json, rds_connect_policy as core_rds, FieldNames, LoginFields};
use auroraiam::{create_user_sql as core_create_user_sql, DbUser, SqlDialect};
use napi::{sys, Env};
use napi_derive::napi;

use crate::failure::Failure;
use crate::js::{check, Js, JsAny, Kind};
use crate::thrown;

/// Options of {@link rdsConnectPolicy}.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct RdsConnectPolicyOptions {
    /// The database's region, e.g. `us-east-1`.
    pub region: String,
    /// The AWS account id that owns the database (12 digits).
    pub account_id: String,
    /// Resource ids: an instance's `db-…` (DbiResourceId), a cluster's `cluster-…`
    /// (DbClusterResourceId) or a proxy's `prx-…`; not the name you gave the database.
    pub resource_ids: Vec<String>,
    /// Database users allowed (exact names).
    pub users: Option<Vec<String>>,
    /// Database user patterns allowed (IAM wildcards `*` and `?`).
    pub user_patterns: Option<Vec<String>>,
}

/// Options of {@link dsqlConnectPolicy}.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct DsqlConnectPolicyOptions {
    /// The AWS account id that owns the clusters (12 digits).
    pub account_id: String,
    /// Cluster endpoint names (cluster id and region taken from each) or, with `region`, bare cluster ids.
    pub clusters: Vec<String>,
    /// The region of bare cluster ids.
    pub region: Option<String>,
    /// `true`: `dsql:DbConnectAdmin` (the `admin` role) instead of `dsql:DbConnect`.
    pub admin: Option<bool>,
}

/// The login {@link explainPolicy} decides: `accountId`, `region`, `resourceId` and `user`; or a
/// `token` and `accountId` (plus `resourceId` for an RDS token).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct ExplainPolicyLogin {
    /// The AWS account id that owns the database.
    pub account_id: Option<String>,
    /// The database's region.
    pub region: Option<String>,
    /// The database's resource id (`db-…`, `cluster-…`, `prx-…`).
    pub resource_id: Option<String>,
    /// The database user logging in.
    pub user: Option<String>,
    /// A token: the login it is for (region, user, DSQL cluster) is decided.
    pub token: Option<String>,
}

/// One `(action, resource, user)` grant of a policy. Field names as in the JSON of
/// `auroraiam policy --explain` (docs/cli.md), which this object is.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct PolicyGrant {
    /// Index of the statement in the policy.
    pub statement: u32,
    /// The statement's `Sid`, if any.
    #[napi(ts_type = "string | null")]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    #[napi(ts_type = "'Allow' | 'Deny'")]
    pub effect: String,
    /// `rds-db:connect`, `dsql:DbConnect` or `dsql:DbConnectAdmin`.
    #[napi(ts_type = "'rds-db:connect' | 'dsql:DbConnect' | 'dsql:DbConnectAdmin'")]
    pub action: String,
    /// The resource ARN (pattern) as written.
    pub resource: String,
    /// The grant comes from `NotResource`.
    #[napi(js_name = "not_resource")]
    pub not_resource: bool,
    /// The grant comes from `NotAction`.
    #[napi(js_name = "via_not_action")]
    pub via_not_action: bool,
    /// The statement has a `Condition` (not evaluated offline).
    pub conditional: bool,
    /// The ARN's partition (`aws`, `aws-cn`, …), when the resource is an ARN.
    #[napi(ts_type = "string | null")]
    pub partition: Option<String>,
    /// The ARN's region (pattern).
    #[napi(ts_type = "string | null")]
    pub region: Option<String>,
    /// The ARN's account id (pattern).
    #[napi(js_name = "account_id", ts_type = "string | null")]
    pub account_id: Option<String>,
    /// The ARN's resource id (`db-…`, `cluster-…`, `prx-…`, a DSQL cluster id; pattern).
    #[napi(js_name = "resource_id", ts_type = "string | null")]
    pub resource_id: Option<String>,
    /// The database user (or user pattern) of an `rds-db:connect` grant.
    #[napi(ts_type = "string | null")]
    pub user: Option<String>,
    /// `user` holds IAM wildcards.
    #[napi(js_name = "user_is_pattern")]
    pub user_is_pattern: bool,
}

/// Something in a policy that can never match, or cannot be decided offline.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct PolicyNote {
    /// Index of the statement it is about.
    #[napi(ts_type = "number | null")]
    pub statement: Option<u32>,
    /// `error` (can never match) or `warning` (cannot be decided offline).
    #[napi(ts_type = "'error' | 'warning'")]
    pub severity: String,
    /// An auroraiam error code naming the problem (`INVALID_RESOURCE_ID`, …).
    pub code: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Whether IAM would allow the login, and why.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct PolicyDecision {
    /// `true` when the policy allows the login.
    pub allowed: bool,
    /// How it was decided: `conditional` when only statements with a `Condition` or a policy
    /// variable could decide it (not evaluated offline).
    #[napi(ts_type = "'allowed' | 'explicit_deny' | 'implicit_deny' | 'conditional'")]
    pub outcome: String,
    /// The action decided.
    pub action: String,
    /// The resource ARN of the login.
    pub resource: String,
    /// The statement that decided it, if one did.
    #[napi(ts_type = "number | null")]
    pub statement: Option<u32>,
    /// Why (for a denial: the closest grant and how it differs).
    pub reason: String,
}

/// The result of {@link explainPolicy}: the JSON of `auroraiam policy --explain`, parsed.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct PolicyExplanation {
    /// Number of statements in the policy.
    pub statements: u32,
    /// Every connect grant found.
    pub grants: Vec<PolicyGrant>,
    /// Parts that can never match or cannot be decided offline.
    pub notes: Vec<PolicyNote>,
    /// Present when a login was given.
    pub decision: Option<PolicyDecision>,
}

/// Options of {@link createUserSql}.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct CreateUserSqlOptions {
    /// `postgresql` (also `postgres`, `pg`), `mysql`, `mariadb` or `dsql`.
    pub dialect: String,
    /// The database user to create.
    pub user: String,
    /// The instance's master user: for it the SQL changes the existing user, with a warning.
    pub master_user: Option<String>,
    /// `dsql` only (required there): the IAM role allowed to log in as the user.
    pub role_arn: Option<String>,
}

/// The SQL from {@link createUserSql}.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct CreateUserSql {
    /// The statements, each ending with `;`.
    pub statements: Vec<String>,
    /// Things to read before running the SQL (e.g. the master user losing its password login).
    pub warnings: Vec<String>,
    /// The statements one per line, with a trailing newline (ready for psql / mariadb).
    pub sql: String,
}

/// The least-privilege identity policy (JSON text) allowing `rds-db:connect` as each user and
/// user pattern to each database in `resourceIds`.
///
/// @throws {Error} with `code` `INVALID_REGION`, `INVALID_ACCOUNT_ID`, `INVALID_RESOURCE_ID` (a
/// name where the resource id belongs), `INVALID_USERNAME` or `INVALID_ARGUMENT` (no resource
/// id, no user)
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi(catch_unwind, ts_args_type = "options: RdsConnectPolicyOptions", ts_return_type = "string")]
pub fn rds_connect_policy(env: Env, options: JsAny) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, (|| {
        let o = options.0;
        js.expect_object(o, "options")?;
        let region = required(js, o, "region")?;
        let account = required(js, o, "accountId")?;
        let ids = strings(js, o, "resourceIds", true)?;
        let users = strings(js, o, "users", false)?;
        let patterns = strings(js, o, "userPatterns", false)?;
        let db_users: Vec<DbUser> = users.iter().map(|u| DbUser::Exact(u)).chain(patterns.iter().map(|p| DbUser::Pattern(p))).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        js.new_string(&core_rds(&region, &account, &ids, &db_users)?)
    })().map(JsAny))
}

/// The least-privilege identity policy (JSON text) allowing `dsql:DbConnect` (with `admin`,
/// `dsql:DbConnectAdmin`) on each cluster: an endpoint name (cluster id and region taken from
/// it) or, with `region`, a bare cluster id.
///
/// @throws {Error} with `code` `INVALID_HOSTNAME`, `INVALID_RESOURCE_ID`, `INVALID_ACCOUNT_ID`,
/// `INVALID_REGION` or `INVALID_ARGUMENT`
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi(catch_unwind, ts_args_type = "options: DsqlConnectPolicyOptions", ts_return_type = "string")]
pub fn dsql_connect_policy(env: Env, options: JsAny) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, (|| {
        let o = options.0;
        js.expect_object(o, "options")?;
        let account = required(js, o, "accountId")?;
        let clusters = strings(js, o, "clusters", true)?;
        let region = optional(js, o, "region")?;
        let admin = match js.kind(prop(js, o, "admin")?)? {
            k if k.is_absent() => false,
            Kind::Boolean => js.boolean(prop(js, o, "admin")?)?,
            k => return Err(Failure::type_error("admin", "a boolean", k)),
        };
        let clusters: Vec<&str> = clusters.iter().map(String::as_str).collect();
        js.new_string(&core_dsql(&account, &clusters, region.as_deref(), admin)?)
    })().map(JsAny))
}

/// Explains identity policy `policy` (JSON text): which `(action, resource, user)` grants it
/// holds for `rds-db:connect`, `dsql:DbConnect` and `dsql:DbConnectAdmin`, and notes on parts
/// that can never match (a cluster name where the resource id belongs, a bad region, an `rds`
/// ARN instead of `rds-db`) or cannot be decided offline (`Condition`, policy variables). With
/// `login`, `decision` says whether IAM would allow it and why not.
///
/// @throws {Error} with `code` `INVALID_POLICY` (not JSON, or an element IAM would refuse),
/// `INVALID_ARGUMENT` (an incomplete login), `INVALID_REGION`, `INVALID_ACCOUNT_ID`,
/// `INVALID_RESOURCE_ID`, `INVALID_USERNAME`, `TOKEN_MALFORMED`
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi(catch_unwind, ts_args_type = "policy: string, login?: ExplainPolicyLogin", ts_return_type = "PolicyExplanation")]
pub fn explain_policy(env: Env, policy: JsAny, login: Option<JsAny>) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, (|| {
        let mut text = String::new();
        js.string(policy.0, "policy", &mut text)?;
        let request = match login.map(|l| l.0) {
            Some(l) if !js.kind(l)?.is_absent() => {
                js.expect_object(l, "login")?;
                let token = optional(js, l, "token")?;
                let (account, region) = (optional(js, l, "accountId")?, optional(js, l, "region")?);
                let (resource, user) = (optional(js, l, "resourceId")?, optional(js, l, "user")?);
                let login = LoginFields {
                    account_id: account.as_deref(),
                    region: region.as_deref(),
                    resource_id: resource.as_deref(),
                    user: user.as_deref(),
                    token: token.as_deref(),
                };
                login.request(FieldNames::CAMEL_CASE)?
            }
            _ => None,
        };
        let json = explain_policy_json(&text, request.as_ref())?;
        json_parse(js, &json)
    })().map(JsAny))
}

/// The SQL that creates database user `user` logging in with IAM tokens, every name quoted for
/// `dialect`.
///
/// @throws {Error} with `code` `INVALID_USERNAME` (empty, NUL or control character, too long,
/// reserved), `INVALID_ARN`, `INVALID_ACCOUNT_ID` or `INVALID_ARGUMENT` (unknown dialect, role
/// ARN missing for dsql or given for another dialect)
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi(catch_unwind, ts_args_type = "options: CreateUserSqlOptions", ts_return_type = "CreateUserSql")]
pub fn create_user_sql(env: Env, options: JsAny) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, (|| {
        let o = options.0;
        js.expect_object(o, "options")?;
        let dialect = SqlDialect::from_name(&required(js, o, "dialect")?)?;
        let user = required(js, o, "user")?;
        let master = optional(js, o, "masterUser")?;
        let role = optional(js, o, "roleArn")?;
        let created = core_create_user_sql(dialect, &user, master.as_deref(), role.as_deref())?;
        let strs = |items: &[String]| items.iter().map(|s| js.new_string(s)).collect::<Result<Vec<_>, Failure>>();
        let result = js.new_object()?;
        let statements = js.new_array(&strs(&created.statements)?)?;
        let warnings = js.new_array(&strs(&created.warnings)?)?;
        set(js, result, "statements", statements)?;
        set(js, result, "warnings", warnings)?;
        set(js, result, "sql", js.new_string(&created.sql())?)?;
        Ok(result)
    })().map(JsAny))
}

/// `object[name]`.
fn prop(js: Js, object: sys::napi_value, name: &str) -> Result<sys::napi_value, Failure> {
    js.get_by_value(object, js.new_ascii_string(name)?)
}

/// `object[name] = value`.
fn set(js: Js, object: sys::napi_value, name: &str, value: sys::napi_value) -> Result<(), Failure> {
    let name = CString::new(name).map_err(|_| Failure::Internal(sys::Status::napi_invalid_arg))?;
    // SAFETY: a live env, object and value from this call; `name` is NUL-terminated.
    check(unsafe { sys::napi_set_named_property(js.env(), object, name.as_ptr(), value) })
}

fn required(js: Js, object: sys::napi_value, name: &'static str) -> Result<String, Failure> {
    let mut out = String::new();
    js.string(prop(js, object, name)?, name, &mut out)?;
    Ok(out)
}

fn optional(js: Js, object: sys::napi_value, name: &'static str) -> Result<Option<String>, Failure> {
    let mut out = String::new();
    Ok(js.optional_string(prop(js, object, name)?, name, &mut out)?.then_some(out))
}

/// `object[name]` as an array of strings (absent: empty, unless `required`).
fn strings(js: Js, object: sys::napi_value, name: &'static str, required: bool) -> Result<Vec<String>, Failure> {
    let value = prop(js, object, name)?;
    let kind = js.kind(value)?;
    if kind.is_absent() && !required {
        return Ok(Vec::new());
    }
    let mut is_array = false;
    // SAFETY: a live env and value from this call.
    check(unsafe { sys::napi_is_array(js.env(), value, &mut is_array) })?;
    if !is_array {
        return Err(Failure::type_error(name, "an array of strings", kind));
    }
    let mut len = 0u32;
    // SAFETY: as above; `value` is an array.
    check(unsafe { sys::napi_get_array_length(js.env(), value, &mut len) })?;
    (0..len)
        .map(|i| {
            let mut element = ptr::null_mut();
            // SAFETY: as above; `i` is below the length.
            check(unsafe { sys::napi_get_element(js.env(), value, i, &mut element) })?;
            let mut out = String::new();
            js.string(element, name, &mut out)?;
            Ok(out)
        })
        .collect()
}

/// `JSON.parse(text)` (the core's explanation JSON becomes a plain object).
fn json_parse(js: Js, text: &str) -> Result<sys::napi_value, Failure> {
    let mut global = ptr::null_mut();
    // SAFETY: a live env.
    check(unsafe { sys::napi_get_global(js.env(), &mut global) })?;
    let json = prop(js, global, "JSON")?;
    let parse = prop(js, json, "parse")?;
    js.call(parse, json, &[js.new_string(text)?])
}
