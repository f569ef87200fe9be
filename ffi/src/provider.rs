//! `auroraiam_token_provider`: cached tokens for one endpoint over a credentials source
//! (explicit, environment, the default chain, a C callback), and its builder.

use std::ffi::{c_char, c_void};
use std::sync::Arc;
use std::time::SystemTime;

use auroraiam::{
    default_source, has_default_chain, CredentialsSource, EnvironmentSource, FnSource, SigningTime, StaticSource,
    TokenProvider, TokenRequest,
};

use crate::call::{call, infallible};
use crate::failure::Failure;
use crate::credentials_callback::{auroraiam_credentials_callback, credentials, CallbackSource};
use crate::options::duration_secs;
use crate::ptr::{
    bytes_arg, free_raw, into_raw, object_arg, object_mut_arg, object_ref, opt_bytes_arg,
    opt_i64_arg, opt_str_arg, str_arg, token_into_raw, Out,
};
use crate::result::auroraiam_result;

/// The endpoint a provider signs for, as given (the core validates it when the provider is built).
#[derive(Clone)]
enum Endpoint {
    Rds {
        hostname: String,
        port: i64,
        username: String,
    },
    Dsql {
        hostname: String,
        admin: bool,
    },
}

/// Where a provider's credentials come from.
#[derive(Clone)]
enum Source {
    /// `auroraiam::default_source()`: the default chain, or the environment in the slim build.
    Default,
    /// Fixed credentials (wiped when dropped).
    Explicit(auroraiam::Credentials),
    /// `AWS_*` variables, read at each fetch.
    Environment,
    /// The default chain with a profile and a timeout.
    Chain {
        profile: Option<String>,
        timeout_ms: i64,
    },
    /// A C callback.
    Callback(CallbackSource),
}

/// Describes a token provider before it is built (opaque): the endpoint, the token lifetime,
/// the refresh margin and the credentials source.
///
/// Create with `auroraiam_token_provider_builder_new_rds()` or `_new_dsql()`, adjust with the
/// `auroraiam_token_provider_builder_set_*()` / `_use_*()` functions, make providers with
/// `auroraiam_token_provider_builder_build()` (the builder stays yours and can build more),
/// free with `auroraiam_token_provider_builder_free()` (which wipes explicit credentials). Not
/// thread-safe: use one builder from one thread at a time.
pub struct auroraiam_token_provider_builder {
    endpoint: Endpoint,
    region: Option<String>,
    expires_in: Option<i64>,
    refresh_margin: Option<i64>,
    source: Source,
}

impl auroraiam_token_provider_builder {
    fn new(endpoint: Endpoint) -> auroraiam_token_provider_builder {
        auroraiam_token_provider_builder {
            endpoint,
            region: None,
            expires_in: None,
            refresh_margin: None,
            source: Source::Default,
        }
    }

    fn source(&self) -> Result<Arc<dyn CredentialsSource>, Failure> {
        Ok(match &self.source {
            Source::Default => default_source(),
            Source::Explicit(c) => Arc::new(StaticSource::new(c.clone())?),
            Source::Environment => Arc::new(EnvironmentSource),
            Source::Chain {
                profile,
                timeout_ms,
            } => chain_source(profile.as_deref(), *timeout_ms)?,
            Source::Callback(callback) => {
                let callback = *callback;
                Arc::new(FnSource::new("callback", move || callback.fetch()))
            }
        })
    }

    fn build(&self) -> Result<TokenProvider, Failure> {
        let request = match &self.endpoint {
            Endpoint::Rds {
                hostname,
                port,
                username,
            } => TokenRequest::rds(hostname, *port, username),
            Endpoint::Dsql { hostname, admin } => TokenRequest::dsql(hostname, *admin),
        };
        let mut request = request.maybe_region(self.region.as_deref());
        if let Some(expires_in) = self.expires_in {
            request = request.expires_in_secs(expires_in);
        }
        let mut provider = TokenProvider::new(&request.build()?, self.source()?);
        if let Some(margin) = self.refresh_margin {
            provider = provider.with_refresh_margin(duration_secs(margin, "refresh_margin")?)?;
        }
        Ok(provider)
    }
}

/// The default chain with a profile and a timeout, validated by the core (`default_chain`); a
/// build without the chain answers with the C boundary's `UNSUPPORTED` and the core's message.
fn chain_source(profile: Option<&str>, timeout_ms: i64) -> Result<Arc<dyn CredentialsSource>, Failure> {
    let timeout = crate::options::duration_millis(timeout_ms, "timeout_ms")?;
    auroraiam::default_chain(profile, Some(timeout)).map_err(|e| match has_default_chain() {
        true => e.into(),
        false => Failure::unsupported(e.message()),
    })
}

fn store_builder(endpoint: Endpoint, out: Out<*mut auroraiam_token_provider_builder>) {
    // SAFETY: `out` was checked non-NULL; the caller promised it is writable.
    unsafe { out.write(into_raw(auroraiam_token_provider_builder::new(endpoint))) }
}

/// Starts a provider for RDS / Aurora tokens: the password for `username` at `hostname:port`.
///
/// Strings are NUL-terminated UTF-8 and copied; they, `port` and everything set later are
/// validated by `auroraiam_token_provider_builder_build()` with the same rules and statuses as
/// `auroraiam_signer_rds_token()`. Defaults: region inferred from the hostname, lifetime
/// `AURORAIAM_DEFAULT_EXPIRES_IN` (900 s), refresh margin `AURORAIAM_DEFAULT_REFRESH_MARGIN`
/// (60 s), credentials from the default chain (the environment in the slim build).
///
/// Stores a new builder in `*builder_out` (free it with `auroraiam_token_provider_builder_free()`)
/// and returns `AURORAIAM_RESULT_OK`; or `NULL_ARGUMENT` / `INVALID_UTF8` and leaves
/// `*builder_out` untouched. Thread-safe.
///
/// # Safety
/// Each string is NULL or NUL-terminated; `builder_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_new_rds(
    hostname: *const c_char,
    port: i64,
    username: *const c_char,
    builder_out: *mut *mut auroraiam_token_provider_builder,
) -> auroraiam_result {
    call("auroraiam_token_provider_builder_new_rds", || {
        // SAFETY: the caller's contract above.
        let (hostname, username) = unsafe {
            (
                str_arg(hostname, "hostname")?,
                str_arg(username, "username")?,
            )
        };
        let out = Out::new(builder_out, "builder_out")?;
        store_builder(
            Endpoint::Rds {
                hostname: hostname.to_string(),
                port,
                username: username.to_string(),
            },
            out,
        );
        Ok(())
    })
}

/// Starts a provider for Aurora DSQL tokens for `hostname`: `admin` true for the `admin` role
/// (`DbConnectAdmin`), false for any other role (`DbConnect`). Defaults, validation, ownership
/// and results as `auroraiam_token_provider_builder_new_rds()` (lifetime up to
/// `AURORAIAM_MAX_DSQL_EXPIRES_IN`).
///
/// # Safety
/// `hostname` is NULL or NUL-terminated; `builder_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_new_dsql(
    hostname: *const c_char,
    admin: bool,
    builder_out: *mut *mut auroraiam_token_provider_builder,
) -> auroraiam_result {
    call("auroraiam_token_provider_builder_new_dsql", || {
        // SAFETY: the caller's contract above.
        let hostname = unsafe { str_arg(hostname, "hostname") }?;
        let out = Out::new(builder_out, "builder_out")?;
        store_builder(
            Endpoint::Dsql {
                hostname: hostname.to_string(),
                admin,
            },
            out,
        );
        Ok(())
    })
}

/// Frees a builder and wipes the explicit credentials it holds. NULL is a no-op. Providers
/// built from it stay valid (they own copies).
///
/// # Safety
/// `builder` is NULL or a builder from this library not freed before.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_free(
    builder: *mut auroraiam_token_provider_builder,
) {
    // SAFETY: the caller's contract above.
    infallible((), || unsafe { free_raw(builder) })
}

/// Runs a setter on a live builder.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread during the call.
unsafe fn set(
    function: &'static str,
    builder: *mut auroraiam_token_provider_builder,
    f: impl FnOnce(&mut auroraiam_token_provider_builder) -> Result<(), Failure>,
) -> auroraiam_result {
    call(function, || {
        // SAFETY: forwarded contract.
        f(unsafe { object_mut_arg(builder, "builder") }?)
    })
}

/// Signs for `region` instead of inferring it from the hostname (NUL-terminated UTF-8, copied;
/// validated by `auroraiam_token_provider_builder_build()`: `INVALID_REGION`). Returns
/// `AURORAIAM_RESULT_OK`, `NULL_ARGUMENT` or `INVALID_UTF8`; on failure the builder is unchanged.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread; `region` is NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_set_region(
    builder: *mut auroraiam_token_provider_builder,
    region: *const c_char,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_token_provider_builder_set_region",
            builder,
            |b| {
                b.region = Some(str_arg(region, "region")?.to_string());
                Ok(())
            },
        )
    }
}

/// Token lifetime in seconds (RDS 1..=900, DSQL 1..=604800; checked by
/// `auroraiam_token_provider_builder_build()`: `INVALID_EXPIRES_IN`). Returns
/// `AURORAIAM_RESULT_OK` or `NULL_ARGUMENT`.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_set_expires_in(
    builder: *mut auroraiam_token_provider_builder,
    expires_in: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_token_provider_builder_set_expires_in",
            builder,
            |b| {
                b.expires_in = Some(expires_in);
                Ok(())
            },
        )
    }
}

/// Refresh margin in seconds (default `AURORAIAM_DEFAULT_REFRESH_MARGIN`, 60): a cached token is
/// replaced once it has less than this left, and no token is handed out whose credentials
/// expire within it. Must be shorter than the lifetime (checked by
/// `auroraiam_token_provider_builder_build()`: `INVALID_ARGUMENT`, also for a negative value).
/// Returns `AURORAIAM_RESULT_OK` or `NULL_ARGUMENT`.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_set_refresh_margin(
    builder: *mut auroraiam_token_provider_builder,
    seconds: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_token_provider_builder_set_refresh_margin",
            builder,
            |b| {
                b.refresh_margin = Some(seconds);
                Ok(())
            },
        )
    }
}

/// Uses fixed credentials (copied; wiped when the builder and its providers are freed; wipe
/// your own copies). `session_token` NULL (or "") for long-term keys; `expires_at` NULL when
/// they do not expire, else a pointer to their expiry in Unix seconds (tokens then never
/// outlive them; once they are too close to it the provider fails with `CREDENTIALS_EXPIRED`).
/// Validated now: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_CREDENTIALS`; on failure the builder
/// is unchanged. Replaces any source chosen before.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread; each string is NULL or
/// NUL-terminated; `expires_at` is NULL or readable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_use_credentials(
    builder: *mut auroraiam_token_provider_builder,
    access_key_id: *const c_char,
    secret_access_key: *const c_char,
    session_token: *const c_char,
    expires_at: *const i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_token_provider_builder_use_credentials",
            builder,
            |b| {
                b.source = Source::Explicit(credentials(
                    str_arg(access_key_id, "access_key_id")?,
                    str_arg(secret_access_key, "secret_access_key")?,
                    opt_str_arg(session_token, "session_token")?,
                    opt_i64_arg(expires_at),
                )?);
                Ok(())
            },
        )
    }
}

/// `auroraiam_token_provider_builder_use_credentials()` with each string given as a pointer and
/// a byte length (`access_key_id`, `secret_access_key` non-NULL; `session_token` NULL for none,
/// then its length is ignored; lengths above `PTRDIFF_MAX` are `INVALID_LENGTH`; a NUL byte
/// inside a value is `INVALID_CREDENTIALS`).
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread; each string pointer is NULL
/// or points to at least its length in readable bytes; `expires_at` is NULL or readable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_use_credentials_len(
    builder: *mut auroraiam_token_provider_builder,
    access_key_id: *const c_char,
    access_key_id_len: usize,
    secret_access_key: *const c_char,
    secret_access_key_len: usize,
    session_token: *const c_char,
    session_token_len: usize,
    expires_at: *const i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_token_provider_builder_use_credentials_len",
            builder,
            |b| {
                b.source = Source::Explicit(credentials(
                    bytes_arg(access_key_id, access_key_id_len, "access_key_id")?,
                    bytes_arg(
                        secret_access_key,
                        secret_access_key_len,
                        "secret_access_key",
                    )?,
                    opt_bytes_arg(session_token, session_token_len, "session_token")?,
                    opt_i64_arg(expires_at),
                )?);
                Ok(())
            },
        )
    }
}

/// Uses the `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` environment
/// variables, read at each credential fetch (the first token, and after
/// `auroraiam_token_provider_invalidate()`); unset variables make the token call fail with
/// `CREDENTIALS_NOT_FOUND`. Replaces any source chosen before. Returns `AURORAIAM_RESULT_OK` or
/// `NULL_ARGUMENT`.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_use_environment(
    builder: *mut auroraiam_token_provider_builder,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_token_provider_builder_use_environment",
            builder,
            |b| {
                b.source = Source::Environment;
                Ok(())
            },
        )
    }
}

/// Uses the AWS SDKs' default credential chain, in SDK order: environment variables, the
/// shared config and credentials files (profiles, `credential_process`, assume-role, SSO), web
/// identity (EKS IRSA), the ECS / EKS Pod Identity container endpoint, EC2 instance metadata
/// (IMDSv2). Temporary credentials are refreshed before they expire.
///
/// - `profile`: NULL for `AWS_PROFILE` (or `default`); else the profile to use, and then the
///   environment variables are skipped, as the AWS CLI does (1..=256 bytes).
/// - `timeout_ms`: bound on one resolution through the whole chain, 1..=600000 ms;
///   `AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS` (20000) is the usual choice.
///
/// Validated now: `NULL_ARGUMENT` (builder), `INVALID_UTF8`, `INVALID_ARGUMENT` (profile or
/// timeout out of range). In a build without the chain (`auroraiam_has_default_chain()` is
/// false) it returns `AURORAIAM_RESULT_UNSUPPORTED`. On failure the builder is unchanged;
/// otherwise replaces any source chosen before.
///
/// Resolution failures surface from the token call: `CREDENTIALS_NOT_FOUND` (no source had
/// credentials) or `CREDENTIALS_PROVIDER_FAILED` (a configured source failed or timed out); the
/// detail message names every source tried and why, never a secret.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread; `profile` is NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_use_default_chain(
    builder: *mut auroraiam_token_provider_builder,
    profile: *const c_char,
    timeout_ms: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_token_provider_builder_use_default_chain",
            builder,
            |b| {
                let profile = opt_str_arg(profile, "profile")?.map(str::to_string);
                // Validate now, so the error comes from this call rather than from build().
                chain_source(profile.as_deref(), timeout_ms)?;
                b.source = Source::Chain {
                    profile,
                    timeout_ms,
                };
                Ok(())
            },
        )
    }
}

/// Uses a C callback for credentials (see `auroraiam_credentials_callback` for its contract and
/// threading). `callback` must not be NULL; `userdata` is passed to it untouched (may be NULL),
/// never freed by the library, and must stay valid, and usable from any thread that uses the
/// providers built with it, until they are freed. Replaces any source chosen before. Returns
/// `AURORAIAM_RESULT_OK` or `NULL_ARGUMENT`.
///
/// # Safety
/// `builder` is NULL or a live builder not used by another thread; `callback` follows
/// `auroraiam_credentials_callback`'s contract.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_use_credentials_callback(
    builder: *mut auroraiam_token_provider_builder,
    callback: auroraiam_credentials_callback,
    userdata: *mut c_void,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_token_provider_builder_use_credentials_callback",
            builder,
            |b| {
                b.source = Source::Callback(CallbackSource::new(callback, userdata)?);
                Ok(())
            },
        )
    }
}

/// Hands out tokens for one endpoint, cached and refreshed (opaque, thread-safe).
///
/// A token is reused while it has more than the refresh margin of life left (its effective
/// expiry: the earlier of signing time + lifetime and the expiry of the credentials that signed
/// it); credentials come from the builder's source through a cache that refreshes them before
/// they expire, with one fetch in flight however many threads ask. Share one provider between
/// any number of threads; a cache hit takes a shared lock and copies the token. Free it with
/// `auroraiam_token_provider_free()` once no thread uses it.
pub struct auroraiam_token_provider {
    inner: TokenProvider,
}

/// Builds a provider from the builder's settings, validating them all: `INVALID_HOSTNAME`,
/// `INVALID_PORT`, `INVALID_USERNAME`, `INVALID_REGION`, `REGION_REQUIRED`, `INVALID_EXPIRES_IN`
/// (as `auroraiam_signer_*_token()`), `INVALID_ARGUMENT` (refresh margin negative or not shorter
/// than the lifetime), `NULL_ARGUMENT`. No credentials are fetched yet: the first
/// `auroraiam_token_provider_token()` does that.
///
/// On success stores a new provider in `*provider_out` (free it with
/// `auroraiam_token_provider_free()`) and returns `AURORAIAM_RESULT_OK`; on failure leaves it
/// untouched. The builder is only read and stays the caller's. Thread-safe for distinct builders.
///
/// # Safety
/// `builder` is NULL or a live builder not modified during the call; `provider_out` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_builder_build(
    builder: *const auroraiam_token_provider_builder,
    provider_out: *mut *mut auroraiam_token_provider,
) -> auroraiam_result {
    call("auroraiam_token_provider_builder_build", || {
        // SAFETY: the caller's contract above.
        let builder = unsafe { object_arg(builder, "builder") }?;
        let out = Out::new(provider_out, "provider_out")?;
        let inner = builder.build()?;
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(into_raw(auroraiam_token_provider { inner })) };
        Ok(())
    })
}

/// Frees a provider, its cached token and credentials (wiped). NULL is a no-op. No other
/// thread may use it during or after this call; tokens it handed out stay valid (copies).
///
/// # Safety
/// `provider` is NULL or a provider from this library not freed before.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_free(provider: *mut auroraiam_token_provider) {
    // SAFETY: the caller's contract above.
    infallible((), || unsafe { free_raw(provider) })
}

/// Gets a token at `now` and stores its copy and facts in the out-parameters.
fn hand_out(
    provider: &auroraiam_token_provider,
    now: Option<i64>,
    token_out: Out<*mut c_char>,
    token_len_out: Option<Out<usize>>,
    expires_at_out: Option<Out<i64>>,
) -> Result<(), Failure> {
    let token = match now {
        Some(unix) => provider
            .inner
            .token_at(SigningTime::from_unix_seconds(unix)?.to_system_time())?,
        None => provider.inner.token()?,
    };
    // Only when asked for: a cache hit is cheap enough for the conversion to show.
    let effective = match &expires_at_out {
        Some(_) => Some(unix_seconds(token.effective_expiry())?),
        None => None,
    };
    // SAFETY: each out-parameter was checked non-NULL; the caller promised they are writable.
    unsafe {
        token_out.write(token_into_raw(token.as_str()));
        if let Some(out) = token_len_out {
            out.write(token.len());
        }
        if let (Some(out), Some(effective)) = (expires_at_out, effective) {
            out.write(effective);
        }
    }
    Ok(())
}

/// A system time as whole Unix seconds (rounded down), with the core's range check.
fn unix_seconds(time: SystemTime) -> Result<i64, Failure> {
    Ok(SigningTime::from_system_time(time)?.unix_seconds())
}

/// A token for the provider's endpoint, valid for at least the refresh margin: the cached one
/// while it is, else a new one (fetching credentials first when they are missing or about to
/// expire).
///
/// On success stores a new NUL-terminated copy in `*token_out` (release it with
/// `auroraiam_token_free()`), its length in `*token_len_out` and its effective expiry (Unix
/// seconds, rounded down: the earlier of signing time + lifetime and the credentials' expiry)
/// in `*expires_at_out`, and returns `AURORAIAM_RESULT_OK`. `token_len_out` and
/// `expires_at_out` may be NULL.
///
/// On failure returns `NULL_ARGUMENT`, `CREDENTIALS_NOT_FOUND`, `CREDENTIALS_PROVIDER_FAILED`
/// (the source failed; the detail names it and, for the default chain, every source tried),
/// `INVALID_CREDENTIALS` (a source returned malformed credentials), `CREDENTIALS_EXPIRED`
/// (credentials expire within the refresh margin even after a refresh) or
/// `INVALID_SIGNING_TIME` (system clock outside 1970..9999), and writes no out-parameter.
/// The next call tries again.
///
/// Thread-safe: call it from any number of threads at once. It may block while credentials
/// are fetched (files, a process, HTTP; bounded by the chain timeout for the default chain);
/// cache hits do not block on I/O.
///
/// # Safety
/// `provider` is NULL or a live provider; `token_out` is NULL or writable; `token_len_out` and
/// `expires_at_out` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_token(
    provider: *const auroraiam_token_provider,
    token_out: *mut *mut c_char,
    token_len_out: *mut usize,
    expires_at_out: *mut i64,
) -> auroraiam_result {
    call("auroraiam_token_provider_token", || {
        // SAFETY: the caller's contract above.
        let provider = unsafe { object_arg(provider, "provider") }?;
        hand_out(
            provider,
            None,
            Out::new(token_out, "token_out")?,
            Out::optional(token_len_out),
            Out::optional(expires_at_out),
        )
    })
}

/// `auroraiam_token_provider_token()` with an explicit clock: `now` in Unix seconds
/// (`INVALID_SIGNING_TIME` outside 1970..9999) is used as the signing time of a new token and
/// for every expiry decision. For tests and simulations; servers use the real clock. Everything
/// else as `auroraiam_token_provider_token()`.
///
/// # Safety
/// As `auroraiam_token_provider_token()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_token_at(
    provider: *const auroraiam_token_provider,
    now: i64,
    token_out: *mut *mut c_char,
    token_len_out: *mut usize,
    expires_at_out: *mut i64,
) -> auroraiam_result {
    call("auroraiam_token_provider_token_at", || {
        // SAFETY: the caller's contract above.
        let provider = unsafe { object_arg(provider, "provider") }?;
        hand_out(
            provider,
            Some(now),
            Out::new(token_out, "token_out")?,
            Out::optional(token_len_out),
            Out::optional(expires_at_out),
        )
    })
}

/// Drops the cached token and credentials: the next token call fetches credentials and signs
/// anew. Call it when the database rejected a token (e.g. the credentials were revoked).
/// Returns `AURORAIAM_RESULT_OK`, or `NULL_ARGUMENT` when `provider` is NULL. Thread-safe.
///
/// # Safety
/// `provider` is NULL or a live provider.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_invalidate(
    provider: *const auroraiam_token_provider,
) -> auroraiam_result {
    call("auroraiam_token_provider_invalidate", || {
        // SAFETY: the caller's contract above.
        unsafe { object_arg(provider, "provider") }?
            .inner
            .invalidate();
        Ok(())
    })
}

/// How many times the provider fetched credentials from its source (for metrics and tests:
/// with a warm cache it stays put however many tokens are handed out); 0 when `provider` is
/// NULL. Thread-safe.
///
/// # Safety
/// `provider` is NULL or a live provider.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_provider_credential_fetch_count(
    provider: *const auroraiam_token_provider,
) -> u64 {
    // SAFETY: the caller's contract above.
    match unsafe { object_ref(provider) } {
        Some(p) => infallible(0, || p.inner.credential_fetch_count()),
        None => 0,
    }
}

/// True when this build of the library has the AWS SDKs' default credential chain (the
/// default build), false for the slim build (`--no-default-features`), where
/// `auroraiam_token_provider_builder_use_default_chain()` returns
/// `AURORAIAM_RESULT_UNSUPPORTED` and a provider without an explicit source reads the
/// environment variables. Thread-safe.
#[no_mangle]
pub extern "C" fn auroraiam_has_default_chain() -> bool {
    auroraiam::has_default_chain()
}
