//! Offline diagnosis of a parsed token: `auroraiam_diagnose_options` and the resulting
//! `auroraiam_diagnostics` list.

use std::ffi::c_char;

use auroraiam::{diagnose, DiagnoseOptions, Diagnostic};

use crate::call::{call, infallible};
use crate::inspect::auroraiam_token_info;
use crate::options::{port, seconds_u32, Clock};
use crate::ptr::{
    free_raw, into_raw, object_arg, object_mut_arg, object_ref, static_text, str_arg, CText, Out,
};
use crate::result::auroraiam_result;

/// What a token is meant for and when it will be used, for `auroraiam_token_diagnose()`
/// (opaque).
///
/// Create with `auroraiam_diagnose_options_new()`, adjust with the
/// `auroraiam_diagnose_options_set_*()` functions, free with `auroraiam_diagnose_options_free()`.
/// Setters change it, so do not call them while another thread uses the options; once set up,
/// any number of threads may diagnose with the same options at once.
#[derive(Default)]
pub struct auroraiam_diagnose_options {
    now: Clock,
    max_clock_skew_secs: Option<u32>,
    expect_hostname: Option<String>,
    expect_port: Option<u16>,
    expect_username: Option<String>,
    pooler_length_limit: Option<usize>,
}

impl auroraiam_diagnose_options {
    fn to_core(&self) -> Result<DiagnoseOptions<'_>, crate::failure::Failure> {
        let mut o = DiagnoseOptions::at(self.now.now()?);
        if let Some(skew) = self.max_clock_skew_secs {
            o.max_clock_skew_secs = skew;
        }
        o.expect_hostname = self.expect_hostname.as_deref();
        o.expect_port = self.expect_port;
        o.expect_username = self.expect_username.as_deref();
        if let Some(limit) = self.pooler_length_limit {
            o.pooler_length_limit = limit;
        }
        Ok(o)
    }
}

/// Creates diagnose options with the defaults: the system clock at the time of each diagnosis,
/// `AURORAIAM_DEFAULT_MAX_CLOCK_SKEW` (300 s), `AURORAIAM_DEFAULT_POOLER_LENGTH_LIMIT` (1024
/// bytes), no expected host, port or user.
///
/// Stores them in `*options_out` (free with `auroraiam_diagnose_options_free()`) and returns
/// `AURORAIAM_RESULT_OK`, or `NULL_ARGUMENT` when `options_out` is NULL. Thread-safe.
///
/// # Safety
/// `options_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnose_options_new(
    options_out: *mut *mut auroraiam_diagnose_options,
) -> auroraiam_result {
    call("auroraiam_diagnose_options_new", || {
        let out = Out::new(options_out, "options_out")?;
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(into_raw(auroraiam_diagnose_options::default())) };
        Ok(())
    })
}

/// Frees diagnose options. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or options from this library not freed before, unused by other threads.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnose_options_free(options: *mut auroraiam_diagnose_options) {
    // SAFETY: the caller's contract above.
    infallible((), || unsafe { free_raw(options) })
}

/// Runs a setter on live options.
///
/// # Safety
/// `options` is NULL or live options not used by another thread during the call.
unsafe fn set(
    function: &'static str,
    options: *mut auroraiam_diagnose_options,
    f: impl FnOnce(&mut auroraiam_diagnose_options) -> Result<(), crate::failure::Failure>,
) -> auroraiam_result {
    call(function, || {
        // SAFETY: forwarded contract.
        f(unsafe { object_mut_arg(options, "options") }?)
    })
}

/// Diagnoses as of `now` (Unix seconds) instead of the system clock: `INVALID_SIGNING_TIME`
/// outside 1970..9999, `NULL_ARGUMENT` for NULL `options`; on failure the options are
/// unchanged. Not thread-safe for the same options (see `auroraiam_diagnose_options`).
///
/// # Safety
/// `options` is NULL or live options not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnose_options_set_now(
    options: *mut auroraiam_diagnose_options,
    now: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set("auroraiam_diagnose_options_set_now", options, |o| {
            o.now.set(now)
        })
    }
}

/// How many seconds in the future a signing time may lie before `NOT_YET_VALID` is reported
/// (default 300): 0..=4294967295, else `INVALID_ARGUMENT`. Otherwise as
/// `auroraiam_diagnose_options_set_now()`.
///
/// # Safety
/// As `auroraiam_diagnose_options_set_now()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnose_options_set_max_clock_skew(
    options: *mut auroraiam_diagnose_options,
    seconds: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_diagnose_options_set_max_clock_skew",
            options,
            |o| {
                o.max_clock_skew_secs = Some(seconds_u32(seconds, "max_clock_skew")?);
                Ok(())
            },
        )
    }
}

/// The host the token is meant for (compared case-insensitively; `HOST_MISMATCH` when it
/// differs). `hostname` is NUL-terminated UTF-8, copied; NULL is `NULL_ARGUMENT`, invalid
/// UTF-8 `INVALID_UTF8`. Otherwise as `auroraiam_diagnose_options_set_now()`.
///
/// # Safety
/// As `auroraiam_diagnose_options_set_now()`; `hostname` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnose_options_set_expect_hostname(
    options: *mut auroraiam_diagnose_options,
    hostname: *const c_char,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_diagnose_options_set_expect_hostname",
            options,
            |o| {
                o.expect_hostname = Some(str_arg(hostname, "hostname")?.to_string());
                Ok(())
            },
        )
    }
}

/// The port the token is meant for (`PORT_MISMATCH` when it differs): 1..=65535, else
/// `INVALID_PORT`. Otherwise as `auroraiam_diagnose_options_set_now()`.
///
/// # Safety
/// As `auroraiam_diagnose_options_set_now()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnose_options_set_expect_port(
    options: *mut auroraiam_diagnose_options,
    port: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set("auroraiam_diagnose_options_set_expect_port", options, |o| {
            o.expect_port = Some(self::port(port)?);
            Ok(())
        })
    }
}

/// The database user the token is meant for (compared exactly; `USER_MISMATCH` when it
/// differs). NUL-terminated UTF-8, copied; NULL is `NULL_ARGUMENT`. Otherwise as
/// `auroraiam_diagnose_options_set_now()`.
///
/// # Safety
/// As `auroraiam_diagnose_options_set_now()`; `username` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnose_options_set_expect_username(
    options: *mut auroraiam_diagnose_options,
    username: *const c_char,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_diagnose_options_set_expect_username",
            options,
            |o| {
                o.expect_username = Some(str_arg(username, "username")?.to_string());
                Ok(())
            },
        )
    }
}

/// Token length in bytes above which `TOO_LONG_FOR_POOLERS` is reported (default
/// `AURORAIAM_DEFAULT_POOLER_LENGTH_LIMIT`, 1024). Otherwise as
/// `auroraiam_diagnose_options_set_now()`.
///
/// # Safety
/// As `auroraiam_diagnose_options_set_now()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnose_options_set_pooler_length_limit(
    options: *mut auroraiam_diagnose_options,
    bytes: usize,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_diagnose_options_set_pooler_length_limit",
            options,
            |o| {
                o.pooler_length_limit = Some(bytes);
                Ok(())
            },
        )
    }
}

/// One finding, with its message as a C string.
struct Finding {
    diagnostic: Diagnostic,
    message: CText,
}

/// The findings of `auroraiam_token_diagnose()` (opaque, immutable): errors first, then
/// warnings; empty when nothing was found.
///
/// Read it with `auroraiam_diagnostics_count()` and the per-index getters, free it with
/// `auroraiam_diagnostics_free()`. Any number of threads may read one list at once.
pub struct auroraiam_diagnostics {
    findings: Vec<Finding>,
}

/// Lists the reasons a server would reject the token (severity "error": expired, not yet
/// valid, region of the scope vs the hostname, RDS lifetime above 900 s, temporary key without
/// session token, host/port/user other than expected) and likely trouble (severity "warning":
/// longer than poolers accept, a host that is not an AWS endpoint name), without the secret.
///
/// `options` may be NULL for the defaults (see `auroraiam_diagnose_options_new()`).
///
/// On success stores a new list in `*diagnostics_out` (free it with
/// `auroraiam_diagnostics_free()`) and returns `AURORAIAM_RESULT_OK` — also when it found
/// problems: finding them is the function's job. Returns `NULL_ARGUMENT` (`info` or
/// `diagnostics_out` is NULL) or `INVALID_SIGNING_TIME` (the system clock is outside
/// 1970..9999), then leaves `*diagnostics_out` untouched. Thread-safe.
///
/// # Safety
/// `info` is NULL or a live info; `options` is NULL or live options; `diagnostics_out` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_diagnose(
    info: *const auroraiam_token_info,
    options: *const auroraiam_diagnose_options,
    diagnostics_out: *mut *mut auroraiam_diagnostics,
) -> auroraiam_result {
    call("auroraiam_token_diagnose", || {
        // SAFETY: the caller's contract above.
        let (info, options) = unsafe { (object_arg(info, "info")?, object_ref(options)) };
        let out = Out::new(diagnostics_out, "diagnostics_out")?;
        let defaults = auroraiam_diagnose_options::default();
        let options = options.unwrap_or(&defaults).to_core()?;
        let findings = diagnose(&info.parsed, &options)
            .into_iter()
            .map(|d| Finding {
                message: CText::new(&d.message),
                diagnostic: d,
            })
            .collect();
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(into_raw(auroraiam_diagnostics { findings })) };
        Ok(())
    })
}

/// Frees a diagnostics list and its strings. NULL is a no-op.
///
/// # Safety
/// `diagnostics` is NULL or a list from this library not freed before, unused by other threads.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnostics_free(diagnostics: *mut auroraiam_diagnostics) {
    // SAFETY: the caller's contract above.
    infallible((), || unsafe { free_raw(diagnostics) })
}

/// Runs an infallible getter on finding `index`: NULL list, an index out of range or a caught
/// panic give `zero`.
///
/// # Safety
/// `diagnostics` is NULL or a live list.
unsafe fn finding<T>(
    diagnostics: *const auroraiam_diagnostics,
    index: usize,
    zero: T,
    f: impl FnOnce(&Finding) -> T,
) -> T {
    // SAFETY: forwarded contract.
    match unsafe { object_ref(diagnostics) }.and_then(|d| d.findings.get(index)) {
        Some(found) => infallible(zero, || f(found)),
        None => zero,
    }
}

/// Number of findings (0 = nothing found); 0 when `diagnostics` is NULL.
///
/// # Safety
/// `diagnostics` is NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnostics_count(
    diagnostics: *const auroraiam_diagnostics,
) -> usize {
    // SAFETY: forwarded contract.
    match unsafe { object_ref(diagnostics) } {
        Some(d) => d.findings.len(),
        None => 0,
    }
}

/// True when at least one finding has severity "error" (the server will reject the token);
/// false when `diagnostics` is NULL.
///
/// # Safety
/// `diagnostics` is NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnostics_has_errors(
    diagnostics: *const auroraiam_diagnostics,
) -> bool {
    // SAFETY: forwarded contract.
    match unsafe { object_ref(diagnostics) } {
        Some(d) => infallible(false, || {
            d.findings
                .iter()
                .any(|f| f.diagnostic.severity == auroraiam::Severity::Error)
        }),
        None => false,
    }
}

/// The stable code of finding `index`: "EXPIRED", "NOT_YET_VALID", "REGION_MISMATCH",
/// "EXPIRES_IN_TOO_LONG", "MISSING_SESSION_TOKEN", "HOST_MISMATCH", "PORT_MISMATCH",
/// "USER_MISMATCH", "TOO_LONG_FOR_POOLERS", "NOT_AN_AWS_ENDPOINT" (the same names on every
/// surface; newer libraries may add codes). A static string: never free it. NULL when
/// `diagnostics` is NULL or `index` is not below the count.
///
/// # Safety
/// `diagnostics` is NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnostics_code(
    diagnostics: *const auroraiam_diagnostics,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe {
        finding(diagnostics, index, std::ptr::null(), |f| {
            static_text(f.diagnostic.code.name())
        })
    }
}

/// The severity of finding `index`: "error" (the server will reject the token) or "warning".
/// A static string: never free it. NULL when `diagnostics` is NULL or `index` is out of range.
///
/// # Safety
/// `diagnostics` is NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnostics_severity(
    diagnostics: *const auroraiam_diagnostics,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe {
        finding(diagnostics, index, std::ptr::null(), |f| {
            static_text(f.diagnostic.severity.name())
        })
    }
}

/// The explanation of finding `index`, with the values involved (never a secret), e.g.
/// "expired 60 s ago: signed at ... for 900 s ...". Borrowed from the list: valid until
/// `auroraiam_diagnostics_free()`. NULL when `diagnostics` is NULL or `index` is out of range.
///
/// # Safety
/// `diagnostics` is NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_diagnostics_message(
    diagnostics: *const auroraiam_diagnostics,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { finding(diagnostics, index, std::ptr::null(), |f| f.message.as_ptr()) }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use auroraiam::DiagnosticCode;

    use super::*;

    #[test]
    fn every_code_and_severity_has_a_static_name() {
        for code in DiagnosticCode::ALL {
            let name = unsafe { CStr::from_ptr(static_text(code.name())) };
            assert_eq!(name.to_str().unwrap(), code.name());
            let severity = unsafe { CStr::from_ptr(static_text(code.severity().name())) };
            assert_eq!(severity.to_str().unwrap(), code.severity().name());
            // Interned: the same pointer every time.
            assert_eq!(static_text(code.name()), static_text(code.name()));
        }
    }
}
