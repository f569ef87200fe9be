//! The parts of the ARNs IAM database authentication uses, each validated with its own error:
//! `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<db user>`,
//! `arn:<partition>:dsql:<region>:<account>:cluster/<cluster id>` and IAM role ARNs.

use crate::error::{quoted, Error, ErrorCode, Result};
use crate::region::{infer_dsql_region, validate_region};
use crate::request::MAX_USERNAME_LEN;

/// Shortest and longest suffix accepted after `db-`, `cluster-` and `prx-` (AWS issues 26
/// characters for `db-` and `cluster-`, 17 for `prx-`).
const RESOURCE_SUFFIX_LEN: std::ops::RangeInclusive<usize> = 10..=64;
/// Length of an Aurora DSQL cluster id (the first label of its endpoint name).
const DSQL_CLUSTER_ID_LEN: usize = 26;

/// What an RDS resource id names; it decides which endpoint a token must be signed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RdsResourceKind {
    /// A DB instance: `DbiResourceId`, `db-` and upper-case letters/digits.
    Instance,
    /// An Aurora DB cluster: `DbClusterResourceId`, `cluster-` and upper-case letters/digits.
    Cluster,
    /// An RDS Proxy: its resource id, `prx-` and letters/digits.
    Proxy,
}

impl RdsResourceKind {
    /// `"instance"`, `"cluster"` or `"proxy"`.
    pub const fn name(self) -> &'static str {
        match self {
            RdsResourceKind::Instance => "instance",
            RdsResourceKind::Cluster => "cluster",
            RdsResourceKind::Proxy => "proxy",
        }
    }
}

/// The ARN partition a region belongs to: `aws-cn` (`cn-…`), `aws-us-gov` (`us-gov-…`),
/// `aws-iso` (`us-iso-…`), `aws-iso-b` (`us-isob-…`), `aws-iso-e` (`eu-isoe-…`),
/// `aws-iso-f` (`us-isof-…`), `aws-eusc` (`eusc-…`), else `aws`.
pub fn partition_for_region(region: &str) -> &'static str {
    const PREFIXES: [(&str, &str); 7] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-iso-", "aws-iso"),
        ("us-isob-", "aws-iso-b"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-isof-", "aws-iso-f"),
        ("eusc-", "aws-eusc"),
    ];
    PREFIXES.iter().find(|(p, _)| region.starts_with(p)).map_or("aws", |(_, part)| part)
}

/// Every partition name [`partition_for_region`] can return.
pub const PARTITIONS: [&str; 8] = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// Checks an AWS account id: exactly 12 decimal digits (leading zeros kept).
pub fn validate_account_id(account_id: &str) -> Result<()> {
    if account_id.len() == 12 && account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let hint = if account_id.is_empty() {
        "it is empty".to_string()
    } else if account_id.bytes().all(|b| b.is_ascii_digit()) {
        format!("it has {} digits (keep leading zeros)", account_id.len())
    } else if account_id.contains('-') && account_id.replace('-', "").bytes().all(|b| b.is_ascii_digit()) {
        "write it without dashes".to_string()
    } else {
        "an account id is the 12-digit number `aws sts get-caller-identity --query Account` prints, not an alias".to_string()
    };
    Err(Error::new(
        ErrorCode::InvalidAccountId,
        format!("account id {} is not 12 digits: {hint}", quoted(account_id)),
    ))
}

fn upper_alnum(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Checks an RDS resource id and says what it names: `db-` (instance), `cluster-` (Aurora
/// cluster) or `prx-` (RDS Proxy) followed by 10-64 letters and digits (upper-case for `db-`
/// and `cluster-`, as AWS issues them). The classic mistakes get a specific message: an
/// instance or cluster *identifier* (the name you chose), an endpoint name or its
/// `cluster-abc123` label, or a whole ARN.
pub fn validate_rds_resource_id(resource_id: &str) -> Result<RdsResourceKind> {
    let invalid = |why: String| Err(Error::new(ErrorCode::InvalidResourceId, format!("resource id {} {why}", quoted(resource_id))));
    let how = "IAM needs the resource id: DbiResourceId (db-…) from `aws rds describe-db-instances \
               --query 'DBInstances[].DbiResourceId'`, DbClusterResourceId (cluster-…) from `aws rds \
               describe-db-clusters --query 'DBClusters[].DbClusterResourceId'`, or a proxy's prx-… id";
    if resource_id.is_empty() {
        return invalid(format!("is empty: {how}"));
    }
    if resource_id.starts_with("arn:") {
        return invalid(format!("is an ARN: give only the resource id (db-…, cluster-…, prx-…); {how}"));
    }
    if resource_id.contains('*') || resource_id.contains('?') {
        return invalid("has a wildcard: a least-privilege policy names one database (write the policy by hand to allow several)".to_string());
    }
    if resource_id.contains('.') {
        return invalid(format!("looks like an endpoint name, not a resource id; {how}"));
    }
    for (prefix, kind, upper) in [
        ("db-", RdsResourceKind::Instance, true),
        ("cluster-", RdsResourceKind::Cluster, true),
        ("prx-", RdsResourceKind::Proxy, false),
    ] {
        let Some(suffix) = resource_id.strip_prefix(prefix) else { continue };
        let shaped = if upper { upper_alnum(suffix) } else { suffix.bytes().all(|b| b.is_ascii_alphanumeric()) };
        if shaped && RESOURCE_SUFFIX_LEN.contains(&suffix.len()) {
            return Ok(kind);
        }
        if kind == RdsResourceKind::Cluster && (suffix.starts_with("ro-") || suffix.starts_with("custom-") || suffix.bytes().any(|b| b.is_ascii_lowercase())) {
            return invalid(format!(
                "looks like the cluster label of an endpoint name (mydb.{resource_id}.<region>.rds.amazonaws.com) \
                 or a cluster identifier, not the cluster resource id; {how}"
            ));
        }
        if upper && suffix.bytes().any(|b| b.is_ascii_lowercase()) {
            return invalid(format!("looks like a DB instance identifier (lower-case letters), not its resource id; {how}"));
        }
        return invalid(format!(
            "is not {prefix} followed by {}-{} {}letters and digits",
            RESOURCE_SUFFIX_LEN.start(),
            RESOURCE_SUFFIX_LEN.end(),
            if upper { "upper-case " } else { "" }
        ));
    }
    invalid(format!("does not start with db-, cluster- or prx-: it looks like a DB instance or cluster identifier (the name you chose); {how}"))
}

/// Checks an Aurora DSQL cluster id: 26 lower-case letters and digits (the first label of
/// the cluster's endpoint name).
pub fn validate_dsql_cluster_id(cluster_id: &str) -> Result<()> {
    if cluster_id.len() == DSQL_CLUSTER_ID_LEN && cluster_id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        return Ok(());
    }
    let why = if cluster_id.contains('.') {
        "looks like an endpoint name: pass it as a hostname, or give only its first label".to_string()
    } else {
        format!("is not {DSQL_CLUSTER_ID_LEN} lower-case letters and digits")
    };
    Err(Error::new(ErrorCode::InvalidResourceId, format!("DSQL cluster id {} {why}", quoted(cluster_id))))
}

/// The cluster id and region of an Aurora DSQL endpoint name
/// (`<cluster-id>.dsql.<region>.on.aws`, suffixed variants such as `dsql-abcd` too).
pub fn dsql_cluster_from_hostname(hostname: &str) -> Result<(String, String)> {
    crate::hostname::validate_hostname(hostname)?;
    let Some(region) = infer_dsql_region(hostname) else {
        return Err(Error::new(
            ErrorCode::InvalidHostname,
            format!("{} is not an Aurora DSQL endpoint name (<cluster-id>.dsql.<region>.on.aws)", quoted(hostname)),
        ));
    };
    let first = hostname.split('.').next().unwrap_or_default().to_ascii_lowercase();
    validate_dsql_cluster_id(&first)?;
    Ok((first, region))
}

/// A database user name for an `rds-db:connect` resource: one exact name, or a pattern in
/// which `*` matches any run of characters and `?` any one character (IAM's wildcards).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DbUser<'a> {
    /// This user only. `*`, `?` and `$` in the name are written as IAM's escapes `${*}`,
    /// `${?}` and `${$}`, so they match themselves.
    Exact(&'a str),
    /// Every user the pattern matches (`app_*`, `*`); `$` is written as `${$}`.
    Pattern(&'a str),
}

impl<'a> DbUser<'a> {
    /// The name or pattern as given.
    pub fn as_str(&self) -> &'a str {
        match self {
            DbUser::Exact(s) | DbUser::Pattern(s) => s,
        }
    }

    /// Checks the name: not empty, at most 1,024 bytes, no NUL or other control character.
    pub fn validate(&self) -> Result<()> {
        let name = self.as_str();
        let what = match self {
            DbUser::Exact(_) => "database user name",
            DbUser::Pattern(_) => "database user pattern",
        };
        let why = if name.is_empty() {
            "is empty".to_string()
        } else if name.contains('\0') {
            "contains a NUL character".to_string()
        } else if name.chars().any(char::is_control) {
            "contains a control character (IAM ARNs cannot hold one)".to_string()
        } else if name.len() > MAX_USERNAME_LEN {
            format!("is {} bytes long; at most {MAX_USERNAME_LEN} are allowed", name.len())
        } else {
            return Ok(());
        };
        Err(Error::new(ErrorCode::InvalidUsername, format!("{what} {} {why}", quoted(name))))
    }

    /// The user part of the ARN, with IAM's escapes (`${*}`, `${?}`, `${$}`) where needed.
    pub fn arn_text(&self) -> String {
        let (name, keep_wildcards) = match self {
            DbUser::Exact(s) => (*s, false),
            DbUser::Pattern(s) => (*s, true),
        };
        let mut out = String::with_capacity(name.len());
        for c in name.chars() {
            match c {
                '$' => out.push_str("${$}"),
                '*' | '?' if !keep_wildcards => {
                    out.push_str("${");
                    out.push(c);
                    out.push('}');
                }
                c => out.push(c),
            }
        }
        out
    }
}

/// The `rds-db:connect` resource ARN for one user (or user pattern) of one database:
/// `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user>`.
pub fn rds_db_user_arn(region: &str, account_id: &str, resource_id: &str, user: DbUser<'_>) -> Result<String> {
    validate_region(region)?;
    validate_account_id(account_id)?;
    validate_rds_resource_id(resource_id)?;
    user.validate()?;
    Ok(format!("arn:{}:rds-db:{region}:{account_id}:dbuser:{resource_id}/{}", partition_for_region(region), user.arn_text()))
}

/// The ARN of an Aurora DSQL cluster: `arn:<partition>:dsql:<region>:<account>:cluster/<id>`.
pub fn dsql_cluster_arn(region: &str, account_id: &str, cluster_id: &str) -> Result<String> {
    validate_region(region)?;
    validate_account_id(account_id)?;
    validate_dsql_cluster_id(cluster_id)?;
    Ok(format!("arn:{}:dsql:{region}:{account_id}:cluster/{cluster_id}", partition_for_region(region)))
}

/// Checks an IAM role ARN (`arn:<partition>:iam::<account>:role/<path/>name`), as DSQL's
/// `AWS IAM GRANT` takes: each part with its own error.
pub fn validate_iam_role_arn(arn: &str) -> Result<()> {
    let bad = |why: String| Err(Error::new(ErrorCode::InvalidArn, format!("IAM role ARN {} {why}", quoted(arn))));
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return bad("is not arn:<partition>:iam::<account id>:role/<name>".to_string());
    }
    if !PARTITIONS.contains(&parts[1]) {
        return bad(format!("has unknown partition {} (known: {})", quoted(parts[1]), PARTITIONS.join(", ")));
    }
    if parts[2] != "iam" {
        return bad(format!("names service {}, not iam", quoted(parts[2])));
    }
    if !parts[3].is_empty() {
        return bad("has a region: IAM ARNs have none (arn:aws:iam::…)".to_string());
    }
    validate_account_id(parts[4])?;
    let Some(path_name) = parts[5].strip_prefix("role/") else {
        return bad(format!("resource {} is not role/<name> (a user or an assumed-role session cannot be granted)", quoted(parts[5])));
    };
    let name = path_name.rsplit('/').next().unwrap_or_default();
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b);
    if name.is_empty() || name.len() > 64 || !name.bytes().all(allowed) {
        return bad(format!("role name {} is not 1-64 characters of letters, digits and +=,.@_-", quoted(name)));
    }
    if !path_name.bytes().all(|b| allowed(b) || b == b'/') || path_name.contains("//") {
        return bad("role path has characters IAM does not allow".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const CLUSTER: &str = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    fn code(r: Result<impl std::fmt::Debug>) -> ErrorCode {
        r.unwrap_err().code()
    }

    #[test]
    fn account_ids() {
        validate_account_id("012345678901").unwrap();
        for bad in ["", "12345678901", "1234567890123", "1234-5678-9012", "my-account", "12345678901a"] {
            assert_eq!(code(validate_account_id(bad)), ErrorCode::InvalidAccountId, "{bad}");
        }
        assert!(validate_account_id("1234-5678-9012").unwrap_err().message().contains("without dashes"));
        assert!(validate_account_id("12345").unwrap_err().message().contains("5 digits"));
    }

    #[test]
    fn resource_id_shapes_and_the_classic_mistakes() {
        assert_eq!(validate_rds_resource_id(DB).unwrap(), RdsResourceKind::Instance);
        assert_eq!(validate_rds_resource_id(CLUSTER).unwrap(), RdsResourceKind::Cluster);
        assert_eq!(validate_rds_resource_id("prx-0123456789abcdef0").unwrap(), RdsResourceKind::Proxy);
        assert_eq!(validate_rds_resource_id("prx-ABCDEFGHIJKL01234").unwrap(), RdsResourceKind::Proxy);
        let cases = [
            ("", "empty"),
            ("my-aurora-cluster", "identifier"),
            ("cluster-c9akciq32", "cluster label of an endpoint"),
            ("cluster-ro-c9akciq32", "cluster label"),
            ("db-prod-1", "instance identifier"),
            ("mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com", "endpoint name"),
            ("arn:aws:rds:us-east-1:123456789012:cluster:mydb", "is an ARN"),
            ("db-*", "wildcard"),
            ("db-ABC", "followed by 10-64"),
            ("prx-abc_def_ghi_jkl", "followed by 10-64"),
        ];
        for (bad, why) in cases {
            let e = validate_rds_resource_id(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidResourceId, "{bad}");
            assert!(e.message().contains(why), "{bad}: {}", e.message());
        }
        assert!(validate_rds_resource_id("mydb").unwrap_err().message().contains("describe-db-clusters"));
    }

    #[test]
    fn partitions() {
        assert_eq!(partition_for_region("us-east-1"), "aws");
        assert_eq!(partition_for_region("cn-north-1"), "aws-cn");
        assert_eq!(partition_for_region("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_for_region("us-iso-east-1"), "aws-iso");
        assert_eq!(partition_for_region("us-isob-east-1"), "aws-iso-b");
    }

    #[test]
    fn dsql_hostname_to_arn() {
        let host = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
        let (id, region) = dsql_cluster_from_hostname(host).unwrap();
        assert_eq!((id.as_str(), region.as_str()), ("abcdefghijklmnopqrstuvwxyz", "us-east-1"));
        assert_eq!(
            dsql_cluster_arn(&region, "123456789012", &id).unwrap(),
            "arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz"
        );
        let (id, region) = dsql_cluster_from_hostname("ABCDEFGHIJKLMNOPQRSTUVWXY2.dsql-fnh4.eu-west-1.on.aws").unwrap();
        assert_eq!((id.as_str(), region.as_str()), ("abcdefghijklmnopqrstuvwxy2", "eu-west-1"));
        assert_eq!(code(dsql_cluster_from_hostname("mydb.cluster-x.us-east-1.rds.amazonaws.com")), ErrorCode::InvalidHostname);
        assert_eq!(code(dsql_cluster_from_hostname("short.dsql.us-east-1.on.aws")), ErrorCode::InvalidResourceId);
        assert_eq!(code(dsql_cluster_from_hostname("")), ErrorCode::InvalidHostname);
        assert_eq!(code(dsql_cluster_arn("us-east-1", "123456789012", "x.dsql")), ErrorCode::InvalidResourceId);
    }

    #[test]
    fn user_escapes_and_validation() {
        assert_eq!(DbUser::Exact("a*b?c$d").arn_text(), "a${*}b${?}c${$}d");
        assert_eq!(DbUser::Pattern("app_*?$").arn_text(), "app_*?${$}");
        assert_eq!(DbUser::Exact("o'brien \"x\" é/ü").arn_text(), "o'brien \"x\" é/ü");
        for bad in ["", "a\0b", "a\nb"] {
            assert_eq!(DbUser::Exact(bad).validate().unwrap_err().code(), ErrorCode::InvalidUsername);
        }
        assert_eq!(DbUser::Pattern(&"x".repeat(1025)).validate().unwrap_err().code(), ErrorCode::InvalidUsername);
    }

    #[test]
    fn each_arn_part_has_its_own_error() {
        let user = DbUser::Exact("app");
        assert_eq!(
            rds_db_user_arn("us-east-1", "123456789012", DB, user).unwrap(),
            format!("arn:aws:rds-db:us-east-1:123456789012:dbuser:{DB}/app")
        );
        assert_eq!(code(rds_db_user_arn("us-east-1a", "123456789012", DB, user)), ErrorCode::InvalidRegion);
        assert_eq!(code(rds_db_user_arn("us-east-1", "12345", DB, user)), ErrorCode::InvalidAccountId);
        assert_eq!(code(rds_db_user_arn("us-east-1", "123456789012", "mydb", user)), ErrorCode::InvalidResourceId);
        assert_eq!(code(rds_db_user_arn("us-east-1", "123456789012", DB, DbUser::Exact(""))), ErrorCode::InvalidUsername);
        assert!(rds_db_user_arn("cn-north-1", "123456789012", DB, user).unwrap().starts_with("arn:aws-cn:rds-db:cn-north-1:"));
    }

    #[test]
    fn role_arns() {
        validate_iam_role_arn("arn:aws:iam::123456789012:role/app").unwrap();
        validate_iam_role_arn("arn:aws-cn:iam::123456789012:role/path/to/app+x=y,z.w@v_u-t").unwrap();
        let cases = [
            ("role/app", ErrorCode::InvalidArn),
            ("arn:aws:iam::123456789012:user/app", ErrorCode::InvalidArn),
            ("arn:aws:sts::123456789012:assumed-role/app/s", ErrorCode::InvalidArn),
            ("arn:aws:iam:us-east-1:123456789012:role/app", ErrorCode::InvalidArn),
            ("arn:awz:iam::123456789012:role/app", ErrorCode::InvalidArn),
            ("arn:aws:iam::12345:role/app", ErrorCode::InvalidAccountId),
            ("arn:aws:iam::123456789012:role/a'pp", ErrorCode::InvalidArn),
            ("arn:aws:iam::123456789012:role/", ErrorCode::InvalidArn),
        ];
        for (arn, want) in cases {
            assert_eq!(code(validate_iam_role_arn(arn)), want, "{arn}");
        }
    }
}
