//! `libauroraiam`: the C ABI of auroraiam.
//!
//! A thin layer over the core crate: it converts C types to Rust types and core errors to
//! `auroraiam_result` values, and owns no rule of its own. `include/auroraiam.h` is generated
//! from this crate by cbindgen (`make header`); the doc comments here become the header's.
//!
//! Layout, bottom up (no module uses one listed after it; `scripts/module-loops.py` checks
//! there are no loops): [`guard`] the panic guard of infallible exports, [`result`] the status
//! enum, [`failure`] why a call failed (status + message), [`ptr`] every raw-pointer operation,
//! [`last_error`] the per-thread detail message, [`call`] the guard every fallible export runs
//! in, and
//! [`version`], [`signer`], [`token`] the exported functions of token generation;
//! [`inspect`], [`diagnose`], [`verify`] those of reading, diagnosing and verifying tokens;
//! [`provider`] and [`credentials_callback`] the cached token provider and its sources.
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod call;
pub mod constants;
pub mod credentials_callback;
pub mod diagnose;
pub mod failure;
mod guard;
pub mod inspect;
pub mod kind;
pub mod last_error;
mod options;
pub mod policy;
pub mod provider;
mod ptr;
pub mod result;
pub mod signer;
pub mod token;
pub mod verify;
pub mod version;
