//! `LoggerBuilder`: a logger's settings before it exists.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use super::{Logger, Out, Settings, Shared};
use crate::filter::Filter;
use crate::formatter::{Formatter, TextFormatter};
use crate::hook::{Hook, LevelHooks};
use crate::level::Level;
use crate::redact::Redaction;
use crate::sampler::Sampler;

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
/// | redaction | none |
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
    out: Option<Out>,
    hooks: LevelHooks,
    report_caller: bool,
    exit_func: Arc<dyn Fn(i32) + Send + Sync>,
    sampler: Option<Arc<Sampler>>,
    redaction: Option<Arc<Redaction>>,
}

impl LoggerBuilder {
    pub(super) fn new() -> LoggerBuilder {
        LoggerBuilder {
            filter: Filter::default(),
            formatter: Arc::new(TextFormatter::new()),
            out: Some(Out::new(io::stderr())),
            hooks: LevelHooks::new(),
            report_caller: false,
            exit_func: Arc::new(|code| std::process::exit(code)),
            sampler: None,
            redaction: None,
        }
    }

    /// Replaces secrets with `[REDACTED]` as `redaction` says, in every record, before
    /// any hook or formatter sees it: [`Redaction::new()`] for the default rules.
    pub fn redact(mut self, redaction: Redaction) -> LoggerBuilder {
        self.redaction = Some(Arc::new(redaction));
        self
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

    /// The out, and with it the [`Destination`](crate::Destination) its records are
    /// formatted for.
    pub fn out(mut self, out: impl Write + Send + 'static) -> LoggerBuilder {
        self.out = Some(Out::new(out));
        self
    }

    /// No out: records only reach the hooks, and nothing is formatted (see
    /// [`Logger::remove_out`]).
    pub fn no_out(mut self) -> LoggerBuilder {
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

    /// The logger. It is registered so that every exit path flushes it while it lives.
    pub fn build(self) -> Logger {
        // Tags tell loggers apart in the call sites' caches; 0 is never one.
        static TAGS: AtomicU32 = AtomicU32::new(1);
        let tag = u64::from(TAGS.fetch_add(1, Ordering::Relaxed));
        Logger::from_parts(Shared {
            enabled_below: AtomicU8::new(0),
            filter_key: AtomicU64::new(tag << 32),
            report_caller: AtomicBool::new(self.report_caller),
            settings: ArcSwap::from_pointee(Settings {
                filter: Arc::new(self.filter),
                formatter: self.formatter,
                out: self.out.map(Arc::new),
                hooks: self.hooks,
                exit_func: self.exit_func,
                sampler: self.sampler,
                redaction: self.redaction,
            }),
            changing: Mutex::new(()),
        })
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
