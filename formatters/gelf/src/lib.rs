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
//!   become `_`. A field named `id` is sent as `_id_`, since `_id` is reserved. GELF allows
//!   only strings and numbers there (Graylog skips any other type), so numbers stay
//!   numbers (NaN and infinities as the strings `"NaN"`, `"inf"`, `"-inf"`), booleans are
//!   the strings `"true"` and `"false"`, a null is `"null"`, and arrays and objects are their
//!   JSON text as a string.
//! - The caller, when reported, is `_file`, `_line` and `_function`.
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

use std::io::Write as _;
use std::time::SystemTime;

use hooklog::{Destination, Entry, Error, Formatter, Value};

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
        let _ = serde_json::to_writer(&mut self.host, host.as_ref());
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

/// Writes `"_name"`: `[\w.-]` kept, anything else `_`; `id` becomes `id_`.
fn write_field_name(buf: &mut Vec<u8>, key: &str) {
    buf.extend_from_slice(b"\"_");
    if key == "id" {
        buf.extend_from_slice(b"id_");
    } else {
        buf.extend(key.chars().map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c as u8
            } else {
                b'_'
            }
        }));
        if key.is_empty() {
            buf.push(b'_');
        }
    }
    buf.push(b'"');
}

/// Writes `value` as a GELF additional field takes it: a number or a string.
fn write_value(buf: &mut Vec<u8>, value: &Value) -> Result<(), Error> {
    match value {
        Value::Bool(true) => buf.extend_from_slice(b"\"true\""),
        Value::Bool(false) => buf.extend_from_slice(b"\"false\""),
        Value::Null => buf.extend_from_slice(b"\"null\""),
        Value::Json(json) => serde_json::to_writer(&mut *buf, &json.to_string())?,
        // Numbers (non-finite ones become strings) and strings.
        other => serde_json::to_writer(&mut *buf, other)?,
    }
    Ok(())
}

impl Formatter for GelfFormatter {
    fn format(&self, entry: &Entry, _dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
        buf.extend_from_slice(b"{\"version\":\"1.1\",\"host\":");
        buf.extend_from_slice(&self.host);
        let message = entry.message();
        let short = message.lines().next().unwrap_or("");
        buf.extend_from_slice(b",\"short_message\":");
        serde_json::to_writer(&mut *buf, if short.is_empty() { "-" } else { short })?;
        if message.contains('\n') {
            buf.extend_from_slice(b",\"full_message\":");
            serde_json::to_writer(&mut *buf, message)?;
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
        for (key, value) in entry.fields().iter() {
            if matches!(value, Value::Invalid(_)) {
                continue;
            }
            buf.push(b',');
            write_field_name(buf, key);
            buf.push(b':');
            write_value(buf, value)?;
        }
        if let Some(caller) = entry.caller() {
            buf.extend_from_slice(b",\"_file\":");
            serde_json::to_writer(&mut *buf, caller.file)?;
            write!(buf, ",\"_line\":{}", caller.line)?;
            if let Some(module) = caller.module {
                buf.extend_from_slice(b",\"_function\":");
                serde_json::to_writer(&mut *buf, module)?;
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
