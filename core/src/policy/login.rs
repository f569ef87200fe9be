//! Which login `explain_policy` decides when a binding receives its fields one by one (Python's
//! keywords, Node's `login` object): none, the one a token is for, or an RDS login. The CLI
//! (which also takes a DSQL hostname and has its own usage errors) builds its `ConnectRequest`
//! directly.

use crate::error::{Error, ErrorCode, Result};
use crate::parse::parse_token;
use crate::policy::explain::ConnectRequest;

/// The login fields as a binding received them, each optional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoginFields<'a> {
    /// The AWS account id that owns the database.
    pub account_id: Option<&'a str>,
    /// The database's region.
    pub region: Option<&'a str>,
    /// The database's resource id (`db-…`, `cluster-…`, `prx-…`; a DSQL cluster id with a token).
    pub resource_id: Option<&'a str>,
    /// The database user.
    pub user: Option<&'a str>,
    /// A token: the login it is for.
    pub token: Option<&'a str>,
}

/// How a surface spells the two field names that differ between languages, for its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldNames {
    /// `account_id` / `accountId`.
    pub account_id: &'static str,
    /// `resource_id` / `resourceId`.
    pub resource_id: &'static str,
}

impl FieldNames {
    /// Python's keywords.
    pub const SNAKE_CASE: FieldNames = FieldNames { account_id: "account_id", resource_id: "resource_id" };
    /// JavaScript's properties.
    pub const CAMEL_CASE: FieldNames = FieldNames { account_id: "accountId", resource_id: "resourceId" };
}

impl LoginFields<'_> {
    /// The login to decide: `None` when no field is given; with `token`, the login it is for
    /// (`account_id` required, `resource_id` for an RDS token, no `region` or `user`: they come
    /// from the token); otherwise an RDS login needing all four of `account_id`, `region`,
    /// `resource_id` and `user`. A missing or surplus field is `INVALID_ARGUMENT` naming it as
    /// `names` spells it; each value is validated by [`ConnectRequest`].
    pub fn request(&self, names: FieldNames) -> Result<Option<ConnectRequest>> {
        let missing = |name: &str, why: &str| Error::new(ErrorCode::InvalidArgument, format!("{name} is required {why}"));
        if let Some(token) = self.token {
            if self.region.is_some() || self.user.is_some() {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    "with token, the region and user come from the token: pass no region or user",
                ));
            }
            let account = self.account_id.ok_or_else(|| missing(names.account_id, "with token"))?;
            return ConnectRequest::from_token(&parse_token(token)?, account, self.resource_id).map(Some);
        }
        if *self == LoginFields::default() {
            return Ok(None);
        }
        let why = format!("to decide a login ({}, region, {} and user)", names.account_id, names.resource_id);
        let account = self.account_id.ok_or_else(|| missing(names.account_id, &why))?;
        let region = self.region.ok_or_else(|| missing("region", &why))?;
        let resource = self.resource_id.ok_or_else(|| missing(names.resource_id, &why))?;
        let user = self.user.ok_or_else(|| missing("user", &why))?;
        ConnectRequest::rds(region, account, resource, user).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::ConnectAction;
    use crate::{credentials_from_parts, Signer, SigningTime, TokenRequest};

    const ACCOUNT: &str = "123456789012";
    const DB: &str = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    fn rds() -> LoginFields<'static> {
        LoginFields { account_id: Some(ACCOUNT), region: Some("us-east-1"), resource_id: Some(DB), user: Some("app"), token: None }
    }

    fn token(request: TokenRequest<'_>) -> String {
        let creds = credentials_from_parts("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None).unwrap();
        let at = SigningTime::from_unix_seconds(1_795_694_400).unwrap();
        Signer::new(creds).unwrap().sign(&request, at).unwrap().as_str().to_string()
    }

    #[test]
    fn no_field_is_no_login() {
        assert_eq!(LoginFields::default().request(FieldNames::SNAKE_CASE).unwrap(), None);
    }

    #[test]
    fn four_fields_are_an_rds_login_and_each_missing_one_is_named() {
        let request = rds().request(FieldNames::CAMEL_CASE).unwrap().unwrap();
        assert_eq!(request, ConnectRequest::rds("us-east-1", ACCOUNT, DB, "app").unwrap());
        let cases: [(LoginFields<'_>, &str, &str); 4] = [
            (LoginFields { account_id: None, ..rds() }, "account_id is required", "accountId is required"),
            (LoginFields { region: None, ..rds() }, "region is required", "region is required"),
            (LoginFields { resource_id: None, ..rds() }, "resource_id is required", "resourceId is required"),
            (LoginFields { user: None, ..rds() }, "user is required", "user is required"),
        ];
        for (fields, snake, camel) in cases {
            let e = fields.request(FieldNames::SNAKE_CASE).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
            assert!(e.message().starts_with(snake) && e.message().contains("(account_id, region, resource_id and user)"), "{}", e.message());
            let e = fields.request(FieldNames::CAMEL_CASE).unwrap_err();
            assert!(e.message().starts_with(camel) && e.message().contains("(accountId, region, resourceId and user)"), "{}", e.message());
        }
        let e = LoginFields { region: Some("us-east-1"), ..LoginFields::default() }.request(FieldNames::SNAKE_CASE).unwrap_err();
        assert!(e.message().starts_with("account_id is required"), "{}", e.message());
    }

    #[test]
    fn a_token_is_the_login_it_is_for() {
        let dsql = token(TokenRequest::dsql("abcdefghijklmnopqrstuvwx12.dsql.us-east-1.on.aws", true).build().unwrap());
        let fields = LoginFields { account_id: Some(ACCOUNT), token: Some(&dsql), ..LoginFields::default() };
        let request = fields.request(FieldNames::SNAKE_CASE).unwrap().unwrap();
        assert_eq!(request.action, ConnectAction::DsqlConnectAdmin);
        assert_eq!(request.resource_id, "abcdefghijklmnopqrstuvwx12");

        let rds_token = token(TokenRequest::rds("db.cluster-x.us-east-1.rds.amazonaws.com", 5432, "app").build().unwrap());
        let fields = LoginFields { account_id: Some(ACCOUNT), resource_id: Some(DB), token: Some(&rds_token), ..LoginFields::default() };
        assert_eq!(fields.request(FieldNames::SNAKE_CASE).unwrap().unwrap(), ConnectRequest::rds("us-east-1", ACCOUNT, DB, "app").unwrap());
        let no_id = LoginFields { resource_id: None, ..fields };
        assert_eq!(no_id.request(FieldNames::SNAKE_CASE).unwrap_err().code(), ErrorCode::InvalidResourceId);

        let e = LoginFields { account_id: None, ..fields }.request(FieldNames::CAMEL_CASE).unwrap_err();
        assert_eq!(e.message(), "accountId is required with token");
        for surplus in [LoginFields { region: Some("us-east-1"), ..fields }, LoginFields { user: Some("app"), ..fields }] {
            let e = surplus.request(FieldNames::SNAKE_CASE).unwrap_err();
            assert!(e.message().contains("come from the token"), "{}", e.message());
        }
        let bad = LoginFields { token: Some("not a token"), ..fields };
        assert_eq!(bad.request(FieldNames::SNAKE_CASE).unwrap_err().code(), ErrorCode::TokenMalformed);
    }
}
