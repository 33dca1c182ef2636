//! Finding where a string first needs escaping, many bytes at a time: the common case,
//! a string that needs none, is one pass with no per-byte work.
//!
//! Its gain, counted by `scripts/instructions` against a byte-by-byte scan of the same
//! bytes: fields10 3,694 -> 3,072 instructions per record (17%), request10 4,046 ->
//! 3,423 (15%), static 1,084 -> 929 (14%), text10 3,710 -> 3,266 (12%).

#![allow(unsafe_code, reason = "SSE2 loads, sixteen bytes at a time")]

/// The length of the longest prefix of `bytes` that needs no escaping: controls, DEL,
/// 0xC2 (which may start a C1 control), with `QUOTES` `"` and `\\`, with `HTML` `<`, `>`
/// and `&` stop it. Sixteen bytes at a
/// time with SSE2 (always there on x86-64), else eight in a `u64`.
#[inline(always)]
pub(super) fn clean_prefix<const QUOTES: bool, const HTML: bool>(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    return sse2::clean_prefix::<QUOTES, HTML>(bytes);
    #[cfg(not(target_arch = "x86_64"))]
    return words::clean_prefix_words::<QUOTES, HTML>(bytes);
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set_epi64x, _mm_set1_epi8,
    };

    #[inline(always)]
    pub(super) fn clean_prefix<const QUOTES: bool, const HTML: bool>(bytes: &[u8]) -> usize {
        let n = bytes.len();
        if n < 16 {
            // Most strings are short: their bytes go into the register straight from the
            // string, with no copy through memory (a copy made with narrow stores and read
            // back whole cannot be forwarded, and stalls).
            return match n == 0 || !vector_needs_escape::<QUOTES, HTML>(short_vector(bytes)) {
                true => n,
                false => 0,
            };
        }
        let mut chunks = bytes.chunks_exact(16);
        for (i, chunk) in chunks.by_ref().enumerate() {
            if needs_escape::<QUOTES, HTML>(chunk.try_into().expect("sixteen bytes")) {
                return i * 16;
            }
        }
        let tail = chunks.remainder();
        let last = bytes.last_chunk::<16>().expect("at least sixteen bytes");
        if tail.is_empty() || !needs_escape::<QUOTES, HTML>(last) {
            n
        } else {
            n - tail.len()
        }
    }

    /// Sixteen bytes, each one of `bytes` (1 to 15 of them), every byte of `bytes` among
    /// them: loaded in overlapping words.
    #[inline(always)]
    fn short_vector(bytes: &[u8]) -> __m128i {
        const ONES: u64 = 0x0101_0101_0101_0101;
        let n = bytes.len();
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight"));
        let half = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four"));
        let (lo, hi) = if n >= 8 {
            (word(0), word(n - 8))
        } else if n >= 4 {
            let w = u64::from(half(0)) | (u64::from(half(n - 4)) << 32);
            (w, w)
        } else {
            let w = ((u64::from(bytes[0]) * ONES) & !0xff_ff00)
                | (u64::from(bytes[n / 2]) << 8)
                | (u64::from(bytes[n - 1]) << 16);
            (w, w)
        };
        // SAFETY: SSE2 is part of x86-64 itself, so its instructions are always there.
        unsafe { _mm_set_epi64x(hi as i64, lo as i64) }
    }

    /// Whether any of sixteen bytes needs escaping.
    #[inline(always)]
    fn needs_escape<const QUOTES: bool, const HTML: bool>(chunk: &[u8; 16]) -> bool {
        // SAFETY: SSE2 is part of x86-64 itself, so its instructions are always there; the
        // load reads the sixteen bytes of `chunk` and needs no alignment.
        let v = unsafe { _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()) };
        vector_needs_escape::<QUOTES, HTML>(v)
    }

    /// Whether any of the sixteen bytes of `v` needs escaping.
    #[inline(always)]
    fn vector_needs_escape<const QUOTES: bool, const HTML: bool>(v: __m128i) -> bool {
        // SAFETY: SSE2 is part of x86-64 itself, so its instructions are always there.
        unsafe {
            let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            // A byte is a control character when the smaller of it and 0x1f is itself.
            let controls = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            let mut flags = _mm_or_si128(controls, _mm_or_si128(eq(0x7f), eq(0xc2)));
            if QUOTES {
                flags = _mm_or_si128(flags, _mm_or_si128(eq(b'"'), eq(b'\\')));
            }
            if HTML {
                let html = _mm_or_si128(eq(b'<'), _mm_or_si128(eq(b'>'), eq(b'&')));
                flags = _mm_or_si128(flags, html);
            }
            _mm_movemask_epi8(flags) != 0
        }
    }
}

#[cfg(any(test, not(target_arch = "x86_64")))]
mod words {
    /// [`super::clean_prefix`] eight bytes at a time, in a `u64`: may stop early at a byte that
    /// needs no escaping, never late.
    #[inline(always)]
    pub(super) fn clean_prefix_words<const QUOTES: bool, const HTML: bool>(bytes: &[u8]) -> usize {
        // Most keys and many values fit in one word: no loop at all.
        if bytes.len() <= 8 {
            let clean = bytes.is_empty() || !word_needs_escape::<QUOTES, HTML>(tail_word(bytes));
            return if clean { bytes.len() } else { 0 };
        }
        let mut chunks = bytes.chunks_exact(8);
        for (i, chunk) in chunks.by_ref().enumerate() {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if word_needs_escape::<QUOTES, HTML>(word) {
                return i * 8;
            }
        }
        let tail = chunks.remainder();
        if tail.is_empty() || !word_needs_escape::<QUOTES, HTML>(tail_word(bytes)) {
            bytes.len()
        } else {
            bytes.len() - tail.len()
        }
    }

    /// A word holding the last `len % 8` bytes of `bytes`: the last eight bytes when there
    /// are that many (the overlap was already found clean), else the bytes read with two
    /// overlapping loads and the rest filled with `a`, which never needs escaping.
    #[inline(always)]
    fn tail_word(bytes: &[u8]) -> u64 {
        const FILL: u64 = ONES * b'a' as u64;
        let n = bytes.len();
        if let Some(last) = bytes.last_chunk::<8>() {
            u64::from_le_bytes(*last)
        } else if n >= 4 {
            let lo = u32::from_le_bytes(bytes[..4].try_into().expect("four bytes"));
            let hi = u32::from_le_bytes(bytes[n - 4..].try_into().expect("four bytes"));
            u64::from(lo) | (u64::from(hi) << 32)
        } else if n >= 2 {
            let lo = u16::from_le_bytes(bytes[..2].try_into().expect("two bytes"));
            let hi = u16::from_le_bytes(bytes[n - 2..].try_into().expect("two bytes"));
            (FILL << 32) | (u64::from(hi) << 16) | u64::from(lo)
        } else {
            (FILL << 8) | u64::from(bytes[0])
        }
    }

    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;

    /// High bits set in the bytes of `word` that are below `n` (`n <= 128`); a byte after a
    /// true one may also be flagged, which only costs a closer look.
    #[inline]
    fn bytes_below(word: u64, n: u8) -> u64 {
        word.wrapping_sub(ONES * u64::from(n)) & !word
    }

    /// High bits set in the bytes of `word` equal to `b` (with the same caveat).
    #[inline]
    fn bytes_equal(word: u64, b: u8) -> u64 {
        bytes_below(word ^ (ONES * u64::from(b)), 1)
    }

    /// Whether any of eight bytes may need escaping: a control character, DEL, 0xC2, and with
    /// `QUOTES` `"` and `\\`, with `HTML` `<`, `>` and `&`. Branch-free.
    #[inline]
    fn word_needs_escape<const QUOTES: bool, const HTML: bool>(word: u64) -> bool {
        let mut flags = bytes_below(word, 0x20) | bytes_equal(word, 0x7f) | bytes_equal(word, 0xc2);
        if QUOTES {
            flags |= bytes_equal(word, b'\\');
        }
        match (QUOTES, HTML) {
            // `"` (0x22) and `&` (0x26) differ only in bit 2, `<` (0x3c) and `>` (0x3e) only
            // in bit 1: setting that bit finds both with one compare.
            (true, true) => {
                flags |= bytes_equal(word | (ONES * 0x04), b'&')
                    | bytes_equal(word | (ONES * 0x02), b'>');
            }
            (true, false) => flags |= bytes_equal(word, b'"'),
            (false, true) => {
                flags |= bytes_equal(word, b'&') | bytes_equal(word | (ONES * 0x02), b'>');
            }
            (false, false) => {}
        }
        flags & HIGHS != 0
    }
}

#[cfg(test)]
mod tests {
    use super::clean_prefix;
    use super::words::clean_prefix_words;
    use crate::text::escape::{ESCAPE, ESCAPE_CONTROLS, ESCAPE_HTML};

    /// Both scans stop at or before the first byte the table escapes, and only there.
    fn check<const QUOTES: bool, const HTML: bool>(table: &[u8; 256]) {
        for b in 0..=255u8 {
            for len in 1..=40 {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let first = bytes.iter().position(|&c| table[usize::from(c)] != 0);
                    let end = first.unwrap_or(len);
                    for (name, found) in [
                        ("fast", clean_prefix::<QUOTES, HTML>(&bytes)),
                        ("words", clean_prefix_words::<QUOTES, HTML>(&bytes)),
                    ] {
                        assert!(
                            found <= end,
                            "{name}: byte {b:#x} at {at} of {len}: {found}"
                        );
                        if first.is_none() {
                            assert_eq!(found, len, "{name}: byte {b:#x} at {at} of {len}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn scans_stop_where_the_tables_escape() {
        check::<true, false>(&ESCAPE);
        check::<true, true>(&ESCAPE_HTML);
        check::<false, false>(&ESCAPE_CONTROLS);
    }
}
