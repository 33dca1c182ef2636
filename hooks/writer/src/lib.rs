//! A hook that sends chosen levels to any writer, with its own formatter: errors to
//! stderr while the logger's out is a file, or warnings to a second file as JSON.
//!
//! ```
//! use hooklog::{JsonFormatter, Level, Logger, MemoryOut, TextFormatter};
//! use hooklog_writer::WriterHook;
//!
//! let errors = MemoryOut::new();
//! let hook = WriterHook::new(errors.clone(), &[Level::Error, Level::Fatal, Level::Panic])
//!     .formatter(JsonFormatter::new().disable_timestamp(true));
//! let logger = Logger::builder().out(std::io::sink()).hook(hook).build();
//! logger.info("not an error");
//! logger.with_field("code", 7).error("disk failed");
//! assert_eq!(errors.contents(), b"{\"level\":\"error\",\"msg\":\"disk failed\",\"code\":7}\n");
//! ```

#![warn(missing_docs)]

use std::io::Write;
use std::sync::{Mutex, MutexGuard, PoisonError};

use hooklog::{Destination, Entry, Error, Formatter, Hook, Level, TextFormatter};

/// Writes the records of chosen levels to a writer through a formatter of its own.
///
/// Each record is formatted and written with one `write_all` under the hook's lock, so
/// records from several threads never interleave. The default formatter is
/// [`TextFormatter::new()`], which colours only when the writer is a terminal (stdout,
/// stderr or a file are asked; any other writer is taken not to be one), whatever the
/// logger's own out is.
pub struct WriterHook {
    levels: Vec<Level>,
    formatter: Box<dyn Formatter>,
    destination: Destination,
    writer: Mutex<Sink>,
}

struct Sink {
    writer: Box<dyn Write + Send>,
    buf: Vec<u8>,
}

impl WriterHook {
    /// Sends records of `levels` to `writer`.
    pub fn new(writer: impl Write + Send + 'static, levels: &[Level]) -> WriterHook {
        WriterHook {
            levels: levels.to_vec(),
            formatter: Box::new(TextFormatter::new()),
            destination: Destination::of(&writer),
            writer: Mutex::new(Sink {
                writer: Box::new(writer),
                buf: Vec::new(),
            }),
        }
    }

    /// Formats records with `formatter` instead of plain text.
    #[must_use]
    pub fn formatter(mut self, formatter: impl Formatter) -> WriterHook {
        self.formatter = Box::new(formatter);
        self
    }

    fn lock(&self) -> MutexGuard<'_, Sink> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Hook for WriterHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Formats the record and writes it in one `write_all`.
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let mut sink = self.lock();
        let Sink { writer, buf } = &mut *sink;
        buf.clear();
        self.formatter.format(entry, self.destination, buf)?;
        writer.write_all(buf)?;
        Ok(())
    }

    /// Flushes the writer.
    fn flush(&self) -> Result<(), Error> {
        self.lock().writer.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use hooklog::{Logger, MemoryOut, TextFormatter};

    use super::*;

    #[test]
    fn only_the_chosen_levels_reach_the_writer() {
        let warnings = MemoryOut::new();
        let out = MemoryOut::new();
        let logger = Logger::builder()
            .out(out.clone())
            .formatter(TextFormatter::new().disable_timestamp(true))
            .hook(
                WriterHook::new(warnings.clone(), &[Level::Warn]).formatter(
                    TextFormatter::new()
                        .disable_timestamp(true)
                        .disable_colors(true),
                ),
            )
            .build();
        logger.info("i");
        logger.warn("w");
        logger.error("e");
        assert_eq!(warnings.contents(), b"level=warning msg=w\n");
        assert_eq!(out.contents().iter().filter(|&&b| b == b'\n').count(), 3);
    }

    #[test]
    fn concurrent_records_stay_whole() {
        let sink = MemoryOut::new();
        let hook = Arc::new(WriterHook::new(sink.clone(), &Level::ALL));
        let logger = Logger::builder()
            .out(std::io::sink())
            .hook(Arc::clone(&hook))
            .build();
        std::thread::scope(|s| {
            for t in 0..4 {
                let logger = logger.clone();
                s.spawn(move || {
                    for i in 0..500 {
                        logger
                            .with_field("t", t)
                            .with_field("pad", "x".repeat(100))
                            .info(format_args!("{i}"));
                    }
                });
            }
        });
        let text = String::from_utf8(sink.contents()).unwrap();
        assert_eq!(text.lines().count(), 2000);
        assert!(
            text.lines()
                .all(|l| l.starts_with("time=") && l.ends_with(&"x".repeat(100)))
        );
    }

    #[test]
    fn write_errors_reach_the_caller() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("device full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Err(std::io::Error::other("device full"))
            }
        }
        let hook = WriterHook::new(Full, &Level::ALL);
        let logger = Logger::builder().out(std::io::sink()).build();
        let mut entry = logger.entry();
        assert_eq!(
            hook.fire(&mut entry).unwrap_err().to_string(),
            "device full"
        );
        assert_eq!(hook.flush().unwrap_err().to_string(), "device full");
    }
}
