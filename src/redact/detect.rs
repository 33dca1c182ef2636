//! Finding secrets in text: bearer tokens, JWTs, PEM private keys, AWS access key ids,
//! and card numbers that pass the Luhn check.
//!
//! Most text holds none, and is passed over in a few instructions ([`may_hold`]): shorter
//! than any secret (13 bytes), or, 16 bytes at a time, without a byte a secret starts
//! near (`B`, `b`, `J`, `I`) and with fewer than 13 digits. Only text that has one is
//! searched ([`find`]).

#![allow(
    unsafe_code,
    reason = "SSE2 compares, 16 bytes at a time, called from code that cannot name the feature"
)]

use std::ops::Range;

/// A bearer token (`Bearer <token>`, any case): the token.
pub(crate) const BEARER: u8 = 1;
/// A JSON Web Token (`eyJ...` in three dot-separated base64url parts).
pub(crate) const JWT: u8 = 2;
/// A PEM private key, from `-----BEGIN ... PRIVATE KEY-----` to its end line.
pub(crate) const PEM: u8 = 4;
/// An AWS access key id (`AKIA` or `ASIA` and 16 upper-case letters or digits).
pub(crate) const AWS: u8 = 8;
/// 13 to 19 digits, in groups split by single spaces or dashes, that pass the Luhn check.
pub(crate) const CARD: u8 = 16;

/// No secret the detectors know is shorter.
const MIN_LEN: usize = 13;
/// The smallest integer with as many digits as a card number.
pub(crate) const SHORTEST_CARD: u64 = 1_000_000_000_000;
const MIN_CARD_DIGITS: usize = 13;
const MAX_CARD_DIGITS: usize = 19;
/// The fewest bytes of a bearer token, after `Bearer `.
const MIN_TOKEN: usize = 8;

/// Whether `text` may hold a secret `detectors` look for: the quick test every string
/// takes, a few instructions for each 16 bytes; [`find`] says for sure.
#[inline]
pub(crate) fn may_hold(text: &[u8], detectors: u8) -> bool {
    if text.len() < MIN_LEN || detectors == 0 {
        return false;
    }
    let (anchors, digits) = hints(text);
    (anchors && detectors & (BEARER | JWT | PEM | AWS) != 0)
        || (digits >= MIN_CARD_DIGITS && detectors & CARD != 0)
}

/// The first secret `detectors` find in `text` at or after `from`.
#[cold]
#[inline(never)]
pub(crate) fn find(text: &str, from: usize, detectors: u8) -> Option<Range<usize>> {
    let text = text.as_bytes();
    let mut found: Option<Range<usize>> = None;
    let mut take = |range: Option<Range<usize>>| {
        if let Some(range) = range
            && found.as_ref().is_none_or(|f| range.start < f.start)
        {
            found = Some(range);
        }
    };
    if detectors & BEARER != 0 {
        take(bearer(text, from));
    }
    if detectors & JWT != 0 {
        take(jwt(text, from));
    }
    if detectors & PEM != 0 {
        take(pem(text, from));
    }
    if detectors & AWS != 0 {
        take(aws(text, from));
    }
    if detectors & CARD != 0 {
        take(card(text, from));
    }
    found
}

/// Whether an integer is a card number: 13 to 19 digits that pass the Luhn check.
pub(crate) fn card_number(v: u64) -> bool {
    if v < SHORTEST_CARD {
        return false;
    }
    let mut digits = itoa::Buffer::new();
    luhn(digits.format(v).bytes())
}

/// Whether `text` (at least 13 bytes) has a byte a secret starts near (`B` or `b` of
/// `Bearer` or `BEGIN`, `J` of `eyJ`, `I` of `AKIA` and `ASIA`), and about how many
/// digits it has: bytes read twice where the last 16 overlap the others may count twice,
/// which only sends a string to [`find`] that did not need it.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn hints(text: &[u8]) -> (bool, usize) {
    // SAFETY: SSE2 is part of every x86_64 processor.
    unsafe { sse2_hints(text) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn sse2_hints(text: &[u8]) -> (bool, usize) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_cvtsi128_si64, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_sad_epu8, _mm_set_epi64x, _mm_set1_epi8,
        _mm_setzero_si128, _mm_srli_si128, _mm_sub_epi8, _mm_subs_epi8,
    };
    let n = text.len();
    let mut anchors = _mm_setzero_si128();
    let mut digits = _mm_setzero_si128();
    let mut add = |v: __m128i| {
        let lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        anchors = _mm_or_si128(
            anchors,
            _mm_or_si128(
                _mm_cmpeq_epi8(lower, _mm_set1_epi8(b'b' as i8)),
                _mm_or_si128(
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'J' as i8)),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'I' as i8)),
                ),
            ),
        );
        // '0' ..= '9' moved to -128 ..= -119: the only bytes below -118, found as -1;
        // subtracting it counts a digit, each byte's count stopping at 127 (enough to say
        // "13 or more").
        let moved = _mm_sub_epi8(v, _mm_set1_epi8(0xb0_u8 as i8));
        digits = _mm_subs_epi8(digits, _mm_cmplt_epi8(moved, _mm_set1_epi8(-118)));
    };
    if n < 16 {
        // The first and the last eight bytes.
        let word = |at: usize| i64::from_le_bytes(text[at..at + 8].try_into().expect("8 bytes"));
        add(_mm_set_epi64x(word(n - 8), word(0)));
    } else {
        // Every 16 bytes, the last 16 overlapping the others.
        // SAFETY: each load reads 16 bytes from `at`, `at + 16 <= n`.
        let load = |at: usize| unsafe { _mm_loadu_si128(text.as_ptr().add(at).cast()) };
        let mut at = 0;
        while at + 16 <= n {
            add(load(at));
            at += 16;
        }
        if at < n {
            add(load(n - 16));
        }
    }
    let sums = _mm_sad_epu8(digits, _mm_setzero_si128());
    let count = _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_srli_si128::<8>(sums));
    (_mm_movemask_epi8(anchors) != 0, count as usize)
}

#[cfg(not(target_arch = "x86_64"))]
fn hints(text: &[u8]) -> (bool, usize) {
    let anchors = text
        .iter()
        .any(|b| matches!(b, b'B' | b'b' | b'J' | b'I' | b'-'));
    (anchors, text.iter().filter(|b| b.is_ascii_digit()).count())
}

/// `Bearer <token>`, any case, the token of at least eight token bytes: the token.
fn bearer(text: &[u8], from: usize) -> Option<Range<usize>> {
    let mut at = from;
    while let Some(start) = position_ignoring_case(text, at, b"bearer") {
        let mut token = start + 6;
        let spaces = text[token..].iter().take_while(|&&b| b == b' ').count();
        token += spaces;
        let len = text[token..].iter().take_while(|&&b| token_byte(b)).count();
        if spaces > 0 && len >= MIN_TOKEN && !word_byte_before(text, start) {
            return Some(token..token + len);
        }
        at = start + 1;
    }
    None
}

/// `eyJ` (a base64url JSON object) then two more base64url parts after dots.
fn jwt(text: &[u8], from: usize) -> Option<Range<usize>> {
    let mut at = from;
    while let Some(start) = position(text, at, b"eyJ") {
        let header = base64url_len(&text[start..]);
        let mut end = start + header;
        let mut parts = 1;
        while parts < 3 && text.get(end) == Some(&b'.') {
            end += 1 + base64url_len(&text[end + 1..]);
            parts += 1;
        }
        if header >= 10 && parts == 3 && !word_byte_before(text, start) {
            return Some(start..end);
        }
        at = start + 1;
    }
    None
}

/// `-----BEGIN ... PRIVATE KEY-----` to the end of its `-----END ...-----` line (or of the
/// text, if cut short).
fn pem(text: &[u8], from: usize) -> Option<Range<usize>> {
    let mut at = from;
    while let Some(start) = position(text, at, b"-----BEGIN ") {
        let line_end = position(text, start + 11, b"-----").unwrap_or(text.len());
        if text[start..line_end].ends_with(b"PRIVATE KEY") {
            let end = position(text, line_end + 5, b"-----END ")
                .and_then(|end| position(text, end + 9, b"-----").map(|e| e + 5))
                .unwrap_or(text.len());
            return Some(start..end);
        }
        at = start + 1;
    }
    None
}

/// `AKIA` or `ASIA` then 16 upper-case letters or digits, standing alone.
fn aws(text: &[u8], from: usize) -> Option<Range<usize>> {
    let mut at = from;
    while let Some(i) = position(text, at, b"IA") {
        at = i + 1;
        let Some(start) = i.checked_sub(2) else {
            continue;
        };
        if !matches!(&text[start..i], b"AK" | b"AS") || start < from {
            continue;
        }
        let end = start + 20;
        let id = text.get(i + 2..end);
        let alone = !word_byte_before(text, start)
            && text.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
        if id.is_some_and(|id| {
            id.iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }) && alone
        {
            return Some(start..end);
        }
    }
    None
}

/// 13 to 19 digits, split by single spaces or dashes at most, standing alone, that pass
/// the Luhn check.
fn card(text: &[u8], from: usize) -> Option<Range<usize>> {
    let mut at = from;
    while at < text.len() {
        if !text[at].is_ascii_digit() || (at > 0 && text[at - 1].is_ascii_alphanumeric()) {
            at += 1;
            continue;
        }
        let start = at;
        let mut end = at;
        let mut digits = 0;
        let mut i = at;
        while i < text.len() {
            match text[i] {
                b'0'..=b'9' => {
                    digits += 1;
                    end = i + 1;
                }
                b' ' | b'-' if text.get(i + 1).is_some_and(u8::is_ascii_digit) && i > start => {}
                _ => break,
            }
            i += 1;
        }
        let alone = text.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
        if (MIN_CARD_DIGITS..=MAX_CARD_DIGITS).contains(&digits)
            && alone
            && luhn(text[start..end].iter().copied().filter(u8::is_ascii_digit))
        {
            return Some(start..end);
        }
        at = i.max(at + 1);
    }
    None
}

/// Whether the digits pass the Luhn check.
fn luhn(digits: impl DoubleEndedIterator<Item = u8>) -> bool {
    let mut sum = 0;
    for (i, digit) in digits.rev().enumerate() {
        let d = u32::from(digit - b'0');
        sum += match i % 2 {
            0 => d,
            _ if d * 2 > 9 => d * 2 - 9,
            _ => d * 2,
        };
    }
    sum % 10 == 0
}

fn token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

fn base64url_len(text: &[u8]) -> usize {
    text.iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        .count()
}

/// Whether the byte before `at` is a letter or digit: `at` is inside a word.
fn word_byte_before(text: &[u8], at: usize) -> bool {
    at > 0 && text[at - 1].is_ascii_alphanumeric()
}

fn position(text: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    text.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn position_ignoring_case(text: &[u8], from: usize, lower: &[u8]) -> Option<usize> {
    text.get(from..)?
        .windows(lower.len())
        .position(|w| w.eq_ignore_ascii_case(lower))
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: u8 = BEARER | JWT | PEM | AWS | CARD;

    fn found(text: &str) -> Option<&str> {
        if !may_hold(text.as_bytes(), ALL) {
            return None;
        }
        find(text, 0, ALL).map(|r| &text[r])
    }

    #[test]
    fn each_kind_is_found() {
        assert_eq!(
            found("Authorization: Bearer abcDEF123456.xyz"),
            Some("abcDEF123456.xyz")
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl";
        assert_eq!(found(&format!("token={jwt} rest")), Some(jwt));
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----";
        assert_eq!(found(&format!("key: {pem}\nmore")), Some(pem));
        assert_eq!(
            found("id AKIAIOSFODNN7EXAMPLE here"),
            Some("AKIAIOSFODNN7EXAMPLE")
        );
        assert_eq!(
            found("card 4111 1111 1111 1111."),
            Some("4111 1111 1111 1111")
        );
        assert_eq!(
            found("card 4111-1111-1111-1111"),
            Some("4111-1111-1111-1111")
        );
        assert_eq!(found("pan=378282246310005;"), Some("378282246310005"));
    }

    #[test]
    fn look_alikes_are_left() {
        for text in [
            "the bearer of bad news",
            "Bearer short",
            "alice@example.com",
            "/api/v1/users/42",
            "order 4111111111111112 failed", // fails Luhn
            "id 12345678901234567890123",    // too many digits
            "AKIAIOSFODNN7EXAMPL",           // too short
            "XAKIAIOSFODNN7EXAMPLE",         // inside a word
            "-----BEGIN CERTIFICATE-----",
            "eyJhbGciOiJIUzI1NiJ9 alone",
            "2026-12-05T10:00:00.123456789Z",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }

    #[test]
    fn hints_see_every_byte() {
        for len in 13..40 {
            let text: Vec<u8> = (0..len).map(|i| b'0' + (i % 10) as u8).collect();
            let (anchors, digits) = hints(&text);
            assert!(!anchors && digits >= len, "{len}");
            for at in [0, len / 2, len - 1] {
                let mut anchored = vec![b'x'; len];
                anchored[at] = b'J';
                assert_eq!(hints(&anchored), (true, 0), "{len} {at}");
            }
        }
    }

    #[test]
    fn digits_in_long_text_are_never_undercounted_below_thirteen() {
        let text = "4".repeat(300 * 16);
        assert!(hints(text.as_bytes()).1 >= 13);
        let card = format!("{}4111111111111111", "x ".repeat(2500));
        assert_eq!(super::find(&card, 0, ALL), Some(5000..5016));
        assert!(may_hold(card.as_bytes(), ALL));
    }

    #[test]
    fn card_numbers_as_integers() {
        assert!(card_number(4_111_111_111_111_111));
        assert!(!card_number(4_111_111_111_111_112));
        assert!(!card_number(42));
    }
}
