//! A [GELF 1.1] formatter for hooklog, so records arrive in Graylog in its native shape.
//!
//! ```text
//! {"version":"1.1","host":"web-1","short_message":"payment failed","full_message":"payment failed\ncard declined","timestamp":1795312800.5,"level":3,"_order":1042,"_file":"src/billing.rs","_line":42}
//! ```
//!
//! - `short_message` is the message's first line; `full_message` the whole message when
//!   it has more than one line.
//! - `timestamp` is seconds since the epoch with milliseconds; `level` the syslog
//!   severity (panic and fatal 2, error 3, warning 4, info 6, debug and trace 7).
//! - Fields become additional fields, prefixed `_`; characters outside `[\w.-]` in a name
//!   become `_`. A field named `id` is sent as `_id_`, since `_id` is reserved; a field
//!   named like the caller's (`file`, `line`, `function`, when the caller is reported)
//!   gets a `_` after its name. A name made that way never takes one a record has already:
//!   `_` is appended until it is free (`a b` next to `a_b` is sent as `_a_b_`). GELF allows
//!   only strings and numbers there (Graylog skips any other type), so numbers stay
//!   numbers (NaN and infinities as the strings `"NaN"`, `"inf"`, `"-inf"`), booleans are
//!   the strings `"true"` and `"false"`, a null is `"null"`, and arrays and objects are their
//!   JSON text as a string.
//! - The caller, when reported, is `_file`, `_line` and `_function`; the trace, when the
//!   record has one, `_trace_id` and `_span_id`.
//! - Strings are escaped as hooklog's own JSON is ([`hooklog::encode`]): control
//!   characters, DEL and the C1 controls never reach Graylog raw.
//! - One object per line (`\n`); the GELF transports in `hooklog-graylog` frame it.
//!
//! [GELF 1.1]: https://go2docs.graylog.org/current/getting_in_log_data/gelf.html
//!
//! ```
//! use hooklog::{Logger, MemoryOut};
//! use hooklog_gelf::GelfFormatter;
//!
//! let out = MemoryOut::new();
//! let logger = Logger::builder()
//!     .formatter(GelfFormatter::new().host("web-1"))
//!     .out(out.clone())
//!     .build();
//! logger.with_field("order", 1042).warn("slow");
//! let record: serde_json::Value = serde_json::from_slice(&out.contents()).unwrap();
//! assert_eq!(record["host"], "web-1");
//! assert_eq!(record["level"], 4);
//! assert_eq!(record["_order"], 1042);
//! ```

#![warn(missing_docs)]

use std::cell::RefCell;
use std::io::Write as _;
use std::time::SystemTime;

use hooklog::encode::{self, Renames};
use hooklog::{Destination, Entry, Error, Fields, Formatter, Value};

/// Formats records as GELF 1.1 JSON. See the crate docs.
#[derive(Clone, Debug)]
#[must_use]
pub struct GelfFormatter {
    /// `"host":"..."` rendered once.
    host: Vec<u8>,
}

impl GelfFormatter {
    /// A formatter reporting this machine's host name.
    pub fn new() -> GelfFormatter {
        GelfFormatter::default().host(hooklog::host_name())
    }

    /// The `host` field.
    pub fn host(mut self, host: impl AsRef<str>) -> Self {
        self.host.clear();
        encode::json_string(&mut self.host, host.as_ref());
        self
    }
}

impl Default for GelfFormatter {
    fn default() -> GelfFormatter {
        GelfFormatter {
            host: b"\"-\"".to_vec(),
        }
    }
}

/// The names of the caller's additional fields, which user fields must not take.
const CALLER_NAMES: [&str; 3] = ["file", "line", "function"];
/// The names of the trace's additional fields, likewise.
const TRACE_NAMES: [&str; 2] = ["trace_id", "span_id"];

/// Whether GELF takes `key` as an additional field name as it is: `[\w.-]` only, and not
/// the reserved `id`.
fn plain(key: &str) -> bool {
    !key.is_empty()
        && key != "id"
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

thread_local! {
    /// The names given to this thread's records' fields whose keys were changed.
    static RENAMES: RefCell<(Renames, String)> = RefCell::new(Default::default());
}

/// Writes the additional fields: `"_name":value` for every field that can be written,
/// each name distinct from the others and from the caller's (`caller`: reported) and the
/// trace's (`trace`: the record has one).
fn write_fields(buf: &mut Vec<u8>, fields: &Fields, caller: bool, trace: bool) {
    let reserved = |name: &str| {
        (caller && CALLER_NAMES.contains(&name)) || (trace && TRACE_NAMES.contains(&name))
    };
    // A changed name must not take a key written as it is, nor a reserved one.
    let taken = |name: &str| reserved(name) || (plain(name) && fields.contains_key(name));
    encode::with_scratch(&RENAMES, |(renames, safe)| {
        renames.clear();
        for (key, value) in fields.iter() {
            write_field(buf, key, value, renames, safe, taken, reserved(key));
        }
    });
}

/// Writes one additional field, its name changed (through `renames`, with `safe` as
/// scratch) when GELF does not take the key as it is or the name is `reserved`.
fn write_field(
    buf: &mut Vec<u8>,
    key: &str,
    value: &Value,
    renames: &mut Renames,
    safe: &mut String,
    taken: impl Fn(&str) -> bool,
    reserved: bool,
) {
    if matches!(value, Value::Invalid(_)) {
        return;
    }
    buf.extend_from_slice(b",\"_");
    if plain(key) && !reserved {
        buf.extend_from_slice(key.as_bytes());
    } else {
        safe.clear();
        safe.extend(key.chars().map(|c| match c {
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') => c,
            _ => '_',
        }));
        if safe.is_empty() || safe == "id" {
            safe.push('_');
        }
        buf.extend_from_slice(renames.give(safe, taken).as_bytes());
    }
    buf.extend_from_slice(b"\":");
    write_value(buf, value);
}

/// Writes `value` as a GELF additional field takes it: a number or a string.
fn write_value(buf: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Bool(true) => buf.extend_from_slice(b"\"true\""),
        Value::Bool(false) => buf.extend_from_slice(b"\"false\""),
        Value::Null => buf.extend_from_slice(b"\"null\""),
        Value::Json(json) => encode::json_string(buf, &json.to_string()),
        // The messages joined with ": ", then the backtrace.
        Value::Error(chain) => encode::json_string(buf, &format!("{chain:#}")),
        // Numbers (non-finite ones become strings) and strings.
        other => encode::json_value(buf, other),
    }
}

impl Formatter for GelfFormatter {
    fn format(&self, entry: &Entry, _dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
        buf.extend_from_slice(b"{\"version\":\"1.1\",\"host\":");
        buf.extend_from_slice(&self.host);
        let message = entry.message();
        let short = message.lines().next().unwrap_or("");
        buf.extend_from_slice(b",\"short_message\":");
        encode::json_string(buf, if short.is_empty() { "-" } else { short });
        if message.contains('\n') {
            buf.extend_from_slice(b",\"full_message\":");
            encode::json_string(buf, message);
        }
        let (secs, millis) = match entry.time().duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => (d.as_secs(), d.subsec_millis()),
            Err(_) => (0, 0),
        };
        if millis == 0 {
            write!(buf, ",\"timestamp\":{secs}")?;
        } else {
            let fraction = format_millis(millis);
            write!(buf, ",\"timestamp\":{secs}.{}", fraction.as_str())?;
        }
        write!(buf, ",\"level\":{}", entry.level().syslog_severity())?;
        let trace = entry.trace_context();
        write_fields(
            buf,
            entry.fields(),
            entry.caller().is_some(),
            trace.is_some(),
        );
        if let Some(trace) = trace {
            buf.extend_from_slice(b",\"_trace_id\":\"");
            encode::hex(buf, &trace.trace_id());
            buf.extend_from_slice(b"\",\"_span_id\":\"");
            encode::hex(buf, &trace.span_id());
            buf.push(b'"');
        }
        if let Some(caller) = entry.caller() {
            buf.extend_from_slice(b",\"_file\":");
            encode::json_string(buf, caller.file);
            write!(buf, ",\"_line\":{}", caller.line)?;
            if let Some(module) = caller.module {
                buf.extend_from_slice(b",\"_function\":");
                encode::json_string(buf, module);
            }
        }
        buf.extend_from_slice(b"}\n");
        Ok(())
    }
}
/// Milliseconds as a fraction without trailing zeros (`500` → `5`, `70` → `07`).
fn format_millis(millis: u32) -> Millis {
    let digits = [
        b'0' + (millis / 100) as u8,
        b'0' + (millis / 10 % 10) as u8,
        b'0' + (millis % 10) as u8,
    ];
    let len = 3 - digits.iter().rev().take_while(|&&d| d == b'0').count();
    Millis { digits, len }
}

struct Millis {
    digits: [u8; 3],
    len: usize,
}

impl Millis {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits[..self.len]).unwrap_or("0")
    }
}
