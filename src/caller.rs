//! Where a record comes from: the source line of the logging call ([`Caller`]), and a
//! macro call's module, target and cached filter answer ([`Callsite`]).

use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::level::Level;

/// Where a record was logged: the source line of the logging call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The source file, as `file!()` gives it.
    pub file: &'static str,
    /// The line in `file`.
    pub line: u32,
    /// The module path (`module_path!()`); known when the record came from a macro.
    pub module: Option<&'static str>,
}

impl Caller {
    /// The caller at `file` and `line`, in `module` when it is known.
    pub fn at(file: &'static str, line: u32, module: Option<&'static str>) -> Caller {
        Caller { file, line, module }
    }

    pub(crate) fn new(
        location: &'static Location<'static>,
        module: Option<&'static str>,
    ) -> Caller {
        Caller {
            file: location.file(),
            line: location.line(),
            module,
        }
    }
}

impl fmt::Display for Caller {
    /// `file:line`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

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

    /// Whether a record at `level` from this call site's target is kept by the filter
    /// whose current key is `key`; `ask` gives that filter's most verbose level for a
    /// target, and is asked only when the cached answer is for another key.
    #[inline]
    pub(crate) fn allows(
        &self,
        key: u64,
        level: Level,
        ask: impl FnOnce(&str) -> Option<Level>,
    ) -> bool {
        let cached = self.cache.load(Ordering::Relaxed);
        let below = if cached >> 8 == key >> 8 {
            cached as u8
        } else {
            self.ask(key, ask)
        };
        (level as u8) < below
    }

    /// Asks the filter, and caches the answer under `key`.
    #[cold]
    fn ask(&self, key: u64, ask: impl FnOnce(&str) -> Option<Level>) -> u8 {
        let below = ask(self.target).map_or(0, |level| level as u8 + 1);
        self.cache
            .store((key & !0xff) | u64::from(below), Ordering::Relaxed);
        below
    }
}
