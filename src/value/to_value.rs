//! `ToValue`: how a value given by reference becomes a field [`Value`].

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{SharedStr, Value};

/// A type that can be a field value, converted from a reference.
///
/// The logging macros take field values by reference through this trait, so a value is
/// only borrowed (it stays usable after the call, and a lazy `log_fields!` can log it
/// several times) and text of any lifetime is copied into pooled storage rather than into
/// a new `String`. Implement it for your own types to log them without `%` or `?`.
///
/// | type | value |
/// |---|---|
/// | `str`, `String`, `Cow<str>`, `Box<str>`, `char` | a string (copied into pooled storage) |
/// | `Arc<str>`, [`SharedStr`] | a string (shared) |
/// | integers (`i8` .. `i128`, `u8` .. `u128`, `isize`, `usize`) | a number (128-bit ones outside 64 bits as text) |
/// | `f32`, `f64` | a number |
/// | `bool` | a boolean |
/// | `Option<T>` | `T`'s value, or null for `None` |
/// | `Duration` | its `Debug` text: `1.5s`, `250ms`, `12.5µs` |
/// | `IpAddr`, `SocketAddr` (and the v4/v6 forms), `Path`, `PathBuf` | their text |
/// | `serde_json::Value`, [`Value`] | as they are (cloned) |
///
/// ```
/// use hooklog::{ToValue, Value};
///
/// struct UserId(u64);
///
/// impl ToValue for UserId {
///     fn to_value(&self) -> Value {
///         Value::U64(self.0)
///     }
/// }
///
/// let (logger, hook) = hooklog_test::null_logger();
/// hooklog::info!(logger, "signed in"; "user" => UserId(42));
/// assert_eq!(hook.last().unwrap().fields().get("user"), Some(&Value::U64(42)));
/// ```
pub trait ToValue {
    /// The field value of `self`.
    fn to_value(&self) -> Value;

    /// The text to copy when the value is text of any lifetime: the macros copy it
    /// straight into the record, rather than into a value that is then moved there. Not
    /// needed by implementors: `None` (the default) makes the value with [`to_value`].
    ///
    /// [`to_value`]: ToValue::to_value
    #[doc(hidden)]
    #[inline]
    fn text(&self) -> Option<&str> {
        None
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    #[inline]
    fn to_value(&self) -> Value {
        (**self).to_value()
    }

    #[inline]
    fn text(&self) -> Option<&str> {
        (**self).text()
    }
}

impl<T: ToValue + ?Sized> ToValue for &mut T {
    #[inline]
    fn to_value(&self) -> Value {
        (**self).to_value()
    }

    #[inline]
    fn text(&self) -> Option<&str> {
        (**self).text()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    #[inline]
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl ToValue for str {
    #[inline]
    fn to_value(&self) -> Value {
        Value::Str(SharedStr::copy_of(self))
    }

    #[inline]
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

/// Types whose value is the text of `as_ref::<str>()`.
macro_rules! text {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            #[inline]
            fn to_value(&self) -> Value {
                Value::Str(SharedStr::copy_of(self))
            }

            #[inline]
            fn text(&self) -> Option<&str> {
                Some(self)
            }
        }
    )*};
}

text!(String, Box<str>, Cow<'_, str>);

impl ToValue for Arc<str> {
    fn to_value(&self) -> Value {
        Value::Str(SharedStr::from(Arc::clone(self)))
    }
}

impl ToValue for SharedStr {
    fn to_value(&self) -> Value {
        Value::Str(self.clone())
    }
}

impl ToValue for char {
    fn to_value(&self) -> Value {
        self.encode_utf8(&mut [0; 4]).to_value()
    }
}

impl ToValue for bool {
    #[inline]
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

/// Integers that always fit a 64-bit variant.
macro_rules! integers {
    ($variant:ident as $wide:ty: $($t:ty),*) => {$(
        impl ToValue for $t {
            #[inline]
            fn to_value(&self) -> Value {
                Value::$variant(*self as $wide)
            }
        }
    )*};
}

integers!(I64 as i64: i8, i16, i32, i64, isize);
integers!(U64 as u64: u8, u16, u32, u64, usize);

impl ToValue for i128 {
    fn to_value(&self) -> Value {
        i64::try_from(*self)
            .map(Value::I64)
            .or_else(|_| u64::try_from(*self).map(Value::U64))
            .unwrap_or_else(|_| Value::display(self))
    }
}

impl ToValue for u128 {
    fn to_value(&self) -> Value {
        u64::try_from(*self).map_or_else(|_| Value::display(self), Value::U64)
    }
}

impl ToValue for f32 {
    #[inline]
    fn to_value(&self) -> Value {
        Value::F64(f64::from(*self))
    }
}

impl ToValue for f64 {
    #[inline]
    fn to_value(&self) -> Value {
        Value::F64(*self)
    }
}

impl ToValue for Duration {
    fn to_value(&self) -> Value {
        Value::debug(self)
    }
}

/// Types whose value is their `Display` text.
macro_rules! displayed {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::display(self)
            }
        }
    )*};
}

displayed!(
    IpAddr,
    Ipv4Addr,
    Ipv6Addr,
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6
);

impl ToValue for Path {
    fn to_value(&self) -> Value {
        Value::display(self.display())
    }
}

impl ToValue for PathBuf {
    fn to_value(&self) -> Value {
        self.as_path().to_value()
    }
}

impl ToValue for serde_json::Value {
    fn to_value(&self) -> Value {
        Value::from(self.clone())
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
