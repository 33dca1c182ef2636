//! One million fields10 records to a real file, each crate in its recommended fast file
//! setup, timed from the first record to the last byte handed to the file (the final
//! flush or persist included): `cargo bench --bench file1m`.
//!
//! Each case runs three times into a fresh file in a temporary directory; the median is
//! reported, and every run's file is checked to hold exactly one line per record.
#![allow(clippy::approx_constant)] // float=3.14159 is part of the scenario

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::{Duration, Instant};

use hooklog::{JsonFormatter, Logger, MemoryOut, Overflow};

#[path = "common/fields10.rs"]
mod fields10;

use fields10::{hooklog_emit, hooklog_fields10, slog_fields10, spdlog_fields10, tracing_fields10};

/// One crate's setup: logs `n` records into the file at the path, returns when they are
/// all handed to it.
type Run = fn(&Path, u64);

const CASES: [(&str, &str, Run); 6] = [
    (
        "hooklog",
        "MemoryOut::persist_to, max_bytes 4 MiB, Overflow::Flush (JSON)",
        hooklog_memory_out,
    ),
    (
        "hooklog",
        "BufWriter<File> as the out (JSON)",
        hooklog_buf_writer,
    ),
    (
        "tracing",
        "tracing-appender non_blocking, lossy(false) (JSON)",
        tracing_non_blocking,
    ),
    (
        "slog",
        "slog-async (Block on overflow) over slog-json (JSON)",
        slog_async,
    ),
    (
        "spdlog-rs",
        "AsyncPoolSink over FileSink (text: its JSON formatter writes no key-values)",
        spdlog_async,
    ),
    (
        "hooklog",
        "BufWriter<File> as the out (text), to read beside spdlog-rs",
        hooklog_buf_writer_text,
    ),
];

fn main() {
    // `cargo test --benches` runs this without `--bench`: keep that run short.
    let records: u64 = if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        1_000
    };
    let dir = std::env::temp_dir().join(format!("hooklog-file1m-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!("| crate | setup | median s | records/s | ÷ fastest peer (JSON) |");
    println!("|---|---|---:|---:|---:|");
    let mut results = Vec::new();
    for (krate, setup, run) in CASES {
        let mut times: Vec<Duration> = (0..3)
            .map(|i| {
                let path = dir.join(format!("{krate}-{i}.log"));
                let start = Instant::now();
                run(&path, records);
                let took = start.elapsed();
                let lines = std::fs::read(&path)
                    .expect("the log file")
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                assert_eq!(lines as u64, records, "{krate} ({setup}) lost records");
                std::fs::remove_file(&path).expect("clean up");
                took
            })
            .collect();
        times.sort();
        results.push((krate, setup, times[1]));
    }
    let fastest_peer = results
        .iter()
        .filter(|(krate, setup, _)| *krate != "hooklog" && setup.contains("(JSON)"))
        .map(|(_, _, t)| *t)
        .min()
        .expect("a peer ran");
    for (krate, setup, took) in results {
        let ratio = match setup.contains("(JSON)") {
            true => format!("{:.2}", took.as_secs_f64() / fastest_peer.as_secs_f64()),
            false => "n/a".into(),
        };
        println!(
            "| {krate} | {setup} | {:.3} | {:.0} | {ratio} |",
            took.as_secs_f64(),
            records as f64 / took.as_secs_f64()
        );
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}

fn hooklog_memory_out(path: &Path, n: u64) {
    let out = MemoryOut::new()
        .persist_to(path)
        .max_bytes(4 << 20)
        .on_full(Overflow::Flush);
    let logger = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(out.clone())
        .build();
    (0..n).for_each(|_| hooklog_fields10!(info, logger));
    out.persist().expect("persist");
}

fn hooklog_buf_writer(path: &Path, n: u64) {
    hooklog_to_file(path, n, JsonFormatter::new());
}

fn hooklog_buf_writer_text(path: &Path, n: u64) {
    hooklog_to_file(path, n, hooklog::TextFormatter::new().disable_colors(true));
}

fn hooklog_to_file(path: &Path, n: u64, formatter: impl hooklog::Formatter) {
    let file = File::create(path).expect("the log file");
    let logger = Logger::builder()
        .formatter(formatter)
        .out(BufWriter::with_capacity(64 << 10, file))
        .build();
    (0..n).for_each(|_| hooklog_fields10!(info, logger));
    logger.flush().expect("flush");
}

fn tracing_non_blocking(path: &Path, n: u64) {
    let file = File::create(path).expect("the log file");
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(file);
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::INFO)
        .with_writer(writer)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        for _ in 0..n {
            tracing_fields10!(info);
        }
    });
    drop(guard); // waits for the worker to write everything
}

fn slog_async(path: &Path, n: u64) {
    use slog::Drain;

    let file = BufWriter::with_capacity(64 << 10, File::create(path).expect("the log file"));
    let json = slog_json::Json::new(file).add_default_keys().build().fuse();
    let (drain, guard) = slog_async::Async::new(json)
        .overflow_strategy(slog_async::OverflowStrategy::Block)
        .build_with_guard();
    let logger = slog::Logger::root(drain.fuse(), slog::o!());
    for _ in 0..n {
        slog_fields10!(info, logger);
    }
    drop(logger);
    drop(guard); // joins the worker, which drops (and so flushes) the writer
}

fn spdlog_async(path: &Path, n: u64) {
    use spdlog::formatter::FullFormatter;
    use spdlog::sink::{AsyncPoolSink, FileSink};
    use std::sync::Arc;

    let file = FileSink::builder()
        .path(path)
        .truncate(true)
        .formatter(FullFormatter::new())
        .build()
        .expect("spdlog file sink");
    let sink = AsyncPoolSink::builder()
        .sink(Arc::new(file))
        .build()
        .expect("spdlog async sink");
    let logger = spdlog::Logger::builder()
        .sink(Arc::new(sink))
        .build()
        .expect("spdlog logger");
    for _ in 0..n {
        spdlog_fields10!(info, &logger);
    }
    logger.flush();
    drop(logger);
}
