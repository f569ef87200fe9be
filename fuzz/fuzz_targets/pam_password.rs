//! The PAM module's password handling: the password bytes (UTF-8 check, then check_token, as
//! pam_sm_authenticate does), the module arguments and the key file text. Never panics; only a
//! token signed for the PAM user with a known key succeeds; the log line never shows the secret
//! or the token's signature.
#![no_main]

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::OnceLock;

use auroraiam::{credentials_from_parts, generate_token, str_from_utf8, SigningTime, TokenRequest};
use auroraiam_fuzz::{assert_not_shown, signature_of, Reader, AKID, SECRET};
use libfuzzer_sys::fuzz_target;
use pam_auroraiam::args::{parse_args, ModuleArgs};
use pam_auroraiam::check::{check_token, Outcome};
use pam_auroraiam::keys::KeyFile;
use pam_auroraiam::log::format_line;
use pam_auroraiam::pam::{PAM_AUTH_ERR, PAM_SUCCESS};

const HOST: &str = "localhost";
/// The key file, one per process: a fixed path was rewritten (truncated, then written) by every
/// fuzzer process that started, so a second run saw it empty ("no keys") for a moment.
static KEYS: OnceLock<PathBuf> = OnceLock::new();

fn keys() -> &'static PathBuf {
    KEYS.get_or_init(|| {
        let path = PathBuf::from(format!("/tmp/auroraiam-fuzz-pam-keys-{}.conf", std::process::id()));
        std::fs::write(&path, format!("# fuzz\n{AKID} {SECRET}\n")).expect("key file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        path
    })
}

fuzz_target!(|data: &[u8]| {
    auroraiam_fuzz::set_input(data);
    let keys = keys();
    let mut r = Reader::new(data);
    let mode = r.u8();
    let user = r.text(32);
    let args = ModuleArgs {
        config: keys.clone(),
        host: HOST.into(),
        port: 5432,
        region: "us-east-1".into(),
        log: None,
        max_clock_skew_secs: 300,
        account_id: None,
        resource_id: None,
        dsql: false,
    };
    let now = SigningTime::from_unix_seconds(1_700_000_100).expect("now");
    // The password: fuzzer bytes, or a token signed for `user` with one byte changed (or not).
    let mut signed_sig = String::new();
    let password: Vec<u8> = if mode & 1 == 0 {
        r.rest().to_vec()
    } else {
        let creds = credentials_from_parts(AKID, SECRET, None, None).expect("creds");
        let Ok(req) = TokenRequest::rds(HOST, 5432, &user).region("us-east-1").build() else { return };
        let t = generate_token(&req, &creds, SigningTime::from_unix_seconds(1_700_000_000).expect("t")).expect("token");
        signed_sig = signature_of(t.as_str()).expect("sig").to_string();
        let mut b = t.as_str().as_bytes().to_vec();
        if mode & 2 != 0 {
            let i = usize::from(r.u16()) % b.len();
            let x = r.u8();
            b[i] = if b[i] == x { x ^ 0x20 } else { x };
        }
        b
    };
    let outcome = match str_from_utf8(&password, "password") {
        Ok(token) => check_token(&args, &user, token, now),
        Err(e) => Outcome::failure(PAM_AUTH_ERR, e.code().name(), e.message().to_string()),
    };
    if outcome.pam == PAM_SUCCESS {
        assert!(mode & 1 == 1, "fuzzer bytes logged in: {password:?}");
        if mode & 2 != 0 {
            let text = String::from_utf8_lossy(&password);
            let sig = signature_of(&text).unwrap_or("");
            assert!(sig.eq_ignore_ascii_case(&signed_sig), "a changed signature logged in: {text}");
        }
    } else {
        assert!(mode & 3 != 1, "an unchanged token for {user:?} was refused: {outcome:?}");
    }
    let line = format_line(now, "fuzz", &user, "", &outcome);
    let text = String::from_utf8_lossy(&password);
    let sig = signature_of(&text).filter(|s| s.len() == 64).unwrap_or("");
    assert_not_shown("PAM log line", &line, &[SECRET, sig, &signed_sig]);

    // Module arguments and key file text from the same bytes: never a panic, errors never show a secret.
    let raw = String::from_utf8_lossy(data);
    let _ = parse_args(raw.split(' '));
    if let Err(m) = KeyFile::parse(&raw) {
        assert!(!m.is_empty());
    }
});
