//! Persisting every `MemoryOut` when the process dies of a fatal signal: SIGSEGV, SIGBUS,
//! SIGILL, SIGFPE or SIGABRT (so a stack overflow and `abort()` too).
//!
//! The handler runs on the thread's alternate signal stack (Rust gives one to the main
//! thread and to every thread it starts), makes only async-signal-safe calls (`mkdir`,
//! `open`, `write`, `ftruncate`, `close`, `nanosleep`, `sigaction`, `raise`), allocates
//! nothing, and waits at most a bounded time for a lock: a `MemoryOut` whose lock another
//! thread holds (or the crashing thread itself, if it crashed inside the `MemoryOut`) is
//! skipped after that wait, with a line on stderr. It runs once: a second fatal signal
//! (another thread crashing, or Rust's stack overflow report aborting) goes straight to
//! the handler that was installed before ours. Then the previous handler runs (Rust's
//! prints the stack overflow report), and the process dies of the same signal.

#![allow(
    unsafe_code,
    reason = "a signal handler: sigaction, raw writes and the previous handler, called as C calls them"
)]

use std::cell::UnsafeCell;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::report;

/// The signals handled, in the order of [`PREVIOUS`].
const SIGNALS: [libc::c_int; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGABRT,
];

/// The actions installed before ours, written once before our handlers are installed and
/// only read afterwards.
struct Previous(UnsafeCell<[libc::sigaction; SIGNALS.len()]>);

// SAFETY: written only inside `INSTALL.call_once`, before any of our handlers (the only
// readers) can run; read-only after that.
unsafe impl Sync for Previous {}

// SAFETY: `sigaction` is a plain C struct for which all zeroes is a valid value.
static PREVIOUS: Previous = Previous(UnsafeCell::new(unsafe { std::mem::zeroed() }));
static INSTALL: Once = Once::new();
static HANDLED: AtomicBool = AtomicBool::new(false);

/// Installs the handlers, once.
pub(crate) fn install() {
    INSTALL.call_once(|| {
        for (i, &signal) in SIGNALS.iter().enumerate() {
            // SAFETY: `action` is fully initialised before use; `PREVIOUS` is written here
            // only, before the handler that reads it is installed for this signal.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let previous = &raw mut (*PREVIOUS.0.get())[i];
                if libc::sigaction(signal, &action, previous) != 0 {
                    report(format_args!(
                        "could not handle signal {signal}: {}; records in memory may be lost if the process dies of it",
                        std::io::Error::last_os_error()
                    ));
                }
            }
        }
    });
}

extern "C" fn handler(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    if !HANDLED.swap(true, Ordering::SeqCst) {
        crate::out::persist_all_in_crash(signal);
    }
    // SAFETY: called from the handler for `signal`, with the arguments it received.
    unsafe { chain(signal, info, context) };
}

/// Hands `signal` to the action installed before ours, then makes sure it is fatal.
///
/// # Safety
///
/// Only from the handler of `signal`, with its arguments.
unsafe fn chain(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let Some(i) = SIGNALS.iter().position(|&s| s == signal) else {
        return;
    };
    // SAFETY: `PREVIOUS` is only read once handlers are installed; the calls are plain
    // system calls and the previous handler, called as it asked to be called.
    unsafe {
        let previous = &(*PREVIOUS.0.get())[i];
        libc::sigaction(signal, previous, std::ptr::null_mut());
        match previous.sa_sigaction {
            libc::SIG_DFL | libc::SIG_IGN => {}
            action if previous.sa_flags & libc::SA_SIGINFO != 0 => {
                let action: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    std::mem::transmute(action);
                action(signal, info, context);
            }
            action => {
                let action: extern "C" fn(libc::c_int) = std::mem::transmute(action);
                action(signal);
            }
        }
        // Whatever handles the signal now: if it is the default (or ignoring a fatal
        // signal), die of it, as the process would have without us. The signal stays
        // blocked until this handler returns, and is then delivered.
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current);
        if matches!(current.sa_sigaction, libc::SIG_DFL | libc::SIG_IGN) {
            let mut default: libc::sigaction = std::mem::zeroed();
            default.sa_sigaction = libc::SIG_DFL;
            libc::sigaction(signal, &default, std::ptr::null_mut());
            libc::raise(signal);
        }
    }
}
