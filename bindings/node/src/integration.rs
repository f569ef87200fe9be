//! For the driver integrations (`lib/pg.js`, `lib/postgres.js`, `lib/mysql2.js`): the core's
//! retry rule ([`auroraiam::LoginFailure`]) applied to a driver's error object. The JS side
//! only wires drivers to it; which errors count as a refused token, and how often a login is
//! retried, are decided here by the core.

use auroraiam::LoginFailure;
use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi::ValueType;
use napi_derive::napi;

/// A string property of `error`, or `None` when it is missing or not a string.
fn string_field(error: &Object<'_>, name: &str) -> napi::Result<Option<String>> {
    let value: Unknown = error.get_named_property(name)?;
    if value.get_type()? != ValueType::String {
        return Ok(None);
    }
    // SAFETY of the cast: the value was just checked to be a string.
    Ok(Some(unsafe { value.cast::<String>() }?))
}

/// A numeric property of `error`, or `None` when it is missing, not a number or not an integer.
fn integer_field(error: &Object<'_>, name: &str) -> napi::Result<Option<i64>> {
    let value: Unknown = error.get_named_property(name)?;
    if value.get_type()? != ValueType::Number {
        return Ok(None);
    }
    // SAFETY of the cast: the value was just checked to be a number.
    let number = unsafe { value.cast::<f64>() }?;
    Ok(auroraiam::integer_from_f64(number, name, auroraiam::ErrorCode::InvalidArgument).ok())
}

/// `_retryLogin(protocol, error, failedAttempts)`: whether a login that failed with the driver
/// error `error` after `failedAttempts` attempts is tried again with a forced-fresh token.
/// `protocol` is `postgres` (the SQLSTATE in `error.code`: node-postgres, postgres.js) or
/// `mysql` (the error number in `error.errno`: mysql2). Anything that is not an object
/// carrying such a field is not an authentication failure.
#[napi(skip_typescript, js_name = "_retryLogin", catch_unwind)]
pub fn retry_login(protocol: String, error: Unknown, failed_attempts: u32) -> napi::Result<bool> {
    let object = match error.get_type()? {
        // SAFETY of the cast: the value was just checked to be an object.
        ValueType::Object => unsafe { error.cast::<Object>() }?,
        _ => return Ok(false),
    };
    let failure = match protocol.as_str() {
        "postgres" => {
            let sqlstate = string_field(&object, "code")?;
            return Ok(LoginFailure::Postgres(sqlstate.as_deref()).retry(failed_attempts));
        }
        "mysql" => LoginFailure::Mysql(integer_field(&object, "errno")?),
        other => {
            return Err(napi::Error::new(
                napi::Status::InvalidArg,
                format!("auroraiam: _retryLogin: protocol {other:?} is neither postgres nor mysql"),
            ))
        }
    };
    Ok(failure.retry(failed_attempts))
}
