//! The level methods (`trace` .. `error`, `fatal`, `panic`), written once for every type
//! that logs through a `log(&self, Level, msg)` method.

/// Defines `trace`, `debug`, `info`, `warn`, `error`, `fatal` and `panic` in terms of
/// `self.log(level, msg)`, which must panic at `Panic` and exit at `Fatal`.
macro_rules! level_methods {
    () => {
        /// Logs at [`Level::Trace`](crate::Level::Trace).
        #[inline]
        #[track_caller]
        pub fn trace(&self, msg: impl ::std::fmt::Display) {
            self.log(crate::Level::Trace, msg)
        }

        /// Logs at [`Level::Debug`](crate::Level::Debug).
        #[inline]
        #[track_caller]
        pub fn debug(&self, msg: impl ::std::fmt::Display) {
            self.log(crate::Level::Debug, msg)
        }

        /// Logs at [`Level::Info`](crate::Level::Info).
        #[inline]
        #[track_caller]
        pub fn info(&self, msg: impl ::std::fmt::Display) {
            self.log(crate::Level::Info, msg)
        }

        /// Logs at [`Level::Warn`](crate::Level::Warn).
        #[inline]
        #[track_caller]
        pub fn warn(&self, msg: impl ::std::fmt::Display) {
            self.log(crate::Level::Warn, msg)
        }

        /// Logs at [`Level::Error`](crate::Level::Error).
        #[inline]
        #[track_caller]
        pub fn error(&self, msg: impl ::std::fmt::Display) {
            self.log(crate::Level::Error, msg)
        }

        /// Logs at [`Level::Fatal`](crate::Level::Fatal), then ends the process as
        /// [`Logger::exit`](crate::Logger::exit) does with code 1: exit handlers run, outs
        /// and hooks are flushed, and the exit func (by default `std::process::exit`) is
        /// called, whether or not `Fatal` is enabled. Returns only if the exit func
        /// returns.
        #[inline]
        #[track_caller]
        pub fn fatal(&self, msg: impl ::std::fmt::Display) {
            self.log(crate::Level::Fatal, msg)
        }

        /// Logs at [`Level::Panic`](crate::Level::Panic), then panics with the message.
        #[inline]
        #[track_caller]
        pub fn panic(&self, msg: impl ::std::fmt::Display) -> ! {
            self.log(crate::Level::Panic, &msg);
            unreachable!("logging at Level::Panic panics")
        }
    };
}
