//! Credential validation and the environment-variable source.
//!
//! Credentials are [`aws_credential_types::Credentials`]: their secret and session token are
//! zeroized on drop and redacted in `Debug`.

use std::time::SystemTime;

pub use aws_credential_types::Credentials;

use crate::error::{Error, ErrorCode, Result};

/// Longest accepted access key id.
pub const MAX_ACCESS_KEY_ID_LEN: usize = 128;
/// Longest accepted secret access key.
pub const MAX_SECRET_ACCESS_KEY_LEN: usize = 1024;
/// Longest accepted session token (STS tokens are a few KB at most).
pub const MAX_SESSION_TOKEN_LEN: usize = 16 * 1024;

/// Provider name recorded in credentials built from explicit strings.
pub const EXPLICIT_PROVIDER: &str = "auroraiam-explicit";
/// Provider name recorded in credentials read from `AWS_*` environment variables.
pub const ENVIRONMENT_PROVIDER: &str = "auroraiam-environment";

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidCredentials, message)
}

/// Builds validated credentials from explicit strings.
///
/// An empty `session_token` is treated as absent (botocore would sign an empty
/// `X-Amz-Security-Token=`, which no server accepts; the JS SDK omits it).
pub fn credentials_from_parts(
    access_key_id: &str,
    secret_access_key: &str,
    session_token: Option<&str>,
    expiry: Option<SystemTime>,
) -> Result<Credentials> {
    let session_token = session_token.filter(|t| !t.is_empty());
    validate_parts(access_key_id, secret_access_key, session_token)?;
    Ok(Credentials::new(
        access_key_id,
        secret_access_key,
        session_token.map(str::to_string),
        expiry,
        EXPLICIT_PROVIDER,
    ))
}

/// Checks credentials before signing; messages never contain the secret or the token.
pub fn validate_credentials(credentials: &Credentials) -> Result<()> {
    validate_parts(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        credentials.session_token().filter(|t| !t.is_empty()),
    )
}

fn validate_parts(access_key_id: &str, secret: &str, session_token: Option<&str>) -> Result<()> {
    if access_key_id.is_empty() {
        return Err(invalid("access_key_id is empty"));
    }
    if access_key_id.len() > MAX_ACCESS_KEY_ID_LEN {
        return Err(invalid(format!(
            "access_key_id is {} bytes long; at most {MAX_ACCESS_KEY_ID_LEN} are allowed",
            access_key_id.len()
        )));
    }
    if let Some(b) = access_key_id.bytes().find(|b| !b.is_ascii_graphic() || *b == b'/') {
        let what = match b {
            0 => "a NUL byte".to_string(),
            b'/' => "'/'".to_string(),
            b' ' => "a space".to_string(),
            b if b.is_ascii() => format!("the control character 0x{b:02x}"),
            _ => "non-ASCII characters".to_string(),
        };
        return Err(invalid(format!(
            "access_key_id contains {what}; access key ids are printable ASCII (e.g. AKIA…)"
        )));
    }
    if secret.is_empty() {
        return Err(invalid("secret_access_key is empty"));
    }
    if secret.len() > MAX_SECRET_ACCESS_KEY_LEN {
        return Err(invalid(format!(
            "secret_access_key is {} bytes long; at most {MAX_SECRET_ACCESS_KEY_LEN} are allowed",
            secret.len()
        )));
    }
    if secret.contains('\0') {
        return Err(invalid("secret_access_key contains a NUL byte"));
    }
    if let Some(token) = session_token {
        if token.len() > MAX_SESSION_TOKEN_LEN {
            return Err(invalid(format!(
                "session_token is {} bytes long; at most {MAX_SESSION_TOKEN_LEN} are allowed",
                token.len()
            )));
        }
        if token.contains('\0') {
            return Err(invalid("session_token contains a NUL byte"));
        }
    }
    Ok(())
}

/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`
/// through `lookup` (normally `std::env::var`), the way every AWS SDK's environment source does.
pub fn credentials_from_env_with(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Credentials> {
    let key = lookup("AWS_ACCESS_KEY_ID").filter(|v| !v.is_empty());
    let secret = zeroize::Zeroizing::new(lookup("AWS_SECRET_ACCESS_KEY").filter(|v| !v.is_empty()));
    let token = zeroize::Zeroizing::new(lookup("AWS_SESSION_TOKEN"));
    match (key, secret.as_deref()) {
        (Some(key), Some(secret)) => {
            let token = token.as_deref().filter(|t| !t.is_empty());
            validate_parts(&key, secret, token).map_err(|e| {
                invalid(format!("credentials from the environment are invalid: {}", e.message()))
            })?;
            Ok(Credentials::new(key, secret, token.map(str::to_string), None, ENVIRONMENT_PROVIDER))
        }
        (None, None) => Err(Error::new(
            ErrorCode::CredentialsNotFound,
            "no credentials given and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set",
        )),
        (None, Some(_)) => Err(Error::new(
            ErrorCode::CredentialsNotFound,
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
        )),
        (Some(_), None) => Err(Error::new(
            ErrorCode::CredentialsNotFound,
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
        )),
    }
}

/// [`credentials_from_env_with`] over the process environment.
pub fn credentials_from_env() -> Result<Credentials> {
    credentials_from_env_with(|name| std::env::var(name).ok())
}

/// True for temporary (STS) access key ids, which need a session token.
pub fn is_temporary_access_key_id(access_key_id: &str) -> bool {
    access_key_id.starts_with("ASIA")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_each_part() {
        credentials_from_parts("AKIDEXAMPLE", "secret", None, None).unwrap();
        for (k, s, t) in [("", "s", None), ("a b", "s", None), ("a/b", "s", None), ("a\0", "s", None),
                          ("é", "s", None), ("k", "", None), ("k", "s\0", None), ("k", "s", Some("t\0"))] {
            let e = credentials_from_parts(k, s, t, None).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidCredentials, "{k:?} {s:?} {t:?}");
        }
        let long = "k".repeat(129);
        assert!(credentials_from_parts(&long, "s", None, None).is_err());
        let long_secret = "s".repeat(1025);
        let e = credentials_from_parts("k", &long_secret, None, None).unwrap_err();
        assert!(!e.message().contains("sss"), "secret leaked: {}", e.message());
        let huge = "t".repeat(MAX_SESSION_TOKEN_LEN + 1);
        assert!(credentials_from_parts("k", "s", Some(&huge), None).is_err());
    }

    #[test]
    fn empty_session_token_is_absent() {
        let c = credentials_from_parts("k", "s", Some(""), None).unwrap();
        assert_eq!(c.session_token(), None);
    }

    #[test]
    fn env_source() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        let c = credentials_from_env_with(env(&[("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "S"),
                                                ("AWS_SESSION_TOKEN", "T")])).unwrap();
        assert_eq!((c.access_key_id(), c.secret_access_key(), c.session_token()), ("AKID", "S", Some("T")));
        let c = credentials_from_env_with(env(&[("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "S"),
                                                ("AWS_SESSION_TOKEN", "")])).unwrap();
        assert_eq!(c.session_token(), None);
        for pairs in [&[][..], &[("AWS_ACCESS_KEY_ID", "AKID")][..], &[("AWS_SECRET_ACCESS_KEY", "S")][..]] {
            let e = credentials_from_env_with(env(pairs)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::CredentialsNotFound);
        }
    }

    #[test]
    fn debug_is_redacted() {
        let c = credentials_from_parts("AKIDEXAMPLE", "wJalrXUtnFEMI", Some("SESSIONTOKENVALUE"), None).unwrap();
        let d = format!("{c:?}");
        assert!(d.contains("AKIDEXAMPLE"));
        assert!(!d.contains("wJalrXUtnFEMI") && !d.contains("SESSIONTOKENVALUE"), "{d}");
    }
}
