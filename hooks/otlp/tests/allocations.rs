//! The logging thread allocates nothing per record once warm: encoding goes into storage
//! the hook keeps, sized by the largest backlog it has held.
#![allow(clippy::approx_constant)] // float=3.14159 is part of the fields10 record

#[path = "common/sink.rs"]
mod sink;

use hooklog::{Logger, TraceContext};
use hooklog_otlp::OtlpHook;
use hooklog_test::{CountingAllocator, allocations_during};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn log(logger: &Logger, trace: TraceContext, n: u64) {
    hooklog::log_fields!(logger.with_trace_context(trace);
        "n" => n, "int" => -1i64, "float" => 3.14159, "string" => "hello world",
        "bool" => true, "user" => "alice@example.com", "none" => None::<u8>,
        "big" => u64::MAX, "path" => "/api/v1/users/42", "latency_ms" => 12.5)
    .info("request handled");
}

#[test]
fn no_allocation_per_record_once_warm() {
    let sink = sink::Sink::start();
    let hook = std::sync::Arc::new(OtlpHook::builder().endpoint(&sink.url).build().unwrap());
    let logger = Logger::builder()
        .out(std::io::sink())
        .hook(hook.clone())
        .build();
    let trace =
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .unwrap();
    // Warm up with a backlog larger than the one measured: the receiver holds its answer
    // while 20,000 records wait.
    sink.hold();
    (0..20_000).for_each(|n| log(&logger, trace, n));
    sink.release();
    logger.flush().unwrap();

    let allocations = allocations_during(|| (0..10_000).for_each(|n| log(&logger, trace, n)));
    logger.flush().unwrap();
    assert_eq!(allocations, 0, "allocations in 10,000 records");
    assert_eq!(hook.delivered(), 30_000);
}
