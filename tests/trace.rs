//! Records in a trace: every core formatter writes the trace and span ids, a context entry
//! hands its trace to each record it logs, and a field named like one is renamed.

mod common;

use hooklog::{TextFormatter, TraceContext, info};

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn json_writes_the_ids_after_the_message_and_renames_a_field_named_like_one() {
    let (logger, out) = common::capture(common::json());
    let trace: TraceContext = TRACEPARENT.parse().unwrap();
    let request = logger.entry().with_trace_context(trace);
    info!(request, "charged"; "trace_id" => "user's", "amount" => 12);
    request.warn("slow");
    logger.info("outside any trace");
    assert_eq!(
        common::lines(&out),
        [
            r#"{"level":"info","msg":"charged","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","fields.trace_id":"user's","amount":12}"#,
            r#"{"level":"warning","msg":"slow","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}"#,
            r#"{"level":"info","msg":"outside any trace"}"#,
        ]
    );
}

#[test]
fn text_writes_the_ids_as_bare_words() {
    let (logger, out) = common::capture(common::text());
    let trace: TraceContext = TRACEPARENT.parse().unwrap();
    logger
        .with_field("span_id", 7)
        .with_trace_context(trace)
        .info("charged");
    assert_eq!(
        common::lines(&out),
        [
            "level=info msg=charged trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 fields.span_id=7"
        ]
    );
    let (logger, out) = common::capture(
        TextFormatter::new()
            .disable_timestamp(true)
            .disable_colors(true)
            .force_quote(true),
    );
    logger.entry().with_trace_context(trace).info("quoted");
    assert_eq!(
        common::lines(&out),
        [
            r#"level="info" msg="quoted" trace_id="4bf92f3577b34da6a3ce929d0e0e4736" span_id="00f067aa0ba902b7""#
        ]
    );
}
