//! The end of the process, owned in one place: every way a process ends, what runs on
//! each, in which order, and by when.
//!
//! What holds records registers here as an [`AtExit`] participant: loggers (their outs and
//! hooks), `AsyncHook`s (their queues) and `MemoryOut`s (their memory). This layer knows
//! nothing of records; it knows when the process ends and whom to tell.
//!
//! | path | what runs |
//! |---|---|
//! | `Logger::exit`, `fatal` | exit handlers, then every participant, then the exit func |
//! | return from `main`, `std::process::exit` | every participant (an `atexit` handler) |
//! | a panic that unwinds | what is quick: `MemoryOut`s persist (the panic may be caught) |
//! | a panic under `panic = "abort"` | the panic message, then every participant |
//! | SIGTERM, SIGINT, SIGHUP after [`flush_on_signals`] | as `Logger::exit`, code `128 + n` |
//! | SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT | `MemoryOut`s persist from the signal handler |
//!
//! One exit flush runs at a time: a second path that starts meanwhile (`process::exit` on
//! another thread while a SIGTERM flush drains a queue) waits for the first to finish,
//! then makes a quick pass of its own (outs flushed, memory persisted) for what was logged
//! since. Every wait of every path ends at one deadline, [`set_exit_timeout`] after the
//! first path began, and each destination is waited for once per exit, so a stuck one
//! costs that time once.

#![allow(unsafe_code, reason = "registering the atexit and fork handlers")]

mod crash;
mod registry;
mod signals;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Once, PoisonError, TryLockError};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crate::error::{panic_message, report, report_held_back};

pub use crash::handle_fatal_signals;
use registry::Registry;
pub use signals::flush_on_signals;

/// What holds records that the end of the process must deliver.
pub(crate) trait AtExit: Send + Sync {
    /// Delivers what is held, waiting for nothing past `deadline`, and reports on stderr
    /// what could not be delivered.
    fn flush_at_exit(&self, deadline: Instant);

    /// Quick work only, waiting for nothing past `deadline`: what is held in memory goes
    /// to its file, outs are flushed, no destination is waited for. A panic that may
    /// still be caught (it unwinds) asks `MemoryOut`s for this, and every exit path after
    /// the first complete one asks everyone.
    fn flush_quickly(&self, _deadline: Instant) {}

    /// What the handler of the fatal `signal` does: async-signal-safe calls only, no
    /// allocation, no wait past `deadline`.
    fn in_crash(&self, _signal: i32, _deadline: Instant) {}
}

/// When a participant is reached on the way out. Loggers go first (their final records
/// reach their outs, their hooks and queues drain), then the queues no logger holds any
/// more, then memory, which the first two may have written to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stage {
    Loggers,
    Queues,
    Memory,
}

static PARTICIPANTS: [Registry; 3] = [Registry::new(), Registry::new(), Registry::new()];

/// Registers `participant` to be reached at `stage` on every exit path while it lives, and
/// makes sure the exit paths are in place. `MemoryOut`s (the `Memory` stage) are reached
/// from fatal-signal handlers too.
pub(crate) fn register<T: AtExit + 'static>(stage: Stage, participant: &Arc<T>) {
    install();
    if let Stage::Memory = stage {
        crash::install();
    }
    let weak: std::sync::Weak<dyn AtExit> = Arc::downgrade(participant) as _;
    PARTICIPANTS[stage as usize].add(weak);
}

type ExitHandler = Box<dyn FnOnce() + Send>;

static EXIT_HANDLERS: Mutex<Vec<ExitHandler>> = Mutex::new(Vec::new());

/// Registers `handler` to run when the process ends through [`Logger::exit`](crate::Logger::exit)
/// (and so `fatal`) or a signal after [`flush_on_signals`], before outs and hooks are
/// flushed. Handlers run once each, in registration order; a panicking handler is reported
/// on stderr and the others still run.
///
/// ```
/// hooklog::register_exit_handler(|| eprintln!("closing the database"));
/// ```
pub fn register_exit_handler(handler: impl FnOnce() + Send + 'static) {
    lock(&EXIT_HANDLERS).push(Box::new(handler));
}

/// Runs the registered exit handlers that have not run yet.
fn run_exit_handlers() {
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

/// Ends the process the logger's way: exit handlers, every participant, then `exit_func`
/// with `code`. Returns only if `exit_func` returns; the next exit then starts afresh.
pub(crate) fn exit(code: i32, exit_func: &dyn Fn(i32)) {
    run_exit_handlers();
    flush_all();
    exit_func(code);
    let mut state = lock(&EXIT);
    state.deadline = None;
    state.completed = false;
}

/// The default exit timeout, in milliseconds.
const DEFAULT_EXIT_TIMEOUT_MS: u64 = 5_000;

static EXIT_TIMEOUT_MS: AtomicU64 = AtomicU64::new(DEFAULT_EXIT_TIMEOUT_MS);

/// Bounds how long the end of the process waits for destinations (default 5 s): every
/// wait on every exit path (queues draining, outs another thread holds, a second exit path
/// waiting for the first) ends by this long after the process began to end. What is not
/// delivered by then is counted on stderr.
///
/// ```
/// hooklog::set_exit_timeout(std::time::Duration::from_secs(10));
/// ```
pub fn set_exit_timeout(timeout: Duration) {
    let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
    EXIT_TIMEOUT_MS.store(ms, Ordering::Relaxed);
}

/// While the process is ending, the instant by which every flush must return; `None`
/// otherwise. A hook whose [`flush`](crate::Hook::flush) waits for a destination should
/// wait no longer than this.
pub fn exit_deadline() -> Option<Instant> {
    lock(&EXIT).deadline
}

/// The complete exit flush running now, by number: what a participant flushed in it
/// notes, so that a later stage of the same flush leaves it alone.
pub(crate) fn complete_flush_running() -> Option<u64> {
    let state = lock(&EXIT);
    (state.running.is_some() && !state.completed).then_some(state.flushes)
}

/// Which exit flush runs, and the deadline of this exit.
struct ExitState {
    /// The thread running an exit flush now.
    running: Option<ThreadId>,
    /// Set by the first exit path; kept until an exit func returns.
    deadline: Option<Instant>,
    /// Whether a complete exit flush has run in this exit.
    completed: bool,
    /// How many complete exit flushes began.
    flushes: u64,
}

static EXIT: Mutex<ExitState> = Mutex::new(ExitState {
    running: None,
    deadline: None,
    completed: false,
    flushes: 0,
});
/// Signalled when an exit flush ends.
static EXIT_DONE: Condvar = Condvar::new();

thread_local! {
    /// Whether this thread is running an exit flush (so a flush it causes, such as a
    /// hook that calls `process::exit`, does not wait for itself).
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
}

/// Delivers everything every participant holds, in stage order, by this exit's deadline:
/// the first time in an exit completely, then quickly (see [`AtExit::flush_quickly`]).
/// Waits (until the deadline) for an exit flush another thread is running, then makes its
/// own pass. Called again from inside an exit flush on the same thread, it persists
/// memory only.
pub(crate) fn flush_all() {
    install_panic_hook();
    if FLUSHING.with(Cell::get) {
        persist_memory();
        return;
    }
    let (deadline, complete) = begin_flush();
    FLUSHING.with(|flushing| flushing.set(true));
    for stage in &PARTICIPANTS {
        for participant in stage.live() {
            match complete {
                true => participant.flush_at_exit(deadline),
                false => participant.flush_quickly(deadline),
            }
        }
    }
    report_held_back();
    FLUSHING.with(|flushing| flushing.set(false));
    let mut state = lock(&EXIT);
    state.running = None;
    state.completed = true;
    drop(state);
    EXIT_DONE.notify_all();
}

/// Waits for the exit flush under way, if any, and marks this thread's as running;
/// returns the exit's deadline, and whether this flush is to be the complete one.
fn begin_flush() -> (Instant, bool) {
    let mut state = lock(&EXIT);
    let deadline = *state
        .deadline
        .get_or_insert_with(|| Instant::now() + exit_timeout());
    while state.running.is_some() {
        let now = Instant::now();
        if now >= deadline {
            report(format_args!(
                "another exit path was still flushing at the exit deadline; flushing alongside it"
            ));
            break;
        }
        state = EXIT_DONE
            .wait_timeout(state, deadline - now)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    state.running = Some(std::thread::current().id());
    let complete = !state.completed;
    if complete {
        state.flushes += 1;
    }
    (deadline, complete)
}

/// Persists memory, quickly: what a panic does before it unwinds (the rest is left to the
/// exit that follows if the panic ends the process), and what an exit flush started from
/// inside another does.
fn persist_memory() {
    let deadline = Instant::now() + exit_timeout();
    for participant in PARTICIPANTS[Stage::Memory as usize].live() {
        participant.flush_quickly(deadline);
    }
}

/// How long the end of the process may wait, as [`set_exit_timeout`] set it.
fn exit_timeout() -> Duration {
    Duration::from_millis(EXIT_TIMEOUT_MS.load(Ordering::Relaxed))
}

thread_local! {
    /// How many code sections on this thread catch and report their own panics (hooks
    /// being fired), so the panic hook leaves those panics to them.
    static CONTAINED: Cell<usize> = const { Cell::new(0) };
}

/// Marks this thread's panics as caught and reported by the caller until dropped: the
/// panic hook then neither prints them nor treats them as the end of the process.
pub(crate) struct ContainPanics(());

impl ContainPanics {
    pub(crate) fn enter() -> ContainPanics {
        CONTAINED.with(|n| n.set(n.get() + 1));
        ContainPanics(())
    }
}

impl Drop for ContainPanics {
    fn drop(&mut self) {
        CONTAINED.with(|n| n.set(n.get() - 1));
    }
}

/// Installs the `atexit` handler, the fork handler and the panic hook. The panic hook is
/// left for a later call when this thread is panicking (a program's own panic hook that
/// logs, a `Drop` during unwinding): replacing a panic hook from a panicking thread panics.
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        extern "C" fn at_exit() {
            // Unwinding out of an `extern "C"` function aborts; contain it.
            let _ = catch_unwind(flush_all);
        }
        extern "C" fn in_forked_child() {
            FORKS.fetch_add(1, Ordering::SeqCst);
        }
        // SAFETY: both are plain functions that live as long as the process.
        unsafe {
            if libc::atexit(at_exit) != 0 {
                report(format_args!(
                    "could not register the atexit handler; records may be lost at exit"
                ));
            }
            libc::pthread_atfork(None, None, Some(in_forked_child));
        }
    });
    install_panic_hook();
}

/// Installs the panic hook, once, unless this thread is panicking.
fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    static INSTALLING: Mutex<()> = Mutex::new(());
    if INSTALLED.load(Ordering::Acquire) || std::thread::panicking() {
        return;
    }
    let _installing = lock(&INSTALLING);
    if INSTALLED.load(Ordering::Acquire) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if cfg!(panic = "unwind") {
            // A contained panic is caught and reported by the code that contains it.
            if CONTAINED.with(Cell::get) > 0 {
                return;
            }
            persist_memory();
            previous(info);
        } else {
            // The process aborts when this returns: say what happened, then deliver
            // everything. This is the last chance.
            previous(info);
            flush_all();
        }
    }));
    INSTALLED.store(true, Ordering::Release);
}

/// Counts the forks this process came from: a participant that notes it can tell, in a
/// child, that what it holds belongs to the parent.
static FORKS: AtomicU64 = AtomicU64::new(0);

/// How many forks separate this process from the first; changes in a child process.
pub(crate) fn fork_generation() -> u64 {
    FORKS.load(Ordering::Relaxed)
}

/// Locks `mutex`, waiting until `deadline` at most for another thread to release it (it
/// may never: it panicked while holding it, or is stopped). Makes only async-signal-safe
/// calls.
pub(crate) fn lock_within<T: ?Sized>(
    mutex: &Mutex<T>,
    deadline: Instant,
) -> Option<MutexGuard<'_, T>> {
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
