//! The ECS formatter against the ecs-logging specification's own field list.

use std::time::{Duration, UNIX_EPOCH};

use hooklog::{Logger, info};
use hooklog_ecs::{ECS_VERSION, EcsFormatter};
use serde_json::Value as Json;

/// The spec, as published (`tests/data/README.md` says where it comes from).
fn spec() -> Json {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/spec.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn records_meet_the_spec() {
    let spec = spec();
    let (logger, out) = hooklog_test::capture(EcsFormatter::new().service_name("shop"));
    logger.set_report_caller(true);
    let err = std::io::Error::other("card declined");
    let line_no = line!() + 1;
    info!(logger, "paid"; "order" => 1042, "http.request.method" => "POST", "dotted.*key" => 1, "user.id" => 7);
    logger
        .with_error(&err)
        .with_field("error.type", "std::io::Error")
        .error("payment failed");
    let text = String::from_utf8(out.contents()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    for line in &lines {
        let record: Json = serde_json::from_str(line).unwrap();
        let keys = hooklog_test::json_keys(line);
        // Required fields are present with the right types; present fields have theirs.
        for (name, field) in spec["fields"].as_object().unwrap() {
            let value = &record[name];
            if field["required"] == true {
                assert!(!value.is_null(), "{name} missing in {line}");
            }
            if value.is_null() {
                continue;
            }
            let ok = match field["type"].as_str().unwrap() {
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "object" => value.is_object(),
                "datetime" => value
                    .as_str()
                    .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()),
                other => panic!("spec type {other}"),
            };
            assert!(ok, "{name} has the wrong type in {line}");
        }
        // Fields with an index come first, in index order.
        let mut indexed: Vec<(u64, &str)> = spec["fields"]
            .as_object()
            .unwrap()
            .iter()
            .filter_map(|(name, f)| f["index"].as_u64().map(|i| (i, name.as_str())))
            .collect();
        indexed.sort();
        let first: Vec<&str> = keys
            .iter()
            .take(indexed.len())
            .map(String::as_str)
            .collect();
        assert_eq!(first, indexed.iter().map(|(_, n)| *n).collect::<Vec<_>>());
        assert_eq!(record["ecs.version"], ECS_VERSION);
        // @timestamp is UTC with milliseconds.
        let ts = record["@timestamp"].as_str().unwrap();
        assert!(
            ts.ends_with('Z') && ts.len() == "2026-11-22T02:00:00.500Z".len(),
            "{ts}"
        );
        // Label keys follow the spec's sanitisation.
        let sanitize = &spec["fields"]["labels"]["sanitization"]["key"];
        for key in record["labels"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.keys())
        {
            for bad in sanitize["replacements"].as_array().unwrap() {
                assert!(!key.contains(bad.as_str().unwrap()), "{key}");
            }
        }
    }
    let paid: Json = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(paid["message"], "paid");
    assert_eq!(paid["log.level"], "info");
    assert_eq!(paid["service.name"], "shop");
    assert_eq!(paid["event.dataset"], "shop");
    assert_eq!(paid["log.logger"], "ecs");
    assert_eq!(paid["log.origin.file.name"], file!());
    assert_eq!(paid["log.origin.file.line"], line_no);
    assert_eq!(paid["log.origin.function"], "ecs");
    assert_eq!(paid["labels"], serde_json::json!({"order": "1042"}));
    assert_eq!(paid["http.request.method"], "POST");
    assert_eq!(paid["user.id"], 7);
    assert_eq!(paid["dotted.*key"], 1);
    let failed: Json = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(failed["error.message"], "card declined");
    assert_eq!(failed["error.type"], "std::io::Error");
    assert!(failed.get("labels").is_none(), "{failed}");
}

#[test]
fn configured_names_and_a_fixed_time() {
    let (logger, out) = hooklog_test::capture(
        EcsFormatter::new()
            .service_name("shop")
            .event_dataset("shop.access")
            .logger_name("http"),
    );
    logger
        .with_time(UNIX_EPOCH + Duration::from_millis(1_795_312_800_007))
        .with_field("log.level", "shadow")
        .with_field("a.b\\c*d", "x")
        .warn("slow");
    let record: Json = serde_json::from_slice(&out.contents()).unwrap();
    assert_eq!(record["@timestamp"], "2026-11-22T02:00:00.007Z");
    assert_eq!(record["event.dataset"], "shop.access");
    assert_eq!(record["log.logger"], "http");
    assert_eq!(record["log.level"], "warning");
    assert_eq!(record["labels"]["log_level"], "shadow");
    assert_eq!(record["a.b\\c*d"], "x");
    assert!(record.get("log.origin.file.name").is_none());
}

#[test]
fn a_record_s_own_service_name_wins_and_label_keys_stay_distinct() {
    let (logger, out) = hooklog_test::capture(EcsFormatter::new().service_name("shop"));
    logger
        .with_field("service.name", "billing")
        .with_field("a*b", 1)
        .with_field("a_b", 2)
        .with_field("a\\b", 3)
        .with_field("note", "\u{9b}[31m")
        .info("collisions");
    let text = String::from_utf8(out.contents()).unwrap();
    let keys = hooklog_test::json_keys(text.trim_end());
    assert_eq!(
        keys.iter().filter(|k| *k == "service.name").count(),
        1,
        "{text}"
    );
    let record: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(record["service.name"], "billing");
    // The dataset is still the configured service's, as the spec's default says.
    assert_eq!(record["event.dataset"], "shop");
    assert_eq!(
        record["labels"],
        serde_json::json!({"a_b_": "1", "a_b": "2", "a_b__": "3", "note": "\u{9b}[31m"})
    );
    assert!(text.contains(r#""note":"\u009b[31m""#), "{text}");
    let labels = text.split(r#""labels":{"#).nth(1).unwrap();
    assert_eq!(labels.matches("\"a_b").count(), 3, "{labels}");
}

#[global_allocator]
static ALLOCATOR: hooklog_test::CountingAllocator = hooklog_test::CountingAllocator;

#[test]
fn steady_state_formatting_allocates_nothing() {
    let logger = Logger::builder()
        .formatter(EcsFormatter::new().service_name("shop"))
        .out(std::io::sink())
        .build();
    let log = |i: u64| info!(logger, "request handled"; "status" => 200u64, "user.id" => i, "latency" => 1.5, "path" => "/api");
    (0..1000).for_each(log);
    assert_eq!(
        hooklog_test::allocations_during(|| (0..10_000).for_each(log)),
        0
    );
}

#[test]
fn a_record_in_a_trace_carries_trace_id_and_span_id() {
    let (logger, out) = hooklog_test::capture(EcsFormatter::new());
    let trace: hooklog::TraceContext = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        .parse()
        .unwrap();
    logger
        .entry()
        .with_field("trace.id", "user's")
        .with_trace_context(trace)
        .info("traced");
    let text = String::from_utf8(out.contents()).unwrap();
    let record: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(record["trace.id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(record["span.id"], "00f067aa0ba902b7");
    assert_eq!(record["labels"]["trace_id"], "user's");
}
