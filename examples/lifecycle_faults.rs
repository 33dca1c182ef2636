//! Programs that end, or fail to, in the ways the process lifecycle must handle: each one
//! a situation that lost records, hung or aborted before the lifecycle layer owned the
//! exit paths.
//!
//! `cargo run --example lifecycle_faults -- <how> <file>` logs numbered records into a
//! `MemoryOut` persisted to `<file>` (or, where the case is about a hook, into an
//! `AsyncHook` that appends each record's number to `<file>.async`), then:
//!
//! | how | does |
//! |---|---|
//! | `panic-hook-logs` | its own panic hook makes the first logger and logs, then it panics |
//! | `drop-logs-while-unwinding` | a value whose `Drop` makes the first logger and logs is dropped by a panic |
//! | `two-exits` | SIGTERM's flush drains a slow `AsyncHook` while `main` calls `process::exit` |
//! | `fatal-on-worker` | an `AsyncHook`'s inner hook calls `fatal` while records wait behind it |
//! | `worker-fills-its-queue` | an inner hook logs back into its own full `AsyncHook` (`Block`) |
//! | `second-fault` | two threads fault at once while 20 MB of records persist |
//! | `recovering-runtime` | a handler installed first recovers from one SIGSEGV; a second crash follows |
//! | `ignored-signal` | SIGBUS and SIGFPE are ignored before the first `MemoryOut`; both are raised |
//! | `opted-out` | `handle_fatal_signals(false)`, then `abort()` |
//! | `fork-then-exit` | forks; the child returns from `main`, the parent logs more and returns |
//! | `fork-async` | forks with records queued in an `AsyncHook` (`Block`, 4 places); both log 20 |
//!
//! The integration tests in `tests/lifecycle.rs` run it and check what reached the files.

#![allow(
    unsafe_code,
    reason = "signals, faults and fork: the ways a process ends are the point"
)]

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hooklog::{AsyncHook, Entry, Error, Hook, Logger, MemoryOut, QueueFull, TextFormatter};

/// A logger writing plain text into `out`.
fn logger(out: &MemoryOut) -> Logger {
    Logger::builder()
        .formatter(
            TextFormatter::new()
                .disable_timestamp(true)
                .disable_colors(true),
        )
        .out(out.clone())
        .build()
}

/// Forks: `None` in the child, which only logs and returns through Rust code; the
/// child's pid in the parent.
fn fork() -> Option<libc::pid_t> {
    // SAFETY: the child runs only this program's own Rust code, no other thread's.
    let child = unsafe { libc::fork() };
    assert!(child >= 0, "fork");
    (child != 0).then_some(child)
}

/// Waits for `child` to end; its wait status.
fn wait(child: libc::pid_t) -> libc::c_int {
    let mut status = 0;
    // SAFETY: waits for a child this process made.
    unsafe { libc::waitpid(child, &mut status, 0) };
    status
}

fn log_records(logger: &Logger, numbers: std::ops::Range<u64>) {
    for n in numbers {
        hooklog::info!(logger, "record {}", n; "n" => n);
    }
}

/// Appends each record's `n` to `{path}.async`, taking `delay` per record; records with a
/// field `echo` are written as `echo {n}`.
struct NumberFile {
    file: Mutex<std::fs::File>,
    delay: Duration,
}

impl NumberFile {
    fn new(path: &str, delay: Duration) -> NumberFile {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(format!("{path}.async"))
            .expect("open the async hook's file");
        NumberFile {
            file: Mutex::new(file),
            delay,
        }
    }
}

/// A record's number.
fn number(entry: &Entry) -> u64 {
    entry
        .fields()
        .get("n")
        .and_then(|v| v.as_u64())
        .unwrap_or(u64::MAX)
}

impl Hook for NumberFile {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        std::thread::sleep(self.delay);
        let echo = if entry.fields().contains_key("echo") {
            "echo "
        } else {
            ""
        };
        let mut file = self.file.lock().map_err(|_| Error::new("poisoned"))?;
        writeln!(file, "{echo}{}", number(entry))?;
        Ok(())
    }
}

/// Writes the number, then calls `fatal` on its logger at record `at`.
struct FatalAt {
    numbers: NumberFile,
    logger: Mutex<Option<Logger>>,
    at: u64,
}

impl Hook for FatalAt {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        self.numbers.fire(entry)?;
        if number(entry) == self.at {
            let logger = self
                .logger
                .lock()
                .map_err(|_| Error::new("poisoned"))?
                .clone();
            if let Some(logger) = logger {
                logger.fatal("the inner hook ends the process");
            }
        }
        Ok(())
    }
}

/// Writes the number, then logs an echo of every record that is not one to `logger`.
struct Echo {
    numbers: NumberFile,
    logger: Mutex<Option<Logger>>,
}

impl Hook for Echo {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        self.numbers.fire(entry)?;
        if !entry.fields().contains_key("echo") {
            let logger = self
                .logger
                .lock()
                .map_err(|_| Error::new("poisoned"))?
                .clone();
            if let Some(logger) = logger {
                hooklog::info!(logger, "echo"; "n" => number(entry), "echo" => true);
            }
        }
        Ok(())
    }
}

/// Makes a logger and logs one record, when dropped.
struct LogsWhenDropped(String);

impl Drop for LogsWhenDropped {
    fn drop(&mut self) {
        let out = MemoryOut::new().persist_to(&self.0);
        logger(&out).warn("logged by a Drop while unwinding");
    }
}

/// Set by the stand-in runtime's handler when it let a fault pass.
static RECOVERED: AtomicBool = AtomicBool::new(false);

/// A runtime's SIGSEGV handler: it recovers from the first fault (returns), and takes the
/// second as fatal (puts the default action back and returns, so the fault happens again).
extern "C" fn runtime_handler(signal: libc::c_int) {
    if RECOVERED.swap(true, Ordering::SeqCst) {
        // SAFETY: a plain system call with a zeroed (default) action.
        unsafe {
            let mut default: libc::sigaction = std::mem::zeroed();
            default.sa_sigaction = libc::SIG_DFL;
            libc::sigaction(signal, &default, std::ptr::null_mut());
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, how, path] = args.as_slice() else {
        eprintln!("usage: lifecycle_faults <how> <file>");
        std::process::exit(2);
    };
    let path = path.clone();
    match how.as_str() {
        "panic-hook-logs" => {
            let file = path.clone();
            std::panic::set_hook(Box::new(move |info| {
                let out = MemoryOut::new().persist_to(&file);
                logger(&out).error(format_args!("logged by the panic hook: {info}"));
            }));
            panic!("the program gives up");
        }
        "drop-logs-while-unwinding" => {
            let _guard = LogsWhenDropped(path);
            panic!("the program gives up");
        }
        "two-exits" => {
            let logger = Logger::builder()
                .no_out()
                .hook(
                    AsyncHook::new(NumberFile::new(&path, Duration::from_millis(2))).capacity(1000),
                )
                .build();
            hooklog::flush_on_signals().expect("signal handling");
            log_records(&logger, 0..300);
            // SAFETY: a plain system call sending SIGTERM to this process.
            unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
            // SIGTERM's thread is now draining the queue, 2 ms a record.
            std::thread::sleep(Duration::from_millis(50));
            std::process::exit(0);
        }
        "fatal-on-worker" => {
            let hook = Arc::new(FatalAt {
                numbers: NumberFile::new(&path, Duration::from_millis(1)),
                logger: Mutex::new(None),
                at: 10,
            });
            let logger = Logger::builder()
                .no_out()
                .hook(AsyncHook::new(Arc::clone(&hook)).capacity(1000))
                .build();
            *hook.logger.lock().expect("not poisoned") = Some(logger.clone());
            log_records(&logger, 0..300);
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        "worker-fills-its-queue" => {
            let echo = Arc::new(Echo {
                numbers: NumberFile::new(&path, Duration::ZERO),
                logger: Mutex::new(None),
            });
            let queue = Arc::new(
                AsyncHook::new(Arc::clone(&echo))
                    .capacity(2)
                    .on_full(QueueFull::Block),
            );
            let first = Logger::builder().no_out().hook(Arc::clone(&queue)).build();
            let second = Logger::builder().no_out().hook(Arc::clone(&queue)).build();
            *echo.logger.lock().expect("not poisoned") = Some(second);
            log_records(&first, 0..100);
            first.flush().expect("the queue drains");
            println!("DONE");
        }
        "second-fault" => {
            let out = MemoryOut::new().persist_to(&path);
            let logger = logger(&out);
            let pad = "x".repeat(180);
            for n in 0..100_000u64 {
                hooklog::info!(logger, "record {}", n; "n" => n, "pad" => pad.as_str());
            }
            let second = std::thread::spawn(|| {
                std::thread::sleep(Duration::from_millis(5));
                // SAFETY: a plain system call: a fatal signal to this thread.
                unsafe { libc::raise(libc::SIGBUS) };
            });
            // SAFETY: a plain system call: a fatal signal to this thread.
            unsafe { libc::raise(libc::SIGSEGV) };
            let _ = second.join();
        }
        "recovering-runtime" => {
            // SAFETY: installs a plain handler, as a runtime would before hooklog.
            unsafe {
                libc::signal(
                    libc::SIGSEGV,
                    runtime_handler as *const () as libc::sighandler_t,
                )
            };
            let out = MemoryOut::new().persist_to(&path);
            let logger = logger(&out);
            log_records(&logger, 0..100);
            // SAFETY: a plain system call; the runtime's handler lets it pass.
            unsafe { libc::raise(libc::SIGSEGV) };
            println!("RECOVERED {}", RECOVERED.load(Ordering::SeqCst));
            log_records(&logger, 100..200);
            // SAFETY: a plain system call; this time the runtime takes it as fatal.
            unsafe { libc::raise(libc::SIGSEGV) };
            println!("STILL ALIVE");
        }
        "ignored-signal" => {
            // SAFETY: plain system calls: this program ignores these signals.
            unsafe {
                libc::signal(libc::SIGBUS, libc::SIG_IGN);
                libc::signal(libc::SIGFPE, libc::SIG_IGN);
            }
            let out = MemoryOut::new().persist_to(&path);
            log_records(&logger(&out), 0..10);
            // SAFETY: plain system calls: both signals are ignored.
            unsafe {
                libc::raise(libc::SIGBUS);
                libc::raise(libc::SIGFPE);
            }
            println!("STILL ALIVE");
        }
        "opted-out" => {
            hooklog::handle_fatal_signals(false);
            let out = MemoryOut::new().persist_to(&path);
            // Kept alive: dropping the logger would flush (persist) its out.
            let logger = logger(&out);
            log_records(&logger, 0..10);
            std::process::abort();
        }
        "fork-then-exit" => {
            let out = MemoryOut::new().persist_to(&path);
            let logger = logger(&out);
            log_records(&logger, 0..100);
            let Some(child) = fork() else {
                log_records(&logger, 1000..1010);
                return;
            };
            wait(child);
            log_records(&logger, 100..200);
        }
        "fork-async" => {
            let logger = Logger::builder()
                .no_out()
                .hook(
                    AsyncHook::new(NumberFile::new(&path, Duration::from_millis(5)))
                        .capacity(4)
                        .on_full(QueueFull::Block),
                )
                .build();
            log_records(&logger, 0..3);
            let Some(child) = fork() else {
                log_records(&logger, 1000..1020);
                return;
            };
            log_records(&logger, 3..20);
            let status = wait(child);
            println!("CHILD {status}");
        }
        other => {
            eprintln!("unknown case: {other}");
            std::process::exit(2);
        }
    }
}
