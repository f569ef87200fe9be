//! `Credentials`: validated AWS credentials with their core [`Signer`], made once and passed as
//! `credentials` to `generateAuthToken` / `generateDsqlToken` (or kept for plain identity
//! objects by `index.js`). A token then costs no conversion of the access key id, secret or
//! session token, which the signer holds already encoded, and no comparison with the last ones.

use std::rc::Rc;

use auroraiam::{credentials_from_parts, Signer, TokenKind};
use napi::bindgen_prelude::Either;
use napi::{sys, Env};
use napi_derive::napi;

use crate::failure::Failure;
use crate::handle::{handle_value, new_handle};
use crate::js::{Js, JsAny, Kind};
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
    // `index.js` passes an array as `handle_out` and gets a handle on the signer in its first
    // element, for its positional fast paths (so the class shows no method for it; untyped).
    #[napi(constructor, catch_unwind, ts_args_type = "identity: AwsCredentialIdentity")]
    pub fn new(env: Env, identity: JsAny, handle_out: JsAny) -> napi::Result<Self> {
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
            let signer = Rc::new(Signer::new(credentials)?);
            if js.kind(handle_out.0)? == Kind::Object {
                js.set_element(handle_out.0, 0, new_handle(js, signer.clone())?)?;
            }
            Ok(Credentials { signer })
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
}

/// The signer behind `handle` (a handle on a `Credentials`' signer), else a `TypeError`.
pub fn signer_of(js: Js, handle: sys::napi_value) -> Result<Rc<Signer>, Failure> {
    match handle_value::<Rc<Signer>>(js, handle)? {
        Some(signer) => Ok(signer),
        None => Err(Failure::type_error("credentials", "a Credentials handle", js.kind(handle)?)),
    }
}

/// `rdsTokenWithHandle(handle, hostname, port, username, region, expiresIn, signingTime)`.
pub unsafe extern "C" fn rds_token_with_handle(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<7>(env, info, |js, a, _| {
            let signer = signer_of(js, a[0])?;
            let target = TargetValues { hostname: a[1], port: Some(a[2]), username: Some(a[3]), region: a[4], expires_in: a[5] };
            sign_with_signer(js, TokenKind::Rds, &target, a[6], &signer)
        })
    }
}

/// `dsqlTokenWithHandle(handle, hostname, admin, region, expiresIn, signingTime)`.
pub unsafe extern "C" fn dsql_token_with_handle(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    unsafe {
        fast_path::<6>(env, info, |js, a, _| {
            let signer = signer_of(js, a[0])?;
            let kind = if read_admin(js, a[2])? { TokenKind::DsqlAdmin } else { TokenKind::Dsql };
            let target = TargetValues { hostname: a[1], port: None, username: None, region: a[3], expires_in: a[4] };
            sign_with_signer(js, kind, &target, a[5], &signer)
        })
    }
}
