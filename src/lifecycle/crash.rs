//! Persisting what is held in memory when the process dies of a fatal signal: SIGSEGV,
//! SIGBUS, SIGILL, SIGFPE or SIGABRT (so a stack overflow and `abort()` too).
//!
//! The handler runs on the thread's alternate signal stack (Rust gives one to the main
//! thread and to every thread it starts), makes only async-signal-safe calls (`mkdir`,
//! `open`, `write`, `fstat`, `ftruncate`, `close`, `nanosleep`, `sigaction`, `raise`,
//! `gettid`), allocates nothing, and waits one second at most for locks: a `MemoryOut`
//! whose lock another thread holds (or the crashing thread itself, if it crashed inside
//! the `MemoryOut`) is skipped after that wait, with a line on stderr.
//!
//! One thread persists at a time. A fatal signal on another thread meanwhile waits for it
//! (the same second at most) before going on, so the process never dies in the middle of
//! an append; the same thread faulting again while persisting goes straight on. Once done
//! the handler is ready again, so a runtime that recovers from a fault (a wasm engine, a
//! JVM) does not spend it on a harmless one.
//!
//! Then the action installed before ours gets the signal: the default action (the
//! process dies of the signal, as it would have without us), or the previous handler,
//! called directly (Rust's own prints the stack overflow report). A signal the program
//! ignored when the handlers were installed is left ignored. [`handle_fatal_signals`]
//! turns all of this off, for programs that own these signals themselves.

#![allow(
    unsafe_code,
    reason = "a signal handler: sigaction, raw system calls and the previous handler, called as C calls them"
)]

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{PARTICIPANTS, Stage};
use crate::error::{report, write_stderr};

/// The signals handled, in the order of [`PREVIOUS`] and [`OURS`].
const SIGNALS: [libc::c_int; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGABRT,
];

/// How long a fatal signal's handler may spend on locks and on waiting for another
/// thread's handler.
const CRASH_WAIT: Duration = Duration::from_secs(1);

/// The actions in place before ours, one per signal.
struct Previous(UnsafeCell<[libc::sigaction; SIGNALS.len()]>);

// SAFETY: an entry is written only under `SETTINGS`'s lock while our handler is not
// installed for its signal, and read only by that handler once it is.
unsafe impl Sync for Previous {}

// SAFETY: `sigaction` is a plain C struct for which all zeroes is a valid value.
static PREVIOUS: Previous = Previous(UnsafeCell::new(unsafe { std::mem::zeroed() }));

/// Whether our handler is installed, per signal.
static OURS: [AtomicBool; SIGNALS.len()] = [const { AtomicBool::new(false) }; SIGNALS.len()];

/// The thread (its kernel id) persisting now; 0 when none is.
static PERSISTING: AtomicI64 = AtomicI64::new(0);

/// Whether the handlers are wanted (a `MemoryOut` persists to a file) and allowed.
struct Settings {
    wanted: bool,
    enabled: bool,
}

static SETTINGS: Mutex<Settings> = Mutex::new(Settings {
    wanted: false,
    enabled: true,
});

/// Turns the handling of fatal signals on (the default) or off. Off, hooklog installs no
/// handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT and puts back the actions it
/// replaced, so a program (or a runtime it embeds) that handles these signals itself keeps
/// them; records a `MemoryOut` holds are then lost if the process dies of one. Every other
/// exit path still persists them.
///
/// ```
/// hooklog::handle_fatal_signals(false);
/// # hooklog::handle_fatal_signals(true);
/// ```
pub fn handle_fatal_signals(on: bool) {
    let mut settings = SETTINGS.lock().unwrap_or_else(PoisonError::into_inner);
    settings.enabled = on;
    if on && settings.wanted {
        install_handlers();
    } else if !on {
        restore_previous();
    }
}

/// Installs the handlers, unless they are turned off or installed already.
pub(super) fn install() {
    let mut settings = SETTINGS.lock().unwrap_or_else(PoisonError::into_inner);
    settings.wanted = true;
    if settings.enabled {
        install_handlers();
    }
}

/// Installs our handler for every signal it is not installed for, after reading the
/// action in place: a signal the program ignores stays ignored. Called under `SETTINGS`.
fn install_handlers() {
    for (i, &signal) in SIGNALS.iter().enumerate() {
        if OURS[i].load(Ordering::SeqCst) {
            continue;
        }
        // SAFETY: `PREVIOUS[i]` is written here, under `SETTINGS`, while our handler is not
        // installed for `signal`; `action` is fully initialised before use.
        unsafe {
            let previous = &raw mut (*PREVIOUS.0.get())[i];
            if libc::sigaction(signal, std::ptr::null(), previous) != 0 {
                report_failed(signal);
                continue;
            }
            if (*previous).sa_sigaction == libc::SIG_IGN {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            if libc::sigaction(signal, &action, std::ptr::null_mut()) != 0 {
                report_failed(signal);
                continue;
            }
        }
        OURS[i].store(true, Ordering::SeqCst);
    }
}

/// Puts back the actions our handlers replaced. Called under `SETTINGS`.
fn restore_previous() {
    for (i, &signal) in SIGNALS.iter().enumerate() {
        if OURS[i].swap(false, Ordering::SeqCst) {
            // SAFETY: `PREVIOUS[i]` was written when our handler was installed.
            unsafe { libc::sigaction(signal, &(*PREVIOUS.0.get())[i], std::ptr::null_mut()) };
        }
    }
}

fn report_failed(signal: libc::c_int) {
    report(format_args!(
        "could not handle signal {signal}: {}; records in memory may be lost if the process dies of it",
        std::io::Error::last_os_error()
    ));
}

extern "C" fn handler(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let deadline = Instant::now() + CRASH_WAIT;
    // SAFETY: `gettid` is a plain system call.
    let me = unsafe { libc::syscall(libc::SYS_gettid) };
    match PERSISTING.compare_exchange(0, me, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => {
            persist_all(signal, deadline);
            PERSISTING.store(0, Ordering::SeqCst);
        }
        // This thread faulted while persisting: nothing to wait for.
        Err(owner) if owner == me => {}
        // Another thread is persisting: dying now would cut its append short.
        Err(_) => {
            while PERSISTING.load(Ordering::SeqCst) != 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
    // SAFETY: called from the handler for `signal`, with the arguments it received.
    unsafe { chain(signal, info, context) };
}

/// Persists every `MemoryOut` from the handler of `signal`: no allocation, no wait past
/// `deadline`.
fn persist_all(signal: libc::c_int, deadline: Instant) {
    let Some(participants) = PARTICIPANTS[Stage::Memory as usize].lock_by(deadline) else {
        write_stderr(format_args!(
            "hooklog: fatal signal {signal}: the list of MemoryOuts was locked by another thread; records in memory were not persisted\n"
        ));
        return;
    };
    for weak in participants.iter() {
        if let Some(participant) = weak.upgrade() {
            participant.in_crash(signal, deadline);
            // Dropping the last handle here would free memory inside a signal handler.
            std::mem::forget(participant);
        }
    }
}

/// Hands `signal` to the action in place before ours.
///
/// # Safety
///
/// Only from the handler of `signal`, with its arguments.
unsafe fn chain(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let Some(i) = SIGNALS.iter().position(|&s| s == signal) else {
        return;
    };
    // SAFETY: `PREVIOUS[i]` is only read while our handler is installed for `signal`; the
    // calls are plain system calls and the previous handler, called as it asked to be.
    unsafe {
        let previous = &(*PREVIOUS.0.get())[i];
        match previous.sa_sigaction {
            libc::SIG_DFL => return die_of(signal),
            libc::SIG_IGN => return,
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
        // A previous handler that put the default action back wants the process to die of
        // the signal; one that returned with ours still in place handled it.
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current);
        if current.sa_sigaction == libc::SIG_DFL {
            die_of(signal);
        }
    }
}

/// Makes the default action of `signal` happen: it stays blocked until the handler
/// returns, and is then delivered.
///
/// # Safety
///
/// Only from the handler of `signal`.
unsafe fn die_of(signal: libc::c_int) {
    // SAFETY: plain system calls with a zeroed (default) action.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(signal, &default, std::ptr::null_mut());
        libc::raise(signal);
    }
}
