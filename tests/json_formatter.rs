mod common;

use hooklog::{FieldKey, FieldMap, JsonFormatter, Value, info};
use serde_json::json;

fn log_one(formatter: JsonFormatter, build: impl FnOnce(&hooklog::Logger)) -> String {
    let (logger, out) = common::capture(formatter);
    build(&logger);
    common::output(&out)
}

#[test]
fn one_object_per_line_with_fixed_keys_first_and_typed_values() {
    let line = log_one(common::json(), |l| {
        l.with_field("int", 1)
            .with_field("u", 200u64)
            .with_field("float", 1.23456)
            .with_field("bool", true)
            .with_field("none", None::<i32>)
            .with_field("s", "hello world")
            .info("request handled")
    });
    assert_eq!(
        line,
        r#"{"level":"info","msg":"request handled","int":1,"u":200,"float":1.23456,"bool":true,"none":null,"s":"hello world"}"#
            .to_owned()
            + "\n"
    );
}

#[test]
fn msg_is_always_present_and_time_comes_first() {
    let line = log_one(JsonFormatter::new(), |l| l.info(""));
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert!(line.starts_with("{\"time\":\""), "{line}");
    assert_eq!(value["msg"], "");
    assert_eq!(keys.len(), 3);
}

#[test]
fn strings_are_escaped_as_serde_json_writes_them() {
    let nasty = "q\"b\\n\nr\rt\t\u{1}\u{1b}é✓\u{2028}";
    let line = log_one(common::json().disable_html_escape(true), |l| {
        l.with_field(nasty, nasty).info(nasty)
    });
    let expected = serde_json::to_string(nasty).unwrap();
    assert_eq!(
        line,
        format!("{{\"level\":\"info\",\"msg\":{expected},{expected}:{expected}}}\n")
    );
    let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(parsed[nasty], nasty);
}

#[test]
fn html_is_escaped_unless_disabled_also_inside_nested_json() {
    let log = |f: JsonFormatter| {
        log_one(f, |l| {
            l.with_field("h", "<a&b>")
                .with_field("j", json!({"k": "<x>"}))
                .info("<p>")
        })
    };
    assert_eq!(
        log(common::json()),
        "{\"level\":\"info\",\"msg\":\"\\u003cp\\u003e\",\"h\":\"\\u003ca\\u0026b\\u003e\",\"j\":{\"k\":\"\\u003cx\\u003e\"}}\n"
    );
    assert_eq!(
        log(common::json().disable_html_escape(true)),
        "{\"level\":\"info\",\"msg\":\"<p>\",\"h\":\"<a&b>\",\"j\":{\"k\":\"<x>\"}}\n"
    );
}

#[test]
fn clashing_fields_are_renamed_in_their_place() {
    let line = log_one(JsonFormatter::new(), |l| {
        l.with_field("a", 1)
            .with_field("time", "t")
            .with_field("msg", "m")
            .with_field("level", "l")
            .with_field("hooklog_error", "e")
            .with_field("b", 2)
            .info("x")
    });
    serde_json::from_str::<serde_json::Value>(&line).expect("valid JSON");
    let tail = line.split_once("\"msg\":\"x\",").unwrap().1;
    assert_eq!(
        tail,
        "\"a\":1,\"fields.time\":\"t\",\"fields.msg\":\"m\",\"fields.level\":\"l\",\"fields.hooklog_error\":\"e\",\"b\":2}\n"
    );
}

#[test]
fn data_key_nests_fields_and_avoids_clashes() {
    let line = log_one(common::json().data_key("data"), |l| {
        l.with_field("msg", "m").with_field("n", 1).info("x")
    });
    assert_eq!(
        line,
        "{\"level\":\"info\",\"msg\":\"x\",\"data\":{\"msg\":\"m\",\"n\":1}}\n"
    );
    let line = log_one(common::json().data_key("data"), |l| l.info("x"));
    assert_eq!(line, "{\"level\":\"info\",\"msg\":\"x\",\"data\":{}}\n");
}

#[test]
fn field_map_renames() {
    let map = FieldMap::new()
        .rename(FieldKey::Time, "@timestamp")
        .rename(FieldKey::Msg, "message")
        .rename(FieldKey::Level, "severity")
        .rename(FieldKey::Func, "function")
        .rename(FieldKey::File, "source")
        .rename(FieldKey::FieldError, "field_error");
    let (logger, out) = common::capture(JsonFormatter::new().field_map(map));
    logger.set_report_caller(true);
    info!(logger, "m"; "bad" => Value::Invalid("why".into()), "message" => "clash");
    let record = &common::records(&out)[0];
    for key in [
        "@timestamp",
        "message",
        "severity",
        "function",
        "source",
        "field_error",
        "fields.message",
    ] {
        assert!(record.get(key).is_some(), "{key} missing in {record}");
    }
    assert_eq!(record["field_error"], "can not add field \"bad\": why");
}

#[test]
fn caller_fields_and_non_finite_numbers() {
    let (logger, out) = common::capture(common::json());
    logger.set_report_caller(true);
    let line = line!() + 1;
    info!(logger, "m"; "nan" => f64::NAN, "inf" => f64::INFINITY, "ninf" => f64::NEG_INFINITY);
    let record = &common::records(&out)[0];
    assert_eq!(record["func"], "json_formatter");
    assert_eq!(record["file"], format!("tests/json_formatter.rs:{line}"));
    assert_eq!(record["nan"], "NaN");
    assert_eq!(record["inf"], "inf");
    assert_eq!(record["ninf"], "-inf");
}

#[test]
fn pretty_print_indents_in_order() {
    let line = log_one(common::json().pretty_print(true), |l| {
        l.with_field("list", json!([1, {}, []]))
            .with_field("s", "a,b:{c}")
            .info("m")
    });
    assert_eq!(
        line,
        "{\n  \"level\": \"info\",\n  \"msg\": \"m\",\n  \"list\": [\n    1,\n    {},\n    []\n  ],\n  \"s\": \"a,b:{c}\"\n}\n"
    );
}

#[test]
fn an_unserialisable_field_is_left_out_and_explained() {
    let mut bad = std::collections::HashMap::new();
    bad.insert((1, 2), 3);
    let line = log_one(common::json(), |l| {
        l.with_field("a", 1)
            .with_field("bad", Value::json(&bad))
            .info("m")
    });
    assert_eq!(
        line,
        "{\"level\":\"info\",\"msg\":\"m\",\"hooklog_error\":\"can not add field \\\"bad\\\": key must be a string\",\"a\":1}\n"
    );
}
