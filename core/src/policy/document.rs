//! Building least-privilege identity policies for IAM database authentication.

use crate::error::{Error, ErrorCode, Result};
use crate::policy::arn::{dsql_cluster_arn, dsql_cluster_from_hostname, rds_db_user_arn, validate_dsql_cluster_id, DbUser};
use crate::policy::glob::Pattern;
use crate::policy::json::string as json_string;
use crate::region::validate_region;

/// The action an IAM database login needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectAction {
    /// `rds-db:connect` (RDS, Aurora, RDS Proxy).
    RdsConnect,
    /// `dsql:DbConnect` (Aurora DSQL, custom roles).
    DsqlConnect,
    /// `dsql:DbConnectAdmin` (Aurora DSQL, the `admin` role).
    DsqlConnectAdmin,
}

impl ConnectAction {
    /// Every action, in the order statements are written.
    pub const ALL: [ConnectAction; 3] = [ConnectAction::RdsConnect, ConnectAction::DsqlConnect, ConnectAction::DsqlConnectAdmin];

    /// The IAM action name, e.g. `rds-db:connect`.
    pub const fn name(self) -> &'static str {
        match self {
            ConnectAction::RdsConnect => "rds-db:connect",
            ConnectAction::DsqlConnect => "dsql:DbConnect",
            ConnectAction::DsqlConnectAdmin => "dsql:DbConnectAdmin",
        }
    }

    /// The `Sid` of the statement [`PolicyBuilder`] writes for it.
    pub const fn sid(self) -> &'static str {
        match self {
            ConnectAction::RdsConnect => "RdsDbConnect",
            ConnectAction::DsqlConnect => "DsqlDbConnect",
            ConnectAction::DsqlConnectAdmin => "DsqlDbConnectAdmin",
        }
    }
}

/// Collects what principals may connect to, then writes one policy document: one `Allow`
/// statement per action (`rds-db:connect`, `dsql:DbConnect`, `dsql:DbConnectAdmin`) listing its
/// resources in the order added, duplicates removed, and an exact user dropped when a
/// pattern added for the same database already matches it.
#[derive(Clone, Debug, Default)]
pub struct PolicyBuilder {
    resources: Vec<(ConnectAction, String)>,
}

impl PolicyBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows `rds-db:connect` as each of `users` to the database with resource id
    /// `resource_id` (`db-…`, `cluster-…` or `prx-…`) in `region` of account `account_id`.
    pub fn rds_connect(&mut self, region: &str, account_id: &str, resource_id: &str, users: &[DbUser<'_>]) -> Result<&mut Self> {
        if users.is_empty() {
            return Err(Error::new(ErrorCode::InvalidArgument, "at least one database user (or user pattern) is required"));
        }
        let arns = users
            .iter()
            .map(|u| rds_db_user_arn(region, account_id, resource_id, *u))
            .collect::<Result<Vec<_>>>()?;
        for arn in arns {
            self.push(ConnectAction::RdsConnect, arn);
        }
        Ok(self)
    }

    /// Allows `dsql:DbConnect` (or, with `admin`, `dsql:DbConnectAdmin`) on one DSQL cluster.
    pub fn dsql_connect(&mut self, region: &str, account_id: &str, cluster_id: &str, admin: bool) -> Result<&mut Self> {
        let arn = dsql_cluster_arn(region, account_id, cluster_id)?;
        self.push(if admin { ConnectAction::DsqlConnectAdmin } else { ConnectAction::DsqlConnect }, arn);
        Ok(self)
    }

    /// Like [`dsql_connect`](Self::dsql_connect) with the cluster id and region taken from the
    /// cluster's endpoint name (`<cluster-id>.dsql.<region>.on.aws`).
    pub fn dsql_connect_hostname(&mut self, account_id: &str, hostname: &str, admin: bool) -> Result<&mut Self> {
        let (cluster_id, region) = dsql_cluster_from_hostname(hostname)?;
        self.dsql_connect(&region, account_id, &cluster_id, admin)
    }

    fn push(&mut self, action: ConnectAction, arn: String) {
        if !self.resources.iter().any(|(a, r)| *a == action && *r == arn) {
            self.resources.push((action, arn));
        }
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// The resources one action's statement lists, after merging.
    pub fn resources(&self, action: ConnectAction) -> Vec<&str> {
        let all: Vec<&str> = self.resources.iter().filter(|(a, _)| *a == action).map(|(_, r)| r.as_str()).collect();
        let covered = |arn: &str| {
            all.iter().any(|other| {
                *other != arn && other.rsplit_once('/').map(|(db, _)| db) == arn.rsplit_once('/').map(|(db, _)| db) && {
                    let (_, user_pattern) = other.rsplit_once('/').unwrap_or_default();
                    let (_, user) = arn.rsplit_once('/').unwrap_or_default();
                    let pattern = Pattern::new(user_pattern, true);
                    // Only an exact user (no wildcard of its own) is dropped.
                    pattern.is_wild() && !Pattern::new(user, true).is_wild() && pattern.variable.is_none()
                        && pattern.matches(&Pattern::new(user, true).literal(), false)
                }
            })
        };
        all.iter().copied().filter(|arn| action != ConnectAction::RdsConnect || !covered(arn)).collect()
    }

    /// The policy document as JSON (2-space indented, keys in AWS's documented order).
    /// `INVALID_ARGUMENT` when nothing was added.
    pub fn to_json(&self) -> Result<String> {
        if self.is_empty() {
            return Err(Error::new(ErrorCode::InvalidArgument, "the policy allows nothing: add a database or a DSQL cluster"));
        }
        let mut statements = Vec::new();
        for action in ConnectAction::ALL {
            let resources = self.resources(action);
            if resources.is_empty() {
                continue;
            }
            let list: Vec<String> = resources.iter().map(|r| format!("        {}", json_string(r))).collect();
            statements.push(format!(
                "    {{\n      \"Sid\": {},\n      \"Effect\": \"Allow\",\n      \"Action\": {},\n      \"Resource\": [\n{}\n      ]\n    }}",
                json_string(action.sid()),
                json_string(action.name()),
                list.join(",\n")
            ));
        }
        Ok(format!("{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n", statements.join(",\n")))
    }
}

/// The least-privilege policy allowing `rds-db:connect` as `users` to each database in
/// `resource_ids` (one statement; see [`PolicyBuilder`]).
pub fn rds_connect_policy(region: &str, account_id: &str, resource_ids: &[&str], users: &[DbUser<'_>]) -> Result<String> {
    if resource_ids.is_empty() {
        return Err(Error::new(ErrorCode::InvalidArgument, "at least one resource id (db-…, cluster-…, prx-…) is required"));
    }
    let mut builder = PolicyBuilder::new();
    for id in resource_ids {
        builder.rds_connect(region, account_id, id, users)?;
    }
    builder.to_json()
}

/// The least-privilege policy allowing `dsql:DbConnect` (with `admin`, `dsql:DbConnectAdmin`)
/// on each cluster in `clusters`: an endpoint name (cluster id and region taken from it) or,
/// with `region`, a bare cluster id.
pub fn dsql_connect_policy(account_id: &str, clusters: &[&str], region: Option<&str>, admin: bool) -> Result<String> {
    if clusters.is_empty() {
        return Err(Error::new(ErrorCode::InvalidArgument, "at least one DSQL cluster endpoint name or cluster id is required"));
    }
    if let Some(region) = region {
        validate_region(region)?;
    }
    let mut builder = PolicyBuilder::new();
    for cluster in clusters {
        match region {
            Some(region) if !cluster.contains('.') => {
                validate_dsql_cluster_id(cluster)?;
                builder.dsql_connect(region, account_id, cluster, admin)?;
            }
            _ => {
                builder.dsql_connect_hostname(account_id, cluster, admin)?;
            }
        }
    }
    builder.to_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const CLUSTER: &str = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const PROXY: &str = "prx-0123456789abcdef0";
    const ACCOUNT: &str = "123456789012";

    fn golden(resource: &str) -> String {
        format!(
            r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "RdsDbConnect",
      "Effect": "Allow",
      "Action": "rds-db:connect",
      "Resource": [
        "arn:aws:rds-db:us-east-1:123456789012:dbuser:{resource}/app_user"
      ]
    }}
  ]
}}
"#
        )
    }

    #[test]
    fn golden_documents_per_resource_kind() {
        for id in [DB, CLUSTER, PROXY] {
            assert_eq!(rds_connect_policy("us-east-1", ACCOUNT, &[id], &[DbUser::Exact("app_user")]).unwrap(), golden(id), "{id}");
        }
        let dsql = dsql_connect_policy(ACCOUNT, &["abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws"], None, true).unwrap();
        assert_eq!(
            dsql,
            r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DsqlDbConnectAdmin",
      "Effect": "Allow",
      "Action": "dsql:DbConnectAdmin",
      "Resource": [
        "arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz"
      ]
    }
  ]
}
"#
        );
        assert_eq!(
            dsql_connect_policy(ACCOUNT, &["abcdefghijklmnopqrstuvwxyz"], Some("eu-west-1"), false).unwrap(),
            dsql_connect_policy(ACCOUNT, &["abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws"], None, false).unwrap()
        );
    }

    #[test]
    fn merges_statements_sensibly() {
        let mut b = PolicyBuilder::new();
        b.rds_connect("us-east-1", ACCOUNT, CLUSTER, &[DbUser::Exact("app_1"), DbUser::Pattern("app_*"), DbUser::Exact("admin"), DbUser::Exact("app_1")])
            .unwrap();
        b.rds_connect("us-east-1", ACCOUNT, DB, &[DbUser::Exact("app_1"), DbUser::Exact("a*b")]).unwrap();
        b.dsql_connect("us-east-1", ACCOUNT, "abcdefghijklmnopqrstuvwxyz", false).unwrap();
        b.dsql_connect("us-east-1", ACCOUNT, "abcdefghijklmnopqrstuvwxyz", false).unwrap();
        let prefix = "arn:aws:rds-db:us-east-1:123456789012:dbuser:";
        assert_eq!(
            b.resources(ConnectAction::RdsConnect),
            vec![
                format!("{prefix}{CLUSTER}/app_*"),
                format!("{prefix}{CLUSTER}/admin"),
                format!("{prefix}{DB}/app_1"),
                format!("{prefix}{DB}/a${{*}}b"),
            ]
        );
        assert_eq!(b.resources(ConnectAction::DsqlConnect).len(), 1);
        let json = b.to_json().unwrap();
        assert_eq!(json.matches("\"Sid\"").count(), 2);
        serde_json::from_str::<serde_json::Value>(&json).unwrap();
    }

    #[test]
    fn errors() {
        assert_eq!(PolicyBuilder::new().to_json().unwrap_err().code(), ErrorCode::InvalidArgument);
        assert_eq!(rds_connect_policy("us-east-1", ACCOUNT, &[DB], &[]).unwrap_err().code(), ErrorCode::InvalidArgument);
        assert_eq!(rds_connect_policy("us-east-1", ACCOUNT, &[], &[DbUser::Exact("a")]).unwrap_err().code(), ErrorCode::InvalidArgument);
        assert_eq!(rds_connect_policy("us-east-1", ACCOUNT, &["mydb"], &[DbUser::Exact("a")]).unwrap_err().code(), ErrorCode::InvalidResourceId);
        assert_eq!(dsql_connect_policy(ACCOUNT, &[], None, false).unwrap_err().code(), ErrorCode::InvalidArgument);
        assert_eq!(dsql_connect_policy(ACCOUNT, &["abcdefghijklmnopqrstuvwxyz"], None, false).unwrap_err().code(), ErrorCode::InvalidHostname);
        assert_eq!(dsql_connect_policy("1", &["abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws"], None, false).unwrap_err().code(), ErrorCode::InvalidAccountId);
    }

    #[test]
    fn hostile_user_names_stay_inside_their_json_string() {
        let json = rds_connect_policy("us-east-1", ACCOUNT, &[DB], &[DbUser::Exact("o\"brien\\\"],\"x\": \"y é")]).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["Statement"][0]["Resource"][0], format!("arn:aws:rds-db:us-east-1:123456789012:dbuser:{DB}/o\"brien\\\"],\"x\": \"y é"));
    }
}
