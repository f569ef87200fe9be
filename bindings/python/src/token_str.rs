//! The token as a new `str`, which the core writes into directly.
//!
//! A token is ASCII, so its `str` is a compact ASCII string: `PyUnicode_New(len, 127)` makes
//! one with room for exactly the token, and `PyUnicode_AsUTF8AndSize` returns that room (for a
//! compact ASCII string, CPython's UTF-8 view *is* its character storage; no copy is made). The
//! core then signs straight into it ([`auroraiam::Signer::sign_to`]): no Rust `String`, no
//! second copy, no decoding scan, and no copy of the token left behind in freed memory.
//!
//! That CPython detail is checked once, at import ([`check_in_place`]): if a `str` filled this
//! way did not read back as written, tokens are made the ordinary way instead
//! (`Signer::sign`, then decoding).

use std::ffi::c_char;
use std::sync::atomic::{AtomicBool, Ordering};

use auroraiam::{Signer, SigningTime, TokenOutput, TokenRequest};
use pyo3::exceptions::PySystemError;
use pyo3::ffi;
use pyo3::pyclass::CompareOp;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::IntoPyResult;

extern "C" {
    /// A new `str` of `size` characters, none above `maxchar`, its characters not yet set.
    /// Exported by every CPython since 3.3 (not part of the limited API).
    fn PyUnicode_New(size: ffi::Py_ssize_t, maxchar: u32) -> *mut ffi::PyObject;
    /// See `args.rs`.
    fn PyUnicode_AsUTF8AndSize(unicode: *mut ffi::PyObject, size: *mut ffi::Py_ssize_t) -> *const c_char;
}

/// Whether [`check_in_place`] found that strings can be filled in place.
static IN_PLACE: AtomicBool = AtomicBool::new(false);

/// A new ASCII `str` being filled: owns one reference, released if never taken.
struct NewStr<'py> {
    py: Python<'py>,
    object: Option<Bound<'py, PyString>>,
}

impl<'py> NewStr<'py> {
    fn new(py: Python<'py>) -> Self {
        NewStr { py, object: None }
    }

    /// The filled string, or the error that stopped its making (a `MemoryError` set by
    /// CPython, or ours).
    fn take(self, written: bool) -> PyResult<Bound<'py, PyString>> {
        match (written, self.object) {
            (true, Some(object)) => Ok(object),
            _ => Err(PyErr::take(self.py).unwrap_or_else(|| PySystemError::new_err("no str for the token"))),
        }
    }
}

impl TokenOutput for NewStr<'_> {
    fn buffer(&mut self, len: usize) -> Option<&mut [u8]> {
        let size = ffi::Py_ssize_t::try_from(len).ok()?;
        // SAFETY: the GIL is held (`self.py`); a new reference or NULL with an exception set.
        let object = unsafe { Bound::from_owned_ptr_or_opt(self.py, PyUnicode_New(size, 127)) }?;
        let object = self.object.insert(object.cast_into::<PyString>().ok()?);
        let mut utf8_len: ffi::Py_ssize_t = 0;
        // SAFETY: a live str; for a compact ASCII one, CPython returns its own character storage.
        let data = unsafe { PyUnicode_AsUTF8AndSize(object.as_ptr(), &mut utf8_len) };
        if data.is_null() || utf8_len != size {
            return None;
        }
        // SAFETY: `len` bytes of the new string's storage, which nothing else references yet
        // (the string has not left this function's caller), for as long as `self` holds it.
        Some(unsafe { std::slice::from_raw_parts_mut(data.cast::<u8>().cast_mut(), len) })
    }
}

/// Signs `request` into a new `str` (see the module documentation).
pub(crate) fn sign_str<'py>(
    py: Python<'py>,
    signer: &Signer,
    request: &TokenRequest<'_>,
    at: SigningTime,
) -> PyResult<Bound<'py, PyString>> {
    if IN_PLACE.load(Ordering::Relaxed) {
        let mut out = NewStr::new(py);
        let written = signer.sign_to(request, at, &mut out).or_raise(py)?;
        return out.take(written);
    }
    let token = signer.sign(request, at).or_raise(py)?;
    Ok(PyString::new(py, token.as_str()))
}

/// Fills a string in place once and compares it, through CPython's own `==` and `hash()` (which
/// read the canonical characters), with the same text made the ordinary way; enables
/// [`sign_str`]'s in-place path only if they agree.
pub(crate) fn check_in_place(py: Python<'_>) {
    const PROBE: &str = "X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let mut out = NewStr::new(py);
    let written = out.buffer(PROBE.len()).map(|b| b.copy_from_slice(PROBE.as_bytes())).is_some();
    let ordinary = PyString::new(py, PROBE);
    let agrees = out.take(written).is_ok_and(|filled| {
        filled.as_any().rich_compare(&ordinary, CompareOp::Eq).and_then(|r| r.is_truthy()).unwrap_or(false)
            && filled.hash().ok().is_some_and(|h| ordinary.hash().ok() == Some(h))
            && filled.len().ok() == Some(PROBE.len())
    });
    IN_PLACE.store(agrees, Ordering::Relaxed);
}

/// Whether tokens are written in place (for the tests: true on every CPython the wheel supports).
#[pyfunction]
pub(crate) fn _token_str_in_place() -> bool {
    IN_PLACE.load(Ordering::Relaxed)
}
