//! Token inspection: `parseToken`, `diagnoseToken`, `verifyToken`, `redactToken`. The core
//! parses, diagnoses, verifies and redacts; this module converts the arguments and builds the
//! result objects.

use std::ffi::{c_void, CStr};
use std::ptr;
use std::time::{Duration, UNIX_EPOCH};

use auroraiam::{
    diagnose, parse_token, redact_token, verify_token, DiagnoseOptions, Error, ErrorCode, ParsedToken, SigningTime,
    TokenKind, VerifyOptions, Zeroizing,
};
use napi::{sys, Env};
use napi_derive::napi;

use crate::failure::Failure;
use crate::js::{check, Js, JsAny, Key, Kind};
use crate::options::{integer, read_signing_time};
use crate::thrown;

/// The token kinds, for `expectKind` (by their core names).
const KINDS: [TokenKind; 3] = [TokenKind::Rds, TokenKind::Dsql, TokenKind::DsqlAdmin];

/// Reads the fields of a token: kind, endpoint, user, access key id, region, signing time,
/// lifetime. Checks the token's shape, not its signature (see {@link verifyToken}).
///
/// @throws {Error} with `code` `TOKEN_MALFORMED` saying what is wrong with the text
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` when `token` is not a string
#[napi(js_name = "parseToken", catch_unwind, ts_args_type = "token: string", ts_return_type = "TokenInfo")]
pub fn parse_token_info(env: Env, token: JsAny) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, read_token(js, token.0).and_then(|text| token_info(js, &parse_token(&text)?)).map(JsAny))
}

/// Lists the reasons Aurora, RDS or DSQL would reject `token` (severity `error`) or that are
/// likely to cause trouble (`warning`), errors first; empty when nothing was found. Needs no
/// secret.
///
/// @throws {Error} with `code` `TOKEN_MALFORMED` when `token` is not a token at all, or the
/// code of a bad option (`INVALID_PORT`, `INVALID_SIGNING_TIME`, `INVALID_ARGUMENT`)
#[napi(catch_unwind, ts_args_type = "token: string, options?: DiagnoseTokenOptions", ts_return_type = "Diagnostic[]")]
pub fn diagnose_token(env: Env, token: JsAny, options: Option<JsAny>) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, diagnosed(js, token.0, options.map(|o| o.0)).map(JsAny))
}

/// Verifies `token` as a server would: recomputes its signature with the secret that `secrets`
/// gives for its access key id, then checks its lifetime and what it was made for. Returns the
/// token's fields.
///
/// `secrets` is a `Map` or a plain object from access key id to secret access key, or a
/// function `(accessKeyId) => secret | undefined` (called synchronously, at most once).
///
/// Without `expectKind` an RDS token is expected.
///
/// @throws {Error} with `code` `SIGNATURE_MISMATCH`, `UNKNOWN_ACCESS_KEY`, `TOKEN_EXPIRED`,
/// `TOKEN_NOT_YET_VALID`, `TOKEN_LIFETIME_TOO_LONG` (an RDS token asking to live over 900 s),
/// `HOST_MISMATCH`, `PORT_MISMATCH`, `USER_MISMATCH`, `REGION_MISMATCH`, `KIND_MISMATCH` or
/// `TOKEN_MALFORMED`, `INVALID_ARGUMENT` for a `maxClockSkew` over 3600; whatever `secrets` threw
#[napi(
    js_name = "verifyToken",
    catch_unwind,
    ts_args_type = "token: string, secrets: Map<string, string> | Record<string, string> | ((accessKeyId: string) => string | undefined | null), options?: VerifyTokenOptions",
    ts_return_type = "TokenInfo"
)]
pub fn verify_token_info(env: Env, token: JsAny, secrets: JsAny, options: Option<JsAny>) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, verified(js, token.0, secrets.0, options.map(|o| o.0)).map(JsAny))
}

/// The token with its signature and session token masked, safe for logs. Never throws for a
/// string: text that does not parse as a token (a password, a connection string, an altered
/// token) is masked whole as `<redacted: N bytes, not a token>`; at most 8192 bytes.
///
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` when `token` is not a string
#[napi(js_name = "redactToken", catch_unwind, ts_args_type = "token: string", ts_return_type = "string")]
pub fn redact(env: Env, token: JsAny) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    let result = (|| {
        let mut text = Zeroizing::new(String::new());
        if !js.try_string_lossy(token.0, &mut text)? {
            return Err(Failure::type_error("token", "a string", js.kind(token.0)?));
        }
        js.new_string(&redact_token(&text))
    })();
    thrown(js, result.map(JsAny))
}

/// The token argument as text (wiped when dropped: a token is a credential for 15 minutes).
fn read_token(js: Js, value: sys::napi_value) -> Result<Zeroizing<String>, Failure> {
    let mut text = Zeroizing::new(String::new());
    js.string(value, "token", &mut text)?;
    Ok(text)
}

/// The options argument, if given (`undefined` and `null` mean none).
fn options_object(js: Js, options: Option<sys::napi_value>) -> Result<Option<sys::napi_value>, Failure> {
    let Some(options) = options else { return Ok(None) };
    match js.kind(options)? {
        k if k.is_absent() => Ok(None),
        Kind::Object => Ok(Some(options)),
        k => Err(Failure::type_error("options", "an object", k)),
    }
}

/// What diagnose and verify options share, read from JavaScript.
#[derive(Default)]
struct Expectations {
    now: Option<SigningTime>,
    max_clock_skew: Option<u32>,
    hostname: Option<String>,
    port: Option<u16>,
    username: Option<String>,
}

impl Expectations {
    fn read(js: Js, options: Option<sys::napi_value>) -> Result<Expectations, Failure> {
        let Some(options) = options else { return Ok(Expectations::default()) };
        let js = js.with_keys()?;
        let now = js.get(options, Key::Now)?;
        let now = if js.kind(now)?.is_absent() { None } else { Some(read_signing_time(js, now)?) };
        let max_clock_skew = integer(js, js.get(options, Key::MaxClockSkew)?, "maxClockSkew", ErrorCode::InvalidArgument, false)?
            .map(|n| u32::try_from(n).map_err(|_| out_of_range("maxClockSkew", n, "0..=4294967295 seconds")))
            .transpose()?;
        let port = integer(js, js.get(options, Key::ExpectPort)?, "expectPort", ErrorCode::InvalidPort, false)?
            .map(auroraiam::validate_port)
            .transpose()?;
        Ok(Expectations {
            now,
            max_clock_skew,
            hostname: optional_text(js, options, Key::ExpectHostname, "expectHostname")?,
            port,
            username: optional_text(js, options, Key::ExpectUsername, "expectUsername")?,
        })
    }

    fn now(&self) -> Result<SigningTime, Failure> {
        Ok(match self.now {
            Some(now) => now,
            None => SigningTime::now()?,
        })
    }
}

fn optional_text(js: Js, options: sys::napi_value, key: Key, field: &'static str) -> Result<Option<String>, Failure> {
    let mut text = String::new();
    Ok(js.optional_string(js.get(options, key)?, field, &mut text)?.then_some(text))
}

fn out_of_range(field: &str, value: i64, range: &str) -> Failure {
    Failure::Core(Error::new(ErrorCode::InvalidArgument, format!("{field} {value} is out of range: it must be {range}")))
}

fn diagnosed(js: Js, token: sys::napi_value, options: Option<sys::napi_value>) -> Result<sys::napi_value, Failure> {
    let text = read_token(js, token)?;
    let options = options_object(js, options)?;
    let expect = Expectations::read(js, options)?;
    let pooler_length_limit = match options {
        Some(options) => integer(js, js.get(options, Key::PoolerLengthLimit)?, "poolerLengthLimit", ErrorCode::InvalidArgument, false)?
            .map(|n| usize::try_from(n).map_err(|_| out_of_range("poolerLengthLimit", n, "at least 0")))
            .transpose()?,
        None => None,
    };
    let parsed = parse_token(&text)?;
    let mut core = DiagnoseOptions::at(expect.now()?);
    core.expect_hostname = expect.hostname.as_deref();
    core.expect_port = expect.port;
    core.expect_username = expect.username.as_deref();
    if let Some(skew) = expect.max_clock_skew {
        core.max_clock_skew_secs = skew;
    }
    if let Some(limit) = pooler_length_limit {
        core.pooler_length_limit = limit;
    }
    let found = diagnose(&parsed, &core)
        .iter()
        .map(|d| {
            let object = js.new_object()?;
            js.define(
                object,
                &[
                    data(c"code", js.new_ascii_string(d.code.name())?),
                    data(c"severity", js.new_ascii_string(d.severity.name())?),
                    data(c"message", js.new_string(&d.message)?),
                ],
            )?;
            Ok(object)
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    js.new_array(&found)
}

fn verified(
    js: Js,
    token: sys::napi_value,
    secrets: sys::napi_value,
    options: Option<sys::napi_value>,
) -> Result<sys::napi_value, Failure> {
    let text = read_token(js, token)?;
    let lookup = SecretLookup::of(js, secrets)?;
    let options = options_object(js, options)?;
    let expect = Expectations::read(js, options)?;
    let (kind, region) = match options {
        Some(options) => (
            expect_kind(js, js.get(options, Key::ExpectKind)?)?,
            optional_text(js, options, Key::ExpectRegion, "expectRegion")?,
        ),
        None => (None, None),
    };
    let mut core = VerifyOptions::at(expect.now()?);
    // No expectKind: the core's default (RDS).
    if let Some(kind) = kind {
        core.expect_kind = Some(kind);
    }
    core.expect_hostname = expect.hostname.as_deref();
    core.expect_port = expect.port;
    core.expect_username = expect.username.as_deref();
    core.expect_region = region.as_deref();
    if let Some(skew) = expect.max_clock_skew {
        core.max_clock_skew_secs = auroraiam::validate_max_clock_skew(i128::from(skew), "maxClockSkew")?;
    }
    // The lookup runs inside the core's verification; a JavaScript failure in it (a throw, a
    // value that is not a string) is kept and reported instead of UNKNOWN_ACCESS_KEY.
    let mut failed = None;
    let result = verify_token(
        &text,
        |access_key_id| match lookup.secret_for(js, access_key_id) {
            Ok(secret) => secret,
            Err(failure) => {
                failed = Some(failure);
                None
            }
        },
        &core,
    );
    if let Some(failure) = failed {
        return Err(failure);
    }
    token_info(js, &result?)
}

/// `expectKind`: a token kind name (`rds`, `dsql`, `dsql-admin`).
fn expect_kind(js: Js, value: sys::napi_value) -> Result<Option<TokenKind>, Failure> {
    let mut name = String::new();
    if !js.optional_string(value, "expectKind", &mut name)? {
        return Ok(None);
    }
    match KINDS.iter().find(|k| k.name() == name) {
        Some(kind) => Ok(Some(*kind)),
        None => {
            let names: Vec<String> = KINDS.iter().map(|k| format!("'{}'", k.name())).collect();
            Err(Failure::Core(Error::new(
                ErrorCode::InvalidArgument,
                format!("expectKind must be one of {}", names.join(", ")),
            )))
        }
    }
}

/// Where `verifyToken` looks up secrets.
enum SecretLookup {
    Function(sys::napi_value),
    Map(sys::napi_value),
    Object(sys::napi_value),
}

const SECRETS_EXPECTED: &str = "a Map, an object of access key id to secret, or a function";

impl SecretLookup {
    fn of(js: Js, secrets: sys::napi_value) -> Result<SecretLookup, Failure> {
        match js.kind(secrets)? {
            Kind::Function => Ok(SecretLookup::Function(secrets)),
            Kind::Object if js.with_keys()?.is_instance_of_global(secrets, Key::Map)? => Ok(SecretLookup::Map(secrets)),
            Kind::Object => Ok(SecretLookup::Object(secrets)),
            k => Err(Failure::type_error("secrets", SECRETS_EXPECTED, k)),
        }
    }

    /// The secret for `access_key_id`; `None` when there is none (`undefined` or `null`).
    fn secret_for(&self, js: Js, access_key_id: &str) -> Result<Option<Zeroizing<String>>, Failure> {
        let key = js.new_string(access_key_id)?;
        let value = match *self {
            SecretLookup::Function(function) => js.call(function, js.undefined()?, &[key])?,
            SecretLookup::Map(map) => {
                let get = js.get(map, Key::Get)?;
                js.call(get, map, &[key])?
            }
            // Own properties only: a crafted access key id such as `constructor` must not find
            // something on the prototype.
            SecretLookup::Object(object) if js.has_own(object, key)? => js.get_by_value(object, key)?,
            SecretLookup::Object(_) => return Ok(None),
        };
        let mut secret = Zeroizing::new(String::new());
        if js.try_string(value, "secret", &mut secret)? {
            return Ok(Some(secret));
        }
        match js.kind(value)? {
            k if k.is_absent() => Ok(None),
            k => Err(Failure::type_error("the secret for an access key id", "a string, undefined or null", k)),
        }
    }
}

/// A plain data property (writable, enumerable, configurable: what an object literal has).
fn data(name: &'static CStr, value: sys::napi_value) -> sys::napi_property_descriptor {
    use sys::PropertyAttributes::{configurable, enumerable, writable};
    sys::napi_property_descriptor {
        utf8name: name.as_ptr(),
        name: ptr::null_mut(),
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: writable | enumerable | configurable,
        data: ptr::null_mut(),
    }
}

fn unix_time(seconds: i64) -> std::time::SystemTime {
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    }
}

/// A `TokenInfo` object: the parsed fields as own enumerable properties (so `console.log` and
/// `JSON.stringify` show them), plus a non-enumerable `remainingSeconds(now?)` method.
fn token_info(js: Js, p: &ParsedToken) -> Result<sys::napi_value, Failure> {
    let object = js.new_object()?;
    let optional = |value: Option<sys::napi_value>| value.map_or_else(|| js.null(), Ok);
    let port = optional(p.port().map(|port| js.new_number(f64::from(port))).transpose()?)?;
    let username = optional(p.username().map(|user| js.new_string(user)).transpose()?)?;
    // The method's data, the expiry, belongs to the method's function (freed by its finalizer),
    // which may outlive the object.
    let expiry = Box::into_raw(Box::new(p.expires_at_unix())).cast::<c_void>();
    let name = c"remainingSeconds";
    let mut method = ptr::null_mut();
    let created = check(unsafe {
        sys::napi_create_function(js.env(), name.as_ptr(), name.count_bytes() as isize, Some(remaining_seconds), expiry, &mut method)
    })
    .and_then(|()| {
        check(unsafe { sys::napi_add_finalizer(js.env(), method, expiry, Some(free_expiry), ptr::null_mut(), ptr::null_mut()) })
    });
    if let Err(failure) = created {
        // SAFETY: nothing took ownership of `expiry`.
        drop(unsafe { Box::from_raw(expiry.cast::<i64>()) });
        return Err(failure);
    }
    // Non-enumerable, like a class method: not shown by console.log or JSON.stringify.
    let remaining = sys::napi_property_descriptor {
        attributes: sys::PropertyAttributes::writable | sys::PropertyAttributes::configurable,
        ..data(name, method)
    };
    js.define(
        object,
        &[
            data(c"kind", js.new_ascii_string(p.kind().name())?),
            data(c"hostname", js.new_string(p.hostname())?),
            data(c"port", port),
            data(c"username", username),
            data(c"region", js.new_string(p.region())?),
            data(c"service", js.new_string(p.service())?),
            data(c"accessKeyId", js.new_string(p.access_key_id())?),
            data(c"signingTime", js.new_date(p.signing_time().to_system_time())?),
            data(c"expiresIn", js.new_number(f64::from(p.expires_in()))?),
            data(c"expiresAt", js.new_date(unix_time(p.expires_at_unix()))?),
            data(c"hasSessionToken", js.new_boolean(p.has_session_token())?),
            data(c"length", js.new_number(p.length() as f64)?),
            remaining,
        ],
    )?;
    Ok(object)
}

unsafe extern "C" fn free_expiry(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the box leaked in `token_info`, finalized once with its function.
    drop(unsafe { Box::from_raw(data.cast::<i64>()) });
}

/// `TokenInfo.remainingSeconds(now?)`: seconds of life left at `now` (a `Date` or Unix seconds,
/// default the current time); negative once expired. The core's `remaining_secs` rule: expiry
/// minus `now`, both in whole Unix seconds.
unsafe extern "C" fn remaining_seconds(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let js = Js::from_raw(env);
    let mut argc = 1usize;
    let mut argv = [ptr::null_mut(); 1];
    let mut data = ptr::null_mut();
    let status = unsafe { sys::napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), &mut data) };
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check(status)?;
        // SAFETY: `data` is the expiry box of this function, alive as long as the function.
        let expires_at = unsafe { *data.cast::<i64>() };
        // argc counts what the caller passed; missing arguments are undefined.
        let now = if argc == 0 { SigningTime::now()? } else { read_signing_time(js, argv[0])? };
        js.new_number((expires_at - now.unix_seconds()) as f64)
    }));
    match run {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            failure.throw(js);
            ptr::null_mut()
        }
        Err(_) => {
            Failure::Internal(sys::Status::napi_generic_failure).throw(js);
            ptr::null_mut()
        }
    }
}
