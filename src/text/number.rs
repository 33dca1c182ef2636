//! Number text, shared by the formatters and `Value`'s `Display`.

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
