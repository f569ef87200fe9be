//! The library version, for checking the header against the library at run time.
//!
//! The header's `AURORAIAM_VERSION_*` macros are written by `make header` from the same crate
//! version; tests compare them with these functions, component by component.

use std::ffi::{c_char, CStr};

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("CARGO_PKG_VERSION contains NUL"),
    };

const fn parse_component(text: &str) -> u32 {
    let bytes = text.as_bytes();
    let mut value = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "version component is not a number"
        );
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    assert!(value <= 255, "version component does not fit in 8 bits");
    value
}

const MAJOR: u32 = parse_component(env!("CARGO_PKG_VERSION_MAJOR"));
const MINOR: u32 = parse_component(env!("CARGO_PKG_VERSION_MINOR"));
const PATCH: u32 = parse_component(env!("CARGO_PKG_VERSION_PATCH"));

/// The library's version as a NUL-terminated string, e.g. "0.1.0".
///
/// Static and owned by the library: never free it. Never NULL. Thread-safe. Compare with
/// `AURORAIAM_VERSION_STRING` to detect a header that does not match the library.
#[no_mangle]
pub extern "C" fn auroraiam_version() -> *const c_char {
    VERSION.as_ptr()
}

/// The library's version packed as `(major << 16) | (minor << 8) | patch`, the same packing
/// as `AURORAIAM_VERSION_NUMBER`. Thread-safe.
#[no_mangle]
pub extern "C" fn auroraiam_version_number() -> u32 {
    (MAJOR << 16) | (MINOR << 8) | PATCH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_each_component_in_its_own_byte() {
        let n = auroraiam_version_number();
        assert_eq!(
            n >> 16,
            env!("CARGO_PKG_VERSION_MAJOR").parse::<u32>().unwrap()
        );
        assert_eq!(
            (n >> 8) & 0xff,
            env!("CARGO_PKG_VERSION_MINOR").parse::<u32>().unwrap()
        );
        assert_eq!(
            n & 0xff,
            env!("CARGO_PKG_VERSION_PATCH").parse::<u32>().unwrap()
        );
        assert_eq!(parse_component("7"), 7);
        assert_eq!(parse_component("255"), 255);
        let v = unsafe { CStr::from_ptr(auroraiam_version()) }
            .to_str()
            .unwrap();
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
    }

    /// The committed header's macros must be this crate's version (the drift check regenerates
    /// the header too; this names the failure precisely).
    #[test]
    fn header_macros_match_the_crate_version() {
        let header = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../include/auroraiam.h"
        ))
        .unwrap();
        let define = |name: &str| -> String {
            let prefix = format!("#define {name} ");
            let line = header
                .lines()
                .find(|l| l.starts_with(&prefix))
                .unwrap_or_else(|| panic!("no {name}"));
            line[prefix.len()..].trim().to_string()
        };
        assert_eq!(
            define("AURORAIAM_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            define("AURORAIAM_VERSION_MINOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            define("AURORAIAM_VERSION_PATCH"),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        assert_eq!(
            define("AURORAIAM_VERSION_STRING"),
            format!("\"{}\"", env!("CARGO_PKG_VERSION"))
        );
    }
}
