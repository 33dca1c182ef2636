//! Per-thread free lists: emptied values kept to be used again, so steady-state logging
//! allocates nothing. Entries and pooled strings each keep one.

use std::cell::RefCell;
use std::thread::LocalKey;

/// A thread's free list: emptied values, boxed, kept to be used again. A per-thread list
/// needs no lock, so threads logging in parallel never contend on it (`benches/pool.rs`
/// measures it against the shared `object-pool` and against no pooling).
pub(crate) type FreeList<T> = RefCell<Vec<Box<T>>>;

/// A value kept in this thread's `list`, if there is one (and the thread is not exiting).
#[inline]
pub(crate) fn pop<T>(list: &'static LocalKey<FreeList<T>>) -> Option<Box<T>> {
    list.try_with(|free| free.try_borrow_mut().ok().and_then(|mut free| free.pop()))
        .ok()
        .flatten()
}

/// Keeps `value` in this thread's `list` to be used again, unless the list holds `max`
/// already (or the thread is exiting): then it is dropped.
#[inline]
pub(crate) fn push<T>(list: &'static LocalKey<FreeList<T>>, value: Box<T>, max: usize) {
    let _ = list.try_with(|free| {
        if let Ok(mut free) = free.try_borrow_mut()
            && free.len() < max
        {
            free.push(value);
        }
    });
}
