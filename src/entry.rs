//! `Entry`: a pooled set of fields that logs records, and the record it last logged.

use std::fmt;
use std::panic::Location;
use std::time::SystemTime;

use crate::fields::{Fields, Key};
use crate::level::Level;
use crate::logger::Logger;
use crate::pool::{self, Pooled};
use crate::value::Value;

/// Where a record was logged: the source line of the logging call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The source file, as `file!()` gives it.
    pub file: &'static str,
    /// The line in `file`.
    pub line: u32,
    /// The module path (`module_path!()`); known when the record came from a macro.
    pub module: Option<&'static str>,
}

impl Caller {
    /// The caller at `file` and `line`, in `module` when it is known.
    pub fn at(file: &'static str, line: u32, module: Option<&'static str>) -> Caller {
        Caller { file, line, module }
    }

    pub(crate) fn new(
        location: &'static Location<'static>,
        module: Option<&'static str>,
    ) -> Caller {
        Caller {
            file: location.file(),
            line: location.line(),
            module,
        }
    }
}

impl fmt::Display for Caller {
    /// `file:line`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A set of fields bound to a logger, ready to log records.
///
/// Entries come from [`Logger::entry`], [`Logger::with_field`] and friends, and their
/// storage is pooled: dropping an entry returns it to the pool, so a steady stream of
/// records allocates nothing. Logging methods take `&self`, so one entry can serve as a
/// request-scoped context and log many records; each record gets a fresh time (unless
/// [`with_time`](Entry::with_time) fixed one) and a copy of the entry's fields, which the
/// hooks for its level may edit without touching the context.
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
    logger: Logger,
    data: Pooled,
}

impl Entry {
    /// An empty entry from the pool.
    pub(crate) fn new(logger: Logger) -> Entry {
        Entry {
            logger,
            data: pool::take(),
        }
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

    /// Adds the field `"error"` holding `err.to_string()`.
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

    /// Logs a record at `level` if the logger enables it: the hooks for `level` fire on a
    /// copy of this entry, then the record is formatted and written to the logger's out in
    /// one `write_all`. At [`Level::Panic`] it then panics with the message, and at
    /// [`Level::Fatal`] it exits as [`Logger::fatal`] does (whether or not the level is
    /// enabled).
    #[track_caller]
    pub fn log(&self, level: Level, msg: impl fmt::Display) {
        let record = || self.record_data();
        self.logger
            .log_record(record, level, format_args!("{msg}"), Location::caller());
    }

    level_methods!();

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

    /// The logger this entry logs to.
    pub fn logger(&self) -> &Logger {
        &self.logger
    }

    /// A pooled copy of this entry's fields and fixed time, to carry one record.
    pub(crate) fn record(&self) -> Entry {
        Entry::from_parts(self.logger.clone(), self.record_data())
    }

    /// The storage of a record logged through this entry: its fields and fixed time.
    pub(crate) fn record_data(&self) -> Pooled {
        let mut data = pool::take();
        data.fields.copy_from(&self.data.fields);
        data.fixed_time = self.data.fixed_time;
        data
    }

    /// The logger and the pooled storage, taken apart (for queues that must not keep the
    /// logger alive).
    pub(crate) fn into_parts(self) -> (Logger, Pooled) {
        (self.logger, self.data)
    }

    /// An entry from parts taken by [`into_parts`](Entry::into_parts).
    pub(crate) fn from_parts(logger: Logger, data: Pooled) -> Entry {
        Entry { logger, data }
    }
}

impl Clone for Entry {
    /// A new pooled entry with the same logger, fields and fixed time.
    fn clone(&self) -> Entry {
        let mut copy = self.record();
        copy.data.time = self.data.time;
        copy.data.level = self.data.level;
        copy.data.message.push_str(&self.data.message);
        copy.data.caller = self.data.caller;
        copy.data.target.clone_from(&self.data.target);
        copy
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
