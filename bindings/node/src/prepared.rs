//! Prepared tokens: a `Credentials`' signer with one validated request, for `index.js` to sign
//! the same request with the same credentials again (the common case: one database) without
//! passing or converting the request fields. `index.js` keeps the fields a request was prepared
//! from and uses the prepared one only while the fields of a call are the same values (`===`),
//! which convert to the same request; any other call takes the positional path, which checks
//! everything.

use std::rc::Rc;

use auroraiam::{OwnedTokenRequest, Signer, SigningTime, TokenKind};
use napi::sys;

use crate::cache;
use crate::credentials::signer_of;
use crate::failure::Failure;
use crate::handle::{handle_value, new_handle};
use crate::js::Js;
use crate::one_shot::{core_sign, fast_path, sign_token};
use crate::options::{read_admin, read_signing_time, Target, TargetValues};

/// A signer and a request it signs.
struct Prepared {
    signer: Rc<Signer>,
    request: Rc<OwnedTokenRequest>,
}

/// Validates the request fields `target` and pairs the request with the signer behind `handle`.
fn prepare(js: Js, handle: sys::napi_value, kind: TokenKind, target: &TargetValues) -> Result<sys::napi_value, Failure> {
    let signer = signer_of(js, handle)?;
    let mut fields = Target::default();
    target.read(js, &mut fields)?;
    let request = cache::request_for(kind, &fields)?;
    new_handle(js, Rc::new(Prepared { signer, request }))
}

/// `rdsPrepared(handle, hostname, port, username, region, expiresIn)`: a prepared RDS token for
/// the signer behind `handle` (a `Credentials` handle).
pub unsafe extern "C" fn rds_prepared(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<6>(env, info, |js, a, _| {
            let target = TargetValues { hostname: a[1], port: Some(a[2]), username: Some(a[3]), region: a[4], expires_in: a[5] };
            prepare(js, a[0], TokenKind::Rds, &target)
        })
    }
}

/// `dsqlPrepared(handle, hostname, admin, region, expiresIn)`: a prepared DSQL token.
pub unsafe extern "C" fn dsql_prepared(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<5>(env, info, |js, a, _| {
            let kind = if read_admin(js, a[2])? { TokenKind::DsqlAdmin } else { TokenKind::Dsql };
            let target = TargetValues { hostname: a[1], port: None, username: None, region: a[3], expires_in: a[4] };
            prepare(js, a[0], kind, &target)
        })
    }
}

/// `tokenWithPrepared(prepared, signingTime?)`: the prepared token signed now, or at
/// `signingTime` when it is passed (read as `generateAuthToken` reads it).
pub unsafe extern "C" fn token_with_prepared(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<2>(env, info, |js, a, passed| {
            let Some(prepared) = handle_value::<Rc<Prepared>>(js, a[0])? else {
                return Err(Failure::type_error("prepared", "a prepared token handle", js.kind(a[0])?));
            };
            let at = if passed < 2 { SigningTime::now()? } else { read_signing_time(js, a[1])? };
            sign_token(js, &prepared.signer, &prepared.request, at)
        })
    }
}

/// `_coreSignLoop(prepared, calls)`: the core signing the prepared token `calls` times (now),
/// nothing of this binding in between: `bench/bench.mjs` times it next to `generateAuthToken`
/// in the same run.
pub unsafe extern "C" fn core_sign_loop(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<2>(env, info, |js, a, _| {
            let Some(prepared) = handle_value::<Rc<Prepared>>(js, a[0])? else {
                return Err(Failure::type_error("prepared", "a prepared token handle", js.kind(a[0])?));
            };
            let calls = js.try_number(a[1])?.unwrap_or(0.0) as u64;
            let at = SigningTime::now()?;
            for _ in 0..calls {
                std::hint::black_box(core_sign(&prepared.signer, std::hint::black_box(&prepared.request), std::hint::black_box(at))?);
            }
            js.undefined()
        })
    }
}
