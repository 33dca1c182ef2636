//! The global logger and free functions that log through it.

use std::fmt;
use std::io::Write;
use std::sync::LazyLock;
use std::time::SystemTime;

use crate::entry::Entry;
use crate::error::Error;
use crate::fields::{Fields, Key};
use crate::formatter::Formatter;
use crate::hook::Hook;
use crate::level::Level;
use crate::logger::Logger;
use crate::value::Value;

static LOGGER: LazyLock<Logger> = LazyLock::new(Logger::new);

/// The global logger, made on first use as [`Logger::new`] makes one (text to stderr at
/// `Info`). The free functions of this crate and the macros without a target log here.
pub fn logger() -> &'static Logger {
    &LOGGER
}

/// Sets the global logger's level; see [`Logger::set_level`].
pub fn set_level(level: Level) {
    logger().set_level(level)
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
