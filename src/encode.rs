//! The formatting kit: how hooklog writes strings, numbers, values and times, for
//! formatter crates to write records exactly as the core's formatters do.
//!
//! Everything appends to a `Vec<u8>` and allocates nothing once warm. JSON strings get
//! serde_json's escapes plus `\u007f` for DEL and `\u0080` .. `\u009f` for the C1
//! controls, which terminals act on, so no record carries a control character raw.
//! Timestamps are rendered once per second per thread.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use hooklog::{Value, encode};
//!
//! let mut buf = Vec::new();
//! encode::json_string(&mut buf, "tab\there \u{9b}[31m");
//! buf.push(b' ');
//! encode::json_value(&mut buf, &Value::F64(f64::NAN));
//! buf.push(b' ');
//! let time = SystemTime::UNIX_EPOCH + Duration::from_millis(1_500);
//! encode::rfc3339(&mut buf, time, encode::Zone::Utc, 3);
//! assert_eq!(buf, br#""tab\there \u009b[31m" "NaN" 1970-01-01T00:00:01.500Z"#);
//! ```

use std::time::SystemTime;

use crate::formatter::write_json_value;
use crate::text;
use crate::text::escape::{write_escaped, write_quoted};
use crate::text::number::{format_f64, write_i64, write_u64};
use crate::text::time::write_rfc3339;
use crate::trace::write_hex;
use crate::value::Value;

pub use crate::scratch::with as with_scratch;
pub use crate::text::time::Zone;

/// Appends `s` as a JSON string, in double quotes.
pub fn json_string(buf: &mut Vec<u8>, s: &str) {
    write_quoted(buf, s, false);
}

/// Appends `s` escaped as inside a JSON string, without the quotes: for a string made of
/// pieces (`"_"` and a key, say).
///
/// ```
/// let mut buf = b"\"_".to_vec();
/// hooklog::encode::json_string_contents(&mut buf, "a\"b");
/// buf.push(b'"');
/// assert_eq!(buf, br#""_a\"b""#);
/// ```
pub fn json_string_contents(buf: &mut Vec<u8>, s: &str) {
    write_escaped(buf, s, false);
}

/// Appends `value` as JSON: numbers and booleans typed, NaN and infinities as the strings
/// `"NaN"`, `"inf"` and `"-inf"`, strings escaped as [`json_string`] does, arrays and
/// objects compact, and a value that could not be serialised as `null`.
pub fn json_value(buf: &mut Vec<u8>, value: &Value) {
    write_json_value(buf, value, false);
}

/// Appends the shortest text that reads back as `v` (`3.14159`, `12.5`, `1e21`), or
/// `NaN`, `inf`, `-inf`.
pub fn float(buf: &mut Vec<u8>, v: f64) {
    buf.extend_from_slice(format_f64(&mut zmij::Buffer::new(), v).as_bytes());
}

/// Appends `v` in decimal.
pub fn int(buf: &mut Vec<u8>, v: i64) {
    write_i64(buf, v);
}

/// Appends `v` in decimal.
pub fn uint(buf: &mut Vec<u8>, v: u64) {
    write_u64(buf, v);
}

/// Appends `bytes`; up to 16 bytes with two fixed-size moves rather than a call to
/// `memcpy`, which costs more than so short a copy. For the short pieces a record is
/// made of: keys, numbers, small strings.
#[inline(always)]
pub fn append(buf: &mut Vec<u8>, bytes: &[u8]) {
    text::append::append(buf, bytes);
}

/// Appends `before`, `bytes` and `after`: short constants around a short piece (the
/// punctuation around a key, a tag and length before a protobuf field), copied as
/// [`append`] copies, with one length update.
///
/// ```
/// let mut buf = Vec::new();
/// hooklog::encode::append_wrapped(&mut buf, b"\"", b"user", b"\":");
/// assert_eq!(buf, b"\"user\":");
/// ```
#[inline(always)]
pub fn append_wrapped<const B: usize, const A: usize>(
    buf: &mut Vec<u8>,
    before: &[u8; B],
    bytes: &[u8],
    after: &[u8; A],
) {
    text::append::append_wrapped(buf, before, bytes, after);
}

/// Appends `bytes` as lowercase hex digits (a trace or span id).
pub fn hex(buf: &mut Vec<u8>, bytes: &[u8]) {
    write_hex(buf, bytes);
}

/// Appends `time` as RFC 3339 text in `zone`, with `fraction_digits` digits of the second
/// (0 to 9; more are taken as 9): `2026-11-22T10:00:00.123+08:00`. The calendar work is
/// done once per second per thread.
pub fn rfc3339(buf: &mut Vec<u8>, time: SystemTime, zone: Zone, fraction_digits: u8) {
    write_rfc3339(buf, time, zone, fraction_digits);
}

/// The names a formatter gives the fields of one record when it has to change their keys
/// (characters its destination does not take, names it keeps for itself), kept distinct:
/// `_` is appended to a name until it differs from every name given before and every name
/// the caller says is taken. Reused record after record (keep one per thread), it
/// allocates nothing once warm.
///
/// ```
/// use hooklog::encode::Renames;
///
/// let mut renames = Renames::default();
/// let plain_keys = ["a_b"];
/// let taken = |name: &str| plain_keys.contains(&name);
/// assert_eq!(renames.give("a_b", taken), "a_b_");
/// assert_eq!(renames.give("a_b", taken), "a_b__");
/// renames.clear();
/// assert_eq!(renames.give("c", taken), "c");
/// ```
#[derive(Debug, Default)]
pub struct Renames {
    /// The names given, one after another.
    names: String,
    /// Where each name ends in `names`.
    ends: Vec<usize>,
}

impl Renames {
    /// Forgets the names given: for the next record.
    pub fn clear(&mut self) {
        self.names.clear();
        self.ends.clear();
    }

    /// `name`, with as many `_` after it as make it differ from every name given before
    /// and from every name `taken` accepts; it is then given.
    pub fn give(&mut self, name: &str, taken: impl Fn(&str) -> bool) -> &str {
        let start = self.names.len();
        self.names.push_str(name);
        while taken(&self.names[start..]) || self.given_before(start) {
            self.names.push('_');
        }
        self.ends.push(self.names.len());
        &self.names[start..]
    }

    /// Whether the name from `start` on was given before.
    fn given_before(&self, start: usize) -> bool {
        let name = &self.names[start..];
        let mut from = 0;
        self.ends.iter().any(|&end| {
            let given = &self.names[from..end];
            from = end;
            given == name
        })
    }
}
