//! The per-thread pool that entries draw their storage from, so steady-state logging
//! allocates nothing.

use std::cell::RefCell;
use std::time::SystemTime;

use crate::caller::Caller;
use crate::fields::Fields;
use crate::free_list::{self, FreeList};
use crate::level::Level;
use crate::trace::TraceContext;
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
    /// The trace the record belongs to, if any.
    pub(crate) trace: Option<TraceContext>,
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
            trace: None,
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
        self.trace = None;
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
        free_list::push(&FREE, data, MAX_KEPT_PER_THREAD);
    }
}

/// How many empty entries each thread keeps; more than any thread has alive at once in
/// ordinary use, and a bound on what a burst leaves behind.
const MAX_KEPT_PER_THREAD: usize = 64;

thread_local! {
    /// This thread's empty entries.
    // Boxed so an entry, which moves through builder chains, moves a pointer.
    static FREE: FreeList<EntryData> = const { RefCell::new(Vec::new()) };
}

/// Takes empty entry storage from this thread's pool, allocating only when it is empty.
pub(crate) fn take() -> Pooled {
    Pooled(Some(
        free_list::pop(&FREE).unwrap_or_else(|| Box::new(EntryData::new())),
    ))
}
