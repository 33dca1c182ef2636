//! Appending the short byte strings a record is made of.
//!
//! Its gain, counted by `scripts/instructions` against `extend_from_slice` for every
//! piece: text10 3,596 -> 3,266 instructions per record (9%), fields10 3,377 -> 3,072
//! (9%), request10 3,729 -> 3,423 (8%), static 976 -> 929 (5%).

#![allow(
    unsafe_code,
    reason = "fixed-size copies of short pieces into reserved room"
)]

/// Appends `bytes` to `buf`. A record is mostly short pieces (keys, numbers, small
/// strings); up to 16 bytes they are copied with two fixed-size, overlapping moves
/// instead of a call to `memcpy`, which costs more than such a copy itself.
#[inline(always)]
pub(crate) fn append(buf: &mut Vec<u8>, bytes: &[u8]) {
    append_wrapped(buf, b"", bytes, b"");
}

/// Appends `before`, `bytes` and `after` (short constants around a short string, such
/// as the quotes and punctuation around a key) with one length update.
#[inline(always)]
pub(crate) fn append_wrapped<const B: usize, const A: usize>(
    buf: &mut Vec<u8>,
    before: &[u8; B],
    bytes: &[u8],
    after: &[u8; A],
) {
    let n = bytes.len();
    if n > 16 {
        buf.extend_from_slice(before);
        buf.extend_from_slice(bytes);
        buf.extend_from_slice(after);
        return;
    }
    buf.reserve(B + 16 + A);
    let len = buf.len();
    // SAFETY: `reserve` left room for `B + 16 + A` more bytes at `dst`; the writes cover
    // exactly `dst[..B + n + A]` (`copy_short` writes `n <= 16` bytes), which initialises
    // what `set_len` adds.
    unsafe {
        let dst = buf.as_mut_ptr().add(len);
        dst.cast::<[u8; B]>().write_unaligned(*before);
        copy_short(dst.add(B), bytes);
        dst.add(B + n).cast::<[u8; A]>().write_unaligned(*after);
        buf.set_len(len + B + n + A);
    }
}

/// Copies `src` (at most 16 bytes) to `dst` with fixed-size moves.
///
/// # Safety
///
/// `dst` must be valid for writing `src.len()` bytes, and `src.len() <= 16`.
#[inline(always)]
pub(crate) unsafe fn copy_short(dst: *mut u8, src: &[u8]) {
    let n = src.len();
    let src = src.as_ptr();
    debug_assert!(n <= 16);
    // SAFETY: the caller's contract; every move reads within `src[..n]` (the pairs overlap
    // when `n` is not twice their size) and writes within `dst[..n]`.
    unsafe {
        if n >= 8 {
            dst.cast::<[u8; 8]>()
                .write_unaligned(src.cast::<[u8; 8]>().read_unaligned());
            dst.add(n - 8)
                .cast::<[u8; 8]>()
                .write_unaligned(src.add(n - 8).cast::<[u8; 8]>().read_unaligned());
        } else if n >= 4 {
            dst.cast::<[u8; 4]>()
                .write_unaligned(src.cast::<[u8; 4]>().read_unaligned());
            dst.add(n - 4)
                .cast::<[u8; 4]>()
                .write_unaligned(src.add(n - 4).cast::<[u8; 4]>().read_unaligned());
        } else if n > 0 {
            *dst = *src;
            *dst.add(n / 2) = *src.add(n / 2);
            *dst.add(n - 1) = *src.add(n - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{append, append_wrapped};

    #[test]
    fn appends_every_length_exactly() {
        let source: Vec<u8> = (0..40u8).map(|b| b'a' + b % 26).collect();
        for n in 0..=source.len() {
            for prefix in [0, 1, 7, 16] {
                let mut buf = vec![b'-'; prefix];
                buf.shrink_to_fit();
                append(&mut buf, &source[..n]);
                append_wrapped(&mut buf, b",\"", &source[..n], b"\":");
                let mut expected = vec![b'-'; prefix];
                expected.extend_from_slice(&source[..n]);
                expected.extend_from_slice(b",\"");
                expected.extend_from_slice(&source[..n]);
                expected.extend_from_slice(b"\":");
                assert_eq!(buf, expected, "length {n} after {prefix}");
            }
        }
    }
}
