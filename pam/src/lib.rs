//! `pam_auroraiam.so`: a PAM module that accepts an Amazon Aurora / RDS IAM authentication
//! token as the password and verifies it locally, the way Aurora does, with secrets from a key
//! file that plays IAM. Put behind PostgreSQL's `pam` auth method or MariaDB's `auth_pam`
//! (cleartext plugin), it turns a local server into an "Aurora with IAM auth" emulator for
//! tests and CI: tokens from any signer log in, and wrong ones fail for the same reasons.
//!
//! ```text
//! # /etc/pam.d/auroraiam-pg
//! auth    required /usr/local/lib/security/pam_auroraiam.so config=/etc/auroraiam/keys.conf host=localhost port=5432 region=us-east-1 log=/var/log/auroraiam.log
//! account required /usr/local/lib/security/pam_auroraiam.so config=/etc/auroraiam/keys.conf host=localhost port=5432 region=us-east-1
//! ```
//!
//! Checks, in order: token shape, a known access key id, the SigV4 signature (constant time),
//! kind (`Action=connect`), host (case-insensitive), port, database user = PAM user, region,
//! signing time at most `max_skew` seconds ahead of the clock, not expired. Every attempt adds
//! one line to `log=` with the result code name (`OK`, `TOKEN_EXPIRED`, `SIGNATURE_MISMATCH`, …)
//! and the exact reason; never the token or a secret.

pub mod args;
pub mod check;
pub mod keys;
pub mod log;
pub mod pam;

use std::ffi::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use auroraiam::{str_from_utf8, SigningTime};

use crate::args::{log_path_of, parse_args, ModuleArgs};
use crate::check::{check_token, Outcome};
use crate::pam::{
    module_args, Handle, PAM_BUF_ERR, PAM_SERVICE_ERR, PAM_SUCCESS, PAM_USER_UNKNOWN,
};

/// Runs `f`, turning a panic into `PAM_SERVICE_ERR`: unwinding into libpam's C frames is
/// undefined behaviour, and a host process (the database server) must never crash on a login.
fn guard(f: impl FnOnce() -> c_int) -> c_int {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(PAM_SERVICE_ERR)
}

/// Authentication: verify the password as an IAM token for the PAM user.
///
/// # Safety
/// Called by libpam with its handle and the module arguments of the service line.
#[no_mangle]
pub unsafe extern "C" fn pam_sm_authenticate(
    pamh: *mut c_void,
    _flags: c_int,
    argc: c_int,
    argv: *const *const c_char,
) -> c_int {
    guard(|| {
        let Some(handle) = Handle::new(pamh) else {
            return PAM_SERVICE_ERR;
        };
        authenticate(&handle, &module_args(argc, argv))
    })
}

/// Credentials: nothing to set (IAM tokens carry no credentials to establish).
///
/// # Safety
/// Called by libpam.
#[no_mangle]
pub unsafe extern "C" fn pam_sm_setcred(
    _pamh: *mut c_void,
    _flags: c_int,
    _argc: c_int,
    _argv: *const *const c_char,
) -> c_int {
    PAM_SUCCESS
}

/// Account management: an account whose token verified is valid (Aurora has no other account
/// check behind IAM auth; the database's own grants apply after login).
///
/// # Safety
/// Called by libpam.
#[no_mangle]
pub unsafe extern "C" fn pam_sm_acct_mgmt(
    _pamh: *mut c_void,
    _flags: c_int,
    _argc: c_int,
    _argv: *const *const c_char,
) -> c_int {
    PAM_SUCCESS
}

fn authenticate(handle: &Handle, raw_args: &[String]) -> c_int {
    let now = SigningTime::now();
    let service = handle.service();
    let rhost = handle.rhost();
    let args = parse_args(raw_args.iter().map(String::as_str));
    let user = handle.user();
    let user_text = user
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default()
        .into_owned();
    let outcome = match (&args, &now, &user) {
        (Err(message), _, _) => Outcome::failure(PAM_SERVICE_ERR, "CONFIG_ERROR", message.clone()),
        (_, Err(e), _) => Outcome::failure(PAM_SERVICE_ERR, "CLOCK_ERROR", e.message().to_string()),
        (_, _, Err(rc)) => Outcome::failure(
            pam::conversation_failure(*rc),
            "NO_USER",
            format!("pam_get_user failed ({rc})"),
        ),
        (Ok(args), Ok(now), Ok(user)) => attempt(handle, args, user, *now),
    };
    let when = now.unwrap_or_else(|_| SigningTime::from_unix_seconds(0).expect("epoch"));
    let line = log::format_line(when, &service, &user_text, &rhost, &outcome);
    let log_path = match &args {
        Ok(a) => a.log.clone(),
        Err(_) => log_path_of(raw_args.iter().map(String::as_str)),
    };
    match log_path.as_deref() {
        Some(path) => {
            if let Err(e) = log::append(path, &line) {
                eprintln!(
                    "pam_auroraiam: cannot append to {}: {e}; {line}",
                    path.display()
                );
            }
        }
        // Without a usable log= the reason still reaches the server's log (stderr).
        None if outcome.code == "CONFIG_ERROR" => eprint!("pam_auroraiam: {line}"),
        None => {}
    }
    pam::fail_closed(outcome.pam)
}

fn attempt(handle: &Handle, args: &ModuleArgs, user: &[u8], now: SigningTime) -> Outcome {
    let user = match str_from_utf8(user, "PAM user name") {
        Ok(u) if !u.is_empty() => u,
        Ok(_) => {
            return Outcome::failure(PAM_USER_UNKNOWN, "NO_USER", "the PAM user name is empty")
        }
        Err(e) => {
            return Outcome::failure(PAM_USER_UNKNOWN, e.code().name(), e.message().to_string())
        }
    };
    let token = match handle.authtok() {
        Ok(t) => t,
        Err(rc) => {
            let code = if rc == PAM_BUF_ERR {
                "BUFFER_ERROR"
            } else {
                "CONVERSATION_ERROR"
            };
            return Outcome::failure(
                pam::conversation_failure(rc),
                code,
                format!("could not get the password from the application ({rc})"),
            );
        }
    };
    match str_from_utf8(&token, "password") {
        Ok(token) => check_token(args, user, token, now),
        Err(e) => Outcome::failure(pam::PAM_AUTH_ERR, e.code().name(), e.message().to_string()),
    }
}
