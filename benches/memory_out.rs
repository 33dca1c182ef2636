//! `MemoryOut` throughput: 1,000,000 fields10 records into memory, then persisted, beside
//! writing the same bytes with one `std::fs::write`. `cargo bench --bench memory_out`.
#![allow(clippy::approx_constant)] // float=3.14159 is part of the scenario

use std::time::Instant;

use hooklog::{JsonFormatter, Logger, MemoryOut};

#[path = "common/fields10.rs"]
mod fields10;

use fields10::{hooklog_emit, hooklog_fields10};

fn main() {
    // `cargo test --benches` runs this without `--bench`: keep that run short.
    let records: u64 = if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        1_000
    };
    let dir = std::env::temp_dir().join(format!("hooklog-memory-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let persisted = dir.join("persisted.log");
    let out = MemoryOut::new().persist_to(&persisted);
    let logger = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(out.clone())
        .build();

    let start = Instant::now();
    for _ in 0..records {
        hooklog_fields10!(info, logger);
    }
    let logging = start.elapsed();
    let bytes = out.contents();

    let start = Instant::now();
    out.persist().expect("persist");
    let persisting = start.elapsed();

    let start = Instant::now();
    std::fs::write(dir.join("plain.log"), &bytes).expect("fs::write");
    let writing = start.elapsed();

    let mib = bytes.len() as f64 / (1 << 20) as f64;
    println!(
        "logging: {records} records, {mib:.1} MiB in {:.3} s: {:.0} records/s",
        logging.as_secs_f64(),
        records as f64 / logging.as_secs_f64()
    );
    println!(
        "persist: {:.1} MiB/s; std::fs::write: {:.1} MiB/s; persist / fs::write = {:.2}",
        mib / persisting.as_secs_f64(),
        mib / writing.as_secs_f64(),
        writing.as_secs_f64() / persisting.as_secs_f64()
    );
    assert_eq!(
        std::fs::metadata(&persisted).expect("persisted").len(),
        bytes.len() as u64
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}
