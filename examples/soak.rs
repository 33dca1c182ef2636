//! A soak run: two threads log as fast as they can through a realistic setup, and every
//! record is accounted for. `cargo run --release --example soak -- [seconds] [dir]`
//! (default 60 s, a temporary directory).
//!
//! The setup: JSON into a rolling file (64 MiB parts, retention by period and age), an
//! `AsyncHook` (10,000 records, `DropNewest`) in front of a hook that counts, and a
//! `MemoryOut` (4 MiB, `Overflow::Flush`) persisted to its own file. Each second it
//! prints the records so far, the resident memory and the open file descriptors; at the
//! end it counts the lines in the files and checks each record is written or counted as
//! dropped by the async queue's policy.
#![allow(clippy::approx_constant)] // float=3.14159 is the benchmark's field

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hooklog::{
    AsyncHook, Entry, Error, Hook, JsonFormatter, Logger, MemoryOut, Overflow, QueueFull,
};
use hooklog_file::RollingWriter;
use hooklog_writer::WriterHook;

/// Counts the records it receives.
#[derive(Default)]
struct Count(AtomicU64);

impl Hook for Count {
    fn fire(&self, _: &mut Entry) -> Result<(), Error> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn count_lines(dir: &std::path::Path, prefix: &str) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| {
            use std::io::BufRead;
            let file = std::io::BufReader::new(std::fs::File::open(e.path()).unwrap());
            file.split(b'\n').count() as u64
        })
        .sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args.get(1).map_or(Ok(60), |s| s.parse())?;
    let dir = args.get(2).map_or_else(
        || std::env::temp_dir().join(format!("hooklog-soak-{}", std::process::id())),
        std::path::PathBuf::from,
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;

    let rolling = RollingWriter::builder(dir.join("app-%Y-%m-%d_%H.log"))
        .max_bytes(64 << 20)
        .keep_periods(48)
        .max_age(Duration::from_secs(2 * 86_400))
        .build()?;
    let memory = MemoryOut::new()
        .persist_to(dir.join("memory.log"))
        .max_bytes(4 << 20)
        .on_full(Overflow::Flush);
    let counted = Arc::new(Count::default());
    let async_hook = Arc::new(
        AsyncHook::new(Arc::clone(&counted))
            .capacity(10_000)
            .on_full(QueueFull::DropNewest),
    );
    let logger = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(rolling)
        .hook(Arc::clone(&async_hook))
        .hook(WriterHook::new(memory.clone(), &hooklog::Level::ALL).formatter(JsonFormatter::new()))
        .build();

    let logged = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let workers: Vec<_> = (0..2u64)
        .map(|thread| {
            let (logger, logged, stop) = (logger.clone(), Arc::clone(&logged), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    hooklog::info!(logger, "request handled";
                        "thread" => thread, "n" => n, "int64" => 123456789i64, "float" => 3.14159,
                        "string" => "hello world", "bool" => true, "user" => "alice@example.com",
                        "path" => "/api/v1/users/42", "status" => 200u64, "latency_ms" => 12.5);
                    n += 1;
                    if n.is_multiple_of(1024) {
                        logged.fetch_add(1024, Ordering::Relaxed);
                    }
                }
                logged.fetch_add(n % 1024, Ordering::Relaxed);
            })
        })
        .collect();

    println!("second,records,rss_kib,fds");
    for second in 1..=seconds {
        std::thread::sleep(
            Duration::from_secs(1).saturating_sub(
                start
                    .elapsed()
                    .saturating_sub(Duration::from_secs(second - 1)),
            ),
        );
        println!(
            "{second},{},{},{}",
            logged.load(Ordering::Relaxed),
            status_kib("VmRSS:"),
            open_fds()
        );
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().expect("a worker");
    }
    let elapsed = start.elapsed();
    logger.flush()?;
    memory.persist()?;

    let peak = status_kib("VmHWM:");
    let total = logged.load(Ordering::Relaxed);
    let in_rolling = count_lines(&dir, "app-");
    let in_memory_file = count_lines(&dir, "memory");
    let (received, dropped) = (counted.0.load(Ordering::Relaxed), async_hook.dropped());
    println!(
        "logged {total} records in {:.1} s: {:.0} records/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    println!("rolling files: {in_rolling} lines; memory out file: {in_memory_file} lines");
    println!(
        "async hook: {received} handled + {dropped} dropped (DropNewest) = {}",
        received + dropped
    );
    println!("peak RSS during the run {peak} KiB");
    assert_eq!(in_rolling, total, "rolling files lost records");
    assert_eq!(in_memory_file, total, "the memory out lost records");
    assert_eq!(
        received + dropped,
        total,
        "the async hook lost track of records"
    );
    std::fs::remove_dir_all(&dir)?;
    println!("every record accounted for");
    Ok(())
}
