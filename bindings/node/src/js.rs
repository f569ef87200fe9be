//! Reading JavaScript values through raw N-API calls: the only place that touches `napi_value`s.
//!
//! Every reader either returns a Rust value or a [`Failure`] naming the field. Property names are
//! created once per environment (main thread or worker) and kept in a referenced array, because
//! `napi_get_named_property` re-creates and internalizes its key string on every call, which
//! cost about 150 ns per property on this machine kind.

use std::ffi::CStr;
use std::ptr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Env, ValueType};
use zeroize::Zeroize;

use crate::failure::Failure;
pub use crate::kind::Kind;

/// Any JavaScript value, passed through untouched by the napi-rs macro layer.
#[derive(Clone, Copy)]
pub struct JsAny(pub sys::napi_value);

impl FromNapiValue for JsAny {
    unsafe fn from_napi_value(_env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        Ok(JsAny(value))
    }
}

impl ToNapiValue for JsAny {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        Ok(value.0)
    }
}

impl TypeName for JsAny {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for JsAny {}

/// The property names this binding reads, in [`Key`] order.
const KEY_NAMES: [&CStr; 26] = [
    c"hostname",
    c"port",
    c"username",
    c"region",
    c"expiresIn",
    c"signingTime",
    c"credentials",
    c"admin",
    c"accessKeyId",
    c"secretAccessKey",
    c"sessionToken",
    c"expiration",
    c"profile",
    c"refreshMargin",
    c"now",
    c"maxClockSkew",
    c"poolerLengthLimit",
    c"expectHostname",
    c"expectPort",
    c"expectUsername",
    c"expectRegion",
    c"expectKind",
    c"get",
    c"Map",
    c"token",
    c"expiresAt",
];

/// Index of a cached property name.
#[derive(Clone, Copy)]
#[allow(clippy::enum_variant_names)] // the AWS SDK's field names
#[repr(usize)]
pub enum Key {
    Hostname,
    Port,
    Username,
    Region,
    ExpiresIn,
    SigningTime,
    Credentials,
    Admin,
    AccessKeyId,
    SecretAccessKey,
    SessionToken,
    Expiration,
    Profile,
    RefreshMargin,
    Now,
    MaxClockSkew,
    PoolerLengthLimit,
    ExpectHostname,
    ExpectPort,
    ExpectUsername,
    ExpectRegion,
    ExpectKind,
    Get,
    Map,
    Token,
    ExpiresAt,
}

/// Per-environment instance data: a reference to the array of property-name strings.
struct KeyRefs(sys::napi_ref);

/// Checks an N-API status; any failure other than a pending JavaScript exception is a bug in
/// the binding or a dying environment, reported as a plain error.
pub fn check(status: sys::napi_status) -> Result<(), Failure> {
    match status {
        sys::Status::napi_ok => Ok(()),
        sys::Status::napi_pending_exception => Err(Failure::Pending),
        other => Err(Failure::Internal(other)),
    }
}

unsafe extern "C" fn free_keys(_env: sys::napi_env, data: *mut std::ffi::c_void, _hint: *mut std::ffi::c_void) {
    // SAFETY: `data` is the box leaked in `Js::with_keys`; the references die with the env.
    drop(unsafe { Box::from_raw(data.cast::<KeyRefs>()) });
}

/// A view of one environment for the duration of one call from JavaScript.
#[derive(Clone, Copy)]
pub struct Js {
    env: sys::napi_env,
    /// The array of property names (valid for the current call's handle scope), or null until
    /// [`Js::with_keys`]: the positional fast path never reads a property.
    keys: sys::napi_value,
}

impl Js {
    /// A view of `env` that reads property names lazily.
    pub fn new(env: &Env) -> Js {
        Js::from_raw(env.raw())
    }

    /// [`Js::new`] from a raw environment handed to a native callback.
    pub fn from_raw(env: sys::napi_env) -> Js {
        Js { env, keys: ptr::null_mut() }
    }

    /// This view with the property names loaded (created on first use in this environment),
    /// for callers about to read several properties.
    pub fn with_keys(self) -> Result<Js, Failure> {
        if !self.keys.is_null() {
            return Ok(self);
        }
        let env = self.env;
        let mut data = ptr::null_mut();
        // SAFETY: live env. The slot belongs to this addon (Node-API keeps one per module and
        // environment) and only ever holds a `KeyRefs` set below.
        check(unsafe { sys::napi_get_instance_data(env, &mut data) })?;
        if data.is_null() {
            // Node-API before version 10 cannot reference a string, so the names live in an
            // array that is referenced instead.
            let mut array = ptr::null_mut();
            check(unsafe { sys::napi_create_array_with_length(env, KEY_NAMES.len(), &mut array) })?;
            for (i, name) in KEY_NAMES.iter().enumerate() {
                let mut value = ptr::null_mut();
                // SAFETY: live env; `name` is NUL-free.
                check(unsafe {
                    sys::napi_create_string_utf8(env, name.as_ptr(), name.count_bytes() as isize, &mut value)
                })?;
                check(unsafe { sys::napi_set_element(env, array, i as u32, value) })?;
            }
            let mut reference = ptr::null_mut();
            check(unsafe { sys::napi_create_reference(env, array, 1, &mut reference) })?;
            data = Box::into_raw(Box::new(KeyRefs(reference))).cast();
            // SAFETY: `free_keys` reclaims exactly this box when the environment shuts down.
            if let Err(failure) = check(unsafe { sys::napi_set_instance_data(env, data, Some(free_keys), ptr::null_mut()) }) {
                drop(unsafe { Box::from_raw(data.cast::<KeyRefs>()) });
                return Err(failure);
            }
        }
        let mut keys = ptr::null_mut();
        // SAFETY: `data` is this addon's `KeyRefs`, alive as long as the environment.
        check(unsafe { sys::napi_get_reference_value(env, (*data.cast::<KeyRefs>()).0, &mut keys) })?;
        Ok(Js { env, keys })
    }

    /// The raw environment.
    pub fn env(self) -> sys::napi_env {
        self.env
    }

    /// `typeof value` (with `null` told apart).
    pub fn kind(self, value: sys::napi_value) -> Result<Kind, Failure> {
        let mut t = 0;
        check(unsafe { sys::napi_typeof(self.env, value, &mut t) })?;
        Ok(match t {
            sys::ValueType::napi_undefined => Kind::Undefined,
            sys::ValueType::napi_null => Kind::Null,
            sys::ValueType::napi_boolean => Kind::Boolean,
            sys::ValueType::napi_number => Kind::Number,
            sys::ValueType::napi_string => Kind::String,
            sys::ValueType::napi_symbol => Kind::Symbol,
            sys::ValueType::napi_function => Kind::Function,
            sys::ValueType::napi_external => Kind::External,
            sys::ValueType::napi_bigint => Kind::BigInt,
            _ => Kind::Object,
        })
    }

    fn key(self, key: Key) -> Result<sys::napi_value, Failure> {
        if self.keys.is_null() {
            return self.with_keys()?.key(key);
        }
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_get_element(self.env, self.keys, key as u32, &mut value) })?;
        Ok(value)
    }

    /// `object[key]` (runs getters; a getter that throws leaves its exception pending).
    pub fn get(self, object: sys::napi_value, key: Key) -> Result<sys::napi_value, Failure> {
        let name = self.key(key)?;
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_get_property(self.env, object, name, &mut value) })?;
        Ok(value)
    }

    /// `object[key] = value`.
    pub fn set(self, object: sys::napi_value, key: Key, value: sys::napi_value) -> Result<(), Failure> {
        let name = self.key(key)?;
        check(unsafe { sys::napi_set_property(self.env, object, name, value) })
    }

    /// `array[index] = value`.
    pub fn set_element(self, array: sys::napi_value, index: u32, value: sys::napi_value) -> Result<(), Failure> {
        check(unsafe { sys::napi_set_element(self.env, array, index, value) })
    }

    /// `object[key]` with its kind.
    pub fn get_kind(self, object: sys::napi_value, key: Key) -> Result<(sys::napi_value, Kind), Failure> {
        let value = self.get(object, key)?;
        Ok((value, self.kind(value)?))
    }

    /// Checks that `value` is a plain object (not null, not a function).
    pub fn expect_object(self, value: sys::napi_value, field: &'static str) -> Result<(), Failure> {
        match self.kind(value)? {
            Kind::Object => Ok(()),
            other => Err(Failure::type_error(field, "an object", other)),
        }
    }

    /// Reads `value` into `out` (cleared first) as UTF-8 if it is a string; `Ok(false)`, with
    /// nothing read, if it is not. Trying first saves a `typeof` call on the hot path.
    ///
    /// Lone UTF-16 surrogates cannot be expressed in UTF-8; N-API would silently turn them
    /// into U+FFFD, which would sign a different name than the caller passed, so they are
    /// rejected as INVALID_UTF8 instead.
    pub fn try_string(self, value: sys::napi_value, field: &'static str, out: &mut String) -> Result<bool, Failure> {
        out.clear();
        let mut bytes = std::mem::take(out).into_bytes();
        let result = self.read_utf8_into(value, &mut bytes);
        // SAFETY: N-API writes valid UTF-8 (it replaces what it cannot encode).
        *out = unsafe { String::from_utf8_unchecked(bytes) };
        if !result? {
            return Ok(false);
        }
        // 0xEF leads the UTF-8 encoding of U+FFFD: a cheap filter before the exact check.
        if out.as_bytes().contains(&0xEF) && out.contains('\u{FFFD}') && self.has_lone_surrogate(value)? {
            out.zeroize();
            return Err(Failure::lone_surrogate(field));
        }
        Ok(true)
    }

    fn read_utf8_into(self, value: sys::napi_value, bytes: &mut Vec<u8>) -> Result<bool, Failure> {
        // One call for the common short string: N-API's length query alone costs a full UTF-8
        // transcoding pass, so try a buffer that fits most names and keys first.
        const GUESS: usize = 256;
        let mut written = 0usize;
        if bytes.capacity() < GUESS {
            bytes.reserve(GUESS);
        }
        let capacity = bytes.capacity();
        let status = unsafe {
            sys::napi_get_value_string_utf8(self.env, value, bytes.as_mut_ptr().cast(), capacity, &mut written)
        };
        if status == sys::Status::napi_string_expected {
            return Ok(false);
        }
        check(status)?;
        // N-API never splits a character, so it may stop up to 4 bytes short of a full buffer:
        // with at least 4 bytes left over, the whole string fitted.
        if written + 4 < capacity {
            // SAFETY: N-API wrote `written` bytes (plus a NUL we do not keep).
            unsafe { bytes.set_len(written) };
            return Ok(true);
        }
        let mut length = 0usize;
        check(unsafe { sys::napi_get_value_string_utf8(self.env, value, ptr::null_mut(), 0, &mut length) })?;
        bytes.zeroize();
        // Room for the NUL and the 4-byte margin above, so the next read of a string this long
        // (the same session token, call after call) fits the first try.
        bytes.reserve(length + 5);
        check(unsafe {
            sys::napi_get_value_string_utf8(self.env, value, bytes.as_mut_ptr().cast(), length + 1, &mut written)
        })?;
        // SAFETY: as above.
        unsafe { bytes.set_len(written) };
        Ok(true)
    }

    fn has_lone_surrogate(self, value: sys::napi_value) -> Result<bool, Failure> {
        let mut length = 0usize;
        check(unsafe { sys::napi_get_value_string_utf16(self.env, value, ptr::null_mut(), 0, &mut length) })?;
        let mut units = vec![0u16; length + 1];
        let mut written = 0usize;
        check(unsafe {
            sys::napi_get_value_string_utf16(self.env, value, units.as_mut_ptr(), length + 1, &mut written)
        })?;
        units.truncate(written);
        let lone = char::decode_utf16(units.iter().copied()).any(|c| c.is_err());
        units.zeroize();
        Ok(lone)
    }

    /// Reads a required string.
    pub fn string(self, value: sys::napi_value, field: &'static str, out: &mut String) -> Result<(), Failure> {
        if self.try_string(value, field, out)? {
            return Ok(());
        }
        Err(Failure::type_error(field, "a string", self.kind(value)?))
    }

    /// Reads an optional string (`undefined` and `null` mean absent: `Ok(false)`).
    pub fn optional_string(self, value: sys::napi_value, field: &'static str, out: &mut String) -> Result<bool, Failure> {
        if self.try_string(value, field, out)? {
            return Ok(true);
        }
        match self.kind(value)? {
            k if k.is_absent() => Ok(false),
            k => Err(Failure::type_error(field, "a string", k)),
        }
    }

    /// A number, or `None` if `value` is not one (nothing else is checked).
    pub fn try_number(self, value: sys::napi_value) -> Result<Option<f64>, Failure> {
        let mut n = 0.0;
        match unsafe { sys::napi_get_value_double(self.env, value, &mut n) } {
            sys::Status::napi_number_expected => Ok(None),
            status => check(status).map(|()| Some(n)),
        }
    }

    /// Reads a boolean.
    pub fn boolean(self, value: sys::napi_value) -> Result<bool, Failure> {
        let mut b = false;
        check(unsafe { sys::napi_get_value_bool(self.env, value, &mut b) })?;
        Ok(b)
    }

    /// True when `value` is a `Date`.
    pub fn is_date(self, value: sys::napi_value) -> Result<bool, Failure> {
        let mut is = false;
        check(unsafe { sys::napi_is_date(self.env, value, &mut is) })?;
        Ok(is)
    }

    /// A `Date`'s time value in milliseconds (NaN for an invalid date).
    pub fn date_millis(self, value: sys::napi_value) -> Result<f64, Failure> {
        let mut ms = 0.0;
        check(unsafe { sys::napi_get_date_value(self.env, value, &mut ms) })?;
        Ok(ms)
    }

    /// An ASCII string (tokens are always ASCII) as a JavaScript string.
    pub fn new_ascii_string(self, text: &str) -> Result<sys::napi_value, Failure> {
        debug_assert!(text.is_ascii());
        let mut value = ptr::null_mut();
        // Latin-1 is the cheapest way in for ASCII: no UTF-8 decoding pass.
        check(unsafe {
            sys::napi_create_string_latin1(self.env, text.as_ptr().cast(), text.len() as isize, &mut value)
        })?;
        Ok(value)
    }

    /// A UTF-8 string as a JavaScript string.
    pub fn new_string(self, text: &str) -> Result<sys::napi_value, Failure> {
        let mut value = ptr::null_mut();
        check(unsafe {
            sys::napi_create_string_utf8(self.env, text.as_ptr().cast(), text.len() as isize, &mut value)
        })?;
        Ok(value)
    }

    /// `undefined`.
    pub fn undefined(self) -> Result<sys::napi_value, Failure> {
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_get_undefined(self.env, &mut value) })?;
        Ok(value)
    }

    /// `null`.
    pub fn null(self) -> Result<sys::napi_value, Failure> {
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_get_null(self.env, &mut value) })?;
        Ok(value)
    }

    /// A boolean.
    pub fn new_boolean(self, b: bool) -> Result<sys::napi_value, Failure> {
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_get_boolean(self.env, b, &mut value) })?;
        Ok(value)
    }

    /// A number.
    pub fn new_number(self, n: f64) -> Result<sys::napi_value, Failure> {
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_create_double(self.env, n, &mut value) })?;
        Ok(value)
    }

    /// A `Date` at `time`, to the nearest millisecond (JavaScript dates have no finer unit; a
    /// time read from a `Date` comes back as the same `Date`).
    pub fn new_date(self, time: SystemTime) -> Result<sys::napi_value, Failure> {
        let ms = match time.duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_nanos() as f64 / 1e6).round(),
            Err(e) => -(e.duration().as_nanos() as f64 / 1e6).round(),
        };
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_create_date(self.env, ms, &mut value) })?;
        Ok(value)
    }

    /// A new empty object.
    pub fn new_object(self) -> Result<sys::napi_value, Failure> {
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_create_object(self.env, &mut value) })?;
        Ok(value)
    }

    /// A new array of `values`.
    pub fn new_array(self, values: &[sys::napi_value]) -> Result<sys::napi_value, Failure> {
        let mut array = ptr::null_mut();
        check(unsafe { sys::napi_create_array_with_length(self.env, values.len(), &mut array) })?;
        for (i, value) in values.iter().enumerate() {
            check(unsafe { sys::napi_set_element(self.env, array, i as u32, *value) })?;
        }
        Ok(array)
    }

    /// Defines properties on `object` in one call (names and attributes in `properties`).
    pub fn define(self, object: sys::napi_value, properties: &[sys::napi_property_descriptor]) -> Result<(), Failure> {
        check(unsafe { sys::napi_define_properties(self.env, object, properties.len(), properties.as_ptr()) })
    }

    /// `object[name]` for a property name that is itself a JavaScript value.
    pub fn get_by_value(self, object: sys::napi_value, name: sys::napi_value) -> Result<sys::napi_value, Failure> {
        let mut value = ptr::null_mut();
        check(unsafe { sys::napi_get_property(self.env, object, name, &mut value) })?;
        Ok(value)
    }

    /// `Object.hasOwn(object, name)`.
    pub fn has_own(self, object: sys::napi_value, name: sys::napi_value) -> Result<bool, Failure> {
        let mut has = false;
        check(unsafe { sys::napi_has_own_property(self.env, object, name, &mut has) })?;
        Ok(has)
    }

    /// `value instanceof globalThis[constructor]`.
    pub fn is_instance_of_global(self, value: sys::napi_value, constructor: Key) -> Result<bool, Failure> {
        let mut global = ptr::null_mut();
        check(unsafe { sys::napi_get_global(self.env, &mut global) })?;
        let constructor = self.get(global, constructor)?;
        let mut is = false;
        check(unsafe { sys::napi_instanceof(self.env, value, constructor, &mut is) })?;
        Ok(is)
    }

    /// `function.call(this, ...args)`; a throw leaves its exception pending (`Failure::Pending`).
    pub fn call(self, function: sys::napi_value, this: sys::napi_value, args: &[sys::napi_value]) -> Result<sys::napi_value, Failure> {
        let mut result = ptr::null_mut();
        check(unsafe { sys::napi_call_function(self.env, this, function, args.len(), args.as_ptr(), &mut result) })?;
        Ok(result)
    }

    /// Reads a string the way Node-API does, replacing what UTF-8 cannot hold (unpaired
    /// surrogates) with U+FFFD; `Ok(false)` if `value` is not a string. For text that is only
    /// ever displayed (a token to redact for a log), where refusing would be worse.
    pub fn try_string_lossy(self, value: sys::napi_value, out: &mut String) -> Result<bool, Failure> {
        out.clear();
        let mut bytes = std::mem::take(out).into_bytes();
        let result = self.read_utf8_into(value, &mut bytes);
        // SAFETY: N-API writes valid UTF-8.
        *out = unsafe { String::from_utf8_unchecked(bytes) };
        result
    }
}

/// Milliseconds since the Unix epoch (a JavaScript time value) as a `SystemTime`.
pub fn system_time_from_millis(ms: f64) -> SystemTime {
    let duration = Duration::from_secs_f64((ms.abs() / 1000.0).min(1e15));
    if ms >= 0.0 {
        UNIX_EPOCH + duration
    } else {
        UNIX_EPOCH - duration
    }
}
