//! `JsonFormatter`: one JSON object per line.

use std::cell::RefCell;
use std::io::Write as _;

use super::escape::{JsonEscapes, pretty, write_escaped, write_quoted};
use super::number::format_f64;
use super::record::{clashes, field_errors};
use super::time::{Stamp, TimestampFormat, with_stamp};
use super::{FieldKey, FieldMap, Formatter};
use crate::entry::Entry;
use crate::error::Error;
use crate::scratch;
use crate::value::Value;

/// Formats records as JSON, one object per line, like logrus's `JSONFormatter`:
///
/// ```text
/// {"time":"2026-11-22T10:00:00+08:00","level":"info","msg":"request handled","user":"alice","status":200}
/// ```
///
/// Keys come in this order: time, level, msg, hooklog_error (when a field could not be
/// written), func and file (when the caller is reported), then the fields in insertion
/// order. Numbers and booleans stay typed; NaN and infinities become the strings `"NaN"`,
/// `"inf"` and `"-inf"`. A field named like a fixed key is written as `fields.<key>` in
/// its place. `<`, `>` and `&` are escaped unless
/// [`disable_html_escape`](JsonFormatter::disable_html_escape) is set.
///
/// ```
/// use hooklog::{JsonFormatter, Logger, MemoryOut};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder()
///     .formatter(JsonFormatter::new().disable_timestamp(true).data_key("data"))
///     .out(out.clone())
///     .build();
/// logger.with_field("status", 200).with_field("level", "x").info("done");
/// assert_eq!(
///     out.contents(),
///     b"{\"level\":\"info\",\"msg\":\"done\",\"data\":{\"status\":200,\"level\":\"x\"}}\n"
/// );
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct JsonFormatter {
    disable_timestamp: bool,
    timestamp_format: TimestampFormat,
    disable_html_escape: bool,
    data_key: Option<String>,
    pretty_print: bool,
    field_map: FieldMap,
}

impl JsonFormatter {
    /// A formatter with logrus's defaults: RFC 3339 timestamps, HTML escaping, fields at
    /// the top level.
    pub fn new() -> JsonFormatter {
        JsonFormatter::default()
    }

    /// Leaves the time out.
    pub fn disable_timestamp(mut self, on: bool) -> Self {
        self.disable_timestamp = on;
        self
    }

    /// How the time is written (default RFC 3339; the Unix forms write numbers).
    pub fn timestamp_format(mut self, format: TimestampFormat) -> Self {
        self.timestamp_format = format;
        self
    }

    /// Writes `<`, `>` and `&` as they are.
    pub fn disable_html_escape(mut self, on: bool) -> Self {
        self.disable_html_escape = on;
        self
    }

    /// Nests all fields in one object under `key`.
    pub fn data_key(mut self, key: impl Into<String>) -> Self {
        self.data_key = Some(key.into());
        self
    }

    /// Indents the object over several lines; for reading by eye, not for log shippers.
    pub fn pretty_print(mut self, on: bool) -> Self {
        self.pretty_print = on;
        self
    }

    /// Renames the fixed keys.
    pub fn field_map(mut self, map: FieldMap) -> Self {
        self.field_map = map;
        self
    }

    fn html(&self) -> bool {
        !self.disable_html_escape
    }

    fn write_key(&self, buf: &mut Vec<u8>, key: &str) {
        buf.push(b',');
        write_quoted(buf, key, self.html());
        buf.push(b':');
    }

    fn write_record(&self, entry: &Entry, buf: &mut Vec<u8>, stamp: Option<Stamp<'_>>) {
        let map = &self.field_map;
        let html = self.html();
        let mut stamp_error = None;
        buf.push(b'{');
        if let Some(stamp) = stamp {
            write_quoted(buf, map.resolve(FieldKey::Time), html);
            buf.push(b':');
            match stamp {
                Stamp::Text(text) => write_quoted(buf, text, html),
                Stamp::Int(n) => buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
                Stamp::Failed { fallback, error } => {
                    write_quoted(buf, fallback, html);
                    stamp_error = Some(error);
                }
            }
            buf.push(b',');
        }
        write_quoted(buf, map.resolve(FieldKey::Level), html);
        buf.push(b':');
        write_quoted(buf, entry.level().as_str(), html);
        self.write_key(buf, map.resolve(FieldKey::Msg));
        write_quoted(buf, entry.message(), html);

        let mut errors = Vec::new();
        if let Some(error) = stamp_error {
            errors.extend_from_slice(error.as_bytes());
        }
        let mut fields_errors = Vec::new();
        if field_errors(entry, &mut fields_errors) {
            if !errors.is_empty() {
                errors.extend_from_slice(b"; ");
            }
            errors.append(&mut fields_errors);
        }
        if !errors.is_empty() {
            self.write_key(buf, map.resolve(FieldKey::FieldError));
            write_quoted(buf, &String::from_utf8_lossy(&errors), html);
        }
        if let Some(caller) = entry.caller() {
            if let Some(module) = caller.module {
                self.write_key(buf, map.resolve(FieldKey::Func));
                write_quoted(buf, module, html);
            }
            self.write_key(buf, map.resolve(FieldKey::File));
            buf.push(b'"');
            write_escaped(buf, caller.file, html);
            let _ = write!(buf, ":{}\"", caller.line);
        }

        let fields = entry
            .fields()
            .iter()
            .filter(|(_, v)| !matches!(v, Value::Invalid(_)));
        match &self.data_key {
            Some(data_key) => {
                self.write_key(buf, data_key);
                buf.push(b'{');
                for (i, (key, value)) in fields.enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    write_quoted(buf, key, html);
                    buf.push(b':');
                    self.write_value(buf, value);
                }
                buf.push(b'}');
            }
            None => {
                let has_caller = entry.caller().is_some();
                for (key, value) in fields {
                    buf.push(b',');
                    buf.push(b'"');
                    if clashes(key, map, has_caller) {
                        buf.extend_from_slice(b"fields.");
                    }
                    write_escaped(buf, key, html);
                    buf.extend_from_slice(b"\":");
                    self.write_value(buf, value);
                }
            }
        }
        buf.push(b'}');
    }

    fn write_value(&self, buf: &mut Vec<u8>, value: &Value) {
        match value {
            Value::Null => buf.extend_from_slice(b"null"),
            Value::Bool(v) => buf.extend_from_slice(if *v { b"true" } else { b"false" }),
            Value::I64(v) => buf.extend_from_slice(itoa::Buffer::new().format(*v).as_bytes()),
            Value::U64(v) => buf.extend_from_slice(itoa::Buffer::new().format(*v).as_bytes()),
            Value::F64(v) => {
                let mut digits = zmij::Buffer::new();
                let text = format_f64(&mut digits, *v);
                if v.is_finite() {
                    buf.extend_from_slice(text.as_bytes());
                } else {
                    write_quoted(buf, text, false);
                }
            }
            Value::Str(s) => write_quoted(buf, s, self.html()),
            Value::Json(json) => {
                let mut ser = serde_json::Serializer::with_formatter(
                    &mut *buf,
                    JsonEscapes { html: self.html() },
                );
                let _ = serde::Serialize::serialize(json, &mut ser);
            }
            Value::Invalid(_) => buf.extend_from_slice(b"null"),
        }
    }
}

thread_local! {
    /// Scratch for the compact form of a pretty-printed record.
    static COMPACT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Formatter for JsonFormatter {
    fn format(&self, entry: &Entry, buf: &mut Vec<u8>) -> Result<(), Error> {
        let write = |buf: &mut Vec<u8>| {
            if self.disable_timestamp {
                self.write_record(entry, buf, None);
            } else {
                with_stamp(&self.timestamp_format, entry.time(), |stamp| {
                    self.write_record(entry, buf, Some(stamp))
                });
            }
        };
        if self.pretty_print {
            scratch::with(&COMPACT, |compact| {
                compact.clear();
                write(compact);
                pretty(compact, buf);
            });
        } else {
            write(buf);
        }
        buf.push(b'\n');
        Ok(())
    }
}
