//! `MemoryOut`: records kept in memory and persisted to a file when the process ends.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use crate::error::{Error, report, write_stderr, write_stderr_bytes};
use crate::lifecycle::{self, AtExit, Stage, lock_within};
use crate::log_file::{AppendError, PreparedPath, append_whole};

/// What a bounded [`MemoryOut`] does when a record would take it past `max_bytes`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Overflow {
    /// Persist what is held to the file now, then keep the new record. Nothing is lost.
    /// Without a file to persist to, behaves as `DropOldest`.
    #[default]
    Flush,
    /// Drop the oldest whole records to make room: a flight recorder that keeps the
    /// newest records.
    DropOldest,
}

/// An out that keeps formatted records in memory and appends them to a file when the
/// process ends, however it ends.
///
/// Clones share one buffer. Writing a record costs a copy into memory under a lock: no
/// system call. The records reach the file (appended; parent directories created; mode
/// `0640` before the umask; never through a symbolic link) on
/// [`persist`](MemoryOut::persist), on [`Logger::flush`](crate::Logger::flush) of a logger
/// writing to it, and on every exit path: return from `main`, `std::process::exit`,
/// [`Logger::exit`](crate::Logger::exit) and `fatal`, a panic on any thread (before
/// unwinding or aborting), SIGTERM, SIGINT and SIGHUP once
/// [`flush_on_signals`](crate::flush_on_signals) was called, and the fatal signals SIGSEGV,
/// SIGBUS, SIGILL, SIGFPE and SIGABRT (a stack overflow, `abort()`), from a handler that
/// makes only async-signal-safe calls before the process dies of the signal. Each record
/// reaches the file once, however many of these run, and only whole records do: if the
/// file cannot be written (or fills up part of the way), the records that did not fit go
/// to stderr after one line that counts them and says why. Nothing is lost silently.
///
/// What no process can cover: SIGKILL, a power loss or a kernel crash lose what is held
/// in memory. [`flush_every`](MemoryOut::flush_every) bounds that loss in time, and
/// [`max_bytes`](MemoryOut::max_bytes) with [`Overflow::Flush`] bounds it in bytes.
///
/// Without [`persist_to`](MemoryOut::persist_to) it is a capture buffer: read it with
/// [`contents`](MemoryOut::contents); nothing is written at exit.
///
/// ```
/// use hooklog::{Logger, MemoryOut, Overflow, TextFormatter};
///
/// let dir = std::env::temp_dir().join(format!("hooklog-doc-{}", std::process::id()));
/// let out = MemoryOut::new()
///     .persist_to(dir.join("app.log"))
///     .max_bytes(1 << 20)
///     .on_full(Overflow::Flush);
/// let logger = Logger::builder().out(out.clone()).formatter(TextFormatter::new().disable_timestamp(true)).build();
/// logger.info("kept in memory");
/// assert_eq!(out.len(), 32);
/// out.persist().unwrap();
/// assert_eq!(std::fs::read(dir.join("app.log")).unwrap(), b"level=info msg=\"kept in memory\"\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone)]
pub struct MemoryOut {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The fork generation the records are this process's in.
    generation: u64,
    buf: VecDeque<u8>,
    path: Option<PreparedPath>,
    max_bytes: Option<usize>,
    on_full: Overflow,
    /// Whether the lack of a file for `Overflow::Flush` was reported.
    reported_no_path: bool,
}

impl MemoryOut {
    /// An unbounded capture buffer with no file.
    pub fn new() -> MemoryOut {
        MemoryOut {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    generation: lifecycle::fork_generation(),
                    ..State::default()
                }),
            }),
        }
    }

    /// Persists to `path` (appending) on every exit path, on flush and when full.
    ///
    /// A path that cannot name a file (it holds a NUL byte) is reported on stderr, and the
    /// records then go to stderr when they would have been persisted.
    #[must_use]
    pub fn persist_to(self, path: impl Into<PathBuf>) -> MemoryOut {
        let path = path.into();
        match PreparedPath::new(&path) {
            Ok(prepared) => self.lock().path = Some(prepared),
            Err(e) => report(format_args!(
                "MemoryOut::persist_to({}): {e}",
                path.display()
            )),
        }
        lifecycle::register(Stage::Memory, &self.inner);
        self
    }

    /// Bounds the memory held to about `n` bytes; see [`on_full`](MemoryOut::on_full).
    #[must_use]
    pub fn max_bytes(self, n: usize) -> MemoryOut {
        self.lock().max_bytes = Some(n);
        self
    }

    /// What to do when the bound is reached (default [`Overflow::Flush`]).
    #[must_use]
    pub fn on_full(self, overflow: Overflow) -> MemoryOut {
        self.lock().on_full = overflow;
        self
    }

    /// Persists every `interval` from a background thread, bounding what a SIGKILL can
    /// take. The thread ends when the last clone of this out is dropped.
    #[must_use]
    pub fn flush_every(self, interval: Duration) -> MemoryOut {
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let spawned = std::thread::Builder::new()
            .name("hooklog-flush".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(interval);
                    let Some(inner) = weak.upgrade() else { break };
                    let _ = inner.persist();
                }
            });
        if let Err(e) = spawned {
            report(format_args!(
                "could not start the periodic flush thread: {e}"
            ));
        }
        self
    }

    /// A copy of the bytes held in memory: everything written, less what was already
    /// persisted or dropped.
    pub fn contents(&self) -> Vec<u8> {
        let state = self.lock();
        let (a, b) = state.buf.as_slices();
        [a, b].concat()
    }

    /// The number of bytes held in memory.
    pub fn len(&self) -> usize {
        self.lock().buf.len()
    }

    /// Whether no bytes are held.
    pub fn is_empty(&self) -> bool {
        self.lock().buf.is_empty()
    }

    /// Appends the bytes held to the file and empties the buffer. Without a file, does
    /// nothing.
    ///
    /// # Errors
    ///
    /// If the file cannot be opened or written; the bytes not written then went to
    /// stderr, after one line saying why, so they are not held any more.
    pub fn persist(&self) -> Result<(), Error> {
        self.inner.persist()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.lock()
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.own_records();
        state
    }

    fn persist(&self) -> Result<(), Error> {
        self.lock().persist()
    }
}

impl State {
    /// In a child made by `fork`, forgets the records held: they are the parent's, which
    /// persists them. Allocates nothing, so the crash handler can call it.
    fn own_records(&mut self) {
        let generation = lifecycle::fork_generation();
        if self.generation != generation {
            self.generation = generation;
            self.buf.clear();
        }
    }

    fn persist(&mut self) -> Result<(), Error> {
        self.write_out(false).map_err(|e| {
            let path = self.path.as_ref().map_or(Path::new(""), PreparedPath::path);
            Error::new(format!("persisting to {}: {e}", path.display()))
        })
    }

    /// Appends the records held to the file and empties the buffer. What cannot be written
    /// goes to stderr, whole records, after a line saying why. Allocates nothing and makes
    /// only async-signal-safe calls, so the crash handler can use it (`in_crash` then keeps
    /// the line to what a signal handler can format).
    fn write_out(&mut self, in_crash: bool) -> Result<(), AppendError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.buf.is_empty() {
            return Ok(());
        }
        let (a, b) = self.buf.as_slices();
        let result = match path.open(libc::O_APPEND) {
            Ok(fd) => append_whole(fd.as_raw_fd(), [a, b]),
            Err(error) => Err(AppendError::new(0, error)),
        };
        if let Err(e) = &result {
            fall_back(path.path(), [a, b], e, in_crash);
        }
        self.buf.clear();
        result
    }

    /// Makes room for `incoming` bytes under the bound, by the overflow policy.
    fn make_room(&mut self, incoming: usize) {
        let Some(max) = self.max_bytes else { return };
        if self.buf.len() + incoming <= max {
            return;
        }
        if self.on_full == Overflow::Flush {
            if self.path.is_some() {
                let _ = self.persist();
                return;
            }
            if !self.reported_no_path {
                self.reported_no_path = true;
                report(format_args!(
                    "a MemoryOut with Overflow::Flush has no file to flush to; dropping its oldest records"
                ));
            }
        }
        self.drop_oldest(incoming, max);
    }

    /// Drops whole records from the front until `incoming` more bytes fit in `max`.
    fn drop_oldest(&mut self, incoming: usize, max: usize) {
        let excess = (self.buf.len() + incoming).saturating_sub(max);
        if excess >= self.buf.len() {
            self.buf.clear();
            return;
        }
        // Cut after the first record end at or past `excess`, so the front is a record start.
        let cut = self
            .buf
            .range(excess.saturating_sub(1)..)
            .position(|&b| b == b'\n')
            .map_or(self.buf.len(), |at| excess.saturating_sub(1) + at + 1);
        self.buf.drain(..cut);
    }
}

/// Writes the records of `parts` after the `error.written()` bytes that reached the file
/// to stderr, after one line that says how many and why.
fn fall_back(path: &Path, parts: [&[u8]; 2], error: &AppendError, in_crash: bool) {
    let first = error.written().min(parts[0].len());
    let rest = [&parts[0][first..], &parts[1][error.written() - first..]];
    let records: usize = rest
        .iter()
        .map(|p| p.iter().filter(|&&b| b == b'\n').count())
        .sum();
    let bytes = rest[0].len() + rest[1].len();
    let why: &dyn fmt::Display = match in_crash {
        // Only an error number: the text of an OS error is made by allocating.
        true => &format_args!("os error {}", error.error().raw_os_error().unwrap_or(0)),
        false => error.error(),
    };
    write_stderr(format_args!(
        "hooklog: could not persist {records} records ({bytes} bytes) to {}: {why}; writing them to stderr\n",
        path.display()
    ));
    for part in rest {
        write_stderr_bytes(part);
    }
}

impl Inner {
    /// Persists, waiting until `deadline` at most for another thread that holds the
    /// buffer.
    fn persist_by(&self, deadline: Instant) {
        match lock_within(&self.state, deadline) {
            Some(mut state) => {
                state.own_records();
                let _ = state.write_out(false);
            }
            None => report(format_args!(
                "a MemoryOut stayed locked by another thread at exit; not persisted"
            )),
        }
    }
}

impl AtExit for Inner {
    fn flush_at_exit(&self, deadline: Instant) {
        self.persist_by(deadline);
    }

    fn flush_quickly(&self, deadline: Instant) {
        self.persist_by(deadline);
    }

    /// Persists with async-signal-safe calls only; a lock held past `deadline` (perhaps by
    /// the thread that crashed) leaves the records in memory, with a line on stderr.
    fn in_crash(&self, signal: i32, deadline: Instant) {
        match lock_within(&self.state, deadline) {
            Some(mut state) => {
                state.own_records();
                let _ = state.write_out(true);
            }
            None => write_stderr(format_args!(
                "hooklog: fatal signal {signal}: a MemoryOut was locked by a thread (perhaps the one that crashed); its records were not persisted\n"
            )),
        }
    }
}

impl Drop for Inner {
    /// The last clone is gone: persist what is left.
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        let _ = state.persist();
    }
}

impl Write for MemoryOut {
    /// Takes all of `data`; never fails.
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        (&*self).write(data)
    }

    /// Persists, if there is a file; see the impl for `&MemoryOut`.
    fn flush(&mut self) -> io::Result<()> {
        (&*self).flush()
    }
}

impl Write for &MemoryOut {
    /// Takes all of `data`; never fails.
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut state = self.lock();
        state.make_room(data.len());
        state.buf.extend(data);
        Ok(data.len())
    }

    /// Persists, if there is a file. A failure is reported by the persist itself (the
    /// bytes went to stderr), so this always succeeds; call
    /// [`persist`](MemoryOut::persist) to see the error.
    fn flush(&mut self) -> io::Result<()> {
        let _ = self.persist();
        Ok(())
    }
}

impl Default for MemoryOut {
    fn default() -> MemoryOut {
        MemoryOut::new()
    }
}

impl std::fmt::Debug for MemoryOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("MemoryOut")
            .field("len", &state.buf.len())
            .field("path", &state.path.as_ref().map(PreparedPath::path))
            .field("max_bytes", &state.max_bytes)
            .field("on_full", &state.on_full)
            .finish()
    }
}
