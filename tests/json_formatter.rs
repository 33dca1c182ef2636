//! The JSON formatter: keys, types, escaping, options, clashes and refused values.

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

/// A value nested `self.0` levels deep that owns nothing (so dropping it is flat).
struct Nested(u32);

impl serde::Serialize for Nested {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        if self.0 == 0 {
            return serializer.serialize_u32(0);
        }
        let mut seq = serializer.serialize_seq(Some(1))?;
        seq.serialize_element(&Nested(self.0 - 1))?;
        seq.end()
    }
}

#[test]
#[ignore = "child process: run by deep_values_are_refused_not_a_stack_overflow"]
fn child_deep_values() {
    let mut deep = json!(0);
    for _ in 0..10_000 {
        deep = serde_json::Value::Array(vec![deep]);
    }
    for (name, value) in [
        ("serialize", Value::json(&Nested(10_000))),
        ("serde_json", Value::from(deep)),
        ("shallow", Value::json(&Nested(100))),
    ] {
        let line = log_one(common::json(), |l| {
            l.with_field("a", 1).with_field("deep", value).info(name)
        });
        print!("{line}");
    }
}

#[test]
fn deep_values_are_refused_not_a_stack_overflow() {
    let output = common::run_child_test("child_deep_values", &[]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let records: Vec<serde_json::Value> = stdout
        .lines()
        // The first record follows libtest's `test child_deep_values ... `.
        .filter_map(|l| l.find("{\"level\"").map(|at| &l[at..]))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3, "{stdout}");
    let reason = "can not add field \"deep\": nested deeper than 100 levels of arrays and objects";
    for record in &records[..2] {
        assert_eq!(record["hooklog_error"], reason, "{record}");
        assert_eq!(record["a"], 1);
        assert!(record.get("deep").is_none());
    }
    assert!(records[2].get("hooklog_error").is_none());
    let mut depth = 0;
    let mut value = &records[2]["deep"];
    while let Some(inner) = value.get(0) {
        depth += 1;
        value = inner;
    }
    assert_eq!(depth, 100);
}

#[test]
fn no_record_carries_a_key_twice() {
    let line = log_one(common::json(), |l| {
        l.with_field("level", "x")
            .with_field("fields.level", "y")
            .info("m")
    });
    assert_eq!(
        line,
        "{\"level\":\"info\",\"msg\":\"m\",\"fields.fields.level\":\"x\",\"fields.level\":\"y\"}\n"
    );
    let (logger, out) = common::capture(common::text());
    logger
        .with_field("user id", 1)
        .with_field("user_id", 2)
        .with_field("hooklog error", 3)
        .with_field("level", 4)
        .info("m");
    assert_eq!(
        common::lines(&out),
        ["level=info msg=m fields.user_id=1 user_id=2 fields.hooklog_error=3 fields.level=4"]
    );
}
