//! Which loggers' hooks this thread is running, so that a record a hook logs through the
//! logger whose hook it is skips that logger's hooks: a hook never recurses into itself.

use std::cell::Cell;

/// How many nested hooks (a hook logging to another logger, whose hook logs ...) are told
/// apart; deeper ones still count as running hooks.
const MAX_NESTED: usize = 8;

thread_local! {
    /// The loggers whose hooks this thread is running, outermost first.
    static RUNNING: [Cell<usize>; MAX_NESTED] = const { [const { Cell::new(0) }; MAX_NESTED] };
    /// How many hook calls this thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Whether this thread is running a hook of the logger `id`; records it logs to that
/// logger meanwhile skip its hooks.
pub(crate) fn in_hook_of(id: usize) -> bool {
    let depth = DEPTH.with(Cell::get).min(MAX_NESTED);
    RUNNING.with(|running| running[..depth].iter().any(|logger| logger.get() == id))
}

/// The logger whose hook this thread runs innermost (0 if none): what a hook that hands
/// the record to another thread tells that thread.
pub(crate) fn innermost() -> usize {
    let depth = DEPTH.with(Cell::get);
    match depth {
        0 => 0,
        depth => RUNNING.with(|running| running[depth.min(MAX_NESTED) - 1].get()),
    }
}

/// Marks this thread as running a hook of a logger until dropped (panic-safe).
pub(crate) struct InHook(());

impl InHook {
    /// The logger id of a hook being flushed: a hook is running, but no logger's records
    /// skip their hooks.
    pub(crate) const FLUSHING: usize = 0;

    pub(crate) fn enter(logger: usize) -> InHook {
        let depth = DEPTH.with(|depth| depth.replace(depth.get() + 1));
        if depth < MAX_NESTED {
            RUNNING.with(|running| running[depth].set(logger));
        }
        InHook(())
    }
}

impl Drop for InHook {
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(depth.get() - 1));
    }
}
