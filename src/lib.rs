//! A structured logger in the style of Go's logrus, built around per-level hooks and
//! pooled entries.
//!
//! A [`Logger`] (out, formatter, per-level hooks, report-caller switch, exit func) hands
//! out pooled [`Entry`] values carrying ordered [`Fields`]. Logging an entry fires the
//! hooks registered for its level, then formats it (text or JSON) into the logger's out
//! in one write. [`MemoryOut`] keeps records in memory and persists them to a file on
//! every exit path.
//!
//! ```
//! use hooklog::{JsonFormatter, Level, Logger, MemoryOut, info, log_fields};
//!
//! let out = MemoryOut::new();
//! let logger = Logger::builder()
//!     .level(Level::Debug)
//!     .formatter(JsonFormatter::new().disable_timestamp(true))
//!     .out(out.clone())
//!     .build();
//!
//! log_fields!(logger; "user" => "alice", "attempt" => 3).warn("login failed");
//! info!(logger, "served {} bytes", 512; "path" => "/index.html");
//!
//! let text = String::from_utf8(out.contents()).unwrap();
//! assert_eq!(text.lines().next().unwrap(),
//!     r#"{"level":"warning","msg":"login failed","user":"alice","attempt":3}"#);
//! ```
//!
//! # Cost
//!
//! A disabled level costs one atomic load in the level macros and in `log_fields!` (no
//! argument or field is evaluated). An enabled record allocates nothing once the pools are
//! warm, for the values a service has: static or borrowed strings, numbers, `Display` and
//! `Debug` values, errors. Entries and their buffers are reused, text is copied into the
//! value (up to 22 bytes) or into strings pooled per thread, timestamps are rendered once
//! per second per thread, and formatting happens outside the out's lock. What allocates:
//! string values over 4 KiB, JSON arrays and objects, records with more than 32 fields,
//! and records handed to another thread (an [`AsyncHook`]'s copies).
//!
//! # Features
//!
//! - `log`: [`bridge`], so crates that log through the `log` facade reach hooklog.
//!
//! # Minimum Rust version
//!
//! 1.88.

#![warn(missing_docs)]

#[macro_use]
mod level_methods;

#[cfg(feature = "log")]
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
pub mod bridge;
mod callsite;
mod crash;
mod entry;
mod error;
mod exit;
mod fields;
mod filter;
mod formatter;
mod global;
mod hook;
mod host;
mod lazy;
mod level;
mod log_file;
mod logger;
mod macros;
mod out;
mod pool;
mod registry;
mod sampler;
mod scratch;
mod signals;
mod value;

pub use entry::{Caller, Entry};
pub use error::{Error, report_failure};
pub use exit::register_exit_handler;
pub use fields::{Fields, Key};
pub use filter::{Filter, ParseFilterError};
pub use formatter::{FieldKey, FieldMap, Formatter, JsonFormatter, TextFormatter, TimestampFormat};
pub use global::{
    add_hook, debug, entry, error, exit, fatal, flush, info, init, is_level_enabled, level, log,
    logger, panic, set_exit_func, set_filter, set_formatter, set_global, set_level, set_out,
    set_report_caller, trace, try_init, warn, with_error, with_field, with_fields, with_time,
};
pub use hook::{AsyncHook, DefaultFields, Hook, LevelHooks, QueueFull};
pub use host::host_name;
pub use lazy::LazyEntry;
pub use level::{Level, ParseLevelError};
pub use log_file::{AppendError, LogFile};
pub use logger::{Logger, LoggerBuilder, RecordBuilder};
pub use macros::__private;
pub use out::{MemoryOut, Overflow};
pub use sampler::Sampler;
pub use signals::flush_on_signals;
pub use value::{SharedStr, ToValue, Value};

/// README.md's Rust snippets, compiled and run as doc tests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
