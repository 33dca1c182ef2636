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
//! | `signal` | waiting for SIGTERM, SIGINT or SIGHUP after `flush_on_signals()` |
//! | `flood` | 200,000 records through a 64 KiB buffer with `Overflow::Flush` |
//! | `full-disk` | the records numbered by `HOOKLOG_RECORDS` (`from..to`) through a 64 KiB buffer with `Overflow::Flush` |
//! | `recorder` | 1,000 records through a 4 KiB buffer with `Overflow::DropOldest` |
//! | `periodic` | `flush_every(50 ms)`, then waiting to be killed |
//! | `async-exit` | `std::process::exit(0)` with an `AsyncHook` that appends to `<file>.async` |
//! | `segv`, `bus`, `ill`, `fpe`, `abort`, `stack-overflow` | 100,000 records, then that fault |
//! | `hook-panic` | a hook that panics on record 999 of 1,000 (run it built with `panic = "abort"`) |
//! | `flush-panic` | a hook whose flush panics, flushed inside `catch_unwind` and at exit |
//! | `stuck-fatal`, `stuck-signal` | an `AsyncHook` that never drains (300 ms timeout), then `fatal` or SIGTERM |
//! | `caught-panic` | a panic caught by `catch_unwind` with a stuck `AsyncHook`, then a return |
//! | `async-local` | 2,000 records through a local logger's `AsyncHook` (10 places, `DropNewest`, 1 ms per record), then `main` returns; handled numbers go to `<file>.async` |
//! | `async-last-handle` | 2,000 records through an `AsyncHook` (10 places, `DropNewest`) whose worker holds the logger's last handle when `main` returns; handled numbers go to `<file>.async` |
//!
//! The integration tests in `tests/exit_paths.rs` run it and check the file.
#![allow(
    unsafe_code,
    reason = "faults, signals and _exit: the ways a process ends are the point"
)]

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

/// Appends each record's `n` to the file `{path}.async`, taking `delay` per record as a
/// network destination would; a gated one first holds its first record until [`GATE`]
/// opens, so its worker is busy (and holds a handle to its logger) when the test chooses.
struct NumberFile {
    file: std::sync::Mutex<std::fs::File>,
    delay: Duration,
    gated: bool,
}

impl NumberFile {
    fn new(path: &str, delay: Duration) -> Self {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(format!("{path}.async"))
            .expect("open the async hook's file");
        NumberFile {
            file: std::sync::Mutex::new(file),
            delay,
            gated: false,
        }
    }

    fn gated(self) -> Self {
        NumberFile {
            gated: true,
            ..self
        }
    }
}

impl Hook for NumberFile {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        if self.gated && !HOLDING.swap(true, std::sync::atomic::Ordering::SeqCst) {
            let mut open = GATE.0.lock().map_err(|_| Error::new("poisoned"))?;
            while !*open {
                open = GATE.1.wait(open).map_err(|_| Error::new("poisoned"))?;
            }
        }
        std::thread::sleep(self.delay);
        let n = entry
            .fields()
            .get("n")
            .and_then(|v| v.as_u64())
            .unwrap_or(u64::MAX);
        let mut file = self.file.lock().map_err(|_| Error::new("poisoned"))?;
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

/// Never returns from `fire`: a destination that hangs.
struct Stuck;

impl Hook for Stuck {
    fn fire(&self, _: &mut Entry) -> Result<(), Error> {
        loop {
            std::thread::park();
        }
    }
}

/// Opened by `main` once it dropped its logger.
static GATE: (std::sync::Mutex<bool>, std::sync::Condvar) =
    (std::sync::Mutex::new(false), std::sync::Condvar::new());
/// Set once the hook holds its first record.
static HOLDING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Set when the gated logger is gone: a hook of its own is dropped with it.
static LOGGER_GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Opens [`GATE`], then waits until the gated worker dropped its logger's last handle.
fn open_the_gate_until_the_logger_is_gone() {
    *GATE.0.lock().expect("the gate") = true;
    GATE.1.notify_all();
    while !LOGGER_GONE.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::yield_now();
    }
}

/// Does nothing but say, by being dropped, that its logger is gone.
struct Sentinel;

impl Hook for Sentinel {
    fn fire(&self, _: &mut Entry) -> Result<(), Error> {
        Ok(())
    }
}

impl Drop for Sentinel {
    fn drop(&mut self) {
        LOGGER_GONE.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Logs 2,000 records through a local logger with a slow `AsyncHook`, then returns.
fn log_through_a_local_async_hook(path: &str) {
    let hook = AsyncHook::new(NumberFile::new(path, Duration::from_millis(1)))
        .capacity(10)
        .on_full(hooklog::QueueFull::DropNewest);
    let logger = Logger::builder().no_out().hook(hook).build();
    log_records(&logger, 0..2000);
}

/// Logs 2,000 records through a logger of its own, whose `AsyncHook` worker is held
/// on the first record until the logger is dropped.
fn log_through_a_gated_async_hook(path: &str) {
    let hook = AsyncHook::new(NumberFile::new(path, Duration::from_millis(1)).gated())
        .capacity(10)
        .on_full(hooklog::QueueFull::DropNewest);
    let logger = Logger::builder().no_out().hook(hook).hook(Sentinel).build();
    log_records(&logger, 0..2000);
    while !HOLDING.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::yield_now();
    }
    // The worker holds a handle to the logger while it fires: this is not the last one.
}

/// Panics when it sees record `n`.
struct PanicAt(u64);

impl Hook for PanicAt {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        if entry.fields().get("n").and_then(|v| v.as_u64()) == Some(self.0) {
            panic!("hook gives up at record {}", self.0);
        }
        Ok(())
    }
}

/// Panics when flushed.
struct PanickingFlush;

impl Hook for PanickingFlush {
    fn fire(&self, _: &mut Entry) -> Result<(), Error> {
        Ok(())
    }

    fn flush(&self) -> Result<(), Error> {
        panic!("flush gives up");
    }
}

/// Ends the process with the fault `how` names.
fn crash(how: &str) -> ! {
    match how {
        "segv" => {
            // SAFETY: none: this write to an unmapped address is the point.
            unsafe { std::ptr::write_volatile(std::ptr::without_provenance_mut::<u8>(16), 1) };
        }
        "bus" => {
            // A page of a file that has been truncated away: reading it raises SIGBUS.
            let path = std::env::temp_dir().join(format!("hooklog-bus-{}", std::process::id()));
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&path)
                .expect("a file to map");
            file.set_len(4096).expect("room for a page");
            // SAFETY: maps one page of an open file; it is read after being cut away,
            // which is the point.
            unsafe {
                use std::os::fd::AsRawFd;
                let page = libc::mmap(
                    std::ptr::null_mut(),
                    4096,
                    libc::PROT_READ,
                    libc::MAP_SHARED,
                    file.as_raw_fd(),
                    0,
                );
                assert_ne!(page, libc::MAP_FAILED, "mmap");
                file.set_len(0).expect("cut the file");
                let _ = std::fs::remove_file(&path);
                std::ptr::read_volatile(page.cast::<u8>());
            }
        }
        "ill" => raise_fault(libc::SIGILL),
        "fpe" => raise_fault(libc::SIGFPE),
        "abort" => std::process::abort(),
        "stack-overflow" => {
            #[allow(unconditional_recursion)]
            fn deeper(n: u64) -> u64 {
                let frame = std::hint::black_box([n; 64]);
                deeper(n + 1) + frame[7]
            }
            println!("{}", deeper(0));
        }
        _ => {}
    }
    unreachable!("{how} did not end the process")
}

/// An illegal instruction or a division by zero, executed for real where the
/// architecture allows, else the signal raised.
#[allow(unreachable_code)]
fn raise_fault(signal: libc::c_int) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: none: faulting is the point.
    unsafe {
        if signal == libc::SIGILL {
            std::arch::asm!("ud2");
        } else {
            std::arch::asm!("xor edx, edx", "xor eax, eax", "xor ecx, ecx", "div ecx", out("eax") _, out("ecx") _, out("edx") _);
        }
        return;
    }
    // SAFETY: a plain system call.
    unsafe { libc::raise(signal) };
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
        "full-disk" => {
            let range = std::env::var("HOOKLOG_RECORDS").unwrap_or_default();
            let (from, to) = range.split_once("..").expect("HOOKLOG_RECORDS=from..to");
            let bounded = MemoryOut::new()
                .persist_to(path)
                .max_bytes(64 * 1024)
                .on_full(Overflow::Flush);
            let numbers = from.parse().expect("from")..to.parse().expect("to");
            log_records(&self::logger(&bounded), numbers);
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
            logger.add_hook(AsyncHook::new(NumberFile::new(
                path,
                Duration::from_micros(20),
            )));
            log_records(&logger, 0..1000);
            std::process::exit(0);
        }
        "segv" | "bus" | "ill" | "fpe" | "abort" | "stack-overflow" => {
            log_records(&logger, 0..100_000);
            crash(how)
        }
        "hook-panic" => {
            logger.add_hook(PanicAt(999));
            log_records(&logger, 0..1000);
        }
        "flush-panic" => {
            logger.add_hook(PanickingFlush);
            log_records(&logger, 0..1000);
            let flushed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| logger.flush()));
            eprintln!("FLUSH-RETURNED {}", matches!(flushed, Ok(Err(_))));
        }
        "stuck-fatal" | "stuck-signal" => {
            logger.add_hook(AsyncHook::new(Stuck).flush_timeout(Duration::from_millis(300)));
            hooklog::flush_on_signals().expect("signal handling");
            log_records(&logger, 0..1000);
            if how == "stuck-fatal" {
                logger.fatal("the end");
            }
            println!("READY");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        "async-local" => log_through_a_local_async_hook(path),
        "async-last-handle" => {
            log_through_a_gated_async_hook(path);
            open_the_gate_until_the_logger_is_gone();
            // Returning ends the process while the worker is still handling its queue.
        }
        "caught-panic" => {
            logger.add_hook(AsyncHook::new(Stuck).flush_timeout(Duration::from_secs(600)));
            log_records(&logger, 0..1000);
            let caught = std::panic::catch_unwind(|| panic!("caught"));
            eprintln!("CAUGHT {}", caught.is_err());
            // Returning from main drains (and waits for) the stuck hook: skip that.
            // SAFETY: ends the process at once; nothing runs after it.
            unsafe { libc::_exit(0) };
        }
        other => {
            eprintln!("unknown way to end: {other}");
            std::process::exit(2);
        }
    }
}
