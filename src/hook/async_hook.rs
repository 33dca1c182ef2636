//! `AsyncHook`: runs any hook on a worker thread behind a bounded queue.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use super::guard::{self, InHook};
use super::{Hook, fire_contained, flush_contained};
use crate::entry::Entry;
use crate::error::{Error, report};
use crate::level::Level;
use crate::lifecycle::{self, AtExit, Stage};
use crate::pool::Pooled;

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
/// default, and never past the [exit deadline](crate::exit_deadline) while the process
/// ends); the logger calls it on [`Logger::flush`](crate::Logger::flush) and on every exit
/// path. The end of the process also drains every `AsyncHook` still alive that no logger
/// holds any more, so every record is handled, or counted on stderr as dropped or not
/// delivered. Dropping the hook drains the queue, up to the flush timeout, and joins the
/// worker.
///
/// On the worker itself (the inner hook logs, or the process starts to end there), nothing
/// waits for the worker: a full queue takes the record anyway, and a flush or an exit
/// handles the queued records on the spot. In a child process made by `fork`, the records
/// queued in the parent are the parent's to deliver: the child's hook starts with an empty
/// queue and a worker of its own.
///
/// Records the inner hook logs through the logger that fired the record skip that
/// logger's hooks, as on the logging thread. The inner hook's edits to a record do not
/// reach the formatted record: it is formatted on the logging thread without waiting.
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
}

struct Shared {
    /// This state's own handle, for the worker threads it starts.
    me: Weak<Shared>,
    name: &'static str,
    inner: Box<dyn Hook>,
    queue: Mutex<Queue>,
    /// The records the worker took from the queue and has not handled yet; only the
    /// worker's thread touches them.
    in_hand: Mutex<VecDeque<Queued>>,
    /// Signalled when records arrive or the hook is closing.
    arrived: Condvar,
    /// Signalled when records have been handled (room in the queue, progress for flush).
    handled: Condvar,
    dropped: AtomicU64,
    /// Dropped records not yet reported.
    unreported: AtomicU64,
    /// The complete exit flush in which a logger flushed this hook (0: none), so that the
    /// exit's own pass over queues leaves it alone.
    flushed_in: AtomicU64,
}

/// A queued record: the logger whose hook queued it (its id: a queue never keeps a
/// logger alive), and its storage.
type Queued = (usize, Pooled);

struct Queue {
    records: VecDeque<Queued>,
    capacity: usize,
    on_full: QueueFull,
    flush_timeout: Duration,
    /// Records ever queued, and ever handled.
    queued: u64,
    handled: u64,
    closing: bool,
    /// The worker's thread, and the fork generation it was started in.
    worker: Option<ThreadId>,
    generation: u64,
    join: Option<JoinHandle<()>>,
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
        let shared = Arc::new_cyclic(|me| Shared {
            me: me.clone(),
            name,
            inner: Box::new(hook),
            queue: Mutex::new(Queue {
                records: VecDeque::new(),
                capacity: 1024,
                on_full: QueueFull::Block,
                flush_timeout: Duration::from_secs(5),
                queued: 0,
                handled: 0,
                closing: false,
                worker: None,
                generation: lifecycle::fork_generation(),
                join: None,
            }),
            in_hand: Mutex::new(VecDeque::new()),
            arrived: Condvar::new(),
            handled: Condvar::new(),
            dropped: AtomicU64::new(0),
            unreported: AtomicU64::new(0),
            flushed_in: AtomicU64::new(0),
        });
        shared.start_worker(&mut shared.lock());
        lifecycle::register(Stage::Queues, &shared);
        AsyncHook { shared, levels }
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

    /// How long [`flush`](Hook::flush) and dropping the hook wait for the queue to drain
    /// (default 5 s). At the end of the process the [exit
    /// timeout](crate::set_exit_timeout) bounds the wait as well.
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
    /// The queue, made this process's own first if this is a child made by `fork`.
    fn lock(&self) -> MutexGuard<'_, Queue> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.generation != lifecycle::fork_generation() {
            self.after_fork(&mut queue);
        }
        queue
    }

    /// In a child made by `fork`: the queued records are the parent's to deliver, and the
    /// parent's worker did not come along.
    #[cold]
    fn after_fork(&self, queue: &mut Queue) {
        queue.generation = lifecycle::fork_generation();
        queue.records.clear();
        queue.handled = queue.queued;
        // The parent's thread is not in this process: nothing to join.
        std::mem::forget(queue.join.take());
        self.in_hand
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.start_worker(queue);
    }

    /// Starts the worker thread.
    fn start_worker(&self, queue: &mut Queue) {
        let Some(shared) = self.me.upgrade() else {
            return;
        };
        let worker = std::thread::Builder::new()
            .name("hooklog-async-hook".into())
            .spawn(move || shared.run())
            .expect("start the async hook's worker thread");
        queue.worker = Some(worker.thread().id());
        queue.join = Some(worker);
    }

    /// Whether this is the worker's thread, which must not wait for itself.
    fn on_worker(&self, queue: &Queue) -> bool {
        queue.worker == Some(std::thread::current().id())
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

    /// Waits until every record queued before this call is handled, or `deadline`
    /// passed; returns how many were still waiting then. On the worker's own thread,
    /// handles them itself.
    fn drain(&self, deadline: Instant) -> Result<(), u64> {
        let mut queue = self.lock();
        if self.on_worker(&queue) {
            drop(queue);
            return self.drain_here(deadline);
        }
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

    /// [`drain`](Shared::drain) on the worker's thread: handles what it holds and what is
    /// queued, on the spot.
    fn drain_here(&self, deadline: Instant) -> Result<(), u64> {
        loop {
            self.handle_in_hand();
            let mut queue = self.lock();
            if queue.records.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(queue.records.len() as u64);
            }
            self.take_queued(&mut queue);
        }
    }

    /// Moves the queued records into the worker's hands, making room in the queue.
    fn take_queued(&self, queue: &mut Queue) {
        let mut in_hand = self.in_hand.lock().unwrap_or_else(PoisonError::into_inner);
        in_hand.extend(queue.records.drain(..));
        // Room for more: wake producers blocked on a full queue.
        self.handled.notify_all();
    }

    /// Fires the inner hook on every record in the worker's hands, in order.
    fn handle_in_hand(&self) {
        loop {
            let next = self
                .in_hand
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop_front();
            let Some((origin, data)) = next else { return };
            {
                let _in_hook = InHook::enter(origin);
                let mut record = Entry::record(data);
                fire_contained(self.name, &*self.inner, &mut record);
            }
            self.lock().handled += 1;
            self.handled.notify_all();
        }
    }

    /// The worker: takes the queued records and fires the inner hook on each.
    fn run(&self) {
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
                self.take_queued(&mut queue);
            }
            self.handle_in_hand();
        }
    }

    /// Drains, waiting `within` at most, and flushes the inner hook; reports what was
    /// dropped since the last flush.
    fn flush_within(&self, within: Duration) -> Result<(), Error> {
        self.report_drops();
        if let Err(waiting) = self.drain(Instant::now() + within) {
            return Err(Error::new(format!(
                "async hook {} did not drain within {within:?}: {waiting} records still queued",
                self.name
            )));
        }
        flush_contained(self.name, &*self.inner)
    }
}

impl AtExit for Shared {
    /// Drains the hook and flushes the inner one, unless a logger did in this exit.
    fn flush_at_exit(&self, deadline: Instant) {
        let flushed_in = self.flushed_in.load(Ordering::SeqCst);
        if lifecycle::complete_flush_running() == Some(flushed_in) {
            return;
        }
        let within = deadline.saturating_duration_since(Instant::now());
        if let Err(e) = self.flush_within(within) {
            report(format_args!("{e}"));
        }
    }
}

impl Hook for AsyncHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Queues a copy of the record; blocks or drops when the queue is full.
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let record = (guard::innermost(), entry.record_copy());
        let shared = &self.shared;
        let mut queue = shared.lock();
        while queue.records.len() >= queue.capacity && !queue.closing {
            if queue.on_full == QueueFull::DropNewest {
                shared.dropped.fetch_add(1, Ordering::Relaxed);
                shared.unreported.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            // The worker waiting for itself would never end: the record goes in anyway.
            if shared.on_worker(&queue) {
                break;
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
    /// If the queue did not drain by the deadline, or the inner flush failed.
    fn flush(&self) -> Result<(), Error> {
        let mut within = self.shared.lock().flush_timeout;
        if let Some(exit) = lifecycle::exit_deadline() {
            within = within.min(exit.saturating_duration_since(Instant::now()));
        }
        if let Some(flush) = lifecycle::complete_flush_running() {
            self.shared.flushed_in.store(flush, Ordering::SeqCst);
        }
        self.shared.flush_within(within)
    }
}

impl Drop for AsyncHook {
    /// Lets the worker drain the queue, up to the flush timeout, then joins it. On the
    /// worker's own thread (it dropped the last handle of the logger that owned this
    /// hook) it drains the queue itself.
    fn drop(&mut self) {
        let shared = &self.shared;
        let (deadline, join) = {
            let mut queue = shared.lock();
            queue.closing = true;
            (Instant::now() + queue.flush_timeout, queue.join.take())
        };
        shared.arrived.notify_all();
        shared.handled.notify_all();
        match shared.drain(deadline) {
            Ok(()) => {
                if let Some(join) =
                    join.filter(|join| join.thread().id() != std::thread::current().id())
                {
                    let _ = join.join();
                }
            }
            Err(waiting) => report(format_args!(
                "async hook {} dropped with {waiting} records still queued after its flush timeout; its worker goes on, and the end of the process waits for it",
                shared.name,
            )),
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
