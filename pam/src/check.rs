//! One login attempt: the token (the password) checked the way Aurora checks it.

use auroraiam::{verify_token, SigningTime, TokenKind, VerifyOptions};

use crate::args::ModuleArgs;
use crate::keys::KeyFile;
use crate::pam::{PAM_AUTHINFO_UNAVAIL, PAM_AUTH_ERR, PAM_SUCCESS};

/// Result code name logged for an accepted token.
pub const OK: &str = "OK";
/// Result code name logged when the key file cannot be used.
pub const CONFIG_ERROR: &str = "CONFIG_ERROR";
/// Result code name logged when the signing key's IAM policy does not allow the login.
pub const POLICY_DENIED: &str = "POLICY_DENIED";

/// The signing key's policy (key file `policy=`) decides the `rds-db:connect` login of `user`
/// to `resource_id=` in `account_id=` and `region=`; `None` when it allows it.
fn policy_refusal(args: &ModuleArgs, path: &std::path::Path, user: &str) -> Option<Outcome> {
    let config = |message: String| Some(Outcome::failure(PAM_AUTHINFO_UNAVAIL, CONFIG_ERROR, message));
    let (Some(account), Some(resource)) = (&args.account_id, &args.resource_id) else {
        return config(format!("key file names policy {} but the module has no account_id= and resource_id=", path.display()));
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) if t.len() <= 1024 * 1024 => t,
        Ok(_) => return config(format!("policy {} is over 1 MiB", path.display())),
        Err(e) => return config(format!("cannot read policy {}: {e}", path.display())),
    };
    let explanation = match auroraiam::explain_policy(&text) {
        Ok(x) => x,
        Err(e) => return config(format!("policy {}: {}", path.display(), e.message())),
    };
    let request = match auroraiam::ConnectRequest::rds(&args.region, account, resource, user) {
        Ok(r) => r,
        Err(e) => return Some(Outcome::failure(PAM_AUTH_ERR, e.code().name(), e.message().to_string())),
    };
    let decision = explanation.evaluate(&request);
    (!decision.allowed()).then(|| Outcome::failure(PAM_AUTH_ERR, POLICY_DENIED, format!("{}: {}", decision.outcome.name(), decision.reason)))
}

/// What happened, for the PAM return value and the log line. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The PAM return value.
    pub pam: i32,
    /// `OK`, a core error code name (`TOKEN_EXPIRED`, …) or one of the module's own names.
    pub code: &'static str,
    /// The exact reason (or, on success, what the token was made for).
    pub message: String,
}

impl Outcome {
    /// A failure of the module itself (bad arguments, conversation, …).
    pub fn failure(pam: i32, code: &'static str, message: impl Into<String>) -> Self {
        Outcome {
            pam,
            code,
            message: message.into(),
        }
    }
}

/// Verifies `token` as an IAM token for database user `user` against `args` at `now`:
/// signature with the secret from the key file, kind (RDS; with `kind=dsql` DSQL, `admin` →
/// DbConnectAdmin), host, port (RDS only), user, region, lifetime.
pub fn check_token(args: &ModuleArgs, user: &str, token: &str, now: SigningTime) -> Outcome {
    let keys = match KeyFile::load(&args.config) {
        Ok(keys) => keys,
        Err(message) => return Outcome::failure(PAM_AUTHINFO_UNAVAIL, CONFIG_ERROR, message),
    };
    let mut options = VerifyOptions::at(now);
    options.max_clock_skew_secs = args.max_clock_skew_secs;
    options.expect_kind = Some(if args.dsql { auroraiam::dsql_kind_for_user(user) } else { TokenKind::Rds });
    options.expect_hostname = Some(&args.host);
    // DSQL tokens name no port.
    options.expect_port = (!args.dsql).then_some(args.port);
    // DSQL tokens name no user: the kind (admin or not) is what binds them to the user.
    options.expect_username = (!args.dsql).then_some(user);
    options.expect_region = Some(&args.region);
    match verify_token(token, |akid| keys.secret_for(akid), &options) {
        Ok(parsed) if args.dsql && keys.policy_for(parsed.access_key_id()).is_some() => Outcome::failure(
            PAM_AUTHINFO_UNAVAIL,
            CONFIG_ERROR,
            "the key file names a policy for this key, but policies are evaluated for RDS logins only (kind=dsql)",
        ),
        Ok(parsed) if keys.policy_for(parsed.access_key_id()).is_some_and(|_| true) => {
            let path = keys.policy_for(parsed.access_key_id()).unwrap_or(std::path::Path::new(""));
            match policy_refusal(args, path, user) {
                Some(refused) => refused,
                None => allowed(&parsed, now, " (policy allows)"),
            }
        }
        Ok(parsed) if args.dsql => allowed(&parsed, now, &format!(" ({} token)", parsed.kind().name())),
        Ok(parsed) => allowed(&parsed, now, ""),
        Err(e) => Outcome { pam: PAM_AUTH_ERR, code: e.code().name(), message: format!("{} ({} bytes)", e.message(), token.len()) },
    }
}

fn allowed(parsed: &auroraiam::ParsedToken, now: SigningTime, note: &str) -> Outcome {
    {
        Outcome {
            pam: PAM_SUCCESS,
            code: OK,
            message: format!(
                "token for {}:{} region {} signed by {} at {}, {} s left, {} bytes, {} session token",
                parsed.hostname(),
                parsed.port().unwrap_or(0),
                parsed.region(),
                parsed.access_key_id(),
                parsed.signing_time(),
                parsed.remaining_secs(now),
                parsed.length(),
                if parsed.has_session_token() { "with" } else { "no" }
            ) + note,
        }
    }
}
