//! The global logger and free functions that log through it.

#![allow(
    unsafe_code,
    reason = "the global logger handle behind an atomic pointer, never freed"
)]

use std::fmt;
use std::io::Write;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::SystemTime;

use super::{FILTER_LISTENER, Logger};
use crate::entry::Entry;
use crate::error::Error;
use crate::fields::{Fields, Key};
use crate::filter::Filter;
use crate::formatter::Formatter;
use crate::hook::Hook;
use crate::level::Level;
use crate::trace::TraceContext;
use crate::value::Value;

/// The global logger's handle: null until first used or set. A handle once published is
/// never freed, since `logger()` hands out `&'static` references to it.
static GLOBAL: AtomicPtr<Logger> = AtomicPtr::new(ptr::null_mut());

/// The global logger: the one [`set_global`] made global, or else one made on first use as
/// [`Logger::new`] makes one (text to stderr at `Info`). `log_fields!{..}`, the level
/// macros without a logger, the free functions of this crate, the `log` bridge of
/// `hooklog::bridge::init` and `hooklog-tracing`'s global layer log here.
#[inline]
pub fn logger() -> &'static Logger {
    let global = GLOBAL.load(Ordering::Acquire);
    if global.is_null() {
        return first_use();
    }
    // SAFETY: a non-null pointer in `GLOBAL` came from `Box::into_raw` and is never
    // freed, so it is valid for the rest of the program.
    unsafe { &*global }
}

/// Makes the default global logger, unless another thread or `set_global` got there first.
#[cold]
fn first_use() -> &'static Logger {
    let fresh = Box::into_raw(Box::new(Logger::new()));
    match GLOBAL.compare_exchange(ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
        // SAFETY: `fresh` is now published, and never freed.
        Ok(_) => unsafe { &*fresh },
        Err(existing) => {
            // SAFETY: `fresh` was never published; it is ours to free. `existing` came
            // from `Box::into_raw` and is never freed.
            unsafe {
                drop(Box::from_raw(fresh));
                &*existing
            }
        }
    }
}

/// Makes `logger` the global logger: from now on `log_fields!{..}`, the level macros
/// without a logger, the free functions, the `log` bridge of `hooklog::bridge::init`
/// and `hooklog-tracing`'s global layer log through it (a logger built from a
/// configuration file, say).
///
/// Records logged before went to the global logger of the time (by default text on
/// stderr); that logger is not closed: records it is handling finish, and it is flushed at
/// exit like every logger. References to it taken with [`logger()`] stay valid and keep
/// logging to it. Each call keeps the previous handle alive for the rest of the program
/// (one pointer): set the global logger once at start-up, not per request.
///
/// ```
/// use hooklog::{JsonFormatter, Logger, MemoryOut};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).formatter(JsonFormatter::new().disable_timestamp(true)).build();
/// hooklog::set_global(logger.clone());
/// hooklog::info!("through the new global logger");
/// assert_eq!(out.contents(), b"{\"level\":\"info\",\"msg\":\"through the new global logger\"}\n");
/// assert!(*hooklog::logger() == logger);
/// ```
pub fn set_global(logger: Logger) {
    GLOBAL.swap(Box::into_raw(Box::new(logger)), Ordering::AcqRel);
    if let Some(listener) = FILTER_LISTENER.get() {
        let logger = self::logger();
        listener(logger, logger.filter().ceiling());
    }
}

/// Sets the global logger's level; see [`Logger::set_level`].
pub fn set_level(level: Level) {
    logger().set_level(level)
}

/// Sets the global logger's filter; see [`Logger::set_filter`].
pub fn set_filter(filter: Filter) {
    logger().set_filter(filter)
}

/// The global logger's level.
pub fn level() -> Level {
    logger().level()
}

/// Whether the global logger would log a record at `level`.
pub fn is_level_enabled(level: Level) -> bool {
    logger().is_level_enabled(level)
}

/// Sets the global logger's formatter; see [`Logger::set_formatter`].
pub fn set_formatter(formatter: impl Formatter) {
    logger().set_formatter(formatter)
}

/// Sets the global logger's out; see [`Logger::set_out`].
pub fn set_out(out: impl Write + Send + 'static) {
    logger().set_out(out)
}

/// Adds a hook to the global logger; see [`Logger::add_hook`].
pub fn add_hook(hook: impl Hook) {
    logger().add_hook(hook)
}

/// Turns caller reporting of the global logger on or off.
pub fn set_report_caller(report_caller: bool) {
    logger().set_report_caller(report_caller)
}

/// Sets the global logger's exit func; see [`Logger::set_exit_func`].
pub fn set_exit_func(exit_func: impl Fn(i32) + Send + Sync + 'static) {
    logger().set_exit_func(exit_func)
}

/// An empty entry on the global logger.
pub fn entry() -> Entry {
    logger().entry()
}

/// An entry on the global logger with one field.
pub fn with_field(key: impl Into<Key>, value: impl Into<Value>) -> Entry {
    logger().with_field(key, value)
}

/// An entry on the global logger with `fields`.
pub fn with_fields(fields: Fields) -> Entry {
    logger().with_fields(fields)
}

/// An entry on the global logger with the field `"error"`.
pub fn with_error(err: &(dyn std::error::Error + 'static)) -> Entry {
    logger().with_error(err)
}

/// An entry on the global logger whose records carry `time`.
pub fn with_time(time: SystemTime) -> Entry {
    logger().with_time(time)
}

/// An entry on the global logger whose records are in the trace `context`.
pub fn with_trace_context(context: TraceContext) -> Entry {
    logger().with_trace_context(context)
}

/// Logs at `level` on the global logger.
#[track_caller]
pub fn log(level: Level, msg: impl fmt::Display) {
    logger().log(level, msg)
}

/// Logs at [`Level::Trace`] on the global logger.
#[track_caller]
pub fn trace(msg: impl fmt::Display) {
    logger().trace(msg)
}

/// Logs at [`Level::Debug`] on the global logger.
#[track_caller]
pub fn debug(msg: impl fmt::Display) {
    logger().debug(msg)
}

/// Logs at [`Level::Info`] on the global logger.
#[track_caller]
pub fn info(msg: impl fmt::Display) {
    logger().info(msg)
}

/// Logs at [`Level::Warn`] on the global logger.
#[track_caller]
pub fn warn(msg: impl fmt::Display) {
    logger().warn(msg)
}

/// Logs at [`Level::Error`] on the global logger.
#[track_caller]
pub fn error(msg: impl fmt::Display) {
    logger().error(msg)
}

/// Logs at [`Level::Fatal`] on the global logger, then exits; see [`Logger::fatal`].
#[track_caller]
pub fn fatal(msg: impl fmt::Display) {
    logger().fatal(msg)
}

/// Logs at [`Level::Panic`] on the global logger, then panics.
#[track_caller]
pub fn panic(msg: impl fmt::Display) -> ! {
    logger().panic(msg)
}

/// Ends the process the logger's way; see [`Logger::exit`].
pub fn exit(code: i32) {
    logger().exit(code)
}

/// Flushes the global logger's out and hooks; see [`Logger::flush`].
///
/// # Errors
///
/// The first error from the out or a hook.
pub fn flush() -> Result<(), Error> {
    logger().flush()
}
