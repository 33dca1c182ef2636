//! `TraceContext`: the distributed trace a record belongs to (W3C Trace Context).

use std::fmt;
use std::str::FromStr;

/// The trace and span a record belongs to, as W3C Trace Context and OpenTelemetry name
/// them: a 16-byte trace id, an 8-byte span id and the trace flags (bit 0: sampled).
///
/// A record carries one when its entry was given one
/// ([`Entry::with_trace_context`](crate::Entry::with_trace_context), from a `traceparent`
/// header a service received), or when the `tracing` bridge logs an event inside a span
/// with an OpenTelemetry context. Every formatter writes it: `trace_id` and `span_id` in
/// JSON and text (32 and 16 lowercase hex digits), `trace.id` and `span.id` in ECS,
/// `_trace_id` and `_span_id` in GELF, and the OTLP exporter in the log record's own
/// fields. A record without one costs nothing more.
///
/// ```
/// use hooklog::TraceContext;
///
/// let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/// let context: TraceContext = header.parse().unwrap();
/// assert_eq!(context.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert!(context.is_sampled());
/// assert_eq!(context.to_string(), header);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TraceContext {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    flags: u8,
}

/// Why a `traceparent` value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseTraceparentError(&'static str);

impl fmt::Display for ParseTraceparentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid traceparent: {}", self.0)
    }
}

impl std::error::Error for ParseTraceparentError {}

impl TraceContext {
    /// A context from its parts. All-zero ids are invalid in W3C Trace Context:
    /// `None` for them.
    pub fn new(trace_id: [u8; 16], span_id: [u8; 8], flags: u8) -> Option<TraceContext> {
        (trace_id != [0; 16] && span_id != [0; 8]).then_some(TraceContext {
            trace_id,
            span_id,
            flags,
        })
    }

    /// Reads a W3C `traceparent` header value: `00-<32 hex>-<16 hex>-<2 hex>` (a later
    /// version's value is read by its first four parts, as the spec asks).
    ///
    /// # Errors
    ///
    /// A value of the wrong shape, hex digits that are not lowercase hex, the reserved
    /// version `ff`, or all-zero ids; the error says which.
    pub fn from_traceparent(value: &str) -> Result<TraceContext, ParseTraceparentError> {
        let value = value.trim();
        let bytes = value.as_bytes();
        if bytes.len() < 55 || bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
            return Err(ParseTraceparentError(
                "expected 00-<32 hex digits>-<16 hex digits>-<2 hex digits>",
            ));
        }
        let version = hex::<1>(&bytes[0..2]).ok_or(ParseTraceparentError("version is not hex"))?[0];
        if version == 0xff {
            return Err(ParseTraceparentError("version ff is reserved"));
        }
        if version == 0 && bytes.len() != 55 {
            return Err(ParseTraceparentError("version 00 has exactly four parts"));
        }
        if version != 0 && bytes.len() > 55 && bytes[55] != b'-' {
            return Err(ParseTraceparentError("flags are two hex digits"));
        }
        let trace_id = hex::<16>(&bytes[3..35])
            .ok_or(ParseTraceparentError("trace id is not 32 hex digits"))?;
        let span_id = hex::<8>(&bytes[36..52])
            .ok_or(ParseTraceparentError("parent id is not 16 hex digits"))?;
        let flags = hex::<1>(&bytes[53..55]).ok_or(ParseTraceparentError("flags are not hex"))?[0];
        TraceContext::new(trace_id, span_id, flags)
            .ok_or(ParseTraceparentError("an id is all zeros"))
    }

    /// The trace id.
    pub fn trace_id(&self) -> [u8; 16] {
        self.trace_id
    }

    /// The span id.
    pub fn span_id(&self) -> [u8; 8] {
        self.span_id
    }

    /// The trace flags.
    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the trace is sampled (flag bit 0).
    pub fn is_sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    /// The trace id as 32 lowercase hex digits.
    pub fn trace_id_hex(&self) -> String {
        hex_string(&self.trace_id)
    }

    /// The span id as 16 lowercase hex digits.
    pub fn span_id_hex(&self) -> String {
        hex_string(&self.span_id)
    }
}

impl FromStr for TraceContext {
    type Err = ParseTraceparentError;

    /// As [`TraceContext::from_traceparent`].
    fn from_str(value: &str) -> Result<TraceContext, ParseTraceparentError> {
        TraceContext::from_traceparent(value)
    }
}

impl fmt::Display for TraceContext {
    /// The `traceparent` header value: `00-<trace id>-<span id>-<flags>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = Vec::with_capacity(55);
        text.extend_from_slice(b"00-");
        write_hex(&mut text, &self.trace_id);
        text.push(b'-');
        write_hex(&mut text, &self.span_id);
        text.push(b'-');
        write_hex(&mut text, &[self.flags]);
        f.write_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

/// Appends `bytes` as lowercase hex digits.
#[inline]
pub(crate) fn write_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0xf)]);
    }
}

/// `N` bytes from `2 * N` lowercase hex digits.
/// `bytes` as lowercase hex digits.
fn hex_string(bytes: &[u8]) -> String {
    let mut text = Vec::with_capacity(2 * bytes.len());
    write_hex(&mut text, bytes);
    String::from_utf8(text).unwrap_or_default()
}

fn hex<const N: usize>(digits: &[u8]) -> Option<[u8; N]> {
    let digit = |d: u8| match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        out[i] = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_reads_back_and_refuses_what_the_spec_refuses() {
        let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let context = TraceContext::from_traceparent(header).unwrap();
        assert_eq!(context.to_string(), header);
        assert_eq!(context.span_id_hex(), "00f067aa0ba902b7");
        // A later version: the first four parts.
        let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more";
        assert!(!TraceContext::from_traceparent(later).unwrap().is_sampled());
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert!(TraceContext::from_traceparent(bad).is_err(), "{bad:?}");
        }
    }
}
