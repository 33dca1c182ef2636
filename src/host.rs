//! The machine's host name, which hooks and formatters for central stores report.
#![allow(unsafe_code, reason = "gethostname(2)")]

use std::sync::OnceLock;

/// This machine's host name (read once), or `-` when it has none; GELF's `host` and
/// syslog's HOSTNAME use it by default.
///
/// ```
/// assert!(!hooklog::host_name().is_empty());
/// ```
pub fn host_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let mut buf = [0u8; 256];
        // SAFETY: `buf` is writable for its whole length, which is passed.
        let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        match ok && end > 0 {
            true => String::from_utf8_lossy(&buf[..end]).into_owned(),
            false => "-".to_owned(),
        }
    })
}
