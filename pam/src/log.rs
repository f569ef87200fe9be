//! The attempt log: one line per login attempt, appended to the file given as `log=`.
//!
//! `2026-11-26T12:00:00Z service=auroraiam-pg user="app" rhost="127.0.0.1" result=TOKEN_EXPIRED message="…"`
//! Values are quoted with Rust's string escaping (control characters, quotes and backslashes
//! escaped), so a hostile user name cannot forge a line. Never contains the token or a secret.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use auroraiam::SigningTime;

use crate::check::Outcome;

/// The line for one attempt (with its trailing newline).
pub fn format_line(
    now: SigningTime,
    service: &str,
    user: &str,
    rhost: &str,
    outcome: &Outcome,
) -> String {
    format!(
        "{now} service={service:?} user={user:?} rhost={rhost:?} result={} message={:?}\n",
        outcome.code, outcome.message
    )
}

/// Appends `line` in one write (O_APPEND: lines of concurrent logins do not interleave). The
/// file is created with mode 0600; a symbolic link is refused (O_NOFOLLOW), since the module
/// may run as root (MariaDB's auth_pam helper) and must not be steered into another file.
pub fn append(path: &Path, line: &str) -> std::io::Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    file.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::OK;

    #[test]
    fn one_escaped_line() {
        let now = SigningTime::from_unix_seconds(1_795_694_400).unwrap();
        let o = Outcome::failure(
            7,
            "USER_MISMATCH",
            "token was made for database user \"a\", expected \"b\"",
        );
        let line = format_line(now, "svc", "evil\nuser\"x", "127.0.0.1", &o);
        assert_eq!(
            line,
            "2026-11-26T12:00:00Z service=\"svc\" user=\"evil\\nuser\\\"x\" rhost=\"127.0.0.1\" result=USER_MISMATCH \
             message=\"token was made for database user \\\"a\\\", expected \\\"b\\\"\"\n"
        );
        assert_eq!(line.matches('\n').count(), 1);
        let ok = Outcome {
            pam: 0,
            code: OK,
            message: "fine".into(),
        };
        assert!(format_line(now, "s", "u", "", &ok).contains(" result=OK "));
    }

    #[test]
    fn appends_and_refuses_symlinks() {
        let dir = std::env::temp_dir().join(format!("pam-auroraiam-log-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (log, target, link) = (dir.join("a.log"), dir.join("target"), dir.join("link.log"));
        append(&log, "one\n").unwrap();
        append(&log, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "one\ntwo\n");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(append(&link, "x\n").is_err());
        assert!(!target.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
