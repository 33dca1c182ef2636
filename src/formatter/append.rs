//! Appending the short byte strings a record is made of.

/// Appends `bytes` to `buf`. A record is mostly short pieces (keys, numbers, small
/// strings); up to 16 bytes they are copied with two fixed-size, overlapping moves
/// instead of a call to `memcpy`, which costs more than such a copy itself.
#[inline(always)]
pub(crate) fn append(buf: &mut Vec<u8>, bytes: &[u8]) {
    let n = bytes.len();
    if n > 16 {
        buf.extend_from_slice(bytes);
        return;
    }
    buf.reserve(16);
    let len = buf.len();
    let src = bytes.as_ptr();
    // SAFETY: `reserve` left room for 16 more bytes at `dst`; every move below reads
    // within `bytes` (the pairs overlap when `n` is not twice their size) and writes
    // within `dst[..n]`, and the `n` bytes written initialise what `set_len` adds.
    unsafe {
        let dst = buf.as_mut_ptr().add(len);
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
        buf.set_len(len + n);
    }
}

#[cfg(test)]
mod tests {
    use super::append;

    #[test]
    fn appends_every_length_exactly() {
        let source: Vec<u8> = (0..70u8).map(|b| b'a' + b % 26).collect();
        for n in 0..=source.len() {
            for prefix in [0, 1, 7, 16, 33] {
                let mut buf = vec![b'-'; prefix];
                buf.shrink_to_fit();
                append(&mut buf, &source[..n]);
                let mut expected = vec![b'-'; prefix];
                expected.extend_from_slice(&source[..n]);
                assert_eq!(buf, expected, "length {n} after {prefix}");
            }
        }
    }
}
