//! Every way a process can end, with a `MemoryOut` that must reach its file on each.
//!
//! `cargo run --example exit_paths -- <how> <file>` logs 1,000 numbered records into a
//! `MemoryOut` persisted to `<file>`, then ends as `<how>` says:
//!
//! | how | ends by |
//! |---|---|
//! | `return` | returning from `main` |
//! | `exit` | `std::process::exit(3)` |
//! | `fatal` | `logger.fatal(..)` (exit code 1) |
//! | `panic-main` | a panic on the main thread |
//! | `panic-thread` | a panic on another thread, then `_exit` (skipping `atexit`) |
//! | `panic-abort` | a panic whose hook aborts the process, as `panic = "abort"` does |
//! | `signal` | waiting for SIGTERM, SIGINT or SIGHUP after `flush_on_signals()` |
//! | `flood` | 200,000 records through a 64 KiB buffer with `Overflow::Flush` |
//! | `recorder` | 1,000 records through a 4 KiB buffer with `Overflow::DropOldest` |
//! | `periodic` | `flush_every(50 ms)`, then waiting to be killed |
//! | `async-exit` | `std::process::exit(0)` with an `AsyncHook` that appends to `<file>.async` |
//!
//! The integration tests in `tests/exit_paths.rs` run it and check the file.

use std::io::Write;
use std::time::Duration;

use hooklog::{AsyncHook, Entry, Error, Hook, Logger, MemoryOut, Overflow, TextFormatter};

/// Says on stderr when it is flushed, so the tests see hooks flushed on each path.
struct FlushProbe;

impl Hook for FlushProbe {
    fn fire(&self, _: &mut Entry) -> Result<(), Error> {
        Ok(())
    }

    fn flush(&self) -> Result<(), Error> {
        let _ = std::io::stderr().write_all(b"HOOK-FLUSHED\n");
        Ok(())
    }
}

/// Appends each record's `n` to a file, slowly, as a network hook would.
struct SlowFileHook(std::sync::Mutex<std::fs::File>);

impl Hook for SlowFileHook {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        std::thread::sleep(Duration::from_micros(20));
        let n = entry
            .fields()
            .get("n")
            .and_then(|v| v.as_u64())
            .unwrap_or(u64::MAX);
        let mut file = self.0.lock().map_err(|_| Error::new("poisoned"))?;
        writeln!(file, "level=info n={n}")?;
        Ok(())
    }
}

fn logger(out: &MemoryOut) -> Logger {
    Logger::builder()
        .formatter(
            TextFormatter::new()
                .disable_timestamp(true)
                .disable_colors(true),
        )
        .out(out.clone())
        .hook(FlushProbe)
        .build()
}

fn log_records(logger: &Logger, numbers: std::ops::Range<u64>) {
    for n in numbers {
        hooklog::info!(logger, "record {}", n; "n" => n);
    }
}

/// Peak resident memory of this process, in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs as `nobody` when started as root, so permission failures are real.
fn drop_root() {
    // SAFETY: plain libc calls that only change this process's credentials.
    unsafe {
        if libc::geteuid() == 0 {
            assert_eq!(libc::setgid(65534), 0, "setgid nobody");
            assert_eq!(libc::setuid(65534), 0, "setuid nobody");
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, how, path] = args.as_slice() else {
        eprintln!("usage: exit_paths <how> <file>");
        std::process::exit(2);
    };
    if how == "unwritable-as-nobody" {
        drop_root();
    }
    let out = MemoryOut::new().persist_to(path);
    let logger = logger(&out);
    match how.as_str() {
        "return" | "unwritable-as-nobody" => log_records(&logger, 0..1000),
        "exit" => {
            log_records(&logger, 0..1000);
            std::process::exit(3);
        }
        "fatal" => {
            log_records(&logger, 0..1000);
            logger.fatal("the end");
        }
        "panic-main" => {
            log_records(&logger, 0..1000);
            panic!("main thread gives up");
        }
        "panic-thread" => {
            log_records(&logger, 0..1000);
            let worker = std::thread::spawn(|| panic!("worker gives up"));
            assert!(worker.join().is_err());
            // Skip atexit: only the panic hook can have persisted the records.
            // SAFETY: ends the process at once; nothing runs after it.
            unsafe { libc::_exit(101) };
        }
        "panic-abort" => {
            // What `panic = "abort"` does after the panic hooks run.
            let hooklog_hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                hooklog_hook(info);
                std::process::abort();
            }));
            log_records(&logger, 0..1000);
            panic!("abort now");
        }
        "signal" => {
            hooklog::flush_on_signals().expect("signal handling");
            log_records(&logger, 0..1000);
            println!("READY");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        "flood" => {
            let bounded = MemoryOut::new()
                .persist_to(path)
                .max_bytes(64 * 1024)
                .on_full(Overflow::Flush);
            let logger = self::logger(&bounded);
            log_records(&logger, 0..1000);
            let before = peak_rss_kib();
            log_records(&logger, 1000..200_000);
            println!("VmHWM before={before} after={}", peak_rss_kib());
        }
        "recorder" => {
            let bounded = MemoryOut::new()
                .persist_to(path)
                .max_bytes(4096)
                .on_full(Overflow::DropOldest);
            log_records(&self::logger(&bounded), 0..1000);
        }
        "periodic" => {
            let periodic = MemoryOut::new()
                .persist_to(path)
                .flush_every(Duration::from_millis(50));
            log_records(&self::logger(&periodic), 0..100);
            println!("READY");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        "async-exit" => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(format!("{path}.async"))
                .expect("open the async hook's file");
            logger.add_hook(AsyncHook::new(SlowFileHook(std::sync::Mutex::new(file))));
            log_records(&logger, 0..1000);
            std::process::exit(0);
        }
        other => {
            eprintln!("unknown way to end: {other}");
            std::process::exit(2);
        }
    }
}
