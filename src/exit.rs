//! What runs when the process ends: exit handlers, then flushing every logger and
//! persisting every `MemoryOut`, on every exit path the process can take.
//!
//! The paths: [`Logger::exit`] (and so `fatal`), return from `main` and
//! `std::process::exit` (an `atexit` handler), a panic (a panic hook: under
//! `panic = "abort"` it flushes everything, as nothing runs after it; under unwinding it
//! only persists `MemoryOut`s and leaves the rest to the exit that follows), SIGTERM,
//! SIGINT and SIGHUP after [`flush_on_signals`](crate::flush_on_signals), and fatal signals
//! (`crash`, for `MemoryOut`s).

#![allow(unsafe_code, reason = "registering the atexit handler")]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use crate::error::report;
use crate::hook::{in_hook, panic_message};
use crate::logger;
use crate::out;
use crate::registry::Registry;

type ExitHandler = Box<dyn FnOnce() + Send>;

static EXIT_HANDLERS: Mutex<Vec<ExitHandler>> = Mutex::new(Vec::new());
static LOGGERS: Registry<logger::Shared> = Registry::new();
static INSTALL: Once = Once::new();
/// Set by the first complete exit flush, so that the exit it precedes (`process::exit`,
/// which runs the `atexit` handler) does not wait on the hooks a second time.
static FLUSHED_FOR_EXIT: AtomicBool = AtomicBool::new(false);
/// Counts complete exit flushes; an `AsyncHook` notes the one it was flushed in.
static EXIT_EPOCH: AtomicU64 = AtomicU64::new(0);

/// Registers `handler` to run when the process ends through [`Logger::exit`](crate::Logger::exit)
/// (and so `fatal`) or a signal after [`flush_on_signals`](crate::flush_on_signals), before
/// outs and hooks are flushed. Handlers run once each, in registration order; a panicking
/// handler is reported on stderr and the others still run.
///
/// ```
/// hooklog::register_exit_handler(|| eprintln!("closing the database"));
/// ```
pub fn register_exit_handler(handler: impl FnOnce() + Send + 'static) {
    lock(&EXIT_HANDLERS).push(Box::new(handler));
}

/// Runs the registered exit handlers that have not run yet.
pub(crate) fn run_exit_handlers() {
    let handlers = std::mem::take(&mut *lock(&EXIT_HANDLERS));
    for handler in handlers {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(handler)) {
            report(format_args!(
                "exit handler panicked: {}",
                panic_message(&*panic)
            ));
        }
    }
}

/// Remembers `logger` so the exit paths flush it while it lives, and makes sure the exit
/// paths are in place.
pub(crate) fn register(logger: &Arc<logger::Shared>) {
    install();
    LOGGERS.add(logger);
}

/// Flushes every live logger (out and hooks) and persists every `MemoryOut`. After one
/// complete exit flush, later calls (the `atexit` handler after `Logger::exit` or a
/// signal) flush the outs and persist again, which is quick, but leave the hooks alone: a
/// stuck destination costs its timeout once per exit.
pub(crate) fn flush_all_for_exit() {
    let hooks = !FLUSHED_FOR_EXIT.swap(true, Ordering::SeqCst);
    let epoch = match hooks {
        true => EXIT_EPOCH.fetch_add(1, Ordering::SeqCst) + 1,
        false => 0,
    };
    for logger in LOGGERS.live() {
        logger.flush_at_exit(hooks);
    }
    if hooks {
        // Async hooks whose logger is gone: their workers may still be draining.
        crate::hook::drain_unflushed(epoch);
    }
    out::persist_all();
    crate::error::report_held_back();
}

/// The complete exit flush under way or last done (0 before any).
pub(crate) fn exit_epoch() -> u64 {
    EXIT_EPOCH.load(Ordering::SeqCst)
}

/// The exit func returned instead of ending the process: the next exit flushes in full.
pub(crate) fn exit_func_returned() {
    FLUSHED_FOR_EXIT.store(false, Ordering::SeqCst);
}

/// Installs the `atexit` handler and the panic hook, once.
pub(crate) fn install() {
    INSTALL.call_once(|| {
        extern "C" fn at_exit() {
            // Unwinding out of an `extern "C"` function aborts; contain it.
            let _ = catch_unwind(flush_all_for_exit);
        }
        // SAFETY: `at_exit` is a plain function that lives as long as the process.
        if unsafe { libc::atexit(at_exit) } != 0 {
            report(format_args!(
                "could not register the atexit handler; records may be lost at exit"
            ));
        }

        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if cfg!(panic = "unwind") {
                // A panic inside a hook is caught and reported by the logger.
                if in_hook() {
                    return;
                }
                // The panic may be caught, or end only this thread: persist what is held
                // in memory (quick), and leave the hooks to the exit that follows.
                out::persist_all();
                previous(info);
            } else {
                // The process aborts when this returns: say what happened, then deliver
                // everything, hooks included. This is the last chance.
                previous(info);
                flush_all_for_exit();
            }
        }));
    });
}

/// Locks `mutex`, waiting at most `wait` for another thread to release it (it may never:
/// it panicked while holding it, or is stopped). Makes only async-signal-safe calls.
pub(crate) fn lock_within<T>(mutex: &Mutex<T>, wait: Duration) -> Option<MutexGuard<'_, T>> {
    let deadline = Instant::now() + wait;
    loop {
        match mutex.try_lock() {
            Ok(guard) => return Some(guard),
            Err(TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(TryLockError::WouldBlock) => return None,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
