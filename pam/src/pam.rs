//! Hand-written declarations of the few libpam functions and constants the module needs
//! (Linux-PAM, <security/pam_modules.h>), and the safe wrappers around them. All `unsafe` of
//! the crate lives here.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;

use auroraiam::Zeroizing;

/// Success.
pub const PAM_SUCCESS: c_int = 0;
/// Error in the module (bad arguments, internal failure).
pub const PAM_SERVICE_ERR: c_int = 3;
/// Memory or system failure.
pub const PAM_BUF_ERR: c_int = 5;
/// Authentication failure: the token was rejected.
pub const PAM_AUTH_ERR: c_int = 7;
/// The module cannot reach its authentication data (the key file).
pub const PAM_AUTHINFO_UNAVAIL: c_int = 9;
/// No (usable) user name.
pub const PAM_USER_UNKNOWN: c_int = 10;
/// The conversation failed.
pub const PAM_CONV_ERR: c_int = 19;

/// What the module returns when the application's conversation (or `pam_get_user`, which may
/// converse) failed with `rc`. Only a failure that denies the login is passed on: a code such as
/// `PAM_INCOMPLETE`, `PAM_CONV_AGAIN` or `PAM_IGNORE` from the application would make libpam
/// resume, retry or skip this module, so it becomes `PAM_CONV_ERR`.
pub fn conversation_failure(rc: c_int) -> c_int {
    match rc {
        PAM_BUF_ERR | PAM_CONV_ERR | PAM_AUTH_ERR | PAM_USER_UNKNOWN => rc,
        _ => PAM_CONV_ERR,
    }
}

/// The module's final answer: any value other than success and the failures it means to
/// return becomes `PAM_AUTH_ERR` (fail closed; never `PAM_IGNORE`/`PAM_INCOMPLETE`).
pub fn fail_closed(rc: c_int) -> c_int {
    match rc {
        PAM_SUCCESS | PAM_SERVICE_ERR | PAM_BUF_ERR | PAM_AUTH_ERR | PAM_AUTHINFO_UNAVAIL
        | PAM_USER_UNKNOWN | PAM_CONV_ERR => rc,
        _ => PAM_AUTH_ERR,
    }
}

const PAM_SERVICE: c_int = 1;
const PAM_RHOST: c_int = 4;
const PAM_CONV: c_int = 5;
const PAM_AUTHTOK: c_int = 6;
const PAM_PROMPT_ECHO_OFF: c_int = 1;

#[repr(C)]
struct PamMessage {
    msg_style: c_int,
    msg: *const c_char,
}

#[repr(C)]
struct PamResponse {
    resp: *mut c_char,
    resp_retcode: c_int,
}

type ConvFn = unsafe extern "C" fn(
    c_int,
    *mut *const PamMessage,
    *mut *mut PamResponse,
    *mut c_void,
) -> c_int;

#[repr(C)]
struct PamConv {
    conv: Option<ConvFn>,
    appdata_ptr: *mut c_void,
}

#[link(name = "pam")]
extern "C" {
    fn pam_get_user(pamh: *mut c_void, user: *mut *const c_char, prompt: *const c_char) -> c_int;
    fn pam_get_item(pamh: *const c_void, item_type: c_int, item: *mut *const c_void) -> c_int;
    fn pam_set_item(pamh: *mut c_void, item_type: c_int, item: *const c_void) -> c_int;
}

/// The effective uid of the process (the key file must be owned by it or by root).
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The module arguments, as text (invalid UTF-8 replaced, so the parser rejects it by name).
///
/// # Safety
/// `argv` must point to `argc` NUL-terminated strings (as libpam passes them), or be NULL.
pub unsafe fn module_args(argc: c_int, argv: *const *const c_char) -> Vec<String> {
    if argv.is_null() || argc <= 0 {
        return Vec::new();
    }
    (0..argc as usize)
        .map(|i| *argv.add(i))
        .filter(|p| !p.is_null())
        .map(|p| CStr::from_ptr(p).to_string_lossy().into_owned())
        .collect()
}

/// A PAM handle given to the module by libpam for the duration of one call.
pub struct Handle(*mut c_void);

impl Handle {
    /// # Safety
    /// `pamh` must be the handle libpam passed to the current `pam_sm_*` call.
    pub unsafe fn new(pamh: *mut c_void) -> Option<Handle> {
        (!pamh.is_null()).then_some(Handle(pamh))
    }

    /// The user being authenticated (PostgreSQL: the role name; MariaDB: the account name).
    pub fn user(&self) -> Result<Vec<u8>, c_int> {
        let mut user: *const c_char = ptr::null();
        // SAFETY: valid handle; libpam owns the returned string until pam_end.
        let rc = unsafe { pam_get_user(self.0, &mut user, ptr::null()) };
        if rc != PAM_SUCCESS {
            return Err(rc);
        }
        if user.is_null() {
            return Err(PAM_USER_UNKNOWN);
        }
        // SAFETY: non-NULL, NUL-terminated, alive for this call.
        Ok(unsafe { CStr::from_ptr(user) }.to_bytes().to_vec())
    }

    /// A string item (service name, remote host), empty when unset.
    fn string_item(&self, item: c_int) -> String {
        let mut value: *const c_void = ptr::null();
        // SAFETY: valid handle; string items are NUL-terminated and owned by libpam.
        let rc = unsafe { pam_get_item(self.0, item, &mut value) };
        if rc != PAM_SUCCESS || value.is_null() {
            return String::new();
        }
        // SAFETY: see above.
        unsafe { CStr::from_ptr(value.cast::<c_char>()) }
            .to_string_lossy()
            .into_owned()
    }

    /// The PAM service name (`auroraiam-pg`).
    pub fn service(&self) -> String {
        self.string_item(PAM_SERVICE)
    }

    /// The client address as the application reports it (may be empty).
    pub fn rhost(&self) -> String {
        self.string_item(PAM_RHOST)
    }

    /// The password: `PAM_AUTHTOK` if an earlier module or the application set it, else asked
    /// through the conversation (PostgreSQL and MariaDB answer with the client's cleartext
    /// password). Read whole, however long: tokens with a session token are over 1,000 bytes,
    /// and `pam_exec`'s 511-byte cut breaks them. The answer is stored as `PAM_AUTHTOK` for
    /// later modules; our copies are wiped.
    pub fn authtok(&self) -> Result<Zeroizing<Vec<u8>>, c_int> {
        let mut value: *const c_void = ptr::null();
        // SAFETY: valid handle; PAM_AUTHTOK is a NUL-terminated string owned by libpam.
        let rc = unsafe { pam_get_item(self.0, PAM_AUTHTOK, &mut value) };
        if rc == PAM_SUCCESS && !value.is_null() {
            // SAFETY: see above.
            return Ok(Zeroizing::new(
                unsafe { CStr::from_ptr(value.cast::<c_char>()) }
                    .to_bytes()
                    .to_vec(),
            ));
        }
        let answer = self.ask_password()?;
        if let Ok(c) = CString::new(answer.as_slice()) {
            let c = Zeroizing::new(c.into_bytes_with_nul());
            // SAFETY: valid handle; libpam copies the string.
            unsafe { pam_set_item(self.0, PAM_AUTHTOK, c.as_ptr().cast()) };
        }
        Ok(answer)
    }

    fn ask_password(&self) -> Result<Zeroizing<Vec<u8>>, c_int> {
        let mut conv: *const c_void = ptr::null();
        // SAFETY: valid handle; PAM_CONV is a `struct pam_conv *` owned by the application.
        let rc = unsafe { pam_get_item(self.0, PAM_CONV, &mut conv) };
        if rc != PAM_SUCCESS || conv.is_null() {
            return Err(PAM_CONV_ERR);
        }
        // SAFETY: the item is a valid pam_conv for the life of the handle.
        let conv = unsafe { &*conv.cast::<PamConv>() };
        let Some(function) = conv.conv else {
            return Err(PAM_CONV_ERR);
        };
        let message = PamMessage {
            msg_style: PAM_PROMPT_ECHO_OFF,
            msg: c"Password: ".as_ptr(),
        };
        let mut messages = [&message as *const PamMessage];
        let mut response: *mut PamResponse = ptr::null_mut();
        // SAFETY: one message, as the PAM conversation protocol defines; the application
        // allocates the responses with malloc and the module frees them.
        let rc = unsafe { function(1, messages.as_mut_ptr(), &mut response, conv.appdata_ptr) };
        if response.is_null() {
            return Err(if rc == PAM_SUCCESS { PAM_CONV_ERR } else { rc });
        }
        // SAFETY: a non-NULL response array holds one element for our one message.
        let text = unsafe { (*response).resp };
        let answer = if text.is_null() {
            None
        } else {
            // SAFETY: a malloc'ed NUL-terminated string; wiped and freed here, once.
            unsafe {
                let bytes = CStr::from_ptr(text).to_bytes();
                let copy = Zeroizing::new(bytes.to_vec());
                ptr::write_bytes(text, 0, bytes.len());
                libc::free(text.cast());
                Some(copy)
            }
        };
        // SAFETY: the array itself was malloc'ed by the application.
        unsafe { libc::free(response.cast()) };
        match (rc, answer) {
            (PAM_SUCCESS, Some(answer)) => Ok(answer),
            (PAM_SUCCESS, None) => Err(PAM_CONV_ERR),
            (rc, _) => Err(rc),
        }
    }
}
