//! Writing your own hook: send warnings and errors to an alerting queue, add fields, and
//! flush what is pending at exit.
//!
//! Run with `cargo run --example custom_hook`.

use std::sync::Mutex;

use hooklog::{Entry, Error, Hook, Level, Logger, MemoryOut, TextFormatter};

/// Collects warnings and errors into batches, as a hook for a paging service might.
#[derive(Default)]
struct AlertHook {
    pending: Mutex<Vec<String>>,
}

impl Hook for AlertHook {
    /// Only warnings and worse reach this hook.
    fn levels(&self) -> &[Level] {
        &[Level::Panic, Level::Fatal, Level::Error, Level::Warn]
    }

    /// Runs before the record is formatted: tag it, and queue a summary.
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        entry.fields_mut().insert("alerted", true);
        let summary = format!("[{}] {}", entry.level(), entry.message());
        self.pending
            .lock()
            .map_err(|_| Error::new("alert queue poisoned"))?
            .push(summary);
        Ok(())
    }

    /// Runs on `Logger::flush` and on every exit path: deliver the batch.
    fn flush(&self) -> Result<(), Error> {
        let batch = std::mem::take(&mut *self.pending.lock().map_err(|_| Error::new("poisoned"))?);
        for alert in batch {
            println!("ALERT {alert}");
        }
        Ok(())
    }
}

/// A hook that fails: its error is reported on stderr and the record is still written.
struct FlakyHook;

impl Hook for FlakyHook {
    fn levels(&self) -> &[Level] {
        &[Level::Error]
    }

    fn fire(&self, _: &mut Entry) -> Result<(), Error> {
        Err(Error::new("alerting service unreachable"))
    }
}

fn main() -> Result<(), Error> {
    let out = MemoryOut::new();
    let logger = Logger::builder()
        .formatter(
            TextFormatter::new()
                .disable_colors(true)
                .disable_timestamp(true),
        )
        .out(out.clone())
        .hook(AlertHook::default())
        .hook(FlakyHook)
        .build();

    logger.info("service started");
    logger.with_field("disk", "/var").warn("disk 91% full");
    logger.with_field("job", "backup").error("backup failed");
    logger.flush()?;

    print!("{}", String::from_utf8_lossy(&out.contents()));
    Ok(())
}
