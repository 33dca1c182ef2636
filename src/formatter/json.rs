//! `JsonFormatter`: one JSON object per line.

use std::cell::RefCell;
use std::io::Write as _;
use std::sync::OnceLock;

use super::field_map::{Present, SPAN_ID, TARGET, TRACE_ID};
use super::key_names::Renamer;
use super::pretty::pretty;
use super::problems::problems;
use super::{Destination, FieldKey, FieldMap, Formatter};
use crate::entry::Entry;
use crate::error::Error;
use crate::level::Level;
use crate::scratch;
use crate::text::append::{append, append_wrapped};
use crate::text::escape::{JsonEscapes, write_escaped, write_json_string, write_quoted};
use crate::text::number::{format_f64, write_finite_f64, write_i64, write_u64};
use crate::text::time::{Stamp, TimestampFormat, with_stamp};
use crate::trace::write_hex;
use crate::value::{ErrorChain, Value};

/// Formats records as JSON, one object per line, like logrus's `JSONFormatter`:
///
/// ```text
/// {"time":"2026-11-22T10:00:00+08:00","level":"info","msg":"request handled","user":"alice","status":200}
/// ```
///
/// Keys come in this order: time, level, msg, target (when
/// [`report_target`](JsonFormatter::report_target) is on), trace_id and span_id (when the
/// record has a [trace context](crate::TraceContext)), hooklog_error (when a field
/// could not be written), func and file (when the caller is reported), then the fields in
/// insertion order. Numbers and booleans stay typed; NaN and infinities become the strings `"NaN"`,
/// `"inf"` and `"-inf"`. A field named like a fixed key is written as `fields.<key>` in
/// its place (with more `fields.` in front if that name is taken too: no record carries a
/// key twice). Strings use serde_json's escapes plus `\u007f` and `\u0080` .. `\u009f`
/// for DEL and the C1 controls; `<`, `>` and `&` are escaped unless
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
///
/// `JsonFormatter` deserialises (with serde) from its options by their setter names, as a
/// configuration file spells them: `{"data_key": "fields", "timestamp_format": "unix"}`;
/// an unknown option is an error.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[must_use]
pub struct JsonFormatter {
    disable_timestamp: bool,
    timestamp_format: TimestampFormat,
    disable_html_escape: bool,
    data_key: Option<String>,
    pretty_print: bool,
    report_target: bool,
    field_map: FieldMap,
    /// The fixed keys, rendered on first use with the settings above.
    #[serde(skip)]
    keys: OnceLock<Keys>,
}

/// The fixed keys, escaped and quoted once rather than for every record.
#[derive(Clone, Debug)]
struct Keys {
    /// `{"time":`
    time: Vec<u8>,
    /// `"level":"info"` for each level, in `Level::ALL` order.
    levels: [Vec<u8>; Level::ALL.len()],
    /// `,"msg":`
    msg: Vec<u8>,
    /// `,"target":`
    target: Vec<u8>,
    /// `,"trace_id":"` and `","span_id":"`
    trace_id: Vec<u8>,
    span_id: Vec<u8>,
    /// `,"hooklog_error":`
    field_error: Vec<u8>,
    /// `,"func":`
    func: Vec<u8>,
    /// `,"file":"`
    file: Vec<u8>,
    /// `,"data":{` when fields are nested.
    data: Option<Vec<u8>>,
}

impl Keys {
    fn new(map: &FieldMap, html: bool, data_key: Option<&str>) -> Keys {
        let key = |prefix: &str, name: &str, suffix: &str| {
            let mut out = prefix.as_bytes().to_vec();
            write_quoted(&mut out, name, html);
            out.push(b':');
            out.extend_from_slice(suffix.as_bytes());
            out
        };
        Keys {
            time: key("{", map.resolve(FieldKey::Time), ""),
            levels: Level::ALL.map(|level| {
                let mut out = key("", map.resolve(FieldKey::Level), "");
                write_quoted(&mut out, level.as_str(), html);
                out
            }),
            msg: key(",", map.resolve(FieldKey::Msg), ""),
            target: key(",", TARGET, ""),
            trace_id: key(",", TRACE_ID, "\""),
            span_id: key("\",", SPAN_ID, "\""),
            field_error: key(",", map.resolve(FieldKey::FieldError), ""),
            func: key(",", map.resolve(FieldKey::Func), ""),
            file: key(",", map.resolve(FieldKey::File), "\""),
            data: data_key.map(|name| key(",", name, "{")),
        }
    }
}

impl JsonFormatter {
    /// A formatter with logrus's defaults: RFC 3339 timestamps, HTML escaping, fields at
    /// the top level.
    pub fn new() -> JsonFormatter {
        let field_map = FieldMap::new();
        JsonFormatter {
            disable_timestamp: false,
            timestamp_format: TimestampFormat::default(),
            disable_html_escape: false,
            data_key: None,
            pretty_print: false,
            report_target: false,
            keys: OnceLock::new(),
            field_map,
        }
    }

    /// Renders the fixed keys again, on first use, after a setting they depend on changed.
    fn with_keys(mut self) -> Self {
        self.keys = OnceLock::new();
        self
    }

    /// The fixed keys for the current settings.
    fn keys(&self) -> &Keys {
        self.keys
            .get_or_init(|| Keys::new(&self.field_map, self.html(), self.data_key.as_deref()))
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
        self.with_keys()
    }

    /// Nests all fields in one object under `key`.
    pub fn data_key(mut self, key: impl Into<String>) -> Self {
        self.data_key = Some(key.into());
        self.with_keys()
    }

    /// Writes the record's [target](crate::Entry::target) as `target`, after `msg`, when
    /// it has one.
    pub fn report_target(mut self, on: bool) -> Self {
        self.report_target = on;
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
        self.with_keys()
    }

    fn html(&self) -> bool {
        !self.disable_html_escape
    }

    /// Writes the record as one object, without the newline.
    fn write_record(&self, entry: &Entry, buf: &mut Vec<u8>, stamp: Option<Stamp<'_>>) {
        let keys = self.keys();
        let stamp_error = self.write_time(buf, keys, stamp);
        append(buf, &keys.levels[entry.level() as usize]);
        append(buf, &keys.msg);
        write_quoted(buf, entry.message(), self.html());
        let target = entry.target().filter(|_| self.report_target);
        if let Some(target) = target {
            append(buf, &keys.target);
            write_quoted(buf, target, self.html());
        }
        if let Some(trace) = entry.trace_context() {
            buf.extend_from_slice(&keys.trace_id);
            write_hex(buf, &trace.trace_id());
            buf.extend_from_slice(&keys.span_id);
            write_hex(buf, &trace.span_id());
            buf.push(b'"');
        }
        if let Some(problems) = problems(entry, stamp_error) {
            buf.extend_from_slice(&keys.field_error);
            write_quoted(buf, &problems, self.html());
        }
        if let Some(caller) = entry.caller() {
            if let Some(module) = caller.module {
                buf.extend_from_slice(&keys.func);
                write_quoted(buf, module, self.html());
            }
            buf.extend_from_slice(&keys.file);
            write_escaped(buf, caller.file, self.html());
            let _ = write!(buf, ":{}\"", caller.line);
        }
        match &keys.data {
            Some(data) => self.write_nested_fields(buf, data, entry),
            None => self.write_fields(buf, entry, target.is_some()),
        }
        buf.push(b'}');
    }

    /// Opens the object and writes the time, when there is one; returns why a custom
    /// pattern failed, if it did.
    fn write_time<'s>(
        &self,
        buf: &mut Vec<u8>,
        keys: &Keys,
        stamp: Option<Stamp<'s>>,
    ) -> Option<&'s str> {
        let Some(stamp) = stamp else {
            buf.push(b'{');
            return None;
        };
        append(buf, &keys.time);
        let error = match stamp {
            Stamp::Rfc3339(text) => {
                append_wrapped(buf, b"\"", text.as_bytes(), b"\"");
                None
            }
            Stamp::Text(text) => {
                write_quoted(buf, text, self.html());
                None
            }
            Stamp::Int(n) => {
                write_i64(buf, n);
                None
            }
            Stamp::Failed { fallback, error } => {
                write_quoted(buf, fallback, self.html());
                Some(error)
            }
        };
        buf.push(b',');
        error
    }

    /// Writes the fields at the top level, each key renamed if it clashes with a fixed
    /// key the record has (`target_present` says whether the target is written).
    #[inline(always)]
    fn write_fields(&self, buf: &mut Vec<u8>, entry: &Entry, target_present: bool) {
        if self.html() {
            self.write_fields_escaping::<true>(buf, entry, target_present);
        } else {
            self.write_fields_escaping::<false>(buf, entry, target_present);
        }
    }

    /// [`write_fields`](JsonFormatter::write_fields), escaping `<`, `>` and `&` if `HTML`.
    fn write_fields_escaping<const HTML: bool>(
        &self,
        buf: &mut Vec<u8>,
        entry: &Entry,
        target_present: bool,
    ) {
        let map = &self.field_map;
        let present = Present {
            caller: entry.caller().is_some(),
            target: target_present,
            trace: entry.trace_context().is_some(),
        };
        // Made for the first key that needs a new name: most records have none.
        let mut renamer = None;
        let may_be_invalid = entry.fields().may_be_invalid();
        for (key, value, mark) in entry.fields().iter_keys() {
            if may_be_invalid && value.is_invalid() {
                continue;
            }
            let clashes = map.clashes(key, mark, present);
            if mark.json_plain && !clashes {
                append_wrapped(buf, b",\"", key.as_bytes(), b"\":");
            } else {
                buf.extend_from_slice(b",\"");
                let mut write = |key: &str| write_escaped(buf, key, HTML);
                // Escaping keeps distinct keys distinct; only a clash renames.
                match clashes {
                    true => renamer
                        .get_or_insert_with(|| Renamer::new(map, entry.fields(), present))
                        .write_name(write, key, true, false),
                    false => write(key),
                }
                buf.extend_from_slice(b"\":");
            }
            write_value::<HTML>(buf, value, Some(key));
        }
    }

    /// Writes the fields in one object opened by `data` (`,"data":{`): no key there
    /// clashes with a fixed one.
    fn write_nested_fields(&self, buf: &mut Vec<u8>, data: &[u8], entry: &Entry) {
        buf.extend_from_slice(data);
        let fields = entry.fields().iter().filter(|(_, v)| !v.is_invalid());
        for (i, (key, value)) in fields.enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            write_quoted(buf, key, self.html());
            buf.push(b':');
            match self.html() {
                true => write_value::<true>(buf, value, Some(key)),
                false => write_value::<false>(buf, value, Some(key)),
            }
        }
        buf.push(b'}');
    }
}

/// Writes `value` as JSON: numbers and booleans typed, NaN and infinities as the strings
/// `"NaN"`, `"inf"` and `"-inf"`, strings with the JSON escapes (`html`: `<`, `>` and `&`
/// too), JSON values compact, and a value that could not be serialised as `null`.
pub(crate) fn write_json_value(buf: &mut Vec<u8>, value: &Value, html: bool) {
    if html {
        write_value::<true>(buf, value, None);
    } else {
        write_value::<false>(buf, value, None);
    }
}

/// [`write_json_value`] with the choice of escaping `<`, `>` and `&` made at compile time;
/// the value of the field `key`, if given, so that an error chain's causes and backtrace
/// follow it as members of their own.
#[inline(always)]
fn write_value<const HTML: bool>(buf: &mut Vec<u8>, value: &Value, key: Option<&str>) {
    match value {
        Value::Str(s) => write_json_string::<HTML>(buf, s),
        Value::I64(v) => write_i64(buf, *v),
        Value::U64(v) => write_u64(buf, *v),
        Value::F64(v) if v.is_finite() => write_finite_f64(buf, *v),
        Value::F64(v) => write_json_string::<false>(buf, format_f64(&mut zmij::Buffer::new(), *v)),
        Value::Bool(v) => append(buf, if *v { b"true" } else { b"false" }),
        Value::Null | Value::Invalid(_) => append(buf, b"null"),
        Value::Json(json) => {
            let mut ser =
                serde_json::Serializer::with_formatter(&mut *buf, JsonEscapes { html: HTML });
            let _ = serde::Serialize::serialize(json, &mut ser);
        }
        Value::Error(chain) => write_error::<HTML>(buf, chain, key),
    }
}

/// An error chain: its message, then, as the value of the field `key`, its members.
#[cold]
#[inline(never)]
fn write_error<const HTML: bool>(buf: &mut Vec<u8>, chain: &ErrorChain, key: Option<&str>) {
    write_json_string::<HTML>(buf, chain.message());
    if let Some(key) = key {
        write_error_members::<HTML>(buf, key, chain);
    }
}

/// After the field `key` of an error chain: `"<key>.causes"`, its causes' messages, and
/// `"<key>.backtrace"`, each when there is one.
fn write_error_members<const HTML: bool>(buf: &mut Vec<u8>, key: &str, chain: &ErrorChain) {
    if chain.causes().len() > 0 {
        buf.extend_from_slice(b",\"");
        write_escaped(buf, key, HTML);
        buf.extend_from_slice(b".causes\":[");
        for (i, cause) in chain.causes().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            write_json_string::<HTML>(buf, cause);
        }
        buf.push(b']');
    }
    if let Some(backtrace) = chain.backtrace() {
        buf.extend_from_slice(b",\"");
        write_escaped(buf, key, HTML);
        buf.extend_from_slice(b".backtrace\":");
        write_json_string::<HTML>(buf, backtrace);
    }
}

thread_local! {
    /// Scratch for the compact form of a pretty-printed record.
    static COMPACT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Default for JsonFormatter {
    fn default() -> JsonFormatter {
        JsonFormatter::new()
    }
}

impl Formatter for JsonFormatter {
    fn format(&self, entry: &Entry, _dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
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
