//! The outage buffer between the logging threads and the hook's worker: encoded records
//! in order, bounded in bytes, with the counts of what became of them.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hooklog::QueueFull;

/// A record encoded on the logging thread: its scope's name, then the content of its
/// `LogRecord` message.
pub(crate) struct Record {
    bytes: Vec<u8>,
    scope_len: usize,
}

impl Record {
    /// The scope's name (the record's target).
    pub(crate) fn scope(&self) -> &[u8] {
        &self.bytes[..self.scope_len]
    }

    /// The `LogRecord` message's content.
    pub(crate) fn log_record(&self) -> &[u8] {
        &self.bytes[self.scope_len..]
    }
}

/// Storage kept for reuse only up to this size, so one huge record does not pin its
/// storage for the life of the process.
const MAX_KEPT_CAPACITY: usize = 64 * 1024;

/// The limits of the buffer and of a batch.
pub(crate) struct Limits {
    pub(crate) max_batch: usize,
    pub(crate) batch_timeout: Duration,
    pub(crate) max_bytes: usize,
    pub(crate) on_full: QueueFull,
}

/// What the logging threads, the worker and flushes share.
pub(crate) struct Buffer {
    pub(crate) limits: Limits,
    state: Mutex<State>,
    /// Signalled when the worker has something to do: a batch filled, a first record
    /// arrived, a flush asked, the hook closing.
    wake_worker: Condvar,
    /// Signalled when the worker settled a batch: room in the buffer, progress for flushes.
    settled: Condvar,
}

pub(crate) struct State {
    records: VecDeque<Record>,
    /// The bytes of the records queued and of the batch in the worker's hands.
    bytes: usize,
    /// Storage of settled records, for the next records.
    free: Vec<Vec<u8>>,
    /// When the oldest queued record arrived.
    oldest: Option<Instant>,
    /// Records ever accepted, and ever settled (delivered, rejected or given up): records
    /// are settled in the order they were accepted, so these are sequence numbers.
    accepted: u64,
    settled: u64,
    /// The highest sequence number a flush waits for.
    flush_wanted: u64,
    pub(crate) closing: bool,
    pub(crate) counts: Counts,
}

/// What became of the records.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    pub(crate) delivered: u64,
    /// Not accepted because the buffer was full, or given up when the hook was dropped.
    pub(crate) dropped: u64,
    /// Refused by the receiver.
    pub(crate) rejected: u64,
}

impl Buffer {
    pub(crate) fn new(limits: Limits) -> Buffer {
        Buffer {
            limits,
            state: Mutex::new(State {
                records: VecDeque::new(),
                bytes: 0,
                free: Vec::new(),
                oldest: None,
                accepted: 0,
                settled: 0,
                flush_wanted: 0,
                closing: false,
                counts: Counts::default(),
            }),
            wake_worker: Condvar::new(),
            settled: Condvar::new(),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Storage for the next record: empty, reused once warm.
    pub(crate) fn storage(&self) -> Vec<u8> {
        self.lock().free.pop().unwrap_or_default()
    }

    /// Encodes a record into `storage` with `encode` after its scope name, and queues it;
    /// when the buffer is full, waits for room or drops it (and returns `false`) as the
    /// policy says.
    pub(crate) fn push(
        &self,
        mut storage: Vec<u8>,
        scope: &str,
        encode: impl FnOnce(&mut Vec<u8>),
    ) -> bool {
        storage.extend_from_slice(scope.as_bytes());
        encode(&mut storage);
        let record = Record {
            scope_len: scope.len(),
            bytes: storage,
        };
        let size = record.bytes.len();
        let mut state = self.lock();
        while state.bytes > 0 && state.bytes + size > self.limits.max_bytes {
            if self.limits.on_full == QueueFull::DropNewest || state.closing {
                state.counts.dropped += 1;
                keep_storage(&mut state.free, record.bytes);
                return false;
            }
            state = self
                .settled
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.bytes += size;
        state.accepted += 1;
        state.records.push_back(record);
        let queued = state.records.len();
        if queued == 1 {
            state.oldest = Some(Instant::now());
        }
        if queued == 1 || queued == self.limits.max_batch {
            self.wake_worker.notify_one();
        }
        true
    }

    /// Waits until every record accepted so far is settled, or `deadline`; the records
    /// still unsettled then.
    pub(crate) fn flush(&self, deadline: Instant) -> u64 {
        let mut state = self.lock();
        let target = state.accepted;
        if state.flush_wanted < target {
            state.flush_wanted = target;
            self.wake_worker.notify_one();
        }
        while state.settled < target {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            state = self
                .settled
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        target.saturating_sub(state.settled)
    }

    /// For the worker: waits until a batch is due (full, old enough, or asked for by a
    /// flush), and moves it into `batch`; `false` once the hook is closing, after the
    /// records still queued are counted as dropped.
    pub(crate) fn next_batch(&self, batch: &mut Vec<Record>) -> bool {
        let mut state = self.lock();
        loop {
            if state.closing {
                let left = state.records.len();
                state.counts.dropped += left as u64;
                state.settled += left as u64;
                state.records.clear();
                self.settled.notify_all();
                return false;
            }
            let queued = state.records.len();
            let age = state.oldest.map(|oldest| oldest.elapsed());
            let flushing = state.flush_wanted > state.settled;
            if queued > 0
                && (queued >= self.limits.max_batch
                    || flushing
                    || age.is_some_and(|age| age >= self.limits.batch_timeout))
            {
                break;
            }
            state = match age {
                Some(age) => {
                    let wait = self.limits.batch_timeout.saturating_sub(age);
                    let woken = self.wake_worker.wait_timeout(state, wait);
                    woken.unwrap_or_else(PoisonError::into_inner).0
                }
                None => self
                    .wake_worker
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
        let take = state.records.len().min(self.limits.max_batch);
        batch.extend(state.records.drain(..take));
        state.oldest = (!state.records.is_empty()).then(Instant::now);
        true
    }

    /// For the worker: the batch is settled; its storage goes back for reuse.
    pub(crate) fn settle(&self, batch: &mut Vec<Record>, delivered: u64, rejected: u64) {
        let mut state = self.lock();
        let count = batch.len() as u64;
        state.settled += count;
        state.counts.delivered += delivered;
        state.counts.rejected += rejected;
        state.counts.dropped += count - delivered - rejected;
        for record in batch.drain(..) {
            state.bytes -= record.bytes.len();
            keep_storage(&mut state.free, record.bytes);
        }
        self.settled.notify_all();
    }

    /// For the worker between attempts: waits `wait`, or `retry_soon` while a flush waits;
    /// `false` if the hook is closing.
    pub(crate) fn pause(&self, wait: Duration, retry_soon: Duration) -> bool {
        let start = Instant::now();
        let mut state = self.lock();
        loop {
            if state.closing {
                return false;
            }
            let flushing = state.flush_wanted > state.settled;
            let until = start + if flushing { wait.min(retry_soon) } else { wait };
            let now = Instant::now();
            if now >= until {
                return true;
            }
            state = self
                .wake_worker
                .wait_timeout(state, until - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Tells the worker to stop: records still queued are dropped.
    pub(crate) fn close(&self) {
        self.lock().closing = true;
        self.wake_worker.notify_all();
        self.settled.notify_all();
    }

    pub(crate) fn counts(&self) -> Counts {
        self.lock().counts
    }
}

/// Keeps `storage`, emptied, for a later record, unless it grew large.
fn keep_storage(free: &mut Vec<Vec<u8>>, mut storage: Vec<u8>) {
    if storage.capacity() <= MAX_KEPT_CAPACITY {
        storage.clear();
        free.push(storage);
    }
}
