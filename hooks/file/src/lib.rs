//! Local files for hooklog, like lfshook in Go: [`FileHook`] sends records to one file
//! or a file per level, and [`RollingWriter`] (which also works as a logger's out) rolls
//! files over by period (a strftime pattern in the path) and size, keeps only what
//! retention allows, and can gzip what it closed.
//!
//! ```
//! use hooklog::{JsonFormatter, Level, Logger};
//! use hooklog_file::{FileHook, RollingWriter};
//!
//! let dir = std::env::temp_dir().join(format!("hooklog-file-doc-{}", std::process::id()));
//! let all = RollingWriter::builder(dir.join("app-%Y-%m-%d.log")).keep_periods(14).build()?;
//! let errors = RollingWriter::builder(dir.join("error-%Y-%m.log")).build()?;
//! let hook = FileHook::per_level([
//!     (Level::Error, errors.clone()),
//!     (Level::Warn, all.clone()),
//!     (Level::Info, all.clone()),
//! ])
//! .formatter(JsonFormatter::new());
//! let logger = Logger::builder().hook(hook).out(std::io::sink()).build();
//! logger.error("to the error file");
//! logger.info("to the daily file");
//! assert!(errors.current_path().unwrap().starts_with(&dir));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Paths that include data (a request path, a user name) must pass it through
//! [`sanitize_component`], so that it can never leave the log directory.

#![warn(missing_docs)]

mod clock;
mod directive;
mod pattern;
mod retention;
mod rolling;

use std::cell::RefCell;
use std::io::Write;

use hooklog::{Destination, Entry, Error, Formatter, Hook, Level, TextFormatter};

pub use clock::{Clock, ManualClock, SystemClock};
pub use pattern::sanitize_component;
pub use rolling::{RollingWriter, RollingWriterBuilder};

/// Sends records to local files: one [`RollingWriter`] for every level, or one per
/// level (levels may share a writer). Records are formatted by the hook's own formatter
/// (plain text by default) for a file, which is not a terminal, so a formatter that
/// colours a terminal writes no colours here, and written whole.
pub struct FileHook {
    levels: Vec<Level>,
    writers: [Option<RollingWriter>; Level::ALL.len()],
    formatter: Box<dyn Formatter>,
}

impl FileHook {
    /// Every level to `writer`.
    pub fn new(writer: RollingWriter) -> FileHook {
        FileHook::per_level(Level::ALL.map(|level| (level, writer.clone())))
    }

    /// Each listed level to its writer; other levels are not handled.
    pub fn per_level(writers: impl IntoIterator<Item = (Level, RollingWriter)>) -> FileHook {
        let mut by_level: [Option<RollingWriter>; Level::ALL.len()] = Default::default();
        for (level, writer) in writers {
            by_level[level as usize] = Some(writer);
        }
        FileHook {
            levels: Level::ALL
                .into_iter()
                .filter(|&l| by_level[l as usize].is_some())
                .collect(),
            writers: by_level,
            formatter: Box::new(TextFormatter::new()),
        }
    }

    /// Formats records with `formatter`.
    #[must_use]
    pub fn formatter(mut self, formatter: impl Formatter) -> FileHook {
        self.formatter = Box::new(formatter);
        self
    }
}

thread_local! {
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Hook for FileHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Formats the record and writes it to its level's file.
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let Some(writer) = &self.writers[entry.level() as usize] else {
            return Ok(());
        };
        hooklog::encode::with_scratch(&BUF, |buf| {
            buf.clear();
            self.formatter.format(entry, Destination::PLAIN, buf)?;
            (&*writer).write_all(buf)?;
            Ok(())
        })
    }

    /// Flushes every writer and waits for background compression.
    fn flush(&self) -> Result<(), Error> {
        let mut first_error = None;
        for writer in self.writers.iter().flatten() {
            if let Err(e) = (&*writer).flush() {
                first_error.get_or_insert(Error::from(e));
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
