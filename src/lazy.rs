//! `LazyEntry`: what `log_fields!` returns, fields computed only for records logged.

use std::error::Error as StdError;
use std::fmt;
use std::time::SystemTime;

use crate::caller::Callsite;
use crate::entry::Entry;
use crate::fields::{Fields, Key};
use crate::level::Level;
use crate::macros::__private::Source;
use crate::value::Value;

/// Fields bound to a logger (or a context entry), computed only when a record is logged;
/// made by [`log_fields!`](crate::log_fields).
///
/// A level method (`info`, `warn`, ...) first checks the level: when it is disabled,
/// nothing else happens (no entry is taken and no field expression runs). When it is
/// enabled, the field expressions run, in order, into a pooled record, which is then
/// logged as [`Entry::log`] logs. So a `LazyEntry` can log several times, each record with
/// freshly evaluated fields, and it borrows what its fields refer to for as long as it
/// lives. [`entry`](LazyEntry::entry) (or `Entry::from`) evaluates the fields once into a
/// context [`Entry`], which owns copies of them.
///
/// ```
/// use hooklog::{Entry, Level, log_fields};
///
/// let (logger, hook) = hooklog_test::null_logger();
/// logger.set_level(Level::Info);
/// let user = String::from("alice");
/// let lazy = log_fields!(logger; "user" => user.as_str(), "attempt" => 3);
/// lazy.debug("disabled: nothing is evaluated");
/// lazy.info("first");
/// lazy.warn("second");
/// assert_eq!(hook.len(), 2);
///
/// let context: Entry = lazy.entry();
/// drop(user); // the context owns its copy
/// context.info("third");
/// assert_eq!(hook.last().unwrap().fields().get("user").unwrap().as_str(), Some("alice"));
/// ```
#[must_use = "a LazyEntry logs nothing until one of its level methods is called"]
pub struct LazyEntry<'a, S: ?Sized, F> {
    /// The logger or entry the records go to.
    #[doc(hidden)]
    pub __source: &'a S,
    /// The `log_fields!` call: its module and target, and the filter's cached answer.
    #[doc(hidden)]
    pub __callsite: &'static Callsite,
    /// Adds the fields to a record: a closure that borrows what the fields refer to, so
    /// it is `Copy`.
    #[doc(hidden)]
    pub __fill: F,
}

impl<S: Source + ?Sized, F: Fn(&mut Fields) + Copy> LazyEntry<'_, S, F> {
    /// Logs a record at `level` if the logger enables it; at [`Level::Panic`] it then
    /// panics with the message, and at [`Level::Fatal`] it exits as
    /// [`Logger::fatal`](crate::Logger::fatal) does, whether or not the level is enabled.
    #[inline]
    #[track_caller]
    pub fn log(&self, level: Level, msg: impl fmt::Display) {
        if self.__source.enabled(level, self.__callsite) {
            log_enabled(self.__source, self.__callsite, self.__fill, level, msg);
        } else if level <= Level::Fatal {
            self.__source.skipped(level, format_args!("{msg}"));
        }
    }

    level_methods!();

    /// A context entry holding copies of the fields, evaluated now (after the fields of
    /// the entry this was made on, if any).
    pub fn entry(&self) -> Entry {
        let mut entry = self.__source.entry();
        (self.__fill)(entry.fields_mut());
        entry
    }

    /// [`entry`](LazyEntry::entry) with one more field.
    pub fn with_field(&self, key: impl Into<Key>, value: impl Into<Value>) -> Entry {
        self.entry().with_field(key, value)
    }

    /// [`entry`](LazyEntry::entry) with `fields` added.
    pub fn with_fields(&self, fields: Fields) -> Entry {
        self.entry().with_fields(fields)
    }

    /// [`entry`](LazyEntry::entry) with the field `"error"` holding `err`'s text.
    pub fn with_error(&self, err: &(dyn StdError + 'static)) -> Entry {
        self.entry().with_error(err)
    }

    /// [`entry`](LazyEntry::entry) whose records carry `time`.
    pub fn with_time(&self, time: SystemTime) -> Entry {
        self.entry().with_time(time)
    }
}

/// The rest of [`LazyEntry::log`] once the level is known to be enabled, kept out of line
/// so that a disabled call is only the check. It takes the entry's parts (the closure is a
/// copy of a few references) and the message by value, in registers: passing `&LazyEntry`
/// made every call, disabled ones included, store the entry and the message on the stack
/// first (disabled-chain 9 instructions instead of 5, disabled-target 20 instead of 16, as
/// `scripts/instructions` counts them).
#[inline(never)]
#[track_caller]
fn log_enabled<S: Source + ?Sized>(
    source: &S,
    callsite: &'static Callsite,
    fill: impl Fn(&mut Fields),
    level: Level,
    msg: impl fmt::Display,
) {
    let mut record = source.record();
    fill(record.fields_mut());
    source.log(record, level, format_args!("{msg}"), callsite);
}

impl<S: Source + ?Sized, F: Fn(&mut Fields) + Copy> From<LazyEntry<'_, S, F>> for Entry {
    fn from(lazy: LazyEntry<'_, S, F>) -> Entry {
        lazy.entry()
    }
}

impl<S: ?Sized, F> fmt::Debug for LazyEntry<'_, S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyEntry")
            .field("target", &self.__callsite.target())
            .finish_non_exhaustive()
    }
}
