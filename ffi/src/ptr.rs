//! Every raw-pointer operation of the C boundary, in one place.
//!
//! Exported functions never dereference, cast or allocate through raw pointers themselves:
//! they call the helpers here, each of which states the condition the C caller must meet.

use std::ffi::{c_char, c_void, CStr};
use std::ptr::NonNull;

use zeroize::Zeroize;

use crate::failure::Failure;

/// Borrows a required NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and unmodified for `'a`.
pub(crate) unsafe fn str_arg<'a>(
    ptr: *const c_char,
    field: &'static str,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null_argument(field));
    }
    // SAFETY: non-NULL and NUL-terminated per this function's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    Ok(auroraiam::str_from_utf8(bytes, field)?)
}

/// Borrows an optional NUL-terminated UTF-8 string argument (NULL means absent).
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    ptr: *const c_char,
    field: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { str_arg(ptr, field) }.map(Some)
}

/// Borrows a required string argument given as pointer and byte length (NUL bytes allowed;
/// the core rejects them where its rules say so).
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes that stay valid and unmodified for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(
    ptr: *const c_char,
    len: usize,
    field: &'static str,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null_argument(field));
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid_length(field, len));
    }
    // SAFETY: non-NULL, `len` readable bytes per this function's contract, len <= isize::MAX.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    Ok(auroraiam::str_from_utf8(bytes, field)?)
}

/// Borrows an optional pointer-and-length string argument (NULL means absent, `len` ignored).
///
/// # Safety
/// As [`bytes_arg`].
pub(crate) unsafe fn opt_bytes_arg<'a>(
    ptr: *const c_char,
    len: usize,
    field: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { bytes_arg(ptr, len, field) }.map(Some)
}

/// Borrows an object the library handed out earlier (`const T *` argument).
///
/// # Safety
/// `ptr` is NULL or came from [`into_raw`] for the same `T` and has not been freed.
pub(crate) unsafe fn object_arg<'a, T>(
    ptr: *const T,
    field: &'static str,
) -> Result<&'a T, Failure> {
    // SAFETY: per this function's contract a non-NULL `ptr` is a live Box<T>.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null_argument(field))
}

/// Borrows an object the library handed out earlier for modification (`T *` argument).
///
/// # Safety
/// `ptr` is NULL or came from [`into_raw`] for the same `T` (or is a `&mut T` the library lent
/// to a callback), has not been freed, and no other thread uses it during the call.
pub(crate) unsafe fn object_mut_arg<'a, T>(
    ptr: *mut T,
    field: &'static str,
) -> Result<&'a mut T, Failure> {
    // SAFETY: per this function's contract a non-NULL `ptr` is a live, unshared T.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::null_argument(field))
}

/// Borrows an object for an infallible getter: NULL gives `None` (the getter then returns its
/// documented zero value).
///
/// # Safety
/// As [`object_arg`].
pub(crate) unsafe fn object_ref<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: per this function's contract a non-NULL `ptr` is a live Box<T>.
    unsafe { ptr.as_ref() }
}

/// Reads an optional `const int64_t *` argument (NULL means absent).
///
/// # Safety
/// `ptr` is NULL or points to a readable `int64_t`.
pub(crate) unsafe fn opt_i64_arg(ptr: *const i64) -> Option<i64> {
    // SAFETY: per this function's contract.
    unsafe { ptr.as_ref() }.copied()
}

/// An out-parameter checked for NULL up front and written only on success.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks a `T *` out-parameter.
    pub(crate) fn new(ptr: *mut T, field: &'static str) -> Result<Self, Failure> {
        NonNull::new(ptr)
            .map(Out)
            .ok_or_else(|| Failure::null_argument(field))
    }

    /// An optional out-parameter: NULL means the caller does not want the value.
    pub(crate) fn optional(ptr: *mut T) -> Option<Self> {
        NonNull::new(ptr).map(Out)
    }

    /// Stores `value`; the previous content is not read or dropped.
    ///
    /// # Safety
    /// The pointer given to [`Out::new`] is valid for a write of `T`.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: non-NULL, writable per this function's contract.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Moves `value` to the heap and hands ownership to the C caller.
pub(crate) fn into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back and drops an object from [`into_raw`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from [`into_raw`] for the same `T` and is not used afterwards.
pub(crate) unsafe fn free_raw<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: per this function's contract.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Bytes of the length prefix in front of every token buffer (one word).
const TOKEN_PREFIX: usize = std::mem::size_of::<u64>();

/// Words of a token buffer holding `len` token bytes: prefix, bytes, NUL, rounded up.
fn token_words(len: usize) -> usize {
    (TOKEN_PREFIX + len + 1).div_ceil(TOKEN_PREFIX)
}

/// Copies a token into a new NUL-terminated buffer owned by the C caller.
///
/// The buffer is whole 64-bit words: `[length][token bytes][NUL][zero padding]`; the caller
/// gets a pointer to the token bytes. The hidden length lets [`token_free`] free it with the
/// layout it was allocated with and wipe all of it, word by word, even if the caller wrote
/// into it.
pub(crate) fn token_into_raw(token: &str) -> *mut c_char {
    let len = token.len();
    let mut words = vec![0u64; token_words(len)].into_boxed_slice();
    words[0] = len as u64;
    let raw = Box::into_raw(words).cast::<u64>();
    // SAFETY: the allocation holds TOKEN_PREFIX + len + 1 bytes or more, all initialised (zero);
    // the copy stays inside it and leaves the byte after the token zero (the NUL).
    unsafe {
        let bytes = raw.cast::<u8>().add(TOKEN_PREFIX);
        std::ptr::copy_nonoverlapping(token.as_ptr(), bytes, len);
        bytes.cast::<c_char>()
    }
}

/// Wipes and frees a buffer from [`token_into_raw`]; NULL is a no-op.
///
/// # Safety
/// `token` is NULL or came from [`token_into_raw`] and is not used afterwards.
pub(crate) unsafe fn token_free(token: *mut c_char) {
    if token.is_null() {
        return;
    }
    // SAFETY: per this function's contract `token` is TOKEN_PREFIX bytes past the start of a
    // word-aligned Box<[u64]> whose first word is the token length.
    unsafe {
        let start = token.cast::<u8>().sub(TOKEN_PREFIX).cast::<u64>();
        let len = start.read() as usize;
        let mut words = Box::from_raw(std::ptr::slice_from_raw_parts_mut(start, token_words(len)));
        words.zeroize();
    }
}

/// Copies `text` into a caller buffer of `capacity` bytes, snprintf style: at most
/// `capacity - 1` bytes, cut at a UTF-8 character boundary, then a NUL. Returns `text.len()`.
///
/// # Safety
/// `buf` is NULL (nothing is written) or points to `capacity` writable bytes.
pub(crate) unsafe fn copy_to_buffer(text: &str, buf: *mut c_char, capacity: usize) -> usize {
    if !buf.is_null() && capacity > 0 {
        let mut n = text.len().min(capacity - 1);
        while !text.is_char_boundary(n) {
            n -= 1;
        }
        // SAFETY: `buf` has `capacity` > n writable bytes per this function's contract.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
            buf.add(n).write(0);
        }
    }
    text.len()
}

/// A string handed to C as a borrowed `const char *`: the text, then a NUL. Interior NUL bytes
/// are kept (C sees the text up to the first one; the `*_len` getters give the full length).
pub(crate) struct CText(Box<[u8]>);

impl CText {
    /// Copies `text` and appends the NUL.
    pub(crate) fn new(text: &str) -> CText {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
        CText(bytes.into_boxed_slice())
    }

    /// Pointer to the NUL-terminated bytes, valid as long as `self`.
    pub(crate) fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast::<c_char>()
    }

    /// Length of the text in bytes, without the terminating NUL.
    pub(crate) fn len(&self) -> usize {
        self.0.len() - 1
    }
}

/// A static Rust string as a static NUL-terminated C string: each distinct text is copied once
/// and kept for the life of the process (callers pass a small fixed set: kind, code and
/// severity names), so the pointer never dangles.
pub(crate) fn static_text(text: &'static str) -> *const c_char {
    use std::sync::Mutex;
    static INTERNED: Mutex<Vec<(&'static str, &'static CStr)>> = Mutex::new(Vec::new());
    let mut interned = INTERNED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, c)) = interned.iter().find(|(t, _)| *t == text) {
        return c.as_ptr();
    }
    let owned = std::ffi::CString::new(text.replace('\0', "")).unwrap_or_default();
    let leaked: &'static CStr = Box::leak(owned.into_boxed_c_str());
    interned.push((text, leaked));
    leaked.as_ptr()
}

/// The caller's `void *userdata` for a callback, passed back untouched on whichever thread
/// calls the callback. The library never dereferences it; the C API documents that it must be
/// usable from any thread that uses the object it was given to.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub(crate) *mut c_void);

// SAFETY: the pointer is only handed back to the caller's own callback, never dereferenced
// here; the documented contract makes thread-safety of what it points to the caller's part.
unsafe impl Send for UserData {}
// SAFETY: as for Send.
unsafe impl Sync for UserData {}

/// A buffer the library lends to a callback to write a secret into; wiped (every byte of its
/// capacity) when dropped.
pub(crate) struct SecretBuffer(zeroize::Zeroizing<Vec<u8>>);

impl SecretBuffer {
    /// A zeroed buffer of `capacity` bytes.
    pub(crate) fn new(capacity: usize) -> SecretBuffer {
        SecretBuffer(zeroize::Zeroizing::new(vec![0u8; capacity]))
    }

    /// The buffer as the callback's `char *` and its size.
    pub(crate) fn as_mut_ptr(&mut self) -> *mut c_char {
        self.0.as_mut_ptr().cast::<c_char>()
    }

    /// Size of the buffer in bytes.
    pub(crate) fn capacity(&self) -> usize {
        self.0.len()
    }

    /// The first `len` bytes the callback wrote, or `None` when `len` exceeds the buffer.
    pub(crate) fn written(&self, len: usize) -> Option<&[u8]> {
        self.0.get(..len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_buffers_round_trip() {
        for token in ["", "a", "host:5432/?Action=connect&X-Amz-Signature=00"] {
            let raw = token_into_raw(token);
            // SAFETY: raw came from token_into_raw just above.
            let read = unsafe { CStr::from_ptr(raw) }.to_str().unwrap().to_string();
            assert_eq!(read, token);
            unsafe { token_free(raw) };
        }
        unsafe { token_free(std::ptr::null_mut()) };
    }

    #[test]
    fn copy_to_buffer_cuts_at_char_boundaries() {
        let mut buf = [0x55 as c_char; 4];
        let n = unsafe { copy_to_buffer("aé€", buf.as_mut_ptr(), buf.len()) };
        assert_eq!(n, "aé€".len());
        // "aé" is 3 bytes: fits in capacity - 1 = 3.
        assert_eq!(
            unsafe { CStr::from_ptr(buf.as_ptr()) }.to_bytes(),
            "aé".as_bytes()
        );
        let mut small = [0x55 as c_char; 3];
        unsafe { copy_to_buffer("aé€", small.as_mut_ptr(), small.len()) };
        assert_eq!(unsafe { CStr::from_ptr(small.as_ptr()) }.to_bytes(), b"a");
        assert_eq!(
            unsafe { copy_to_buffer("abc", std::ptr::null_mut(), 10) },
            3
        );
        let mut one = [0x55 as c_char; 1];
        unsafe { copy_to_buffer("abc", one.as_mut_ptr(), 0) };
        assert_eq!(one[0], 0x55);
    }
}

/// Borrows an array of `len` required NUL-terminated UTF-8 strings (`ptr` may be NULL only
/// when `len` is 0).
///
/// # Safety
/// `ptr` is NULL or points to `len` readable pointers, each NULL or NUL-terminated, all valid
/// and unmodified for `'a`.
pub(crate) unsafe fn str_array_arg<'a>(
    ptr: *const *const c_char,
    len: usize,
    field: &'static str,
) -> Result<Vec<&'a str>, Failure> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if ptr.is_null() {
        return Err(Failure::null_argument(field));
    }
    if len > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(Failure::invalid_length(field, len));
    }
    // SAFETY: non-NULL and `len` readable pointers per this function's contract.
    let items = unsafe { std::slice::from_raw_parts(ptr, len) };
    // SAFETY: each element is NULL or NUL-terminated per the contract.
    items.iter().map(|p| unsafe { str_arg(*p, field) }).collect()
}
