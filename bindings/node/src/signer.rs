//! `Signer` and `DsqlSigner`: drop-ins for `@aws-sdk/rds-signer` and `@aws-sdk/dsql-signer`,
//! with tokens cached by the core's [`TokenProvider`].
//!
//! The request is validated once, in the constructor. Where the credentials come from decides
//! where a token is made:
//!
//! * fixed credentials: the core's provider over a static source, on the JavaScript thread
//!   (no I/O, about a microsecond);
//! * omitted credentials: the default credential chain (environment, profiles, SSO, web
//!   identity, container, IMDS). A fetch can block for seconds, so a call that may need one
//!   runs on the libuv threadpool, one per signer and kind at a time (callers arriving
//!   meanwhile wait for the same result); a call that certainly finds the cached token is
//!   answered at once;
//! * a provider function: `index.js` calls and awaits it for every token, as the AWS SDK
//!   signers do (awaiting in JavaScript is far cheaper than chaining promises through
//!   Node-API), and hands the identity to [`State::sign_with`], which keeps a core provider for
//!   as long as the identity stays the same, so an unchanged identity reuses the cached token.

use std::cell::RefCell;
use std::ptr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use auroraiam::{
    forced_refresh_due, AuthToken, CredentialCache, CredentialsSource, Error, ErrorCode, FnSource, OwnedTokenRequest, StaticSource, TokenKind,
    TokenProvider, DEFAULT_REFRESH_MARGIN,
};
use napi::sys;

use crate::failure::Failure;
use crate::js::{check, Js, Key, Kind};
use crate::options::{integer, Identity, IdentityValues, Target, TargetValues, IDENTITY_EXPECTED};
use crate::promise;
use crate::threadpool;

/// What a token call resolves to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The token string (`getAuthToken()`).
    Token,
    /// `{ token, expiresAt }` (`getAuthTokenWithExpiry()`).
    WithExpiry,
}

/// Where a signer's credentials come from.
enum Source {
    /// Fixed credentials: each kind's provider signs on the JavaScript thread.
    Fixed,
    /// The default chain (or, in a build without it, the environment variables); `blocking`
    /// when fetching may do I/O (then misses run on the threadpool).
    Default { blocking: bool },
    /// An AWS SDK credential provider, `(props?) => Promise<identity> | identity` (called by
    /// `index.js`), and the core providers for the identity it gave last.
    Function { function: FunctionRef, last: RefCell<Option<LastIdentity>> },
}

/// The identity a provider function gave last, with a core provider per kind signing with it.
struct LastIdentity {
    identity: Identity,
    providers: Vec<Arc<TokenProvider>>,
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

    fn value(&self, js: Js) -> Result<sys::napi_value, Failure> {
        let mut function = ptr::null_mut();
        check(unsafe { sys::napi_get_reference_value(js.env(), self.reference, &mut function) })?;
        Ok(function)
    }
}

impl Drop for FunctionRef {
    fn drop(&mut self) {
        // Runs in the owner's finalizer, on the thread of `env`.
        unsafe { sys::napi_delete_reference(self.env, self.reference) };
    }
}

/// A caller waiting for a token being made on the threadpool.
struct Waiter {
    deferred: sys::napi_deferred,
    shape: Shape,
}

/// One kind of token a signer makes (`Rds`, or `Dsql` and `DsqlAdmin`).
struct KindState {
    kind: TokenKind,
    request: OwnedTokenRequest,
    /// The core's token cache (fixed credentials and the default chain).
    provider: Option<Arc<TokenProvider>>,
    /// The callers waiting for the threadpool; `None` when nothing is in flight.
    waiting: RefCell<Option<Vec<Waiter>>>,
}

/// Everything a signer instance holds; shared with the callbacks of pending tokens.
pub struct State {
    kinds: Vec<KindState>,
    source: Source,
    /// The credential cache both kinds of a DSQL signer share (see [`shared_source`]).
    shared_cache: Option<Arc<CredentialCache>>,
    /// The refresh margin of every provider (explicit, or the default for the lifetime).
    margin: Duration,
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
        let margin = refresh_margin(js, options, &requests[0].1)?;
        let (credentials, credentials_kind) = js.get_kind(options, Key::Credentials)?;
        let mut shared_cache = None;
        let (source, shared): (Source, Option<Arc<dyn CredentialsSource>>) = match credentials_kind {
            k if k.is_absent() => {
                let (source, cache) = shared_source(default_source(js, options)?, kinds.len(), margin);
                shared_cache = cache;
                (Source::Default { blocking: auroraiam::has_default_chain() }, Some(source))
            }
            Kind::Function => {
                // Checks the margin against the lifetime now rather than at the first token.
                provider(&requests[0].1, Arc::new(auroraiam::EnvironmentSource), margin)?;
                let function = FunctionRef::new(js, credentials)?;
                (Source::Function { function, last: RefCell::new(None) }, None)
            }
            Kind::Object => {
                let mut identity = Identity::default();
                IdentityValues::of(js, credentials, credentials_kind)?.read(js, &mut identity)?;
                (Source::Fixed, Some(static_source(&identity)?))
            }
            k => return Err(Failure::type_error("credentials", "an identity object or a provider function", k)),
        };
        let kinds = requests
            .into_iter()
            .map(|(kind, request)| {
                let provider = shared.as_ref().map(|s| provider(&request, s.clone(), margin).map(Arc::new)).transpose()?;
                Ok(KindState { kind, request, provider, waiting: RefCell::new(None) })
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        Ok(Rc::new(State { kinds, source, shared_cache, margin }))
    }

    /// Forgets the cached tokens and credentials (the core's [`TokenProvider::invalidate`]): the
    /// next token is signed with credentials fetched anew. For a provider function, `index.js`
    /// then calls it with `{ forceRefresh: true }`.
    pub fn invalidate(&self) {
        if let Some(cache) = &self.shared_cache {
            cache.invalidate();
        }
        for kind in &self.kinds {
            if let Some(provider) = &kind.provider {
                provider.invalidate();
            }
        }
        if let Source::Function { last, .. } = &self.source {
            if let Some(last) = last.borrow().as_ref() {
                last.providers.iter().for_each(|p| p.invalidate());
            }
            last.borrow_mut().take();
        }
    }

    fn kind(&self, kind: TokenKind) -> Result<&KindState, Failure> {
        self.kinds.iter().find(|k| k.kind == kind).ok_or(Failure::Internal(sys::Status::napi_generic_failure))
    }

    /// Starts one token; always returns a promise (errors reject it).
    pub fn token(self: &Rc<Self>, js: Js, kind: TokenKind, shape: Shape) -> Result<sys::napi_value, Failure> {
        let state = self.kind(kind)?;
        match &self.source {
            Source::Fixed | Source::Default { blocking: false } => promise::settled(js, state.now(js, shape)),
            Source::Default { blocking: true } => match state.cached(js, shape) {
                Some(hit) => promise::settled(js, hit),
                None => self.on_threadpool(js, kind, shape),
            },
            Source::Function { .. } => promise::settled(
                js,
                Err(Failure::Core(Error::new(
                    ErrorCode::InvalidArgument,
                    "a signer with a credential provider function is driven by the package entry \
                     (require('auroraiam') / import 'auroraiam'), not by binding.js",
                ))),
            ),
        }
    }

    /// For `index.js`: the token made on this thread when that needs no I/O (fixed credentials,
    /// the environment, a certain cache hit of the chain), thrown errors included; `undefined`
    /// when the call must go to the threadpool ([`State::token`]) or to a provider function.
    pub fn token_now(&self, js: Js, kind: TokenKind, shape: Shape) -> Result<sys::napi_value, Failure> {
        let state = self.kind(kind)?;
        match &self.source {
            Source::Fixed | Source::Default { blocking: false } => state.now(js, shape),
            Source::Default { blocking: true } => state.cached(js, shape).unwrap_or_else(|| js.undefined()),
            _ => js.undefined(),
        }
    }

    /// The provider function, for `index.js` to call (`undefined` for other sources).
    pub fn provider_function(&self, js: Js) -> Result<sys::napi_value, Failure> {
        match &self.source {
            Source::Function { function, .. } => function.value(js),
            _ => js.undefined(),
        }
    }

    /// Signs with an identity a provider function gave (`identity` is the value, its fields
    /// fetched by `index.js` when it is an object). With `last` false, credentials that expire
    /// within the refresh window give `null` instead: `index.js` then asks the provider once
    /// with `{ forceRefresh: true }` and comes back (with `last` true for the first identity,
    /// which the core refuses if it expires within the margin).
    pub fn sign_with(
        &self,
        js: Js,
        kind: TokenKind,
        shape: Shape,
        last: bool,
        identity: sys::napi_value,
        fields: [sys::napi_value; 4],
    ) -> Result<sys::napi_value, Failure> {
        let Source::Function { last: cached, .. } = &self.source else {
            return Err(Failure::Internal(sys::Status::napi_generic_failure));
        };
        let values = match js.kind(identity)? {
            Kind::Object => IdentityValues {
                access_key_id: fields[0],
                secret_access_key: fields[1],
                session_token: fields[2],
                expiration: fields[3],
            },
            k => return Err(Failure::type_error("credentials", IDENTITY_EXPECTED, k)),
        };
        let mut identity = Identity::default();
        values.read(js, &mut identity)?;
        // The core's rule (rds-signer's 15 minutes, or the margin if longer).
        if !last && forced_refresh_due(identity.expiration, SystemTime::now(), self.margin) {
            return js.null();
        }
        let index = self.kinds.iter().position(|k| k.kind == kind);
        let index = index.ok_or(Failure::Internal(sys::Status::napi_generic_failure))?;
        let provider = {
            let mut cached = cached.borrow_mut();
            match cached.as_ref() {
                Some(l) if l.identity == identity => l.providers[index].clone(),
                _ => {
                    let source = static_source(&identity)?;
                    let providers = self
                        .kinds
                        .iter()
                        .map(|k| provider(&k.request, source.clone(), self.margin).map(Arc::new))
                        .collect::<Result<Vec<_>, Failure>>()?;
                    let chosen = providers[index].clone();
                    *cached = Some(LastIdentity { identity, providers });
                    chosen
                }
            }
        };
        deliver(js, &*provider.token()?, shape)
    }

    /// A promise for a token made on the threadpool (joining the fetch in flight, if any).
    fn on_threadpool(self: &Rc<Self>, js: Js, kind: TokenKind, shape: Shape) -> Result<sys::napi_value, Failure> {
        let state = self.kind(kind)?;
        let provider = state.provider.clone().ok_or(Failure::Internal(sys::Status::napi_generic_failure))?;
        let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
        check(unsafe { sys::napi_create_promise(js.env(), &mut deferred, &mut promise) })?;
        let mut waiting = state.waiting.borrow_mut();
        if let Some(waiters) = waiting.as_mut() {
            waiters.push(Waiter { deferred, shape });
            return Ok(promise);
        }
        let spawned = threadpool::spawn(
            js,
            c"auroraiam:token",
            Fetch { provider, result: None },
            Fetch::run,
            (self.clone(), kind),
            on_fetched,
        );
        match spawned {
            Ok(()) => *waiting = Some(vec![Waiter { deferred, shape }]),
            Err(failure) => {
                drop(waiting);
                settle(js, Waiter { deferred, shape }, Err(failure));
            }
        }
        Ok(promise)
    }
}

impl KindState {
    /// A token from the core provider, made on this thread.
    fn now(&self, js: Js, shape: Shape) -> Result<sys::napi_value, Failure> {
        let provider = self.provider.as_ref().ok_or(Failure::Internal(sys::Status::napi_generic_failure))?;
        let token = provider.token()?;
        deliver(js, &token, shape)
    }

    /// The core's cached token when it can be handed out now (the core's own rule, checked
    /// without blocking); `None` when answering needs a fetch or a new signature.
    fn cached(&self, js: Js, shape: Shape) -> Option<Result<sys::napi_value, Failure>> {
        let token = self.provider.as_ref()?.cached_token(SystemTime::now())?;
        Some(deliver(js, &token, shape))
    }

}

/// Resolves a waiter with a token (or rejects it).
fn settle(js: Js, waiter: Waiter, result: Result<Arc<AuthToken>, Failure>) {
    let env = js.env();
    let value = result.and_then(|token| deliver(js, &token, waiter.shape));
    // If even the error cannot be built, the environment is going away and nobody listens.
    unsafe {
        match value {
            Ok(value) => sys::napi_resolve_deferred(env, waiter.deferred, value),
            Err(failure) => {
                let error = failure.into_js(js);
                let error = if error.is_null() { js.undefined().unwrap_or(error) } else { error };
                sys::napi_reject_deferred(env, waiter.deferred, error)
            }
        };
    }
}

/// The token as the caller asked for it: the string, or `{ token, expiresAt }`.
fn deliver(js: Js, token: &AuthToken, shape: Shape) -> Result<sys::napi_value, Failure> {
    let text = js.new_ascii_string(token.as_str())?;
    match shape {
        Shape::Token => Ok(text),
        Shape::WithExpiry => {
            let object = js.new_object()?;
            js.set(object, Key::Token, text)?;
            js.set(object, Key::ExpiresAt, js.new_date(token.effective_expiry())?)?;
            Ok(object)
        }
    }
}

/// The threadpool half of a token call: the core provider, and what it answered.
struct Fetch {
    provider: Arc<TokenProvider>,
    result: Option<Result<Arc<AuthToken>, Error>>,
}

impl Fetch {
    fn run(&mut self) {
        self.result = Some(self.provider.token());
    }
}

/// Back on the JavaScript thread: answer everyone who waited for this kind.
fn on_fetched(js: Js, fetch: Fetch, (state, kind): (Rc<State>, TokenKind)) {
    let Ok(state) = state.kind(kind) else { return };
    let waiters = state.waiting.borrow_mut().take().unwrap_or_default();
    let result = fetch.result.unwrap_or_else(|| {
        Err(Error::new(ErrorCode::CredentialsProviderFailed, "the credential fetch was cancelled or failed unexpectedly"))
    });
    for waiter in waiters {
        settle(js, waiter, result.clone().map_err(Failure::Core));
    }
}

/// `refreshMargin` (whole seconds) or the default: the core's 60 s, but for lifetimes of 60 s
/// or less one second short of the lifetime, so that a token is reused only within the second
/// it was signed in (where signing anew gives the same bytes) instead of never being valid
/// long enough to hand out.
fn refresh_margin(js: Js, options: sys::napi_value, request: &OwnedTokenRequest) -> Result<Duration, Failure> {
    let value = js.get(options, Key::RefreshMargin)?;
    match integer(js, value, "refreshMargin", ErrorCode::InvalidArgument, false)? {
        Some(seconds) => u64::try_from(seconds).map(Duration::from_secs).map_err(|_| {
            Failure::Core(Error::new(ErrorCode::InvalidArgument, format!("refreshMargin {seconds} must not be negative")))
        }),
        None => {
            let lifetime = u64::from(request.as_request().expires_in());
            Ok(DEFAULT_REFRESH_MARGIN.min(Duration::from_secs(lifetime.saturating_sub(1))))
        }
    }
}

/// A core provider for `request` with the signer's margin (the core checks the margin).
fn provider(request: &OwnedTokenRequest, source: Arc<dyn CredentialsSource>, margin: Duration) -> Result<TokenProvider, Failure> {
    Ok(TokenProvider::new(&request.as_request(), source).with_refresh_margin(margin)?)
}

fn static_source(identity: &Identity) -> Result<Arc<dyn CredentialsSource>, Failure> {
    let credentials = auroraiam::credentials_from_parts(
        &identity.access_key_id,
        &identity.secret_access_key,
        Some(identity.session_token.as_str()),
        identity.expiration,
    )?;
    Ok(Arc::new(StaticSource::new(credentials)?))
}

/// For a signer of several kinds (DSQL and DSQL admin), one credential cache in front of the
/// source, so both kinds' providers share each fetch.
/// Also returns that cache, so [`State::invalidate`] can empty it.
fn shared_source(
    source: Arc<dyn CredentialsSource>,
    kinds: usize,
    margin: Duration,
) -> (Arc<dyn CredentialsSource>, Option<Arc<CredentialCache>>) {
    if kinds < 2 {
        return (source, None);
    }
    let name = source.name().to_string();
    let cache = Arc::new(CredentialCache::new(source));
    let shared = cache.clone();
    (Arc::new(FnSource::new(name, move || shared.get(SystemTime::now() + margin))), Some(cache))
}

/// The source for omitted credentials: the core's `default_source_for` the `profile` option
/// (the default chain with that profile; refused in a build without the chain).
fn default_source(js: Js, options: sys::napi_value) -> Result<Arc<dyn CredentialsSource>, Failure> {
    let mut profile = String::new();
    let given = js.optional_string(js.get(options, Key::Profile)?, "profile", &mut profile)?;
    Ok(auroraiam::default_source_for(given.then_some(profile.as_str()))?)
}
