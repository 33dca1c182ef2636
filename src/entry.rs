//! `Entry`: a record, or a context that logs records, with pooled storage.
//!
//! An entry made by a logger (`Logger::with_field` and friends) is bound to it and logs
//! through it; a record handed to hooks and formatters is bound to none. This layer knows
//! a logger only as something to [`Dispatch`] records to; logging through an entry is
//! written with the logger (`logger/entry_logging.rs`).

use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::time::SystemTime;

use crate::caller::{Caller, Callsite};
use crate::fields::{Fields, Key};
use crate::level::Level;
use crate::pool::{self, Pooled};
use crate::trace::TraceContext;
use crate::value::Value;

/// A set of fields bound to a logger, ready to log records; or a record being logged, as
/// hooks and formatters see it.
///
/// Entries come from [`Logger::entry`](crate::Logger::entry),
/// [`Logger::with_field`](crate::Logger::with_field) and friends, and their storage is
/// pooled: dropping an entry returns it to the pool, so a steady stream of records
/// allocates nothing. Logging methods take `&self`, so one entry can serve as a
/// request-scoped context and log many records; each record gets a fresh time (unless
/// [`with_time`](Entry::with_time) fixed one) and a copy of the entry's fields, which the
/// hooks for its level may edit without touching the context.
///
/// The record a hook or formatter is handed belongs to no logger: it is what is being
/// logged, not a context. Logging through it (or a clone of it) goes to the global
/// logger.
///
/// ```
/// use hooklog::{JsonFormatter, Logger, MemoryOut};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).formatter(JsonFormatter::new().disable_timestamp(true)).build();
/// let request = logger.with_field("request_id", "r-42");
/// request.info("started");
/// request.with_field("status", 200).info("finished");
/// let text = String::from_utf8(out.contents()).unwrap();
/// assert_eq!(text, "{\"level\":\"info\",\"msg\":\"started\",\"request_id\":\"r-42\"}\n\
///                   {\"level\":\"info\",\"msg\":\"finished\",\"request_id\":\"r-42\",\"status\":200}\n");
/// ```
pub struct Entry {
    /// The logger the entry logs to; `None` for a record handed to hooks and formatters.
    logger: Option<Arc<dyn Dispatch>>,
    data: Pooled,
}

/// A logger, as seen from the record's layer: what an entry logs through. The logger
/// implements it.
pub(crate) trait Dispatch: Send + Sync {
    /// Whether a record at `level` from `callsite` (`None`: a record without a target)
    /// passes the level and the filter.
    fn enabled(&self, level: Level, callsite: Option<&'static Callsite>) -> bool;

    /// Logs the record in `data` at `level` with the message `args`, which the caller
    /// found enabled, then panics at `Panic` and exits at `Fatal`.
    fn log(
        &self,
        data: Pooled,
        level: Level,
        args: fmt::Arguments<'_>,
        callsite: Option<&'static Callsite>,
        location: &'static Location<'static>,
    );

    /// What a record at a disabled `level` still does: `Panic` panics with the message
    /// `args`, `Fatal` exits; the others nothing.
    fn skipped(&self, level: Level, args: fmt::Arguments<'_>);
}

impl Entry {
    /// An empty entry from the pool, bound to `logger`.
    pub(crate) fn bound(logger: Arc<dyn Dispatch>) -> Entry {
        Entry {
            logger: Some(logger),
            data: pool::take(),
        }
    }

    /// The record in `data`, bound to no logger: what hooks and formatters are handed.
    pub(crate) fn record(data: Pooled) -> Entry {
        Entry { logger: None, data }
    }

    /// The record's storage, taken back from hooks and formatters.
    pub(crate) fn into_data(self) -> Pooled {
        self.data
    }

    /// The logger this entry is bound to, if any.
    pub(crate) fn dispatch(&self) -> Option<&dyn Dispatch> {
        self.logger.as_deref()
    }

    /// Adds a field, replacing the value of an existing key in place.
    #[must_use]
    pub fn with_field(mut self, key: impl Into<Key>, value: impl Into<Value>) -> Entry {
        self.data.fields.insert(key, value);
        self
    }

    /// Adds every field of `fields`, in their order.
    #[must_use]
    pub fn with_fields(mut self, fields: Fields) -> Entry {
        for (key, value) in fields {
            self.data.fields.insert(key, value);
        }
        self
    }

    /// Adds the field `"error"`: the error's message, with its causes (its `source()`
    /// chain) and a backtrace of this call when `RUST_LIB_BACKTRACE` asks for one; see
    /// [`Value::error`].
    #[must_use]
    pub fn with_error(self, err: &(dyn std::error::Error + 'static)) -> Entry {
        self.with_field("error", Value::error(err))
    }

    /// Fixes the time of the records this entry logs; without it each record takes the
    /// clock when it is logged.
    #[must_use]
    pub fn with_time(mut self, time: SystemTime) -> Entry {
        self.data.fixed_time = Some(time);
        self.data.time = time;
        self
    }

    /// Puts the records this entry logs in the trace `context` (a `traceparent` header the
    /// service received, say): every formatter writes its ids.
    ///
    /// ```
    /// use hooklog::{JsonFormatter, Logger, MemoryOut, TraceContext};
    ///
    /// let out = MemoryOut::new();
    /// let logger = Logger::builder().out(out.clone()).formatter(JsonFormatter::new().disable_timestamp(true)).build();
    /// let context: TraceContext = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap();
    /// logger.entry().with_trace_context(context).info("charged");
    /// assert_eq!(out.contents(), br#"{"level":"info","msg":"charged","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}
    /// "#);
    /// ```
    #[must_use]
    pub fn with_trace_context(mut self, context: TraceContext) -> Entry {
        self.data.trace = Some(context);
        self
    }

    /// The trace the record this entry carries belongs to, if any.
    pub fn trace_context(&self) -> Option<&TraceContext> {
        self.data.trace.as_ref()
    }

    /// The level of the record this entry carries: in a hook or a formatter, the record
    /// being logged. An entry that logs (a context) hands each record a copy, so its own
    /// level stays `Info`.
    pub fn level(&self) -> Level {
        self.data.level
    }

    /// The message of the record this entry carries (see [`level`](Entry::level)); empty
    /// for a context entry.
    pub fn message(&self) -> &str {
        &self.data.message
    }

    /// The message, mutably: redaction rewrites it.
    pub(crate) fn message_mut(&mut self) -> &mut String {
        &mut self.data.message
    }

    /// The time of the record this entry carries (see [`level`](Entry::level)); for a
    /// context entry, the time set by [`with_time`](Entry::with_time), else `UNIX_EPOCH`.
    pub fn time(&self) -> SystemTime {
        self.data.time
    }

    /// The entry's fields, in insertion order.
    pub fn fields(&self) -> &Fields {
        &self.data.fields
    }

    /// The entry's fields, mutably; hooks use this to add, change or remove fields.
    pub fn fields_mut(&mut self) -> &mut Fields {
        &mut self.data.fields
    }

    /// The target of the record this entry carries: the module of the macro call that
    /// logged it (or the target the call named), or the target a bridged `log` record or
    /// `tracing` event had; `None` for records logged through methods. Filters choose by
    /// it; formatters write it when asked (`report_target`).
    pub fn target(&self) -> Option<&str> {
        self.data.target.as_deref()
    }

    /// Where the record this entry carries was logged, when the logger reports callers.
    pub fn caller(&self) -> Option<&Caller> {
        self.data.caller.as_ref()
    }

    /// The storage of a record logged through this entry: a pooled copy of its fields and
    /// fixed time.
    pub(crate) fn record_data(&self) -> Pooled {
        let mut data = pool::take();
        data.fields.copy_from(&self.data.fields);
        data.fixed_time = self.data.fixed_time;
        data.trace = self.data.trace;
        data
    }

    /// A pooled copy of the whole record this entry carries: fields, fixed time, time,
    /// level, message, caller and target.
    pub(crate) fn record_copy(&self) -> Pooled {
        let mut data = self.record_data();
        data.time = self.data.time;
        data.level = self.data.level;
        data.message.push_str(&self.data.message);
        data.caller = self.data.caller;
        data.target.clone_from(&self.data.target);
        data
    }
}

impl Clone for Entry {
    /// A new pooled entry with the same logger and a copy of the record.
    fn clone(&self) -> Entry {
        Entry {
            logger: self.logger.clone(),
            data: self.record_copy(),
        }
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("level", &self.data.level)
            .field("message", &self.data.message)
            .field("time", &self.data.time)
            .field("fields", &self.data.fields)
            .field("caller", &self.data.caller)
            .finish()
    }
}
