//! Hooks: code that runs on every record of chosen levels, before it is formatted.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::entry::Entry;
use crate::error::{Error, panic_message, report, report_limited};
use crate::level::Level;
use crate::lifecycle::ContainPanics;

mod async_hook;
mod default_fields;
mod guard;

pub use async_hook::{AsyncHook, QueueFull};
pub use default_fields::DefaultFields;
pub(crate) use guard::{InHook, in_hook_of};

/// Code that runs on every record of the levels it names: send it somewhere, count it,
/// add or change fields.
///
/// # For implementors
///
/// - [`levels`](Hook::levels) is called once, when the hook is added; the hook then fires
///   only for records of those levels. The default is every level.
/// - [`fire`](Hook::fire) is called for each such record, on the logging thread, before the
///   record is formatted and written to the logger's out, and outside the out's lock. The
///   entry is the record's own copy: edits to its fields show in the formatted record and
///   in the hooks that fire after this one, and never in the entry it was logged from.
///   Hooks fire in the order they were added.
/// - `fire` should be quick: a hook that talks to the network belongs behind an
///   asynchronous queue so the logging thread does not wait.
/// - An error returned by `fire`, or a panic inside it, is reported on stderr as one line
///   naming the hook; the record is still formatted and written, and the other hooks
///   still fire.
/// - A hook may log through the same logger: records that logger gets from inside one of
///   its hooks skip its hooks, so a hook never recurses into itself, and no lock is held,
///   so it never deadlocks. Records it logs to another logger go through that logger's
///   hooks as any record does.
/// - [`flush`](Hook::flush) is called by [`Logger::flush`](crate::Logger::flush) and on
///   every exit path the logger covers. Anything the hook buffers must be delivered by
///   the time it returns.
///
/// ```
/// use hooklog::{Entry, Error, Hook, Level, Logger, MemoryOut};
///
/// /// Adds the host name to every record.
/// struct HostHook(&'static str);
///
/// impl Hook for HostHook {
///     fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
///         entry.fields_mut().insert("host", self.0);
///         Ok(())
///     }
/// }
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).hook(HostHook("web-1")).build();
/// logger.info("up");
/// assert!(String::from_utf8(out.contents()).unwrap().ends_with("msg=up host=web-1\n"));
/// ```
pub trait Hook: Send + Sync + 'static {
    /// The levels this hook fires for; asked once, when the hook is added.
    fn levels(&self) -> &[Level] {
        &Level::ALL
    }

    /// Handles one record; may edit its fields.
    fn fire(&self, entry: &mut Entry) -> Result<(), Error>;

    /// Delivers whatever the hook has buffered.
    fn flush(&self) -> Result<(), Error> {
        Ok(())
    }
}

impl<H: Hook + ?Sized> Hook for Arc<H> {
    fn levels(&self) -> &[Level] {
        (**self).levels()
    }

    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        (**self).fire(entry)
    }

    fn flush(&self) -> Result<(), Error> {
        (**self).flush()
    }
}

impl<H: Hook + ?Sized> Hook for Box<H> {
    fn levels(&self) -> &[Level] {
        (**self).levels()
    }

    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        (**self).fire(entry)
    }

    fn flush(&self) -> Result<(), Error> {
        (**self).flush()
    }
}

/// A hook with the name it is reported under and the levels it fires for.
pub(crate) struct Registered {
    name: &'static str,
    levels: [bool; Level::ALL.len()],
    hook: Box<dyn Hook>,
}

impl Registered {
    pub(crate) fn new<H: Hook>(hook: H) -> Arc<Registered> {
        let mut levels = [false; Level::ALL.len()];
        for level in hook.levels() {
            levels[level.index()] = true;
        }
        Arc::new(Registered {
            name: std::any::type_name::<H>(),
            levels,
            hook: Box::new(hook),
        })
    }
}

/// The hooks of a logger, grouped by the levels they fire for.
///
/// Cloning is cheap: the hooks themselves are shared.
#[derive(Clone, Default)]
pub struct LevelHooks {
    by_level: [Vec<Arc<Registered>>; Level::ALL.len()],
    all: Vec<Arc<Registered>>,
}

impl LevelHooks {
    /// No hooks.
    pub fn new() -> LevelHooks {
        LevelHooks::default()
    }

    /// Adds a hook for the levels it names in [`Hook::levels`].
    pub fn add(&mut self, hook: impl Hook) {
        self.push(Registered::new(hook));
    }

    pub(crate) fn push(&mut self, registered: Arc<Registered>) {
        for (hooks, _) in self
            .by_level
            .iter_mut()
            .zip(registered.levels)
            .filter(|(_, on)| *on)
        {
            hooks.push(Arc::clone(&registered));
        }
        self.all.push(registered);
    }

    /// Fires the hooks for `level` on `entry`, in the order they were added, stopping at
    /// the first error (as logrus's `LevelHooks.Fire` does), for callers that drive hooks
    /// themselves. A panicking hook is not caught here. The logger does not use this: it
    /// fires every hook, reports each error or panic on stderr and goes on.
    pub fn fire(&self, level: Level, entry: &mut Entry) -> Result<(), Error> {
        for registered in &self.by_level[level.index()] {
            registered.hook.fire(entry)?;
        }
        Ok(())
    }

    /// Flushes every hook once, in the order they were added; all are flushed even if one
    /// fails or panics, and the first error (a panic becomes an error naming the hook) is
    /// returned.
    pub fn flush(&self) -> Result<(), Error> {
        let mut first_error = None;
        for registered in &self.all {
            if let Err(e) = flush_contained(registered.name, &*registered.hook) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// The number of hooks.
    pub fn len(&self) -> usize {
        self.all.len()
    }

    /// Whether there are no hooks.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// Whether any hook fires for `level`.
    pub fn has_level(&self, level: Level) -> bool {
        !self.by_level[level.index()].is_empty()
    }

    /// Fires the hooks for `level` as the logger does: each one, catching panics and
    /// reporting errors on stderr, with the logger `logger` (its id) skipping its hooks
    /// for records logged meanwhile.
    pub(crate) fn fire_contained(&self, level: Level, entry: &mut Entry, logger: usize) {
        let _in_hook = InHook::enter(logger);
        for registered in &self.by_level[level.index()] {
            fire_contained(registered.name, &*registered.hook, entry);
        }
    }

    /// Flushes as [`flush`](LevelHooks::flush) does, reporting each error on stderr.
    pub(crate) fn flush_reporting(&self) {
        for registered in &self.all {
            if let Err(e) = flush_contained(registered.name, &*registered.hook) {
                report(format_args!("{e}"));
            }
        }
    }
}

impl fmt::Debug for LevelHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.all.iter().map(|r| r.name))
            .finish()
    }
}

/// Fires `hook` on `entry`, reporting an error or a panic on stderr under `name`.
pub(crate) fn fire_contained(name: &'static str, hook: &dyn Hook, entry: &mut Entry) {
    let _contained = ContainPanics::enter();
    match catch_unwind(AssertUnwindSafe(|| hook.fire(entry))) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => report_limited(
            ("hook failed", name),
            format_args!("hook {name} failed: {e}"),
        ),
        Err(panic) => report_limited(
            ("hook panicked", name),
            format_args!("hook {name} panicked: {}", panic_message(&*panic)),
        ),
    }
}

/// Flushes `hook`, turning an error or a panic into an error that names it (`name`).
pub(crate) fn flush_contained(name: &str, hook: &dyn Hook) -> Result<(), Error> {
    let _in_hook = InHook::enter(InHook::FLUSHING);
    let _contained = ContainPanics::enter();
    match catch_unwind(AssertUnwindSafe(|| hook.flush())) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(Error::new(format!("flushing hook {name} failed: {e}"))),
        Err(panic) => Err(Error::new(format!(
            "flushing hook {name} panicked: {}",
            panic_message(&*panic)
        ))),
    }
}
