//! `Logger`: level, out, formatter, hooks and exit func, shared by every clone.

mod builder;
mod entry_logging;
pub(crate) mod global;
mod out;
mod record_builder;

use std::fmt;
use std::io::Write;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Instant, SystemTime};

use arc_swap::ArcSwap;

pub use builder::LoggerBuilder;
use out::Out;
pub use record_builder::RecordBuilder;

use crate::caller::{Caller, Callsite};
use crate::entry::{Dispatch, Entry};
use crate::error::{Error, report, report_limited};
use crate::fields::{Fields, Key};
use crate::filter::Filter;
use crate::formatter::{Formatter, JsonFormatter, TextFormatter};
use crate::hook::{Hook, LevelHooks, Registered, in_hook_of};
use crate::level::Level;
use crate::lifecycle::{self, AtExit, Stage};
use crate::pool::{self, Pooled};
use crate::redact::Redaction;
use crate::sampler::Sampler;
use crate::trace::TraceContext;
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

/// The state every clone of a logger shares. Records only read it (an out that needs the
/// logger's lock has it in its own allocation), so threads logging in parallel share its
/// cache lines without moving them.
pub(crate) struct Shared {
    /// One more than the most verbose level the filter keeps for any target (0: none), so
    /// the first check of every record is one load and one compare.
    enabled_below: AtomicU8,
    /// What a call site's cached answer for its target is checked against: a tag naming
    /// this logger (bits 32..64), the filter's generation (bits 8..32), and whether any
    /// target has a level of its own (bit 0; without one, no call site needs asking).
    filter_key: AtomicU64,
    report_caller: AtomicBool,
    settings: ArcSwap<Settings>,
    /// Taken by every change of the settings, so that the level checks above always
    /// follow the filter stored last.
    changing: Mutex<()>,
}

/// What changes rarely and is read on every record: swapped whole, read without a lock.
#[derive(Clone)]
struct Settings {
    filter: Arc<Filter>,
    formatter: Arc<dyn Formatter>,
    /// Where formatted records go; without an out, records only reach the hooks and
    /// nothing is formatted.
    out: Option<Arc<Out>>,
    hooks: LevelHooks,
    exit_func: Arc<dyn Fn(i32) + Send + Sync>,
    sampler: Option<Arc<Sampler>>,
    /// Secrets replaced before hooks and formatters see the record.
    redaction: Option<Arc<Redaction>>,
}

/// Told when a logger's filter changes: the logger and the most verbose level it now
/// keeps. The `log` bridge listens, to keep `log::max_level()` in step.
pub(crate) type FilterListener = fn(&Logger, Option<Level>);

static FILTER_LISTENER: OnceLock<FilterListener> = OnceLock::new();

/// Makes `listener` hear of every filter change of every logger (once; later calls do
/// nothing).
#[cfg(feature = "log")]
pub(crate) fn listen_to_filters(listener: FilterListener) {
    let _ = FILTER_LISTENER.set(listener);
}

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
        self.change_filter(|filter| filter.clone().with_default(Some(level)));
    }

    /// The level: the filter's default ([`Level::Panic`] if the default is off).
    pub fn level(&self) -> Level {
        self.settings()
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
        self.change_filter(|_| filter);
    }

    /// The filter.
    pub fn filter(&self) -> Filter {
        Filter::clone(&self.settings().filter)
    }

    /// Whether a record at `level` could be logged, from some target: one atomic load.
    /// With per-target directives in the filter, [`is_enabled_for`](Logger::is_enabled_for)
    /// gives the answer for one target.
    #[inline]
    pub fn is_level_enabled(&self, level: Level) -> bool {
        self.shared.is_level_enabled(level)
    }

    /// Whether a record at `level` from `target` would be logged.
    pub fn is_enabled_for(&self, level: Level, target: &str) -> bool {
        self.is_level_enabled(level) && self.settings().filter.enabled(level, target)
    }

    /// Replaces the formatter.
    pub fn set_formatter(&self, formatter: impl Formatter) {
        let formatter: Arc<dyn Formatter> = Arc::new(formatter);
        self.change_settings(|settings| settings.formatter = Arc::clone(&formatter));
    }

    /// Replaces the out. Its [`Destination`](crate::Destination) (a terminal or not, for the text formatter's
    /// colours) is decided here: stdout, stderr and files are asked, any other writer is
    /// not a terminal.
    pub fn set_out(&self, out: impl Write + Send + 'static) {
        let out = Arc::new(Out::new(out));
        let old = self.change_settings(|settings| settings.out = Some(Arc::clone(&out)));
        flush_replaced_out(old.out.as_deref());
    }

    /// Removes the out: from now on records only reach the hooks, and nothing is
    /// formatted, for a logger whose outputs are all hooks (as a group or configured
    /// logger's are) rather than formatting every record into `io::sink()`.
    pub fn remove_out(&self) {
        let old = self.change_settings(|settings| settings.out = None);
        flush_replaced_out(old.out.as_deref());
    }

    /// Adds a hook for the levels it names.
    pub fn add_hook(&self, hook: impl Hook) {
        let registered = Registered::new(hook);
        self.change_settings(|settings| settings.hooks.push(Arc::clone(&registered)));
    }

    /// Replaces all hooks, returning the old ones.
    pub fn replace_hooks(&self, hooks: LevelHooks) -> LevelHooks {
        let old = self.change_settings(|settings| settings.hooks = hooks.clone());
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
        self.change_settings(|settings| settings.exit_func = Arc::clone(&exit_func));
    }

    /// Redacts records as `redaction` says from now on (`None`: no redaction).
    pub fn set_redaction(&self, redaction: Option<Redaction>) {
        let redaction = redaction.map(Arc::new);
        self.change_settings(|settings| settings.redaction = redaction.clone());
    }

    /// Samples records with `sampler` from now on (`None` keeps every record).
    pub fn set_sampler(&self, sampler: Option<Arc<Sampler>>) {
        self.change_settings(|settings| settings.sampler = sampler.clone());
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

    /// A logger that discards everything at the cost of a level check: `panic` still
    /// panics and `fatal` still exits, and their records go nowhere.
    pub fn nop() -> Logger {
        Logger::builder().level(Level::Panic).no_out().build()
    }

    /// An empty entry from the pool.
    pub fn entry(&self) -> Entry {
        Entry::bound(self.shared.clone())
    }

    /// An entry with one field.
    pub fn with_field(&self, key: impl Into<Key>, value: impl Into<Value>) -> Entry {
        self.entry().with_field(key, value)
    }

    /// An entry with `fields`.
    pub fn with_fields(&self, fields: Fields) -> Entry {
        self.entry().with_fields(fields)
    }

    /// An entry with the field `"error"`: the error with its causes; see
    /// [`Entry::with_error`].
    pub fn with_error(&self, err: &(dyn std::error::Error + 'static)) -> Entry {
        self.entry().with_error(err)
    }

    /// An entry whose records carry `time` instead of the clock's.
    pub fn with_time(&self, time: SystemTime) -> Entry {
        self.entry().with_time(time)
    }

    /// An entry whose records are in the trace `context`; see
    /// [`Entry::with_trace_context`].
    pub fn with_trace_context(&self, context: TraceContext) -> Entry {
        self.entry().with_trace_context(context)
    }

    /// Logs a record at `level` if enabled; at [`Level::Panic`] it then panics with the
    /// message and at [`Level::Fatal`] it then calls [`exit(1)`](Logger::exit), whether or
    /// not the level is enabled.
    #[track_caller]
    pub fn log(&self, level: Level, msg: impl fmt::Display) {
        let shared = &*self.shared;
        if shared.enabled(level, None) {
            let args = format_args!("{msg}");
            shared.log(pool::take(), level, args, None, Location::caller());
        } else if level <= Level::Fatal {
            shared.skipped(level, format_args!("{msg}"));
        }
    }

    level_methods!();

    /// Ends the process the logger's way: runs every registered exit handler (each once,
    /// in registration order), flushes the outs and hooks of every logger and persists
    /// every `MemoryOut`, then calls the exit func with `code`. Returns only if the exit
    /// func returns.
    pub fn exit(&self, code: i32) {
        self.shared.exit(code);
    }

    /// Flushes the out, then every hook; all are flushed even if one fails, and the first
    /// error is returned.
    ///
    /// # Errors
    ///
    /// The first error from the out's `flush` or a hook's [`Hook::flush`].
    pub fn flush(&self) -> Result<(), Error> {
        let settings = self.settings();
        let out = settings.out.as_ref().map_or(Ok(()), |out| out.flush());
        let hooks = settings.hooks.flush();
        out.map_err(Error::from).and(hooks)
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
        Some(RecordBuilder::new(&self.shared, level, data))
    }

    /// The logger as entries see it.
    pub(crate) fn dispatch(&self) -> &dyn Dispatch {
        &*self.shared
    }

    /// Whether a record at `level` from `callsite` passes the level and the filter: the
    /// macros' check.
    #[inline]
    pub(crate) fn enabled_at(&self, level: Level, callsite: &'static Callsite) -> bool {
        self.shared.enabled(level, Some(callsite))
    }

    /// Logs a record a macro built at `callsite`, found enabled there.
    #[inline]
    pub(crate) fn log_at(
        &self,
        data: Pooled,
        level: Level,
        args: fmt::Arguments<'_>,
        callsite: &'static Callsite,
        location: &'static Location<'static>,
    ) {
        self.shared.log(data, level, args, Some(callsite), location);
    }

    /// What a call at a disabled `level` still does: see [`Dispatch::skipped`].
    #[cold]
    pub(crate) fn skipped(&self, level: Level, args: fmt::Arguments<'_>) {
        self.shared.skipped(level, args);
    }

    fn settings(&self) -> arc_swap::Guard<Arc<Settings>> {
        self.shared.settings.load()
    }

    /// Applies `change` to a copy of the settings and swaps it in; returns the old ones.
    fn change_settings(&self, change: impl FnOnce(&mut Settings)) -> Arc<Settings> {
        let _changing = lock(&self.shared.changing);
        self.swap_settings(change)
    }

    /// [`change_settings`](Logger::change_settings) under the lock the caller holds.
    fn swap_settings(&self, change: impl FnOnce(&mut Settings)) -> Arc<Settings> {
        let mut next = Settings::clone(&self.shared.settings.load());
        change(&mut next);
        self.shared.settings.swap(Arc::new(next))
    }

    /// Replaces the filter with what `change` makes of it, and what the level checks read
    /// with it, as one change.
    fn change_filter(&self, change: impl FnOnce(&Filter) -> Filter) {
        let _changing = lock(&self.shared.changing);
        let filter = Arc::new(change(&self.settings().filter));
        self.swap_settings(|settings| settings.filter = Arc::clone(&filter));
        self.shared.filter_changed(&filter);
        if let Some(listener) = FILTER_LISTENER.get() {
            listener(self, filter.ceiling());
        }
    }

    /// The logger made from `builder`'s settings, registered with the exit paths.
    fn from_parts(shared: Shared) -> Logger {
        let shared = Arc::new(shared);
        lifecycle::register(Stage::Loggers, &shared);
        let logger = Logger { shared };
        logger.change_filter(Filter::clone);
        logger
    }
}

impl Shared {
    #[inline]
    fn is_level_enabled(&self, level: Level) -> bool {
        (level as u8) < self.enabled_below.load(Ordering::Relaxed)
    }

    /// Whether a record at `level` from `callsite` (`None`: no target; the filter's
    /// default decides) passes the filter. Most loggers have no per-target directives:
    /// one load. Otherwise the call site's cached answer, checked against the filter's
    /// generation.
    #[inline]
    fn target_allows(&self, level: Level, callsite: Option<&'static Callsite>) -> bool {
        let key = self.filter_key.load(Ordering::Acquire);
        if key & 1 == 0 {
            return true;
        }
        match callsite {
            Some(callsite) => callsite.allows(key, level, |target| {
                self.settings.load().filter.level_for(target)
            }),
            None => self.settings.load().filter.enabled(level, ""),
        }
    }

    /// Recomputes what the level checks read from `filter`, the filter now stored.
    fn filter_changed(&self, filter: &Filter) {
        let ceiling = filter.ceiling();
        self.enabled_below.store(
            ceiling.map_or(0, |level| level as u8 + 1),
            Ordering::Relaxed,
        );
        let old = self.filter_key.load(Ordering::Relaxed);
        let generation = ((old >> 8) + 1) & 0xff_ffff;
        let key = (old & !0xffff_ffff) | generation << 8 | u64::from(filter.has_targets());
        self.filter_key.store(key, Ordering::Release);
    }

    /// Logs the record in `data` at `level`, whose message is written already: fires the
    /// hooks, then formats and writes it. The caller has checked the level. Returns the
    /// storage.
    fn dispatch(&self, mut data: Pooled, level: Level, caller: Option<Caller>) -> Pooled {
        data.level = level;
        data.time = data.fixed_time.unwrap_or_else(SystemTime::now);
        data.caller = self
            .report_caller
            .load(Ordering::Relaxed)
            .then_some(caller)
            .flatten();
        let settings = self.settings.load();
        if let Some(sampler) = &settings.sampler
            && !sampler.keep(level, &data.message, data.time)
        {
            return data;
        }
        let mut buf = std::mem::take(&mut data.buf);
        let mut record = Entry::record(data);
        if let Some(redaction) = &settings.redaction {
            redaction.apply(&mut record);
        }
        if settings.hooks.has_level(level) && !in_hook_of(self.id()) {
            settings.hooks.fire_contained(level, &mut record, self.id());
            // Hooks may have added or changed fields.
            if let Some(redaction) = &settings.redaction {
                redaction.apply_to_fields(record.fields_mut());
            }
        }
        if let Some(out) = &settings.out {
            write(&*settings.formatter, out, &record, &mut buf);
        }
        let mut data = record.into_data();
        data.buf = buf;
        data
    }

    /// After a record at `level` was logged, or found disabled: panics at `Panic` with
    /// `message`, exits at `Fatal`.
    fn act(&self, level: Level, message: impl fmt::Display) {
        match level {
            Level::Panic => panic!("{message}"),
            Level::Fatal => self.exit(1),
            _ => {}
        }
    }

    fn exit(&self, code: i32) {
        let exit_func = Arc::clone(&self.settings.load().exit_func);
        lifecycle::exit(code, &*exit_func);
    }

    fn id(&self) -> usize {
        self as *const Shared as usize
    }
}

/// Formats `record` into `buf` for `out` and writes it there in one `write_all`.
fn write(formatter: &dyn Formatter, out: &Out, record: &Entry, buf: &mut Vec<u8>) {
    buf.clear();
    match formatter.format(record, out.destination(), buf) {
        Ok(()) => {
            if let Err(e) = out.write_record(buf) {
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

impl Dispatch for Shared {
    #[inline]
    fn enabled(&self, level: Level, callsite: Option<&'static Callsite>) -> bool {
        self.is_level_enabled(level) && self.target_allows(level, callsite)
    }

    fn log(
        &self,
        mut data: Pooled,
        level: Level,
        args: fmt::Arguments<'_>,
        callsite: Option<&'static Callsite>,
        location: &'static Location<'static>,
    ) {
        data.target = callsite.map(|callsite| SharedStr::from_static(callsite.target()));
        let caller = Caller::new(location, callsite.map(Callsite::module));
        data.message.clear();
        write_message(&mut data.message, args);
        let data = self.dispatch(data, level, Some(caller));
        self.act(level, &data.message);
    }

    #[cold]
    fn skipped(&self, level: Level, args: fmt::Arguments<'_>) {
        self.act(level, args);
    }
}

impl AtExit for Shared {
    /// Flushes the out (waiting until `deadline` at most for a thread that holds it) and
    /// the hooks; reports failures on stderr.
    fn flush_at_exit(&self, deadline: Instant) {
        self.flush_quickly(deadline);
        self.settings.load().hooks.flush_reporting();
    }

    /// Flushes the out, waiting until `deadline` at most for a thread that holds it.
    fn flush_quickly(&self, deadline: Instant) {
        let Some(out) = self.settings.load().out.clone() else {
            return;
        };
        match out.flush_by(deadline) {
            Some(Ok(())) => {}
            Some(Err(e)) => report(format_args!("failed to flush the out: {e}")),
            None => report(format_args!(
                "the out stayed locked by another thread until the exit deadline; not flushed"
            )),
        }
    }
}

impl Drop for Shared {
    /// The last handle is gone: deliver what the out and hooks still hold.
    fn drop(&mut self) {
        let settings = self.settings.load();
        if let Some(Err(e)) = settings.out.as_ref().map(|out| out.flush()) {
            report(format_args!("failed to flush the out: {e}"));
        }
        settings.hooks.flush_reporting();
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
            .field("hooks", &self.settings().hooks)
            .finish_non_exhaustive()
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
fn flush_replaced_out(old: Option<&Out>) {
    if let Some(Err(e)) = old.map(Out::flush) {
        report(format_args!("failed to flush the replaced out: {e}"));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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
