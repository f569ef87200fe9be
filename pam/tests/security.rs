//! Security fixes (issue #18) through the real libpam: an authentic RDS token that asks to live
//! longer than 900 s is refused (PAM_AUTH_ERR, TOKEN_LIFETIME_TOO_LONG); a conversation that
//! answers PAM_INCOMPLETE / PAM_CONV_AGAIN / PAM_IGNORE yields PAM_CONV_ERR (never a code that
//! makes libpam resume or skip the module); a FIFO as key file fails at once instead of hanging
//! the login.

use std::ffi::{c_char, c_int, c_void, CString};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::ptr;
use std::time::Duration;

use auroraiam::{credentials_from_parts, generate_token, percent_encode, SigningTime, TokenRequest};
use sha2::{Digest, Sha256};

const PAM_SUCCESS: c_int = 0;
const PAM_AUTH_ERR: c_int = 7;
const PAM_AUTHINFO_UNAVAIL: c_int = 9;
const PAM_CONV_ERR: c_int = 19;
const PAM_IGNORE: c_int = 25;
const PAM_CONV_AGAIN: c_int = 30;
const PAM_INCOMPLETE: c_int = 31;

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
    conv: unsafe extern "C" fn(c_int, *mut *const PamMessage, *mut *mut PamResponse, *mut c_void) -> c_int,
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
    fn pam_end(pamh: *mut c_void, status: c_int) -> c_int;
}
extern "C" {
    fn calloc(n: usize, size: usize) -> *mut c_void;
    fn strdup(s: *const c_char) -> *mut c_char;
}

/// What the test conversation does: answer with the password, or fail with a code.
enum Answer {
    Password(CString),
    Fail(c_int),
}

unsafe extern "C" fn converse(
    n: c_int,
    _msg: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    appdata: *mut c_void,
) -> c_int {
    match &*(appdata as *const Answer) {
        Answer::Password(password) => {
            let out = calloc(n as usize, std::mem::size_of::<PamResponse>()) as *mut PamResponse;
            for i in 0..n as usize {
                (*out.add(i)).resp = strdup(password.as_ptr());
            }
            *resp = out;
            PAM_SUCCESS
        }
        Answer::Fail(rc) => *rc,
    }
}

const AKID: &str = "AKIAEMULATOREXAMPLE";
const SECRET: &str = "emulated/secret+key0000000000000000000000";

struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("pam-auroraiam-sec-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("pam.d")).unwrap();
        let keys = dir.join("keys.conf");
        fs::write(&keys, format!("{AKID} {SECRET}\n")).unwrap();
        fs::set_permissions(&keys, fs::Permissions::from_mode(0o600)).unwrap();
        let so = std::env::current_exe().unwrap().parent().unwrap().join("libpam_auroraiam.so");
        assert!(so.exists(), "{} not built", so.display());
        let args = |config: &str| {
            format!("config={config} host=localhost port=5432 region=us-east-1 log={}", dir.join("attempts.log").display())
        };
        fs::write(dir.join("pam.d/svc"), format!("auth required {} {}\n", so.display(), args(keys.to_str().unwrap())))
            .unwrap();
        let fifo = dir.join("fifo.conf");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        fs::write(dir.join("pam.d/fifo"), format!("auth required {} {}\n", so.display(), args(fifo.to_str().unwrap())))
            .unwrap();
        Fixture { dir }
    }

    /// pam_authenticate for `user` (None: libpam asks through the conversation) with `answer`.
    fn login(&self, service: &str, user: Option<&str>, answer: Answer) -> c_int {
        let conv = PamConv { conv: converse, appdata_ptr: &answer as *const Answer as *mut c_void };
        let service = CString::new(service).unwrap();
        let user = user.map(|u| CString::new(u).unwrap());
        let confdir = CString::new(self.dir.join("pam.d").to_str().unwrap()).unwrap();
        let mut pamh = ptr::null_mut();
        unsafe {
            let user_ptr = user.as_ref().map_or(ptr::null(), |u| u.as_ptr());
            assert_eq!(pam_start_confdir(service.as_ptr(), user_ptr, &conv, confdir.as_ptr(), &mut pamh), PAM_SUCCESS);
            let rc = pam_authenticate(pamh, 0);
            pam_end(pamh, rc);
            rc
        }
    }

    fn last_log_line(&self) -> String {
        fs::read_to_string(self.dir.join("attempts.log")).unwrap_or_default().lines().last().unwrap_or("").to_string()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(data).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An RDS token for localhost:5432 signed from the SigV4 specification with any `expires`
/// (the library refuses to make one over 900 s), in botocore's layout.
fn rds_token(user: &str, at: i64, expires: u32) -> String {
    let t = SigningTime::from_unix_seconds(at).unwrap();
    let amz = t.amz_date().as_str().to_string();
    let day = &amz[..8];
    let scope = format!("{day}/us-east-1/rds-db/aws4_request");
    let query = format!(
        "Action=connect&DBUser={}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={}&X-Amz-Date={amz}&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host",
        percent_encode(user),
        percent_encode(&format!("{AKID}/{scope}"))
    );
    let creq = format!(
        "GET\n/\n{query}\nhost:localhost:5432\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let sts = format!("AWS4-HMAC-SHA256\n{amz}\n{scope}\n{}", hex(&Sha256::digest(creq.as_bytes())));
    let mut key = hmac(format!("AWS4{SECRET}").as_bytes(), day.as_bytes());
    for part in ["us-east-1", "rds-db", "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    format!("localhost:5432/?{query}&X-Amz-Signature={}", hex(&hmac(&key, sts.as_bytes())))
}

#[test]
fn the_test_signer_agrees_with_the_library() {
    let at = 1_700_000_000;
    let creds = credentials_from_parts(AKID, SECRET, None, None).unwrap();
    let req = TokenRequest::rds("localhost", 5432, "app user").region("us-east-1").build().unwrap();
    let want = generate_token(&req, &creds, SigningTime::from_unix_seconds(at).unwrap()).unwrap();
    assert_eq!(rds_token("app user", at, 900), want.as_str());
}

#[test]
fn rds_tokens_living_longer_than_900_s_are_refused() {
    let f = Fixture::new("lifetime");
    let now = SigningTime::now().unwrap().unix_seconds();
    let ok = rds_token("app", now, 900);
    assert_eq!(f.login("svc", Some("app"), Answer::Password(CString::new(ok).unwrap())), PAM_SUCCESS);
    for expires in [901, 3600, 604_800] {
        let t = rds_token("app", now, expires);
        assert_eq!(f.login("svc", Some("app"), Answer::Password(CString::new(t).unwrap())), PAM_AUTH_ERR, "{expires}");
        let line = f.last_log_line();
        assert!(line.contains(" result=TOKEN_LIFETIME_TOO_LONG "), "{line}");
    }
}

#[test]
fn failed_conversations_deny_the_login() {
    let f = Fixture::new("conv");
    for rc in [PAM_INCOMPLETE, PAM_CONV_AGAIN, PAM_IGNORE, PAM_CONV_ERR, 12345] {
        assert_eq!(f.login("svc", Some("app"), Answer::Fail(rc)), PAM_CONV_ERR, "conversation returned {rc}");
        assert!(f.last_log_line().contains(" result=CONVERSATION_ERROR "), "{}", f.last_log_line());
        // No user given: pam_get_user converses, fails, and the login is denied all the same.
        let denied = f.login("svc", None, Answer::Fail(rc));
        assert!(![PAM_SUCCESS, PAM_IGNORE, PAM_INCOMPLETE, PAM_CONV_AGAIN].contains(&denied), "{rc} -> {denied}");
    }
}

#[test]
fn a_fifo_as_key_file_does_not_hang_the_login() {
    let f = std::sync::Arc::new(Fixture::new("fifo"));
    let (tx, rx) = std::sync::mpsc::channel();
    let f2 = f.clone();
    std::thread::spawn(move || {
        let now = SigningTime::now().unwrap().unix_seconds();
        let t = CString::new(rds_token("app", now, 900)).unwrap();
        tx.send(f2.login("fifo", Some("app"), Answer::Password(t))).unwrap();
    });
    let rc = rx.recv_timeout(Duration::from_secs(10)).expect("the login returned (a FIFO key file must not block it)");
    assert_eq!(rc, PAM_AUTHINFO_UNAVAIL);
    assert!(f.last_log_line().contains("not a regular file"), "{}", f.last_log_line());
}
