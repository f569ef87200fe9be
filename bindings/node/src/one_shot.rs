//! One-shot signing (`generateAuthToken`, `generateDsqlToken`): gathering the inputs, signing
//! with this thread's scratch buffers and caches, and the positional fast paths that `index.js`
//! calls with the option fields it destructured.

use std::cell::RefCell;

use auroraiam::{AuthToken, OwnedTokenRequest, Signer, SigningTime, TokenKind};
use napi::sys;

use crate::cache;
use crate::failure::Failure;
use crate::js::{self, Js, Kind};
use crate::options::{read_admin, read_signing_time, Identity, IdentityValues, Target, TargetValues, IDENTITY_EXPECTED};

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
pub struct OneShot {
    pub kind: TokenKind,
    pub target: TargetValues,
    pub signing_time: sys::napi_value,
    /// The `credentials` value itself, and its fields when it is an object.
    pub credentials: sys::napi_value,
    pub identity: Option<IdentityValues>,
}

/// Signs one token with this thread's scratch buffers (fresh ones if a getter re-entered us).
pub fn one_shot(js: Js, gather: impl FnOnce(Js) -> Result<OneShot, Failure>) -> Result<sys::napi_value, Failure> {
    gather(js).and_then(|inputs| {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => {
                let result = sign(js, &inputs, &mut scratch);
                scratch.identity.wipe();
                result
            }
            Err(_) => sign(js, &inputs, &mut Scratch::default()),
        })
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
    sign_token(js, &signer, &request, signing_time)
}

/// `signer`'s token for `request` at `at` as a JavaScript string: every signing path of this
/// binding goes through here.
pub fn sign_token(js: Js, signer: &Signer, request: &OwnedTokenRequest, at: SigningTime) -> Result<sys::napi_value, Failure> {
    let token = core_sign(signer, request, at)?;
    js.new_ascii_string(token.as_str())
}

/// The core's `Signer::sign`, kept out of line so that its code is inlined here once rather
/// than at every signing path (and the bench's core loop times this same code).
#[inline(never)]
pub fn core_sign(signer: &Signer, request: &OwnedTokenRequest, at: SigningTime) -> auroraiam::Result<AuthToken> {
    signer.sign(&request.as_request(), at)
}

/// Signs one token of `kind` for the request fields `target` with `signer` (a `Credentials`'
/// own), with this thread's scratch buffer for the fields.
pub fn sign_with_signer(
    js: Js,
    kind: TokenKind,
    target: &TargetValues,
    signing_time: sys::napi_value,
    signer: &Signer,
) -> Result<sys::napi_value, Failure> {
    let sign = |scratch: &mut Target| -> Result<sys::napi_value, Failure> {
        target.read(js, scratch)?;
        let signing_time = read_signing_time(js, signing_time)?;
        let request = cache::request_for(kind, scratch)?;
        sign_token(js, signer, &request, signing_time)
    };
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => sign(&mut scratch.target),
        Err(_) => sign(&mut Target::default()),
    })
}

/// The identity fields of `credentials` when it is an object (else the caller reports it).
pub fn identity_of(js: Js, credentials: sys::napi_value) -> Result<Option<IdentityValues>, Failure> {
    match js.kind(credentials)? {
        Kind::Object => Ok(Some(IdentityValues::of(js, credentials, Kind::Object)?)),
        _ => Ok(None),
    }
}

/// Runs a fast-path body with up to `N` arguments (missing ones are `undefined`) and the
/// number the caller passed, catching panics and throwing failures.
///
/// # Safety
/// Called by Node-API as a function callback (`env` and `info` valid for the call).
pub unsafe fn fast_path<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    body: impl FnOnce(Js, &[sys::napi_value; N], usize) -> Result<sys::napi_value, Failure>,
) -> sys::napi_value {
    let js = Js::from_raw(env);
    let mut argc = N;
    let mut argv = [std::ptr::null_mut(); N];
    let status = unsafe {
        sys::napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), std::ptr::null_mut(), std::ptr::null_mut())
    };
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        js::check(status)?;
        body(js, &argv, argc)
    }));
    match run {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            failure.throw(js);
            std::ptr::null_mut()
        }
        Err(_) => {
            Failure::Internal(sys::Status::napi_generic_failure).throw(js);
            std::ptr::null_mut()
        }
    }
}

/// `rdsTokenFromFields(hostname, port, username, region, expiresIn, signingTime, credentials,
/// accessKeyId, secretAccessKey, sessionToken, expiration)`; the last four are `credentials`'
/// fields when it is an object.
pub unsafe extern "C" fn rds_token_from_fields(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<11>(env, info, |js, a, _| {
            one_shot(js, |js| {
                Ok(OneShot {
                    kind: TokenKind::Rds,
                    target: TargetValues { hostname: a[0], port: Some(a[1]), username: Some(a[2]), region: a[3], expires_in: a[4] },
                    signing_time: a[5],
                    credentials: a[6],
                    identity: fields_if_object(js, a[6], [a[7], a[8], a[9], a[10]])?,
                })
            })
        })
    }
}

/// `dsqlTokenFromFields(hostname, admin, region, expiresIn, signingTime, credentials,
/// accessKeyId, secretAccessKey, sessionToken, expiration)`.
pub unsafe extern "C" fn dsql_token_from_fields(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<10>(env, info, |js, a, _| {
            one_shot(js, |js| {
                let kind = if read_admin(js, a[1])? { TokenKind::DsqlAdmin } else { TokenKind::Dsql };
                Ok(OneShot {
                    kind,
                    target: TargetValues { hostname: a[0], port: None, username: None, region: a[2], expires_in: a[3] },
                    signing_time: a[4],
                    credentials: a[5],
                    identity: fields_if_object(js, a[5], [a[6], a[7], a[8], a[9]])?,
                })
            })
        })
    }
}

fn fields_if_object(js: Js, credentials: sys::napi_value, fields: [sys::napi_value; 4]) -> Result<Option<IdentityValues>, Failure> {
    Ok((js.kind(credentials)? == Kind::Object).then_some(IdentityValues {
        access_key_id: fields[0],
        secret_access_key: fields[1],
        session_token: fields[2],
        expiration: fields[3],
    }))
}

