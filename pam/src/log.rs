//! The attempt log: one line per login attempt, appended to the file given as `log=`.
//!
//! `2026-11-26T12:00:00Z service=auroraiam-pg user="app" rhost="127.0.0.1" result=TOKEN_EXPIRED message="…"`
//! Values are quoted with Rust's string escaping (control characters, quotes and backslashes
//! escaped), so a hostile user name cannot forge a line, and cut (service, user and rhost to 80
//! characters, the message to 1024). Never contains the token or a secret.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use auroraiam::{quoted, SigningTime};

use crate::check::Outcome;
use crate::pam::effective_uid;

/// The line for one attempt (with its trailing newline).
pub fn format_line(
    now: SigningTime,
    service: &str,
    user: &str,
    rhost: &str,
    outcome: &Outcome,
) -> String {
    format!(
        "{now} service={} user={} rhost={} result={} message={}\n",
        quoted(service),
        quoted(user),
        quoted(rhost),
        outcome.code,
        capped(&outcome.message)
    )
}

/// Most characters of an outcome message logged (core messages already cut what they echo).
pub const MAX_MESSAGE_CHARS: usize = 1024;

/// The message escaped like [`quoted`], cut to [`MAX_MESSAGE_CHARS`] characters.
fn capped(message: &str) -> String {
    let mut shown: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    if shown.len() < message.len() {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// Appends `line` in one write (O_APPEND: lines of concurrent logins do not interleave). The
/// file is created with mode 0600. The module may run as root (MariaDB's auth_pam helper), so
/// it must not be steered elsewhere: a symbolic link is refused (O_NOFOLLOW), a FIFO or device
/// cannot block the login (O_NONBLOCK) and is refused after `fstat`, as is a file owned by
/// anyone but root or the module's own uid; the descriptor is not inherited (O_CLOEXEC).
pub fn append(path: &Path, line: &str) -> std::io::Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let euid = effective_uid();
    if meta.uid() != 0 && meta.uid() != euid {
        return Err(std::io::Error::other(format!(
            "owned by uid {}, not by root or the module's uid {euid}",
            meta.uid()
        )));
    }
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
        let long = format_line(now, "svc", &format!("\u{1b}[2J{}", "u".repeat(5000)), &"r".repeat(5000), &o);
        assert!(long.len() < 600 && !long.trim_end().chars().any(char::is_control), "{long}");
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
        // A FIFO (with or without a reader) is refused without blocking.
        let fifo = dir.join("fifo.log");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let (tx, rx) = std::sync::mpsc::channel();
        let f2 = fifo.clone();
        std::thread::spawn(move || tx.send(append(&f2, "x\n").is_err()).unwrap());
        assert!(rx.recv_timeout(std::time::Duration::from_secs(5)).expect("append to a FIFO returned"));
        let reader = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(&fifo).unwrap();
        let e = append(&fifo, "x\n").unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        drop(reader);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
