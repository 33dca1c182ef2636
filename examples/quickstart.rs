//! hooklog in one page: the global logger, fields, a custom hook, text and JSON, and a
//! `MemoryOut` that reaches `logs/quickstart.log` when the process ends.
//!
//! Run with `cargo run --example quickstart`.

use std::sync::atomic::{AtomicUsize, Ordering};

use hooklog::{
    Destination, Entry, Error, Formatter, Hook, JsonFormatter, Level, Logger, MemoryOut,
    TextFormatter, info, log_fields, warn,
};

/// A custom hook: copies every record, as JSON, into an out of its own.
struct CopyAsJson {
    out: MemoryOut,
    formatter: JsonFormatter,
}

impl Hook for CopyAsJson {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let mut line = Vec::new();
        self.formatter
            .format(entry, Destination::PLAIN, &mut line)?;
        std::io::Write::write_all(&mut &self.out, &line)?;
        Ok(())
    }
}

/// A custom hook that edits records: counts errors and numbers them.
#[derive(Default)]
struct ErrorCounter(AtomicUsize);

impl Hook for ErrorCounter {
    fn levels(&self) -> &[Level] {
        &[Level::Error, Level::Fatal, Level::Panic]
    }

    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        entry.fields_mut().insert("error_number", n);
        Ok(())
    }
}

fn main() {
    // The global logger writes text to stderr: coloured on a terminal, logfmt otherwise.
    hooklog::set_level(Level::Debug);

    // Every record is also kept in memory as JSON and appended to logs/quickstart.log when
    // the process ends, however it ends (return, exit, fatal, panic, signals).
    // Hooks fire in the order they are added, so the copy sees the error number.
    hooklog::add_hook(ErrorCounter::default());
    let file = MemoryOut::new().persist_to("logs/quickstart.log");
    hooklog::add_hook(CopyAsJson {
        out: file,
        formatter: JsonFormatter::new(),
    });

    // Fields, the logrus way and the macro way.
    let name = "alice";
    log_fields! { "user" => name, "attempt" => 3 }.warn("login failed");
    hooklog::with_field("user", name).info("login succeeded");
    info!("served {} bytes", 512; "path" => "/index.html", "status" => 200);
    hooklog::debug!("cache warm"; "entries" => 1024);

    // A request-scoped context entry logs many records.
    let request = hooklog::with_field("request_id", "r-42");
    request.info("request started");
    warn!(request, "slow upstream"; "upstream_ms" => 812.5);
    request
        .with_error(&std::io::Error::other("connection reset"))
        .error("request failed");

    // A second logger that writes JSON to stdout, for log shippers.
    let json = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(std::io::stdout())
        .build();
    json.with_field("user", name)
        .with_field("admin", false)
        .info("json record");

    // The same record as plain text without colours or time.
    let text = Logger::builder()
        .formatter(
            TextFormatter::new()
                .disable_colors(true)
                .disable_timestamp(true),
        )
        .out(std::io::stdout())
        .build();
    text.with_field("user", name).info("text record");

    eprintln!(
        "(the global logger's records above, not the two on stdout, are appended to \
         logs/quickstart.log as JSON at exit)"
    );
}
