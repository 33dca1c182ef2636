//! Does the entry pool earn its place, and which pool? `cargo bench --bench pool`.
//!
//! The same work three ways: take a record's storage (fields, message and output buffer),
//! fill it as a ten-field record would, and give it back. `object-pool` is the shared,
//! mutex-guarded pool; `thread-local` is a per-thread free list (what hooklog uses);
//! `no-pool` allocates fresh storage for every record. Each runs on one thread and on two
//! threads at once.

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

/// Storage shaped like a record's: ten fields, a message, a formatted line.
#[derive(Default)]
struct Storage {
    fields: Vec<(&'static str, u64)>,
    message: String,
    buf: Vec<u8>,
}

impl Storage {
    fn fill(&mut self) {
        for (i, key) in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
            .into_iter()
            .enumerate()
        {
            self.fields.push((key, i as u64));
        }
        self.message.push_str("request handled");
        self.buf.extend_from_slice(&[b'x'; 250]);
    }

    fn reset(&mut self) {
        self.fields.clear();
        self.message.clear();
        self.buf.clear();
    }
}

static SHARED: LazyLock<object_pool::Pool<Box<Storage>>> =
    LazyLock::new(|| object_pool::Pool::from_vec(Vec::new()));

thread_local! {
    // Boxed as hooklog's pool boxes entries.
    #[allow(clippy::vec_box)]
    static LOCAL: RefCell<Vec<Box<Storage>>> = const { RefCell::new(Vec::new()) };
}

fn object_pool_record() {
    let mut storage = SHARED.pull(Box::default);
    storage.fill();
    black_box(&storage.buf);
    storage.reset();
}

fn thread_local_record() {
    let mut storage = LOCAL
        .with(|free| free.borrow_mut().pop())
        .unwrap_or_default();
    storage.fill();
    black_box(&storage.buf);
    storage.reset();
    LOCAL.with(|free| free.borrow_mut().push(storage));
}

fn no_pool_record() {
    let mut storage = Box::<Storage>::default();
    storage.fill();
    black_box(&storage.buf);
}

fn run(record: fn(), threads: u64, iters: u64) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(move || (0..iters / threads).for_each(|_| record()));
        }
    });
    start.elapsed()
}

fn pools(c: &mut Criterion) {
    for threads in [1, 2] {
        let mut group = c.benchmark_group(format!("pool/{threads}-thread"));
        for (name, record) in [
            ("object-pool", object_pool_record as fn()),
            ("thread-local", thread_local_record),
            ("no-pool", no_pool_record),
        ] {
            group.bench_function(name, |b| b.iter_custom(|iters| run(record, threads, iters)));
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = pools
}
criterion_main!(benches);
