//! The panic guard of exports that cannot fail. The bottom of the crate: it depends on nothing
//! else here, so every module may use it (fallible exports use [`crate::call::call`], which also
//! records the failure).

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs the body of an export that cannot fail; a caught panic returns `fallback`.
pub(crate) fn infallible<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}
