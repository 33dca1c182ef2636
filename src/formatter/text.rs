//! `TextFormatter`: logfmt lines, or logrus's coloured layout on a terminal.

use std::cell::RefCell;
use std::io::Write as _;
use std::sync::LazyLock;
use std::time::SystemTime;

use colored::Color;

use super::field_map::{Present, SPAN_ID, TRACE_ID};
use super::key_names::{Renamer, write_key};
use super::problems::problems;
use super::{Destination, FieldKey, FieldMap, Formatter};
use crate::entry::Entry;
use crate::error::Error;
use crate::fields::KeyMark;
use crate::level::Level;
use crate::scratch;
use crate::text::append::{append, append_wrapped};
use crate::text::escape::{
    JsonEscapes, needs_quotes, write_controls_escaped, write_escaped, write_quoted,
};
use crate::text::number::{format_f64, write_i64, write_u64};
use crate::text::time::{Stamp, TimestampFormat, with_stamp};
use crate::trace::{TraceContext, write_hex};
use crate::value::Value;

/// The width the coloured layout pads messages to, as logrus does.
const MESSAGE_WIDTH: usize = 44;
/// The longest upper-case level name, `WARNING`.
const LEVEL_WIDTH: usize = 7;

/// When the process started logging; the coloured layout counts seconds from it.
static BASE_TIME: LazyLock<SystemTime> = LazyLock::new(SystemTime::now);

/// Formats records as logfmt text, like logrus's `TextFormatter`.
///
/// Without colours (the default when the destination is not a terminal):
///
/// ```text
/// time="2026-11-22T10:00:00+08:00" level=info msg="request handled" user=alice status=200
/// ```
///
/// Fixed keys come first (time, level, msg (omitted when empty), target (when
/// [`report_target`](TextFormatter::report_target) is on), trace_id and span_id (when the
/// record has a [trace context](crate::TraceContext)), hooklog_error, func, file),
/// then the fields in insertion order. A value is quoted unless every byte is in
/// `[A-Za-z0-9-._/@^+]`; quoted text uses JSON string escapes, so a record is always one
/// line that logfmt readers decode. Keys are never quoted: space, `=`, `"` and control
/// characters (C0, DEL, C1) in a key become `_`. A field that clashes with a fixed key is
/// written as `fields.<key>`; a renamed key gets more `fields.` in front while its name is
/// taken, so no record carries a key twice.
///
/// With colours (the [`Destination`] wants them: a terminal, unless `NO_COLOR` or
/// `CLICOLOR=0` say otherwise, or `CLICOLOR_FORCE`; or
/// [`force_colors`](TextFormatter::force_colors)), logrus's layout: `INFO[0000] request
/// handled      user=alice`, the level and keys in the level's colour. The destination is
/// the one the record is written to: a hook writing a file gets no colours from a
/// formatter that colours the logger's terminal. `force_colors` and `disable_colors`
/// override the destination and the environment.
///
/// ```
/// use hooklog::{Logger, MemoryOut, TextFormatter};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder()
///     .formatter(TextFormatter::new().disable_timestamp(true))
///     .out(out.clone())
///     .build();
/// logger.with_field("user", "alice").with_field("note", "two words").info("logged in");
/// assert_eq!(out.contents(), b"level=info msg=\"logged in\" user=alice note=\"two words\"\n");
/// ```
/// `TextFormatter` deserialises (with serde) from its options by their setter names, as a
/// configuration file spells them: `{"disable_colors": true, "timestamp_format":
/// "rfc3339_nanos", "field_map": {"msg": "message"}}`; an unknown option is an error.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[must_use]
pub struct TextFormatter {
    force_colors: bool,
    disable_colors: bool,
    force_quote: bool,
    disable_quote: bool,
    quote_empty_fields: bool,
    disable_timestamp: bool,
    full_timestamp: bool,
    timestamp_format: TimestampFormat,
    sort_keys: bool,
    disable_level_truncation: bool,
    pad_level_text: bool,
    report_target: bool,
    field_map: FieldMap,
}

impl TextFormatter {
    /// A formatter with logrus's defaults: colours for a terminal, RFC 3339 timestamps,
    /// fields in insertion order.
    pub fn new() -> TextFormatter {
        LazyLock::force(&BASE_TIME);
        TextFormatter::default()
    }

    /// Colours whatever the destination.
    pub fn force_colors(mut self, on: bool) -> Self {
        self.force_colors = on;
        self
    }

    /// Never colours; wins over `force_colors` and the environment.
    pub fn disable_colors(mut self, on: bool) -> Self {
        self.disable_colors = on;
        self
    }

    /// Quotes every value, numbers included.
    pub fn force_quote(mut self, on: bool) -> Self {
        self.force_quote = on;
        self
    }

    /// Never quotes values. Control characters are still escaped, so a record stays one
    /// line, but values with spaces no longer read back as one value.
    pub fn disable_quote(mut self, on: bool) -> Self {
        self.disable_quote = on;
        self
    }

    /// Quotes empty values (`key=""` rather than `key=`).
    pub fn quote_empty_fields(mut self, on: bool) -> Self {
        self.quote_empty_fields = on;
        self
    }

    /// Leaves the time out.
    pub fn disable_timestamp(mut self, on: bool) -> Self {
        self.disable_timestamp = on;
        self
    }

    /// In the coloured layout, prints the full time instead of seconds since start.
    pub fn full_timestamp(mut self, on: bool) -> Self {
        self.full_timestamp = on;
        self
    }

    /// How the time is written (default RFC 3339).
    pub fn timestamp_format(mut self, format: TimestampFormat) -> Self {
        self.timestamp_format = format;
        self
    }

    /// Writes the fields sorted by key instead of in insertion order.
    pub fn sort_keys(mut self, on: bool) -> Self {
        self.sort_keys = on;
        self
    }

    /// In the coloured layout, prints whole level names instead of four letters.
    pub fn disable_level_truncation(mut self, on: bool) -> Self {
        self.disable_level_truncation = on;
        self
    }

    /// In the coloured layout, pads level names to one width so messages line up.
    pub fn pad_level_text(mut self, on: bool) -> Self {
        self.pad_level_text = on;
        self
    }

    /// Writes the record's [target](crate::Entry::target) as `target=`, after the
    /// message, when it has one.
    pub fn report_target(mut self, on: bool) -> Self {
        self.report_target = on;
        self
    }

    /// Renames the fixed keys.
    pub fn field_map(mut self, map: FieldMap) -> Self {
        self.field_map = map;
        self
    }

    /// The target to write, if any.
    fn target<'e>(&self, entry: &'e Entry) -> Option<&'e str> {
        entry.target().filter(|_| self.report_target)
    }

    /// Which optional fixed keys `entry`'s record has.
    fn present(&self, entry: &Entry) -> Present {
        Present {
            caller: entry.caller().is_some(),
            target: self.target(entry).is_some(),
            trace: entry.trace_context().is_some(),
        }
    }

    fn colors(&self, dest: Destination) -> bool {
        !self.disable_colors && (self.force_colors || dest.wants_colors())
    }

    /// Writes `text` bare when logfmt allows it, else quoted with JSON escapes.
    #[inline(always)]
    fn write_text(&self, buf: &mut Vec<u8>, text: &str) {
        if self.force_quote || (self.quote_empty_fields && text.is_empty()) {
            write_quoted(buf, text, false);
        } else if self.disable_quote {
            write_controls_escaped(buf, text);
        } else if needs_quotes(text) {
            write_quoted(buf, text, false);
        } else {
            // Only bare characters: nothing to escape.
            append(buf, text.as_bytes());
        }
    }

    /// Writes a word of bare characters only (a number, `true`, `false`, `null`, a level
    /// name), so it is quoted only when every value is.
    #[inline(always)]
    fn write_bare(&self, buf: &mut Vec<u8>, text: &str) {
        if self.force_quote {
            write_quoted(buf, text, false);
        } else {
            append(buf, text.as_bytes());
        }
    }

    /// Writes a number with `write`, quoted only when every value is.
    #[inline(always)]
    fn write_number(&self, buf: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
        if self.force_quote {
            buf.push(b'"');
            write(buf);
            buf.push(b'"');
        } else {
            write(buf);
        }
    }

    #[inline(always)]
    fn write_value(&self, buf: &mut Vec<u8>, value: &Value) {
        match value {
            Value::Str(s) => self.write_text(buf, s),
            Value::I64(v) => self.write_number(buf, |buf| write_i64(buf, *v)),
            Value::U64(v) => self.write_number(buf, |buf| write_u64(buf, *v)),
            Value::F64(v) => self.write_bare(buf, format_f64(&mut zmij::Buffer::new(), *v)),
            Value::Bool(v) => self.write_bare(buf, if *v { "true" } else { "false" }),
            Value::Null => self.write_bare(buf, "null"),
            Value::Json(json) => scratch::with(&SCRATCH, |scratch| {
                scratch.clear();
                let mut ser = serde_json::Serializer::with_formatter(
                    &mut *scratch,
                    JsonEscapes { html: false },
                );
                let _ = serde::Serialize::serialize(json, &mut ser);
                self.write_text(buf, std::str::from_utf8(scratch).unwrap_or_default());
            }),
            Value::Invalid(_) => {}
            Value::Error(chain) => scratch::with(&SCRATCH, |scratch| {
                scratch.clear();
                let _ = write!(scratch, "{chain:#}");
                self.write_text(buf, std::str::from_utf8(scratch).unwrap_or_default());
            }),
        }
    }

    fn write_record(
        &self,
        entry: &Entry,
        dest: Destination,
        buf: &mut Vec<u8>,
        stamp: Option<Stamp<'_>>,
    ) {
        let (time, time_int, stamp_error) = match stamp {
            None => (None, None, None),
            Some(Stamp::Rfc3339(text) | Stamp::Text(text)) => (Some(text), None, None),
            Some(Stamp::Int(n)) => (None, Some(n), None),
            Some(Stamp::Failed { fallback, error }) => (Some(fallback), None, Some(error)),
        };
        let problems = problems(entry, stamp_error);
        let errors = problems.as_deref().unwrap_or_default();
        if self.colors(dest) {
            self.write_colored(entry, buf, time, time_int, errors);
        } else {
            self.write_plain(entry, buf, time, time_int, errors);
        }
        buf.push(b'\n');
    }

    fn write_plain(
        &self,
        entry: &Entry,
        buf: &mut Vec<u8>,
        time: Option<&str>,
        time_int: Option<i64>,
        errors: &str,
    ) {
        let start = buf.len();
        let key = |buf: &mut Vec<u8>, key: FieldKey| self.write_fixed_key(buf, key, false);
        if let Some(time) = time {
            self.write_fixed_key(buf, FieldKey::Time, true);
            self.write_text(buf, time);
        } else if let Some(n) = time_int {
            self.write_fixed_key(buf, FieldKey::Time, true);
            self.write_text(buf, itoa::Buffer::new().format(n));
        }
        self.write_fixed_key(buf, FieldKey::Level, buf.len() == start);
        // Level names are bare words.
        self.write_bare(buf, entry.level().as_str());
        if !entry.message().is_empty() {
            key(buf, FieldKey::Msg);
            self.write_text(buf, entry.message());
        }
        if let Some(target) = self.target(entry) {
            append(buf, b" target=");
            self.write_text(buf, target);
        }
        if let Some(trace) = entry.trace_context() {
            self.write_trace(buf, trace, "");
        }
        if !errors.is_empty() {
            key(buf, FieldKey::FieldError);
            self.write_text(buf, errors);
        }
        if let Some(caller) = entry.caller() {
            if let Some(module) = caller.module {
                key(buf, FieldKey::Func);
                self.write_text(buf, module);
            }
            key(buf, FieldKey::File);
            // `file:line` always holds a `:`, so it is quoted unless quoting is off.
            let quote = self.force_quote || !self.disable_quote;
            if quote {
                buf.push(b'"');
                write_escaped(buf, caller.file, false);
            } else {
                write_controls_escaped(buf, caller.file);
            }
            let _ = write!(buf, ":{}", caller.line);
            if quote {
                buf.push(b'"');
            }
        }
        // The level is always written, so every field follows something.
        let present = self.present(entry);
        // Made for the first key that needs a new name: most records have none.
        let mut renamer = None;
        self.for_each_field(entry, |name, value, mark| {
            let clashes = self.field_map.clashes(name, mark, present);
            if mark.logfmt_plain && !clashes {
                append_wrapped(buf, b" ", name.as_bytes(), b"=");
            } else {
                buf.push(b' ');
                let renamer = renamer
                    .get_or_insert_with(|| Renamer::new(&self.field_map, entry.fields(), present));
                write_renamed_key(buf, renamer, name, mark, clashes);
                buf.push(b'=');
            }
            self.write_value(buf, value);
        });
    }

    /// Writes ` trace_id=<hex> span_id=<hex>`, the keys in `color` when it is not empty;
    /// hex digits are bare words.
    fn write_trace(&self, buf: &mut Vec<u8>, trace: &TraceContext, color: &str) {
        let quote = self.force_quote;
        for (key, id) in [
            (TRACE_ID, &trace.trace_id()[..]),
            (SPAN_ID, &trace.span_id()[..]),
        ] {
            match color {
                "" => {
                    let _ = write!(buf, " {key}=");
                }
                color => {
                    let _ = write!(buf, " \x1b[{color}m{key}\x1b[0m=");
                }
            }
            if quote {
                buf.push(b'"');
            }
            write_hex(buf, id);
            if quote {
                buf.push(b'"');
            }
        }
    }

    /// Writes a fixed key and `=`, after a space unless it comes `first`.
    #[inline(always)]
    fn write_fixed_key(&self, buf: &mut Vec<u8>, key: FieldKey, first: bool) {
        let map = &self.field_map;
        if !first {
            buf.push(b' ');
        }
        if map.logfmt_plain(key) {
            append(buf, map.resolve(key).as_bytes());
        } else {
            write_key(buf, map.resolve(key));
        }
        buf.push(b'=');
    }

    fn write_colored(
        &self,
        entry: &Entry,
        buf: &mut Vec<u8>,
        time: Option<&str>,
        time_int: Option<i64>,
        errors: &str,
    ) {
        let color = level_color(entry.level()).to_fg_str();
        let name = entry.level().as_str();
        let mut level_text = [0u8; LEVEL_WIDTH];
        let len = if self.disable_level_truncation || self.pad_level_text {
            name.len()
        } else {
            name.len().min(4)
        };
        level_text[..len].copy_from_slice(&name.as_bytes()[..len]);
        level_text.make_ascii_uppercase();
        let _ = write!(buf, "\x1b[{color}m");
        buf.extend_from_slice(&level_text[..len]);
        buf.extend_from_slice(b"\x1b[0m");
        if self.pad_level_text {
            buf.resize(buf.len() + LEVEL_WIDTH - len, b' ');
        }
        if !self.disable_timestamp {
            buf.push(b'[');
            if !self.full_timestamp {
                let elapsed = entry
                    .time()
                    .duration_since(*BASE_TIME)
                    .map_or(0, |d| d.as_secs());
                let _ = write!(buf, "{elapsed:04}");
            } else if let Some(time) = time {
                write_controls_escaped(buf, time);
            } else if let Some(n) = time_int {
                buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            }
            buf.push(b']');
        }
        if let Some(caller) = entry.caller() {
            let _ = write!(buf, "{caller}");
            if let Some(module) = caller.module {
                let _ = write!(buf, " {module}()");
            }
        }
        buf.push(b' ');
        let message = entry
            .message()
            .strip_suffix('\n')
            .unwrap_or(entry.message());
        let message_start = buf.len();
        write_controls_escaped(buf, message);
        let has_fields = !entry.fields().is_empty()
            || !errors.is_empty()
            || self.target(entry).is_some()
            || entry.trace_context().is_some();
        if has_fields {
            let written = String::from_utf8_lossy(&buf[message_start..])
                .chars()
                .count();
            buf.resize(buf.len() + MESSAGE_WIDTH.saturating_sub(written) + 1, b' ');
        }
        if let Some(target) = self.target(entry) {
            let _ = write!(buf, " \x1b[{color}mtarget\x1b[0m=");
            self.write_text(buf, target);
        }
        if let Some(trace) = entry.trace_context() {
            self.write_trace(buf, trace, &color);
        }
        if !errors.is_empty() {
            let _ = write!(buf, " \x1b[{color}m");
            write_key(buf, self.field_map.resolve(FieldKey::FieldError));
            buf.extend_from_slice(b"\x1b[0m=");
            self.write_text(buf, errors);
        }
        let present = self.present(entry);
        // Made for the first key that needs a new name: most records have none.
        let mut renamer = None;
        self.for_each_field(entry, |name, value, mark| {
            let _ = write!(buf, " \x1b[{color}m");
            let clashes = self.field_map.clashes(name, mark, present);
            if mark.logfmt_plain && !clashes {
                append(buf, name.as_bytes());
            } else {
                let renamer = renamer
                    .get_or_insert_with(|| Renamer::new(&self.field_map, entry.fields(), present));
                write_renamed_key(buf, renamer, name, mark, clashes);
            }
            buf.extend_from_slice(b"\x1b[0m=");
            self.write_value(buf, value);
        });
    }

    /// Calls `f` for every field that can be written, in insertion or key order, with
    /// its key's mark.
    fn for_each_field(&self, entry: &Entry, mut f: impl FnMut(&str, &Value, KeyMark)) {
        let fields = entry.fields();
        let writable = |value: &Value| !matches!(value, Value::Invalid(_));
        if !self.sort_keys {
            for (name, value, mark) in fields.iter_keys() {
                if writable(value) {
                    f(name, value, mark);
                }
            }
            return;
        }
        scratch::with(&ORDER, |order| {
            order.clear();
            order.extend((0..fields.len()).filter(|&i| writable(fields.at(i).1)));
            order.sort_by(|&a, &b| fields.at(a).0.cmp(fields.at(b).0));
            for &i in order.iter() {
                let (name, value, mark) = fields.at(i);
                f(name, value, mark);
            }
        });
    }
}

thread_local! {
    /// Scratch for nested JSON values.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Scratch for the sorted field order.
    static ORDER: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Writes the key of a field that clashes with a fixed key or that logfmt cannot take as
/// it is, under the name `renamer` gives it.
#[cold]
fn write_renamed_key(
    buf: &mut Vec<u8>,
    renamer: &mut Renamer<'_>,
    name: &str,
    mark: KeyMark,
    clashes: bool,
) {
    renamer.write_name(
        |renamed| buf.extend_from_slice(renamed.as_bytes()),
        name,
        clashes,
        !mark.logfmt_plain,
    );
}

/// logrus's level colours: trace and debug gray, info cyan, warning yellow, the rest red.
fn level_color(level: Level) -> Color {
    match level {
        Level::Trace | Level::Debug => Color::White,
        Level::Info => Color::Cyan,
        Level::Warn => Color::Yellow,
        Level::Error | Level::Fatal | Level::Panic => Color::Red,
    }
}

impl Formatter for TextFormatter {
    fn format(&self, entry: &Entry, dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
        if self.disable_timestamp {
            self.write_record(entry, dest, buf, None);
        } else {
            with_stamp(&self.timestamp_format, entry.time(), |stamp| {
                self.write_record(entry, dest, buf, Some(stamp))
            });
        }
        Ok(())
    }
}
