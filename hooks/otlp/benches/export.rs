//! The OTLP hook's cost and throughput on the fields10 record (ten typed fields), the
//! logger writing JSON to `io::sink()` as a service writing to stdout would:
//!
//! - `logger alone`: the logger without the hook, for comparison;
//! - `logging thread`: what the logging thread spends per record with the hook (encoding
//!   into reused storage, queueing), the worker sending on the other core meanwhile;
//! - `logging thread, no formatter`: the same with a formatter that writes nothing: the
//!   logger's own work and the hook's encoding, on one core;
//! - `delivered`: records logged, then flushed: each one encoded, batched, sent and
//!   answered by a local receiver (one that reads each request and answers 200).
//!
//! `cargo bench -p hooklog-otlp --bench export`: criterion's time and records per second
//! (`thrpt`), then allocations per record on the logging thread once warm.
#![allow(clippy::approx_constant)] // float=3.14159 is part of the fields10 record

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use hooklog::{Destination, Entry, Error, Formatter, JsonFormatter, Logger, QueueFull};
use hooklog_otlp::OtlpHook;
use hooklog_test::{CountingAllocator, allocations_during};

#[path = "../tests/common/sink.rs"]
mod sink;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn fields10(logger: &Logger) {
    hooklog::info!(logger, "request handled";
        "int" => 1i64, "int64" => 123456789i64, "float" => 3.14159,
        "string" => "hello world", "bool" => true, "error" => "fail",
        "user" => "alice@example.com", "path" => "/api/v1/users/42",
        "status" => 200u64, "latency_ms" => 12.5);
}

/// Formats nothing: the logger then costs only its own work and its hooks'.
struct Unformatted;

impl Formatter for Unformatted {
    fn format(&self, _: &Entry, _: Destination, _: &mut Vec<u8>) -> Result<(), Error> {
        Ok(())
    }
}

/// The hook, with room for whatever a measurement logs before it flushes.
fn hook(sink: &sink::Sink) -> OtlpHook {
    OtlpHook::builder()
        .endpoint(&sink.url)
        .max_buffer_bytes(2 << 30)
        .on_full(QueueFull::Block)
        .build()
        .unwrap()
}

fn logger(sink: Option<&sink::Sink>) -> Logger {
    let builder = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(std::io::sink());
    match sink {
        None => builder.build(),
        Some(sink) => builder.hook(hook(sink)).build(),
    }
}

fn export(c: &mut Criterion) {
    let sink = sink::Sink::start();
    let mut group = c.benchmark_group("otlp-fields10");
    group.throughput(Throughput::Elements(1));
    let alone = logger(None);
    group.bench_function("logger alone", |b| b.iter(|| fields10(&alone)));
    let exporting = logger(Some(&sink));
    group.bench_function("logging thread", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                fields10(&exporting);
            }
            let elapsed = start.elapsed();
            exporting.flush().unwrap();
            elapsed
        })
    });
    let exporting_only = Logger::builder()
        .formatter(Unformatted)
        .out(std::io::sink())
        .hook(hook(&sink))
        .build();
    group.bench_function("logging thread, no formatter", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                fields10(&exporting_only);
            }
            let elapsed = start.elapsed();
            exporting_only.flush().unwrap();
            elapsed
        })
    });
    group.bench_function("delivered", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                fields10(&exporting);
            }
            exporting.flush().unwrap();
            start.elapsed()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = export
}

fn main() {
    benches();
    Criterion::default().final_summary();
    let sink = sink::Sink::start();
    let logger = logger(Some(&sink));
    let records = 10_000;
    // Warm up with a larger backlog than the one measured: the receiver holds its answer.
    sink.hold();
    (0..2 * records).for_each(|_| fields10(&logger));
    sink.release();
    logger.flush().unwrap();
    let allocations = allocations_during(|| (0..records).for_each(|_| fields10(&logger)));
    logger.flush().unwrap();
    println!(
        "otlp-fields10: {:.3} allocations per record on the logging thread ({allocations} in {records})",
        allocations as f64 / records as f64
    );
}
