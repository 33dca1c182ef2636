//! The crate's error type, and the one place that reports problems on stderr.

use std::fmt;
use std::io::Write;

/// An error from a hook, a formatter, an out or the logger itself.
///
/// Wraps any error; hooks return `Error::new("why")` or `?` an I/O error.
///
/// ```
/// let err = hooklog::Error::new("queue full");
/// assert_eq!(err.to_string(), "queue full");
/// ```
pub struct Error {
    inner: Box<dyn std::error::Error + Send + Sync>,
}

impl Error {
    /// Wraps an error or a message.
    pub fn new(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        Error { inner: e.into() }
    }

    /// The wrapped error.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.inner
    }

    /// Unwraps the inner error.
    pub fn into_inner(self) -> Box<dyn std::error::Error + Send + Sync> {
        self.inner
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::new(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::new(e)
    }
}

impl From<String> for Error {
    fn from(msg: String) -> Error {
        Error::new(msg)
    }
}

impl From<&str> for Error {
    fn from(msg: &str) -> Error {
        Error::new(msg)
    }
}

/// Writes one line `hooklog: <message>` to stderr in a single write, so reports from
/// several threads never interleave. Errors writing to stderr are ignored: there is
/// nowhere left to report them.
pub(crate) fn report(message: fmt::Arguments<'_>) {
    let line = format!("hooklog: {message}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
