//! The same record exported by the official OpenTelemetry SDK (Python's
//! `opentelemetry-exporter-otlp-proto-http`, `tests/sdk_export.py`) and by hooklog-otlp
//! decodes to the same fields at the receiver.

mod common;

use std::process::Command;
use std::time::{Duration, SystemTime};

use common::Receiver;
use hooklog::{Level, Logger, TraceContext};
use hooklog_otlp::OtlpHook;
use serde_json::json;

#[test]
fn hooklog_and_the_sdk_export_the_same_record() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let python = common::python().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk_export.py");
    let status = Command::new(python)
        .args([script, &receiver.url()])
        .status()
        .unwrap();
    assert!(status.success(), "the SDK exported its record");
    let sdk = receiver.wait_for(1).remove(0);

    let hook = OtlpHook::builder()
        .endpoint(receiver.url())
        .service_name("compare")
        .build()
        .unwrap();
    let logger = Logger::builder().out(std::io::sink()).hook(hook).build();
    let trace =
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .unwrap();
    let entry = logger
        .with_field("user", "ana")
        .with_field("attempt", 3)
        .with_field("negative", -7)
        .with_field("ratio", 0.25)
        .with_field("ok", false)
        .with_field("tags", json!(["a", "b"]))
        .with_field("limits", json!({"max": 10, "unit": "requests"}))
        .with_time(SystemTime::UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789))
        .with_trace_context(trace);
    hooklog::log!(Level::Error, entry, target: "compare.scope", "payment failed");
    logger.flush().unwrap();
    let records = receiver.wait_for(2);
    let ours = &records[1];

    for field in [
        "scope",
        "time",
        "observed",
        "severity_number",
        "severity_text",
        "body",
        "attributes",
        "dropped",
        "trace_id",
        "span_id",
        "flags",
    ] {
        assert_eq!(
            ours[field], sdk[field],
            "{field}: hooklog {ours}\nSDK {sdk}"
        );
    }
    assert_eq!(
        ours["resource"]["service.name"],
        sdk["resource"]["service.name"]
    );
    assert_eq!(
        sdk["resource"]["telemetry.sdk.language"],
        json!({"string": "python"})
    );
}
