//! Field values: typed scalars, strings held without allocating, and JSON.

mod depth;
mod error_chain;
mod pooled;
mod secret;
mod shared_str;
mod to_value;

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Serialize, Serializer};

pub use error_chain::ErrorChain;
pub(crate) use secret::REDACTED;
pub use secret::Secret;
use shared_str::Append;
pub use shared_str::SharedStr;
pub use to_value::ToValue;

/// A field value.
///
/// Scalars stay typed, so the JSON formatter writes numbers and booleans as such. Build
/// values with `From` (`Value::from(3)`, `"text".into()`, a borrowed `&str` of any
/// lifetime) or with [`Value::display`], [`Value::debug`] and [`Value::json`] for other
/// types. Text that is not `'static` is copied into storage pooled per thread: no
/// allocation once warm, for values up to 4 KiB (a longer one costs one allocation).
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
    /// An error with its causes and maybe a backtrace, from [`Value::error`].
    Error(ErrorChain),
}

impl Value {
    /// A string value holding `v`'s `Display` text (no allocation once warm).
    pub fn display(v: impl fmt::Display) -> Value {
        Value::Str(text(format_args!("{v}"), "<Display failed>"))
    }

    /// A string value holding `v`'s `Debug` text (no allocation once warm).
    pub fn debug(v: impl fmt::Debug) -> Value {
        Value::Str(text(format_args!("{v:?}"), "<Debug failed>"))
    }

    /// A value made from any `Serialize`: scalars stay typed, sequences and maps become
    /// JSON (which allocates). If serialisation fails, or the value nests arrays and
    /// objects more than 100 levels deep (which would overflow the stack when it is
    /// formatted or dropped), the value is [`Value::Invalid`] with the reason: the field is
    /// left out of the record and `hooklog_error` says why.
    pub fn json(v: &impl Serialize) -> Value {
        if !depth::serializes_within_bound(v) {
            return Value::Invalid(SharedStr::from_static(depth::TOO_DEEP));
        }
        match serde_json::to_value(v) {
            Ok(json) => Value::from_json_within_bound(json),
            Err(e) => Value::Invalid(text(format_args!("{e}"), "<Display failed>")),
        }
    }

    /// An error: its `Display` text as a string when it has no cause and no backtrace
    /// is asked for (no allocation once warm), else an [`ErrorChain`] with its causes'
    /// messages and, when `RUST_LIB_BACKTRACE=1` (or `full`) asks for one, the backtrace
    /// of this call. Works for `anyhow::Error` (`&*err`) and `Box<dyn Error>`.
    ///
    /// Only `RUST_LIB_BACKTRACE` turns backtraces on, not `RUST_BACKTRACE` alone as
    /// [`Backtrace::capture`](std::backtrace::Backtrace::capture) would: that one is commonly set for panics, and would put a
    /// backtrace, and its cost, on every error record.
    pub fn error(err: &(dyn std::error::Error + 'static)) -> Value {
        if err.source().is_none() && !error_chain::backtraces_asked() {
            return Value::display(err);
        }
        Value::Error(ErrorChain::of(err))
    }

    /// The string, if this is a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a value that could not be serialised.
    #[inline]
    pub(crate) fn is_invalid(&self) -> bool {
        matches!(self, Value::Invalid(_))
    }

    /// Whether dropping this value frees or releases heap memory.
    #[inline]
    pub(crate) fn owns_heap(&self) -> bool {
        match self {
            Value::Null | Value::Bool(_) | Value::I64(_) | Value::U64(_) | Value::F64(_) => false,
            Value::Str(s) | Value::Invalid(s) => s.owns_heap(),
            Value::Json(_) | Value::Error(_) => true,
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

/// The text `args` write, or `failed` if a `Display` or `Debug` in them failed.
fn text(args: fmt::Arguments<'_>, failed: &'static str) -> SharedStr {
    let mut text = SharedStr::EMPTY_INLINE;
    write_text(&mut text, args, failed);
    text
}

/// Writes the text `args` make onto `text`, in place; `failed` replaces it if a `Display`
/// or `Debug` in them fails.
pub(crate) fn write_text(text: &mut SharedStr, args: fmt::Arguments<'_>, failed: &'static str) {
    if fmt::Write::write_fmt(&mut Append(text), args).is_err() {
        *text = SharedStr::from_static(failed);
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
            Value::F64(v) => f.write_str(crate::text::number::format_f64(
                &mut zmij::Buffer::new(),
                *v,
            )),
            Value::Str(s) => f.write_str(s),
            Value::Json(v) => write!(f, "{v}"),
            Value::Invalid(reason) => write!(f, "<invalid: {reason}>"),
            Value::Error(chain) => write!(f, "{chain}"),
        }
    }
}

impl Serialize for Value {
    /// Serialises as the matching JSON type; non-finite floats become strings and an
    /// [`Value::Invalid`] becomes its reason as a string.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(v) => serializer.serialize_bool(*v),
            Value::I64(v) => serializer.serialize_i64(*v),
            Value::U64(v) => serializer.serialize_u64(*v),
            Value::F64(v) if v.is_finite() => serializer.serialize_f64(*v),
            Value::F64(v) => serializer.collect_str(&Value::F64(*v)),
            Value::Str(s) | Value::Invalid(s) => serializer.serialize_str(s),
            Value::Json(v) => v.serialize(serializer),
            Value::Error(chain) => serializer.collect_str(chain),
        }
    }
}

/// `From` for types whose conversion [`ToValue`] defines, taken by value.
macro_rules! from_by_value {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                ToValue::to_value(&v)
            }
        }
    )*};
}

from_by_value!(
    bool,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    char,
    String,
    Box<str>,
    PathBuf,
    Duration,
    IpAddr,
    Ipv4Addr,
    Ipv6Addr,
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
);

impl<'a> From<&'a str> for Value {
    /// Copies the text, of any lifetime, into pooled storage (no allocation once warm);
    /// `Value::from(SharedStr::from_static(s))` keeps a `&'static str` without a copy.
    fn from(v: &'a str) -> Value {
        v.to_value()
    }
}

impl<'a> From<&'a String> for Value {
    fn from(v: &'a String) -> Value {
        v.to_value()
    }
}

impl<'a> From<&'a Path> for Value {
    fn from(v: &'a Path) -> Value {
        v.to_value()
    }
}

impl<'a> From<Cow<'a, str>> for Value {
    fn from(v: Cow<'a, str>) -> Value {
        v.to_value()
    }
}

impl From<SharedStr> for Value {
    fn from(v: SharedStr) -> Value {
        Value::Str(v)
    }
}

impl From<Arc<str>> for Value {
    /// Shares the string: no copy.
    fn from(v: Arc<str>) -> Value {
        Value::Str(SharedStr::from(v))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<serde_json::Value> for Value {
    /// Scalars become the matching typed variant; arrays and objects stay JSON, unless they
    /// nest more than 100 levels deep: that value becomes [`Value::Invalid`] (see
    /// [`Value::json`]).
    fn from(v: serde_json::Value) -> Value {
        if !depth::within_bound(&v) {
            depth::drop_flat(v);
            return Value::Invalid(SharedStr::from_static(depth::TOO_DEEP));
        }
        Value::from_json_within_bound(v)
    }
}

impl Value {
    /// [`From<serde_json::Value>`] for a value known to be within the depth bound.
    fn from_json_within_bound(v: serde_json::Value) -> Value {
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
