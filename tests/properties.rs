//! Property tests: any message, keys and values (any Unicode, control characters C0, DEL
//! and C1, quotes, `=`, long strings, NaN and infinities, nested JSON, keys that clash
//! with fixed keys or with each other once renamed) give one line that reads back: JSON
//! that parses to every field, text that a logfmt parser (tpt-logfmt-parse) splits into
//! the logged pairs, never a key twice, never a raw control character.

mod common;

use hooklog::{Fields, JsonFormatter, TextFormatter, Value};
use proptest::prelude::*;
use serde_json::Value as Json;

/// Strings that stress escaping: any Unicode, with controls, quotes, `=`, backslashes,
/// spaces and DEL over-represented.
fn nasty_string() -> impl Strategy<Value = String> {
    let special = prop_oneof![
        Just('"'),
        Just('\\'),
        Just('='),
        Just(' '),
        Just('\n'),
        Just('\r'),
        Just('\t'),
        Just('\u{1b}'),
        Just('\u{7f}'),
        Just('\u{9b}'),
        Just('\u{85}'),
        Just('£'),
        Just('\u{0}'),
        Just('<'),
        Just('&'),
        Just('é'),
        Just('\u{2028}'),
        any::<char>(),
    ];
    prop::collection::vec(prop_oneof![3 => special, 1 => any::<char>()], 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Json::from),
        nasty_string().prop_map(Json::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::from),
            prop::collection::vec((nasty_string(), inner), 0..4)
                .prop_map(|pairs| Json::Object(pairs.into_iter().collect())),
        ]
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        nasty_string().prop_map(Value::from),
        "[a-z]{0,3}".prop_map(|s: String| Value::from(s.repeat(400))),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)]
            .prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        json_value()
            .prop_filter("nested", |j| j.is_array() || j.is_object())
            .prop_map(Value::from),
    ]
}

/// Keys: any string, and names that clash with fixed keys or with renamed keys.
fn key() -> impl Strategy<Value = String> {
    let clashing = prop_oneof![
        Just("level"),
        Just("time"),
        Just("msg"),
        Just("hooklog_error"),
        Just("hooklog error"),
        Just("fields.level"),
        Just("fields.fields.level"),
        Just("a b"),
        Just("a_b"),
        Just("a\tb"),
        Just("fields.a_b"),
    ];
    prop_oneof![2 => nasty_string(), 1 => clashing.prop_map(String::from)]
}

/// Fields with distinct keys.
fn fields() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec((key(), value()), 0..8).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        pairs
            .into_iter()
            .filter(|(k, _)| seen.insert(k.clone()))
            .collect()
    })
}

/// A key as logfmt takes it: space, control characters (C0, DEL, C1), `=` and `"` become
/// `_`; an empty key is `_`.
fn sanitized(key: &str) -> String {
    if key.is_empty() {
        return "_".into();
    }
    key.chars()
        .map(|c| match c {
            c if c <= ' ' || c == '=' || c == '"' || ('\u{7f}'..='\u{9f}').contains(&c) => '_',
            c => c,
        })
        .collect()
}

/// The names the fields are written under, by the documented rule: a key is written as it
/// is unless it clashes with a fixed key (`fields.` goes in front) or, in `text`, logfmt
/// needs bytes of it replaced; such a name then gets `fields.` in front until it differs
/// from the fixed keys, the other fields' keys and the names given before it.
fn written_names(pairs: &[(String, Value)], text: bool) -> Vec<String> {
    let keys: std::collections::HashSet<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    let mut given: Vec<String> = Vec::new();
    pairs
        .iter()
        .map(|(key, _)| {
            let clashes = FIXED.contains(&key.as_str());
            let base = if text { sanitized(key) } else { key.clone() };
            if !clashes && base == *key {
                return key.clone();
            }
            let mut name = if clashes {
                format!("fields.{base}")
            } else {
                base
            };
            while FIXED.contains(&name.as_str())
                || (keys.contains(name.as_str()) && name != *key)
                || given.contains(&name)
            {
                name.insert_str(0, "fields.");
            }
            given.push(name.clone());
            name
        })
        .collect()
}

/// Whether `text` holds a control character raw: C0, DEL or C1.
fn raw_control(text: &str) -> bool {
    text.chars()
        .any(|c| c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c))
}

fn log(formatter: impl hooklog::Formatter, message: &str, pairs: &[(String, Value)]) -> String {
    let (logger, out) = common::capture(formatter);
    let mut fields = Fields::new();
    for (k, v) in pairs {
        fields.insert(k.clone(), v.clone());
    }
    logger.with_fields(fields).warn(message);
    String::from_utf8(out.contents()).expect("UTF-8")
}

/// The JSON a value should read back as.
fn expected_json(value: &Value) -> Json {
    match value {
        Value::F64(f) if !f.is_finite() => Json::from(value.to_string()),
        other => serde_json::to_value(other).unwrap(),
    }
}

const FIXED: [&str; 4] = ["time", "level", "msg", "hooklog_error"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn json_is_one_line_that_gives_back_every_field(message in nasty_string(), pairs in fields()) {
        let text = log(JsonFormatter::new(), &message, &pairs);
        prop_assert!(text.ends_with('\n'));
        prop_assert_eq!(text.matches('\n').count(), 1);
        prop_assert!(!raw_control(text.trim_end()), "raw control character in {:?}", text);
        let keys = hooklog_test::json_keys(text.trim_end());
        let distinct: std::collections::HashSet<&String> = keys.iter().collect();
        prop_assert_eq!(distinct.len(), keys.len(), "a key twice: {:?}", keys);
        prop_assert_eq!(&keys[..3], ["time", "level", "msg"]);
        prop_assert_eq!(&keys[3..], &written_names(&pairs, false)[..]);
        let record: Json = serde_json::from_str(text.trim_end()).unwrap();
        prop_assert_eq!(&record["msg"], &Json::from(message.clone()));
        prop_assert_eq!(&record["level"], "warning");
        for ((key, value), name) in pairs.iter().zip(written_names(&pairs, false)) {
            let got = &record[name.as_str()];
            match value {
                Value::F64(f) if f.is_finite() => prop_assert_eq!(got.as_f64(), Some(*f)),
                other => prop_assert_eq!(got, &expected_json(other), "field {:?}", key),
            }
        }
    }

    #[test]
    fn text_is_one_clean_line_that_logfmt_reads_back(message in nasty_string(), pairs in fields()) {
        let text = log(TextFormatter::new().disable_colors(true).disable_timestamp(true), &message, &pairs);
        prop_assert!(text.ends_with('\n'));
        let line = text.strip_suffix('\n').unwrap();
        prop_assert!(!raw_control(line), "raw control character in {:?}", line);
        let parsed: Vec<(String, String)> = tpt_logfmt_parse::LogfmtParser::new(line)
            .map(|pair| {
                let (key, raw) = pair.unwrap_or_else(|e| panic!("{e}: {line}"));
                // Quoted values carry JSON string escapes; bare ones have none.
                let value: String = serde_json::from_str(&format!("\"{raw}\"")).unwrap_or_else(|e| panic!("{e}: {raw}"));
                (key.to_owned(), value)
            })
            .collect();
        let mut expected = vec![("level".to_owned(), "warning".to_owned())];
        if !message.is_empty() {
            expected.push(("msg".to_owned(), message.clone()));
        }
        for ((_, value), name) in pairs.iter().zip(written_names(&pairs, true)) {
            let text = match value {
                Value::Json(json) => {
                    // Compare nested JSON as JSON: escapes may differ, meaning may not.
                    let got = parsed.get(expected.len()).map(|(_, v)| v.clone()).unwrap_or_default();
                    prop_assert_eq!(serde_json::from_str::<Json>(&got).unwrap(), json.clone());
                    got
                }
                other => other.to_string(),
            };
            expected.push((name, text));
        }
        let distinct: std::collections::HashSet<&String> = parsed.iter().map(|(k, _)| k).collect();
        prop_assert_eq!(distinct.len(), parsed.len(), "a key twice: {:?}", parsed);
        prop_assert_eq!(parsed, expected);
    }
}
