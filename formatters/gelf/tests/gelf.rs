//! The GELF formatter, field by field.

use std::time::{Duration, UNIX_EPOCH};

use hooklog::{Level, Logger};
use hooklog_gelf::GelfFormatter;
use serde_json::json;

fn record(build: impl FnOnce(&Logger)) -> serde_json::Value {
    let (logger, out) = hooklog_test::capture(GelfFormatter::new().host("web-1"));
    build(&logger);
    let text = String::from_utf8(out.contents()).unwrap();
    assert_eq!(text.matches('\n').count(), 1, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn gelf_fields_one_by_one() {
    let at = UNIX_EPOCH + Duration::from_millis(1_795_312_800_500);
    let r = record(|l| {
        l.with_time(at)
            .with_field("order", 1042)
            .with_field("ratio", 0.25)
            .with_field("ok", true)
            .with_field("user name", "alice")
            .with_field("id", "x-1")
            .with_field("a.b-c_d", "kept")
            .error("payment failed\ncard declined\n")
    });
    assert_eq!(r["version"], "1.1");
    assert_eq!(r["host"], "web-1");
    assert_eq!(r["short_message"], "payment failed");
    assert_eq!(r["full_message"], "payment failed\ncard declined\n");
    assert_eq!(r["timestamp"], json!(1795312800.5));
    assert_eq!(r["level"], 3);
    assert_eq!(r["_order"], 1042);
    assert_eq!(r["_ratio"], 0.25);
    assert_eq!(r["_ok"], "true");
    assert_eq!(r["_user_name"], "alice");
    assert_eq!(r["_id_"], "x-1");
    assert!(r.get("_id").is_none());
    assert_eq!(r["_a.b-c_d"], "kept");
    for key in r.as_object().unwrap().keys() {
        let allowed = key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-@".contains(c));
        assert!(allowed, "{key}");
    }
}

#[test]
fn single_line_messages_have_no_full_message_and_levels_map_to_syslog() {
    let r = record(|l| {
        l.with_time(UNIX_EPOCH + Duration::from_millis(1_070))
            .info("one line")
    });
    assert!(r.get("full_message").is_none());
    assert_eq!(r["timestamp"], json!(1.07));
    let levels: Vec<u64> = Level::ALL[2..]
        .iter()
        .map(|&level| record(|l| l.log(level, "m"))["level"].as_u64().unwrap())
        .collect();
    assert_eq!(levels, [3, 4, 6, 7, 7]);
    let r = record(|l| {
        l.set_report_caller(true);
        hooklog::info!(l, "with caller");
    });
    assert_eq!(r["_file"], file!());
    assert_eq!(r["_function"], "gelf");
}

#[global_allocator]
static ALLOCATOR: hooklog_test::CountingAllocator = hooklog_test::CountingAllocator;

#[test]
fn steady_state_formatting_allocates_nothing() {
    let logger = Logger::builder()
        .formatter(GelfFormatter::new())
        .out(std::io::sink())
        .build();
    let log = |i: u64| hooklog::info!(logger, "request handled"; "status" => 200u64, "user" => i, "latency" => 1.5, "path" => "/api");
    (0..1000).for_each(log);
    assert_eq!(
        hooklog_test::allocations_during(|| (0..10_000).for_each(log)),
        0
    );
}

#[test]
fn names_made_safe_never_take_another_field_s_or_the_caller_s() {
    let (logger, out) = hooklog_test::capture(GelfFormatter::new().host("web-1"));
    logger.set_report_caller(true);
    logger
        .with_field("a b", 1)
        .with_field("a_b", 2)
        .with_field("id", 3)
        .with_field("id_", 4)
        .with_field("file", "user's")
        .with_field("line", 5)
        .info("collisions");
    let text = String::from_utf8(out.contents()).unwrap();
    let keys = hooklog_test::json_keys(text.trim_end());
    let fields: Vec<&str> = keys
        .iter()
        .map(String::as_str)
        .filter(|k| k.starts_with('_'))
        .collect();
    assert_eq!(
        fields,
        [
            "_a_b_", "_a_b", "_id__", "_id_", "_file_", "_line_", "_file", "_line"
        ]
    );
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(r["_a_b_"], 1);
    assert_eq!(r["_a_b"], 2);
    assert_eq!(r["_id__"], 3);
    assert_eq!(r["_id_"], 4);
    assert_eq!(r["_file_"], "user's");
    assert!(r["_file"].as_str().unwrap().ends_with("gelf.rs"));
}

#[test]
fn control_characters_are_escaped_as_hooklog_s_json_escapes_them() {
    let r = record(|l| {
        l.with_field("note", "\u{9b}[31mred\u{7f}")
            .warn("bell\u{7}")
    });
    assert_eq!(r["short_message"], "bell\u{7}");
    let (logger, out) = hooklog_test::capture(GelfFormatter::new().host("web-1"));
    logger.with_field("note", "\u{9b}[31mred\u{7f}").warn("x");
    let text = String::from_utf8(out.contents()).unwrap();
    assert!(text.contains(r#""_note":"\u009b[31mred\u007f""#), "{text}");
    assert_eq!(r["_note"], "\u{9b}[31mred\u{7f}");
}

#[test]
fn a_record_in_a_trace_carries_its_ids_and_a_field_named_like_one_is_renamed() {
    let trace: hooklog::TraceContext = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        .parse()
        .unwrap();
    let r = record(|l| {
        l.with_field("trace_id", "user's")
            .with_trace_context(trace)
            .info("traced")
    });
    assert_eq!(r["_trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(r["_span_id"], "00f067aa0ba902b7");
    assert_eq!(r["_trace_id_"], "user's");
}
