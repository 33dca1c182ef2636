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
    // Literal keys: marked at compile time and, when distinct, appended without lookups.
    ($logger:expr; $($key:literal => $value:expr),+ $(,)?) => {{
        let mut entry = $crate::Logger::entry(&$logger);
        $crate::__add_literals!(entry.fields_mut(); $($key => $value),+);
        entry
    }};
    ($($key:literal => $value:expr),+ $(,)?) => {
        $crate::log_fields!($crate::logger(); $($key => $value),+)
    };
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
    // Literal keys first: their marks are computed at compile time, and when they
    // are distinct a fresh record appends them without looking for earlier ones.
    ($level:expr, $fmt:literal $(, $arg:expr)* $(,)? ; $($key:literal => $value:expr),+ $(,)?) => {
        $crate::log!($level, $crate::logger(), $fmt $(, $arg)*; $($key => $value),+)
    };
    ($level:expr, $fmt:literal $(, $arg:expr)* $(,)? $(; $($key:expr => $value:expr),* $(,)?)?) => {
        $crate::log!($level, $crate::logger(), $fmt $(, $arg)* $(; $($key => $value),*)?)
    };
    ($level:expr, $target:expr, $fmt:literal $(, $arg:expr)* $(,)? ; $($key:literal => $value:expr),+ $(,)?) => {
        $crate::__log_at!($level, $target, ($fmt $(, $arg)*), |entry| {
            $crate::__add_literals!(entry.fields_mut(); $($key => $value),+);
        })
    };
    ($level:expr, $target:expr, $fmt:literal $(, $arg:expr)* $(,)? $(; $($key:expr => $value:expr),* $(,)?)?) => {
        $crate::__log_at!($level, $target, ($fmt $(, $arg)*), |entry| {
            $($( entry.fields_mut().insert($key, $value); )*)?
        })
    };
}

/// Adds fields with literal keys to a `&mut Fields`, in order: each key's mark is computed
/// at compile time, and when the keys are distinct and the map empty they are appended
/// without looking for earlier ones.
#[doc(hidden)]
#[macro_export]
macro_rules! __add_literals {
    ($fields:expr; $($key:literal => $value:expr),+) => {{
        let fields: &mut $crate::Fields = $fields;
        let append = $crate::__private::start_literals(
            fields,
            const { $crate::__private::distinct(&[$($key),+]) },
            $crate::__count!($($key)+),
        );
        $( $crate::__private::add_literal(
            fields,
            append,
            $key,
            const { $crate::__private::KeyMark::of($key) },
            $value,
        ); )+
    }};
}

/// The body of [`log!`]: checks the level, then takes a record from `target`, lets `fill`
/// add the call's fields to it and logs it.
#[doc(hidden)]
#[macro_export]
macro_rules! __log_at {
    ($level:expr, $target:expr, ($($args:tt)*), |$entry:ident| $fill:block) => {{
        let target = &$target;
        let level: $crate::Level = $level;
        let logger = $crate::__private::Target::logger(target);
        if logger.is_level_enabled(level) {
            // `match` keeps the arguments' temporaries alive, and evaluates them before the
            // fields, in the order they are written.
            match ::std::format_args!($($args)*) {
                args => {
                    #[allow(unused_mut)]
                    let mut $entry = $crate::__private::Target::record(target);
                    $fill
                    logger.__log_record($entry, level, args, ::std::module_path!());
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
    use crate::pool::{self, Pooled};
    use crate::{Entry, Fields, Logger, Value};

    pub use crate::fields::KeyMark;

    use crate::fields::Slot;

    /// Whether `keys` are pairwise distinct; the macros evaluate it at compile time.
    pub const fn distinct(keys: &[&str]) -> bool {
        let mut i = 0;
        while i < keys.len() {
            let mut j = i + 1;
            while j < keys.len() {
                if same(keys[i].as_bytes(), keys[j].as_bytes()) {
                    return false;
                }
                j += 1;
            }
            i += 1;
        }
        true
    }

    /// `a == b`, in a `const fn`.
    const fn same(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// Prepares `fields` for a macro call's `count` literal keys; returns whether they can
    /// be appended without looking for earlier ones (the keys are `distinct` and the
    /// record has no fields yet).
    #[inline(always)]
    pub fn start_literals(fields: &mut Fields, distinct: bool, count: usize) -> bool {
        distinct && fields.reserve_new(count)
    }

    /// Adds a field with a literal key and its mark: appended when `append`, else
    /// inserted as [`Fields::insert`] does.
    #[inline(always)]
    pub fn add_literal(
        fields: &mut Fields,
        append: bool,
        key: &'static str,
        mark: KeyMark,
        value: impl Into<Value>,
    ) {
        let slot = Slot::new_static(key, mark, value.into());
        if append {
            fields.push_reserved(slot);
        } else {
            fields.insert_slot(slot);
        }
    }

    /// The storage of one record a macro logs: its fields, before the logger takes it.
    pub struct Record(Pooled);

    impl Record {
        /// The record's fields, for the macro's own.
        #[inline]
        pub fn fields_mut(&mut self) -> &mut Fields {
            &mut self.0.fields
        }

        pub(crate) fn into_data(self) -> Pooled {
            self.0
        }
    }

    /// A logger or an entry that the level macros can log through.
    pub trait Target {
        /// The logger whose level decides.
        fn logger(&self) -> &Logger;
        /// A record to log: empty for a logger, with the entry's fields for an entry.
        fn record(&self) -> Record;
    }

    impl Target for Logger {
        fn logger(&self) -> &Logger {
            self
        }

        fn record(&self) -> Record {
            Record(pool::take())
        }
    }

    impl Target for Entry {
        fn logger(&self) -> &Logger {
            Entry::logger(self)
        }

        fn record(&self) -> Record {
            Record(self.record_data())
        }
    }

    impl<T: Target + ?Sized> Target for &T {
        fn logger(&self) -> &Logger {
            (**self).logger()
        }

        fn record(&self) -> Record {
            (**self).record()
        }
    }
}
