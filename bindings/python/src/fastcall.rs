//! `METH_FASTCALL | METH_KEYWORDS` entry points for the token functions.
//!
//! On the abi3-py39 build pyo3 can only register `METH_VARARGS | METH_KEYWORDS` functions
//! (`METH_FASTCALL` entered the *limited* API in 3.10), so CPython would build a tuple and a
//! dict for every call with a keyword argument and pyo3 would walk that dict: about a third of a
//! call's cost. CPython has called `METH_FASTCALL | METH_KEYWORDS` functions the same way, with
//! the same flag value, since 3.7, so the three hot functions are registered with it here, as
//! orjson registers `dumps`. All other pyo3 machinery (classes, errors, conversions) is unchanged.
//!
//! With `args::text` (UTF-8 borrowed from `str`), this is the crate's `unsafe` code: raw
//! argument vectors in, a new reference or NULL out.

use std::ffi::{c_int, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use pyo3::exceptions::{PyTypeError, PySystemError};
use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyTuple};

/// `METH_FASTCALL` (CPython's `methodobject.h`; stable since 3.7, limited API since 3.10).
const METH_FASTCALL: c_int = 0x0080;

/// A Python-visible parameter list: names in order, how many may be passed by position, and how
/// many (leading ones) are required.
pub(crate) struct Signature {
    pub(crate) function: &'static str,
    pub(crate) params: &'static [&'static str],
    pub(crate) positional: usize,
    pub(crate) required: usize,
    names: PyOnceLock<Vec<Py<PyString>>>,
}

impl Signature {
    pub(crate) const fn new(
        function: &'static str,
        params: &'static [&'static str],
        positional: usize,
        required: usize,
    ) -> Self {
        Signature { function, params, positional, required, names: PyOnceLock::new() }
    }

    /// The parameter names as interned strings: keyword names written in source code are
    /// interned too, so matching is usually a pointer comparison.
    fn names(&self, py: Python<'_>) -> &[Py<PyString>] {
        self.names.get_or_init(py, || self.params.iter().map(|p| PyString::intern(py, p).unbind()).collect())
    }

    fn error(&self, what: std::fmt::Arguments<'_>) -> PyErr {
        PyTypeError::new_err(format!("{}() {what}", self.function))
    }

    /// Binds a vectorcall argument array to the parameters, like CPython does for Python
    /// functions: too many positionals, unknown or repeated keywords and missing required
    /// arguments are `TypeError`s.
    ///
    /// # Safety
    /// `args` holds `nargs` positional values followed by one value per name in `kwnames`
    /// (a tuple of `str`, or NULL), all valid borrowed references; the GIL is held.
    unsafe fn bind<'a, 'py, const N: usize>(
        &self,
        py: Python<'py>,
        args: *const *mut ffi::PyObject,
        nargs: ffi::Py_ssize_t,
        kwnames: *mut ffi::PyObject,
    ) -> PyResult<[Option<Borrowed<'a, 'py, PyAny>>; N]> {
        debug_assert_eq!(self.params.len(), N);
        let mut slots: [Option<Borrowed<'a, 'py, PyAny>>; N] = [None; N];
        let nargs = usize::try_from(nargs).unwrap_or(0);
        if nargs > self.positional {
            return Err(self.error(format_args!(
                "takes at most {} positional arguments ({nargs} given)",
                self.positional
            )));
        }
        for (i, slot) in slots.iter_mut().enumerate().take(nargs) {
            // SAFETY: i < nargs, a valid borrowed reference per the contract.
            *slot = Some(unsafe { Borrowed::from_ptr(py, *args.add(i)) });
        }
        if !kwnames.is_null() {
            // SAFETY: kwnames is a tuple per the contract.
            let kwnames = unsafe { Borrowed::from_ptr(py, kwnames) };
            let kwnames = kwnames.cast::<PyTuple>().map_err(|_| PySystemError::new_err("kwnames is not a tuple"))?;
            let names = self.names(py);
            for k in 0..kwnames.len() {
                // Borrowed from the tuple: no reference count traffic per keyword.
                let name = kwnames.get_borrowed_item(k)?;
                let position = match names.iter().position(|n| n.as_ptr() == name.as_ptr()) {
                    Some(p) => Some(p),
                    None => {
                        let mut found = None;
                        for (p, n) in names.iter().enumerate() {
                            if name.eq(n.bind(py))? {
                                found = Some(p);
                                break;
                            }
                        }
                        found
                    }
                };
                let Some(p) = position else {
                    return Err(self.error(format_args!("got an unexpected keyword argument {}", name.repr()?)));
                };
                if slots[p].is_some() {
                    return Err(self.error(format_args!("got multiple values for argument '{}'", self.params[p])));
                }
                // SAFETY: the value of the k-th keyword follows the nargs positionals.
                slots[p] = Some(unsafe { Borrowed::from_ptr(py, *args.add(nargs + k)) });
            }
        }
        let missing: Vec<String> =
            (0..self.required).filter(|&i| slots[i].is_none()).map(|i| format!("'{}'", self.params[i])).collect();
        if !missing.is_empty() {
            return Err(self.error(format_args!(
                "missing {} required argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )));
        }
        Ok(slots)
    }
}

/// Runs a fastcall body: binds the arguments, returns `Ok`'s object (a new reference) and turns
/// `Err` (or a panic) into a raised exception and NULL.
///
/// # Safety
/// Called by CPython through a `METH_FASTCALL | METH_KEYWORDS` method definition, with the GIL
/// held and the argument vector as described in [`Signature::bind`].
pub(crate) unsafe fn call<const N: usize>(
    signature: &Signature,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    body: impl for<'a, 'py> FnOnce(Python<'py>, [Option<Borrowed<'a, 'py, PyAny>>; N]) -> PyResult<Bound<'py, PyAny>>,
) -> *mut ffi::PyObject {
    // SAFETY: CPython holds the GIL while it calls a function (this function's contract), and
    // `py` does not outlive this call. Unlike `Python::attach`, this costs nothing: `attach`
    // does not know the thread is attached (pyo3 did not make the call) and would pair
    // `PyGILState_Ensure` / `PyGILState_Release` around every token. Arguments are `Borrowed`
    // and results `Bound`, which pyo3 releases at once; only a `Py<T>` dropped here would be
    // queued until pyo3 next attaches, and the token path drops none.
    let py = unsafe { Python::assume_attached() };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded from this function's contract.
        let bound = unsafe { signature.bind::<N>(py, args, nargs, kwnames) }?;
        body(py, bound)
    }));
    let error = match outcome {
        Ok(Ok(token)) => return token.into_ptr(),
        Ok(Err(e)) => e,
        Err(_) => PanicException::new_err(format!("{}() panicked (a bug in auroraiam)", signature.function)),
    };
    error.restore(py);
    ptr::null_mut()
}

/// A CPython fastcall-with-keywords C function.
pub(crate) type FastCFunction = unsafe extern "C" fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// Adds `function` to `module` as a builtin whose `__text_signature__` and `__doc__` come from
/// `doc` (`"name(params)\n--\n\ndoc"`, the format CPython parses).
pub(crate) fn add(module: &Bound<'_, PyModule>, name: &'static CStr, function: FastCFunction, doc: &'static CStr) -> PyResult<()> {
    let py = module.py();
    // CPython keeps a pointer to the definition for the function's lifetime: one per module
    // initialisation, never freed, like a C extension's static table.
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: name.as_ptr(),
        // SAFETY: a C function pointer stored as the union's generic variant; ml_flags tells
        // CPython its real signature, exactly as C extensions do.
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunction: unsafe {
                std::mem::transmute::<FastCFunction, ffi::PyCFunction>(function)
            },
        },
        ml_flags: METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: doc.as_ptr(),
    }));
    let module_name = module.name()?;
    // SAFETY: def lives forever; module and its name are valid references; returns a new
    // reference or NULL with an exception set.
    let object = unsafe {
        Bound::from_owned_ptr_or_err(py, ffi::PyCFunction_NewEx(def, module.as_ptr(), module_name.as_ptr()))
    }?;
    module.add(name.to_str().map_err(|_| PySystemError::new_err("function name is not UTF-8"))?, object)
}
