//! Any record gives one line of valid GELF 1.1.

use hooklog::Value;
use hooklog_gelf::GelfFormatter;
use proptest::prelude::*;
use serde_json::Value as Json;

/// Field values of every kind a record can carry.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        any::<String>().prop_map(Json::from),
    ];
    let json = leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Json::from),
            prop::collection::btree_map(any::<String>(), inner, 0..3)
                .prop_map(|map| Json::Object(map.into_iter().collect())),
        ]
    });
    prop_oneof![
        any::<String>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        Just(Value::Null),
        json.prop_map(Value::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn records_are_valid_gelf(
        message in any::<String>(),
        pairs in prop::collection::btree_map("\\PC{1,8}|[a_ ]{1,3}|id_*|file|line", value(), 0..6),
        ratio in any::<f64>(),
        caller in any::<bool>(),
    ) {
        let (logger, out) = hooklog_test::capture(GelfFormatter::new().host("h"));
        logger.set_report_caller(caller);
        let mut entry = logger.entry().with_field("ratio", ratio);
        for (k, v) in &pairs {
            entry = entry.with_field(k.clone(), v.clone());
        }
        entry.warn(&message);
        let text = String::from_utf8(out.contents()).unwrap();
        prop_assert_eq!(text.matches('\n').count(), 1);
        let record: Json = serde_json::from_str(&text).unwrap();
        // No key twice: every field, the caller's included, under a name of its own.
        let keys = hooklog_test::json_keys(text.trim_end());
        let mut distinct = keys.clone();
        distinct.sort();
        distinct.dedup();
        prop_assert_eq!(distinct.len(), keys.len(), "{:?}", keys);
        let writable = pairs.values().filter(|v| !matches!(v, Value::Invalid(_))).count();
        // A method call has no module: `_file` and `_line`.
        let caller_keys = if caller { 2 } else { 0 };
        prop_assert_eq!(keys.iter().filter(|k| k.starts_with('_')).count(), writable + 1 + caller_keys);
        prop_assert_eq!(&record["version"], "1.1");
        prop_assert_eq!(&record["host"], "h");
        prop_assert_eq!(&record["level"], 4);
        prop_assert!(record["timestamp"].is_number());
        let short = record["short_message"].as_str().unwrap();
        prop_assert!(!short.is_empty() && !short.contains('\n'));
        if message.contains('\n') {
            prop_assert_eq!(&record["full_message"], &Json::from(message));
        }
        for (key, value) in record.as_object().unwrap() {
            prop_assert!(key != "_id");
            if key.starts_with('_') {
                prop_assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)), "{}", key);
                // GELF 1.1: additional fields are strings or numbers, nothing else.
                prop_assert!(value.is_string() || value.is_number(), "{} = {}", key, value);
            }
        }
    }
}
