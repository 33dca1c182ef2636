//! The OpenTelemetry context `tracing-opentelemetry` keeps for a span, as a record's
//! trace context.

use hooklog::TraceContext;
use opentelemetry::trace::TraceContextExt;
use tracing_core::dispatcher::WeakDispatch;
use tracing_core::span::Id;

/// The trace context of span `id` in `subscriber`, if `tracing-opentelemetry`'s layer
/// gave the span a valid one (its own, under the remote parent it may have been given).
/// The subscriber is passed in: while an event is dispatched, the current one reads as
/// none.
pub(crate) fn trace_context(subscriber: &WeakDispatch, id: &Id) -> Option<TraceContext> {
    let context = tracing_opentelemetry::get_otel_context(id, &subscriber.upgrade()?)?;
    let span = context.span();
    let span = span.span_context();
    if !span.is_valid() {
        return None;
    }
    TraceContext::new(
        span.trace_id().to_bytes(),
        span.span_id().to_bytes(),
        span.trace_flags().to_u8(),
    )
}
