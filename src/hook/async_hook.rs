//! `AsyncHook`: runs any hook on a worker thread behind a bounded queue.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use super::{Hook, InHook, fire_contained, flush_contained};
use crate::entry::Entry;
use crate::error::{Error, report};
use crate::exit;
use crate::level::Level;
use crate::logger::{self, Logger};
use crate::pool::Pooled;
use crate::registry::Registry;

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
/// exit path. The end of the process also drains every `AsyncHook` still alive that no
/// logger flushed (its logger was dropped, perhaps on the worker itself), so every record
/// is handled, or counted on stderr as dropped or not delivered. Dropping the hook drains
/// the queue, up to the deadline, and joins the worker.
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
}

/// Every `AsyncHook` alive, for the exit paths: one whose logger is gone (its worker
/// dropped the last handle) is still drained when the process ends.
static LIVE: Registry<Shared> = Registry::new();

struct Shared {
    name: &'static str,
    inner: Box<dyn Hook>,
    worker: OnceLock<ThreadId>,
    /// The exit flush (see [`exit::exit_epoch`]) in which a flush off the worker last
    /// drained this hook, so that the exit drains it once.
    flushed_in: AtomicU64,
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
    flush_timeout: Duration,
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
            worker: OnceLock::new(),
            flushed_in: AtomicU64::new(0),
            queue: Mutex::new(Queue {
                records: VecDeque::new(),
                capacity: 1024,
                on_full: QueueFull::Block,
                flush_timeout: Duration::from_secs(5),
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
        let _ = shared.worker.set(worker.thread().id());
        exit::install();
        LIVE.add(&shared);
        AsyncHook {
            worker: Some(worker),
            shared,
            levels,
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

    /// How long [`flush`](Hook::flush), dropping the hook, and the end of the process wait
    /// for the queue to drain (default 5 s).
    #[must_use]
    pub fn flush_timeout(self, timeout: Duration) -> AsyncHook {
        self.shared.lock().flush_timeout = timeout;
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

    fn flush_timeout(&self) -> Duration {
        self.lock().flush_timeout
    }

    /// Whether this is the worker's thread, which must not wait for itself.
    fn on_worker(&self) -> bool {
        self.worker.get() == Some(&std::thread::current().id())
    }

    /// Reports the records dropped (the queue was full) since the last report.
    fn report_drops(&self) {
        let dropped = self.unreported.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            report(format_args!(
                "async hook {} dropped {dropped} records: its queue was full",
                self.name
            ));
        }
    }

    /// Waits until every record queued before this call is handled, or the flush timeout
    /// passed; returns how many were still waiting then. Returns at once on the worker's
    /// own thread.
    fn drain(&self) -> Result<(), u64> {
        if self.on_worker() {
            return Ok(());
        }
        let mut queue = self.lock();
        let deadline = Instant::now() + queue.flush_timeout;
        let target = queue.queued;
        while queue.handled < target {
            let now = Instant::now();
            if now >= deadline {
                return Err(target - queue.handled);
            }
            queue = self
                .handled
                .wait_timeout(queue, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        Ok(())
    }

    /// What the end of the process does for a hook no logger flushed in this exit (its
    /// logger is gone): drains it, flushes the inner hook, reports what was not delivered.
    fn drain_at_exit(&self) {
        self.report_drops();
        match self.drain() {
            Ok(()) => {
                if let Err(e) = flush_contained(self.name, &*self.inner) {
                    report(format_args!("{e}"));
                }
            }
            Err(waiting) => report(format_args!(
                "async hook {}: {waiting} records not delivered at exit: still queued after {:?}",
                self.name,
                self.flush_timeout()
            )),
        }
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
        shared.report_drops();
        // From the worker itself (it dropped its logger's last handle, or the inner hook
        // flushed the logger) nothing can wait for the queue: waiting for the worker would
        // never end. The end of the process still drains it, so only a flush that waits
        // counts as this exit's.
        if shared.on_worker() {
            return shared.inner.flush();
        }
        shared
            .flushed_in
            .store(exit::exit_epoch(), Ordering::SeqCst);
        if let Err(waiting) = shared.drain() {
            return Err(Error::new(format!(
                "async hook {} did not drain within {:?}: {waiting} records still queued",
                shared.name,
                shared.flush_timeout()
            )));
        }
        shared.inner.flush()
    }
}

impl Drop for AsyncHook {
    /// Lets the worker drain the queue, up to the flush timeout, then joins it. On the
    /// worker's own thread (it dropped the last handle of the logger that owned this
    /// hook) it cannot wait: the worker goes on draining, and the end of the process waits
    /// for it (up to the flush timeout) or reports what it did not deliver.
    fn drop(&mut self) {
        let shared = &*self.shared;
        shared.lock().closing = true;
        shared.arrived.notify_all();
        shared.handled.notify_all();
        let Some(worker) = self.worker.take() else {
            return;
        };
        match shared.drain() {
            Ok(()) if !shared.on_worker() => {
                let _ = worker.join();
            }
            Ok(()) => {}
            Err(waiting) => report(format_args!(
                "async hook {} dropped with {waiting} records still queued after {:?}; its worker goes on, and the end of the process waits for it",
                shared.name,
                shared.flush_timeout()
            )),
        }
    }
}

/// Drains, at the end of the process, every `AsyncHook` that the exit flush `epoch` did
/// not flush through a logger (its logger is gone), reporting what it could not deliver.
pub(crate) fn drain_unflushed(epoch: u64) {
    for shared in LIVE.live() {
        if shared.flushed_in.load(Ordering::SeqCst) != epoch {
            shared.drain_at_exit();
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
