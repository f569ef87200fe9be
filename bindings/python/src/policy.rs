//! IAM policy and database account helpers: `rds_connect_policy`, `dsql_connect_policy`,
//! `explain_policy` (its JSON; `auroraiam._policy` parses it), `create_user_sql`.
//!
//! Every rule (ARN parts, wildcards, merging, explanations, quoting per dialect) is the core's
//! (`auroraiam::policy`, `auroraiam::create_user_sql`); this module converts arguments and
//! results only. Not a hot path: ordinary pyo3 functions.

use auroraiam::policy::{dsql_connect_policy as core_dsql, explain_policy_json, rds_connect_policy as core_rds, FieldNames, LoginFields};
use auroraiam::{create_user_sql as core_create_user_sql, DbUser, SqlDialect};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyTuple};

use crate::args::{optional_text, text};
use crate::errors::{to_py_err, wrong_type, IntoPyResult};

/// A list (any iterable) of `str`; a bare `str` is a `TypeError` (it would iterate characters).
fn texts<'py>(value: &Bound<'py, PyAny>, field: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>() {
        return Err(wrong_type(value, field, "a list of str"));
    }
    let items = value.try_iter().map_err(|_| wrong_type(value, field, "a list of str"))?;
    let items = items.collect::<PyResult<Vec<_>>>()?;
    for (i, item) in items.iter().enumerate() {
        text(item, &format!("{field}[{i}]"))?;
    }
    Ok(items)
}

fn strs<'a>(items: &'a [Bound<'_, PyAny>], field: &str) -> PyResult<Vec<&'a str>> {
    items.iter().enumerate().map(|(i, item)| text(item, &format!("{field}[{i}]"))).collect()
}

/// The least-privilege identity policy (JSON text) allowing `rds-db:connect` as each user in
/// `users` (exact names) and `user_patterns` (IAM wildcards `*`, `?`) to each database in
/// `resource_ids` (`db-…`, `cluster-…`, `prx-…`) in `region` of account `account_id`.
#[pyfunction]
#[pyo3(signature = (region, account_id, resource_ids, users=None, user_patterns=None))]
pub(crate) fn rds_connect_policy(
    py: Python<'_>,
    region: &Bound<'_, PyAny>,
    account_id: &Bound<'_, PyAny>,
    resource_ids: &Bound<'_, PyAny>,
    users: Option<&Bound<'_, PyAny>>,
    user_patterns: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let region = text(region, "region")?;
    let account_id = text(account_id, "account_id")?;
    let ids = texts(resource_ids, "resource_ids")?;
    let exact = match users.filter(|u| !u.is_none()) {
        Some(u) => texts(u, "users")?,
        None => Vec::new(),
    };
    let patterns = match user_patterns.filter(|u| !u.is_none()) {
        Some(u) => texts(u, "user_patterns")?,
        None => Vec::new(),
    };
    let exact = strs(&exact, "users")?;
    let patterns = strs(&patterns, "user_patterns")?;
    let db_users: Vec<DbUser> = exact.iter().map(|u| DbUser::Exact(u)).chain(patterns.iter().map(|p| DbUser::Pattern(p))).collect();
    core_rds(region, account_id, &strs(&ids, "resource_ids")?, &db_users).or_raise(py)
}

/// The least-privilege identity policy (JSON text) allowing `dsql:DbConnect` (with `admin`,
/// `dsql:DbConnectAdmin`) on each cluster in `clusters`: an endpoint name (cluster id and region
/// taken from it) or, with `region`, a bare cluster id.
#[pyfunction]
#[pyo3(signature = (account_id, clusters, *, region=None, admin=false))]
pub(crate) fn dsql_connect_policy(
    py: Python<'_>,
    account_id: &Bound<'_, PyAny>,
    clusters: &Bound<'_, PyAny>,
    region: Option<&Bound<'_, PyAny>>,
    admin: bool,
) -> PyResult<String> {
    let account_id = text(account_id, "account_id")?;
    let clusters = texts(clusters, "clusters")?;
    let region = optional_text(region, "region")?;
    core_dsql(account_id, &strs(&clusters, "clusters")?, region, admin).or_raise(py)
}

/// The explanation of identity policy `policy` as JSON text (fields in docs/cli.md,
/// `policy --explain`); with a login (`region`, `account_id`, `resource_id`, `user`, or a
/// `token` and `account_id`) it holds a `decision`.
#[pyfunction]
#[pyo3(signature = (policy, *, region=None, account_id=None, resource_id=None, user=None, token=None))]
pub(crate) fn _explain_policy_json(
    py: Python<'_>,
    policy: &Bound<'_, PyAny>,
    region: Option<&Bound<'_, PyAny>>,
    account_id: Option<&Bound<'_, PyAny>>,
    resource_id: Option<&Bound<'_, PyAny>>,
    user: Option<&Bound<'_, PyAny>>,
    token: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let policy = text(policy, "policy")?;
    let region = optional_text(region, "region")?;
    let account = optional_text(account_id, "account_id")?;
    let resource = optional_text(resource_id, "resource_id")?;
    let user = optional_text(user, "user")?;
    let token = optional_text(token, "token")?;
    let login = LoginFields { account_id: account, region, resource_id: resource, user, token };
    let request = login.request(FieldNames::SNAKE_CASE).or_raise(py)?;
    explain_policy_json(policy, request.as_ref()).or_raise(py)
}

/// The SQL creating an IAM-authenticated database user (`create_user_sql`). Immutable.
#[pyclass(frozen, module = "auroraiam", name = "CreateUserSql")]
pub(crate) struct PyCreateUserSql {
    inner: auroraiam::CreateUserSql,
}

#[pymethods]
impl PyCreateUserSql {
    /// The statements, each ending with `;`.
    #[getter]
    fn statements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.statements)
    }

    /// Things to read before running the SQL (e.g. the master user losing its password login).
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.warnings)
    }

    /// The statements one per line, with a trailing newline (ready for psql / mariadb).
    #[getter]
    fn sql(&self) -> String {
        self.inner.sql()
    }

    fn __str__(&self) -> String {
        self.inner.sql()
    }

    fn __repr__(&self) -> String {
        format!("CreateUserSql(statements={:?}, warnings={:?})", self.inner.statements, self.inner.warnings)
    }
}

/// The SQL that creates database user `user` logging in with IAM tokens, for `dialect`
/// (`'postgresql'`, `'mysql'`, `'mariadb'`, `'dsql'`), every name quoted for the dialect.
#[pyfunction]
#[pyo3(signature = (dialect, user, *, master_user=None, role_arn=None))]
pub(crate) fn create_user_sql(
    py: Python<'_>,
    dialect: &Bound<'_, PyAny>,
    user: &Bound<'_, PyAny>,
    master_user: Option<&Bound<'_, PyAny>>,
    role_arn: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyCreateUserSql> {
    let dialect = SqlDialect::from_name(text(dialect, "dialect")?).map_err(|e| to_py_err(py, &e))?;
    let user = text(user, "user")?;
    let master = optional_text(master_user, "master_user")?;
    let role = optional_text(role_arn, "role_arn")?;
    let inner = core_create_user_sql(dialect, user, master, role).or_raise(py)?;
    Ok(PyCreateUserSql { inner })
}

/// Adds the functions and the class to the extension module.
pub(crate) fn add(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCreateUserSql>()?;
    m.add_function(wrap_pyfunction!(rds_connect_policy, m)?)?;
    m.add_function(wrap_pyfunction!(dsql_connect_policy, m)?)?;
    m.add_function(wrap_pyfunction!(_explain_policy_json, m)?)?;
    m.add_function(wrap_pyfunction!(create_user_sql, m)?)?;
    Ok(())
}
