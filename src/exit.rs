//! What runs when the process ends: exit handlers, then flushing every logger and
//! persisting every `MemoryOut`, on every exit path the process can take.
//!
//! The paths: [`Logger::exit`] (and so `fatal`), return from `main` and
//! `std::process::exit` (an `atexit` handler), a panic on any thread (a panic hook, which
//! runs before unwinding or aborting), and SIGTERM, SIGINT and SIGHUP after
//! [`flush_on_signals`](crate::flush_on_signals).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, Once, PoisonError, Weak};

use crate::error::report;
use crate::hook::{in_hook, panic_message};

/// Something that must deliver what it holds when the process ends.
pub(crate) trait ExitFlush: Send + Sync {
    /// Delivers everything held, reporting failures on stderr. Never blocks for long:
    /// other threads may be stuck.
    fn flush_at_exit(&self);
}

type ExitHandler = Box<dyn FnOnce() + Send>;

static EXIT_HANDLERS: Mutex<Vec<ExitHandler>> = Mutex::new(Vec::new());
static FLUSHERS: Mutex<Vec<Weak<dyn ExitFlush>>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// Registers `handler` to run when the process ends through [`Logger::exit`](crate::Logger::exit)
/// (and so `fatal`) or a signal after [`flush_on_signals`](crate::flush_on_signals), before
/// outs and hooks are flushed. Handlers run once each, in registration order; a panicking
/// handler is reported on stderr and the others still run.
///
/// ```
/// hooklog::register_exit_handler(|| eprintln!("closing the database"));
/// ```
pub fn register_exit_handler(handler: impl Fn() + Send + Sync + 'static) {
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

/// Remembers `flusher` so the exit paths flush it while it lives, and makes sure the exit
/// paths are in place.
pub(crate) fn register(flusher: Weak<dyn ExitFlush>) {
    INSTALL.call_once(install);
    let mut flushers = lock(&FLUSHERS);
    flushers.retain(|f| f.strong_count() > 0);
    flushers.push(flusher);
}

/// Flushes every live logger and `MemoryOut`, in registration order.
pub(crate) fn flush_all_for_exit() {
    let live: Vec<Arc<dyn ExitFlush>> = lock(&FLUSHERS).iter().filter_map(Weak::upgrade).collect();
    for flusher in live {
        flusher.flush_at_exit();
    }
    crate::error::report_held_back();
}

/// Installs the `atexit` handler and the panic hook.
fn install() {
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
        // A panic inside a hook is contained and reported by the logger (at most once a
        // second): it needs neither a flush nor the default message.
        if in_hook() {
            return;
        }
        // Anything else may end the process (or abort it right after this): deliver first.
        flush_all_for_exit();
        previous(info);
    }));
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
