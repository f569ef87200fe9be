//! Python argument → Rust value conversions. Type checks live here; every value rule (ranges,
//! UTF-8, NUL bytes, lengths) stays in the core, which reports it with its own code.

use std::ffi::c_char;

use auroraiam::{str_from_utf8, Error, ErrorCode, SigningTime};
use pyo3::exceptions::PyOverflowError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyString, PyType};

use crate::errors::{to_py_err, wrong_type};

extern "C" {
    /// CPython's UTF-8 view of a `str`, cached in (and owned by) the object. Exported by every
    /// CPython since 3.3 and part of the stable ABI since 3.10; pyo3 only uses it from 3.10 on,
    /// copying through a `bytes` object below that, which cost two allocations per argument.
    fn PyUnicode_AsUTF8AndSize(unicode: *mut ffi::PyObject, size: *mut ffi::Py_ssize_t) -> *const c_char;
}

/// A `str` argument as UTF-8, borrowed from the object. A lone surrogate is not UTF-8: the
/// core reports it as `INVALID_UTF8` naming the field (the text is re-encoded with
/// `surrogatepass` to find where).
pub(crate) fn text<'a>(value: &'a Bound<'_, PyAny>, field: &str) -> PyResult<&'a str> {
    let Ok(string) = value.cast::<PyString>() else {
        return Err(wrong_type(value, field, "str"));
    };
    let mut size: ffi::Py_ssize_t = 0;
    // SAFETY: `string` is a live str (the GIL is held); CPython returns a pointer to `size`
    // bytes it keeps with the object, so they live as long as the borrow of `value`, or NULL
    // with an exception set.
    let data = unsafe { PyUnicode_AsUTF8AndSize(string.as_ptr(), &mut size) };
    if data.is_null() {
        drop(PyErr::take(value.py())); // UnicodeEncodeError: reported as INVALID_UTF8 instead
        return Err(not_utf8(string, field));
    }
    // SAFETY: non-NULL: `size` initialised bytes owned by `string` (see above), which CPython
    // has just encoded as UTF-8 (it refuses lone surrogates, above), as pyo3's own `to_str` relies on.
    unsafe {
        let bytes = std::slice::from_raw_parts(data.cast::<u8>(), usize::try_from(size).unwrap_or(0));
        Ok(std::str::from_utf8_unchecked(bytes))
    }
}

/// Like [`text`], `None` allowed.
pub(crate) fn optional_text<'a>(value: Option<&'a Bound<'_, PyAny>>, field: &str) -> PyResult<Option<&'a str>> {
    match value {
        Some(v) if !v.is_none() => text(v, field).map(Some),
        _ => Ok(None),
    }
}

#[cold]
fn not_utf8(string: &Bound<'_, PyString>, field: &str) -> PyErr {
    let py = string.py();
    let bytes = string.call_method1(intern!(py, "encode"), ("utf-8", "surrogatepass"));
    let error = match bytes.as_ref().map(|b| b.cast::<PyBytes>()) {
        Ok(Ok(bytes)) => match str_from_utf8(bytes.as_bytes(), field) {
            Err(e) => e,
            Ok(_) => Error::new(ErrorCode::InvalidUtf8, format!("{field} is not valid UTF-8")),
        },
        _ => Error::new(ErrorCode::InvalidUtf8, format!("{field} is not valid UTF-8")),
    };
    to_py_err(py, &error)
}

/// An integer argument. `bool` and non-integers are a `TypeError`; an integer beyond `i64` is
/// passed on saturated, so the core rejects it with the field's own code, and [`IntArg::fix`]
/// puts the real number back into the message.
pub(crate) struct IntArg {
    pub(crate) value: i64,
    overflowed: Option<String>,
}

impl IntArg {
    pub(crate) fn new(value: i64) -> Self {
        IntArg { value, overflowed: None }
    }

    /// Restores the caller's number in a core message about the saturated value.
    pub(crate) fn fix(&self, error: Error) -> Error {
        match &self.overflowed {
            Some(shown) => {
                let message = error.message().replacen(&self.value.to_string(), shown, 1);
                Error::new(error.code(), message)
            }
            None => error,
        }
    }
}

pub(crate) fn int(value: &Bound<'_, PyAny>, field: &str) -> PyResult<IntArg> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(wrong_type(value, field, "an int"));
    }
    match value.extract::<i64>() {
        Ok(v) => Ok(IntArg::new(v)),
        Err(e) if e.is_instance_of::<PyOverflowError>(value.py()) => {
            let negative = value.lt(0)?;
            Ok(IntArg {
                value: if negative { i64::MIN } else { i64::MAX },
                overflowed: Some(shown_int(value)?),
            })
        }
        Err(e) => Err(e),
    }
}

/// Like [`int`], `None` meaning `default`.
pub(crate) fn optional_int(value: Option<&Bound<'_, PyAny>>, field: &str, default: i64) -> PyResult<IntArg> {
    match value {
        Some(v) if !v.is_none() => int(v, field),
        _ => Ok(IntArg::new(default)),
    }
}

/// An int for an error message: its digits (cut to 40), or, past CPython's limit on converting
/// ints to text (4300 digits, where `str()` raises `ValueError`), its size in bits.
pub(crate) fn shown_int(value: &Bound<'_, PyAny>) -> PyResult<String> {
    match value.str() {
        Ok(text) => Ok(shortened(&text.to_string_lossy())),
        Err(_) => {
            let bits: u64 = value.call_method0("bit_length")?.extract()?;
            let sign = if value.lt(0)? { "-" } else { "" };
            Ok(format!("{sign}an int of {bits} bits"))
        }
    }
}

fn shortened(digits: &str) -> String {
    const MAX: usize = 40;
    if digits.len() <= MAX {
        digits.to_string()
    } else {
        format!("{}…({} digits)", &digits[..MAX], digits.trim_start_matches('-').len())
    }
}

/// A `bool` argument (no truthiness: `admin=1` is a `TypeError`).
pub(crate) fn flag(value: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<bool> {
    match value {
        None => Ok(false),
        Some(v) => match v.cast::<PyBool>() {
            Ok(b) => Ok(b.is_true()),
            Err(_) => Err(wrong_type(v, field, "a bool")),
        },
    }
}

/// An instant: an aware `datetime`, or Unix seconds as `int` or `float` (range, NaN and infinity
/// rules are the core's). `None` is "now" for `signing_time`.
///
/// `field` names the argument in messages; the error code is `INVALID_SIGNING_TIME` for
/// `signing_time` and `now`, and `INVALID_CREDENTIALS` for a credentials `expiry`.
pub(crate) fn instant(value: &Bound<'_, PyAny>, field: &str) -> PyResult<SigningTime> {
    let py = value.py();
    let converted = if value.is_instance_of::<PyBool>() {
        return Err(wrong_type(value, field, "an aware datetime or Unix seconds (int or float)"));
    } else if value.is_instance_of::<PyInt>() {
        let seconds = int(value, field)?;
        SigningTime::from_unix_seconds(seconds.value).map_err(|e| seconds.fix(e))
    } else if let Ok(float) = value.cast::<PyFloat>() {
        SigningTime::from_unix_seconds_f64(float.value())
    } else if value.is_instance(datetime_type(py)?)? {
        datetime_seconds(value, field)?
    } else {
        return Err(wrong_type(value, field, "an aware datetime or Unix seconds (int or float)"));
    };
    converted.map_err(|e| to_py_err(py, &for_field(e, field)))
}

/// Whole Unix seconds of an aware datetime, exactly (no float rounding near year 9999):
/// `dt - 1970-01-01T00:00:00+00:00` as a timedelta, whose days and seconds are integers and whose
/// microseconds (always non-negative) are dropped, i.e. the time is floored like the core does.
fn datetime_seconds(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Result<SigningTime, Error>> {
    let py = value.py();
    if value.call_method0(intern!(py, "utcoffset"))?.is_none() {
        return Ok(Err(Error::new(
            ErrorCode::InvalidSigningTime,
            format!(
                "{field} is a naive datetime: it names no time zone; pass an aware datetime \
                 (e.g. datetime.now(timezone.utc)) or Unix seconds"
            ),
        )));
    }
    let delta = value.sub(epoch(py)?)?;
    let days: i64 = delta.getattr(intern!(py, "days"))?.extract()?;
    let seconds: i64 = delta.getattr(intern!(py, "seconds"))?.extract()?;
    Ok(SigningTime::from_unix_seconds(days * 86_400 + seconds))
}

/// Core time errors speak of `signing_time`; for a credentials `expiry` they are credential errors.
fn for_field(error: Error, field: &str) -> Error {
    if field == "signing_time" {
        return error;
    }
    let message = error.message().replacen("signing_time", field, 1);
    // `now` (token inspection) is a point in time like `signing_time`; other fields are
    // credential expiries.
    let code = if field == "now" { error.code() } else { ErrorCode::InvalidCredentials };
    Error::new(code, message)
}

static DATETIME_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `datetime.datetime`, imported on first use (the abi3 build has no datetime C API, and plain
/// `import auroraiam` should not pay for the module).
fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME_TYPE.import(py, "datetime", "datetime")
}

/// `datetime(1970, 1, 1, tzinfo=timezone.utc)`.
fn epoch(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    EPOCH
        .get_or_try_init(py, || {
            let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
            datetime_type(py)?.call1((1970, 1, 1, 0, 0, 0, 0, utc)).map(Bound::unbind)
        })
        .map(|e| e.bind(py))
}

/// An aware UTC `datetime` for `time` (for reading an expiry back).
pub(crate) fn to_datetime<'py>(py: Python<'py>, time: SigningTime) -> PyResult<Bound<'py, PyAny>> {
    let timedelta = py.import("datetime")?.getattr("timedelta")?;
    let days = time.unix_seconds().div_euclid(86_400);
    let seconds = time.unix_seconds().rem_euclid(86_400);
    epoch(py)?.add(timedelta.call1((days, seconds))?)
}
