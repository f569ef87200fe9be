//! Gives the shared library its versioned soname.
//!
//! The soname changes whenever the C ABI may break: with every major version, and while the
//! major version is 0 with every minor version (Cargo's compatibility rule), so 0.1.x ships
//! `libauroraiam.so.0.1` and 1.x ships `libauroraiam.so.1`.

fn main() {
    let major =
        std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let minor =
        std::env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets CARGO_PKG_VERSION_MINOR");
    let soname = if major == "0" {
        format!("libauroraiam.so.0.{minor}")
    } else {
        format!("libauroraiam.so.{major}")
    };
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" || target_os == "freebsd" || target_os == "android" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
    println!("cargo:rustc-env=AURORAIAM_SONAME={soname}");
    println!("cargo:rerun-if-changed=build.rs");
}
