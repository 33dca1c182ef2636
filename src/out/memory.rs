//! `MemoryOut`: records kept in memory and persisted to a file when the process ends.

use std::collections::VecDeque;
use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use crate::error::{Error, report};
use crate::exit::{self, ExitFlush};

/// Permissions of a created log file: owner read-write, group read.
const FILE_MODE: u32 = 0o640;
/// Permissions of created parent directories.
const DIR_MODE: u32 = 0o750;

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
/// `0640` before the umask) on [`persist`](MemoryOut::persist), on
/// [`Logger::flush`](crate::Logger::flush) of a logger writing to it, and on every exit
/// path: return from `main`, `std::process::exit`, [`Logger::exit`](crate::Logger::exit)
/// and `fatal`, a panic on any thread (before unwinding or aborting), and SIGTERM, SIGINT
/// and SIGHUP once [`flush_on_signals`](crate::flush_on_signals) was called. Each record
/// reaches the file once, however many of these run. If the file cannot be written, the
/// bytes go to stderr after one line that says why: nothing is lost silently.
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
    buf: VecDeque<u8>,
    path: Option<PathBuf>,
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
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// Persists to `path` (appending) on every exit path, on flush and when full.
    #[must_use]
    pub fn persist_to(self, path: impl Into<PathBuf>) -> MemoryOut {
        self.lock().path = Some(path.into());
        let flusher: Arc<dyn ExitFlush> = self.inner.clone();
        exit::register(Arc::downgrade(&flusher));
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
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn persist(&self) -> Result<(), Error> {
        self.lock().persist()
    }
}

impl State {
    fn persist(&mut self) -> Result<(), Error> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.buf.is_empty() {
            return Ok(());
        }
        self.buf.make_contiguous();
        let (bytes, _) = self.buf.as_slices();
        let mut written = 0;
        let result = append(path, bytes, &mut written);
        if let Err(e) = &result {
            let rest = &bytes[written..];
            report(format_args!(
                "could not persist {} bytes of records to {}: {e}; writing them to stderr",
                rest.len(),
                path.display()
            ));
            let _ = io::stderr().lock().write_all(rest);
        }
        self.buf.clear();
        result.map_err(|e| Error::new(format!("persisting to {}: {e}", path.display())))
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

/// Appends `bytes` to the file at `path`, creating it and its parent directories;
/// `written` counts the bytes that reached the file.
fn append(path: &Path, bytes: &[u8], written: &mut usize) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(parent)
            .map_err(|e| match parent.is_file() {
                true => io::Error::new(
                    io::ErrorKind::NotADirectory,
                    format!("{} is a file, not a directory", parent.display()),
                ),
                false => e,
            })?;
    }
    let mut file: File = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(FILE_MODE)
        .open(path)?;
    while *written < bytes.len() {
        match file.write(&bytes[*written..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => *written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    file.flush()
}

impl ExitFlush for Inner {
    fn flush_at_exit(&self) {
        // Another thread may hold the lock forever (it panicked while writing, or is
        // stopped); wait a bounded time.
        for _ in 0..2000 {
            match self.state.try_lock() {
                Ok(mut state) => {
                    let _ = state.persist();
                    return;
                }
                Err(std::sync::TryLockError::Poisoned(p)) => {
                    let _ = p.into_inner().persist();
                    return;
                }
                Err(std::sync::TryLockError::WouldBlock) => {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
        report(format_args!(
            "a MemoryOut stayed locked at exit; not persisted"
        ));
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
            .field("path", &state.path)
            .field("max_bytes", &state.max_bytes)
            .field("on_full", &state.on_full)
            .finish()
    }
}
