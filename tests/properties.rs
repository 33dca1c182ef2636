//! Property tests: any message, keys and values (any Unicode, control characters,
//! quotes, `=`, long strings, NaN and infinities, nested JSON) give one line that reads
//! back: JSON that parses to every field, text that a logfmt parser (tpt-logfmt-parse)
//! splits into the logged pairs.

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

/// Fields with distinct keys that do not start with `fields.` (where a renamed clash
/// could meet a real key).
fn fields() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec((nasty_string(), value()), 0..8).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        pairs
            .into_iter()
            .filter(|(k, _)| !k.starts_with("fields.") && seen.insert(k.clone()))
            .collect()
    })
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
        let record: Json = serde_json::from_str(text.trim_end()).unwrap();
        prop_assert_eq!(&record["msg"], &Json::from(message.clone()));
        prop_assert_eq!(&record["level"], "warning");
        for (key, value) in &pairs {
            let name = if FIXED.contains(&key.as_str()) { format!("fields.{key}") } else { key.clone() };
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
        prop_assert!(!line.bytes().any(|b| b < 0x20 || b == 0x7f), "raw control byte in {:?}", line);
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
        for (key, value) in &pairs {
            let mut name = String::new();
            if FIXED.contains(&key.as_str()) {
                name.push_str("fields.");
            }
            // The documented key sanitisation.
            name.extend(key.chars().map(|c| if c <= ' ' || c == '=' || c == '"' || c == '\u{7f}' { '_' } else { c }));
            if key.is_empty() {
                name.push('_');
            }
            let text = match value {
                Value::Json(json) => {
                    // Compare nested JSON as JSON: escapes may differ, meaning may not.
                    // Look it up by position: sanitised keys may repeat.
                    let got = parsed.get(expected.len()).map(|(_, v)| v.clone()).unwrap_or_default();
                    prop_assert_eq!(serde_json::from_str::<Json>(&got).unwrap(), json.clone());
                    got
                }
                other => other.to_string(),
            };
            expected.push((name, text));
        }
        prop_assert_eq!(parsed, expected);
    }
}
