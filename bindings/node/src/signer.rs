//! `Signer` and `DsqlSigner`: drop-ins for `@aws-sdk/rds-signer` and `@aws-sdk/dsql-signer`.
//!
//! The request is validated once, in the constructor. Fixed credentials get their own core
//! [`auroraiam::Signer`] (derived keys cached); a provider function is called on every token,
//! as the AWS SDK signers do, and its result may be a promise.

use std::ptr;
use std::rc::Rc;
use std::time::{Duration, SystemTime};

use auroraiam::{Error, ErrorCode, OwnedTokenRequest, SigningTime, TokenKind};
use napi::sys;

use crate::cache;
use crate::failure::Failure;
use crate::js::{check, Js, Key, Kind};
use crate::options::{read_identity, Identity, IdentityValues, Target, TargetValues};
use crate::promise;

/// Credentials that expire sooner than this are refreshed once before signing (the rule
/// `@aws-sdk/rds-signer` applies: a token dies with the credentials that signed it).
const REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Where a signer's credentials come from.
enum Source {
    /// Fixed credentials, validated at construction.
    Fixed(auroraiam::Signer),
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, read per token.
    Environment,
    /// An AWS SDK credential provider, `(props?) => Promise<identity> | identity`.
    Provider(FunctionRef),
}

/// A strong reference to a JavaScript function, released with its owner.
struct FunctionRef {
    env: sys::napi_env,
    reference: sys::napi_ref,
}

impl FunctionRef {
    fn new(js: Js, function: sys::napi_value) -> Result<Self, Failure> {
        let mut reference = ptr::null_mut();
        check(unsafe { sys::napi_create_reference(js.env(), function, 1, &mut reference) })?;
        Ok(FunctionRef { env: js.env(), reference })
    }

    /// Calls the function with `argument` (or none); a synchronous throw is `Failure::Pending`.
    fn call(&self, js: Js, argument: Option<sys::napi_value>) -> Result<sys::napi_value, Failure> {
        let mut function = ptr::null_mut();
        check(unsafe { sys::napi_get_reference_value(js.env(), self.reference, &mut function) })?;
        let this = js.undefined()?;
        let (argc, argv) = match argument {
            Some(a) => (1, [a]),
            None => (0, [ptr::null_mut()]),
        };
        let mut result = ptr::null_mut();
        check(unsafe { sys::napi_call_function(js.env(), this, function, argc, argv.as_ptr(), &mut result) })?;
        Ok(result)
    }
}

impl Drop for FunctionRef {
    fn drop(&mut self) {
        // Runs in the owner's finalizer, on the thread of `env`.
        unsafe { sys::napi_delete_reference(self.env, self.reference) };
    }
}

/// Everything a signer instance holds; shared with the callbacks of pending tokens.
pub struct State {
    /// The validated requests, by kind (`Rds`, or `Dsql` and `DsqlAdmin`).
    requests: Vec<(TokenKind, OwnedTokenRequest)>,
    source: Source,
}

impl State {
    /// Reads and validates constructor options for `kind` (`Rds` or `Dsql`).
    pub fn from_options(js: Js, options: sys::napi_value, kind: TokenKind) -> Result<Rc<State>, Failure> {
        js.expect_object(options, "options")?;
        let mut target = Target::default();
        TargetValues::of(js, options, kind)?.read(js, &mut target)?;
        // Validate once: each token then only signs.
        let kinds: &[TokenKind] = match kind {
            TokenKind::Rds => &[TokenKind::Rds],
            _ => &[TokenKind::Dsql, TokenKind::DsqlAdmin],
        };
        let requests = kinds
            .iter()
            .map(|&k| Ok((k, target.request(k)?.to_owned_request())))
            .collect::<Result<Vec<_>, Failure>>()?;
        let (credentials, credentials_kind) = js.get_kind(options, Key::Credentials)?;
        let source = match credentials_kind {
            k if k.is_absent() => {
                check_no_profile(js, options)?;
                Source::Environment
            }
            Kind::Function => Source::Provider(FunctionRef::new(js, credentials)?),
            Kind::Object => {
                let mut identity = Identity::default();
                IdentityValues::of(js, credentials, credentials_kind)?.read(js, &mut identity)?;
                let parsed = auroraiam::credentials_from_parts(
                    &identity.access_key_id,
                    &identity.secret_access_key,
                    Some(identity.session_token.as_str()),
                    identity.expiration,
                )?;
                Source::Fixed(auroraiam::Signer::new(parsed)?)
            }
            k => {
                return Err(Failure::type_error(
                    "credentials",
                    "an identity object or a provider function",
                    k,
                ))
            }
        };
        Ok(Rc::new(State { requests, source }))
    }

    /// Starts one token; always returns a promise (errors reject it).
    pub fn token(self: &Rc<Self>, js: Js, kind: TokenKind) -> Result<sys::napi_value, Failure> {
        match &self.source {
            Source::Fixed(signer) => promise::settled(js, self.sign(js, signer, kind)),
            Source::Environment => {
                let signed = Identity::from_env().and_then(|identity| self.sign_as(js, &identity, kind));
                promise::settled(js, signed)
            }
            Source::Provider(provider) => match provider.call(js, None) {
                Ok(identity) => {
                    let pending = Rc::new(Pending { state: self.clone(), kind, original: None });
                    promise::then(js, identity, pending, on_identity, None)
                }
                // A provider that throws synchronously rejects, as in the async AWS SDK signer.
                Err(failure) => promise::settled(js, Err(failure)),
            },
        }
    }

    fn sign(&self, js: Js, signer: &auroraiam::Signer, kind: TokenKind) -> Result<sys::napi_value, Failure> {
        let request = self.requests.iter().find(|(k, _)| *k == kind).map(|(_, r)| r.as_request());
        let request = request.ok_or(Failure::Internal(sys::Status::napi_generic_failure))?;
        let token = signer.sign(&request, SigningTime::now()?)?;
        js.new_ascii_string(token.as_str())
    }

    fn sign_as(&self, js: Js, identity: &Identity, kind: TokenKind) -> Result<sys::napi_value, Failure> {
        let signer = cache::signer_for(identity)?;
        self.sign(js, &signer, kind)
    }
}

/// `profile` without `credentials` asks for the shared-config credential chain, which is not
/// implemented yet; refusing beats silently signing with the environment's identity.
fn check_no_profile(js: Js, options: sys::napi_value) -> Result<(), Failure> {
    let mut profile = String::new();
    if js.optional_string(js.get(options, Key::Profile)?, "profile", &mut profile)? {
        return Err(Failure::Core(Error::new(
            ErrorCode::CredentialsNotFound,
            "profile is set but credentials are not: reading profiles from the shared AWS config files is not \
             supported yet; pass credentials, e.g. fromIni({ profile }) from @aws-sdk/credential-providers",
        )));
    }
    Ok(())
}

/// A token waiting for its provider.
struct Pending {
    state: Rc<State>,
    kind: TokenKind,
    /// The first identity, once a refresh has been asked for.
    original: Option<Identity>,
}

fn expires_soon(identity: &Identity) -> bool {
    identity.expiration.is_some_and(|at| at < SystemTime::now() + REFRESH_WINDOW)
}

/// The provider answered: sign, or first ask once for fresher credentials.
fn on_identity(js: Js, pending: &Rc<Pending>, value: sys::napi_value) -> Result<sys::napi_value, Failure> {
    let mut identity = Identity::default();
    read_identity(js, value, &mut identity)?;
    if expires_soon(&identity) {
        if let Source::Provider(provider) = &pending.state.source {
            let refresh = Rc::new(Pending { state: pending.state.clone(), kind: pending.kind, original: Some(identity) });
            let props = force_refresh_props(js)?;
            return match provider.call(js, Some(props)) {
                Ok(refreshed) => promise::then(js, refreshed, refresh, on_refreshed, Some(on_refresh_failed)),
                Err(_) => {
                    clear_pending(js);
                    on_refresh_failed(js, &refresh, ptr::null_mut())
                }
            };
        }
    }
    pending.state.sign_as(js, &identity, pending.kind)
}

/// The forced refresh answered: use it unless it expires soon too (then keep the first).
fn on_refreshed(js: Js, pending: &Rc<Pending>, value: sys::napi_value) -> Result<sys::napi_value, Failure> {
    let mut refreshed = Identity::default();
    let usable = read_identity(js, value, &mut refreshed);
    if usable.is_ok() && !expires_soon(&refreshed) {
        return pending.state.sign_as(js, &refreshed, pending.kind);
    }
    clear_pending(js);
    on_refresh_failed(js, pending, value)
}

/// The forced refresh failed: sign with the first identity.
fn on_refresh_failed(js: Js, pending: &Rc<Pending>, _error: sys::napi_value) -> Result<sys::napi_value, Failure> {
    match &pending.original {
        Some(identity) => pending.state.sign_as(js, identity, pending.kind),
        None => Err(Failure::Internal(sys::Status::napi_generic_failure)),
    }
}

fn force_refresh_props(js: Js) -> Result<sys::napi_value, Failure> {
    let env = js.env();
    let (mut object, mut yes) = (ptr::null_mut(), ptr::null_mut());
    check(unsafe { sys::napi_create_object(env, &mut object) })?;
    check(unsafe { sys::napi_get_boolean(env, true, &mut yes) })?;
    js.set(object, Key::ForceRefresh, yes)?;
    Ok(object)
}

/// Drops an exception left by a failed refresh attempt (the first identity is used instead).
fn clear_pending(js: Js) {
    let mut ignored = ptr::null_mut();
    let mut is_pending = false;
    unsafe {
        sys::napi_is_exception_pending(js.env(), &mut is_pending);
        if is_pending {
            sys::napi_get_and_clear_last_exception(js.env(), &mut ignored);
        }
    }
}

