//! JavaScript option values converted to the core's inputs (types only; every rule is the core's).
//!
//! Each reader takes values already fetched, so the same conversion serves option objects read
//! natively (constructors, credential providers) and the positional fast path fed by `index.js`.

use std::time::SystemTime;

use auroraiam::{ErrorCode, SigningTime, TokenKind, TokenRequest};
use napi::sys;
use zeroize::{Zeroize, Zeroizing};

use crate::failure::Failure;
use crate::js::{system_time_from_millis, Js, Key, Kind};

/// What a token is for: the request fields, owned.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Target {
    pub hostname: String,
    pub port: i64,
    pub username: String,
    pub region: Option<String>,
    pub expires_in: Option<i64>,
}

impl Target {
    /// Validates and builds the core request (every rule lives in `TokenRequest::build`).
    pub fn request(&self, kind: TokenKind) -> Result<TokenRequest<'_>, Failure> {
        let builder = match kind {
            TokenKind::Rds => TokenRequest::rds(&self.hostname, self.port, &self.username),
            TokenKind::Dsql => TokenRequest::dsql(&self.hostname, false),
            TokenKind::DsqlAdmin => TokenRequest::dsql(&self.hostname, true),
        };
        let builder = builder.maybe_region(self.region.as_deref());
        let builder = match self.expires_in {
            Some(seconds) => builder.expires_in_secs(seconds),
            None => builder,
        };
        Ok(builder.build()?)
    }
}

/// The request fields as JavaScript values (`port` and `username` are RDS only).
pub struct TargetValues {
    pub hostname: sys::napi_value,
    pub port: Option<sys::napi_value>,
    pub username: Option<sys::napi_value>,
    pub region: sys::napi_value,
    pub expires_in: sys::napi_value,
}

impl TargetValues {
    /// Fetches the fields from an option object.
    pub fn of(js: Js, options: sys::napi_value, kind: TokenKind) -> Result<TargetValues, Failure> {
        let rds = kind == TokenKind::Rds;
        Ok(TargetValues {
            hostname: js.get(options, Key::Hostname)?,
            port: if rds { Some(js.get(options, Key::Port)?) } else { None },
            username: if rds { Some(js.get(options, Key::Username)?) } else { None },
            region: js.get(options, Key::Region)?,
            expires_in: js.get(options, Key::ExpiresIn)?,
        })
    }

    /// Converts the fields into `target`.
    pub fn read(&self, js: Js, target: &mut Target) -> Result<(), Failure> {
        js.string(self.hostname, "hostname", &mut target.hostname)?;
        match self.port {
            Some(port) => target.port = integer(js, port, "port", ErrorCode::InvalidPort, true)?.unwrap_or(0),
            None => target.port = 0,
        }
        match self.username {
            Some(username) => js.string(username, "username", &mut target.username)?,
            None => target.username.clear(),
        }
        let mut region = target.region.take().unwrap_or_default();
        if js.optional_string(self.region, "region", &mut region)? {
            target.region = Some(region);
        }
        target.expires_in = integer(js, self.expires_in, "expiresIn", ErrorCode::InvalidExpiresIn, false)?;
        Ok(())
    }
}

/// A JavaScript number that must be a whole number (ports, lifetimes); `None` when absent and
/// not `required`.
///
/// Range rules stay in the core. Values beyond ±2^63 saturate (and ±Infinity is not whole),
/// so the core reports them out of range rather than signing something else.
pub fn integer(
    js: Js,
    value: sys::napi_value,
    field: &'static str,
    code: ErrorCode,
    required: bool,
) -> Result<Option<i64>, Failure> {
    let n = match js.try_number(value)? {
        Some(n) => n,
        None => {
            let kind = js.kind(value)?;
            if kind.is_absent() && !required {
                return Ok(None);
            }
            return Err(Failure::type_error(field, "a number", kind));
        }
    };
    if n.fract() != 0.0 || n.is_nan() {
        return Err(Failure::not_integer(field, code, n));
    }
    Ok(Some(n as i64))
}

/// The `admin` flag of `generateDsqlToken` (absent means false).
pub fn read_admin(js: Js, value: sys::napi_value) -> Result<bool, Failure> {
    match js.kind(value)? {
        Kind::Boolean => js.boolean(value),
        k if k.is_absent() => Ok(false),
        k => Err(Failure::type_error("admin", "a boolean", k)),
    }
}

/// `signingTime`: a `Date` or Unix seconds; absent means now.
pub fn read_signing_time(js: Js, value: sys::napi_value) -> Result<SigningTime, Failure> {
    let seconds = match js.try_number(value)? {
        Some(seconds) => seconds,
        None => match js.kind(value)? {
            Kind::Object if js.is_date(value)? => js.date_millis(value)? / 1000.0,
            k if k.is_absent() => return Ok(SigningTime::now()?),
            k => return Err(Failure::type_error("signingTime", "a Date or a number of Unix seconds", k)),
        },
    };
    // The core owns the conversion rules (floor, NaN and range checks).
    Ok(SigningTime::from_unix_seconds_f64(seconds)?)
}

/// Credentials as the caller passed them (AWS SDK v3 identity field names), not yet validated.
#[derive(Default, PartialEq, Eq)]
pub struct Identity {
    pub access_key_id: String,
    pub secret_access_key: Zeroizing<String>,
    /// Empty means absent (the core treats `""` the same way).
    pub session_token: Zeroizing<String>,
    pub expiration: Option<SystemTime>,
}

impl Identity {
    /// Credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
    pub fn from_env() -> Result<Identity, Failure> {
        let credentials = auroraiam::credentials_from_env()?;
        Ok(Identity {
            access_key_id: credentials.access_key_id().to_string(),
            secret_access_key: Zeroizing::new(credentials.secret_access_key().to_string()),
            session_token: Zeroizing::new(credentials.session_token().unwrap_or_default().to_string()),
            expiration: credentials.expiry(),
        })
    }

    /// Clears the secret parts (zeroized) once a call is done with them.
    pub fn wipe(&mut self) {
        self.access_key_id.clear();
        self.secret_access_key.zeroize();
        self.session_token.zeroize();
        self.expiration = None;
    }

    /// A copy for the signer cache (zeroized on drop like the original).
    pub fn clone_for_cache(&self) -> Identity {
        Identity {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: self.session_token.clone(),
            expiration: self.expiration,
        }
    }
}

/// The fields of an identity object as JavaScript values.
pub struct IdentityValues {
    pub access_key_id: sys::napi_value,
    pub secret_access_key: sys::napi_value,
    pub session_token: sys::napi_value,
    pub expiration: sys::napi_value,
}

/// The message for a `credentials` value that is not an identity object.
pub const IDENTITY_EXPECTED: &str = "an object { accessKeyId, secretAccessKey, sessionToken?, expiration? }";

impl IdentityValues {
    /// Fetches the fields from an identity object (`kind` is the value's type).
    pub fn of(js: Js, value: sys::napi_value, kind: Kind) -> Result<IdentityValues, Failure> {
        if kind != Kind::Object {
            return Err(Failure::type_error("credentials", IDENTITY_EXPECTED, kind));
        }
        Ok(IdentityValues {
            access_key_id: js.get(value, Key::AccessKeyId)?,
            secret_access_key: js.get(value, Key::SecretAccessKey)?,
            session_token: js.get(value, Key::SessionToken)?,
            expiration: js.get(value, Key::Expiration)?,
        })
    }

    /// Converts the fields into `identity`.
    pub fn read(&self, js: Js, identity: &mut Identity) -> Result<(), Failure> {
        js.string(self.access_key_id, "credentials.accessKeyId", &mut identity.access_key_id)?;
        js.string(self.secret_access_key, "credentials.secretAccessKey", &mut identity.secret_access_key)?;
        if !js.optional_string(self.session_token, "credentials.sessionToken", &mut identity.session_token)? {
            identity.session_token.clear();
        }
        identity.expiration = match js.kind(self.expiration)? {
            k if k.is_absent() => None,
            Kind::Object if js.is_date(self.expiration)? => {
                let ms = js.date_millis(self.expiration)?;
                if ms.is_nan() {
                    return Err(Failure::Core(auroraiam::Error::new(
                        ErrorCode::InvalidCredentials,
                        "credentials.expiration is an invalid Date",
                    )));
                }
                Some(system_time_from_millis(ms))
            }
            k => return Err(Failure::type_error("credentials.expiration", "a Date", k)),
        };
        Ok(())
    }
}
