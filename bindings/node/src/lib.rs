//! Node.js binding of auroraiam (napi-rs v3): Amazon Aurora / RDS IAM database auth tokens and
//! Aurora DSQL tokens, byte-identical to botocore's.
//!
//! Thin by design: every rule (validation, encoding, region inference, time conversion,
//! credential environment lookup) is the core's; this crate only converts JavaScript values
//! and errors. `index.d.ts` is generated from the doc comments and signatures below.
#![deny(unsafe_op_in_unsafe_fn)]

mod cache;
mod credentials;
mod failure;
mod handle;
mod inspect;
mod integration;
mod js;
mod kind;
mod one_shot;
mod options;
mod policy;
mod prepared;
mod promise;
mod signer;
mod threadpool;
mod throw;
mod types;

use std::rc::Rc;

use auroraiam::{ErrorCode, TokenKind};
use napi::bindgen_prelude::Object;
use napi::{sys, Env, JsValue};
use napi_derive::napi;

use crate::failure::Failure;
use crate::throw::already_thrown;
use crate::js::{Js, JsAny, Key};
use crate::one_shot::{dsql_token_from_fields, identity_of, one_shot, rds_token_from_fields, OneShot};
use crate::options::{read_admin, TargetValues};
use crate::signer::{Shape, State};

/// Throws a failure for napi-rs-generated entry points.
pub(crate) fn thrown<T>(js: Js, result: Result<T, Failure>) -> napi::Result<T> {
    result.map_err(|failure| {
        failure.throw(js);
        already_thrown()
    })
}

/// Generates an Amazon RDS / Aurora IAM database authentication token: the password to send,
/// valid for `expiresIn` seconds (default 900). Byte-identical to botocore's
/// `generate_db_auth_token` for the same inputs.
///
/// `region` defaults to the one in the hostname; `credentials` default to the
/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` environment variables
/// (only those: this function is synchronous and never does I/O; {@link Signer} resolves the
/// full default credential chain off the main thread); `signingTime` defaults to now.
///
/// @throws {Error} with `code` set to an auroraiam error code (`INVALID_PORT`, ...) for bad values
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi(catch_unwind, ts_args_type = "options: AuthTokenOptions", ts_return_type = "string")]
pub fn generate_auth_token(env: Env, options: JsAny) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, one_shot(js, |js| {
        let js = js.with_keys()?;
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
    }).map(JsAny))
}

/// Generates an Aurora DSQL authentication token (`DbConnect`, or `DbConnectAdmin` with
/// `admin: true`), valid for `expiresIn` seconds (default 900, at most 604800).
///
/// Defaults as for {@link generateAuthToken}.
///
/// @throws {Error} with `code` set to an auroraiam error code for bad values
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi(catch_unwind, ts_args_type = "options: DsqlTokenOptions", ts_return_type = "string")]
pub fn generate_dsql_token(env: Env, options: JsAny) -> napi::Result<JsAny> {
    let js = Js::new(&env);
    thrown(js, one_shot(js, |js| {
        let js = js.with_keys()?;
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
    }).map(JsAny))
}

/// Registers the positional fast paths behind `index.js`'s `generateAuthToken` and
/// `generateDsqlToken` as plain Node-API functions: the option fields are destructured in
/// JavaScript (free there) instead of read here through Node-API (about 100 ns each), and the
/// napi-rs argument layer is skipped. Not part of the typed API.
#[napi(module_exports)]
pub fn register_fast_paths(exports: Object, env: Env) -> napi::Result<()> {
    let js = Js::new(&env);
    let register = |name: &std::ffi::CStr, callback: sys::napi_callback| -> Result<(), Failure> {
        let mut function = std::ptr::null_mut();
        js::check(unsafe {
            sys::napi_create_function(js.env(), name.as_ptr(), name.count_bytes() as isize, callback, std::ptr::null_mut(), &mut function)
        })?;
        js::check(unsafe { sys::napi_set_named_property(js.env(), exports.raw(), name.as_ptr(), function) })
    };
    register(c"rdsTokenFromFields", Some(rds_token_from_fields))
        .and_then(|()| register(c"dsqlTokenFromFields", Some(dsql_token_from_fields)))
        .and_then(|()| register(c"rdsTokenWithHandle", Some(credentials::rds_token_with_handle)))
        .and_then(|()| register(c"dsqlTokenWithHandle", Some(credentials::dsql_token_with_handle)))
        .and_then(|()| register(c"rdsPrepared", Some(prepared::rds_prepared)))
        .and_then(|()| register(c"dsqlPrepared", Some(prepared::dsql_prepared)))
        .and_then(|()| register(c"tokenWithPrepared", Some(prepared::token_with_prepared)))
        .and_then(|()| register(c"_coreSignLoop", Some(prepared::core_sign_loop)))
        .and_then(|()| register(c"_dsqlTarget", Some(dsql_target)))
        .map_err(|_| napi::Error::from_reason("auroraiam: cannot register the fast paths"))
}

/// `_dsqlTarget(host, user, region?)`, for `lib/common.js` (DSQL in the driver integrations):
/// the core's `SigningTarget::dsql` — a cluster id expanded to its endpoint, user `admin`
/// getting `DbConnectAdmin` tokens — as `[hostname, kind]` with kind `dsql` or `dsql-admin`.
unsafe extern "C" fn dsql_target(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        one_shot::fast_path::<3>(env, info, |js, a, _| {
            let (mut host, mut user, mut region) = (String::new(), String::new(), String::new());
            js.string(a[0], "hostname", &mut host)?;
            js.string(a[1], "user", &mut user)?;
            let region = js.optional_string(a[2], "region", &mut region)?.then_some(region.as_str());
            let target = auroraiam::SigningTarget::dsql(Some(&host), Some(&user), region)?;
            let kind = if target.kind() == TokenKind::DsqlAdmin { "dsql-admin" } else { "dsql" };
            js.new_array(&[js.new_string(target.hostname())?, js.new_ascii_string(kind)?])
        })
    }
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
/// Tokens are cached: `getAuthToken()` returns the previous token while it has more than
/// `refreshMargin` (default 60 s) of effective life left, where the effective expiry is the
/// earlier of the token's own (signing time + `expiresIn`) and its credentials' expiration,
/// and never returns a token whose credentials expire within the margin.
///
/// `credentials` may be fixed (an identity object) or an AWS SDK credential provider
/// (`() => Promise<identity>`), called for every token (an unchanged identity reuses the
/// cached token); credentials that expire within 15 minutes are refreshed once with
/// `{ forceRefresh: true }`, as `@aws-sdk/rds-signer` does. Omitted, they come from the default
/// credential chain (environment, shared config and credentials files with `profile`, SSO,
/// web identity, ECS/EKS container, EC2 instance metadata), resolved on the libuv threadpool.
/// `sha256` is accepted and ignored.
#[napi]
pub struct Signer {
    state: Rc<State>,
}

#[napi]
impl Signer {
    /// Validates the options (throws like {@link generateAuthToken}).
    #[napi(constructor, catch_unwind, ts_args_type = "options: SignerOptions")]
    pub fn new(env: Env, options: JsAny) -> napi::Result<Self> {
        construct(&env, options, TokenKind::Rds).map(|state| Signer { state })
    }

    /// A token valid for more than the refresh margin: the cached one, or a new one signed now.
    /// Rejects with the errors {@link generateAuthToken} throws, with the credential chain's
    /// (`CREDENTIALS_NOT_FOUND`, `CREDENTIALS_PROVIDER_FAILED`, `CREDENTIALS_EXPIRED`), or with
    /// whatever the credential provider rejected with.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn get_auth_token(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::Rds, Shape::Token)
    }

    /// As {@link Signer.getAuthToken}, with the token's effective expiry: the earlier of its
    /// own expiry and its credentials' expiration (a pool can keep the token until shortly
    /// before `expiresAt`).
    #[napi(catch_unwind, ts_return_type = "Promise<AuthTokenWithExpiry>")]
    pub fn get_auth_token_with_expiry(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::Rds, Shape::WithExpiry)
    }
    /// Forgets the cached token and credentials, so that the next token is signed with
    /// credentials resolved anew (a provider function is called with `{ forceRefresh: true }`).
    /// Call it when the database rejected a token; `auroraiam/pg` and `auroraiam/mysql2` do,
    /// before their one retry.
    #[napi(catch_unwind)]
    pub fn invalidate(&self) {
        self.state.invalidate()
    }

    /// For `index.js`: the credential provider function, or `undefined`.
    #[napi(skip_typescript, js_name = "_credentialProvider", catch_unwind)]
    pub fn credential_provider(&self, env: Env) -> napi::Result<JsAny> {
        provider_function(&env, &self.state)
    }

    /// For `index.js`: the token if it can be had on this thread without I/O, else `undefined`.
    #[napi(skip_typescript, js_name = "_tokenNow", catch_unwind)]
    pub fn token_now(&self, env: Env, kind: u32, shape: u32) -> napi::Result<JsAny> {
        token_now(&env, &self.state, kind, shape)
    }

    /// For `index.js`: signs with an identity the provider function gave.
    #[napi(skip_typescript, js_name = "_signWith", catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn sign_with(
        &self,
        env: Env,
        kind: u32,
        shape: u32,
        last: bool,
        identity: JsAny,
        access_key_id: JsAny,
        secret_access_key: JsAny,
        session_token: JsAny,
        expiration: JsAny,
    ) -> napi::Result<JsAny> {
        let fields = [access_key_id.0, secret_access_key.0, session_token.0, expiration.0];
        sign_with(&env, &self.state, kind, shape, last, identity, fields)
    }
}

/// Signs Aurora DSQL tokens; a drop-in for `DsqlSigner` of `@aws-sdk/dsql-signer`.
/// Credentials and caching as for {@link Signer}.
#[napi]
pub struct DsqlSigner {
    state: Rc<State>,
}

#[napi]
impl DsqlSigner {
    /// Validates the options (throws like {@link generateDsqlToken}).
    #[napi(constructor, catch_unwind, ts_args_type = "options: DsqlSignerOptions")]
    pub fn new(env: Env, options: JsAny) -> napi::Result<Self> {
        construct(&env, options, TokenKind::Dsql).map(|state| DsqlSigner { state })
    }

    /// A `DbConnect` token (for a custom database role), cached as for {@link Signer.getAuthToken}.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn get_db_connect_auth_token(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::Dsql, Shape::Token)
    }

    /// A `DbConnectAdmin` token (for the `admin` role), cached as for {@link Signer.getAuthToken}.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn get_db_connect_admin_auth_token(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::DsqlAdmin, Shape::Token)
    }

    /// {@link DsqlSigner.getDbConnectAuthToken} with the token's effective expiry.
    #[napi(catch_unwind, ts_return_type = "Promise<AuthTokenWithExpiry>")]
    pub fn get_db_connect_auth_token_with_expiry(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::Dsql, Shape::WithExpiry)
    }

    /// {@link DsqlSigner.getDbConnectAdminAuthToken} with the token's effective expiry.
    #[napi(catch_unwind, ts_return_type = "Promise<AuthTokenWithExpiry>")]
    pub fn get_db_connect_admin_auth_token_with_expiry(&self, env: Env) -> napi::Result<JsAny> {
        start(&env, &self.state, TokenKind::DsqlAdmin, Shape::WithExpiry)
    }
    /// Forgets the cached token and credentials, so that the next token is signed with
    /// credentials resolved anew (a provider function is called with `{ forceRefresh: true }`).
    /// Call it when the database rejected a token; `auroraiam/pg` and `auroraiam/mysql2` do,
    /// before their one retry.
    #[napi(catch_unwind)]
    pub fn invalidate(&self) {
        self.state.invalidate()
    }

    /// For `index.js`: the credential provider function, or `undefined`.
    #[napi(skip_typescript, js_name = "_credentialProvider", catch_unwind)]
    pub fn credential_provider(&self, env: Env) -> napi::Result<JsAny> {
        provider_function(&env, &self.state)
    }

    /// For `index.js`: the token if it can be had on this thread without I/O, else `undefined`.
    #[napi(skip_typescript, js_name = "_tokenNow", catch_unwind)]
    pub fn token_now(&self, env: Env, kind: u32, shape: u32) -> napi::Result<JsAny> {
        token_now(&env, &self.state, kind, shape)
    }

    /// For `index.js`: signs with an identity the provider function gave.
    #[napi(skip_typescript, js_name = "_signWith", catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn sign_with(
        &self,
        env: Env,
        kind: u32,
        shape: u32,
        last: bool,
        identity: JsAny,
        access_key_id: JsAny,
        secret_access_key: JsAny,
        session_token: JsAny,
        expiration: JsAny,
    ) -> napi::Result<JsAny> {
        let fields = [access_key_id.0, secret_access_key.0, session_token.0, expiration.0];
        sign_with(&env, &self.state, kind, shape, last, identity, fields)
    }
}

fn construct(env: &Env, options: JsAny, kind: TokenKind) -> napi::Result<Rc<State>> {
    let js = Js::new(env);
    thrown(js, js.with_keys().and_then(|js| State::from_options(js, options.0, kind)))
}

fn start(env: &Env, state: &Rc<State>, kind: TokenKind, shape: Shape) -> napi::Result<JsAny> {
    let js = Js::new(env);
    thrown(js, state.token(js, kind, shape).map(JsAny))
}

fn provider_function(env: &Env, state: &Rc<State>) -> napi::Result<JsAny> {
    let js = Js::new(env);
    thrown(js, state.provider_function(js).map(JsAny))
}

/// The token kinds and result shapes as `index.js` numbers them.
const KINDS: [TokenKind; 3] = [TokenKind::Rds, TokenKind::Dsql, TokenKind::DsqlAdmin];
const SHAPES: [Shape; 2] = [Shape::Token, Shape::WithExpiry];

fn token_now(env: &Env, state: &Rc<State>, kind: u32, shape: u32) -> napi::Result<JsAny> {
    let js = Js::new(env);
    let (Some(&kind), Some(&shape)) = (KINDS.get(kind as usize), SHAPES.get(shape as usize)) else {
        return thrown(js, Err(Failure::Internal(sys::Status::napi_invalid_arg)));
    };
    thrown(js, state.token_now(js, kind, shape).map(JsAny))
}

fn sign_with(
    env: &Env,
    state: &Rc<State>,
    kind: u32,
    shape: u32,
    last: bool,
    identity: JsAny,
    fields: [sys::napi_value; 4],
) -> napi::Result<JsAny> {
    let js = Js::new(env);
    let (Some(&kind), Some(&shape)) = (KINDS.get(kind as usize), SHAPES.get(shape as usize)) else {
        return thrown(js, Err(Failure::Internal(sys::Status::napi_invalid_arg)));
    };
    thrown(js, state.sign_with(js, kind, shape, last, identity.0, fields).map(JsAny))
}
