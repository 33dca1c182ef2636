//! A service that exports its records to an OpenTelemetry collector over OTLP/HTTP, each
//! request's records in the trace its caller sent (a `traceparent` header), and the
//! `tracing` events of its dependencies in the spans `tracing-opentelemetry` traces.
//!
//! With a collector listening on `localhost:4318` (or the tests' receiver:
//! `python3 hooks/otlp/tests/receiver.py --out records.jsonl --port 4318`, with
//! `opentelemetry-proto` installed):
//!
//! ```text
//! OTEL_SERVICE_NAME=checkout cargo run -p hooklog-otlp --example otlp_service
//! ```
//!
//! The endpoint, headers and resource come from the `OTEL_*` variables. Without a
//! collector the records wait for one, and after the 2 s flush timeout the example says
//! how many were not delivered.

use std::sync::Arc;
use std::time::Duration;

use hooklog::{Logger, TextFormatter, TraceContext};
use hooklog_otlp::OtlpHook;
use opentelemetry::trace::TracerProvider as _;
use tracing_subscriber::layer::SubscriberExt;

/// Requests as they arrive: an order number and the `traceparent` header they carry.
const REQUESTS: [(u64, &str); 3] = [
    (
        1040,
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ),
    (
        1041,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    ),
    (
        1042,
        "00-5e1f0a3c9b2d4e6f8a7b6c5d4e3f2a1b-1a2b3c4d5e6f7081-00",
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let otlp = Arc::new(
        OtlpHook::builder()
            .resource_attribute("service.version", env!("CARGO_PKG_VERSION"))
            .flush_timeout(Duration::from_secs(2))
            .build()?,
    );
    // Records go to stderr as text too, each with its trace id.
    let logger = Logger::builder()
        .formatter(TextFormatter::new().disable_colors(true))
        .hook(otlp.clone())
        .build();

    for (order, traceparent) in REQUESTS {
        let trace = TraceContext::from_traceparent(traceparent)?;
        let request = logger.with_trace_context(trace);
        hooklog::log_fields!(&request; "order" => order, "amount_cents" => 1999)
            .info("payment accepted");
    }

    // A dependency that logs through `tracing`, inside a span OpenTelemetry traces.
    let tracer = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .build()
        .tracer("checkout");
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .with(hooklog_tracing::layer(logger.clone()));
    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("charge", order = 1043);
        let _entered = span.enter();
        tracing::warn!(attempt = 2, "card network slow");
    });

    if let Err(e) = logger.flush() {
        eprintln!("{e}");
    }
    println!(
        "{} records delivered to {}, {} dropped, {} rejected",
        otlp.delivered(),
        otlp.endpoint(),
        otlp.dropped(),
        otlp.rejected()
    );
    Ok(())
}
