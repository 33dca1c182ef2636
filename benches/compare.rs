//! hooklog beside its peers on the same scenarios: `cargo bench --bench compare`.
//!
//! The scenarios are in `benches/common/mod.rs`. `parallel10` runs the fields10 case from
//! two threads into one shared logger; its time is wall time per record, so its inverse is
//! the aggregate throughput. `parallel10-unshared` runs the same work with a logger per
//! thread, sharing nothing: how far this machine scales two threads at all.

mod common;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

fn compare(c: &mut Criterion) {
    for (scenario, krate, why) in common::NOT_EXPRESSIBLE {
        eprintln!("{scenario}/{krate}: not measured: {why}");
    }
    let cases = common::cases();
    for scenario in common::SCENARIOS {
        let mut group = c.benchmark_group(scenario);
        let source = if scenario == "parallel10" {
            "fields10"
        } else {
            scenario
        };
        for case in cases.iter().filter(|case| case.scenario == source) {
            let run = case.run.clone();
            group.bench_function(case.krate, |b| {
                b.iter_custom(|iters| {
                    if scenario == "parallel10" {
                        parallel(&run, iters)
                    } else {
                        let start = Instant::now();
                        run(iters);
                        start.elapsed()
                    }
                })
            });
        }
        group.finish();
    }
    // The machine's own scaling, for reading parallel10: the same fields10 work on two
    // threads with a logger each, so that nothing at all is shared.
    let mut group = c.benchmark_group("parallel10-unshared");
    group.bench_function("hooklog", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            std::thread::scope(|scope| {
                for share in [iters / 2, iters - iters / 2] {
                    scope.spawn(move || (common::hooklog_fields10())(share));
                }
            });
            start.elapsed()
        })
    });
    group.finish();
}

/// Logs `iters` records from two threads (half each); returns the wall time.
fn parallel(run: &std::sync::Arc<dyn Fn(u64) + Send + Sync>, iters: u64) -> Duration {
    let start = Instant::now();
    std::thread::scope(|scope| {
        for share in [iters / 2, iters - iters / 2] {
            let run = run.clone();
            scope.spawn(move || run(share));
        }
    });
    start.elapsed()
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = compare
}
criterion_main!(benches);
