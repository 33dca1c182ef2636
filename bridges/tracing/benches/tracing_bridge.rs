//! The tracing bridge beside tracing-subscriber's own JSON layer, on the same events: the
//! fields10 event inside a span with three fields, written as JSON to `io::sink()`.
//! `cargo bench -p hooklog-tracing`: nanoseconds per event (criterion), then allocations
//! per event after warm-up (a counting allocator).
#![allow(clippy::approx_constant)] // float=3.14159 is part of the scenario

use std::time::Duration;

use criterion::{Criterion, criterion_group};
use hooklog::{JsonFormatter, Logger};
use hooklog_test::{CountingAllocator, allocations_during};
use tracing::Dispatch;
use tracing_subscriber::layer::SubscriberExt;

#[path = "../../../benches/common/fields10.rs"]
mod fields10;
use fields10::tracing_fields10;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The two subscribers: hooklog's layer and tracing-subscriber's JSON layer.
fn subscribers() -> [(&'static str, Dispatch); 2] {
    let logger = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(std::io::sink())
        .build();
    let hooklog = tracing_subscriber::registry().with(hooklog_tracing::layer(logger));
    let json = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::sink),
    );
    [
        ("hooklog-tracing", Dispatch::new(hooklog)),
        ("tracing-subscriber json", Dispatch::new(json)),
    ]
}

/// Logs `n` fields10 events inside a span with three fields.
fn events(n: u64) {
    let span = tracing::info_span!(
        "request",
        request_id = "r-42",
        method = "GET",
        attempt = 1u64
    );
    let _entered = span.enter();
    for _ in 0..n {
        tracing_fields10!(info);
    }
}

fn bridge(c: &mut Criterion) {
    let mut group = c.benchmark_group("span3-fields10");
    for (name, dispatch) in subscribers() {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                tracing::dispatcher::with_default(&dispatch, || {
                    let start = std::time::Instant::now();
                    events(iters);
                    start.elapsed()
                })
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bridge
}

fn main() {
    benches();
    Criterion::default().final_summary();
    let events_counted = 10_000;
    for (name, dispatch) in subscribers() {
        tracing::dispatcher::with_default(&dispatch, || {
            events(1_000);
            let allocations = allocations_during(|| events(events_counted));
            println!(
                "{name}: {:.2} allocations per event",
                allocations as f64 / events_counted as f64
            );
        });
    }
}
