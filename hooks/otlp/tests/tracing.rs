//! `tracing` events in spans that `tracing-opentelemetry` traces reach the receiver
//! through hooklog-tracing with their spans' trace and span ids.

mod common;

use common::Receiver;
use hooklog::Logger;
use hooklog_otlp::OtlpHook;
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::trace::SdkTracerProvider;
use serde_json::json;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;

/// The hex trace and span ids OpenTelemetry gave `span`.
fn ids(span: &tracing::Span) -> (String, String) {
    let context = span.context();
    let span = context.span();
    let span = span.span_context();
    (span.trace_id().to_string(), span.span_id().to_string())
}

#[test]
fn events_in_spans_arrive_with_their_spans_ids() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let hook = OtlpHook::builder()
        .endpoint(receiver.url())
        .build()
        .unwrap();
    let logger = Logger::builder().out(std::io::sink()).hook(hook).build();
    let provider = SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("checkout")))
        .with(hooklog_tracing::layer(logger.clone()));
    let mut expected = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(n = 0, "outside any span");
        expected.push((String::new(), String::new()));
        for n in 1..=200 {
            let request = tracing::info_span!("request", n);
            let _entered = request.enter();
            tracing::info!(n, "handling");
            expected.push(ids(&request));
        }
    });
    logger.flush().unwrap();
    let records = receiver.wait_for(201);
    let seen: Vec<_> = records
        .iter()
        .map(|r| {
            let id = |key: &str| r[key].as_str().unwrap().to_owned();
            (id("trace_id"), id("span_id"))
        })
        .collect();
    assert_eq!(seen.len(), 201);
    let wrong = seen.iter().zip(&expected).position(|(s, e)| s != e);
    assert_eq!(wrong, None, "the first record without its span's ids");
    assert!(
        records[1..].iter().all(|r| r["flags"] == json!(1)),
        "sampled"
    );
    assert_eq!(records[1]["scope"], json!(module_path!()));
}
