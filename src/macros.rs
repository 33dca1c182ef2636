//! The logging macros: `log_fields!` and the level macros.

/// Starts an [`Entry`](crate::Entry) with fields: on the global logger, or on a logger
/// given before a `;`.
///
/// ```
/// use hooklog::{Logger, MemoryOut, TextFormatter, log_fields};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).formatter(TextFormatter::new().disable_timestamp(true)).build();
/// let name = "alice";
/// log_fields!(logger; "user" => name, "attempt" => 3).info("login failed");
/// assert_eq!(out.contents(), b"level=info msg=\"login failed\" user=alice attempt=3\n");
///
/// // On the global logger:
/// log_fields! { "user" => name, "attempt" => 3 }.debug("not shown at the default level");
/// ```
#[macro_export]
macro_rules! log_fields {
    ($logger:expr; $($key:expr => $value:expr),* $(,)?) => {
        $crate::Logger::entry(&$logger)$(.with_field($key, $value))*
    };
    ($($key:expr => $value:expr),* $(,)?) => {
        $crate::logger().entry()$(.with_field($key, $value))*
    };
}

/// Logs at a level given as an expression; the level macros expand to this.
///
/// Forms, where `target` is a `&Logger`, a `Logger`, an `&Entry` or an `Entry`:
///
/// ```text
/// log!(level, "fmt {}", args..)                            // global logger
/// log!(level, "fmt {}", args..; "key" => value, ..)
/// log!(level, target, "fmt {}", args..)
/// log!(level, target, "fmt {}", args..; "key" => value, ..)
/// ```
///
/// The level is checked first: a disabled call evaluates no argument, takes no entry and
/// formats nothing. An `Entry` target contributes its fields, before the call's own.
/// At `Level::Panic` the call panics after logging; at `Level::Fatal` it exits as
/// [`Logger::fatal`](crate::Logger::fatal) does.
#[macro_export]
macro_rules! log {
    ($level:expr, $fmt:literal $(, $arg:expr)* $(,)? $(; $($key:expr => $value:expr),* $(,)?)?) => {
        $crate::log!($level, $crate::logger(), $fmt $(, $arg)* $(; $($key => $value),*)?)
    };
    ($level:expr, $target:expr, $fmt:literal $(, $arg:expr)* $(,)? $(; $($key:expr => $value:expr),* $(,)?)?) => {{
        let target = &$target;
        let level: $crate::Level = $level;
        let logger = $crate::__private::Target::logger(target);
        if logger.is_level_enabled(level) {
            // `match` keeps the arguments' temporaries alive, and evaluates them before the
            // fields, in the order they are written.
            match ::std::format_args!($fmt $(, $arg)*) {
                args => {
                    #[allow(unused_mut)]
                    let mut entry = $crate::__private::Target::entry(target);
                    $($( entry.fields_mut().insert($key, $value); )*)?
                    logger.__log_owned(entry, level, args, ::std::module_path!());
                }
            }
        }
    }};
}

/// Logs at `Trace`; see [`log!`](crate::log!) for the forms.
///
/// ```
/// hooklog::trace!("cache miss for {}", "key-7"; "shard" => 3);
/// ```
#[macro_export]
macro_rules! trace {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Trace, $($rest)+) };
}

/// Logs at `Debug`; see [`log!`](crate::log!) for the forms.
///
/// ```
/// let logger = hooklog::Logger::new();
/// hooklog::debug!(logger, "parsed {} rows", 12; "file" => "a.csv");
/// ```
#[macro_export]
macro_rules! debug {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Debug, $($rest)+) };
}

/// Logs at `Info`; see [`log!`](crate::log!) for the forms.
///
/// ```
/// use hooklog::{Logger, MemoryOut, TextFormatter};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).formatter(TextFormatter::new().disable_timestamp(true)).build();
/// let request = logger.with_field("request_id", "r-1");
/// hooklog::info!(request, "handled in {} ms", 12; "status" => 200);
/// assert_eq!(out.contents(), b"level=info msg=\"handled in 12 ms\" request_id=r-1 status=200\n");
/// ```
#[macro_export]
macro_rules! info {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Info, $($rest)+) };
}

/// Logs at `Warn`; see [`log!`](crate::log!) for the forms.
///
/// ```
/// hooklog::warn!("disk {}% full", 91);
/// ```
#[macro_export]
macro_rules! warn {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Warn, $($rest)+) };
}

/// Logs at `Error`; see [`log!`](crate::log!) for the forms.
///
/// ```
/// hooklog::error!("upload failed"; "attempt" => 3);
/// ```
#[macro_export]
macro_rules! error {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Error, $($rest)+) };
}

/// What the macros need from their target; not part of the public API.
#[doc(hidden)]
pub mod __private {
    use crate::{Entry, Logger};

    /// A logger or an entry that the level macros can log through.
    pub trait Target {
        /// The logger whose level decides.
        fn logger(&self) -> &Logger;
        /// The entry that carries the record: empty for a logger, a copy for an entry.
        fn entry(&self) -> Entry;
    }

    impl Target for Logger {
        fn logger(&self) -> &Logger {
            self
        }

        fn entry(&self) -> Entry {
            Logger::entry(self)
        }
    }

    impl Target for Entry {
        fn logger(&self) -> &Logger {
            Entry::logger(self)
        }

        fn entry(&self) -> Entry {
            self.record()
        }
    }

    impl<T: Target + ?Sized> Target for &T {
        fn logger(&self) -> &Logger {
            (**self).logger()
        }

        fn entry(&self) -> Entry {
            (**self).entry()
        }
    }
}
