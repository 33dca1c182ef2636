//! Two threads logging into one shared logger, against one thread: how far each crate
//! scales, beside the machine's own scaling (two threads with a logger each, sharing
//! nothing). `cargo bench --bench scaling`; prints one table.
//!
//! A case logs the fields10 record (`benches/common/mod.rs`) as JSON into `io::sink()`.
//! Times are the median of several runs of 200,000 records; scaling is one thread's time
//! over two threads' wall time for the same records (2.0 is perfect).

mod common;

use std::time::{Duration, Instant};

const RECORDS: u64 = 200_000;
const RUNS: usize = 9;

/// The median wall time of `RUNS` runs of `run`.
fn median(mut run: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    times.sort();
    times[RUNS / 2]
}

/// The wall time of `RECORDS` records, half on each of two threads, each thread calling
/// the `run` that `make` gives it.
fn two_threads(make: impl Fn() -> Box<dyn Fn(u64) + Send>) -> Duration {
    let (a, b) = (make(), make());
    let start = Instant::now();
    std::thread::scope(|scope| {
        scope.spawn(move || a(RECORDS / 2));
        scope.spawn(move || b(RECORDS - RECORDS / 2));
    });
    start.elapsed()
}

fn main() {
    // `cargo test --benches` runs every bench target; one pass is enough there.
    if std::env::args().any(|arg| arg == "--test") {
        return;
    }
    for (_, krate, why) in common::NOT_EXPRESSIBLE
        .iter()
        .filter(|(scenario, ..)| *scenario == "parallel10")
    {
        eprintln!("{krate}: not measured: {why}");
    }
    let per_record = |d: Duration| d.as_nanos() as f64 / RECORDS as f64;
    println!("| crate | one thread (ns/record) | two threads, one logger | scaling |");
    println!("|---|---|---|---|");
    for case in common::cases()
        .into_iter()
        .filter(|case| case.scenario == "fields10" && case.krate != "floor")
    {
        let one = median(|| {
            let start = Instant::now();
            (case.run)(RECORDS);
            start.elapsed()
        });
        let shared = median(|| {
            two_threads(|| {
                let run = case.run.clone();
                Box::new(move |n| run(n))
            })
        });
        println!(
            "| {} | {:.0} | {:.0} | {:.2}x |",
            case.krate,
            per_record(one),
            per_record(shared),
            one.as_secs_f64() / shared.as_secs_f64()
        );
    }
    let one = median(|| {
        let run = common::hooklog_fields10();
        let start = Instant::now();
        run(RECORDS);
        start.elapsed()
    });
    let unshared = median(|| two_threads(|| Box::new(common::hooklog_fields10())));
    println!(
        "| hooklog, a logger per thread (the machine's own scaling) | {:.0} | {:.0} | {:.2}x |",
        per_record(one),
        per_record(unshared),
        one.as_secs_f64() / unshared.as_secs_f64()
    );
}
