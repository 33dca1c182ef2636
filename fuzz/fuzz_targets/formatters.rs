//! Every formatter turns any record into one line: JSON that parses (core JSON, ECS,
//! GELF), or text without a raw control character.
#![no_main]

use arbitrary::Arbitrary;
use hooklog::{Entry, Formatter, JsonFormatter, Logger, TextFormatter, Value};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum FuzzValue {
    Str(String),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    Null,
    Json(String),
}

#[derive(Arbitrary, Debug)]
struct Record {
    message: String,
    fields: Vec<(String, FuzzValue)>,
    caller: bool,
}

fn entry(logger: &Logger, record: &Record) -> Entry {
    let mut entry = logger.entry();
    for (key, value) in &record.fields {
        let value = match value {
            FuzzValue::Str(s) => Value::from(s.clone()),
            FuzzValue::I64(v) => Value::from(*v),
            FuzzValue::U64(v) => Value::from(*v),
            FuzzValue::F64(v) => Value::from(*v),
            FuzzValue::Bool(v) => Value::from(*v),
            FuzzValue::Null => Value::Null,
            FuzzValue::Json(text) => serde_json::from_str::<serde_json::Value>(text)
                .map(Value::from)
                .unwrap_or(Value::Null),
        };
        entry.fields_mut().insert(key.clone(), value);
    }
    entry
}

/// Formats `record` the way a logger would, through a capture out.
fn format(formatter: impl Formatter, record: &Record) -> Vec<u8> {
    let out = hooklog::MemoryOut::new();
    let logger = Logger::builder()
        .formatter(formatter)
        .out(out.clone())
        .build();
    logger.set_report_caller(record.caller);
    entry(&logger, record).info(&record.message);
    out.contents()
}

fn one_line(bytes: &[u8]) -> &[u8] {
    assert_eq!(bytes.last(), Some(&b'\n'));
    let line = &bytes[..bytes.len() - 1];
    assert!(
        !line.contains(&b'\n'),
        "{:?}",
        String::from_utf8_lossy(bytes)
    );
    line
}

fuzz_target!(|record: Record| {
    for json in [
        format(JsonFormatter::new(), &record),
        format(
            hooklog_ecs::EcsFormatter::new().service_name("fuzz"),
            &record,
        ),
        format(hooklog_gelf::GelfFormatter::new(), &record),
    ] {
        let line = one_line(&json);
        serde_json::from_slice::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(line)));
    }
    let text = format(TextFormatter::new().disable_colors(true), &record);
    let line = one_line(&text);
    assert!(
        !line.iter().any(|&b| b < 0x20 || b == 0x7f),
        "{:?}",
        String::from_utf8_lossy(line)
    );
    let colored = format(TextFormatter::new().force_colors(true), &record);
    let line = one_line(&colored);
    // Only the colour codes' ESC may appear raw.
    let escapes = line.iter().filter(|&&b| b == 0x1b).count();
    let codes = line.windows(2).filter(|w| w == b"\x1b[").count();
    assert_eq!(escapes, codes);
});
