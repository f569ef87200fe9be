//! The built pam_auroraiam.so loaded by the real libpam (pam_start_confdir with a private
//! service directory, so no /etc/pam.d file and no root needed), driven like PostgreSQL and
//! MariaDB drive it: the password comes through the conversation.

use std::ffi::{c_char, c_int, c_void, CString};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::ptr;

use auroraiam::{credentials_from_parts, generate_token, SigningTime, TokenRequest};

const PAM_SUCCESS: c_int = 0;
const PAM_SERVICE_ERR: c_int = 3;
const PAM_AUTH_ERR: c_int = 7;
const PAM_AUTHINFO_UNAVAIL: c_int = 9;
const PAM_AUTHTOK: c_int = 6;

#[repr(C)]
struct PamMessage {
    msg_style: c_int,
    msg: *const c_char,
}
#[repr(C)]
struct PamResponse {
    resp: *mut c_char,
    resp_retcode: c_int,
}
#[repr(C)]
struct PamConv {
    conv: unsafe extern "C" fn(
        c_int,
        *mut *const PamMessage,
        *mut *mut PamResponse,
        *mut c_void,
    ) -> c_int,
    appdata_ptr: *mut c_void,
}

#[link(name = "pam")]
extern "C" {
    fn pam_start_confdir(
        service: *const c_char,
        user: *const c_char,
        conv: *const PamConv,
        confdir: *const c_char,
        pamh: *mut *mut c_void,
    ) -> c_int;
    fn pam_authenticate(pamh: *mut c_void, flags: c_int) -> c_int;
    fn pam_acct_mgmt(pamh: *mut c_void, flags: c_int) -> c_int;
    fn pam_set_item(pamh: *mut c_void, item_type: c_int, item: *const c_void) -> c_int;
    fn pam_end(pamh: *mut c_void, status: c_int) -> c_int;
}
extern "C" {
    fn calloc(n: usize, size: usize) -> *mut c_void;
    fn strdup(s: *const c_char) -> *mut c_char;
}

/// Answers every prompt with the password in `appdata` (a CString), as a server does.
unsafe extern "C" fn answer_password(
    n: c_int,
    _msg: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    appdata: *mut c_void,
) -> c_int {
    let password = &*(appdata as *const CString);
    let out = calloc(n as usize, std::mem::size_of::<PamResponse>()) as *mut PamResponse;
    for i in 0..n as usize {
        (*out.add(i)).resp = strdup(password.as_ptr());
    }
    *resp = out;
    PAM_SUCCESS
}

const AKID: &str = "AKIAEMULATOREXAMPLE";
const SECRET: &str = "emulated/secret+key0000000000000000000000";
const SESSION: Option<&str> = None;

struct Fixture {
    dir: PathBuf,
    so: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir =
            std::env::temp_dir().join(format!("pam-auroraiam-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("pam.d")).unwrap();
        let keys = dir.join("keys.conf");
        fs::write(
            &keys,
            format!("# emulated IAM\n{AKID} {SECRET}\nAKIAOTHER000000000 other-secret\n"),
        )
        .unwrap();
        fs::set_permissions(&keys, fs::Permissions::from_mode(0o600)).unwrap();
        Fixture {
            dir,
            so: module_path(),
        }
    }

    fn service(&self, name: &str, args: &str) {
        let line = format!(
            "auth required {} {args}\naccount required {} {args}\n",
            self.so.display(),
            self.so.display()
        );
        fs::write(self.dir.join("pam.d").join(name), line).unwrap();
    }

    fn standard_args(&self) -> String {
        format!(
            "config={} host=localhost port=5432 region=us-east-1 log={}",
            self.dir.join("keys.conf").display(),
            self.log().display()
        )
    }

    fn log(&self) -> PathBuf {
        self.dir.join("attempts.log")
    }

    fn log_lines(&self) -> Vec<String> {
        fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    /// pam_authenticate (then pam_acct_mgmt on success) for `user` with `password` through the
    /// conversation, or preset as PAM_AUTHTOK.
    fn login(&self, service: &str, user: &str, password: &str, preset: bool) -> c_int {
        let password = CString::new(password).unwrap();
        let conv = PamConv {
            conv: answer_password,
            appdata_ptr: &password as *const CString as *mut c_void,
        };
        let (service, user) = (CString::new(service).unwrap(), CString::new(user).unwrap());
        let confdir = CString::new(self.dir.join("pam.d").to_str().unwrap()).unwrap();
        let mut pamh = ptr::null_mut();
        unsafe {
            assert_eq!(
                pam_start_confdir(
                    service.as_ptr(),
                    user.as_ptr(),
                    &conv,
                    confdir.as_ptr(),
                    &mut pamh
                ),
                PAM_SUCCESS
            );
            if preset {
                pam_set_item(pamh, PAM_AUTHTOK, password.as_ptr().cast());
            }
            let mut rc = pam_authenticate(pamh, 0);
            if rc == PAM_SUCCESS {
                rc = pam_acct_mgmt(pamh, 0);
            }
            pam_end(pamh, rc);
            rc
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The cdylib cargo built for this test run: target/<profile>/deps/libpam_auroraiam.so, beside
/// this test's executable (target/<profile>/libpam_auroraiam.so is only refreshed by `cargo build`).
fn module_path() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let so = exe.parent().unwrap().join("libpam_auroraiam.so");
    assert!(so.exists(), "{} not built", so.display());
    so
}

fn token(
    host: &str,
    port: i64,
    user: &str,
    region: &str,
    secret: &str,
    session: Option<&str>,
    at: i64,
) -> String {
    let creds = credentials_from_parts(AKID, secret, session, None).unwrap();
    let req = TokenRequest::rds(host, port, user)
        .region(region)
        .build()
        .unwrap();
    generate_token(&req, &creds, SigningTime::from_unix_seconds(at).unwrap())
        .unwrap()
        .into_string()
}

fn now() -> i64 {
    SigningTime::now().unwrap().unix_seconds()
}

fn good(user: &str) -> String {
    token("localhost", 5432, user, "us-east-1", SECRET, SESSION, now())
}

fn last_result(f: &Fixture) -> String {
    let lines = f.log_lines();
    let last = lines.last().expect("a log line");
    last.split(" result=")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn accepts_good_tokens_through_the_conversation_and_preset_authtok() {
    let f = Fixture::new("good");
    f.service("svc", &f.standard_args());
    assert_eq!(
        f.login("svc", "app_user", &good("app_user"), false),
        PAM_SUCCESS
    );
    assert_eq!(
        f.login("svc", "app_user", &good("app_user"), true),
        PAM_SUCCESS
    );
    for user in ["app+user@x", "o'brien", "a b&c=d#e", "ünï"] {
        assert_eq!(
            f.login("svc", user, &good(user), false),
            PAM_SUCCESS,
            "{user}"
        );
    }
    let lines = f.log_lines();
    assert_eq!(lines.len(), 6);
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" result=OK ") && l.contains("service=\"svc\"")),
        "{lines:#?}"
    );
    assert!(lines[3].contains("user=\"o'brien\""));
}

#[test]
fn reads_long_tokens_whole() {
    // Past pam_exec's 511-byte cut and past PAM_MAX_RESP_SIZE (512): an STS session token.
    let f = Fixture::new("long");
    f.service("svc", &f.standard_args());
    let session = "IQoJb3JpZ2luX2VjEXAMPLE/".repeat(50);
    let t = token(
        "localhost",
        5432,
        "app_user",
        "us-east-1",
        SECRET,
        Some(&session),
        now(),
    );
    assert!(t.len() > 1_200, "{}", t.len());
    assert_eq!(f.login("svc", "app_user", &t, false), PAM_SUCCESS);
    assert_eq!(f.login("svc", "app_user", &t, true), PAM_SUCCESS);
    let lines = f.log_lines();
    assert!(
        lines[0].contains(&format!("{} bytes, with session token", t.len())),
        "{}",
        lines[0]
    );
    // A 16 KB token that is not valid still reaches the verifier whole.
    let huge = format!("{t}{}", "x".repeat(16_000));
    assert_eq!(f.login("svc", "app_user", &huge, false), PAM_AUTH_ERR);
    assert!(
        f.log_lines()[2].contains(&format!("({} bytes)", huge.len())),
        "{}",
        f.log_lines()[2]
    );
}

#[test]
fn names_each_rejection_in_the_log() {
    let f = Fixture::new("reject");
    f.service("svc", &f.standard_args());
    let n = now();
    let cases = [
        (
            "TOKEN_EXPIRED",
            "app",
            token(
                "localhost",
                5432,
                "app",
                "us-east-1",
                SECRET,
                None,
                n - 1000,
            ),
        ),
        (
            "TOKEN_NOT_YET_VALID",
            "app",
            token(
                "localhost",
                5432,
                "app",
                "us-east-1",
                SECRET,
                None,
                n + 1000,
            ),
        ),
        (
            "SIGNATURE_MISMATCH",
            "app",
            token(
                "localhost",
                5432,
                "app",
                "us-east-1",
                "wrong-secret",
                None,
                n,
            ),
        ),
        ("USER_MISMATCH", "app", good("other")),
        (
            "HOST_MISMATCH",
            "app",
            token("db.example.com", 5432, "app", "us-east-1", SECRET, None, n),
        ),
        (
            "PORT_MISMATCH",
            "app",
            token("localhost", 3306, "app", "us-east-1", SECRET, None, n),
        ),
        (
            "REGION_MISMATCH",
            "app",
            token("localhost", 5432, "app", "eu-west-1", SECRET, None, n),
        ),
        ("TOKEN_MALFORMED", "app", "hunter2".to_string()),
        ("TOKEN_MALFORMED", "app", String::new()),
        (
            "UNKNOWN_ACCESS_KEY",
            "app",
            good("app").replace(AKID, "AKIANOBODY000000000"),
        ),
    ];
    for (code, user, t) in &cases {
        assert_eq!(f.login("svc", user, t, false), PAM_AUTH_ERR, "{code}");
        assert_eq!(&last_result(&f), code);
    }
    let log = fs::read_to_string(f.log()).unwrap();
    assert_eq!(log.lines().count(), cases.len());
    assert!(
        !log.contains(SECRET) && !log.contains("X-Amz-Signature="),
        "{log}"
    );
    assert!(log.contains("expected \\\"app\\\""), "{log}");
    assert_eq!(
        fs::metadata(f.log()).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn configuration_errors_fail_closed() {
    let f = Fixture::new("config");
    let keys = f.dir.join("keys.conf");
    f.service(
        "noregion",
        &format!(
            "config={} host=localhost port=5432 log={}",
            keys.display(),
            f.log().display()
        ),
    );
    assert_eq!(
        f.login("noregion", "app", &good("app"), false),
        PAM_SERVICE_ERR
    );
    assert_eq!(last_result(&f), "CONFIG_ERROR");
    assert!(f
        .log_lines()
        .last()
        .unwrap()
        .contains("region= is required"));
    f.service("svc", &f.standard_args());
    fs::set_permissions(&keys, fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        f.login("svc", "app", &good("app"), false),
        PAM_AUTHINFO_UNAVAIL
    );
    assert_eq!(last_result(&f), "CONFIG_ERROR");
    assert!(f.log_lines().last().unwrap().contains("chmod 600"));
    fs::set_permissions(&keys, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(f.login("svc", "app", &good("app"), false), PAM_SUCCESS);
    fs::remove_file(&keys).unwrap();
    assert_eq!(
        f.login("svc", "app", &good("app"), false),
        PAM_AUTHINFO_UNAVAIL
    );
}

/// A DSQL token for `host` (admin → DbConnectAdmin), signed now.
fn dsql_token(host: &str, admin: bool) -> String {
    let creds = credentials_from_parts(AKID, SECRET, SESSION, None).unwrap();
    let req = TokenRequest::dsql(host, admin)
        .region("us-east-1")
        .build()
        .unwrap();
    generate_token(&req, &creds, SigningTime::from_unix_seconds(now()).unwrap())
        .unwrap()
        .into_string()
}

#[test]
fn kind_dsql_checks_dsql_tokens_admin_needing_the_admin_kind() {
    let f = Fixture::new("dsql");
    f.service("dsql", &format!("{} kind=dsql", f.standard_args()));
    f.service("rds", &f.standard_args());
    assert_eq!(f.login("dsql", "admin", &dsql_token("localhost", true), false), PAM_SUCCESS);
    assert!(f.log_lines().last().unwrap().contains("(dsql-admin token)"), "{:?}", f.log_lines());
    assert_eq!(f.login("dsql", "app_user", &dsql_token("localhost", false), false), PAM_SUCCESS);
    // The kind binds a DSQL token to its user: admin needs DbConnectAdmin, other users DbConnect.
    assert_eq!(f.login("dsql", "admin", &dsql_token("localhost", false), false), PAM_AUTH_ERR);
    assert_eq!(last_result(&f), "KIND_MISMATCH");
    assert_eq!(f.login("dsql", "app_user", &dsql_token("localhost", true), false), PAM_AUTH_ERR);
    assert_eq!(last_result(&f), "KIND_MISMATCH");
    // Host still checked; an RDS token is not a DSQL one, nor the other way round.
    assert_eq!(f.login("dsql", "admin", &dsql_token("other.dsql.us-east-1.on.aws", true), false), PAM_AUTH_ERR);
    assert_eq!(last_result(&f), "HOST_MISMATCH");
    assert_eq!(f.login("dsql", "app_user", &good("app_user"), false), PAM_AUTH_ERR);
    assert_eq!(last_result(&f), "KIND_MISMATCH");
    assert_eq!(f.login("rds", "app_user", &dsql_token("localhost", false), false), PAM_AUTH_ERR);
    assert_eq!(last_result(&f), "KIND_MISMATCH");
}
