//! `RollingWriter`: a file writer that rolls over by period and size, and keeps only
//! what retention allows.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use hooklog::{Error, LogFile};
use jiff::tz::TimeZone;

use crate::clock::{Clock, SystemClock};
use crate::pattern::Pattern;
use crate::retention::{self, Retention};

/// A file writer whose path is a strftime pattern: a new file starts whenever the
/// rendered path changes (`logs/app-%Y-%m-%d.log` rolls daily, `%H` hourly, `%S` every
/// second), and within a period whenever a record would take the file past `max_bytes`
/// (parts `app-2026-11-22.1.log`, `.2`, ...). A record is never split across files.
///
/// Each `write` call is taken as one record and written with one `write` to the file
/// (opened in append mode), so it works as a logger's out (records arrive whole) and
/// behind [`FileHook`](crate::FileHook). Clones share one file.
///
/// After each rollover, retention deletes what it no longer allows: files of periods
/// older than the newest `keep_periods`, and files older than `max_age` (by modification
/// time). With `compress`, closed files are gzipped in the background (`.gz` appended)
/// and the originals removed; [`flush`](Write::flush) waits for that work.
///
/// | setting | default |
/// |---|---|
/// | `max_bytes` | none: one file per period |
/// | `keep_periods` | all |
/// | `max_age` | none |
/// | `compress` | off |
/// | `clock` | [`SystemClock`] |
/// | `utc` | off: local time |
///
/// ```
/// use hooklog::Logger;
/// use hooklog_file::RollingWriter;
///
/// let dir = std::env::temp_dir().join(format!("hooklog-rolling-doc-{}", std::process::id()));
/// let writer = RollingWriter::builder(dir.join("app-%Y-%m-%d.log"))
///     .max_bytes(10 << 20)
///     .keep_periods(7)
///     .build()?;
/// let logger = Logger::builder().out(writer).build();
/// logger.info("to today's file");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct RollingWriter {
    inner: Arc<Inner>,
}

struct Inner {
    pattern: Pattern,
    clock: Box<dyn Clock>,
    max_bytes: Option<u64>,
    retention: Retention,
    compress: bool,
    state: Mutex<State>,
}

struct State {
    /// The open file, its path and size, once a record was written.
    current: Option<Current>,
    /// The second `rendered` was rendered for, and the path of that period's first part.
    rendered_secs: i64,
    rendered: PathBuf,
    /// Background gzip work not yet waited for.
    compressing: Vec<JoinHandle<()>>,
    /// The files being compressed, which retention leaves alone until they are done.
    in_progress: retention::InProgress,
    /// Records that could not be written since the last success, to say so on recovery.
    lost: u64,
}

struct Current {
    file: LogFile,
    period: PathBuf,
    part: u32,
    size: u64,
}

/// Builds a [`RollingWriter`]; see it for the settings and defaults.
#[must_use]
pub struct RollingWriterBuilder {
    pattern: PathBuf,
    clock: Box<dyn Clock>,
    max_bytes: Option<u64>,
    retention: Retention,
    compress: bool,
    utc: bool,
}

impl RollingWriter {
    /// A builder for files at `pattern`, a path with strftime directives.
    pub fn builder(pattern: impl Into<PathBuf>) -> RollingWriterBuilder {
        RollingWriterBuilder {
            pattern: pattern.into(),
            clock: Box::new(SystemClock),
            max_bytes: None,
            retention: Retention::default(),
            compress: false,
            utc: false,
        }
    }

    /// The path of the file being written, if one is open.
    pub fn current_path(&self) -> Option<PathBuf> {
        self.lock()
            .current
            .as_ref()
            .map(|c| part_path(&c.period, c.part))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes one record; counts it as lost if that fails, and says how many were lost
    /// once writing works again.
    fn write_record(&self, record: &[u8]) -> io::Result<()> {
        let mut state = self.lock();
        match self.write_locked(&mut state, record) {
            Ok(()) => {
                if state.lost > 0 {
                    let path = state.current.as_ref().map(|c| part_path(&c.period, c.part));
                    hooklog::report_failure(
                        "hooklog-file lost records",
                        format_args!(
                            "writing to {} works again; {} records could not be written before",
                            path.unwrap_or_default().display(),
                            std::mem::take(&mut state.lost)
                        ),
                    );
                }
                Ok(())
            }
            Err(e) => {
                state.lost += 1;
                // Try a fresh file for the next record.
                state.current = None;
                Err(e)
            }
        }
    }

    /// Writes one record, rolling over first if its period ended or it would not fit.
    fn write_locked(&self, state: &mut State, record: &[u8]) -> io::Result<()> {
        let inner = &*self.inner;
        let now = inner.clock.now();
        let period = state.period_for(&inner.pattern, now)?;
        let roll = match &state.current {
            None => true,
            Some(current) if current.period != period => true,
            Some(current) => inner
                .max_bytes
                .is_some_and(|max| current.size > 0 && current.size + record.len() as u64 > max),
        };
        if roll {
            self.roll_over(state, period, now)?;
        }
        let current = state
            .current
            .as_mut()
            .expect("a file is open after rolling over");
        // A record that does not fit whole (a full disk) leaves the file as it was.
        let appended = current.file.append(record);
        let written = appended
            .as_ref()
            .map_or_else(|e| e.written(), |()| record.len());
        current.size += written as u64;
        appended.map_err(|e| {
            let path = part_path(&current.period, current.part);
            io::Error::new(e.error().kind(), format!("{}: {e}", path.display()))
        })
    }

    /// Closes the current file and opens the next one: the next part of the same period,
    /// or the first free part of a new one. Then applies retention.
    fn roll_over(&self, state: &mut State, period: PathBuf, now: SystemTime) -> io::Result<()> {
        let inner = &*self.inner;
        let mut closed_path = None;
        let part = match state.current.take() {
            Some(closed) => {
                closed_path = Some(part_path(&closed.period, closed.part));
                drop(closed.file);
                if closed.period == period {
                    closed.part + 1
                } else {
                    0
                }
            }
            None => 0,
        };
        let (part, size) = last_part(&period, part, inner.max_bytes);
        let path = part_path(&period, part);
        // Opened as every hooklog log file is: append, 0640 (directories 0750), and never
        // through a symbolic link, so a link planted where the next file will be cannot
        // redirect records.
        let file = LogFile::open(&path)?;
        state.current = Some(Current {
            file,
            period,
            part,
            size,
        });
        inner
            .retention
            .apply(&inner.pattern, &path, now, &state.in_progress);
        // Compress the closed file after retention, which may have deleted it.
        if let Some(closed) = closed_path.filter(|p| inner.compress && p.exists()) {
            state.compressing.retain(|h| !h.is_finished());
            let handle = retention::compress_in_background(closed, &state.in_progress);
            state.compressing.push(handle);
        }
        Ok(())
    }
}

impl State {
    /// The first-part path of the period `now` falls in, rendered once per second.
    fn period_for(&mut self, pattern: &Pattern, now: SystemTime) -> io::Result<PathBuf> {
        let secs = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        if secs != self.rendered_secs || self.rendered.as_os_str().is_empty() {
            self.rendered = pattern.render(now).map_err(io::Error::other)?;
            self.rendered_secs = secs;
        }
        Ok(self.rendered.clone())
    }
}

/// The path of part `part` of a period: the period's path itself for part 0, else the
/// number before the extension (`app.log` → `app.3.log`; `app` → `app.3`).
pub(crate) fn part_path(period: &Path, part: u32) -> PathBuf {
    if part == 0 {
        return period.to_path_buf();
    }
    let stem = period.file_stem().unwrap_or_default().to_string_lossy();
    let name = match period.extension() {
        Some(ext) => format!("{stem}.{part}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{part}"),
    };
    period.with_file_name(name)
}

/// Where writing resumes in a period, from part `from` on: the last part that exists
/// (and still has room) or the next free one, with its current size.
fn last_part(period: &Path, from: u32, max_bytes: Option<u64>) -> (u32, u64) {
    let mut part = from;
    while part_path(period, part + 1).exists() {
        part += 1;
    }
    let size = fs::metadata(part_path(period, part)).map_or(0, |m| m.len());
    match max_bytes {
        Some(max) if size >= max => (part + 1, 0),
        _ => (part, size),
    }
}

impl RollingWriterBuilder {
    /// Starts a new part when a record would take the file past `bytes`.
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = Some(bytes);
        self
    }

    /// Keeps only the files of the newest `periods` periods.
    pub fn keep_periods(mut self, periods: usize) -> Self {
        self.retention.keep_periods = Some(periods.max(1));
        self
    }

    /// Deletes files not modified for `age`.
    pub fn max_age(mut self, age: Duration) -> Self {
        self.retention.max_age = Some(age);
        self
    }

    /// Gzips closed files.
    pub fn compress(mut self, on: bool) -> Self {
        self.compress = on;
        self
    }

    /// Takes the time from `clock` (a [`ManualClock`](crate::ManualClock) in tests).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Renders the pattern in UTC instead of local time.
    pub fn utc(mut self, on: bool) -> Self {
        self.utc = on;
        self
    }

    /// The writer. Nothing is opened until the first record.
    ///
    /// # Errors
    ///
    /// If the pattern is not UTF-8, contains `..`, names no file, or has a strftime
    /// directive jiff does not know.
    pub fn build(self) -> Result<RollingWriter, Error> {
        let time_zone = if self.utc {
            TimeZone::UTC
        } else {
            TimeZone::system()
        };
        let pattern = Pattern::new(&self.pattern, time_zone).map_err(Error::new)?;
        Ok(RollingWriter {
            inner: Arc::new(Inner {
                pattern,
                clock: self.clock,
                max_bytes: self.max_bytes,
                retention: self.retention,
                compress: self.compress,
                state: Mutex::new(State {
                    current: None,
                    rendered_secs: i64::MIN,
                    rendered: PathBuf::new(),
                    compressing: Vec::new(),
                    in_progress: retention::InProgress::default(),
                    lost: 0,
                }),
            }),
        })
    }
}

impl Write for RollingWriter {
    /// Writes `record` whole (see [`RollingWriter`]).
    fn write(&mut self, record: &[u8]) -> io::Result<usize> {
        (&*self).write(record)
    }

    fn write_all(&mut self, record: &[u8]) -> io::Result<()> {
        (&*self).write_all(record)
    }

    /// Flushes the file and waits for background compression.
    fn flush(&mut self) -> io::Result<()> {
        (&*self).flush()
    }
}

impl Write for &RollingWriter {
    fn write(&mut self, record: &[u8]) -> io::Result<usize> {
        self.write_record(record)?;
        Ok(record.len())
    }

    fn write_all(&mut self, record: &[u8]) -> io::Result<()> {
        self.write_record(record)
    }

    /// Waits for background compression, applies retention again (to the files that were
    /// being compressed when it last ran), and reports records that could not be written
    /// since the last report (records reach the file as they are written: there is no
    /// buffer to flush).
    fn flush(&mut self) -> io::Result<()> {
        let pending = {
            let mut state = self.lock();
            if state.lost > 0 {
                hooklog::report_failure(
                    "hooklog-file lost records",
                    format_args!(
                        "{} records could not be written to {}",
                        std::mem::take(&mut state.lost),
                        self.inner.pattern.text()
                    ),
                );
            }
            std::mem::take(&mut state.compressing)
        };
        let compressed = !pending.is_empty();
        for handle in pending {
            let _ = handle.join();
        }
        if compressed {
            let inner = &*self.inner;
            let state = self.lock();
            if let Some(current) = &state.current {
                let path = part_path(&current.period, current.part);
                let now = inner.clock.now();
                inner
                    .retention
                    .apply(&inner.pattern, &path, now, &state.in_progress);
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for RollingWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RollingWriter")
            .field("pattern", &self.inner.pattern)
            .field("max_bytes", &self.inner.max_bytes)
            .field("current", &self.current_path())
            .finish_non_exhaustive()
    }
}
