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

// The layers, lowest first; a module imports only from layers below its own (README's
// "Layout" draws them, and `scripts/check-layers` holds the code to it).
// 1. Values and how they are written.
mod error;
mod free_list;
mod host;
mod level;
mod log_file;
mod scratch;
mod text;
mod trace;
mod value;
// 2. The process around the logger: its exit paths.
mod lifecycle;
// 3. Fields, the record in flight, their pools, where records come from.
mod caller;
mod entry;
mod fields;
mod pool;
// 4. Formatters, hooks and outs: they see the record, never the logger.
pub mod encode;
mod formatter;
mod hook;
mod out;
mod redact;
mod sampler;
// 5. The logger, its filter and settings, the global logger.
mod filter;
mod logger;
// 6. The macros' runtime and the bridges.
#[cfg(feature = "log")]
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
pub mod bridge;
mod from_env;
mod lazy;
mod macros;

pub use caller::Caller;
pub use entry::Entry;
pub use error::{Error, report_failure};
pub use fields::{Fields, Key};
pub use filter::{Filter, ParseFilterError};
pub use formatter::{Destination, FieldKey, FieldMap, Formatter, JsonFormatter, TextFormatter};
pub use from_env::{init, try_init};
pub use hook::{AsyncHook, DefaultFields, Hook, LevelHooks, QueueFull};
pub use host::host_name;
pub use lazy::LazyEntry;
pub use level::{Level, ParseLevelError};
pub use lifecycle::{
    exit_deadline, flush_on_signals, handle_fatal_signals, register_exit_handler, set_exit_timeout,
};
pub use log_file::{AppendError, LogFile};
pub use logger::global::{
    add_hook, debug, entry, error, exit, fatal, flush, info, is_level_enabled, level, log, logger,
    panic, set_exit_func, set_filter, set_formatter, set_global, set_level, set_out,
    set_report_caller, trace, warn, with_error, with_field, with_fields, with_time,
    with_trace_context,
};
pub use logger::{Logger, LoggerBuilder, RecordBuilder};
pub use macros::__private;
pub use out::{MemoryOut, Overflow};
pub use redact::{Detector, Redaction};
pub use sampler::Sampler;
pub use text::time::TimestampFormat;
pub use trace::{ParseTraceparentError, TraceContext};
pub use value::{ErrorChain, Secret, SharedStr, ToValue, Value};

/// README.md's Rust snippets, compiled and run as doc tests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
