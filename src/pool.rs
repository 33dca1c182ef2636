//! The pool that entries draw their storage from, so steady-state logging allocates nothing.

use std::sync::LazyLock;
use std::time::SystemTime;

use object_pool::{Pool, Reusable};

use crate::entry::Caller;
use crate::fields::Fields;
use crate::level::Level;

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
        if self.message.capacity() > MAX_KEPT_CAPACITY {
            self.message = String::new();
        }
        if self.buf.capacity() > MAX_KEPT_CAPACITY {
            self.buf = Vec::new();
        }
    }
}

/// Entry storage checked out of the pool; it is emptied and goes back when dropped.
pub(crate) struct Pooled(Reusable<'static, Box<EntryData>>);

impl std::ops::Deref for Pooled {
    type Target = EntryData;

    fn deref(&self) -> &EntryData {
        &self.0
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut EntryData {
        &mut self.0
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        self.0.reset();
    }
}

static POOL: LazyLock<Pool<Box<EntryData>>> = LazyLock::new(|| Pool::from_vec(Vec::new()));

/// Takes empty entry storage from the pool, allocating only when the pool is empty.
pub(crate) fn take() -> Pooled {
    Pooled(POOL.pull(|| Box::new(EntryData::new())))
}
