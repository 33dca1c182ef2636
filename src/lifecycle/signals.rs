//! Flushing everything when the process is asked to stop by a signal.

use std::sync::OnceLock;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::error::Error;

/// Makes SIGTERM, SIGINT and SIGHUP end the process the logger's way: run the exit
/// handlers, flush every logger's out and hooks and persist every
/// [`MemoryOut`](crate::MemoryOut), then exit with code `128 + signal` (143, 130, 129), as
/// a shell reports a process killed by that signal.
///
/// The signals are handled on a dedicated thread (`signal-hook`); nothing runs inside a
/// signal handler. Calling it again does nothing more.
///
/// # Errors
///
/// If the signal handlers or the thread cannot be set up; the error says which. Calling
/// again after a failure returns the same failure.
pub fn flush_on_signals() -> Result<(), Error> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED.get_or_init(install).clone().map_err(Error::new)
}

fn install() -> Result<(), String> {
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP])
        .map_err(|e| format!("could not install handlers for SIGTERM, SIGINT and SIGHUP: {e}"))?;
    std::thread::Builder::new()
        .name("hooklog-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                super::exit(128 + signal, &|code| std::process::exit(code));
            }
        })
        .map(drop)
        .map_err(|e| format!("could not start the signal thread: {e}"))
}
