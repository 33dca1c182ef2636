//! `Registry`: weak handles to what the exit paths must reach while it lives.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

/// Weak handles to the live values of one kind (loggers, `MemoryOut`s, `AsyncHook`s), for
/// the exit paths to reach; a value is forgotten once it is dropped.
pub(crate) struct Registry<T>(Mutex<Vec<Weak<T>>>);

impl<T> Registry<T> {
    pub(crate) const fn new() -> Registry<T> {
        Registry(Mutex::new(Vec::new()))
    }

    /// Adds `value`, forgetting the values dropped since the last call.
    pub(crate) fn add(&self, value: &Arc<T>) {
        let mut values = self.lock();
        values.retain(|weak| weak.strong_count() > 0);
        values.push(Arc::downgrade(value));
    }

    /// The values still alive, in the order they were added.
    pub(crate) fn live(&self) -> Vec<Arc<T>> {
        self.lock().iter().filter_map(Weak::upgrade).collect()
    }

    /// The handles, locked within `wait` (see [`lock_within`](crate::exit::lock_within)):
    /// for the crash handler, which may neither block nor allocate.
    pub(crate) fn lock_within(&self, wait: Duration) -> Option<MutexGuard<'_, Vec<Weak<T>>>> {
        crate::exit::lock_within(&self.0, wait)
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Weak<T>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
