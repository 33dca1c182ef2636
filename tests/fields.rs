//! Fields and values: order, replacement, conversions, the `fields!` and `log_fields!` macros.

mod common;

use std::collections::BTreeMap;
use std::fmt;

use hooklog::{Fields, Value, fields, log_fields};
use serde::Serialize;

#[test]
fn fields_keep_insertion_order_and_replace_in_place() {
    let mut fields = Fields::new();
    assert!(fields.is_empty());
    assert_eq!(fields.insert("b", 1), None);
    assert_eq!(fields.insert(String::from("a"), 2), None);
    assert_eq!(fields.insert("c", 3), None);
    assert_eq!(fields.insert("a", 20), Some(Value::I64(2)));
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["b", "a", "c"]);
    assert_eq!(fields.get("a"), Some(&Value::I64(20)));
    assert_eq!(fields.len(), 3);

    assert_eq!(fields.remove("b"), Some(Value::I64(1)));
    assert_eq!(fields.remove("missing"), None);
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["a", "c"]);
}

#[test]
fn values_stay_typed() {
    assert_eq!(Value::from(-3i8), Value::I64(-3));
    assert_eq!(Value::from(7usize), Value::U64(7));
    assert_eq!(Value::from(u64::MAX).as_u64(), Some(u64::MAX));
    assert_eq!(Value::from(u64::MAX).as_i64(), None);
    assert_eq!(Value::from(-1i64).as_u64(), None);
    assert_eq!(Value::from(1.5f32), Value::F64(1.5));
    assert_eq!(Value::from(true).as_bool(), Some(true));
    assert_eq!(Value::from("static").as_str(), Some("static"));
    assert_eq!(Value::from(String::from("owned")).as_str(), Some("owned"));
    assert_eq!(Value::from(None::<i32>), Value::Null);
    assert_eq!(Value::from(Some(4u8)), Value::U64(4));
    assert_eq!(Value::from(2i32).as_f64(), Some(2.0));
    assert_eq!(Value::from("x").as_i64(), None);
}

#[test]
fn values_from_display_debug_errors_and_serialize() {
    struct Point(i32, i32);
    impl fmt::Display for Point {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "({}, {})", self.0, self.1)
        }
    }
    assert_eq!(Value::display(Point(1, 2)).as_str(), Some("(1, 2)"));
    assert_eq!(Value::debug(vec!["a"]).as_str(), Some("[\"a\"]"));

    let err = std::io::Error::other("disk full");
    assert_eq!(Value::error(&err).as_str(), Some("disk full"));

    #[derive(Serialize)]
    struct User {
        name: &'static str,
        age: u8,
    }
    match Value::json(&User {
        name: "alice",
        age: 30,
    }) {
        Value::Json(json) => assert_eq!(json, serde_json::json!({"name": "alice", "age": 30})),
        other => panic!("expected JSON, got {other:?}"),
    }
    assert_eq!(Value::json(&5), Value::I64(5));
    assert_eq!(Value::json(&"s").as_str(), Some("s"));
    assert_eq!(Value::from(serde_json::json!(null)), Value::Null);

    // A map with non-string keys cannot become JSON.
    let mut bad = BTreeMap::new();
    bad.insert(vec![1], 2);
    match Value::json(&bad) {
        Value::Invalid(reason) => assert!(reason.contains("key must be a string"), "{reason}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn display_is_what_text_prints_before_quoting() {
    let shown: Vec<String> = [
        Value::Null,
        Value::from(true),
        Value::from(-12),
        Value::from(1.23456),
        Value::from(12.5),
        Value::from(1.0),
        Value::from(f64::NAN),
        Value::from(f64::NEG_INFINITY),
        Value::from("a b"),
        Value::from(serde_json::json!([1, "x"])),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        shown,
        [
            "null",
            "true",
            "-12",
            "1.23456",
            "12.5",
            "1.0",
            "NaN",
            "-inf",
            "a b",
            "[1,\"x\"]"
        ]
    );
}

#[test]
fn fields_macro_builds_in_order() {
    let name = String::from("alice");
    let fields = fields! { "user" => name, "attempt" => 3, "ok" => false, };
    let pairs: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(pairs, ["user=alice", "attempt=3", "ok=false"]);
    assert!(fields! {}.is_empty());
}

#[test]
fn log_fields_macro_targets_a_logger_or_the_global_one() {
    let (logger, out) = common::capture(common::text());
    let name = "bob";
    log_fields!(logger; "user" => name, "attempt" => 3).info("login failed");
    log_fields!(&logger; "only" => 1).warn("by reference");
    assert_eq!(
        common::lines(&out),
        [
            "level=info msg=\"login failed\" user=bob attempt=3",
            "level=warning msg=\"by reference\" only=1"
        ]
    );

    let global = log_fields! { "k" => "v" };
    assert_eq!(
        global.entry().fields().get("k").and_then(Value::as_str),
        Some("v")
    );
}

#[test]
fn fields_serialize_in_order() {
    let fields = fields! { "z" => 1, "a" => f64::INFINITY, "m" => Value::Null };
    assert_eq!(
        serde_json::to_string(&fields).unwrap(),
        r#"{"z":1,"a":"inf","m":null}"#
    );
}

#[test]
fn many_fields_stay_ordered_and_unique_past_the_scan_limit() {
    let mut fields = Fields::new();
    for i in 0..100 {
        fields.insert(format!("key{i}"), i);
    }
    for i in (0..100).step_by(3) {
        assert_eq!(fields.insert(format!("key{i}"), -i), Some(Value::I64(i)));
    }
    assert_eq!(fields.len(), 100);
    assert_eq!(fields.remove("key50"), Some(Value::I64(50)));
    assert_eq!(fields.get("key51"), Some(&Value::I64(-51)));
    assert_eq!(fields.get("key99"), Some(&Value::I64(-99)));
    let keys: Vec<String> = fields.iter().map(|(k, _)| k.to_owned()).collect();
    let expected: Vec<String> = (0..100)
        .filter(|&i| i != 50)
        .map(|i| format!("key{i}"))
        .collect();
    assert_eq!(keys, expected);
    fields.sort_keys();
    assert_eq!(fields.get("key7"), Some(&Value::I64(7)));
    fields.clear();
    assert!(fields.get("key7").is_none());
    fields.insert("again", 1);
    assert_eq!(fields.get("again"), Some(&Value::I64(1)));
}

#[test]
fn keys_that_share_a_prefix_or_length_are_distinct() {
    let mut fields = Fields::new();
    for key in [
        "",
        "a",
        "ab",
        "ba",
        "abcd",
        "abce",
        "abcdefgh",
        "abcdefghi",
        "abcdefghj",
        "int",
        "int64",
    ] {
        assert_eq!(fields.insert(key, key.len()), None, "{key}");
    }
    assert_eq!(fields.len(), 11);
    assert_eq!(fields.get("abcdefghj"), Some(&Value::U64(9)));
    assert_eq!(fields.insert("abcdefghi", 0), Some(Value::U64(9)));
}

#[test]
fn clearing_releases_every_shared_string_however_it_got_in() {
    use std::sync::Arc;

    let shared: Arc<str> = Arc::from("shared");
    let value = || Value::Str(hooklog::SharedStr::from(Arc::clone(&shared)));
    let mut fields = Fields::new();
    fields.insert("static", 1);
    fields.insert("inserted", value());
    fields.insert(hooklog::SharedStr::from(Arc::clone(&shared)), 2);
    assert_eq!(Arc::strong_count(&shared), 3);
    fields.clear();
    assert_eq!(Arc::strong_count(&shared), 1);

    // Values changed in place are released too.
    fields.insert("a", 1);
    fields.insert("b", 2);
    *fields.get_mut("a").unwrap() = value();
    for v in fields.values_mut().skip(1) {
        *v = value();
    }
    assert_eq!(Arc::strong_count(&shared), 3);
    fields.clear();
    assert_eq!(Arc::strong_count(&shared), 1);
    assert!(fields.is_empty());
}
