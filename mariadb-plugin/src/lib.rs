//! The Rust half of MariaDB's `AWSAuthenticationPlugin` emulation (`auth_auroraiam.so`).
//!
//! `src/auth_aws.c` declares the server plugin (compiled against MariaDB's own
//! `mysql/plugin_auth.h`, so the ABI is the running server's), asks the client for the password
//! with `mysql_clear_password` and calls [`auroraiam_mariadb_check`]. The check is the PAM
//! module's (`pam_auroraiam`): the same arguments (`config= host= port= region= [log=]
//! [max_skew=] [account_id= resource_id=]`, from the server variable
//! `awsauthenticationplugin_args`), the same key file with its optional IAM policy per key,
//! the same verification and the same attempt log line. Nothing is checked twice or differently.

use std::ffi::{c_char, c_int, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use auroraiam::{str_from_utf8, SigningTime};
use pam_auroraiam::args::{log_path_of, parse_args};
use pam_auroraiam::check::{check_token, Outcome, CONFIG_ERROR};
use pam_auroraiam::log;
use pam_auroraiam::pam::{PAM_AUTH_ERR, PAM_SERVICE_ERR, PAM_SUCCESS};

/// The login is accepted.
pub const CHECK_OK: c_int = 0;
/// The token is refused (reason logged).
pub const CHECK_DENIED: c_int = 1;
/// The plugin is misconfigured (reason logged, or on stderr = the server's error log).
pub const CHECK_CONFIG_ERROR: c_int = 2;

/// The service name in the attempt log.
pub const SERVICE: &str = "AWSAuthenticationPlugin";

/// What Aurora MySQL stores for its IAM users (`IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`).
pub const AUTH_STRING: &str = "RDS";

/// Decides one login and logs it; [`CHECK_OK`], [`CHECK_DENIED`] or [`CHECK_CONFIG_ERROR`].
/// `args`: the server variable; `user`: the user name the client sent; `password`: what the
/// client sent with `mysql_clear_password` (one trailing NUL dropped); `auth_string`: the
/// account's `AS '…'` value; `rhost`: the client's address.
pub fn check(args: &str, user: &[u8], password: &[u8], auth_string: &[u8], rhost: &str) -> c_int {
    let now = SigningTime::now();
    let user_text = String::from_utf8_lossy(user).into_owned();
    let parsed = parse_args(args.split_ascii_whitespace());
    let outcome = match (&parsed, &now) {
        (Err(message), _) => Outcome::failure(PAM_SERVICE_ERR, CONFIG_ERROR, format!("awsauthenticationplugin_args: {message}")),
        (_, Err(e)) => Outcome::failure(PAM_SERVICE_ERR, "CLOCK_ERROR", e.message().to_string()),
        (Ok(_), Ok(_)) if auth_string != AUTH_STRING.as_bytes() => Outcome::failure(
            PAM_AUTH_ERR,
            "AUTH_STRING_MISMATCH",
            format!(
                "the account is IDENTIFIED WITH AWSAuthenticationPlugin AS {:?}; Aurora MySQL needs AS 'RDS'",
                String::from_utf8_lossy(auth_string)
            ),
        ),
        (Ok(a), Ok(now)) => {
            let password = password.strip_suffix(b"\0").unwrap_or(password);
            match (str_from_utf8(user, "user name"), str_from_utf8(password, "password")) {
                (Err(e), _) | (_, Err(e)) => Outcome::failure(PAM_AUTH_ERR, e.code().name(), e.message().to_string()),
                (Ok(user), Ok(token)) => check_token(a, user, token, *now),
            }
        }
    };
    let when = now.unwrap_or_else(|_| SigningTime::from_unix_seconds(0).expect("epoch"));
    let line = log::format_line(when, SERVICE, &user_text, rhost, &outcome);
    let log_path = match &parsed {
        Ok(a) => a.log.clone(),
        Err(_) => log_path_of(args.split_ascii_whitespace()),
    };
    match log_path.as_deref() {
        Some(path) => {
            if let Err(e) = log::append(path, &line) {
                eprintln!("auth_auroraiam: cannot append to {}: {e}; {line}", path.display());
            }
        }
        // Without a usable log= the reason still reaches the server's error log (stderr).
        None if outcome.code == CONFIG_ERROR => eprint!("auth_auroraiam: {line}"),
        None => {}
    }
    match outcome.pam {
        PAM_SUCCESS => CHECK_OK,
        PAM_SERVICE_ERR => CHECK_CONFIG_ERROR,
        _ if outcome.code == CONFIG_ERROR => CHECK_CONFIG_ERROR,
        _ => CHECK_DENIED,
    }
}

/// Byte slice from a C pointer and length; empty for NULL.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: the caller's contract.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

/// The C entry point called by `auth_aws.c` for each login; never unwinds (a panic is a
/// [`CHECK_CONFIG_ERROR`]: the server process must never crash on a login).
///
/// # Safety
/// `args` and `rhost` are NULL or NUL-terminated; each other pointer is NULL or points to its
/// length in readable bytes.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_mariadb_check(
    args: *const c_char,
    user: *const u8,
    user_len: usize,
    password: *const u8,
    password_len: usize,
    auth_string: *const u8,
    auth_string_len: usize,
    rhost: *const c_char,
) -> c_int {
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller's contract.
        let cstr = |p: *const c_char| if p.is_null() { String::new() } else { unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned() };
        let args = cstr(args);
        let rhost = cstr(rhost);
        // SAFETY: the caller's contract.
        let (user, password, auth) = unsafe { (bytes(user, user_len), bytes(password, password_len), bytes(auth_string, auth_string_len)) };
        check(&args, user, password, auth, &rhost)
    }))
    .unwrap_or(CHECK_CONFIG_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;

    use auroraiam::{credentials_from_parts, generate_token, TokenRequest};

    const AKID: &str = "AKIAPLUGINTESTEXAMPLE";
    const SECRET: &str = "plugin-test-secret";

    /// A private directory with a key file (and a policy for a second key) and a log.
    struct Fixture {
        dir: PathBuf,
    }

    impl Fixture {
        fn new(name: &str) -> Fixture {
            let dir = std::env::temp_dir().join(format!("auroraiam-mariadb-plugin-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let policy = dir.join("policy.json");
            let text = auroraiam::policy::rds_connect_policy(
                "us-east-1",
                "111122223333",
                &["cluster-PLUGINTESTABCDEFGHIJKLMNOP"],
                &[auroraiam::DbUser::Exact("app_user")],
            )
            .unwrap();
            std::fs::write(&policy, text).unwrap();
            let keys = dir.join("keys.conf");
            std::fs::write(&keys, format!("{AKID} {SECRET}\nAKIAPOLICYTESTEXAMPLE {SECRET} policy={}\n", policy.display())).unwrap();
            for f in [&keys, &policy] {
                std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            Fixture { dir }
        }

        fn args(&self) -> String {
            format!(
                "config={} host=localhost port=3306 region=us-east-1 log={} account_id=111122223333 resource_id=cluster-PLUGINTESTABCDEFGHIJKLMNOP",
                self.dir.join("keys.conf").display(),
                self.dir.join("verifier.log").display()
            )
        }

        fn last_log_line(&self) -> String {
            std::fs::read_to_string(self.dir.join("verifier.log")).unwrap().lines().last().unwrap().to_string()
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn token(akid: &str, user: &str, port: i64) -> String {
        let request = TokenRequest::rds("localhost", port, user).region("us-east-1").build().unwrap();
        let creds = credentials_from_parts(akid, SECRET, None, None).unwrap();
        generate_token(&request, &creds, SigningTime::now().unwrap()).unwrap().into_string()
    }

    fn with_nul(text: &str) -> Vec<u8> {
        let mut bytes = text.as_bytes().to_vec();
        bytes.push(0);
        bytes
    }

    #[test]
    fn a_token_logs_in_and_its_line_names_the_service() {
        let f = Fixture::new("ok");
        assert_eq!(check(&f.args(), b"app_user", &with_nul(&token(AKID, "app_user", 3306)), b"RDS", "127.0.0.1"), CHECK_OK);
        let line = f.last_log_line();
        assert!(line.contains("service=\"AWSAuthenticationPlugin\" user=\"app_user\" rhost=\"127.0.0.1\" result=OK"), "{line}");
        // Without the trailing NUL too (a client plugin that omits it).
        assert_eq!(check(&f.args(), b"app_user", token(AKID, "app_user", 3306).as_bytes(), b"RDS", "::1"), CHECK_OK);
    }

    #[test]
    fn every_refusal_is_logged_with_its_code() {
        let f = Fixture::new("refused");
        let cases: [(&[u8], Vec<u8>, &[u8], &str); 5] = [
            (b"o'brien", with_nul(&token(AKID, "app_user", 3306)), b"RDS", "result=USER_MISMATCH"),
            (b"app_user", with_nul(&token(AKID, "app_user", 3307)), b"RDS", "result=PORT_MISMATCH"),
            (b"app_user", with_nul("not a token"), b"RDS", "result=TOKEN_MALFORMED"),
            (b"app_user", with_nul(&token(AKID, "app_user", 3306)), b"", "result=AUTH_STRING_MISMATCH"),
            (b"o'brien", with_nul(&token("AKIAPOLICYTESTEXAMPLE", "o'brien", 3306)), b"RDS", "result=POLICY_DENIED message=\"implicit_deny: "),
        ];
        for (user, password, auth, expect) in cases {
            assert_eq!(check(&f.args(), user, &password, auth, "127.0.0.1"), CHECK_DENIED, "{expect}");
            let line = f.last_log_line();
            assert!(line.contains(expect), "{expect}: {line}");
            assert!(!line.contains("X-Amz-Signature"), "{line}");
        }
        assert_eq!(check(&f.args(), b"app_user", &with_nul(&token("AKIAPOLICYTESTEXAMPLE", "app_user", 3306)), b"RDS", "h"), CHECK_OK);
    }

    #[test]
    fn bad_arguments_are_a_configuration_error() {
        let f = Fixture::new("config");
        assert_eq!(check("", b"app_user", b"x\0", b"RDS", "h"), CHECK_CONFIG_ERROR);
        let typo = format!("{} colour=blue", f.args());
        assert_eq!(check(&typo, b"app_user", b"x\0", b"RDS", "h"), CHECK_CONFIG_ERROR);
        assert!(f.last_log_line().contains("result=CONFIG_ERROR message=\"awsauthenticationplugin_args: unknown module argument"), "{}", f.last_log_line());
        let missing_keys = f.args().replace("keys.conf", "nope.conf");
        assert_eq!(check(&missing_keys, b"app_user", b"x\0", b"RDS", "h"), CHECK_CONFIG_ERROR);
    }

    #[test]
    fn the_c_entry_point_takes_null_pointers() {
        // SAFETY: NULL pointers with zero lengths are within the contract.
        let rc = unsafe { auroraiam_mariadb_check(std::ptr::null(), std::ptr::null(), 0, std::ptr::null(), 0, std::ptr::null(), 0, std::ptr::null()) };
        assert_eq!(rc, CHECK_CONFIG_ERROR);
    }
}
