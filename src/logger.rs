//! `Logger`: level, out, formatter, hooks and exit func, shared by every clone.

use std::any::Any;
use std::fmt;
use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;

use crate::callsite::Callsite;
use crate::entry::{Caller, Entry};
use crate::error::{Error, report, report_limited};
use crate::exit;
use crate::fields::{Fields, Key};
use crate::filter::Filter;
use crate::formatter::{Formatter, JsonFormatter, TextFormatter};
use crate::hook::{self, Hook, LevelHooks, Registered};
use crate::level::Level;
use crate::pool::{self, Pooled};
use crate::sampler::Sampler;
use crate::value::{SharedStr, Value};

/// A logger: a level, an out, a formatter, per-level hooks, a report-caller switch and an
/// exit func.
///
/// `Logger` is a shared handle: clones log to the same place, and every setter takes
/// `&self` and is seen by the next record on every thread. A record goes through four
/// steps: the level check (one atomic load; a disabled record costs nothing more), the
/// hooks registered for its level, the formatter (into a pooled buffer, outside any lock),
/// and one `write_all` to the out under the out's lock, so concurrent records never
/// interleave.
///
/// ```
/// use hooklog::{JsonFormatter, Level, Logger, MemoryOut};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder()
///     .level(Level::Debug)
///     .formatter(JsonFormatter::new().disable_timestamp(true))
///     .out(out.clone())
///     .build();
/// logger.with_field("user", "alice").debug("signed in");
/// assert_eq!(out.contents(), b"{\"level\":\"debug\",\"msg\":\"signed in\",\"user\":\"alice\"}\n");
/// ```
#[derive(Clone)]
pub struct Logger {
    shared: Arc<Shared>,
}

/// The state every clone of a logger shares.
pub(crate) struct Shared {
    /// One more than the most verbose level the filter keeps for any target (0: none), so
    /// the first check of every record is one load and one compare.
    enabled_below: AtomicU8,
    /// What a call site's cached answer for its target is checked against: a tag naming
    /// this logger (bits 32..64), the filter's generation (bits 8..32), and whether any
    /// target has a level of its own (bit 0; without one, no call site needs asking).
    filter_key: AtomicU64,
    report_caller: AtomicBool,
    out_is_terminal: AtomicBool,
    /// Whether there is an out: without one, records only reach the hooks and nothing is
    /// formatted.
    has_out: AtomicBool,
    settings: ArcSwap<Settings>,
    /// The out, behind the lock every record's `write_all` takes.
    out: Mutex<Option<Box<dyn Write + Send>>>,
}

/// What changes rarely and is read on every record: swapped whole, read without a lock.
#[derive(Clone)]
struct Settings {
    filter: Arc<Filter>,
    formatter: Arc<dyn Formatter>,
    hooks: LevelHooks,
    exit_func: Arc<dyn Fn(i32) + Send + Sync>,
    sampler: Option<Arc<Sampler>>,
}

/// How long an exit path waits for an out held by another thread before giving up on it.
const EXIT_LOCK_WAIT: Duration = Duration::from_secs(2);

impl Logger {
    /// A logger writing text to stderr at [`Level::Info`], with no hooks.
    pub fn new() -> Logger {
        Logger::builder().build()
    }

    /// A builder for a logger; see [`LoggerBuilder`] for the defaults.
    pub fn builder() -> LoggerBuilder {
        LoggerBuilder::new()
    }

    /// Sets the level: the filter's default, for every target no directive of the
    /// [`Filter`] names; records less severe are discarded. Takes effect for the next
    /// record on every thread.
    pub fn set_level(&self, level: Level) {
        self.update_settings(|settings| {
            settings.filter = Arc::new(Filter::clone(&settings.filter).with_default(Some(level)));
        });
        self.filter_changed();
    }

    /// The level: the filter's default ([`Level::Panic`] if the default is off).
    pub fn level(&self) -> Level {
        self.shared
            .settings
            .load()
            .filter
            .default_level()
            .unwrap_or(Level::Panic)
    }

    /// Replaces the filter: levels per target. Takes effect for the next record on every
    /// thread (call sites drop their cached answers).
    ///
    /// ```
    /// let logger = hooklog::Logger::new();
    /// logger.set_filter("info,hyper=warn".parse().unwrap());
    /// assert!(logger.is_enabled_for(hooklog::Level::Info, "my_app"));
    /// assert!(!logger.is_enabled_for(hooklog::Level::Info, "hyper::client"));
    /// ```
    pub fn set_filter(&self, filter: Filter) {
        let filter = Arc::new(filter);
        self.update_settings(|settings| settings.filter = Arc::clone(&filter));
        self.filter_changed();
    }

    /// The filter.
    pub fn filter(&self) -> Filter {
        Filter::clone(&self.shared.settings.load().filter)
    }

    /// Whether a record at `level` could be logged, from some target: one atomic load.
    /// With per-target directives in the filter, [`is_enabled_for`](Logger::is_enabled_for)
    /// gives the answer for one target.
    #[inline]
    pub fn is_level_enabled(&self, level: Level) -> bool {
        (level as u8) < self.shared.enabled_below.load(Ordering::Relaxed)
    }

    /// Whether a record at `level` from `target` would be logged.
    pub fn is_enabled_for(&self, level: Level, target: &str) -> bool {
        self.is_level_enabled(level) && self.shared.settings.load().filter.enabled(level, target)
    }

    /// Whether a record at `level` passes the filter for `callsite`'s target (the level
    /// was found enabled for some target). Most loggers have no per-target directives:
    /// one load. Otherwise the call site's cached answer, checked against the filter's
    /// generation.
    #[doc(hidden)]
    #[inline]
    pub fn __target_allows(&self, callsite: &Callsite, level: Level) -> bool {
        let key = self.shared.filter_key.load(Ordering::Acquire);
        key & 1 == 0 || callsite.allows(self, key, level)
    }

    /// The most verbose level the filter keeps from `target`.
    pub(crate) fn level_for(&self, target: &str) -> Option<Level> {
        self.shared.settings.load().filter.level_for(target)
    }

    /// The filter's answer for records without a target (methods, entries): its default.
    fn untargeted_allows(&self, level: Level) -> bool {
        self.shared.filter_key.load(Ordering::Relaxed) & 1 == 0
            || self.shared.settings.load().filter.enabled(level, "")
    }

    /// Recomputes what the level checks read from the filter now in the settings.
    fn filter_changed(&self) {
        let filter = Arc::clone(&self.shared.settings.load().filter);
        let ceiling = filter.ceiling();
        self.shared.enabled_below.store(
            ceiling.map_or(0, |level| level as u8 + 1),
            Ordering::Relaxed,
        );
        let old = self.shared.filter_key.load(Ordering::Relaxed);
        let generation = ((old >> 8) + 1) & 0xff_ffff;
        let key = (old & !0xffff_ffff) | generation << 8 | u64::from(filter.has_targets());
        self.shared.filter_key.store(key, Ordering::Release);
        #[cfg(feature = "log")]
        crate::bridge::level_changed(self, ceiling);
    }

    /// Replaces the formatter.
    pub fn set_formatter(&self, formatter: impl Formatter) {
        let formatter: Arc<dyn Formatter> = Arc::new(formatter);
        self.update_settings(|settings| settings.formatter = Arc::clone(&formatter));
    }

    /// Replaces the out. Whether it is a terminal (for the text formatter's colours) is
    /// decided here: stdout, stderr and files are checked, any other writer is not one.
    pub fn set_out(&self, out: impl Write + Send + 'static) {
        let is_terminal = is_terminal(&out);
        let old = self.lock_out().replace(Box::new(out));
        self.shared
            .out_is_terminal
            .store(is_terminal, Ordering::Relaxed);
        self.shared.has_out.store(true, Ordering::Relaxed);
        flush_replaced_out(old);
    }

    /// Removes the out: from now on records only reach the hooks, and nothing is
    /// formatted, for a logger whose outputs are all hooks (as a group or configured
    /// logger's are) rather than formatting every record into `io::sink()`.
    pub fn remove_out(&self) {
        self.shared.has_out.store(false, Ordering::Relaxed);
        let old = self.lock_out().take();
        flush_replaced_out(old);
    }

    /// Adds a hook for the levels it names.
    pub fn add_hook(&self, hook: impl Hook) {
        let registered = Registered::new(hook);
        self.update_settings(|settings| settings.hooks.push(Arc::clone(&registered)));
    }

    /// Replaces all hooks, returning the old ones.
    pub fn replace_hooks(&self, hooks: LevelHooks) -> LevelHooks {
        let old = self.update_settings(|settings| settings.hooks = hooks.clone());
        old.hooks.clone()
    }

    /// Turns reporting of the caller (`func`, `file`) on or off.
    pub fn set_report_caller(&self, report_caller: bool) {
        self.shared
            .report_caller
            .store(report_caller, Ordering::Relaxed);
    }

    /// Whether records carry their caller.
    pub fn report_caller(&self) -> bool {
        self.shared.report_caller.load(Ordering::Relaxed)
    }

    /// Replaces the exit func, which [`exit`](Logger::exit) and `fatal` call last
    /// (default: `std::process::exit`). Tests set one that records the code.
    pub fn set_exit_func(&self, exit_func: impl Fn(i32) + Send + Sync + 'static) {
        let exit_func: Arc<dyn Fn(i32) + Send + Sync> = Arc::new(exit_func);
        self.update_settings(|settings| settings.exit_func = Arc::clone(&exit_func));
    }

    /// Samples records with `sampler` from now on (`None` keeps every record).
    pub fn set_sampler(&self, sampler: Option<Arc<Sampler>>) {
        self.update_settings(|settings| settings.sampler = sampler.clone());
    }

    /// A logger for development: text to stderr (coloured on a terminal), every level,
    /// callers reported.
    pub fn development() -> Logger {
        Logger::builder()
            .level(Level::Trace)
            .formatter(TextFormatter::new())
            .report_caller(true)
            .build()
    }

    /// A logger for production: JSON to stderr at `Info`.
    pub fn production() -> Logger {
        Logger::builder()
            .level(Level::Info)
            .formatter(JsonFormatter::new())
            .build()
    }

    /// A logger that discards everything at the cost of a level check: only `panic`
    /// passes the check (and still panics), and its record goes nowhere.
    pub fn nop() -> Logger {
        Logger::builder().level(Level::Panic).no_out().build()
    }

    /// An empty entry from the pool.
    pub fn entry(&self) -> Entry {
        Entry::new(self.clone())
    }

    /// An entry with one field.
    pub fn with_field(&self, key: impl Into<Key>, value: impl Into<Value>) -> Entry {
        self.entry().with_field(key, value)
    }

    /// An entry with `fields`.
    pub fn with_fields(&self, fields: Fields) -> Entry {
        self.entry().with_fields(fields)
    }

    /// An entry with the field `"error"` holding `err.to_string()`.
    pub fn with_error(&self, err: &(dyn std::error::Error + 'static)) -> Entry {
        self.entry().with_error(err)
    }

    /// An entry whose records carry `time` instead of the clock's.
    pub fn with_time(&self, time: SystemTime) -> Entry {
        self.entry().with_time(time)
    }

    /// Logs a record at `level` if enabled; at [`Level::Panic`] it then panics with the
    /// message, and at [`Level::Fatal`] it then calls [`exit(1)`](Logger::exit) (whether
    /// or not the level is enabled).
    #[track_caller]
    pub fn log(&self, level: Level, msg: impl fmt::Display) {
        self.log_record(pool::take, level, format_args!("{msg}"), Location::caller());
    }

    level_methods!();

    /// Ends the process the logger's way: runs every registered exit handler (each once,
    /// in registration order), flushes the outs and hooks of every logger, then calls the
    /// exit func with `code`. Returns only if the exit func returns.
    pub fn exit(&self, code: i32) {
        exit::run_exit_handlers();
        exit::flush_all_for_exit();
        let exit_func = Arc::clone(&self.shared.settings.load().exit_func);
        exit_func(code);
        exit::exit_func_returned();
    }

    /// Flushes the out, then every hook; all are flushed even if one fails, and the first
    /// error is returned.
    ///
    /// # Errors
    ///
    /// The first error from the out's `flush` or a hook's [`Hook::flush`].
    pub fn flush(&self) -> Result<(), Error> {
        let out = self
            .lock_out()
            .as_mut()
            .map_or(Ok(()), |out| out.flush())
            .map_err(Error::from);
        let hooks = self.shared.settings.load().hooks.flush();
        out.and(hooks)
    }

    /// Logs the record in `data` at `level` with message `args`: fires the hooks, then
    /// formats and writes it. The caller has checked the level. Returns the storage, which
    /// holds the message.
    pub(crate) fn dispatch(
        &self,
        mut data: Pooled,
        level: Level,
        args: fmt::Arguments<'_>,
        caller: Option<Caller>,
    ) -> Pooled {
        data.message.clear();
        write_message(&mut data.message, args);
        self.dispatch_written(data, level, caller)
    }

    /// [`dispatch`](Logger::dispatch) for a record whose message is written already.
    pub(crate) fn dispatch_written(
        &self,
        mut data: Pooled,
        level: Level,
        caller: Option<Caller>,
    ) -> Pooled {
        let shared = &*self.shared;
        data.level = level;
        data.time = data.fixed_time.unwrap_or_else(SystemTime::now);
        data.caller = shared
            .report_caller
            .load(Ordering::Relaxed)
            .then_some(caller)
            .flatten();

        let settings = shared.settings.load();
        if let Some(sampler) = &settings.sampler
            && !sampler.keep(level, &data.message, data.time)
        {
            return data;
        }
        let formats = shared.has_out.load(Ordering::Relaxed);
        let mut buf = std::mem::take(&mut data.buf);
        if settings.hooks.has_level(level) && !hook::in_hook_of(self.id()) {
            let mut entry = Entry::from_parts(self.clone(), data);
            settings.hooks.fire_contained(level, &mut entry);
            if formats {
                self.write(&*settings.formatter, &entry, &mut buf);
            }
            data = entry.into_parts().1;
        } else if formats {
            let entry = Entry::from_parts(self.clone(), data);
            self.write(&*settings.formatter, &entry, &mut buf);
            data = entry.into_parts().1;
        }
        data.buf = buf;
        data
    }

    /// Formats `entry` into `buf` and writes it to the out in one `write_all`.
    fn write(&self, formatter: &dyn Formatter, entry: &Entry, buf: &mut Vec<u8>) {
        buf.clear();
        match formatter.format(entry, buf) {
            Ok(()) => {
                let written = self.lock_out().as_mut().map(|out| out.write_all(buf));
                if let Some(Err(e)) = written {
                    report_limited(
                        ("out", ""),
                        format_args!("failed to write a record to the out: {e}"),
                    );
                }
            }
            Err(e) => report_limited(
                ("format", ""),
                format_args!("failed to format a record: {e}"),
            ),
        }
    }

    /// Logs a record the macros built at `callsite`; their path. The caller has checked
    /// the level and the target.
    #[doc(hidden)]
    #[track_caller]
    #[inline]
    pub fn __log_record(
        &self,
        record: crate::macros::__private::Record,
        level: Level,
        args: fmt::Arguments<'_>,
        callsite: &'static Callsite,
    ) {
        self.__log_at(record, level, args, callsite, Location::caller());
    }

    /// [`__log_record`](Logger::__log_record) with the caller's location given.
    #[doc(hidden)]
    pub fn __log_at(
        &self,
        record: crate::macros::__private::Record,
        level: Level,
        args: fmt::Arguments<'_>,
        callsite: &'static Callsite,
        location: &'static Location<'static>,
    ) {
        let mut data = record.into_data();
        data.target = Some(SharedStr::from_static(callsite.target()));
        let caller = Caller::new(location, Some(callsite.module()));
        let data = self.dispatch(data, level, args, Some(caller));
        self.after_record(level, &data.message);
    }

    /// What a call at a disabled `level` still does: `fatal` exits all the same.
    #[doc(hidden)]
    #[inline]
    pub fn __skipped(&self, level: Level) {
        if level == Level::Fatal {
            self.exit(1);
        }
    }

    /// Logs a record without a target at `level` if enabled, its storage made by `record`
    /// (an empty one, or an entry's copy), then panics or exits as the level asks.
    pub(crate) fn log_record(
        &self,
        record: impl FnOnce() -> Pooled,
        level: Level,
        args: fmt::Arguments<'_>,
        location: &'static Location<'static>,
    ) {
        if self.is_level_enabled(level) && self.untargeted_allows(level) {
            let caller = Caller::new(location, None);
            let data = self.dispatch(record(), level, args, Some(caller));
            self.after_record(level, &data.message);
        } else {
            // `Panic` is always enabled: only `fatal` has something left to do.
            self.__skipped(level);
        }
    }

    /// A record at `level` from `target` for a bridge from another logging framework to
    /// fill and log, or `None` if the filter drops it (then `target` is never turned into
    /// a [`Key`]). See [`RecordBuilder`].
    pub fn build_record(
        &self,
        level: Level,
        target: impl AsRef<str> + Into<Key>,
    ) -> Option<RecordBuilder<'_>> {
        if !self.is_enabled_for(level, target.as_ref()) {
            return None;
        }
        let mut data = pool::take();
        data.target = Some(target.into());
        Some(RecordBuilder {
            logger: self,
            level,
            data,
            caller: None,
        })
    }

    /// After a record at `level` was logged: panics at `Panic`, exits at `Fatal`.
    fn after_record(&self, level: Level, message: &str) {
        match level {
            Level::Panic => panic!("{message}"),
            Level::Fatal => self.exit(1),
            _ => {}
        }
    }

    /// What tells this logger (and its clones) apart from other loggers.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.shared) as usize
    }

    pub(crate) fn downgrade(&self) -> Weak<Shared> {
        Arc::downgrade(&self.shared)
    }

    /// The logger behind `weak`, if it still lives.
    pub(crate) fn upgrade(weak: &Weak<Shared>) -> Option<Logger> {
        weak.upgrade().map(|shared| Logger { shared })
    }

    /// Whether the out is a terminal; the text formatter colours only then (by default).
    pub(crate) fn out_is_terminal(&self) -> bool {
        self.shared.out_is_terminal.load(Ordering::Relaxed)
    }

    fn lock_out(&self) -> MutexGuard<'_, Option<Box<dyn Write + Send>>> {
        self.shared
            .out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies `change` to a copy of the settings and swaps it in; returns the old ones.
    fn update_settings(&self, mut change: impl FnMut(&mut Settings)) -> Arc<Settings> {
        self.shared.settings.rcu(|current| {
            let mut next = Settings::clone(current);
            change(&mut next);
            next
        })
    }
}

impl Shared {
    /// Flushes the out (waiting a bounded time for a thread that holds it) and, if `hooks`,
    /// the hooks; reports failures on stderr.
    pub(crate) fn flush_at_exit(&self, hooks: bool) {
        match exit::lock_within(&self.out, EXIT_LOCK_WAIT) {
            Some(mut out) => {
                if let Some(Err(e)) = out.as_mut().map(|out| out.flush()) {
                    report(format_args!("failed to flush the out: {e}"));
                }
            }
            None => report(format_args!(
                "the out stayed locked for {EXIT_LOCK_WAIT:?} at exit; not flushed"
            )),
        }
        if hooks {
            self.settings.load().hooks.flush_reporting();
        }
    }
}

impl Drop for Shared {
    /// The last handle is gone: deliver what the out and hooks still hold.
    fn drop(&mut self) {
        let out = self.out.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(Err(e)) = out.as_mut().map(|out| out.flush()) {
            report(format_args!("failed to flush the out: {e}"));
        }
        self.settings.load().hooks.flush_reporting();
    }
}

impl PartialEq for Logger {
    /// Two handles are equal when they are clones of one logger.
    fn eq(&self, other: &Logger) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl Eq for Logger {}

impl Default for Logger {
    fn default() -> Logger {
        Logger::new()
    }
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger")
            .field("level", &self.level())
            .field("report_caller", &self.report_caller())
            .field("hooks", &self.shared.settings.load().hooks)
            .finish_non_exhaustive()
    }
}

/// A record a bridge fills from another framework's event and then logs, as the `log`
/// and `tracing` bridges do: made by [`Logger::build_record`] once the level and target
/// passed the filter, with pooled storage (filling it allocates nothing once warm).
///
/// ```
/// use hooklog::{Level, Logger, MemoryOut};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).formatter(hooklog::TextFormatter::new().disable_timestamp(true).report_target(true)).build();
/// if let Some(mut record) = logger.build_record(Level::Warn, "other_framework") {
///     record.fields_mut().insert("attempt", 3);
///     record.message_mut().push_str("retrying");
///     record.log();
/// }
/// assert_eq!(out.contents(), b"level=warning msg=retrying target=other_framework attempt=3\n");
/// ```
#[must_use = "a built record is logged by `log`"]
pub struct RecordBuilder<'a> {
    logger: &'a Logger,
    level: Level,
    data: Pooled,
    caller: Option<Caller>,
}

impl RecordBuilder<'_> {
    /// The record's fields.
    pub fn fields_mut(&mut self) -> &mut Fields {
        &mut self.data.fields
    }

    /// The record's message, empty to start with.
    pub fn message_mut(&mut self) -> &mut String {
        &mut self.data.message
    }

    /// Where the record was logged, reported when the logger reports callers.
    pub fn caller(mut self, caller: Caller) -> Self {
        self.caller = Some(caller);
        self
    }

    /// Logs the record: hooks, formatter, out. At [`Level::Panic`] it then panics, at
    /// [`Level::Fatal`] it exits, as every record does.
    pub fn log(self) {
        let data = self
            .logger
            .dispatch_written(self.data, self.level, self.caller);
        self.logger.after_record(self.level, &data.message);
    }
}

impl fmt::Debug for RecordBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordBuilder")
            .field("level", &self.level)
            .field("target", &self.data.target)
            .field("fields", &self.data.fields)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Logger`].
///
/// | setting | default |
/// |---|---|
/// | level | [`Level::Info`] |
/// | formatter | [`TextFormatter::new()`] |
/// | out | stderr ([`no_out`](LoggerBuilder::no_out): none, hooks only) |
/// | hooks | none |
/// | report caller | off |
/// | exit func | `std::process::exit` |
/// | sampler | none |
///
/// ```
/// use hooklog::{JsonFormatter, Level, Logger};
///
/// let logger = Logger::builder()
///     .level(Level::Warn)
///     .formatter(JsonFormatter::new())
///     .out(std::io::stdout())
///     .report_caller(true)
///     .build();
/// assert!(!logger.is_level_enabled(Level::Info));
/// ```
#[must_use]
pub struct LoggerBuilder {
    filter: Filter,
    formatter: Arc<dyn Formatter>,
    out: Option<Box<dyn Write + Send>>,
    out_is_terminal: bool,
    hooks: LevelHooks,
    report_caller: bool,
    exit_func: Arc<dyn Fn(i32) + Send + Sync>,
    sampler: Option<Arc<Sampler>>,
}

impl LoggerBuilder {
    fn new() -> LoggerBuilder {
        LoggerBuilder {
            filter: Filter::default(),
            formatter: Arc::new(TextFormatter::new()),
            out: Some(Box::new(io::stderr())),
            out_is_terminal: io::stderr().is_terminal(),
            hooks: LevelHooks::new(),
            report_caller: false,
            exit_func: Arc::new(|code| std::process::exit(code)),
            sampler: None,
        }
    }

    /// Samples records with `sampler`.
    pub fn sampler(mut self, sampler: Arc<Sampler>) -> LoggerBuilder {
        self.sampler = Some(sampler);
        self
    }

    /// The level: the filter's default, for every target no directive names.
    pub fn level(mut self, level: Level) -> LoggerBuilder {
        self.filter = self.filter.with_default(Some(level));
        self
    }

    /// The filter: levels per target (replaces the level set so far).
    pub fn filter(mut self, filter: Filter) -> LoggerBuilder {
        self.filter = filter;
        self
    }

    /// The formatter.
    pub fn formatter(mut self, formatter: impl Formatter) -> LoggerBuilder {
        self.formatter = Arc::new(formatter);
        self
    }

    /// The out.
    pub fn out(mut self, out: impl Write + Send + 'static) -> LoggerBuilder {
        self.out_is_terminal = is_terminal(&out);
        self.out = Some(Box::new(out));
        self
    }

    /// No out: records only reach the hooks, and nothing is formatted (see
    /// [`Logger::remove_out`]).
    pub fn no_out(mut self) -> LoggerBuilder {
        self.out_is_terminal = false;
        self.out = None;
        self
    }

    /// Adds a hook.
    pub fn hook(mut self, hook: impl Hook) -> LoggerBuilder {
        self.hooks.add(hook);
        self
    }

    /// Replaces the hooks added so far with `hooks`.
    pub fn hooks(mut self, hooks: LevelHooks) -> LoggerBuilder {
        self.hooks = hooks;
        self
    }

    /// Whether records carry their caller.
    pub fn report_caller(mut self, report_caller: bool) -> LoggerBuilder {
        self.report_caller = report_caller;
        self
    }

    /// The exit func.
    pub fn exit_func(mut self, exit_func: impl Fn(i32) + Send + Sync + 'static) -> LoggerBuilder {
        self.exit_func = Arc::new(exit_func);
        self
    }

    /// The logger. It is registered so that every exit path the crate covers flushes it.
    pub fn build(self) -> Logger {
        // Tags tell loggers apart in the call sites' caches; 0 is never one.
        static TAGS: AtomicU32 = AtomicU32::new(1);
        let tag = u64::from(TAGS.fetch_add(1, Ordering::Relaxed));
        let shared = Arc::new(Shared {
            enabled_below: AtomicU8::new(0),
            filter_key: AtomicU64::new(tag << 32),
            report_caller: AtomicBool::new(self.report_caller),
            out_is_terminal: AtomicBool::new(self.out_is_terminal),
            has_out: AtomicBool::new(self.out.is_some()),
            settings: ArcSwap::from_pointee(Settings {
                filter: Arc::new(self.filter),
                formatter: self.formatter,
                hooks: self.hooks,
                exit_func: self.exit_func,
                sampler: self.sampler,
            }),
            out: Mutex::new(self.out),
        });
        exit::register(&shared);
        let logger = Logger { shared };
        logger.filter_changed();
        logger
    }
}

impl fmt::Debug for LoggerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoggerBuilder")
            .field("filter", &self.filter.to_string())
            .field("hooks", &self.hooks)
            .field("report_caller", &self.report_caller)
            .finish_non_exhaustive()
    }
}

/// Whether `out` is a terminal: stdout, stderr and files are asked, other writers are not
/// terminals.
fn is_terminal<W: Write + 'static>(out: &W) -> bool {
    let out = out as &dyn Any;
    if let Some(stderr) = out.downcast_ref::<io::Stderr>() {
        stderr.is_terminal()
    } else if let Some(stdout) = out.downcast_ref::<io::Stdout>() {
        stdout.is_terminal()
    } else if let Some(file) = out.downcast_ref::<File>() {
        file.is_terminal()
    } else {
        false
    }
}

/// Writes a record's message (`args`) into `message`; a `Display` that fails leaves a
/// note saying so.
#[inline]
pub(crate) fn write_message(message: &mut String, args: fmt::Arguments<'_>) {
    if fmt::Write::write_fmt(message, args).is_err() {
        message.push_str("<message Display failed>");
    }
}

/// Flushes an out that was replaced or removed, reporting a failure.
fn flush_replaced_out(old: Option<Box<dyn Write + Send>>) {
    if let Some(Err(e)) = old.map(|mut old| old.flush()) {
        report(format_args!("failed to flush the replaced out: {e}"));
    }
}

#[cfg(test)]
mod tests {
    //! The record path's unsafe code (slots cleared and copied bitwise, pooled and inline
    //! strings, fixed-size appends, the SSE2 scan), exercised so that `scripts/test` can
    //! run it under valgrind's memcheck.

    use super::*;
    use crate::out::MemoryOut;

    #[test]
    fn records_through_every_path_free_what_they_hold() {
        let out = MemoryOut::new();
        let logger = Logger::builder()
            .formatter(JsonFormatter::new().disable_timestamp(true))
            .out(out.clone())
            .build();
        let long = "x".repeat(300);
        // Static keys and values only: copied bitwise into each record.
        let plain = logger.with_field("a", "static").with_field("n", 1);
        // Owned strings, inline and pooled: copied by cloning.
        let owned = logger
            .with_field("short", String::from("inline"))
            .with_field("long", long.as_str());
        for round in 0..3 {
            plain.info("plain");
            owned.info(format_args!("owned {round}"));
            let fresh = Value::display(format_args!("{long}{round}"));
            crate::info!(logger, "macro"; "v" => fresh, "s" => long.as_str());
        }
        // With a hook, records are handed to it as entries of their own.
        logger.add_hook(crate::hook::DefaultFields::new(
            crate::fields! { "h" => long.as_str() },
        ));
        owned.clone().with_field("more", 2).warn("hooked");
        drop((plain, owned));
        let text = String::from_utf8(out.contents()).unwrap();
        assert_eq!(text.lines().count(), 10);
        assert!(
            text.lines()
                .last()
                .unwrap()
                .contains(&format!("\"h\":\"{long}\""))
        );
    }
}
