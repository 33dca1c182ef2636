//! Request-scoped group loggers for hooklog, after node-corejs's `LoggerCore` and
//! `GroupLogger`: configure a [`GroupFactory`] once with a level, base params and fields,
//! and a list of outputs; then create a [`GroupLogger`] per request (or job, or
//! session). Each output is either shared by every group (a daily file) or built anew
//! for each group from the merged params (one file per request), and says whether the
//! group starts and closes it.
//!
//! ```
//! use hooklog::Level;
//! use hooklog_file::{FileHook, RollingWriter};
//! use hooklog_group::{Build, Env, GroupFactory, OutputSpec, Params};
//!
//! let dir = std::env::temp_dir().join(format!("hooklog-group-doc-{}", std::process::id()));
//! let factory = GroupFactory::builder()
//!     .env(Env::Production)
//!     .level(Level::Info)
//!     .param("dir", dir.display())
//!     .output(OutputSpec::new("daily", |p| {
//!         Ok(FileHook::new(RollingWriter::builder(format!("{}/app-%Y-%m-%d.log", p.get("dir").unwrap())).build()?))
//!     }))
//!     .output(
//!         OutputSpec::new("request", |p| {
//!             let path = format!("{}/requests/{}.log", p.get("dir").unwrap(), p.component("request_id"));
//!             Ok(FileHook::new(RollingWriter::builder(path).build()?))
//!         })
//!         .build(Build::PerGroup),
//!     )
//!     .build()?;
//!
//! let group = factory.create(Params::new().with("request_id", "r-1"), hooklog::fields! { "request_id" => "r-1" })?;
//! group.start()?;
//! group.logger()?.info("handled");
//! group.close()?;
//! assert!(group.logger().is_err());
//! let trail = std::fs::read_to_string(dir.join("requests/r-1.log"))?;
//! assert!(trail.contains("msg=handled request_id=r-1"));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! | corejs | hooklog-group |
//! |---|---|
//! | `LoggerCore` | [`GroupFactory`] |
//! | `createGroupLogger(params)` | [`GroupFactory::create`] |
//! | `buildTrigger: init` / `create` | [`Build::Shared`] / [`Build::PerGroup`] |
//! | `startTrigger`, `closeTrigger`: `normal` / `none` | [`Lifecycle::Group`] / [`Lifecycle::Own`] |
//! | `env` (`development` / `production`) | [`Env`] |
//! | parameter priority | output params, then group params, then base params |
//! | `onBuildLogger` | [`GroupFactoryBuilder::on_build`] |
//! | custom group `start` / `close` | [`GroupFactoryBuilder::on_start`], [`GroupFactoryBuilder::on_close`] |

#![warn(missing_docs)]

mod output;
mod params;

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hooklog::{
    DefaultFields, Error, Fields, Hook, Level, LevelHooks, Logger, TextFormatter, Value,
};

pub use output::{Build, Lifecycle, OutputSpec};
pub use params::Params;

/// Where group loggers write (corejs's `env`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Env {
    /// Everything to the terminal (stderr) as text, coloured on a terminal, at the most
    /// verbose level; the configured outputs are not built.
    Development,
    /// The configured outputs, at the configured level (default `Info`).
    #[default]
    Production,
}

impl Env {
    /// From `HOOKLOG_ENV` (`development` or `production`, any case); production when it
    /// is unset.
    ///
    /// # Errors
    ///
    /// If `HOOKLOG_ENV` holds anything else.
    pub fn from_env() -> Result<Env, Error> {
        match std::env::var("HOOKLOG_ENV") {
            Err(_) => Ok(Env::Production),
            Ok(v) if v.eq_ignore_ascii_case("development") => Ok(Env::Development),
            Ok(v) if v.eq_ignore_ascii_case("production") => Ok(Env::Production),
            Ok(v) => Err(Error::new(format!(
                "HOOKLOG_ENV={v:?}: expected development or production"
            ))),
        }
    }
}

type OnBuild = dyn Fn(&str, &mut Params) + Send + Sync;
type OnStart = dyn Fn(&GroupLogger) + Send + Sync;
type OnClose = dyn Fn(&GroupLogger, Duration) + Send + Sync;

/// Makes group loggers; configure it once (corejs's `LoggerCore`). Cheap to clone.
#[derive(Clone)]
pub struct GroupFactory {
    inner: Arc<Factory>,
}

struct Factory {
    env: Env,
    level: Level,
    base: Params,
    fields: Fields,
    specs: Vec<OutputSpec>,
    /// The shared outputs, built once, in `specs` order.
    shared: Vec<(usize, Arc<dyn Hook>)>,
    on_build: Option<Box<OnBuild>>,
    on_start: Option<Box<OnStart>>,
    on_close: Option<Box<OnClose>>,
}

/// Builds a [`GroupFactory`].
#[must_use]
pub struct GroupFactoryBuilder {
    env: Env,
    level: Option<Level>,
    base: Params,
    fields: Fields,
    specs: Vec<OutputSpec>,
    on_build: Option<Box<OnBuild>>,
    on_start: Option<Box<OnStart>>,
    on_close: Option<Box<OnClose>>,
}

impl GroupFactory {
    /// A builder: production, no outputs, level `Info`.
    pub fn builder() -> GroupFactoryBuilder {
        GroupFactoryBuilder {
            env: Env::Production,
            level: None,
            base: Params::new(),
            fields: Fields::new(),
            specs: Vec::new(),
            on_build: None,
            on_start: None,
            on_close: None,
        }
    }

    /// The environment the factory was built for.
    pub fn env(&self) -> Env {
        self.inner.env
    }

    /// A new group with `params` (merged over the base params to build its outputs) and
    /// `fields` (added, after the base fields, to every record it logs). Per-group
    /// outputs are built now; those the group starts receive records from
    /// [`start`](GroupLogger::start).
    ///
    /// # Errors
    ///
    /// If a per-group output fails to build; the error names the output.
    pub fn create(&self, params: Params, fields: Fields) -> Result<GroupLogger, Error> {
        let factory = &*self.inner;
        let group_params = factory.base.merged(&params);
        let mut all_fields = factory.fields.clone();
        for (key, value) in fields {
            all_fields.insert(key, value);
        }
        let mut hooks = LevelHooks::new();
        hooks.add(DefaultFields::new(all_fields));
        let logger = match factory.env {
            Env::Development => Logger::builder()
                .level(Level::Trace)
                .formatter(TextFormatter::new())
                .out(io::stderr())
                .hooks(hooks)
                .build(),
            // The outputs are hooks: the logger itself formats nothing.
            Env::Production => Logger::builder()
                .level(factory.level)
                .no_out()
                .hooks(hooks)
                .build(),
        };
        let mut outputs = Vec::new();
        if factory.env == Env::Production {
            for (index, spec) in factory.specs.iter().enumerate() {
                let hook = match spec.build {
                    Build::Shared => factory
                        .shared
                        .iter()
                        .find(|(i, _)| *i == index)
                        .map(|(_, hook)| Arc::clone(hook))
                        .expect("shared outputs are built with the factory"),
                    Build::PerGroup => factory.build_output(spec, &group_params)?,
                };
                if spec.start == Lifecycle::Own {
                    logger.add_hook(Arc::clone(&hook));
                }
                outputs.push(Output { spec: index, hook });
            }
        }
        Ok(GroupLogger {
            factory: Arc::clone(&self.inner),
            logger,
            params: group_params,
            state: Mutex::new(GroupState {
                created: Instant::now(),
                started: None,
                closed: false,
                outputs,
            }),
        })
    }

    /// Flushes the shared outputs.
    ///
    /// # Errors
    ///
    /// The first error from an output's flush.
    pub fn flush(&self) -> Result<(), Error> {
        let mut first_error = None;
        for (_, hook) in &self.inner.shared {
            if let Err(e) = hook.flush() {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl Factory {
    /// Builds one output from `params` merged under its own, after `on_build`.
    fn build_output(&self, spec: &OutputSpec, params: &Params) -> Result<Arc<dyn Hook>, Error> {
        let mut merged = params.merged(&spec.params);
        if let Some(on_build) = &self.on_build {
            on_build(&spec.name, &mut merged);
        }
        (spec.builder)(&merged)
            .map_err(|e| Error::new(format!("building output {:?}: {e}", spec.name)))
    }
}

impl GroupFactoryBuilder {
    /// The environment (default production; see [`Env::from_env`]).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The level in production (default `Info`; development always logs everything).
    pub fn level(mut self, level: Level) -> Self {
        self.level = Some(level);
        self
    }

    /// A base param, under every group's and output's own.
    pub fn param(mut self, key: impl Into<String>, value: impl fmt::Display) -> Self {
        self.base.insert(key, value);
        self
    }

    /// A field on every record of every group.
    pub fn field(mut self, key: impl Into<hooklog::Key>, value: impl Into<Value>) -> Self {
        self.fields.insert(key, value);
        self
    }

    /// Adds an output.
    pub fn output(mut self, spec: OutputSpec) -> Self {
        self.specs.push(spec);
        self
    }

    /// Adjusts the merged params just before an output is built (corejs's
    /// `onBuildLogger`): `f(output_name, params)`.
    pub fn on_build(mut self, f: impl Fn(&str, &mut Params) + Send + Sync + 'static) -> Self {
        self.on_build = Some(Box::new(f));
        self
    }

    /// Runs when a group starts, after its outputs are attached (log the start here).
    pub fn on_start(mut self, f: impl Fn(&GroupLogger) + Send + Sync + 'static) -> Self {
        self.on_start = Some(Box::new(f));
        self
    }

    /// Runs when a group closes, before its outputs are flushed and closed, with the time
    /// since it started (log the duration here).
    pub fn on_close(mut self, f: impl Fn(&GroupLogger, Duration) + Send + Sync + 'static) -> Self {
        self.on_close = Some(Box::new(f));
        self
    }

    /// The factory, with its shared outputs built (in production).
    ///
    /// # Errors
    ///
    /// If a shared output fails to build; the error names it.
    pub fn build(self) -> Result<GroupFactory, Error> {
        let mut factory = Factory {
            env: self.env,
            level: self.level.unwrap_or(Level::Info),
            base: self.base,
            fields: self.fields,
            specs: self.specs,
            shared: Vec::new(),
            on_build: self.on_build,
            on_start: self.on_start,
            on_close: self.on_close,
        };
        if factory.env == Env::Production {
            for (index, spec) in factory.specs.iter().enumerate() {
                if spec.build == Build::Shared {
                    let hook = factory.build_output(spec, &factory.base)?;
                    factory.shared.push((index, hook));
                }
            }
        }
        Ok(GroupFactory {
            inner: Arc::new(factory),
        })
    }
}

/// One group's logger: a [`Logger`] whose records carry the group's fields and reach
/// the factory's shared outputs and the group's own.
///
/// Closing (explicitly, or when dropped) flushes and closes the per-group outputs the
/// group closes, flushes the shared ones it closes and leaves them open. After that,
/// [`logger`](GroupLogger::logger) and the logging methods return an error, and a
/// `Logger` handle kept from before reports each record on stderr as written to a
/// closed group: nothing is dropped silently.
pub struct GroupLogger {
    factory: Arc<Factory>,
    logger: Logger,
    params: Params,
    state: Mutex<GroupState>,
}

struct GroupState {
    created: Instant,
    started: Option<Instant>,
    closed: bool,
    outputs: Vec<Output>,
}

struct Output {
    spec: usize,
    hook: Arc<dyn Hook>,
}

impl GroupLogger {
    /// The group's logger.
    ///
    /// # Errors
    ///
    /// If the group is closed.
    pub fn logger(&self) -> Result<&Logger, Error> {
        if self.lock().closed {
            return Err(self.closed_error());
        }
        Ok(&self.logger)
    }

    /// The group's merged params.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Whether the group is closed.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Logs at `level` through the group.
    ///
    /// # Errors
    ///
    /// If the group is closed.
    #[track_caller]
    pub fn log(&self, level: Level, msg: impl fmt::Display) -> Result<(), Error> {
        self.logger()?.log(level, msg);
        Ok(())
    }

    /// Logs at `Info` through the group.
    ///
    /// # Errors
    ///
    /// If the group is closed.
    #[track_caller]
    pub fn info(&self, msg: impl fmt::Display) -> Result<(), Error> {
        self.log(Level::Info, msg)
    }

    /// Logs at `Warn` through the group.
    ///
    /// # Errors
    ///
    /// If the group is closed.
    #[track_caller]
    pub fn warn(&self, msg: impl fmt::Display) -> Result<(), Error> {
        self.log(Level::Warn, msg)
    }

    /// Logs at `Error` through the group.
    ///
    /// # Errors
    ///
    /// If the group is closed.
    #[track_caller]
    pub fn error(&self, msg: impl fmt::Display) -> Result<(), Error> {
        self.log(Level::Error, msg)
    }

    /// Attaches the outputs the group starts, then runs the factory's `on_start`.
    ///
    /// # Errors
    ///
    /// If the group is closed or already started.
    pub fn start(&self) -> Result<(), Error> {
        {
            let mut state = self.lock();
            if state.closed {
                return Err(self.closed_error());
            }
            if state.started.is_some() {
                return Err(Error::new(format!("group {} already started", self.name())));
            }
            state.started = Some(Instant::now());
            for output in &state.outputs {
                if self.factory.specs[output.spec].start == Lifecycle::Group {
                    self.logger.add_hook(Arc::clone(&output.hook));
                }
            }
        }
        if let Some(on_start) = &self.factory.on_start {
            on_start(self);
        }
        Ok(())
    }

    /// Runs `on_close`, flushes the outputs the group closes, detaches every output and
    /// closes the per-group ones.
    ///
    /// # Errors
    ///
    /// If the group is already closed, or an output failed to flush (the group is
    /// closed all the same).
    pub fn close(&self) -> Result<(), Error> {
        let since = {
            let state = self.lock();
            if state.closed {
                return Err(self.closed_error());
            }
            state.started.unwrap_or(state.created)
        };
        if let Some(on_close) = &self.factory.on_close {
            on_close(self, since.elapsed());
        }
        let outputs = {
            let mut state = self.lock();
            state.closed = true;
            std::mem::take(&mut state.outputs)
        };
        let mut first_error = None;
        for output in &outputs {
            if self.factory.specs[output.spec].close == Lifecycle::Group
                && let Err(e) = output.hook.flush()
            {
                first_error.get_or_insert(e);
            }
        }
        // Detach everything; per-group outputs close when their last handle goes.
        self.logger.replace_hooks(LevelHooks::new());
        self.logger.set_out(Closed(self.name()));
        drop(outputs);
        first_error.map_or(Ok(()), Err)
    }

    /// A name for messages: the `request_id` param, or `id`, or `?`.
    fn name(&self) -> String {
        self.params
            .get("request_id")
            .or_else(|| self.params.get("id"))
            .unwrap_or("?")
            .to_owned()
    }

    fn closed_error(&self) -> Error {
        Error::new(format!("group {} is closed", self.name()))
    }

    fn lock(&self) -> MutexGuard<'_, GroupState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for GroupLogger {
    /// Closes the group if it is still open, reporting a failure on stderr.
    fn drop(&mut self) {
        if !self.lock().closed
            && let Err(e) = self.close()
        {
            hooklog::report_failure(
                "hooklog-group close",
                format_args!("closing group {}: {e}", self.name()),
            );
        }
    }
}

impl fmt::Debug for GroupLogger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupLogger")
            .field("params", &self.params)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for GroupFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupFactory")
            .field("env", &self.inner.env)
            .field("level", &self.inner.level)
            .field("outputs", &self.inner.specs)
            .finish_non_exhaustive()
    }
}

/// The out of a closed group: every write fails, saying so.
struct Closed(String);

impl io::Write for Closed {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other(format!("group {} is closed", self.0)))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
