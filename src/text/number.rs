//! Number text, shared by the formatters and `Value`'s `Display`.

#![allow(
    unsafe_code,
    reason = "integer digits written straight into reserved room"
)]

/// The shortest text that reads back as `v` (`1.23456`, `12.5`, `1e21`), or `NaN`, `inf`,
/// `-inf`.
pub(crate) fn format_f64(buf: &mut zmij::Buffer, v: f64) -> &str {
    if v.is_finite() {
        buf.format_finite(v)
    } else if v.is_nan() {
        "NaN"
    } else if v.is_sign_positive() {
        "inf"
    } else {
        "-inf"
    }
}

/// Appends the shortest text that reads back as the finite `v`.
///
/// The text is copied byte by byte out of the formatter's buffer: the formatter stores it
/// in pieces of several widths, and reading it back with wider loads (as a copy of a few
/// bytes does) cannot be forwarded from those stores, and stalls.
#[inline]
pub(crate) fn write_finite_f64(buf: &mut Vec<u8>, v: f64) {
    let mut digits = zmij::Buffer::new();
    let text = digits.format_finite(v).as_bytes();
    buf.reserve(text.len());
    for &b in text {
        buf.push(b);
    }
}

/// The two digits of every number below 100.
const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Appends `v` in decimal.
///
/// The digits are written where they go, from the last: staged in a buffer of their own
/// (as `itoa` does) and then copied, they were read back with wider loads than they were
/// stored with, which the processor cannot forward from its stores.
#[inline]
pub(crate) fn write_u64(buf: &mut Vec<u8>, mut v: u64) {
    let len = v.checked_ilog10().map_or(1, |digits| digits as usize + 1);
    buf.reserve(len);
    let start = buf.len();
    // SAFETY: `reserve` left room for `len` bytes after `start`; the loop writes the last
    // `2 * k` of them and the end the rest, so every byte `set_len` takes in is written.
    unsafe {
        let mut end = buf.as_mut_ptr().add(start + len);
        while v >= 100 {
            let pair = (v % 100) as usize * 2;
            v /= 100;
            end = end.sub(2);
            std::ptr::copy_nonoverlapping(PAIRS.as_ptr().add(pair), end, 2);
        }
        if v >= 10 {
            std::ptr::copy_nonoverlapping(PAIRS.as_ptr().add(v as usize * 2), end.sub(2), 2);
        } else {
            *end.sub(1) = b'0' + v as u8;
        }
        buf.set_len(start + len);
    }
}

/// Appends `v` in decimal.
#[inline]
pub(crate) fn write_i64(buf: &mut Vec<u8>, v: i64) {
    if v < 0 {
        buf.push(b'-');
    }
    write_u64(buf, v.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::{write_i64, write_u64};

    #[test]
    fn integers_read_back_at_every_length_and_edge() {
        let mut values: Vec<u64> = vec![0, u64::MAX];
        for digits in 1..20 {
            let p = 10u64.pow(digits);
            values.extend([p - 1, p, p + 1, p / 2 + 7]);
        }
        for v in values {
            let mut buf = b"x".to_vec();
            write_u64(&mut buf, v);
            assert_eq!(buf, format!("x{v}").as_bytes());
        }
        for v in [0, -1, 9, -10, 99, -100, i64::MIN, i64::MAX, i64::MIN + 1] {
            let mut buf = Vec::new();
            write_i64(&mut buf, v);
            assert_eq!(buf, v.to_string().as_bytes());
        }
    }
}
