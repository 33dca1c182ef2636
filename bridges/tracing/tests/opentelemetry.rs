//! With the `opentelemetry` feature, every record logged in a span that
//! `tracing-opentelemetry`'s layer gave a context carries that span's ids; records outside
//! any span carry none.

use hooklog::TraceContext;
use opentelemetry::trace::{
    SpanContext, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider as _,
};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;

/// The ids OpenTelemetry gave `span`.
fn ids(span: &tracing::Span) -> ([u8; 16], [u8; 8]) {
    let context = span.context();
    let span = context.span();
    let span = span.span_context();
    (span.trace_id().to_bytes(), span.span_id().to_bytes())
}

fn ids_of(trace: Option<&TraceContext>) -> Option<([u8; 16], [u8; 8])> {
    trace.map(|trace| (trace.trace_id(), trace.span_id()))
}

#[test]
fn records_in_spans_carry_their_spans_ids() {
    let (logger, hook) = hooklog_test::null_logger();
    let provider = SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")))
        .with(hooklog_tracing::layer(logger));
    let mut expected = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!("before any span");
        expected.push(None);
        let outer = tracing::info_span!("outer");
        let _outer = outer.enter();
        for i in 0..500 {
            tracing::info!(i, "in outer");
            expected.push(Some(ids(&outer)));
            let inner = tracing::info_span!("inner", i);
            let _inner = inner.enter();
            tracing::warn!("in inner");
            expected.push(Some(ids(&inner)));
        }
    });
    let seen: Vec<_> = hook
        .entries()
        .iter()
        .map(|entry| ids_of(entry.trace_context()))
        .collect();
    assert_eq!(seen.len(), 1001);
    let wrong = seen.iter().zip(&expected).position(|(s, e)| s != e);
    assert_eq!(
        wrong, None,
        "the first record with other ids than its span's"
    );
    let (outer_trace, _) = expected[1].unwrap();
    assert!(
        expected[1..]
            .iter()
            .all(|ids| ids.unwrap().0 == outer_trace),
        "one trace"
    );
    assert!(
        hook.entries()[1..]
            .iter()
            .all(|entry| entry.trace_context().unwrap().is_sampled())
    );
}

#[test]
fn a_span_continuing_a_remote_trace_gives_its_trace_id() {
    let (logger, hook) = hooklog_test::null_logger();
    let provider = SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")))
        .with(hooklog_tracing::layer(logger));
    let remote = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        opentelemetry::trace::SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let span_ids = tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("handler");
        span.set_parent(opentelemetry::Context::new().with_remote_span_context(remote))
            .unwrap();
        let _entered = span.enter();
        tracing::info!("handling");
        ids(&span)
    });
    let trace = hook.last().unwrap().trace_context().copied().unwrap();
    assert_eq!(trace.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(
        trace.span_id(),
        span_ids.1,
        "the span's own id, under the remote parent"
    );
    assert_ne!(trace.span_id_hex(), "00f067aa0ba902b7");
}
