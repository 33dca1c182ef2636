//! Field values: typed scalars, strings that clone without allocating, and JSON.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::Serialize;

/// A string that is either `&'static str` or shared, so cloning it never allocates.
///
/// Field keys ([`Key`](crate::Key)) and string values use it: a context entry that carries a
/// request id logs many records without copying the id.
#[derive(Clone)]
pub struct SharedStr(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl SharedStr {
    /// A `SharedStr` borrowing a static string; no allocation.
    pub const fn from_static(s: &'static str) -> SharedStr {
        SharedStr(Repr::Static(s))
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }

    /// Whether dropping this string frees or releases heap memory.
    #[inline]
    pub(crate) fn owns_heap(&self) -> bool {
        matches!(self.0, Repr::Shared(_))
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &SharedStr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &SharedStr) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for SharedStr {
    /// Hashes as the `str` does, so maps keyed by `SharedStr` can be queried with `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl From<&'static str> for SharedStr {
    fn from(s: &'static str) -> SharedStr {
        SharedStr::from_static(s)
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        SharedStr(Repr::Shared(Arc::from(s)))
    }
}

impl From<Arc<str>> for SharedStr {
    fn from(s: Arc<str>) -> SharedStr {
        SharedStr(Repr::Shared(s))
    }
}

impl From<Cow<'static, str>> for SharedStr {
    fn from(s: Cow<'static, str>) -> SharedStr {
        match s {
            Cow::Borrowed(s) => SharedStr::from_static(s),
            Cow::Owned(s) => SharedStr::from(s),
        }
    }
}

/// A word summarising `key`: its length and its first eight bytes (overlapping loads for
/// shorter keys). Equal keys have equal fingerprints; unequal keys rarely do.
#[inline]
pub const fn fingerprint(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let n = bytes.len();
    let head = if let Some(first) = bytes.first_chunk::<8>() {
        u64::from_le_bytes(*first)
    } else if n >= 4 {
        let lo = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as u64;
        let hi = u32::from_le_bytes([bytes[n - 4], bytes[n - 3], bytes[n - 2], bytes[n - 1]]);
        lo | ((hi as u64) << 32)
    } else {
        let mut word = 0;
        let mut i = 0;
        while i < n {
            word = (word << 8) | bytes[i] as u64;
            i += 1;
        }
        word
    };
    head ^ (n as u64).rotate_right(8)
}

/// A field value.
///
/// Scalars stay typed, so the JSON formatter writes numbers and booleans as such. Build
/// values with `From` (`Value::from(3)`, `"text".into()`) or with [`Value::display`],
/// [`Value::debug`] and [`Value::json`] for other types.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// No value (`None`, JSON `null`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    I64(i64),
    /// An unsigned integer.
    U64(u64),
    /// A floating-point number; NaN and infinities are kept (JSON writes them as strings).
    F64(f64),
    /// A string.
    Str(SharedStr),
    /// A JSON array or object, from [`Value::json`] or `serde_json::Value`.
    Json(serde_json::Value),
    /// A value that could not be serialised, with the reason; formatters leave the field
    /// out and report the reason in the `hooklog_error` key.
    Invalid(SharedStr),
}

impl Value {
    /// A string value made from any `Display` (allocates the text once).
    pub fn display(v: impl fmt::Display) -> Value {
        Value::Str(SharedStr::from(v.to_string()))
    }

    /// A string value made from any `Debug` (allocates the text once).
    pub fn debug(v: impl fmt::Debug) -> Value {
        Value::Str(SharedStr::from(format!("{v:?}")))
    }

    /// A value made from any `Serialize`: scalars stay typed, sequences and maps become
    /// JSON. If serialisation fails the value is [`Value::Invalid`] with the reason.
    pub fn json(v: &impl Serialize) -> Value {
        match serde_json::to_value(v) {
            Ok(json) => Value::from(json),
            Err(e) => Value::Invalid(SharedStr::from(e.to_string())),
        }
    }

    /// A string value holding an error's `Display` text.
    pub fn error(err: &(dyn std::error::Error + 'static)) -> Value {
        Value::display(err)
    }

    /// The string, if this is a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether dropping this value frees or releases heap memory.
    #[inline]
    pub(crate) fn owns_heap(&self) -> bool {
        match self {
            Value::Null | Value::Bool(_) | Value::I64(_) | Value::U64(_) | Value::F64(_) => false,
            Value::Str(s) | Value::Invalid(s) => s.owns_heap(),
            Value::Json(_) => true,
        }
    }

    /// The value as `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::I64(v) => Some(v),
            Value::U64(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as `u64`, if it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::U64(v) => Some(v),
            Value::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as `f64`, if it is a number (integers convert, possibly rounding).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::F64(v) => Some(v),
            Value::I64(v) => Some(v as f64),
            Value::U64(v) => Some(v as f64),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean value.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(v) => Some(v),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// The text the text formatter prints before quoting: numbers in their shortest
    /// round-trip form, strings as they are, JSON compact, `null` for [`Value::Null`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(v) => f.write_str(if *v { "true" } else { "false" }),
            Value::I64(v) => f.write_str(itoa::Buffer::new().format(*v)),
            Value::U64(v) => f.write_str(itoa::Buffer::new().format(*v)),
            Value::F64(v) => f.write_str(crate::formatter::number::format_f64(
                &mut zmij::Buffer::new(),
                *v,
            )),
            Value::Str(s) => f.write_str(s),
            Value::Json(v) => write!(f, "{v}"),
            Value::Invalid(reason) => write!(f, "<invalid: {reason}>"),
        }
    }
}

macro_rules! from_signed {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::I64(v as i64)
            }
        }
    )*};
}

macro_rules! from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::U64(v as u64)
            }
        }
    )*};
}

from_signed!(i8, i16, i32, i64, isize);
from_unsigned!(u8, u16, u32, u64, usize);

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Value {
        Value::F64(f64::from(v))
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::F64(v)
    }
}

impl From<&'static str> for Value {
    fn from(v: &'static str) -> Value {
        Value::Str(SharedStr::from_static(v))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Str(SharedStr::from(v))
    }
}

impl From<SharedStr> for Value {
    fn from(v: SharedStr) -> Value {
        Value::Str(v)
    }
}

impl From<Arc<str>> for Value {
    fn from(v: Arc<str>) -> Value {
        Value::Str(SharedStr::from(v))
    }
}

impl From<Cow<'static, str>> for Value {
    fn from(v: Cow<'static, str>) -> Value {
        Value::Str(SharedStr::from(v))
    }
}

impl From<char> for Value {
    fn from(v: char) -> Value {
        Value::Str(SharedStr::from(v.to_string()))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<serde_json::Value> for Value {
    /// Scalars become the matching typed variant; arrays and objects stay JSON.
    fn from(v: serde_json::Value) -> Value {
        use serde_json::Value as Json;
        match v {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::I64(i)
                } else if let Some(u) = n.as_u64() {
                    Value::U64(u)
                } else {
                    Value::F64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Json::String(s) => Value::from(s),
            other => Value::Json(other),
        }
    }
}
