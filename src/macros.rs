//! The logging macros: `log_fields!`, the level macros, and the field syntax they share.

/// Fields for records on the global logger, or on a logger or entry given before a `;`,
/// evaluated only when a record is logged.
///
/// Returns a [`LazyEntry`](crate::LazyEntry): its level methods (`.info(..)`, ...) check
/// the level first, so a disabled call costs one atomic load and evaluates none of the
/// field expressions. An enabled call evaluates them, in order, for that record; a
/// `LazyEntry` can log several times (each record evaluates them again) and becomes a
/// context [`Entry`](crate::Entry) with [`entry`](crate::LazyEntry::entry).
///
/// Field values are borrowed, never moved, and may be of any lifetime: `&str`, `String`,
/// numbers, `Option`s, ... (anything [`ToValue`](crate::ToValue)), `%value` for its
/// `Display` text and `?value` for its `Debug` text. Text is copied into pooled storage,
/// so none of them allocates once warm.
///
/// ```
/// use hooklog::{Logger, MemoryOut, TextFormatter, log_fields};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).formatter(TextFormatter::new().disable_timestamp(true)).build();
///
/// fn handle(logger: &Logger, user: &str, path: &String, err: &std::io::Error) {
///     log_fields!(logger; "user" => user, "path" => path, "error" => %err).warn("request failed");
/// }
/// handle(&logger, "alice", &"/cart".to_string(), &std::io::Error::other("timed out"));
/// assert_eq!(out.contents(), b"level=warning msg=\"request failed\" user=alice path=/cart error=\"timed out\"\n");
///
/// // On the global logger; Debug is off by default, so `expensive()` never runs:
/// fn expensive() -> u64 { unreachable!() }
/// log_fields! { "answer" => expensive() }.debug("not logged");
/// ```
#[macro_export]
macro_rules! log_fields {
    ($source:expr; $($fields:tt)*) => {
        $crate::LazyEntry {
            __source: &$source,
            __callsite: {
                static CALLSITE: $crate::__private::Callsite =
                    $crate::__private::Callsite::new(::std::module_path!(), ::std::module_path!());
                &CALLSITE
            },
            __fill: |__fields: &mut $crate::Fields| {
                $crate::__fields!(@literal __fields [] $($fields)*)
            },
        }
    };
    ($($fields:tt)*) => {
        $crate::log_fields!($crate::logger(); $($fields)*)
    };
}

/// Logs at a level given as an expression; the level macros expand to this.
///
/// Forms, where `source` is a `&Logger`, a `Logger`, an `&Entry` or an `Entry`:
///
/// ```text
/// log!(level, "fmt {}", args..)                            // global logger
/// log!(level, "fmt {}", args..; "key" => value, ..)
/// log!(level, source, "fmt {}", args..)
/// log!(level, source, "fmt {}", args..; "key" => value, ..)
/// log!(level, target: "db", "fmt {}", args..)               // a target of its own
/// log!(level, source, target: "db", "fmt {}", args..)
/// ```
///
/// The record's target is the module of the call, or the string constant after
/// `target:`, as with `log`; the logger's [`Filter`](crate::Filter) keeps or drops it by
/// that target. The level is checked first: a disabled call evaluates no argument, takes
/// no entry and formats nothing; a call whose target the filter drops costs one more
/// check, against the answer cached at the call site. An `Entry` source contributes its fields, before the call's own.
/// Field values are as in [`log_fields!`]: borrowed, any lifetime, `%` for `Display`, `?`
/// for `Debug`. At `Level::Panic` the call panics after logging; at `Level::Fatal` it
/// exits as [`Logger::fatal`](crate::Logger::fatal) does, whether or not the level is
/// enabled.
#[macro_export]
macro_rules! log {
    ($level:expr, target: $target:expr, $fmt:literal $(, $arg:expr)* $(,)? $(; $($fields:tt)*)?) => {
        $crate::__log_at!($level, $crate::logger(), $target, ($fmt $(, $arg)*) $(; $($fields)*)?)
    };
    ($level:expr, $fmt:literal $(, $arg:expr)* $(,)? $(; $($fields:tt)*)?) => {
        $crate::__log_at!($level, $crate::logger(), ::std::module_path!(), ($fmt $(, $arg)*) $(; $($fields)*)?)
    };
    ($level:expr, $source:expr, target: $target:expr, $fmt:literal $(, $arg:expr)* $(,)? $(; $($fields:tt)*)?) => {
        $crate::__log_at!($level, $source, $target, ($fmt $(, $arg)*) $(; $($fields)*)?)
    };
    ($level:expr, $source:expr, $fmt:literal $(, $arg:expr)* $(,)? $(; $($fields:tt)*)?) => {
        $crate::__log_at!($level, $source, ::std::module_path!(), ($fmt $(, $arg)*) $(; $($fields)*)?)
    };
}

/// The body of [`log!`]: checks the level, then takes a record from `source`, adds the
/// call's fields to it and logs it.
#[doc(hidden)]
#[macro_export]
macro_rules! __log_at {
    ($level:expr, $source:expr, $target:expr, ($($args:tt)*) $(; $($fields:tt)*)?) => {{
        static CALLSITE: $crate::__private::Callsite =
            $crate::__private::Callsite::new(::std::module_path!(), $target);
        let source = &$source;
        let level: $crate::Level = $level;
        if $crate::__private::Source::enabled(source, level, &CALLSITE) {
            // `match` keeps the arguments' temporaries alive, and evaluates them before the
            // fields, in the order they are written.
            match ::std::format_args!($($args)*) {
                args => {
                    #[allow(unused_mut)]
                    let mut record = $crate::__private::Source::record(source);
                    $({
                        let fields = record.fields_mut();
                        $crate::__fields!(@literal fields [] $($fields)*);
                    })?
                    $crate::__private::Source::log(source, record, level, args, &CALLSITE);
                }
            }
        } else if level <= $crate::Level::Fatal {
            // Panic and Fatal act even when their records are filtered out.
            $crate::__private::Source::skipped(source, level, ::std::format_args!($($args)*));
        }
    }};
}

/// Adds `key => value` pairs to the `&mut Fields` named by `$fields`, in order.
///
/// A value is `% expr` (its `Display` text), `? expr` (its `Debug` text), a literal (a
/// string literal is kept without a copy) or any expression, taken by reference through
/// [`ToValue`](crate::ToValue). When every key is a literal, the keys are marked and
/// checked for duplicates at compile time, and appended without lookups when distinct;
/// otherwise each field is inserted as [`Fields::insert`](crate::Fields::insert) does.
#[doc(hidden)]
#[macro_export]
macro_rules! __fields {
    (@literal $fields:ident [$(($key:literal, $value:expr))*]) => {{
        let fields: &mut $crate::Fields = $fields;
        let append = $crate::__private::start_literals(
            fields,
            const { $crate::__private::distinct(&[$($key),*]) },
            $crate::__count!($($key)*),
        );
        // The value expression stands in both branches, so that where a field is
        // appended its value is computed in the room made for it (see `Spare`); only one
        // branch runs.
        $( if append {
            $crate::__private::push_literal(
                $crate::__private::spare(fields),
                $key,
                const { $crate::__private::KeyMark::of($key) },
                $value,
            );
        } else {
            $crate::__private::insert_literal(
                fields,
                $key,
                const { $crate::__private::KeyMark::of($key) },
                $value,
            );
        } )*
    }};
    (@literal $fields:ident [$($done:tt)*] $key:literal => % $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@literal $fields [$($done)* ($key, $crate::__private::Displayed(&$value))] $($($rest)*)?)
    };
    (@literal $fields:ident [$($done:tt)*] $key:literal => ? $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@literal $fields [$($done)* ($key, $crate::__private::Debugged(&$value))] $($($rest)*)?)
    };
    (@literal $fields:ident [$($done:tt)*] $key:literal => $value:literal $(, $($rest:tt)*)?) => {
        $crate::__fields!(@literal $fields [$($done)* ($key, $crate::__private::literal(&$value))] $($($rest)*)?)
    };
    (@literal $fields:ident [$($done:tt)*] $key:literal => $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@literal $fields [$($done)* ($key, $crate::__private::ByRef(&$value))] $($($rest)*)?)
    };
    // A key that is not a literal: every field takes the general path.
    (@literal $fields:ident [$(($key:literal, $value:expr))*] $($rest:tt)+) => {
        $crate::__fields!(@any $fields [$(($key, $value))*] $($rest)+)
    };
    (@any $fields:ident [$(($key:expr, $value:expr))*]) => {{
        let fields: &mut $crate::Fields = $fields;
        $( fields.insert($key, $crate::__private::FieldValue::into_value($value)); )*
    }};
    (@any $fields:ident [$($done:tt)*] $key:expr => % $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@any $fields [$($done)* ($key, $crate::__private::Displayed(&$value))] $($($rest)*)?)
    };
    (@any $fields:ident [$($done:tt)*] $key:expr => ? $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@any $fields [$($done)* ($key, $crate::__private::Debugged(&$value))] $($($rest)*)?)
    };
    (@any $fields:ident [$($done:tt)*] $key:expr => $value:expr $(, $($rest:tt)*)?) => {
        $crate::__fields!(@any $fields [$($done)* ($key, $crate::__private::ByRef(&$value))] $($($rest)*)?)
    };
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
/// let elapsed = std::time::Duration::from_millis(12);
/// hooklog::info!(request, "handled"; "status" => 200, "took" => elapsed, "peer" => %"10.0.0.7");
/// assert_eq!(out.contents(), b"level=info msg=handled request_id=r-1 status=200 took=12ms peer=10.0.0.7\n");
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
/// let err = std::io::Error::other("disk full");
/// hooklog::error!("upload failed"; "attempt" => 3, "error" => %err);
/// ```
#[macro_export]
macro_rules! error {
    ($($rest:tt)+) => { $crate::log!($crate::Level::Error, $($rest)+) };
}

/// What the macros need; not part of the public API.
#[doc(hidden)]
pub mod __private {
    use std::fmt;
    use std::panic::Location;

    use crate::entry::Entry;
    use crate::fields::{Fields, Slot};
    use crate::level::Level;
    use crate::logger::Logger;
    use crate::pool::{self, Pooled};
    use crate::value::{SharedStr, ToValue, Value};

    pub use crate::caller::Callsite;
    pub use crate::fields::{KeyMark, Spare};
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

    /// Room for the next field of a record whose literal keys are distinct and new.
    #[inline(always)]
    pub fn spare(fields: &mut Fields) -> Spare<'_> {
        fields.spare()
    }

    /// Appends a field with a literal key and its mark into the room `spare`, its value
    /// made there.
    #[inline(always)]
    pub fn push_literal(
        spare: Spare<'_>,
        key: &'static str,
        mark: KeyMark,
        value: impl FieldValue,
    ) {
        value.push_to(spare, key, mark);
    }

    /// Adds a field with a literal key and its mark as [`Fields::insert`] does.
    #[inline(always)]
    pub fn insert_literal(
        fields: &mut Fields,
        key: &'static str,
        mark: KeyMark,
        value: impl FieldValue,
    ) {
        fields.insert_slot(Slot::new_static(key, mark, value.into_value()));
    }

    /// A field value as a macro holds it: made (in place, where it can be) only once the
    /// field has a place in the record.
    pub trait FieldValue {
        /// The value.
        fn into_value(self) -> Value;
        /// Appends the field `key` with this value into the room `spare`.
        fn push_to(self, spare: Spare<'_>, key: &'static str, mark: KeyMark);
    }

    impl FieldValue for Value {
        #[inline(always)]
        fn into_value(self) -> Value {
            self
        }

        #[inline(always)]
        fn push_to(self, spare: Spare<'_>, key: &'static str, mark: KeyMark) {
            spare.push(key, mark, self);
        }
    }

    /// A field value given as `%expr`: its `Display` text.
    pub struct Displayed<'a, T: ?Sized>(pub &'a T);

    impl<T: fmt::Display + ?Sized> FieldValue for Displayed<'_, T> {
        #[inline(always)]
        fn into_value(self) -> Value {
            Value::display(self.0)
        }

        #[inline(always)]
        fn push_to(self, spare: Spare<'_>, key: &'static str, mark: KeyMark) {
            spare.push_written(key, mark, format_args!("{}", self.0), "<Display failed>");
        }
    }

    /// A field value given as `?expr`: its `Debug` text.
    pub struct Debugged<'a, T: ?Sized>(pub &'a T);

    impl<T: fmt::Debug + ?Sized> FieldValue for Debugged<'_, T> {
        #[inline(always)]
        fn into_value(self) -> Value {
            Value::debug(self.0)
        }

        #[inline(always)]
        fn push_to(self, spare: Spare<'_>, key: &'static str, mark: KeyMark) {
            spare.push_written(key, mark, format_args!("{:?}", self.0), "<Debug failed>");
        }
    }

    /// A field value given by reference, through [`ToValue`].
    pub struct ByRef<'a, T: ?Sized>(pub &'a T);

    impl<T: ToValue + ?Sized> FieldValue for ByRef<'_, T> {
        #[inline(always)]
        fn into_value(self) -> Value {
            self.0.to_value()
        }

        #[inline(always)]
        fn push_to(self, spare: Spare<'_>, key: &'static str, mark: KeyMark) {
            match self.0.text() {
                Some(text) => spare.push_text(key, mark, text),
                None => {
                    spare.push(key, mark, self.0.to_value());
                }
            }
        }
    }

    /// The value of a field given as a literal: a string literal is kept without a copy.
    #[inline(always)]
    pub fn literal<T: Literal + ?Sized>(value: &'static T) -> Value {
        value.literal_value()
    }

    /// A literal a macro can take as a field value.
    pub trait Literal {
        /// The value, knowing it lives for the whole program.
        fn literal_value(&'static self) -> Value;
    }

    impl Literal for &'static str {
        #[inline(always)]
        fn literal_value(&'static self) -> Value {
            Value::Str(SharedStr::from_static(self))
        }
    }

    /// Literals whose value is what [`ToValue`] makes of them.
    macro_rules! by_value {
        ($($t:ty),*) => {$(
            impl Literal for $t {
                #[inline(always)]
                fn literal_value(&'static self) -> Value {
                    self.to_value()
                }
            }
        )*};
    }

    by_value!(
        bool, char, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64
    );

    /// The storage of one record a macro logs: its fields, before the logger takes it.
    pub struct Record(Pooled);

    impl Record {
        /// The record's fields, for the macro's own.
        #[inline]
        pub fn fields_mut(&mut self) -> &mut Fields {
            &mut self.0.fields
        }
    }

    /// A logger or an entry that the macros can log through.
    pub trait Source {
        /// Whether a record at `level` from `callsite` would be logged.
        fn enabled(&self, level: Level, callsite: &'static Callsite) -> bool;
        /// A record to log: empty for a logger, with the entry's fields for an entry.
        fn record(&self) -> Record;
        /// Logs `record`, found enabled at `callsite`, with the message `args`.
        #[track_caller]
        fn log(
            &self,
            record: Record,
            level: Level,
            args: fmt::Arguments<'_>,
            callsite: &'static Callsite,
        );
        /// What a disabled call at `Panic` or `Fatal` still does: panic, exit.
        fn skipped(&self, level: Level, args: fmt::Arguments<'_>);
        /// A context entry: empty for a logger, a copy for an entry.
        fn entry(&self) -> Entry;
    }

    impl Source for Logger {
        #[inline]
        fn enabled(&self, level: Level, callsite: &'static Callsite) -> bool {
            self.enabled_at(level, callsite)
        }

        #[inline]
        fn record(&self) -> Record {
            Record(pool::take())
        }

        #[inline]
        #[track_caller]
        fn log(
            &self,
            record: Record,
            level: Level,
            args: fmt::Arguments<'_>,
            callsite: &'static Callsite,
        ) {
            self.log_at(record.0, level, args, callsite, Location::caller());
        }

        fn skipped(&self, level: Level, args: fmt::Arguments<'_>) {
            Logger::skipped(self, level, args);
        }

        fn entry(&self) -> Entry {
            Logger::entry(self)
        }
    }

    impl Source for Entry {
        fn enabled(&self, level: Level, callsite: &'static Callsite) -> bool {
            self.logger_or_global().enabled(level, Some(callsite))
        }

        fn record(&self) -> Record {
            Record(self.record_data())
        }

        #[track_caller]
        fn log(
            &self,
            record: Record,
            level: Level,
            args: fmt::Arguments<'_>,
            callsite: &'static Callsite,
        ) {
            let location = Location::caller();
            self.logger_or_global()
                .log(record.0, level, args, Some(callsite), location);
        }

        fn skipped(&self, level: Level, args: fmt::Arguments<'_>) {
            self.logger_or_global().skipped(level, args);
        }

        fn entry(&self) -> Entry {
            self.clone()
        }
    }

    impl<T: Source + ?Sized> Source for &T {
        #[inline]
        fn enabled(&self, level: Level, callsite: &'static Callsite) -> bool {
            (**self).enabled(level, callsite)
        }

        #[inline]
        fn record(&self) -> Record {
            (**self).record()
        }

        #[inline]
        #[track_caller]
        fn log(
            &self,
            record: Record,
            level: Level,
            args: fmt::Arguments<'_>,
            callsite: &'static Callsite,
        ) {
            (**self).log(record, level, args, callsite);
        }

        fn skipped(&self, level: Level, args: fmt::Arguments<'_>) {
            (**self).skipped(level, args);
        }

        fn entry(&self) -> Entry {
            (**self).entry()
        }
    }
}
