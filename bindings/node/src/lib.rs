//! Node.js binding of auroraiam (napi-rs v3): Amazon Aurora / RDS IAM database auth tokens and
//! Aurora DSQL tokens, byte-identical to botocore's.
//!
//! Thin by design: every rule (validation, encoding, region inference, time conversion,
//! credential environment lookup) is the core's; this crate only converts JavaScript values
//! and errors. `index.d.ts` is generated from the doc comments and signatures below.
#![deny(unsafe_op_in_unsafe_fn)]

mod cache;
mod failure;
mod js;
mod options;
mod promise;
mod signer;
mod types;

use std::cell::RefCell;
use std::rc::Rc;

use auroraiam::{ErrorCode, TokenKind};
use napi::{sys, Env};
use napi_derive::napi;

use crate::failure::{already_thrown, Failure};
use crate::js::{Js, JsAny, Key, Kind};
use crate::options::{read_admin, read_signing_time, Identity, IdentityValues, Target, TargetValues, IDENTITY_EXPECTED};
use crate::signer::State;

/// Buffers reused across one-shot calls on a thread (no allocation on the hot path).
#[derive(Default)]
struct Scratch {
    target: Target,
    identity: Identity,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The inputs of one token, as JavaScript values.
struct OneShot {
    kind: TokenKind,
    target: TargetValues,
    signing_time: sys::napi_value,
    /// The `credentials` value itself, and its fields when it is an object.
    credentials: sys::napi_value,
    identity: Option<IdentityValues>,
}

/// Signs one token with this thread's scratch buffers (fresh ones if a getter re-entered us)
/// and turns a failure into a thrown JavaScript exception.
fn one_shot(env: &Env, gather: impl FnOnce(Js) -> Result<OneShot, Failure>) -> napi::Result<JsAny> {
    let js = Js::new(env).map_err(|_| napi::Error::from_reason("auroraiam: cannot initialize Node-API"))?;
    let result = gather(js).and_then(|inputs| {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => {
                let result = sign(js, &inputs, &mut scratch);
                scratch.identity.wipe();
                result
            }
            Err(_) => sign(js, &inputs, &mut Scratch::default()),
        })
    });
    result.map(JsAny).map_err(|failure| {
        failure.throw(js);
        already_thrown()
    })
}

fn sign(js: Js, inputs: &OneShot, scratch: &mut Scratch) -> Result<sys::napi_value, Failure> {
    inputs.target.read(js, &mut scratch.target)?;
    let signing_time = read_signing_time(js, inputs.signing_time)?;
    match &inputs.identity {
        Some(identity) => identity.read(js, &mut scratch.identity)?,
        None => match js.kind(inputs.credentials)? {
            k if k.is_absent() => scratch.identity = Identity::from_env()?,
            k => return Err(Failure::type_error("credentials", IDENTITY_EXPECTED, k)),
        },
    }
    let request = cache::request_for(inputs.kind, &scratch.target)?;
    let signer = cache::signer_for(&scratch.identity)?;
    let token = signer.sign(&request.as_request(), signing_time)?;
    js.new_ascii_string(token.as_str())
}

/// The identity fields of `credentials` when it is an object (else the caller reports it).
fn identity_of(js: Js, credentials: sys::napi_value) -> Result<Option<IdentityValues>, Failure> {
    match js.kind(credentials)? {
        Kind::Object => Ok(Some(IdentityValues::of(js, credentials, Kind::Object)?)),
        _ => Ok(None),
    }
}

/// Generates an Amazon RDS / Aurora IAM database authentication token: the password to send,
/// valid for `expiresIn` seconds (default 900). Byte-identical to botocore's
/// `generate_db_auth_token` for the same inputs.
///
/// `region` defaults to the one in the hostname; `credentials` default to the
/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` environment variables;
/// `signingTime` defaults to now.
///
/// @throws {Error} with `code` set to an auroraiam error code (`INVALID_PORT`, ...) for bad values
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi(ts_args_type = "options: AuthTokenOptions", ts_return_type = "string")]
pub fn generate_auth_token(env: Env, options: JsAny) -> napi::Result<JsAny> {
    one_shot(&env, |js| {
        let options = options.0;
        js.expect_object(options, "options")?;
        let credentials = js.get(options, Key::Credentials)?;
        Ok(OneShot {
            kind: TokenKind::Rds,
            target: TargetValues::of(js, options, TokenKind::Rds)?,
            signing_time: js.get(options, Key::SigningTime)?,
            credentials,
            identity: identity_of(js, credentials)?,
        })
    })
}

/// Generates an Aurora DSQL authentication token (`DbConnect`, or `DbConnectAdmin` with
/// `admin: true`), valid for `expiresIn` seconds (default 900, at most 604800).
///
/// Defaults as for {@link generateAuthToken}.
///
/// @throws {Error} with `code` set to an auroraiam error code for bad values
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi(ts_args_type = "options: DsqlTokenOptions", ts_return_type = "string")]
pub fn generate_dsql_token(env: Env, options: JsAny) -> napi::Result<JsAny> {
    one_shot(&env, |js| {
        let options = options.0;
        js.expect_object(options, "options")?;
        let kind = if read_admin(js, js.get(options, Key::Admin)?)? { TokenKind::DsqlAdmin } else { TokenKind::Dsql };
        let credentials = js.get(options, Key::Credentials)?;
        Ok(OneShot {
            kind,
            target: TargetValues::of(js, options, kind)?,
            signing_time: js.get(options, Key::SigningTime)?,
            credentials,
            identity: identity_of(js, credentials)?,
        })
    })
}

/// The fast path behind `index.js`'s `generateAuthToken`: the option fields destructured in
/// JavaScript (free there) instead of read here through Node-API (about 100 ns each).
/// `accessKeyId`.. are `credentials`' fields when it is an object.
#[napi(skip_typescript, js_name = "rdsTokenFromFields")]
#[allow(clippy::too_many_arguments)]
pub fn rds_token_from_fields(
    env: Env,
    hostname: JsAny,
    port: JsAny,
    username: JsAny,
    region: JsAny,
    expires_in: JsAny,
    signing_time: JsAny,
    credentials: JsAny,
    access_key_id: JsAny,
    secret_access_key: JsAny,
    session_token: JsAny,
    expiration: JsAny,
) -> napi::Result<JsAny> {
    one_shot(&env, |js| {
        Ok(OneShot {
            kind: TokenKind::Rds,
            target: TargetValues {
                hostname: hostname.0,
                port: Some(port.0),
                username: Some(username.0),
                region: region.0,
                expires_in: expires_in.0,
            },
            signing_time: signing_time.0,
            credentials: credentials.0,
            identity: fields_if_object(js, credentials, access_key_id, secret_access_key, session_token, expiration)?,
        })
    })
}

/// The fast path behind `index.js`'s `generateDsqlToken` (see [`rds_token_from_fields`]).
#[napi(skip_typescript, js_name = "dsqlTokenFromFields")]
#[allow(clippy::too_many_arguments)]
pub fn dsql_token_from_fields(
    env: Env,
    hostname: JsAny,
    admin: JsAny,
    region: JsAny,
    expires_in: JsAny,
    signing_time: JsAny,
    credentials: JsAny,
    access_key_id: JsAny,
    secret_access_key: JsAny,
    session_token: JsAny,
    expiration: JsAny,
) -> napi::Result<JsAny> {
    one_shot(&env, |js| {
        let kind = if read_admin(js, admin.0)? { TokenKind::DsqlAdmin } else { TokenKind::Dsql };
        Ok(OneShot {
            kind,
            target: TargetValues { hostname: hostname.0, port: None, username: None, region: region.0, expires_in: expires_in.0 },
            signing_time: signing_time.0,
            credentials: credentials.0,
            identity: fields_if_object(js, credentials, access_key_id, secret_access_key, session_token, expiration)?,
        })
    })
}

fn fields_if_object(
    js: Js,
    credentials: JsAny,
    access_key_id: JsAny,
    secret_access_key: JsAny,
    session_token: JsAny,
    expiration: JsAny,
) -> Result<Option<IdentityValues>, Failure> {
    Ok((js.kind(credentials.0)? == Kind::Object).then_some(IdentityValues {
        access_key_id: access_key_id.0,
        secret_access_key: secret_access_key.0,
        session_token: session_token.0,
        expiration: expiration.0,
    }))
}

/// One error code of the core: the `code` of errors thrown by this package.
#[napi(object)]
pub struct ErrorCodeInfo {
    /// Stable name, e.g. `INVALID_PORT` (the C status name without `AURORAIAM_RESULT_`).
    pub name: String,
    /// Stable number, e.g. 7002 (the C status value).
    pub number: u32,
    /// A static one-line description.
    pub description: String,
}

/// Every error code the core defines, in numeric order.
#[napi]
pub fn error_codes() -> Vec<ErrorCodeInfo> {
    ErrorCode::ALL
        .iter()
        .map(|c| ErrorCodeInfo { name: c.name().to_string(), number: c.number(), description: c.description().to_string() })
        .collect()
}

/// Signs Amazon RDS / Aurora IAM auth tokens; a drop-in for `Signer` of `@aws-sdk/rds-signer`
/// (same constructor options, same `getAuthToken()`), validated at construction.
///
/// `credentials` may be fixed (an identity object) or an AWS SDK credential provider
/// (`() => Promise<identity>`), called for every token; credentials that expire within 15
/// minutes are refreshed once with `{ forceRefresh: true }`, as `@aws-sdk/rds-signer` does.
/// Omitted, they come from the `AWS_*` environment variables. `sha256` is accepted and ignored.
#[napi]
pub struct Signer {
    state: Rc<State>,
}

#[napi]
impl Signer {
    /// Validates the options (throws like {@link generateAuthToken}).
    #[napi(constructor, ts_args_type = "options: SignerOptions")]
    pub fn new(env: Env, options: JsAny) -> napi::Result<Self> {
        construct(&env, options, TokenKind::Rds).map(|state| Signer { state })
    }

    /// A new token, signed now. Rejects with the errors {@link generateAuthToken} throws, or
    /// with whatever the credential provider rejected with.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn get_auth_token(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::Rds)
    }
}

/// Signs Aurora DSQL tokens; a drop-in for `DsqlSigner` of `@aws-sdk/dsql-signer`.
/// Credentials as for {@link Signer}.
#[napi]
pub struct DsqlSigner {
    state: Rc<State>,
}

#[napi]
impl DsqlSigner {
    /// Validates the options (throws like {@link generateDsqlToken}).
    #[napi(constructor, ts_args_type = "options: DsqlSignerOptions")]
    pub fn new(env: Env, options: JsAny) -> napi::Result<Self> {
        construct(&env, options, TokenKind::Dsql).map(|state| DsqlSigner { state })
    }

    /// A new `DbConnect` token (for a custom database role), signed now.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn get_db_connect_auth_token(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::Dsql)
    }

    /// A new `DbConnectAdmin` token (for the `admin` role), signed now.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn get_db_connect_admin_auth_token(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::DsqlAdmin)
    }
}

fn construct(env: &Env, options: JsAny, kind: TokenKind) -> napi::Result<Rc<State>> {
    let js = Js::new(env).map_err(|_| napi::Error::from_reason("auroraiam: cannot initialize Node-API"))?;
    State::from_options(js, options.0, kind).map_err(|failure| {
        failure.throw(js);
        already_thrown()
    })
}

fn start(env: &Env, state: &Rc<State>, kind: TokenKind) -> napi::Result<JsAny> {
    let js = Js::new(env).map_err(|_| napi::Error::from_reason("auroraiam: cannot initialize Node-API"))?;
    state.token(js, kind).map(JsAny).map_err(|failure| {
        failure.throw(js);
        already_thrown()
    })
}
