//! IAM policies for database authentication: building the least-privilege policy for a
//! database or DSQL cluster ([`PolicyBuilder`], [`rds_connect_policy`], [`dsql_connect_policy`]),
//! reading one back and deciding a login against it ([`explain_policy`]), and every ARN part
//! validated with its own error code (`INVALID_REGION`, `INVALID_ACCOUNT_ID`,
//! `INVALID_RESOURCE_ID`, `INVALID_USERNAME`, `INVALID_ARN`).

mod arn;
mod document;
mod explain;
mod glob;
mod json;
mod login;

pub use arn::{
    dsql_cluster_arn, dsql_cluster_from_hostname, partition_for_region, rds_db_user_arn, validate_account_id,
    validate_dsql_cluster_id, validate_iam_role_arn, validate_rds_resource_id, DbUser, RdsResourceKind, PARTITIONS,
};
pub use document::{dsql_connect_policy, rds_connect_policy, ConnectAction, PolicyBuilder};
pub use login::{FieldNames, LoginFields};
pub use explain::{explain_policy, explain_policy_json, ConnectRequest, Decision, Effect, Grant, Outcome, PolicyExplanation, PolicyNote};
