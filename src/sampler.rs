//! Sampling: keep the first records of each level and message every interval, then one
//! in every so many, as zap's production configuration does.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::level::Level;

/// How many counters records are spread over; records whose level and message hash to
/// the same counter share it (as in zap).
const COUNTERS: usize = 4096;

/// Drops repetitive records: within each `tick`, for each level and message, the first
/// `first` records are kept, then one in every `thereafter` (none if it is 0).
///
/// Attach it with [`Logger::set_sampler`](crate::Logger::set_sampler) (or the builder);
/// keep an `Arc` to read [`dropped`](Sampler::dropped). The check runs after the level
/// check and before the hooks, costs a hash of the message and two atomic operations, and
/// allocates nothing.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use hooklog::{Logger, MemoryOut, Sampler};
///
/// let sampler = Arc::new(Sampler::new(Duration::from_secs(1), 3, 10));
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).sampler(Arc::clone(&sampler)).build();
/// for _ in 0..100 {
///     logger.warn("disk almost full");
/// }
/// // The first 3, then every 10th of the rest (the 13th, 23rd, ... 93rd).
/// assert_eq!(String::from_utf8(out.contents()).unwrap().lines().count(), 3 + 9);
/// assert_eq!(sampler.dropped(), 100 - 12);
/// ```
pub struct Sampler {
    tick: Duration,
    first: u64,
    thereafter: u64,
    counters: Box<[Counter]>,
    dropped: AtomicU64,
    hasher: foldhash::fast::FixedState,
}

#[derive(Default)]
struct Counter {
    /// When the current tick ends, in nanoseconds since the epoch.
    resets_at: AtomicI64,
    count: AtomicU64,
}

impl Sampler {
    /// Keeps the first `first` records of each level and message per `tick`, then every
    /// `thereafter`-th (zap's production default is 1 s, 100, 100).
    pub fn new(tick: Duration, first: u64, thereafter: u64) -> Sampler {
        Sampler {
            tick,
            first,
            thereafter,
            counters: (0..COUNTERS).map(|_| Counter::default()).collect(),
            dropped: AtomicU64::new(0),
            hasher: foldhash::fast::FixedState::with_seed(0x0068_6f6f_6b6c_6f67),
        }
    }

    /// The number of records dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Whether a record at `level` with `message` at `time` is kept; counts it if not.
    pub(crate) fn keep(&self, level: Level, message: &str, time: SystemTime) -> bool {
        let mut hasher = self.hasher.build_hasher();
        level.hash(&mut hasher);
        message.hash(&mut hasher);
        let counter = &self.counters[hasher.finish() as usize % COUNTERS];
        let now = time
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        let n = counter.increment(now, self.tick);
        let keep = n <= self.first
            || (self.thereafter > 0 && (n - self.first).is_multiple_of(self.thereafter));
        if !keep {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        keep
    }
}

impl Counter {
    /// Counts one record at `now`, starting a new tick if the last one ended; returns the
    /// record's number within its tick.
    fn increment(&self, now: i64, tick: Duration) -> u64 {
        let resets_at = self.resets_at.load(Ordering::Relaxed);
        if now > resets_at {
            let next = now.saturating_add(i64::try_from(tick.as_nanos()).unwrap_or(i64::MAX));
            if self
                .resets_at
                .compare_exchange(resets_at, next, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                self.count.store(1, Ordering::Relaxed);
                return 1;
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed) + 1
    }
}

impl std::fmt::Debug for Sampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sampler")
            .field("tick", &self.tick)
            .field("first", &self.first)
            .field("thereafter", &self.thereafter)
            .field("dropped", &self.dropped())
            .finish()
    }
}
