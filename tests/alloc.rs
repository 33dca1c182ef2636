//! Steady-state logging allocates nothing: proven with a counting global allocator.

use std::io;

use hooklog::{JsonFormatter, Level, Logger, TextFormatter};
use hooklog_test::{CountingAllocator, allocations_during};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const RECORDS: u64 = 10_000;

/// Runs `log` for warm-up, then counts the allocations of `RECORDS` more calls.
fn allocations(name: &str, mut log: impl FnMut(u64)) -> u64 {
    for i in 0..1_000 {
        log(i);
    }
    let count = allocations_during(|| (0..RECORDS).for_each(&mut log));
    println!("{name}: {count} allocations over {RECORDS} records");
    count
}

fn logger(formatter: impl hooklog::Formatter) -> Logger {
    Logger::builder()
        .level(Level::Info)
        .formatter(formatter)
        .out(io::sink())
        .build()
}

#[test]
fn steady_state_logging_allocates_nothing() {
    let json = logger(JsonFormatter::new());
    let text = logger(TextFormatter::new().disable_colors(true));
    let context = json
        .with_field("request_id", "r-42")
        .with_field("attempt", 3)
        .with_field("ratio", 0.5);

    let results = [
        allocations("fresh with_field chain (JSON)", |i| {
            json.with_field("int", i)
                .with_field("user", "alice@example.com")
                .with_field("latency_ms", 12.5)
                .with_field("ok", true)
                .info("request handled")
        }),
        allocations("fresh with_field chain (text)", |i| {
            text.with_field("int", i)
                .with_field("user", "alice@example.com")
                .with_field("latency_ms", 12.5)
                .info("request handled")
        }),
        allocations("reused context entry", |_| context.info("request handled")),
        allocations(
            "macro with fields",
            |i| hooklog::info!(json, "request {} handled", i; "status" => 200u64, "path" => "/api"),
        ),
        allocations(
            "macro on a context entry",
            |_| hooklog::info!(context, "request handled"; "status" => 200u64),
        ),
        allocations(
            "disabled level (macro)",
            |i| hooklog::debug!(json, "never {}", i; "k" => i),
        ),
        allocations("disabled level (chain)", |i| {
            json.with_field("k", i).debug("never")
        }),
    ];
    assert_eq!(results, [0; 7]);
}
