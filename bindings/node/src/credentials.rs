//! `Credentials`: validated AWS credentials with their core [`Signer`], made once and passed as
//! `credentials` to `generateAuthToken` / `generateDsqlToken` (or kept for plain identity
//! objects by `index.js`). A token then costs no conversion of the access key id, secret or
//! session token, which the signer holds already encoded, and no comparison with the last ones.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::c_void;
use std::rc::Rc;

use auroraiam::{credentials_from_parts, Signer, TokenKind};
use napi::bindgen_prelude::Either;
use napi::{sys, Env};
use napi_derive::napi;

use crate::failure::Failure;
use crate::js::{check, Js, JsAny, Kind};
use crate::one_shot::{fast_path, sign_with_signer};
use crate::options::{read_admin, Identity, IdentityValues, TargetValues};
use crate::thrown;

/// AWS credentials for signing, validated once: `accessKeyId`, `secretAccessKey`, and for
/// temporary credentials `sessionToken` and `expiration` (the AWS SDK identity fields, which it
/// also exposes, so it is accepted wherever such an object is). Reuse one across calls: each
/// token then skips converting and comparing the credentials (the session token alone is
/// hundreds of characters) and reuses the derived signing key.
///
/// @throws {Error} with `code` `INVALID_CREDENTIALS` for bad values
/// @throws {TypeError} with `code` `INVALID_ARGUMENT_TYPE` for a value of the wrong type
#[napi]
pub struct Credentials {
    signer: Rc<Signer>,
}

#[napi]
impl Credentials {
    /// Validates the identity (throws like {@link generateAuthToken} for bad `credentials`).
    #[napi(constructor, catch_unwind, ts_args_type = "identity: AwsCredentialIdentity")]
    pub fn new(env: Env, identity: JsAny) -> napi::Result<Self> {
        let js = Js::new(&env);
        thrown(js, (|| {
            let js = js.with_keys()?;
            let kind = js.kind(identity.0)?;
            let mut fields = Identity::default();
            IdentityValues::of(js, identity.0, kind)?.read(js, &mut fields)?;
            let credentials = credentials_from_parts(
                &fields.access_key_id,
                &fields.secret_access_key,
                Some(fields.session_token.as_str()),
                fields.expiration,
            )?;
            Ok(Credentials { signer: Rc::new(Signer::new(credentials)?) })
        })())
    }

    /// The access key id (`AKIA…` or `ASIA…`).
    #[napi(getter)]
    pub fn access_key_id(&self) -> String {
        self.signer.credentials().access_key_id().to_string()
    }

    /// The secret access key.
    #[napi(getter)]
    pub fn secret_access_key(&self) -> String {
        self.signer.credentials().secret_access_key().to_string()
    }

    /// The session token of temporary credentials, else `undefined`.
    #[napi(getter)]
    pub fn session_token(&self) -> Either<String, ()> {
        match self.signer.credentials().session_token() {
            Some(token) => Either::A(token.to_string()),
            None => Either::B(()),
        }
    }

    /// When temporary credentials expire, else `undefined`.
    #[napi(getter, catch_unwind, ts_return_type = "Date | undefined")]
    pub fn expiration(&self, env: Env) -> napi::Result<JsAny> {
        let js = Js::new(&env);
        let value = match self.signer.credentials().expiry() {
            Some(at) => js.new_date(at),
            None => js.undefined(),
        };
        thrown(js, value.map(JsAny))
    }

    /// A handle on this object's signer for the positional fast paths (`index.js` asks once
    /// per object and keeps it). Not part of the typed API.
    #[napi(skip_typescript, js_name = "_handle", catch_unwind)]
    pub fn handle(&self, env: Env) -> napi::Result<JsAny> {
        let js = Js::new(&env);
        thrown(js, new_handle(js, self.signer.clone()).map(JsAny))
    }
}

thread_local! {
    /// The handles alive on this thread (each JavaScript thread has its own): a value is used as
    /// a handle only if it is one of these, so no other external can be mistaken for one.
    static HANDLES: RefCell<HashSet<usize>> = RefCell::new(HashSet::new());
}

/// A JavaScript external owning a reference to `signer`, released when it is collected.
fn new_handle(js: Js, signer: Rc<Signer>) -> Result<sys::napi_value, Failure> {
    unsafe extern "C" fn release(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
        HANDLES.with(|live| live.borrow_mut().remove(&(data as usize)));
        // SAFETY: `data` came from `Box::into_raw` below and the finalizer runs once.
        drop(unsafe { Box::from_raw(data.cast::<Rc<Signer>>()) });
    }
    let data = Box::into_raw(Box::new(signer));
    let mut value = std::ptr::null_mut();
    // SAFETY: `data` stays valid until `release`, which Node-API calls once when the external is
    // collected (or the environment is torn down).
    let status = unsafe { sys::napi_create_external(js.env(), data.cast(), Some(release), std::ptr::null_mut(), &mut value) };
    if let Err(failure) = check(status) {
        // SAFETY: not handed to Node-API: still ours.
        drop(unsafe { Box::from_raw(data) });
        return Err(failure);
    }
    HANDLES.with(|live| live.borrow_mut().insert(data as usize));
    Ok(value)
}

/// The signer behind `handle` (one of [`HANDLES`]), else a `TypeError`.
fn signer_of(js: Js, handle: sys::napi_value) -> Result<Rc<Signer>, Failure> {
    let kind = js.kind(handle)?;
    if kind == Kind::External {
        let mut data = std::ptr::null_mut();
        check(unsafe { sys::napi_get_value_external(js.env(), handle, &mut data) })?;
        if HANDLES.with(|live| live.borrow().contains(&(data as usize))) {
            // SAFETY: a live handle's data is the `Rc<Signer>` boxed by `new_handle`.
            return Ok(unsafe { &*data.cast::<Rc<Signer>>() }.clone());
        }
    }
    Err(Failure::type_error("credentials", "a Credentials handle", kind))
}

/// `rdsTokenWithHandle(handle, hostname, port, username, region, expiresIn, signingTime)`.
pub unsafe extern "C" fn rds_token_with_handle(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<7>(env, info, |js, a| {
            let signer = signer_of(js, a[0])?;
            let target = TargetValues { hostname: a[1], port: Some(a[2]), username: Some(a[3]), region: a[4], expires_in: a[5] };
            sign_with_signer(js, TokenKind::Rds, &target, a[6], &signer)
        })
    }
}

/// `dsqlTokenWithHandle(handle, hostname, admin, region, expiresIn, signingTime)`.
pub unsafe extern "C" fn dsql_token_with_handle(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<6>(env, info, |js, a| {
            let signer = signer_of(js, a[0])?;
            let kind = if read_admin(js, a[2])? { TokenKind::DsqlAdmin } else { TokenKind::Dsql };
            let target = TargetValues { hostname: a[1], port: None, username: None, region: a[3], expires_in: a[4] };
            sign_with_signer(js, kind, &target, a[5], &signer)
        })
    }
}

/// The core signing an RDS token `calls` times with `credentials`' signer, nothing of this
/// binding in between: `bench/bench.mjs` times it next to `generateAuthToken` in the same run.
#[napi(skip_typescript, js_name = "_coreSignLoop", catch_unwind)]
pub fn core_sign_loop(env: Env, credentials: &Credentials, hostname: String, port: u32, username: String, calls: u32) -> napi::Result<()> {
    let js = Js::new(&env);
    thrown(js, (|| {
        let request = auroraiam::TokenRequest::rds(&hostname, port, &username).build()?;
        let at = auroraiam::SigningTime::now()?;
        credentials.signer.sign(&request, at)?;
        for _ in 0..calls {
            std::hint::black_box(credentials.signer.sign(std::hint::black_box(&request), std::hint::black_box(at))?);
        }
        Ok(())
    })())
}
