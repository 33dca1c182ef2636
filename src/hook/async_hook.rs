//! `AsyncHook`: runs any hook on a worker thread behind a bounded queue.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use super::{Hook, InHook, fire_contained};
use crate::entry::Entry;
use crate::error::{Error, report};
use crate::level::Level;
use crate::logger::{self, Logger};
use crate::pool::Pooled;

/// The logger a queued record is handed with when its own logger is gone.
static INERT: LazyLock<Logger> = LazyLock::new(|| Logger::builder().no_out().build());

/// What [`AsyncHook::fire`](Hook::fire) does when the queue is full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueFull {
    /// Wait for room: nothing is lost, but the logging thread waits for the destination.
    #[default]
    Block,
    /// Drop the new record and count it; the count is reported on stderr at the next
    /// flush and kept by [`AsyncHook::dropped`].
    DropNewest,
}

/// Runs a hook on a worker thread behind a bounded queue, so a slow destination (a
/// network, a disk) never holds up the logging thread.
///
/// `fire` copies the record (a pooled entry) into the queue and returns; the worker fires
/// the inner hook on each copy in order. [`flush`](Hook::flush) waits until every record
/// queued before it has been handled and the inner hook flushed, up to a deadline (5 s by
/// default); the logger calls it on [`Logger::flush`](crate::Logger::flush) and on every
/// exit path, so queued records are delivered when the process ends. Dropping the hook
/// drains the queue and joins the worker.
///
/// Records the inner hook logs through a logger skip that logger's hooks, as on the
/// logging thread. A queue does not keep the logger alive: a record whose logger was
/// dropped reaches the inner hook with an inert logger (`entry.logger()`). Edits the inner hook makes to a record do not reach the formatted
/// record: it is formatted on the logging thread without waiting.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use hooklog::{AsyncHook, Entry, Error, Hook, Logger, QueueFull};
///
/// struct Slow(Arc<Mutex<Vec<String>>>);
///
/// impl Hook for Slow {
///     fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
///         std::thread::sleep(std::time::Duration::from_millis(1));
///         self.0.lock().unwrap().push(entry.message().to_owned());
///         Ok(())
///     }
/// }
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let hook = AsyncHook::new(Slow(seen.clone())).capacity(1024).on_full(QueueFull::Block);
/// let logger = Logger::builder().out(std::io::sink()).hook(hook).build();
/// for i in 0..10 {
///     logger.info(format_args!("record {i}"));
/// }
/// logger.flush().unwrap();
/// assert_eq!(seen.lock().unwrap().len(), 10);
/// ```
pub struct AsyncHook {
    shared: Arc<Shared>,
    levels: Vec<Level>,
    worker: Option<JoinHandle<()>>,
    worker_id: Option<ThreadId>,
    flush_timeout: Duration,
}

struct Shared {
    name: &'static str,
    inner: Box<dyn Hook>,
    queue: Mutex<Queue>,
    /// Signalled when records arrive or the hook is closing.
    arrived: Condvar,
    /// Signalled when records have been handled (room in the queue, progress for flush).
    handled: Condvar,
    dropped: AtomicU64,
    /// Dropped records not yet reported.
    unreported: AtomicU64,
}

/// A queued record: its storage, and its logger held weakly so that a queue never keeps
/// a logger (which owns this hook) alive.
type Queued = (Weak<logger::Shared>, Pooled);

struct Queue {
    records: VecDeque<Queued>,
    capacity: usize,
    on_full: QueueFull,
    /// Records ever queued, and ever handled by the worker.
    queued: u64,
    handled: u64,
    closing: bool,
}

impl AsyncHook {
    /// Wraps `hook` with a queue of 1,024 records that blocks when full, and starts the
    /// worker thread.
    ///
    /// # Panics
    ///
    /// If the worker thread cannot be started (the system is out of threads).
    pub fn new(hook: impl Hook) -> AsyncHook {
        let name = std::any::type_name_of_val(&hook);
        let levels = hook.levels().to_vec();
        let shared = Arc::new(Shared {
            name,
            inner: Box::new(hook),
            queue: Mutex::new(Queue {
                records: VecDeque::new(),
                capacity: 1024,
                on_full: QueueFull::Block,
                queued: 0,
                handled: 0,
                closing: false,
            }),
            arrived: Condvar::new(),
            handled: Condvar::new(),
            dropped: AtomicU64::new(0),
            unreported: AtomicU64::new(0),
        });
        let worker_shared = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("hooklog-async-hook".into())
            .spawn(move || worker_shared.run())
            .expect("start the async hook's worker thread");
        AsyncHook {
            worker_id: Some(worker.thread().id()),
            worker: Some(worker),
            shared,
            levels,
            flush_timeout: Duration::from_secs(5),
        }
    }

    /// The most records the queue holds (at least 1).
    #[must_use]
    pub fn capacity(self, records: usize) -> AsyncHook {
        self.shared.lock().capacity = records.max(1);
        self
    }

    /// What `fire` does when the queue is full (default [`QueueFull::Block`]).
    #[must_use]
    pub fn on_full(self, policy: QueueFull) -> AsyncHook {
        self.shared.lock().on_full = policy;
        self
    }

    /// How long [`flush`](Hook::flush) waits for the queue to drain (default 5 s).
    #[must_use]
    pub fn flush_timeout(mut self, timeout: Duration) -> AsyncHook {
        self.flush_timeout = timeout;
        self
    }

    /// The number of records dropped because the queue was full, since the hook was made.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// The number of records waiting in the queue.
    pub fn queued(&self) -> usize {
        self.shared.lock().records.len()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The worker: takes records in batches and fires the inner hook on each.
    fn run(&self) {
        let mut batch = VecDeque::new();
        loop {
            {
                let mut queue = self.lock();
                while queue.records.is_empty() && !queue.closing {
                    queue = self
                        .arrived
                        .wait(queue)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                if queue.records.is_empty() {
                    return;
                }
                std::mem::swap(&mut batch, &mut queue.records);
                // Room for more: wake producers blocked on a full queue.
                self.handled.notify_all();
            }
            let count = batch.len() as u64;
            for (logger, data) in batch.drain(..) {
                let logger = Logger::upgrade(&logger).unwrap_or_else(|| INERT.clone());
                let _in_hook = InHook::enter(logger.id());
                let mut record = Entry::from_parts(logger, data);
                fire_contained(self.name, &*self.inner, &mut record);
            }
            self.lock().handled += count;
            self.handled.notify_all();
        }
    }
}

impl Hook for AsyncHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Queues a copy of the record; blocks or drops when the queue is full.
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let (logger, data) = entry.clone().into_parts();
        let record = (logger.downgrade(), data);
        drop(logger);
        let shared = &*self.shared;
        let mut queue = shared.lock();
        while queue.records.len() >= queue.capacity && !queue.closing {
            if queue.on_full == QueueFull::DropNewest {
                shared.dropped.fetch_add(1, Ordering::Relaxed);
                shared.unreported.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            queue = shared
                .handled
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
        queue.records.push_back(record);
        queue.queued += 1;
        drop(queue);
        shared.arrived.notify_one();
        Ok(())
    }

    /// Waits until every record queued before this call is handled, then flushes the
    /// inner hook; reports records dropped since the last flush.
    ///
    /// # Errors
    ///
    /// If the queue did not drain within the flush timeout, or the inner flush failed.
    fn flush(&self) -> Result<(), Error> {
        let shared = &*self.shared;
        let dropped = shared.unreported.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            report(format_args!(
                "async hook {} dropped {dropped} records: its queue was full",
                shared.name
            ));
        }
        if Some(std::thread::current().id()) == self.worker_id {
            // Flushing from the worker itself (the inner hook flushed the logger):
            // waiting for the worker would never end.
            return shared.inner.flush();
        }
        let deadline = Instant::now() + self.flush_timeout;
        let mut queue = shared.lock();
        let target = queue.queued;
        while queue.handled < target {
            let now = Instant::now();
            if now >= deadline {
                let waiting = target - queue.handled;
                return Err(Error::new(format!(
                    "async hook {} did not drain within {:?}: {waiting} records still queued",
                    shared.name, self.flush_timeout
                )));
            }
            queue = shared
                .handled
                .wait_timeout(queue, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        drop(queue);
        shared.inner.flush()
    }
}

impl Drop for AsyncHook {
    /// Lets the worker drain the queue, then joins it.
    fn drop(&mut self) {
        self.shared.lock().closing = true;
        self.shared.arrived.notify_all();
        self.shared.handled.notify_all();
        if let Some(worker) = self.worker.take() {
            // The worker may itself drop the last handle (it held the last record of a
            // logger that owned this hook); it cannot join itself.
            if Some(std::thread::current().id()) != self.worker_id {
                let _ = worker.join();
            }
        }
    }
}

impl fmt::Debug for AsyncHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncHook")
            .field("inner", &self.shared.name)
            .field("queued", &self.queued())
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}
