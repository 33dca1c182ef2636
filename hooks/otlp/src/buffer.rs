//! The outage buffer between the logging threads and the hook's worker: encoded records
//! in order, bounded in bytes, with the counts of what became of them.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hooklog::QueueFull;

/// Records encoded on the logging threads, back to back: each one's scope name, then
/// the content of its `LogRecord` message.
#[derive(Default)]
pub(crate) struct Records {
    bytes: Vec<u8>,
    /// Each record's end in `bytes` and the length of its scope name.
    ends: Vec<(usize, usize)>,
}

/// One record of [`Records`].
pub(crate) struct Record<'a> {
    /// The scope's name (the record's target).
    pub(crate) scope: &'a [u8],
    /// The `LogRecord` message's content.
    pub(crate) log_record: &'a [u8],
}

impl Records {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn push(&mut self, encoded: &[u8], scope_len: usize) {
        self.bytes.extend_from_slice(encoded);
        self.ends.push((self.bytes.len(), scope_len));
    }

    /// The records in order, each with the bytes it takes.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Record<'_>, usize)> {
        let mut start = 0;
        self.ends.iter().map(move |&(end, scope_len)| {
            let bytes = &self.bytes[start..end];
            start = end;
            let (scope, log_record) = bytes.split_at(scope_len);
            (Record { scope, log_record }, bytes.len())
        })
    }

    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }
}

thread_local! {
    /// Where each logging thread encodes its records before queueing them, outside the
    /// lock.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

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
    records: Records,
    /// The bytes of the records in the worker's hands, not yet settled.
    in_flight: usize,
    /// When the oldest queued record arrived.
    oldest: Option<Instant>,
    /// Records ever accepted, and ever settled (delivered, rejected or given up): records
    /// are settled in the order they were accepted, so these are sequence numbers.
    accepted: u64,
    settled: u64,
    /// The highest sequence number a flush waits for.
    flush_wanted: u64,
    /// How many records were settled when a flush last ran out of time.
    stalled_at: Option<u64>,
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
                records: Records::default(),
                in_flight: 0,
                oldest: None,
                accepted: 0,
                settled: 0,
                flush_wanted: 0,
                stalled_at: None,
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

    /// Encodes a record with `encode` after its scope name and queues it; when the
    /// buffer is full, waits for room or drops it (and returns `false`) as the policy
    /// says.
    pub(crate) fn push(&self, scope: &str, encode: impl FnOnce(&mut Vec<u8>)) -> bool {
        hooklog::encode::with_scratch(&SCRATCH, |scratch| {
            self.encode_and_push(scratch, scope, encode)
        })
    }

    fn encode_and_push(
        &self,
        scratch: &mut Vec<u8>,
        scope: &str,
        encode: impl FnOnce(&mut Vec<u8>),
    ) -> bool {
        scratch.clear();
        scratch.extend_from_slice(scope.as_bytes());
        encode(scratch);
        let size = scratch.len();
        let mut state = self.lock();
        loop {
            let used = state.records.bytes.len() + state.in_flight;
            if used == 0 || used + size <= self.limits.max_bytes {
                break;
            }
            if self.limits.on_full == QueueFull::DropNewest || state.closing {
                state.counts.dropped += 1;
                return false;
            }
            state = self
                .settled
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.accepted += 1;
        state.records.push(scratch, scope.len());
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
        let left = target.saturating_sub(state.settled);
        if left > 0 {
            state.stalled_at = Some(state.settled);
        }
        left
    }

    /// Whether a flush ran out of time and no record was settled since: the receiver is
    /// still away, and another flush would only wait its timeout out again.
    pub(crate) fn stalled(&self) -> bool {
        let state = self.lock();
        state.stalled_at == Some(state.settled)
    }

    /// Whether a flush waits for records.
    pub(crate) fn flushing(&self) -> bool {
        let state = self.lock();
        state.flush_wanted > state.settled
    }

    /// For the worker: waits until records are due (a batch's worth, old enough, or asked
    /// for by a flush), and swaps all that are queued with the empty `batch`; `false` once
    /// the hook is closing, after the records still queued are counted as dropped.
    pub(crate) fn next_batch(&self, batch: &mut Records) -> bool {
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
        std::mem::swap(&mut state.records, batch);
        state.in_flight = batch.bytes.len();
        state.oldest = None;
        // The logging threads' side gets room for the largest backlog seen, so they do not
        // allocate again for one as large.
        state.records.bytes.reserve(batch.bytes.capacity());
        state.records.ends.reserve(batch.ends.capacity());
        true
    }

    /// For the worker: `count` records taking `bytes` are settled, `delivered` and
    /// `rejected` of them; the others are dropped.
    pub(crate) fn settle(&self, count: u64, bytes: usize, delivered: u64, rejected: u64) {
        let mut state = self.lock();
        state.settled += count;
        state.in_flight -= bytes;
        state.counts.delivered += delivered;
        state.counts.rejected += rejected;
        state.counts.dropped += count - delivered - rejected;
        self.settled.notify_all();
    }

    pub(crate) fn is_closing(&self) -> bool {
        self.lock().closing
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

    /// Records accepted and not yet settled.
    pub(crate) fn unsettled(&self) -> u64 {
        let state = self.lock();
        state.accepted - state.settled
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
