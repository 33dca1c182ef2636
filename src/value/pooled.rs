//! Strings copied into per-thread pooled storage, so a borrowed or formatted value costs a
//! copy, not an allocation, once the pool is warm.

#![allow(
    unsafe_code,
    reason = "taking the pooled string out of its ManuallyDrop in drop"
)]

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use crate::free_list::{self, FreeList};

/// Strings that grew past this are freed when dropped rather than kept, so one huge value
/// does not pin its memory for the life of the thread. Values up to this size allocate
/// nothing once warm; a larger one costs an allocation each time it is made.
const MAX_KEPT_CAPACITY: usize = 4 * 1024;

/// How many empty strings each thread keeps: enough for the string fields of the records
/// and context entries a thread has alive at once in ordinary use.
const MAX_KEPT_PER_THREAD: usize = 256;

thread_local! {
    /// This thread's empty strings, each keeping the capacity it grew to.
    // Boxed so the value that holds one is a thin pointer.
    static FREE: FreeList<String> = const { RefCell::new(Vec::new()) };
}

/// A string whose storage comes from this thread's pool and goes back to it when dropped.
// Boxed so that a `SharedStr` holding one stays three words (a `String` is three by itself).
#[allow(clippy::box_collection)]
pub(crate) struct PooledString(ManuallyDrop<Box<String>>);

impl PooledString {
    /// An empty string from the pool; allocates only when the pool is empty.
    #[inline]
    pub(crate) fn new() -> PooledString {
        PooledString(ManuallyDrop::new(free_list::pop(&FREE).unwrap_or_default()))
    }

    /// A pooled copy of `s`.
    #[inline]
    pub(crate) fn copy_of(s: &str) -> PooledString {
        let mut pooled = PooledString::new();
        pooled.0.push_str(s);
        pooled
    }

    /// Appends `s`.
    pub(crate) fn push_str(&mut self, s: &str) {
        self.0.push_str(s);
    }

    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Clone for PooledString {
    fn clone(&self) -> PooledString {
        PooledString::copy_of(&self.0)
    }
}

impl Drop for PooledString {
    /// Empties the string and keeps it for this thread's next value, unless it grew too
    /// large or the thread keeps enough already (or is exiting).
    fn drop(&mut self) {
        // SAFETY: `self.0` is not used again: this is the end of `self`.
        let mut string = unsafe { ManuallyDrop::take(&mut self.0) };
        if string.capacity() > MAX_KEPT_CAPACITY {
            return;
        }
        string.clear();
        free_list::push(&FREE, string, MAX_KEPT_PER_THREAD);
    }
}
