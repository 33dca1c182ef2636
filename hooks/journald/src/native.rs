//! The journal's native protocol: a record as `NAME=value` lines, or for a value holding
//! a newline `NAME`, a newline, its length as 64-bit little endian, the value and a
//! newline; field names made valid and unique.

use std::io::Write as _;

use hooklog::{Entry, Value};

/// The fields the hook writes itself, and those the journal gives a meaning: a record's
/// own field of one of these names is renamed, never mistaken for it.
const KNOWN: [&[u8]; 16] = [
    b"MESSAGE",
    b"MESSAGE_ID",
    b"PRIORITY",
    b"CODE_FILE",
    b"CODE_LINE",
    b"CODE_FUNC",
    b"ERRNO",
    b"SYSLOG_IDENTIFIER",
    b"SYSLOG_FACILITY",
    b"SYSLOG_PID",
    b"SYSLOG_TIMESTAMP",
    b"SYSLOG_RAW",
    b"TARGET",
    b"TRACE_ID",
    b"SPAN_ID",
    b"DOCUMENTATION",
];

/// The longest field name the journal takes.
const MAX_NAME: usize = 64;

/// Appends the record of `entry` to `buf`: `PRIORITY`, `MESSAGE`, `fixed` (the hook's own
/// fields, encoded once), the caller, the target, the trace context, then the fields,
/// each name made valid and unique; a field that could not be serialised is left out.
pub(crate) fn put_record(buf: &mut Vec<u8>, entry: &Entry, fixed: &Fixed) {
    put_field(buf, b"PRIORITY", &[b'0' + entry.level().syslog_severity()]);
    put_field(buf, b"MESSAGE", entry.message().as_bytes());
    buf.extend_from_slice(&fixed.encoded);
    if let Some(caller) = entry.caller() {
        put_field(buf, b"CODE_FILE", caller.file.as_bytes());
        put_field(
            buf,
            b"CODE_LINE",
            itoa::Buffer::new().format(caller.line).as_bytes(),
        );
        if let Some(module) = caller.module {
            put_field(buf, b"CODE_FUNC", module.as_bytes());
        }
    }
    if let Some(target) = entry.target() {
        put_field(buf, b"TARGET", target.as_bytes());
    }
    if let Some(trace) = entry.trace_context() {
        let mut hex = Vec::with_capacity(32);
        hooklog::encode::hex(&mut hex, &trace.trace_id());
        put_field(buf, b"TRACE_ID", &hex);
        hex.clear();
        hooklog::encode::hex(&mut hex, &trace.span_id());
        put_field(buf, b"SPAN_ID", &hex);
    }
    let mut names = Names {
        written: Vec::new(),
        fixed: &fixed.names,
    };
    for (key, value) in entry.fields().iter() {
        if matches!(value, Value::Invalid(_)) {
            continue;
        }
        let start = buf.len();
        names.put(buf, key);
        let name_end = buf.len();
        buf.push(b'=');
        put_value(buf, value);
        finish_field(buf, start, name_end);
    }
}

/// The fields every record of a hook carries: `SYSLOG_IDENTIFIER` and the builder's,
/// encoded once, and their names.
#[derive(Debug, Default)]
pub(crate) struct Fixed {
    pub(crate) encoded: Vec<u8>,
    names: Vec<Vec<u8>>,
}

impl Fixed {
    /// `SYSLOG_IDENTIFIER=identifier`, then `fields`, their names made valid and unique.
    pub(crate) fn new(identifier: &str, fields: &[(String, String)]) -> Fixed {
        let mut encoded = Vec::new();
        put_field(&mut encoded, b"SYSLOG_IDENTIFIER", identifier.as_bytes());
        let mut names = Names {
            written: Vec::new(),
            fixed: &[],
        };
        for (name, value) in fields {
            let start = encoded.len();
            names.put(&mut encoded, name);
            let name_end = encoded.len();
            encoded.push(b'=');
            encoded.extend_from_slice(value.as_bytes());
            finish_field(&mut encoded, start, name_end);
        }
        let names = names
            .written
            .iter()
            .map(|&(start, end)| encoded[start..end].to_vec())
            .collect();
        Fixed { encoded, names }
    }
}

/// Appends one field.
pub(crate) fn put_field(buf: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    let start = buf.len();
    buf.extend_from_slice(name);
    let name_end = buf.len();
    buf.push(b'=');
    buf.extend_from_slice(value);
    finish_field(buf, start, name_end);
}

/// Ends the field written from `start` as `NAME=value` (the name ending at `name_end`):
/// with a newline, or, when the value holds one, rewritten in the binary-safe form.
fn finish_field(buf: &mut Vec<u8>, start: usize, name_end: usize) {
    let value = name_end + 1;
    if buf[value..].contains(&b'\n') {
        let len = (buf.len() - value) as u64;
        buf[name_end] = b'\n';
        buf.splice(value..value, len.to_le_bytes());
    }
    debug_assert!(start < name_end);
    buf.push(b'\n');
}

/// Appends a value as text: strings as they are, numbers in decimal, booleans as
/// `true` / `false`, no value as nothing, JSON compact, an error chain's messages joined
/// with `": "` and its backtrace.
fn put_value(buf: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Str(s) => buf.extend_from_slice(s.as_bytes()),
        Value::Null => {}
        Value::Json(json) => {
            let _ = serde_json::to_writer(&mut *buf, json);
        }
        // The messages joined with ": ", then the backtrace.
        Value::Error(chain) => {
            let _ = write!(buf, "{chain:#}");
        }
        other => hooklog::encode::json_value(buf, other),
    }
}

/// The names written in one record, so each is unique.
struct Names<'a> {
    /// Where each name of this record is in the buffer.
    written: Vec<(usize, usize)>,
    /// The names of the fields every record carries.
    fixed: &'a [Vec<u8>],
}

impl Names<'_> {
    /// Appends `key` made a valid journal field name (upper case; `[A-Z0-9_]`, anything
    /// else as `_`; no leading `_`; not starting with a digit; at most 64 bytes), and
    /// unique among the names of this record and the known ones (`_2`, `_3`, ... added).
    fn put(&mut self, buf: &mut Vec<u8>, key: &str) {
        let start = buf.len();
        let mapped = key
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' => b.to_ascii_uppercase(),
                b'A'..=b'Z' | b'0'..=b'9' => b,
                _ => b'_',
            })
            .skip_while(|&b| b == b'_');
        if mapped.clone().next().is_none_or(|b| b.is_ascii_digit()) {
            buf.extend_from_slice(b"F_");
        }
        for b in mapped {
            if buf.len() - start == MAX_NAME {
                break;
            }
            buf.push(b);
        }
        let base = buf.len();
        let mut suffix = 1u32;
        while self.taken(&buf[start..], buf) {
            suffix += 1;
            buf.truncate(base);
            let digits = itoa::Buffer::new().format(suffix).len() + 1;
            // Make room for the suffix within the longest name.
            let keep = (MAX_NAME - digits).min(base - start);
            buf.truncate(start + keep);
            buf.push(b'_');
            buf.extend_from_slice(itoa::Buffer::new().format(suffix).as_bytes());
        }
        self.written.push((start, buf.len()));
    }

    fn taken(&self, name: &[u8], buf: &[u8]) -> bool {
        KNOWN.contains(&name)
            || self.fixed.iter().any(|fixed| fixed == name)
            || self.written.iter().any(|&(s, e)| &buf[s..e] == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(keys: &[&str]) -> Vec<String> {
        let mut buf = Vec::new();
        let mut names = Names {
            written: Vec::new(),
            fixed: &[],
        };
        let mut out = Vec::new();
        for key in keys {
            let start = buf.len();
            names.put(&mut buf, key);
            out.push(String::from_utf8(buf[start..].to_vec()).unwrap());
            buf.push(b'=');
        }
        out
    }

    #[test]
    fn names_are_made_valid_and_unique() {
        let long = "x".repeat(80);
        assert_eq!(
            names(&[
                "user",
                "user-name",
                "user.name",
                "_hidden",
                "9lives",
                "ünï",
                "priority",
                "",
                &long,
                &long,
            ]),
            [
                "USER",
                "USER_NAME",
                "USER_NAME_2",
                "HIDDEN",
                "F_9LIVES",
                "N__",
                "PRIORITY_2",
                "F_",
                &"X".repeat(64),
                &format!("{}_2", "X".repeat(62)),
            ]
        );
    }

    #[test]
    fn a_value_with_a_newline_takes_the_binary_form() {
        let mut buf = Vec::new();
        put_field(&mut buf, b"A", b"one line");
        put_field(&mut buf, b"B", b"two\nlines");
        let mut expected = b"A=one line\nB\n".to_vec();
        expected.extend_from_slice(&9u64.to_le_bytes());
        expected.extend_from_slice(b"two\nlines\n");
        assert_eq!(buf, expected);
    }
}
