//! `Callsite`: a macro call's module and target, and its cached answer from the filter.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::level::Level;
use crate::logger::Logger;

/// One logging macro call in the source: its module, its target (the module unless the
/// call names one), and the filter's answer for that target, cached for the logger and
/// filter generation it was asked for. Made by the macros as a `static`; not part of the
/// public API.
#[doc(hidden)]
#[derive(Debug)]
pub struct Callsite {
    module: &'static str,
    target: &'static str,
    /// The key of the logger and generation the answer holds for (bits 8..64), and one
    /// more than the most verbose level kept for the target (bits 0..8; 0: none).
    cache: AtomicU64,
}

impl Callsite {
    /// A call site in `module` whose records have `target`.
    pub const fn new(module: &'static str, target: &'static str) -> Callsite {
        Callsite {
            module,
            target,
            cache: AtomicU64::new(0),
        }
    }

    /// The module of the call.
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// The target of its records.
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// Whether `logger`'s filter, whose current key is `key`, keeps a record at `level`
    /// from this call site's target.
    #[inline]
    pub(crate) fn allows(&self, logger: &Logger, key: u64, level: Level) -> bool {
        let cached = self.cache.load(Ordering::Relaxed);
        let below = if cached >> 8 == key >> 8 {
            cached as u8
        } else {
            self.ask(logger, key)
        };
        (level as u8) < below
    }

    /// Asks the filter, and caches the answer under `key`.
    #[cold]
    fn ask(&self, logger: &Logger, key: u64) -> u8 {
        let below = logger
            .level_for(self.target)
            .map_or(0, |level| level as u8 + 1);
        self.cache
            .store((key & !0xff) | u64::from(below), Ordering::Relaxed);
        below
    }
}
