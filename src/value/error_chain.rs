//! An error with the errors that caused it, and the backtrace of the call that logged it.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// An error's message, the messages of its causes (its [`source`](std::error::Error::source)
/// chain, outermost first), and a backtrace when one was captured: the value of
/// [`Value::error`](super::Value::error) for an error that has a cause or a backtrace.
///
/// Formatters write it as the text formatter does its `Display`: the messages joined with
/// `": "` (`"payment failed: connection reset"`); the JSON formatter writes the message as
/// the field and adds `<key>.causes` (an array of strings) and `<key>.backtrace`; ECS
/// writes `error.stack_trace`.
///
/// ```
/// use hooklog::ErrorChain;
///
/// #[derive(Debug)]
/// struct Outer(std::io::Error);
/// impl std::fmt::Display for Outer {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("payment failed")
///     }
/// }
/// impl std::error::Error for Outer {
///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
///         Some(&self.0)
///     }
/// }
///
/// let chain = ErrorChain::of(&Outer(std::io::Error::other("connection reset")));
/// assert_eq!(chain.message(), "payment failed");
/// assert_eq!(chain.causes().collect::<Vec<_>>(), ["connection reset"]);
/// assert_eq!(chain.to_string(), "payment failed: connection reset");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorChain(Arc<Chain>);

#[derive(Debug, PartialEq)]
struct Chain {
    /// The error's message, then its causes'.
    messages: Vec<String>,
    backtrace: Option<String>,
}

impl ErrorChain {
    /// The chain of `err`, with a backtrace of this call if `RUST_LIB_BACKTRACE` asks for
    /// one (see [`Value::error`](super::Value::error)).
    pub fn of(err: &(dyn std::error::Error + 'static)) -> ErrorChain {
        let mut messages = vec![err.to_string()];
        let mut source = err.source();
        while let Some(cause) = source {
            messages.push(cause.to_string());
            source = cause.source();
        }
        let backtrace = backtraces_asked()
            .then(Backtrace::force_capture)
            .filter(|b| b.status() == BacktraceStatus::Captured)
            .map(|b| b.to_string());
        ErrorChain(Arc::new(Chain {
            messages,
            backtrace,
        }))
    }

    /// The error's own message.
    pub fn message(&self) -> &str {
        &self.0.messages[0]
    }

    /// Its causes' messages, outermost first.
    pub fn causes(&self) -> impl ExactSizeIterator<Item = &str> {
        self.0.messages[1..].iter().map(String::as_str)
    }

    /// The backtrace captured with it, if any.
    pub fn backtrace(&self) -> Option<&str> {
        self.0.backtrace.as_deref()
    }
}

impl fmt::Display for ErrorChain {
    /// The messages joined with `": "`; with `{:#}`, then the backtrace, if one was
    /// captured, on the lines after them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, message) in self.0.messages.iter().enumerate() {
            if i > 0 {
                f.write_str(": ")?;
            }
            f.write_str(message)?;
        }
        match self.backtrace() {
            Some(backtrace) if f.alternate() => write!(f, "\n{backtrace}"),
            _ => Ok(()),
        }
    }
}

/// Whether `RUST_LIB_BACKTRACE` asks for backtraces (`1` or `full`); read once.
pub(super) fn backtraces_asked() -> bool {
    static ASKED: OnceLock<bool> = OnceLock::new();
    *ASKED
        .get_or_init(|| std::env::var("RUST_LIB_BACKTRACE").is_ok_and(|v| v == "1" || v == "full"))
}
