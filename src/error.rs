//! The crate's error type, and the one place that reports problems on stderr.

#![allow(
    unsafe_code,
    reason = "write(2) to stderr, which a signal handler may call"
)]

use std::any::Any;
use std::fmt;
use std::io::Write;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

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

/// Writes `message` to stderr (file descriptor 2) in one `write`, formatted into a buffer
/// on the stack (cut at 1 KiB): no allocation, no lock, so a signal handler may call it.
pub(crate) fn write_stderr(message: fmt::Arguments<'_>) {
    let mut line = StackLine {
        buf: [0; 1024],
        len: 0,
    };
    let _ = fmt::write(&mut line, message);
    write_stderr_bytes(&line.buf[..line.len]);
}

/// Writes `bytes` to stderr (file descriptor 2) with `write` calls only, so a signal
/// handler may call it.
pub(crate) fn write_stderr_bytes(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is valid for reading `bytes.len()` bytes.
        let n = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        match n {
            n if n > 0 => bytes = &bytes[n as usize..],
            n if n < 0
                && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
            _ => return,
        }
    }
}

/// A line formatted on the stack, cut when full.
struct StackLine {
    buf: [u8; 1024],
    len: usize,
}

impl fmt::Write for StackLine {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Reports a failure on stderr as one line `hooklog: <message>`, at most once a second for
/// each `kind`, so a broken destination cannot flood stderr; the reports held back are
/// counted, and the count is given with the next line of that kind (or when the process
/// ends). For hook crates, whose failures happen on every record when they happen at all.
///
/// ```
/// hooklog::report_failure("my-hook send", format_args!("could not reach {}: {}", "logs:514", "refused"));
/// ```
pub fn report_failure(kind: &'static str, message: fmt::Arguments<'_>) {
    report_limited((kind, ""), message);
}

/// How often a report of one kind may reach stderr.
const REPORT_INTERVAL: Duration = Duration::from_secs(1);

/// A kind of report: what failed, and where (a hook's name, or empty).
type ReportKind = (&'static str, &'static str);

/// Reports of each kind seen recently: when one was last shown, how many were held back
/// since, and the last of those.
static RECENT: Mutex<Vec<(ReportKind, Instant, u64, String)>> = Mutex::new(Vec::new());

/// Reports like [`report`], but at most one line of each `kind` per second, so a broken
/// out or a failing hook cannot flood stderr; the reports held back are counted, and the
/// count is given with the next line of that kind (or at exit, by
/// [`report_held_back`]).
pub(crate) fn report_limited(kind: ReportKind, message: fmt::Arguments<'_>) {
    let now = Instant::now();
    let mut recent = RECENT.lock().unwrap_or_else(PoisonError::into_inner);
    match recent.iter_mut().find(|(k, ..)| *k == kind) {
        Some((_, shown, held, last)) if now.duration_since(*shown) < REPORT_INTERVAL => {
            *held += 1;
            last.clear();
            let _ = fmt::Write::write_fmt(last, message);
        }
        Some((_, shown, held, last)) => {
            let count = std::mem::take(held);
            *shown = now;
            last.clear();
            drop(recent);
            if count > 0 {
                report(format_args!(
                    "{message} ({count} more like this in the last second)"
                ));
            } else {
                report(message);
            }
        }
        None => {
            recent.push((kind, now, 0, String::new()));
            drop(recent);
            report(message);
        }
    }
}

/// Reports, once, the count of every kind of report still held back; the exit paths call
/// it last.
pub(crate) fn report_held_back() {
    let mut recent = RECENT.lock().unwrap_or_else(PoisonError::into_inner);
    for (_, _, held, last) in recent.iter_mut().filter(|(_, _, held, _)| *held > 0) {
        report(format_args!("{last} ({held} more like this, not shown)"));
        *held = 0;
    }
}

/// The text of a panic payload, for reports of caught panics.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "non-string panic payload"
    }
}
