//! Reading an identity policy back: which databases and users it lets a principal connect to
//! (`rds-db:connect`, `dsql:DbConnect`, `dsql:DbConnectAdmin`), what in it can never match,
//! and why one particular login would be refused.
//!
//! Evaluation follows IAM's rules for one identity policy: an explicit `Deny` wins, then any
//! `Allow`, else the request is implicitly denied. `Action`/`NotAction` and
//! `Resource`/`NotResource` with `*`/`?` wildcards are evaluated; `Condition` blocks and policy
//! variables (`${aws:username}`) cannot be evaluated offline and make the outcome
//! `conditional`. Permission boundaries, SCPs and session policies are not seen here.

use serde_json::Value;

use crate::diagnose::Severity;
use crate::error::{quoted, Error, ErrorCode, Result};
use crate::parse::ParsedToken;
use crate::policy::arn::{dsql_cluster_from_hostname, partition_for_region, validate_account_id, validate_dsql_cluster_id, validate_rds_resource_id, DbUser, PARTITIONS};
use crate::policy::document::ConnectAction;
use crate::policy::glob::Pattern;
use crate::policy::json::{opt_string, string as js};
use crate::region::validate_region;
use crate::request::TokenKind;

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// The statement grants.
    Allow,
    /// The statement refuses (and wins over any `Allow`).
    Deny,
}

impl Effect {
    /// `"Allow"` or `"Deny"`.
    pub const fn name(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One (action, resource) a statement allows or denies, with the ARN's parts as written
/// (wildcards kept). Parts are `None` when the resource is `*` or does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// Index of the statement in the document (0-based).
    pub statement: usize,
    /// The statement's `Sid`, if any.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// The connect action this grant is about.
    pub action: ConnectAction,
    /// The resource text as written in the policy.
    pub resource: String,
    /// True when it comes from `NotResource`: everything *except* `resource`.
    pub not_resource: bool,
    /// True when the action is covered through `NotAction` (everything except the listed actions).
    pub via_not_action: bool,
    /// True when the statement has a `Condition` or the resource a policy variable.
    pub conditional: bool,
    /// ARN partition (`aws`, …).
    pub partition: Option<String>,
    /// Region part.
    pub region: Option<String>,
    /// Account part.
    pub account_id: Option<String>,
    /// `rds-db`: the resource id (`db-…`, `cluster-…`, `prx-…`); DSQL: the cluster id.
    pub resource_id: Option<String>,
    /// `rds-db` only: the database user (escapes decoded when it is not a pattern).
    pub user: Option<String>,
    /// True when `user` is a wildcard pattern.
    pub user_is_pattern: bool,
}

/// Something in the policy worth knowing: a part that can never match, a broad grant, an
/// element that cannot be evaluated offline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyNote {
    /// The statement it is about (`None`: the whole document).
    pub statement: Option<usize>,
    /// `Error`: this part can never allow a real login; `Warning`: works, but look again.
    pub severity: Severity,
    /// An error code name (`INVALID_RESOURCE_ID`, …) or a note name (`NOT_ACTION`, `CONDITION`, …).
    pub code: &'static str,
    /// What and why, naming the part.
    pub message: String,
}

/// What a policy says about database logins.
#[derive(Clone, Debug)]
pub struct PolicyExplanation {
    /// Number of statements.
    pub statements: usize,
    /// Every (action, resource) grant or denial for the connect actions, in document order.
    pub grants: Vec<Grant>,
    /// Findings, in document order.
    pub notes: Vec<PolicyNote>,
    /// Raw statement data kept for evaluation.
    evaluated: Vec<Statement>,
    variables: bool,
}

#[derive(Clone, Debug)]
struct Statement {
    effect: Effect,
    sid: Option<String>,
    actions: Vec<String>,
    not_action: bool,
    resources: Vec<String>,
    not_resource: bool,
    condition: bool,
}

/// A login to check against a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectRequest {
    /// The action the login needs.
    pub action: ConnectAction,
    /// Region of the database.
    pub region: String,
    /// Account that owns the database.
    pub account_id: String,
    /// RDS resource id (`db-…`, `cluster-…`, `prx-…`) or DSQL cluster id.
    pub resource_id: String,
    /// The database user (RDS only).
    pub user: Option<String>,
}

impl ConnectRequest {
    /// An `rds-db:connect` login as `user` to the database `resource_id`; every part validated.
    pub fn rds(region: &str, account_id: &str, resource_id: &str, user: &str) -> Result<ConnectRequest> {
        validate_region(region)?;
        validate_account_id(account_id)?;
        validate_rds_resource_id(resource_id)?;
        DbUser::Exact(user).validate()?;
        Ok(ConnectRequest {
            action: ConnectAction::RdsConnect,
            region: region.into(),
            account_id: account_id.into(),
            resource_id: resource_id.into(),
            user: Some(user.into()),
        })
    }

    /// A DSQL login (`admin`: as the `admin` role) to cluster `cluster_id`.
    pub fn dsql(region: &str, account_id: &str, cluster_id: &str, admin: bool) -> Result<ConnectRequest> {
        validate_region(region)?;
        validate_account_id(account_id)?;
        validate_dsql_cluster_id(cluster_id)?;
        Ok(ConnectRequest {
            action: if admin { ConnectAction::DsqlConnectAdmin } else { ConnectAction::DsqlConnect },
            region: region.into(),
            account_id: account_id.into(),
            resource_id: cluster_id.into(),
            user: None,
        })
    }

    /// The login a token is for: region, user and kind from the token; the DSQL cluster id
    /// from its host. RDS tokens do not name the resource id: pass it as `resource_id`.
    pub fn from_token(token: &ParsedToken, account_id: &str, resource_id: Option<&str>) -> Result<ConnectRequest> {
        match token.kind() {
            TokenKind::Rds => {
                let Some(resource_id) = resource_id else {
                    return Err(Error::new(
                        ErrorCode::InvalidResourceId,
                        "an RDS token does not name the database's resource id: give it (db-…, cluster-…, prx-…)",
                    ));
                };
                Self::rds(token.region(), account_id, resource_id, token.username().unwrap_or_default())
            }
            kind => {
                let (cluster_id, _) = dsql_cluster_from_hostname(token.hostname())?;
                let cluster_id = resource_id.map_or(cluster_id, str::to_string);
                Self::dsql(token.region(), account_id, &cluster_id, kind == TokenKind::DsqlAdmin)
            }
        }
    }

    /// The ARN IAM checks for this login.
    pub fn arn(&self) -> String {
        let partition = partition_for_region(&self.region);
        match self.action {
            ConnectAction::RdsConnect => format!(
                "arn:{partition}:rds-db:{}:{}:dbuser:{}/{}",
                self.region,
                self.account_id,
                self.resource_id,
                self.user.as_deref().unwrap_or_default()
            ),
            _ => format!("arn:{partition}:dsql:{}:{}:cluster/{}", self.region, self.account_id, self.resource_id),
        }
    }
}

/// How IAM would decide a login, as far as one policy can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// An `Allow` statement matches and no `Deny` does.
    Allowed,
    /// A `Deny` statement matches.
    ExplicitDeny,
    /// No statement allows it.
    ImplicitDeny,
    /// Only statements with a `Condition` or a policy variable could allow (or deny) it.
    Conditional,
}

impl Outcome {
    /// `allowed`, `explicit_deny`, `implicit_deny` or `conditional`.
    pub const fn name(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::ExplicitDeny => "explicit_deny",
            Outcome::ImplicitDeny => "implicit_deny",
            Outcome::Conditional => "conditional",
        }
    }
}

/// The answer for one [`ConnectRequest`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Allowed, denied, or depends on conditions.
    pub outcome: Outcome,
    /// The action checked.
    pub action: ConnectAction,
    /// The ARN checked.
    pub resource: String,
    /// The statement that decided (the matching `Deny`, else the matching `Allow`).
    pub statement: Option<usize>,
    /// One sentence: why. For an implicit deny it names the closest grant and the part that
    /// differs (the classic: a cluster identifier where the resource id belongs).
    pub reason: String,
}

impl Decision {
    /// True only when the policy certainly allows the login.
    pub fn allowed(&self) -> bool {
        self.outcome == Outcome::Allowed
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidPolicy, message)
}

fn strings(value: &Value, what: &str) -> Result<Vec<String>> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(|| invalid(format!("{what} must be a string or a list of strings"))))
            .collect(),
        _ => Err(invalid(format!("{what} must be a string or a non-empty list of strings"))),
    }
}

/// Reads a policy document (JSON) and explains what it lets a principal connect to.
/// `INVALID_POLICY` when the text is not JSON or an element has a shape IAM would refuse.
pub fn explain_policy(policy_json: &str) -> Result<PolicyExplanation> {
    let doc: Value = serde_json::from_str(policy_json).map_err(|e| invalid(format!("the policy is not valid JSON: {e}")))?;
    let Value::Object(doc) = doc else {
        return Err(invalid("a policy document is a JSON object with Version and Statement".into()));
    };
    let mut notes = Vec::new();
    for key in doc.keys() {
        if !["Version", "Id", "Statement"].contains(&key.as_str()) {
            return Err(invalid(format!("unknown top-level element {} (known: Version, Id, Statement)", quoted(key))));
        }
    }
    let variables = match doc.get("Version") {
        Some(Value::String(v)) if v == "2012-10-17" => true,
        Some(Value::String(v)) if v == "2008-10-17" => {
            notes.push(PolicyNote {
                statement: None,
                severity: Severity::Warning,
                code: "OLD_VERSION",
                message: "Version 2008-10-17: policy variables and the escapes ${*} ${?} ${$} are read literally; use 2012-10-17".into(),
            });
            false
        }
        None => {
            notes.push(PolicyNote {
                statement: None,
                severity: Severity::Warning,
                code: "NO_VERSION",
                message: "no Version: IAM reads it as 2008-10-17 (policy variables and ${*} escapes are literal); add \"Version\": \"2012-10-17\"".into(),
            });
            false
        }
        Some(v) => return Err(invalid(format!("Version {v} is not \"2012-10-17\" or \"2008-10-17\""))),
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => return Err(invalid("Statement must be an object or a list of objects".into())),
    };
    let mut evaluated = Vec::new();
    for (i, value) in statements.iter().enumerate() {
        let Value::Object(st) = value else {
            return Err(invalid(format!("statement {i} is not a JSON object")));
        };
        let field = |name: &str| st.get(name);
        for key in st.keys() {
            if !["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"].contains(&key.as_str()) {
                return Err(invalid(format!("statement {i}: unknown element {}", quoted(key))));
            }
        }
        let effect = match field("Effect") {
            Some(Value::String(e)) if e == "Allow" => Effect::Allow,
            Some(Value::String(e)) if e == "Deny" => Effect::Deny,
            _ => return Err(invalid(format!("statement {i}: Effect must be \"Allow\" or \"Deny\" (case-sensitive)"))),
        };
        let sid = match field("Sid") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(invalid(format!("statement {i}: Sid must be a string"))),
        };
        let (actions, not_action) = match (field("Action"), field("NotAction")) {
            (Some(a), None) => (strings(a, &format!("statement {i}: Action"))?, false),
            (None, Some(a)) => (strings(a, &format!("statement {i}: NotAction"))?, true),
            _ => return Err(invalid(format!("statement {i}: needs exactly one of Action and NotAction"))),
        };
        let (resources, not_resource) = match (field("Resource"), field("NotResource")) {
            (Some(r), None) => (strings(r, &format!("statement {i}: Resource"))?, false),
            (None, Some(r)) => (strings(r, &format!("statement {i}: NotResource"))?, true),
            _ => return Err(invalid(format!("statement {i}: needs exactly one of Resource and NotResource"))),
        };
        let condition = match field("Condition") {
            None => false,
            Some(Value::Object(c)) => {
                let keys: Vec<&str> = c.values().filter_map(Value::as_object).flat_map(|m| m.keys().map(String::as_str)).collect();
                notes.push(PolicyNote {
                    statement: Some(i),
                    severity: Severity::Warning,
                    code: "CONDITION",
                    message: format!("statement {i} applies only when its Condition holds ({}); not evaluated offline", keys.join(", ")),
                });
                true
            }
            Some(_) => return Err(invalid(format!("statement {i}: Condition must be an object"))),
        };
        if field("Principal").is_some() || field("NotPrincipal").is_some() {
            notes.push(PolicyNote {
                statement: Some(i),
                severity: Severity::Warning,
                code: "PRINCIPAL",
                message: format!("statement {i} has a Principal: that belongs in resource policies; an identity policy attached to a role or user must not have one"),
            });
        }
        evaluated.push(Statement { effect, sid, actions, not_action, resources, not_resource, condition });
    }
    let mut explanation = PolicyExplanation { statements: evaluated.len(), grants: Vec::new(), notes, evaluated, variables };
    explanation.collect_grants();
    Ok(explanation)
}

fn action_covered(st: &Statement, action: ConnectAction) -> bool {
    let any = st.actions.iter().any(|a| Pattern::new(a, false).matches(action.name(), true));
    any != st.not_action
}

fn service_of(action: ConnectAction) -> &'static str {
    match action {
        ConnectAction::RdsConnect => "rds-db",
        _ => "dsql",
    }
}

/// Matches an ARN pattern against an ARN part by part (a wildcard does not cross `:` before
/// the resource part; the resource part is matched whole, `/` included).
fn arn_matches(pattern: &str, arn: &str, variables: bool) -> (bool, bool) {
    if pattern == "*" {
        return (true, false);
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    let mut uses_variable = false;
    if p.len() != 6 {
        let pat = Pattern::new(pattern, variables);
        return (pat.matches(arn, false), pat.variable.is_some());
    }
    let all = p.iter().zip(&a).all(|(p, a)| {
        let pat = Pattern::new(p, variables);
        uses_variable |= pat.variable.is_some();
        pat.matches(a, false)
    });
    (all, uses_variable)
}

impl PolicyExplanation {
    fn note(&mut self, statement: usize, severity: Severity, code: &'static str, message: String) {
        self.notes.push(PolicyNote { statement: Some(statement), severity, code, message });
    }

    fn collect_grants(&mut self) {
        let statements = self.evaluated.clone();
        for (i, st) in statements.iter().enumerate() {
            let mut covered_any = false;
            for action in ConnectAction::ALL {
                if !action_covered(st, action) {
                    continue;
                }
                covered_any = true;
                if st.not_action && st.effect == Effect::Allow {
                    self.note(i, Severity::Warning, "NOT_ACTION", format!(
                        "statement {i} allows {} through NotAction (every action except {}): far broader than least privilege",
                        action.name(), st.actions.join(", ")));
                }
                if st.not_resource && st.effect == Effect::Allow {
                    self.note(i, Severity::Warning, "NOT_RESOURCE", format!(
                        "statement {i} allows {} on every resource except {} (NotResource)", action.name(), st.resources.join(", ")));
                }
                for resource in &st.resources {
                    if let Some(grant) = self.grant(i, st, action, resource) {
                        self.grants.push(grant);
                    }
                }
            }
            if !covered_any {
                for a in &st.actions {
                    let lower = a.to_ascii_lowercase();
                    if !st.not_action && (lower.starts_with("rds:") || lower == "rds-db:connectadmin" || lower.starts_with("dsql:connect")) {
                        self.note(i, Severity::Error, "WRONG_ACTION", format!(
                            "statement {i}: action {} does not include rds-db:connect, dsql:DbConnect or dsql:DbConnectAdmin (IAM database login uses those)", quoted(a)));
                    }
                }
            }
        }
    }

    fn grant(&mut self, i: usize, st: &Statement, action: ConnectAction, resource: &str) -> Option<Grant> {
        let mut grant = Grant {
            statement: i,
            sid: st.sid.clone(),
            effect: st.effect,
            action,
            resource: resource.to_string(),
            not_resource: st.not_resource,
            via_not_action: st.not_action,
            conditional: st.condition,
            partition: None,
            region: None,
            account_id: None,
            resource_id: None,
            user: None,
            user_is_pattern: false,
        };
        if resource == "*" {
            if st.effect == Effect::Allow && !st.not_resource {
                self.note(i, Severity::Warning, "ANY_RESOURCE", format!(
                    "statement {i} allows {} on every resource (\"*\"): every database user of every database", action.name()));
            }
            return Some(grant);
        }
        let parts: Vec<&str> = resource.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            self.note(i, Severity::Error, ErrorCode::InvalidArn.name(), format!(
                "statement {i}: resource {} is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)", quoted(resource)));
            return Some(grant);
        }
        let service = Pattern::new(parts[2], self.variables);
        if !service.matches(service_of(action), false) {
            if parts[2] == "rds" && action == ConnectAction::RdsConnect && st.effect == Effect::Allow {
                self.note(i, Severity::Error, ErrorCode::InvalidArn.name(), format!(
                    "statement {i}: {} is an rds ARN (the cluster or instance itself); rds-db:connect is checked against \
                     arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>", quoted(resource)));
            }
            return None;
        }
        let lit = |p: &str| !Pattern::new(p, self.variables).is_wild();
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        if lit(parts[1]) && !PARTITIONS.contains(&parts[1]) {
            problems.push((ErrorCode::InvalidArn.name(), format!("unknown partition {}", quoted(parts[1]))));
        }
        if lit(parts[3]) {
            if let Err(e) = validate_region(parts[3]) {
                problems.push((e.code().name(), e.message().to_string()));
            } else if lit(parts[1]) && partition_for_region(parts[3]) != parts[1] {
                problems.push((ErrorCode::InvalidArn.name(), format!("region {} is in partition {}, not {}", parts[3], partition_for_region(parts[3]), parts[1])));
            }
        }
        if lit(parts[4]) {
            if let Err(e) = validate_account_id(parts[4]) {
                problems.push((e.code().name(), e.message().to_string()));
            }
        }
        grant.partition = Some(parts[1].into());
        grant.region = Some(parts[3].into());
        grant.account_id = Some(parts[4].into());
        let rest = parts[5];
        match action {
            ConnectAction::RdsConnect => {
                let body = rest.strip_prefix("dbuser:");
                match body.and_then(|b| b.split_once('/')) {
                    Some((id, user)) => {
                        if lit(id) {
                            if let Err(e) = validate_rds_resource_id(id) {
                                problems.push((e.code().name(), e.message().to_string()));
                            }
                        }
                        let pattern = Pattern::new(user, self.variables);
                        grant.user_is_pattern = pattern.is_wild();
                        grant.user = Some(if grant.user_is_pattern { user.to_string() } else { pattern.literal() });
                        grant.resource_id = Some(id.into());
                        if let Some(var) = pattern.variable {
                            grant.conditional = true;
                            problems.push(("POLICY_VARIABLE", format!("user {var} is a policy variable: resolved per request, not evaluated offline")));
                        }
                    }
                    None if !lit(rest) => {}
                    None => problems.push((ErrorCode::InvalidArn.name(), format!(
                        "resource part {} is not dbuser:<resource id>/<database user>", quoted(rest)))),
                }
            }
            _ => match rest.strip_prefix("cluster/") {
                Some(id) => {
                    if lit(id) {
                        if let Err(e) = validate_dsql_cluster_id(id) {
                            problems.push((e.code().name(), e.message().to_string()));
                        }
                    }
                    grant.resource_id = Some(id.into());
                }
                None if !lit(rest) => {}
                None => problems.push((ErrorCode::InvalidArn.name(), format!("resource part {} is not cluster/<cluster id>", quoted(rest)))),
            },
        }
        for (code, message) in problems {
            let severity = if code == "POLICY_VARIABLE" { Severity::Warning } else { Severity::Error };
            let what = if severity == Severity::Error { "can never match a real login" } else { "" };
            self.note(i, severity, code, format!("statement {i}: resource {}{}: {message}", quoted(resource), if what.is_empty() { String::new() } else { format!(" {what}") }));
        }
        Some(grant)
    }

    /// How IAM would decide `request` under this policy alone.
    pub fn evaluate(&self, request: &ConnectRequest) -> Decision {
        let arn = request.arn();
        let action = request.action;
        let mut allow: Option<usize> = None;
        let mut conditional: Option<usize> = None;
        for (i, st) in self.evaluated.iter().enumerate() {
            if !action_covered(st, action) {
                continue;
            }
            let mut matched = false;
            let mut variable = false;
            for r in &st.resources {
                let (m, v) = arn_matches(r, &arn, self.variables);
                if m {
                    matched = true;
                    variable |= v;
                }
            }
            if st.not_resource {
                matched = !matched;
            }
            if !matched {
                continue;
            }
            let uncertain = st.condition || variable;
            match (st.effect, uncertain) {
                (Effect::Deny, false) => {
                    return Decision {
                        outcome: Outcome::ExplicitDeny,
                        action,
                        resource: arn,
                        statement: Some(i),
                        reason: format!("statement {i}{} explicitly denies {} on this resource (a Deny wins over every Allow)", sid_text(st), action.name()),
                    };
                }
                (Effect::Allow, false) => {
                    allow.get_or_insert(i);
                }
                (_, true) => {
                    conditional.get_or_insert(i);
                }
            }
        }
        if let Some(i) = conditional {
            let st = &self.evaluated[i];
            return Decision {
                outcome: Outcome::Conditional,
                action,
                resource: arn,
                statement: Some(i),
                reason: format!(
                    "statement {i}{} {} {} only under its Condition or policy variable, which is not evaluated offline{}",
                    sid_text(st),
                    if st.effect == Effect::Allow { "allows" } else { "denies" },
                    action.name(),
                    if allow.is_some() { " (another statement allows it unconditionally)" } else { "" }
                ),
            };
        }
        if let Some(i) = allow {
            return Decision {
                outcome: Outcome::Allowed,
                action,
                resource: arn,
                statement: Some(i),
                reason: format!("statement {i}{} allows {} on this resource", sid_text(&self.evaluated[i]), action.name()),
            };
        }
        Decision { outcome: Outcome::ImplicitDeny, action, reason: self.closest_miss(request, &arn), resource: arn, statement: None }
    }

    /// The sentence for an implicit deny: the Allow grant that differs in the fewest parts.
    fn closest_miss(&self, request: &ConnectRequest, arn: &str) -> String {
        let head = format!("no statement allows {} on {arn}", request.action.name());
        let mut best: Option<(usize, &Grant, Vec<String>)> = None;
        for g in self.grants.iter().filter(|g| g.effect == Effect::Allow && g.action == request.action && !g.not_resource) {
            let (Some(region), Some(account), Some(id)) = (&g.region, &g.account_id, &g.resource_id) else { continue };
            let mut diffs = Vec::new();
            let check = |label: &str, policy: &str, wanted: &str, diffs: &mut Vec<String>| {
                if !Pattern::new(policy, self.variables).matches(wanted, false) {
                    let case = if Pattern::new(policy, self.variables).matches(wanted, true) { " (they differ only in case: ARNs and user names are case-sensitive)" } else { "" };
                    diffs.push(format!("{label} {} in the policy, {} in the login{case}", quoted(policy), quoted(wanted)));
                }
            };
            check("partition", g.partition.as_deref().unwrap_or_default(), partition_for_region(&request.region), &mut diffs);
            check("region", region, &request.region, &mut diffs);
            check("account", account, &request.account_id, &mut diffs);
            if Pattern::new(id, self.variables).matches(&request.resource_id, false) {
            } else {
                let hint = if !Pattern::new(id, self.variables).is_wild() {
                    validate_rds_resource_id_or_cluster(request.action, id).err().map(|e| format!(": {}", e.message())).unwrap_or_default()
                } else {
                    String::new()
                };
                diffs.push(format!("resource id {} in the policy, {} in the login{hint}", quoted(id), quoted(&request.resource_id)));
            }
            if let (Some(user), Some(wanted)) = (&g.user, &request.user) {
                let pattern_text = if g.user_is_pattern { user.clone() } else { DbUser::Exact(user).arn_text() };
                check("user", &pattern_text, wanted, &mut diffs);
                if let Some(last) = diffs.last_mut() {
                    if last.starts_with("user ") && !g.user_is_pattern {
                        *last = last.replacen(&quoted(&pattern_text), &quoted(user), 1);
                    }
                }
            }
            if best.as_ref().is_none_or(|(n, _, _)| diffs.len() < *n) {
                best = Some((diffs.len(), g, diffs));
            }
        }
        match best {
            None => format!("{head}: the policy has no Allow statement for {}", request.action.name()),
            Some((_, g, diffs)) => format!(
                "{head}; the closest grant, statement {}{} ({}), differs in {}",
                g.statement,
                g.sid.as_ref().map(|s| format!(" (Sid {s})")).unwrap_or_default(),
                g.resource,
                if diffs.is_empty() { "nothing the offline check can see".to_string() } else { diffs.join("; ") }
            ),
        }
    }

    /// The explanation (and, if given, a decision) as one JSON object (2-space indented).
    pub fn to_json(&self, decision: Option<&Decision>) -> String {
        let grants: Vec<String> = self
            .grants
            .iter()
            .map(|g| {
                format!(
                    "    {{\"statement\": {}, \"sid\": {}, \"effect\": {}, \"action\": {}, \"resource\": {}, \"not_resource\": {}, \
                     \"via_not_action\": {}, \"conditional\": {}, \"partition\": {}, \"region\": {}, \"account_id\": {}, \
                     \"resource_id\": {}, \"user\": {}, \"user_is_pattern\": {}}}",
                    g.statement,
                    opt_string(g.sid.as_deref()),
                    js(g.effect.name()),
                    js(g.action.name()),
                    js(&g.resource),
                    g.not_resource,
                    g.via_not_action,
                    g.conditional,
                    opt_string(g.partition.as_deref()),
                    opt_string(g.region.as_deref()),
                    opt_string(g.account_id.as_deref()),
                    opt_string(g.resource_id.as_deref()),
                    opt_string(g.user.as_deref()),
                    g.user_is_pattern
                )
            })
            .collect();
        let notes: Vec<String> = self
            .notes
            .iter()
            .map(|n| {
                format!(
                    "    {{\"statement\": {}, \"severity\": {}, \"code\": {}, \"message\": {}}}",
                    n.statement.map_or_else(|| "null".to_string(), |s| s.to_string()),
                    js(n.severity.name()),
                    js(n.code),
                    js(&n.message)
                )
            })
            .collect();
        let list = |items: &[String]| if items.is_empty() { "[]".to_string() } else { format!("[\n{}\n  ]", items.join(",\n")) };
        let mut out = format!("{{\n  \"statements\": {},\n  \"grants\": {},\n  \"notes\": {}", self.statements, list(&grants), list(&notes));
        if let Some(d) = decision {
            out.push_str(&format!(
                ",\n  \"decision\": {{\"allowed\": {}, \"outcome\": {}, \"action\": {}, \"resource\": {}, \"statement\": {}, \"reason\": {}}}",
                d.allowed(),
                js(d.outcome.name()),
                js(d.action.name()),
                js(&d.resource),
                d.statement.map_or_else(|| "null".to_string(), |s| s.to_string()),
                js(&d.reason)
            ));
        }
        out.push_str("\n}\n");
        out
    }
}

fn validate_rds_resource_id_or_cluster(action: ConnectAction, id: &str) -> Result<()> {
    match action {
        ConnectAction::RdsConnect => validate_rds_resource_id(id).map(|_| ()),
        _ => validate_dsql_cluster_id(id),
    }
}

fn sid_text(st: &Statement) -> String {
    st.sid.as_ref().map(|s| format!(" (Sid {s})")).unwrap_or_default()
}

/// Explains `policy_json` and, with `request`, decides that login: the JSON of
/// [`PolicyExplanation::to_json`]. The one call the language bindings and the CLI make.
pub fn explain_policy_json(policy_json: &str, request: Option<&ConnectRequest>) -> Result<String> {
    let explanation = explain_policy(policy_json)?;
    let decision = request.map(|r| explanation.evaluate(r));
    Ok(explanation.to_json(decision.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::document::{rds_connect_policy, PolicyBuilder};

    const DB: &str = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const CLUSTER: &str = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const ACCOUNT: &str = "123456789012";

    fn rds(user: &str, id: &str) -> ConnectRequest {
        ConnectRequest::rds("us-east-1", ACCOUNT, id, user).unwrap()
    }

    #[test]
    fn round_trip_through_the_builder() {
        let mut b = PolicyBuilder::new();
        b.rds_connect("us-east-1", ACCOUNT, CLUSTER, &[DbUser::Exact("app_user"), DbUser::Exact("a*b"), DbUser::Pattern("ro_*")]).unwrap();
        b.dsql_connect("us-east-1", ACCOUNT, "abcdefghijklmnopqrstuvwxyz", true).unwrap();
        let e = explain_policy(&b.to_json().unwrap()).unwrap();
        assert!(e.notes.is_empty(), "{:?}", e.notes);
        let pairs: Vec<(Option<&str>, Option<&str>, bool)> =
            e.grants.iter().map(|g| (g.resource_id.as_deref(), g.user.as_deref(), g.user_is_pattern)).collect();
        assert_eq!(
            pairs,
            vec![
                (Some(CLUSTER), Some("app_user"), false),
                (Some(CLUSTER), Some("a*b"), false),
                (Some(CLUSTER), Some("ro_*"), true),
                (Some("abcdefghijklmnopqrstuvwxyz"), None, false)
            ]
        );
        assert_eq!(e.grants[3].action, ConnectAction::DsqlConnectAdmin);
        assert!(e.evaluate(&rds("app_user", CLUSTER)).allowed());
        assert!(e.evaluate(&rds("a*b", CLUSTER)).allowed());
        assert!(!e.evaluate(&rds("axb", CLUSTER)).allowed());
        assert!(e.evaluate(&rds("ro_reports", CLUSTER)).allowed());
        assert!(!e.evaluate(&rds("app_user", DB)).allowed());
        assert!(e.evaluate(&ConnectRequest::dsql("us-east-1", ACCOUNT, "abcdefghijklmnopqrstuvwxyz", true).unwrap()).allowed());
        assert_eq!(e.evaluate(&ConnectRequest::dsql("us-east-1", ACCOUNT, "abcdefghijklmnopqrstuvwxyz", false).unwrap()).outcome, Outcome::ImplicitDeny);
    }

    #[test]
    fn the_classic_cluster_identifier_instead_of_the_resource_id() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect",
            "Resource": "arn:aws:rds-db:us-east-1:123456789012:dbuser:my-aurora-cluster/app_user"}]}"#;
        let e = explain_policy(policy).unwrap();
        assert_eq!(e.notes.len(), 1);
        assert_eq!(e.notes[0].code, "INVALID_RESOURCE_ID");
        assert_eq!(e.notes[0].severity, Severity::Error);
        let d = e.evaluate(&rds("app_user", CLUSTER));
        assert_eq!(d.outcome, Outcome::ImplicitDeny);
        assert!(d.reason.contains("resource id \"my-aurora-cluster\" in the policy"), "{}", d.reason);
        assert!(d.reason.contains("cluster identifier"), "{}", d.reason);
        assert!(!d.reason.contains("user "), "{}", d.reason);
    }

    #[test]
    fn reasons_name_the_differing_part() {
        let json = rds_connect_policy("us-east-1", ACCOUNT, &[CLUSTER], &[DbUser::Exact("App")]).unwrap();
        let e = explain_policy(&json).unwrap();
        let d = e.evaluate(&rds("app", CLUSTER));
        assert!(d.reason.contains("user \"App\" in the policy, \"app\" in the login (they differ only in case"), "{}", d.reason);
        let d = e.evaluate(&ConnectRequest::rds("eu-west-1", ACCOUNT, CLUSTER, "App").unwrap());
        assert!(d.reason.contains("region \"us-east-1\" in the policy, \"eu-west-1\""), "{}", d.reason);
        let d = e.evaluate(&ConnectRequest::rds("us-east-1", "210987654321", CLUSTER, "App").unwrap());
        assert!(d.reason.contains("account"), "{}", d.reason);
    }

    #[test]
    fn deny_wildcards_not_action_not_resource_conditions() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "All", "Effect": "Allow", "Action": "rds-db:*", "Resource": "arn:aws:rds-db:*:123456789012:dbuser:*/*"},
            {"Sid": "NoAdmin", "Effect": "Deny", "Action": ["RDS-DB:Connect"], "Resource": "arn:aws:rds-db:*:*:dbuser:*/admin"},
            {"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz"},
            {"Effect": "Allow", "Action": "rds-db:connect", "Resource": "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/${aws:username}"},
            {"Effect": "Allow", "Action": "rds:*", "Resource": "*"}
        ]}"#;
        let e = explain_policy(policy).unwrap();
        assert!(e.evaluate(&rds("app", CLUSTER)).allowed());
        let d = e.evaluate(&rds("admin", CLUSTER));
        assert_eq!((d.outcome, d.statement), (Outcome::ExplicitDeny, Some(1)));
        assert!(d.reason.contains("Sid NoAdmin"));
        let dsql = |id: &str| e.evaluate(&ConnectRequest::dsql("us-east-1", ACCOUNT, id, false).unwrap());
        assert_eq!(dsql("abcdefghijklmnopqrstuvwxyz").outcome, Outcome::ImplicitDeny);
        assert_eq!(dsql("zyxwvutsrqponmlkjihgfedcba").outcome, Outcome::Allowed);
        let codes: Vec<&str> = e.notes.iter().map(|n| n.code).collect();
        for want in ["NOT_ACTION", "NOT_RESOURCE", "POLICY_VARIABLE", "WRONG_ACTION"] {
            assert!(codes.contains(&want), "{want} in {codes:?}");
        }
        // The statement with a variable makes a login it could match conditional, not allowed.
        let only_var = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "rds-db:connect",
            "Resource": "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/${aws:username}"}}"#;
        assert_eq!(explain_policy(only_var).unwrap().evaluate(&rds("bob", DB)).outcome, Outcome::Conditional);
        let cond = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "rds-db:connect", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}}"#;
        let e = explain_policy(cond).unwrap();
        assert_eq!(e.evaluate(&rds("bob", DB)).outcome, Outcome::Conditional);
        assert!(e.notes.iter().any(|n| n.code == "CONDITION" && n.message.contains("aws:SourceIp")));
    }

    #[test]
    fn rds_arn_instead_of_rds_db_and_bad_parts() {
        let policy = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "rds-db:connect", "Resource": [
            "arn:aws:rds:us-east-1:123456789012:cluster:mydb",
            "arn:aws:rds-db:us-east-1a:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/u",
            "arn:aws:rds-db:us-east-1:1234:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/u",
            "arn:aws-cn:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/u",
            "arn:aws:rds-db:us-east-1:123456789012:db:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "rds-db:connect"]}}"#;
        let e = explain_policy(policy).unwrap();
        let codes: Vec<&str> = e.notes.iter().map(|n| n.code).collect();
        assert_eq!(codes, ["INVALID_ARN", "INVALID_REGION", "INVALID_ACCOUNT_ID", "INVALID_ARN", "INVALID_ARN", "INVALID_ARN"]);
        assert!(e.notes[0].message.contains("rds ARN"));
    }

    #[test]
    fn malformed_documents() {
        for bad in [
            "", "[]", "{", r#"{"Statement": 1}"#, r#"{"Version": "2020-01-01", "Statement": []}"#,
            r#"{"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Bogus": 1}]}"#,
            r#"{"Statement": [], "Extra": 1}"#,
        ] {
            assert_eq!(explain_policy(bad).unwrap_err().code(), ErrorCode::InvalidPolicy, "{bad}");
        }
        let e = explain_policy(r#"{"Statement": {"Effect": "Allow", "Action": "rds-db:connect", "Resource": "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/a${*}"}}"#).unwrap();
        assert_eq!(e.notes[0].code, "NO_VERSION");
        assert!(!e.evaluate(&rds("a*", DB)).allowed());
        assert!(e.evaluate(&rds("a${*}", DB)).allowed());
    }

    #[test]
    fn json_output_parses() {
        let json = rds_connect_policy("us-east-1", ACCOUNT, &[CLUSTER], &[DbUser::Exact("o\"brien")]).unwrap();
        let out = explain_policy_json(&json, Some(&rds("o\"brien", CLUSTER))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["grants"][0]["user"], "o\"brien");
        assert_eq!(v["decision"]["allowed"], true);
        assert_eq!(v["decision"]["outcome"], "allowed");
        let v: serde_json::Value = serde_json::from_str(&explain_policy_json(&json, None).unwrap()).unwrap();
        assert!(v.get("decision").is_none());
    }

    #[test]
    fn request_from_a_token() {
        use crate::{credentials_from_parts, generate_token, parse_token, SigningTime, TokenRequest};
        let creds = credentials_from_parts("AKIDEXAMPLE", "secret", None, None).unwrap();
        let t = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        let token = generate_token(&TokenRequest::rds("localhost", 5432, "app").region("eu-west-1").build().unwrap(), &creds, t).unwrap();
        let parsed = parse_token(token.as_str()).unwrap();
        let r = ConnectRequest::from_token(&parsed, ACCOUNT, Some(CLUSTER)).unwrap();
        assert_eq!(r.arn(), format!("arn:aws:rds-db:eu-west-1:123456789012:dbuser:{CLUSTER}/app"));
        assert_eq!(ConnectRequest::from_token(&parsed, ACCOUNT, None).unwrap_err().code(), ErrorCode::InvalidResourceId);
        let token = generate_token(&TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", true).build().unwrap(), &creds, t).unwrap();
        let r = ConnectRequest::from_token(&parse_token(token.as_str()).unwrap(), ACCOUNT, None).unwrap();
        assert_eq!(r.action, ConnectAction::DsqlConnectAdmin);
        assert_eq!(r.arn(), "arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz");
    }
}
