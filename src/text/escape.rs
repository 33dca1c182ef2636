//! String escaping: JSON string escapes for every formatter (serde_json's, plus DEL and
//! the C1 controls U+0080 to U+009F as `\u007f`, `\u0080` .. `\u009f`, which terminals
//! act on), and logfmt's quoting rule.

use super::append::{append, append_wrapped};
use super::scan::clean_prefix;

/// How a byte is escaped inside a JSON string: 0 means as it is, `c` (on 0xC2, the first
/// byte of U+0080 to U+00BF) that it starts a C1 control when the next byte is at most
/// 0x9F.
pub(crate) const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[0x7f] = b'u';
    table[0xc2] = b'c';
    table
};

/// Only the control characters, for text written without quotes.
pub(crate) const ESCAPE_CONTROLS: [u8; 256] = {
    let mut table = ESCAPE;
    table[b'"' as usize] = 0;
    table[b'\\' as usize] = 0;
    table
};

/// The same as `ESCAPE`, plus `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, so a record is safe to
/// embed in HTML.
pub(crate) const ESCAPE_HTML: [u8; 256] = {
    let mut table = ESCAPE;
    table[b'<' as usize] = b'u';
    table[b'>' as usize] = b'u';
    table[b'&' as usize] = b'u';
    table
};

/// Bytes that may stand in an unquoted text value: `[A-Za-z0-9-._/@^+]`.
const BARE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'.' | b'_' | b'/' | b'@' | b'^' | b'+');
        b += 1;
    }
    table
};

/// Writes `s` in double quotes with JSON string escapes.
#[inline(always)]
pub(crate) fn write_quoted(buf: &mut Vec<u8>, s: &str, html: bool) {
    if html {
        write_json_string::<true>(buf, s);
    } else {
        write_json_string::<false>(buf, s);
    }
}

/// [`write_quoted`] with the choice of escaping `<`, `>` and `&` made at compile time.
#[inline(always)]
pub(crate) fn write_json_string<const HTML: bool>(buf: &mut Vec<u8>, s: &str) {
    let table = if HTML { &ESCAPE_HTML } else { &ESCAPE };
    escape_with::<true, HTML, 1, 1>(buf, b"\"", s, b"\"", table);
}

/// Writes `s` with JSON string escapes and no quotes: control characters (and `"`, `\\`)
/// never reach the output raw, so a record stays one line.
#[inline(always)]
pub(crate) fn write_escaped(buf: &mut Vec<u8>, s: &str, html: bool) {
    if html {
        escape_with::<true, true, 0, 0>(buf, b"", s, b"", &ESCAPE_HTML);
    } else {
        escape_with::<true, false, 0, 0>(buf, b"", s, b"", &ESCAPE);
    }
}

/// Writes `s` with only its control characters escaped (as JSON escapes), for text that
/// stands without quotes: it stays on one line and cannot carry terminal escapes.
pub(crate) fn write_controls_escaped(buf: &mut Vec<u8>, s: &str) {
    escape_with::<false, false, 0, 0>(buf, b"", s, b"", &ESCAPE_CONTROLS);
}

/// Writes `before`, `s` escaped by `table`, and `after`. `table` must escape exactly the
/// bytes [`clean_prefix`] stops at for the same `QUOTES` and `HTML`.
#[inline(always)]
fn escape_with<const QUOTES: bool, const HTML: bool, const B: usize, const A: usize>(
    buf: &mut Vec<u8>,
    before: &[u8; B],
    s: &str,
    after: &[u8; A],
    table: &[u8; 256],
) {
    let bytes = s.as_bytes();
    let clean = clean_prefix::<QUOTES, HTML>(bytes);
    if clean == bytes.len() {
        append_wrapped(buf, before, bytes, after);
    } else {
        buf.extend_from_slice(before);
        append(buf, &bytes[..clean]);
        escape_rest(buf, &bytes[clean..], table);
        buf.extend_from_slice(after);
    }
}

/// Escapes `bytes` byte by byte by `table`.
#[cold]
fn escape_rest(buf: &mut Vec<u8>, bytes: &[u8], table: &[u8; 256]) {
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (escape, code, len) = match table[usize::from(b)] {
            0 => (0, 0, 1),
            // U+0080 .. U+009F is 0xC2 then its own value.
            b'c' => match bytes.get(i + 1) {
                Some(&next) if next <= 0x9f => (b'u', next, 2),
                _ => (0, 0, 1),
            },
            escape => (escape, b, 1),
        };
        if escape != 0 {
            buf.extend_from_slice(&bytes[start..i]);
            start = i + len;
            if escape == b'u' {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(code >> 4)],
                    HEX[usize::from(code & 0xf)],
                ]);
            } else {
                buf.extend_from_slice(&[b'\\', escape]);
            }
        }
        i += len;
    }
    buf.extend_from_slice(&bytes[start..]);
}

/// Whether `s` must be quoted as a text value: any byte outside `[A-Za-z0-9-._/@^+]`.
#[inline]
pub(crate) fn needs_quotes(s: &str) -> bool {
    let bare = |b: &u8| BARE[usize::from(*b)];
    let mut chunks = s.as_bytes().chunks_exact(8);
    // Eight lookups combined without branching, then one test.
    let all_bare = chunks
        .by_ref()
        .all(|chunk| chunk.iter().fold(true, |all, b| all & bare(b)));
    !(all_bare && chunks.remainder().iter().all(bare))
}

/// serde_json's compact output with this module's escapes, for nested JSON values.
pub(crate) struct JsonEscapes {
    pub(crate) html: bool,
}

impl serde_json::ser::Formatter for JsonEscapes {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut escaped = Vec::with_capacity(fragment.len());
        write_escaped(&mut escaped, fragment, self.html);
        writer.write_all(&escaped)
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        serde_json::ser::CompactFormatter.write_char_escape(writer, char_escape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time skip never passes over a byte the tables escape.
    #[test]
    fn fast_scan_agrees_with_the_tables_for_every_byte_and_position() {
        for b in 0..=0x7fu8 {
            for (len, at) in (1..=17).flat_map(|len| (0..len).map(move |at| (len, at))) {
                let mut bytes = vec![b'a'; len];
                bytes[at] = b;
                let s = std::str::from_utf8(&bytes).unwrap();
                for (fast, table) in [
                    (escape_fn(0), &ESCAPE),
                    (escape_fn(1), &ESCAPE_HTML),
                    (escape_fn(2), &ESCAPE_CONTROLS),
                ] {
                    let mut got = Vec::new();
                    fast(&mut got, s);
                    let mut want = Vec::new();
                    for &c in s.as_bytes() {
                        match table[usize::from(c)] {
                            0 => want.push(c),
                            b'u' => want.extend_from_slice(format!("\\u{:04x}", c).as_bytes()),
                            e => want.extend_from_slice(&[b'\\', e]),
                        }
                    }
                    assert_eq!(got, want, "byte {b:#x} at {at} of {len}");
                }
            }
        }
    }

    fn escape_fn(kind: u8) -> fn(&mut Vec<u8>, &str) {
        match kind {
            0 => |buf, s| write_escaped(buf, s, false),
            1 => |buf, s| write_escaped(buf, s, true),
            _ => write_controls_escaped,
        }
    }

    /// C1 controls (U+0080 .. U+009F) are escaped; the other characters that start with
    /// byte 0xC2 (U+00A0 .. U+00BF) are not.
    #[test]
    fn c1_controls_are_escaped() {
        for (fast, quotes) in [
            (escape_fn(0), true),
            (escape_fn(1), true),
            (escape_fn(2), false),
        ] {
            let mut got = Vec::new();
            fast(&mut got, "a\u{80}b\u{9b}[31m\u{9f}\u{a0}£é\u{85}");
            let want = "a\\u0080b\\u009b[31m\\u009f\u{a0}£é\\u0085";
            assert_eq!(String::from_utf8(got).unwrap(), want, "quotes {quotes}");
        }
        let mut quoted = Vec::new();
        write_quoted(&mut quoted, "\u{9b}", false);
        let back: String = serde_json::from_slice(&quoted).unwrap();
        assert_eq!(back, "\u{9b}");
    }

    #[test]
    fn escapes_match_serde_json() {
        let s = "q\"b\\\n\r\t\u{8}\u{c}\u{1}\u{1f} é ✓ </>&";
        let mut got = Vec::new();
        write_quoted(&mut got, s, false);
        assert_eq!(
            String::from_utf8(got).unwrap(),
            serde_json::to_string(s).unwrap()
        );
    }
}
