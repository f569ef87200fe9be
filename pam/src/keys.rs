//! The key file: `ACCESS_KEY_ID SECRET_ACCESS_KEY` per line, `#` comments and blank lines
//! allowed. It holds secrets, so it is refused unless only its owner (root or the user the
//! module runs as) can read it, like ssh refuses a private key others can read.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use auroraiam::Zeroizing;

use crate::pam::effective_uid;

/// Largest key file read (a few hundred keys); anything longer is not a key file.
pub const MAX_KEY_FILE_LEN: u64 = 1024 * 1024;

/// Access key ids and their secrets. `Debug` shows only the key ids.
pub struct KeyFile {
    entries: Vec<(String, Zeroizing<String>)>,
    /// `policy=/path.json` of a key: the IAM policy its tokens are checked against.
    policies: Vec<(String, std::path::PathBuf)>,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|(k, _)| k))
            .finish()
    }
}

impl KeyFile {
    /// Reads and checks `path`. Errors name the file and the problem, never a secret.
    pub fn load(path: &Path) -> Result<KeyFile, String> {
        let shown = path.display();
        // O_NOFOLLOW: no symbolic link; O_NONBLOCK: a FIFO or device cannot hang the login
        // (it is refused by the fstat check below); O_CLOEXEC: no descriptor leaks into a
        // helper the host process runs.
        let mut file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)
            .map_err(|e| format!("cannot open key file {shown}: {e}"))?;
        let meta = file
            .metadata()
            .map_err(|e| format!("cannot stat key file {shown}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("key file {shown} is not a regular file"));
        }
        if meta.mode() & 0o077 != 0 {
            return Err(format!(
                "key file {shown} has mode {:04o}: it holds secrets, so group and others must have no access (chmod 600)",
                meta.mode() & 0o7777
            ));
        }
        let euid = effective_uid();
        if meta.uid() != 0 && meta.uid() != euid {
            return Err(format!(
                "key file {shown} is owned by uid {}: it must be owned by root or by the uid this module runs as ({euid})",
                meta.uid()
            ));
        }
        if meta.len() > MAX_KEY_FILE_LEN {
            return Err(format!(
                "key file {shown} is {} bytes long; at most {MAX_KEY_FILE_LEN} are read",
                meta.len()
            ));
        }
        let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize));
        (&mut file)
            .take(MAX_KEY_FILE_LEN + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read key file {shown}: {e}"))?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| format!("key file {shown} is not UTF-8"))?;
        Self::parse(text).map_err(|e| format!("key file {shown}: {e}"))
    }

    /// Parses the text of a key file.
    pub fn parse(text: &str) -> Result<KeyFile, String> {
        let mut entries: Vec<(String, Zeroizing<String>)> = Vec::new();
        let mut policies = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split_whitespace();
            let (Some(akid), Some(secret), policy, None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(format!(
                    "line {}: expected ACCESS_KEY_ID SECRET_ACCESS_KEY [policy=/path/policy.json]",
                    n + 1
                ));
            };
            if let Some(policy) = policy {
                let path = policy
                    .strip_prefix("policy=")
                    .map(std::path::PathBuf::from)
                    .filter(|p| p.is_absolute())
                    .ok_or_else(|| format!("line {}: third field must be policy=/absolute/path.json", n + 1))?;
                policies.push((akid.to_string(), path));
            }
            if entries.iter().any(|(k, _)| k == akid) {
                return Err(format!(
                    "line {}: access key id {akid:?} appears twice",
                    n + 1
                ));
            }
            entries.push((akid.to_string(), Zeroizing::new(secret.to_string())));
        }
        if entries.is_empty() {
            return Err("no keys (expected lines ACCESS_KEY_ID SECRET_ACCESS_KEY)".to_string());
        }
        Ok(KeyFile { entries, policies })
    }

    /// The secret for `access_key_id`, copied into memory that is wiped when dropped.
    pub fn secret_for(&self, access_key_id: &str) -> Option<Zeroizing<String>> {
        self.entries
            .iter()
            .find(|(k, _)| k == access_key_id)
            .map(|(_, s)| s.clone())
    }

    /// The policy file given for `access_key_id`, if any.
    pub fn policy_for(&self, access_key_id: &str) -> Option<&Path> {
        self.policies.iter().find(|(k, _)| k == access_key_id).map(|(_, p)| p.as_path())
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no keys (never, for a loaded file).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn parses_comments_blank_lines_and_rejects_bad_lines() {
        let k =
            KeyFile::parse("# emulated IAM\n\nAKID1 secret/one+x\r\n  AKID2\tsecond  \n").unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(k.secret_for("AKID1").unwrap().as_str(), "secret/one+x");
        assert_eq!(k.secret_for("AKID2").unwrap().as_str(), "second");
        assert!(k.secret_for("AKID3").is_none());
        assert_eq!(format!("{k:?}"), r#"["AKID1", "AKID2"]"#);
        assert!(KeyFile::parse("AKID1\n").unwrap_err().contains("line 1"));
        assert!(KeyFile::parse("# c\nAKID1 a b\n")
            .unwrap_err()
            .contains("line 2"));
        assert!(KeyFile::parse("A s\nA t\n").unwrap_err().contains("twice"));
        assert!(KeyFile::parse("# nothing\n")
            .unwrap_err()
            .contains("no keys"));
        assert!(!KeyFile::parse("A s3cr3t z\n")
            .unwrap_err()
            .contains("s3cr3t"));
        let k = KeyFile::parse("A s policy=/etc/p.json\nB t\n").unwrap();
        assert_eq!(k.policy_for("A"), Some(Path::new("/etc/p.json")));
        assert_eq!(k.policy_for("B"), None);
        assert!(KeyFile::parse("A s policy=rel.json\n").unwrap_err().contains("absolute"));
        assert!(KeyFile::parse("A s p q\n").unwrap_err().contains("line 1"));
    }

    #[test]
    fn refuses_files_others_can_read() {
        let dir = std::env::temp_dir().join(format!("pam-auroraiam-keys-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keys.conf");
        fs::write(&path, "AKID s\n").unwrap();
        for mode in [0o640, 0o604, 0o660, 0o602] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let e = KeyFile::load(&path).unwrap_err();
            assert!(e.contains("chmod 600"), "{mode:o}: {e}");
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(KeyFile::load(&path).unwrap().len(), 1);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        assert_eq!(KeyFile::load(&path).unwrap().len(), 1);
        assert!(KeyFile::load(&dir)
            .unwrap_err()
            .contains("not a regular file"));
        assert!(KeyFile::load(&dir.join("missing"))
            .unwrap_err()
            .contains("cannot open"));
        // A symbolic link to a good key file is refused (O_NOFOLLOW).
        let link = dir.join("link.conf");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(KeyFile::load(&link).unwrap_err().contains("cannot open"));
        // A FIFO must not hang the login: refused at once (O_NONBLOCK, then fstat).
        let fifo = dir.join("fifo.conf");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let (tx, rx) = std::sync::mpsc::channel();
        let f2 = fifo.clone();
        std::thread::spawn(move || tx.send(KeyFile::load(&f2).map(|k| k.len())).unwrap());
        let e = rx.recv_timeout(std::time::Duration::from_secs(5)).expect("loading a FIFO returned").unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
