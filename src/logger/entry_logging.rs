//! Logging through an entry: a context entry's records go to its logger; those of an
//! entry bound to none (a record a hook was handed, or a clone of one) to the global
//! logger.

use std::fmt;
use std::panic::Location;

use super::global;
use crate::entry::{Dispatch, Entry};
use crate::level::Level;

impl Entry {
    /// Logs a record at `level` if the logger enables it: the hooks for `level` fire on a
    /// copy of this entry, then the record is formatted and written to the logger's out in
    /// one `write_all`. At [`Level::Panic`] it then panics with the message, and at
    /// [`Level::Fatal`] it exits as [`Logger::fatal`](crate::Logger::fatal) does, whether
    /// or not the level is enabled.
    #[track_caller]
    pub fn log(&self, level: Level, msg: impl fmt::Display) {
        let logger = self.logger_or_global();
        if logger.enabled(level, None) {
            let args = format_args!("{msg}");
            logger.log(self.record_data(), level, args, None, Location::caller());
        } else if level <= Level::Fatal {
            logger.skipped(level, format_args!("{msg}"));
        }
    }

    level_methods!();

    /// The logger this entry's records go to.
    pub(crate) fn logger_or_global(&self) -> &dyn Dispatch {
        self.dispatch()
            .unwrap_or_else(|| global::logger().dispatch())
    }
}
