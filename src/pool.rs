//! The per-thread pool that entries draw their storage from, so steady-state logging
//! allocates nothing.

use std::cell::RefCell;
use std::thread::LocalKey;
use std::time::SystemTime;

use crate::entry::Caller;
use crate::fields::Fields;
use crate::level::Level;
use crate::value::SharedStr;

/// Buffers that grew past this are dropped on return rather than kept, so one huge record
/// does not pin its memory for the life of the process.
const MAX_KEPT_CAPACITY: usize = 64 * 1024;

/// What an [`Entry`](crate::Entry) owns: its fields and the state of its last record.
pub(crate) struct EntryData {
    pub(crate) fields: Fields,
    /// The time set by `with_time`; records without it take the clock at logging time.
    pub(crate) fixed_time: Option<SystemTime>,
    pub(crate) time: SystemTime,
    pub(crate) level: Level,
    pub(crate) message: String,
    pub(crate) caller: Option<Caller>,
    /// Where the record comes from, for filters: a macro call's target (its module unless
    /// it names one), a bridged record's target; `None` for methods and entries.
    pub(crate) target: Option<SharedStr>,
    /// The formatter's output buffer, reused record after record.
    pub(crate) buf: Vec<u8>,
}

impl EntryData {
    fn new() -> EntryData {
        EntryData {
            fields: Fields::new(),
            fixed_time: None,
            time: SystemTime::UNIX_EPOCH,
            level: Level::Info,
            message: String::new(),
            caller: None,
            target: None,
            buf: Vec::new(),
        }
    }

    /// Empties the data for its next user, keeping allocations of reasonable size.
    fn reset(&mut self) {
        self.fields.clear();
        self.fixed_time = None;
        self.time = SystemTime::UNIX_EPOCH;
        self.level = Level::Info;
        self.message.clear();
        self.caller = None;
        self.target = None;
        if self.message.capacity() > MAX_KEPT_CAPACITY {
            self.message = String::new();
        }
        if self.buf.capacity() > MAX_KEPT_CAPACITY {
            self.buf = Vec::new();
        }
    }
}

/// Entry storage checked out of the pool; it is emptied and goes back when dropped.
pub(crate) struct Pooled(Option<Box<EntryData>>);

impl std::ops::Deref for Pooled {
    type Target = EntryData;

    fn deref(&self) -> &EntryData {
        self.0
            .as_deref()
            .expect("pooled storage is present until dropped")
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut EntryData {
        self.0
            .as_deref_mut()
            .expect("pooled storage is present until dropped")
    }
}

impl Drop for Pooled {
    /// Empties the storage and keeps it for this thread's next entry, unless the thread
    /// already keeps enough (or is exiting).
    fn drop(&mut self) {
        let Some(mut data) = self.0.take() else {
            return;
        };
        data.reset();
        push_free(&FREE, data, MAX_KEPT_PER_THREAD);
    }
}

/// How many empty entries each thread keeps; more than any thread has alive at once in
/// ordinary use, and a bound on what a burst leaves behind.
const MAX_KEPT_PER_THREAD: usize = 64;

thread_local! {
    /// This thread's empty entries. A per-thread free list needs no lock, so threads
    /// logging in parallel never contend on it (`benches/pool.rs` measures it against the
    /// shared `object-pool` and against no pooling).
    // Boxed so an entry, which moves through builder chains, moves a pointer.
    static FREE: FreeList<EntryData> = const { RefCell::new(Vec::new()) };
}

/// Takes empty entry storage from this thread's pool, allocating only when it is empty.
pub(crate) fn take() -> Pooled {
    Pooled(Some(
        pop_free(&FREE).unwrap_or_else(|| Box::new(EntryData::new())),
    ))
}

/// A thread's free list: emptied values, boxed, kept to be used again.
pub(crate) type FreeList<T> = RefCell<Vec<Box<T>>>;

/// A value kept in this thread's `list`, if there is one (and the thread is not exiting).
#[inline]
pub(crate) fn pop_free<T>(list: &'static LocalKey<FreeList<T>>) -> Option<Box<T>> {
    list.try_with(|free| free.try_borrow_mut().ok().and_then(|mut free| free.pop()))
        .ok()
        .flatten()
}

/// Keeps `value` in this thread's `list` to be used again, unless the list holds `max`
/// already (or the thread is exiting): then it is dropped.
#[inline]
pub(crate) fn push_free<T>(list: &'static LocalKey<FreeList<T>>, value: Box<T>, max: usize) {
    let _ = list.try_with(|free| {
        if let Ok(mut free) = free.try_borrow_mut()
            && free.len() < max
        {
            free.push(value);
        }
    });
}
