//! `Secret`: a value that never shows what it holds.

use std::fmt;

use serde::{Serialize, Serializer};

use super::{SharedStr, ToValue, Value};

/// What a secret is written as.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// A value that is never written: as a field, through `Debug`, `Display` or `Serialize`,
/// it is `[REDACTED]`, whatever the logger's [redaction](crate::Redaction). The program
/// reaches it with [`expose`](Secret::expose).
///
/// ```
/// use hooklog::{JsonFormatter, Logger, MemoryOut, Secret};
///
/// let api_key = Secret::new(String::from("sk-live-1234"));
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).formatter(JsonFormatter::new().disable_timestamp(true)).build();
/// hooklog::info!(logger, "calling"; "key" => &api_key);
/// assert_eq!(out.contents(), b"{\"level\":\"info\",\"msg\":\"calling\",\"key\":\"[REDACTED]\"}\n");
/// assert_eq!(format!("{api_key:?}"), "[REDACTED]");
/// assert_eq!(api_key.expose(), "sk-live-1234");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The value itself.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Secret<T> {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<T> ToValue for Secret<T> {
    fn to_value(&self) -> Value {
        Value::Str(SharedStr::from_static(REDACTED))
    }
}

impl<T> From<Secret<T>> for Value {
    fn from(_: Secret<T>) -> Value {
        Value::Str(SharedStr::from_static(REDACTED))
    }
}

impl<T> From<&Secret<T>> for Value {
    fn from(_: &Secret<T>) -> Value {
        Value::Str(SharedStr::from_static(REDACTED))
    }
}
