//! The OTLP logs messages, encoded by hand as protobuf (opentelemetry-proto's
//! `logs/v1/logs.proto`, `common/v1/common.proto`, `resource/v1/resource.proto` and
//! `collector/logs/v1/logs_service.proto`): only what a record needs, written straight
//! into reused buffers, every length computed before it is written.

use std::time::SystemTime;

use hooklog::encode::{append, append_wrapped};
use hooklog::{Entry, Level, Value};

/// Protobuf wire types.
const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LENGTH: u8 = 2;
const FIXED32: u8 = 5;

// LogRecord fields.
const TIME: u32 = 1;
const SEVERITY_NUMBER: u32 = 2;
const SEVERITY_TEXT: u32 = 3;
const BODY: u32 = 5;
const ATTRIBUTES: u32 = 6;
const DROPPED_ATTRIBUTES: u32 = 7;
const FLAGS: u32 = 8;
const TRACE_ID: u32 = 9;
const SPAN_ID: u32 = 10;
const OBSERVED_TIME: u32 = 11;

// AnyValue fields.
const STRING: u32 = 1;
const BOOL: u32 = 2;
const INT: u32 = 3;
const DOUBLE: u32 = 4;
const ARRAY: u32 = 5;
const KVLIST: u32 = 6;

// KeyValue; the `values` of ArrayValue and KeyValueList.
const KEY: u32 = 1;
const VALUE: u32 = 2;
const VALUES: u32 = 1;

// The request: ExportLogsServiceRequest.resource_logs, ResourceLogs.resource and
// .scope_logs, Resource.attributes, ScopeLogs.scope and .log_records, the scope's name.
pub(crate) const RESOURCE_LOGS: u32 = 1;
pub(crate) const RESOURCE: u32 = 1;
pub(crate) const SCOPE_LOGS: u32 = 2;
pub(crate) const RESOURCE_ATTRIBUTES: u32 = 1;
pub(crate) const SCOPE: u32 = 1;
pub(crate) const LOG_RECORDS: u32 = 2;
pub(crate) const SCOPE_NAME: u32 = 1;

/// The OpenTelemetry severity number of `level`: the first of each range of the logs
/// data model (Trace 1, Debug 5, Info 9, Warn 13, Error 17, Fatal 21), Panic as Fatal.
pub(crate) fn severity_number(level: Level) -> u64 {
    match level {
        Level::Trace => 1,
        Level::Debug => 5,
        Level::Info => 9,
        Level::Warn => 13,
        Level::Error => 17,
        Level::Fatal | Level::Panic => 21,
    }
}

/// The bytes a varint of `v` takes.
#[inline(always)]
pub(crate) fn varint_len(v: u64) -> usize {
    if v < 0x80 {
        1
    } else {
        // 7 bits a byte: (bits + 6) / 7, as a multiply and shift.
        ((64 - v.leading_zeros() as usize) * 37 + 222) >> 8
    }
}

/// Appends `v` as a varint: one byte below 128 (tags, most lengths) without a loop.
#[inline(always)]
pub(crate) fn put_varint(buf: &mut Vec<u8>, v: u64) {
    if v < 0x80 {
        buf.push(v as u8);
    } else {
        put_long_varint(buf, v);
    }
}

#[inline(never)]
fn put_long_varint(buf: &mut Vec<u8>, v: u64) {
    let mut bytes = [0u8; 10];
    let n = write_varint(&mut bytes, v);
    buf.extend_from_slice(&bytes[..n]);
}

/// Writes `v` as a varint at the start of `out` (room for 10 bytes); how many it took.
#[inline(always)]
fn write_varint(out: &mut [u8], mut v: u64) -> usize {
    let mut n = 0;
    while v >= 0x80 {
        out[n] = v as u8 | 0x80;
        v >>= 7;
        n += 1;
    }
    out[n] = v as u8;
    n + 1
}

#[inline(always)]
fn put_tag(buf: &mut Vec<u8>, field: u32, wire: u8) {
    put_varint(buf, u64::from(field << 3 | u32::from(wire)));
}

#[inline(always)]
fn tag_len(field: u32) -> usize {
    varint_len(u64::from(field << 3))
}

/// The bytes a length-delimited field of `len` bytes takes, tag and length included.
#[inline(always)]
pub(crate) fn field_len(field: u32, len: usize) -> usize {
    tag_len(field) + varint_len(len as u64) + len
}

/// Writes the tag and length of a length-delimited field; its `len` bytes follow.
#[inline(always)]
pub(crate) fn put_header(buf: &mut Vec<u8>, field: u32, len: usize) {
    put_tag(buf, field, LENGTH);
    put_varint(buf, len as u64);
}

#[inline(always)]
pub(crate) fn put_bytes(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_header(buf, field, bytes.len());
    buf.extend_from_slice(bytes);
}

#[inline(always)]
fn put_fixed64(buf: &mut Vec<u8>, field: u32, v: u64) {
    put_tag(buf, field, FIXED64);
    buf.extend_from_slice(&v.to_le_bytes());
}

#[inline(always)]
fn put_uint(buf: &mut Vec<u8>, field: u32, v: u64) {
    put_tag(buf, field, VARINT);
    put_varint(buf, v);
}

/// What a value becomes in an `AnyValue`.
enum Any<'a> {
    /// No value set: OTLP's null.
    Null,
    Str(&'a str),
    /// An unsigned integer above `i64::MAX`: its digits as a string, lossless.
    Digits([u8; 20], usize),
    Bool(bool),
    Int(i64),
    Double(f64),
    Json(&'a serde_json::Value),
}

impl<'a> Any<'a> {
    /// The `AnyValue` of a field value; `None` for one that could not be serialised.
    fn of(value: &'a Value) -> Option<Any<'a>> {
        Some(match value {
            Value::Null => Any::Null,
            Value::Bool(v) => Any::Bool(*v),
            Value::I64(v) => Any::Int(*v),
            Value::U64(v) => Any::unsigned(*v),
            Value::F64(v) => Any::Double(*v),
            Value::Str(s) => Any::Str(s),
            Value::Json(json) => Any::Json(json),
            _ => return None,
        })
    }

    /// An unsigned integer: an int up to `i64::MAX`, its digits as a string above (OTLP's
    /// ints are signed), without allocating.
    fn unsigned(v: u64) -> Any<'static> {
        match i64::try_from(v) {
            Ok(v) => Any::Int(v),
            Err(_) => {
                let mut text = itoa::Buffer::new();
                let text = text.format(v).as_bytes();
                let mut digits = [0u8; 20];
                digits[..text.len()].copy_from_slice(text);
                Any::Digits(digits, text.len())
            }
        }
    }

    /// The `AnyValue` of a JSON value.
    fn of_json(json: &'a serde_json::Value) -> Any<'a> {
        use serde_json::Value as Json;
        match json {
            Json::Null => Any::Null,
            Json::Bool(v) => Any::Bool(*v),
            Json::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(v), ..) => Any::unsigned(v),
                (_, Some(v), _) => Any::Int(v),
                (.., v) => Any::Double(v.unwrap_or(f64::NAN)),
            },
            Json::String(s) => Any::Str(s),
            Json::Array(_) | Json::Object(_) => Any::Json(json),
        }
    }

    /// The length of the `AnyValue` message.
    fn len(&self) -> usize {
        match self {
            Any::Null => 0,
            Any::Str(s) => field_len(STRING, s.len()),
            Any::Digits(_, len) => field_len(STRING, *len),
            Any::Bool(_) => tag_len(BOOL) + 1,
            Any::Int(v) => tag_len(INT) + varint_len(*v as u64),
            Any::Double(_) => tag_len(DOUBLE) + 8,
            Any::Json(json) => match json {
                serde_json::Value::Array(items) => field_len(ARRAY, array_len(items)),
                serde_json::Value::Object(map) => field_len(KVLIST, kvlist_len(map)),
                other => Any::of_json(other).len(),
            },
        }
    }

    /// Writes the `AnyValue` message's content.
    fn put(&self, buf: &mut Vec<u8>) {
        match self {
            Any::Null => {}
            Any::Str(s) => put_bytes(buf, STRING, s.as_bytes()),
            Any::Digits(digits, len) => put_bytes(buf, STRING, &digits[..*len]),
            Any::Bool(v) => put_uint(buf, BOOL, u64::from(*v)),
            Any::Int(v) => put_uint(buf, INT, *v as u64),
            Any::Double(v) => put_fixed64(buf, DOUBLE, v.to_bits()),
            Any::Json(json) => match json {
                serde_json::Value::Array(items) => {
                    put_header(buf, ARRAY, array_len(items));
                    for item in items {
                        let item = Any::of_json(item);
                        put_header(buf, VALUES, item.len());
                        item.put(buf);
                    }
                }
                serde_json::Value::Object(map) => {
                    put_header(buf, KVLIST, kvlist_len(map));
                    for (key, value) in map {
                        put_key_value(buf, VALUES, key, &Any::of_json(value));
                    }
                }
                other => Any::of_json(other).put(buf),
            },
        }
    }
}

/// The length of an `ArrayValue` holding `items`.
fn array_len(items: &[serde_json::Value]) -> usize {
    items
        .iter()
        .map(|item| field_len(VALUES, Any::of_json(item).len()))
        .sum()
}

/// The length of a `KeyValueList` holding `map`.
fn kvlist_len(map: &serde_json::Map<String, serde_json::Value>) -> usize {
    map.iter()
        .map(|(key, value)| field_len(VALUES, key_value_len(key, &Any::of_json(value))))
        .sum()
}

/// The length of a `KeyValue` message.
fn key_value_len(key: &str, value: &Any<'_>) -> usize {
    field_len(KEY, key.len()) + field_len(VALUE, value.len())
}

/// Writes a `KeyValue` message as the field `field`.
fn put_key_value(buf: &mut Vec<u8>, field: u32, key: &str, value: &Any<'_>) {
    let value_len = value.len();
    put_key_value_head(buf, field, key, value_len);
    value.put(buf);
}

/// Writes a `KeyValue` message as the field `field` up to its `AnyValue` of `value_len`
/// bytes, which follows; reserves room for all of it.
#[inline(always)]
fn put_key_value_head(buf: &mut Vec<u8>, field: u32, key: &str, value_len: usize) {
    let len = field_len(KEY, key.len()) + field_len(VALUE, value_len);
    buf.reserve(field_len(field, len));
    put_header(buf, field, len);
    put_bytes(buf, KEY, key.as_bytes());
    put_header(buf, VALUE, value_len);
}

/// The tag byte of field `field` (below 16) with wire type `wire`.
const fn tag(field: u32, wire: u8) -> u8 {
    (field << 3) as u8 | wire
}

/// Writes a field as an attribute; `false` for a value that could not be serialised.
/// Scalars with a short key, nearly every field, take the short way.
fn put_attribute(buf: &mut Vec<u8>, key: &str, value: &Value) -> bool {
    let key = key.as_bytes();
    let (head, head_len) = match value {
        Value::Str(s) if SHORT_HEAD + 2 + key.len() + s.len() < 0x80 => {
            let s = s.as_bytes();
            let any_len = 2 + s.len();
            put_short_key(buf, key, any_len);
            append_wrapped(buf, &[tag(STRING, LENGTH), s.len() as u8], s, b"");
            return true;
        }
        Value::I64(v) if SHORT_HEAD + 11 + key.len() < 0x80 => {
            varint_value(tag(INT, VARINT), *v as u64)
        }
        Value::U64(v) if SHORT_HEAD + 11 + key.len() < 0x80 && i64::try_from(*v).is_ok() => {
            varint_value(tag(INT, VARINT), *v)
        }
        Value::F64(v) if SHORT_HEAD + 9 + key.len() < 0x80 => {
            let mut head = [tag(DOUBLE, FIXED64); 11];
            head[1..9].copy_from_slice(&v.to_bits().to_le_bytes());
            (head, 9)
        }
        Value::Bool(v) if SHORT_HEAD + 2 + key.len() < 0x80 => {
            let mut head = [tag(BOOL, VARINT); 11];
            head[1] = u8::from(*v);
            (head, 2)
        }
        Value::Error(chain) => {
            put_error(buf, std::str::from_utf8(key).unwrap_or_default(), chain);
            return true;
        }
        other => {
            let Some(any) = Any::of(other) else {
                return false;
            };
            let key = std::str::from_utf8(key).unwrap_or_default();
            put_key_value(buf, ATTRIBUTES, key, &any);
            return true;
        }
    };
    put_short_key(buf, key, head_len);
    append(buf, &head[..head_len]);
    true
}

/// Writes an error chain as attributes: `key` its message, `key.causes` its causes'
/// messages (an array), `key.backtrace` the backtrace, each when there is one.
#[cold]
fn put_error(buf: &mut Vec<u8>, key: &str, chain: &hooklog::ErrorChain) {
    put_key_value(buf, ATTRIBUTES, key, &Any::Str(chain.message()));
    if chain.causes().len() > 0 {
        let causes = serde_json::Value::from_iter(chain.causes());
        put_key_value(
            buf,
            ATTRIBUTES,
            &format!("{key}.causes"),
            &Any::Json(&causes),
        );
    }
    if let Some(backtrace) = chain.backtrace() {
        put_key_value(
            buf,
            ATTRIBUTES,
            &format!("{key}.backtrace"),
            &Any::Str(backtrace),
        );
    }
}

/// The bytes of a short attribute besides its key and value: the attribute's tag and
/// length, the key's, the value's.
const SHORT_HEAD: usize = 4;

/// Writes the head of an attribute of fewer than 128 bytes (every length is one byte)
/// up to its `AnyValue` of `any_len` bytes, which follows: the `KeyValue`'s tag and
/// length, the key, the value's tag and length. The caller checked the size.
#[inline(always)]
fn put_short_key(buf: &mut Vec<u8>, key: &[u8], any_len: usize) {
    let len = SHORT_HEAD + key.len() + any_len;
    append_wrapped(
        buf,
        &[
            tag(ATTRIBUTES, LENGTH),
            len as u8,
            tag(KEY, LENGTH),
            key.len() as u8,
        ],
        key,
        &[tag(VALUE, LENGTH), any_len as u8],
    );
}

/// An `AnyValue` holding the varint field of tag byte `tag` with `v`: its bytes, and how
/// many of them are used.
#[inline(always)]
fn varint_value(tag: u8, v: u64) -> ([u8; 11], usize) {
    let mut bytes = [tag; 11];
    let n = write_varint(&mut bytes[1..], v);
    (bytes, n + 1)
}

/// Writes a string attribute as the field `field`.
pub(crate) fn put_string_attribute(buf: &mut Vec<u8>, field: u32, key: &str, value: &str) {
    put_key_value(buf, field, key, &Any::Str(value));
}

/// Nanoseconds since the Unix epoch (0 before it).
fn unix_nanos(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Appends the content of the `LogRecord` message for `entry` to `buf`: its time (also the
/// observed time: the record is observed as it is logged), severity,
/// body (the message), the fields as attributes with their types, the caller as
/// `code.file.path` and `code.line.number` (its module is the scope's name when the target
/// is not named), the trace context; fields that could not be serialised are counted as dropped attributes.
pub(crate) fn put_log_record(buf: &mut Vec<u8>, entry: &Entry) {
    let time = unix_nanos(entry.time());
    put_fixed64(buf, TIME, time);
    put_fixed64(buf, OBSERVED_TIME, time);
    put_uint(buf, SEVERITY_NUMBER, severity_number(entry.level()));
    put_bytes(buf, SEVERITY_TEXT, entry.level().as_str().as_bytes());
    let body = Any::Str(entry.message());
    put_header(buf, BODY, body.len());
    body.put(buf);
    let mut dropped = 0;
    for (key, value) in entry.fields().iter() {
        if !put_attribute(buf, key, value) {
            dropped += 1;
        }
    }
    if let Some(caller) = entry.caller() {
        put_key_value(buf, ATTRIBUTES, "code.file.path", &Any::Str(caller.file));
        put_key_value(
            buf,
            ATTRIBUTES,
            "code.line.number",
            &Any::Int(i64::from(caller.line)),
        );
    }
    if dropped > 0 {
        put_uint(buf, DROPPED_ATTRIBUTES, dropped);
    }
    if let Some(trace) = entry.trace_context() {
        put_tag(buf, FLAGS, FIXED32);
        buf.extend_from_slice(&u32::from(trace.flags()).to_le_bytes());
        put_bytes(buf, TRACE_ID, &trace.trace_id());
        put_bytes(buf, SPAN_ID, &trace.span_id());
    }
}

/// What an `ExportLogsServiceResponse` says was rejected: the count, and the message.
pub(crate) fn partial_success(response: &[u8]) -> Option<(u64, String)> {
    let partial = field(response, 1)?;
    let rejected = varint_field(partial, 1).unwrap_or(0);
    let message = field(partial, 2)
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .unwrap_or_default();
    (rejected > 0 || !message.is_empty()).then_some((rejected, message))
}

/// The message of a `google.rpc.Status` (empty if it has none).
pub(crate) fn status_message(status: &[u8]) -> String {
    field(status, 2)
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .unwrap_or_default()
}

/// The delay a `google.rpc.Status` asks for in its `RetryInfo` detail, if it has one.
#[cfg(feature = "grpc")]
pub(crate) fn retry_delay(status: &[u8]) -> Option<std::time::Duration> {
    let info = fields(status, 3).find_map(|any| {
        let type_url = field(any, 1)?;
        type_url
            .ends_with(b"google.rpc.RetryInfo")
            .then(|| field(any, 2))
            .flatten()
    })?;
    let delay = field(info, 1)?;
    let seconds = varint_field(delay, 1).unwrap_or(0);
    let nanos = varint_field(delay, 2).unwrap_or(0);
    Some(std::time::Duration::new(
        seconds,
        u32::try_from(nanos).unwrap_or(0),
    ))
}

/// The first length-delimited field `number` of a message.
fn field(message: &[u8], number: u64) -> Option<&[u8]> {
    fields(message, number).next()
}

/// Every length-delimited field `number` of a message, in order; stops at bytes that
/// are not a message.
fn fields(mut message: &[u8], number: u64) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        while !message.is_empty() {
            let (tag, rest) = varint(message)?;
            let (value, rest) = skip(rest, (tag & 7) as u8)?;
            message = rest;
            if tag >> 3 == number && tag & 7 == u64::from(LENGTH) {
                return Some(value);
            }
        }
        None
    })
}

/// The first varint field `number` of a message.
fn varint_field(mut message: &[u8], number: u64) -> Option<u64> {
    while !message.is_empty() {
        let (tag, rest) = varint(message)?;
        if tag >> 3 == number && tag & 7 == u64::from(VARINT) {
            return varint(rest).map(|(v, _)| v);
        }
        message = skip(rest, (tag & 7) as u8)?.1;
    }
    None
}

/// A field's value of wire type `wire` (for length-delimited ones, the bytes), and what
/// follows it.
fn skip(bytes: &[u8], wire: u8) -> Option<(&[u8], &[u8])> {
    match wire {
        VARINT => varint(bytes).map(|(_, rest)| (&bytes[..0], rest)),
        FIXED64 => bytes.split_at_checked(8),
        FIXED32 => bytes.split_at_checked(4),
        LENGTH => {
            let (len, rest) = varint(bytes)?;
            rest.split_at_checked(usize::try_from(len).ok()?)
        }
        _ => None,
    }
}

fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_take_the_bytes_they_say() {
        for v in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut buf = Vec::new();
            put_varint(&mut buf, v);
            assert_eq!(buf.len(), varint_len(v), "{v}");
            assert_eq!(varint(&buf), Some((v, &[][..])));
        }
    }

    #[cfg(feature = "grpc")]
    #[test]
    fn a_retry_info_reads_back() {
        let mut delay = Vec::new();
        put_uint(&mut delay, 1, 2);
        put_uint(&mut delay, 2, 500_000_000);
        let mut info = Vec::new();
        put_bytes(&mut info, 1, &delay);
        let mut any = Vec::new();
        put_bytes(&mut any, 1, b"type.googleapis.com/google.rpc.RetryInfo");
        put_bytes(&mut any, 2, &info);
        let mut other = Vec::new();
        put_bytes(&mut other, 1, b"type.googleapis.com/google.rpc.DebugInfo");
        let mut status = Vec::new();
        put_uint(&mut status, 1, 14);
        put_bytes(&mut status, 3, &other);
        put_bytes(&mut status, 3, &any);
        assert_eq!(
            retry_delay(&status),
            Some(std::time::Duration::from_millis(2500))
        );
        assert_eq!(retry_delay(&status[..2]), None);
    }

    #[test]
    fn a_partial_success_reads_back() {
        let mut partial = Vec::new();
        put_uint(&mut partial, 1, 3);
        put_bytes(&mut partial, 2, b"bad attribute");
        let mut response = Vec::new();
        put_bytes(&mut response, 1, &partial);
        assert_eq!(
            partial_success(&response),
            Some((3, "bad attribute".to_owned()))
        );
        assert_eq!(partial_success(&[]), None);
    }
}
