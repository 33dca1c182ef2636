//! Encoding records as syslog messages: RFC 5424 (with structured data) and RFC 3164.

use std::fmt::Write as _;
use std::time::SystemTime;

use hooklog::{Destination, Entry, Formatter, Value};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// The syslog message format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SyslogFormat {
    /// RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD-ID k="v" ...] MSG`, with the
    /// fields as structured data.
    #[default]
    Rfc5424,
    /// RFC 3164 (BSD): `<PRI>Mmm dd hh:mm:ss HOST APP[PROCID]: MSG`, with the fields after
    /// the message as `key=value`.
    Rfc3164,
}

impl SyslogFormat {
    /// The longest message the format allows: RFC 3164 says 1,024 bytes; RFC 5424 sets no
    /// limit of its own.
    pub(crate) fn max_len(self) -> usize {
        match self {
            SyslogFormat::Rfc3164 => 1024,
            SyslogFormat::Rfc5424 => usize::MAX,
        }
    }
}

/// A syslog facility.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the names are the standard facility names
pub enum Facility {
    Kern = 0,
    #[default]
    User = 1,
    Mail = 2,
    Daemon = 3,
    Auth = 4,
    Syslog = 5,
    Lpr = 6,
    News = 7,
    Uucp = 8,
    Cron = 9,
    Authpriv = 10,
    Ftp = 11,
    Local0 = 16,
    Local1 = 17,
    Local2 = 18,
    Local3 = 19,
    Local4 = 20,
    Local5 = 21,
    Local6 = 22,
    Local7 = 23,
}

thread_local! {
    /// The MSG part of an RFC 5424 message, written before the structured data is
    /// given the room it leaves.
    static MESSAGE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// What every message from one hook shares.
pub(crate) struct Header {
    pub(crate) format: SyslogFormat,
    pub(crate) facility: Facility,
    pub(crate) hostname: String,
    pub(crate) app_name: String,
    pub(crate) procid: String,
    pub(crate) msgid: String,
    pub(crate) sd_id: String,
    pub(crate) time_zone: TimeZone,
    /// Newlines become `\n` (for LF-framed TCP, where a raw newline ends the message).
    pub(crate) escape_newlines: bool,
}

impl Header {
    /// Encodes `entry` into `out` (cleared first), truncated to `max_len` bytes at a
    /// character boundary. `formatter`, when set, writes the MSG part.
    pub(crate) fn encode(
        &self,
        entry: &Entry,
        formatter: Option<&dyn Formatter>,
        max_len: usize,
        out: &mut String,
    ) {
        out.clear();
        let pri = self.facility as u8 * 8 + entry.level().syslog_severity();
        let zoned = zoned(entry.time(), &self.time_zone);
        match self.format {
            SyslogFormat::Rfc5424 => {
                let _ = write!(
                    out,
                    "<{pri}>1 {} {} {} {} {} ",
                    zoned.strftime("%Y-%m-%dT%H:%M:%S%.6f%:z"),
                    self.hostname,
                    self.app_name,
                    self.procid,
                    self.msgid
                );
                // The message comes first: the structured data keeps the params that fit
                // whole in the room the header and the message leave, so many fields
                // never cut the message away.
                hooklog::encode::with_scratch(&MESSAGE, |message| {
                    message.clear();
                    self.message(entry, formatter, false, message);
                    let room = max_len.saturating_sub(out.len() + 1 + message.len());
                    self.structured_data(entry, room, out);
                    out.push(' ');
                    out.push_str(message);
                });
            }
            SyslogFormat::Rfc3164 => {
                let _ = write!(
                    out,
                    "<{pri}>{} {} {}[{}]: ",
                    zoned.strftime("%b %e %H:%M:%S"),
                    self.hostname,
                    self.app_name,
                    self.procid
                );
                self.message(entry, formatter, true, out);
            }
        }
        truncate(out, max_len);
    }

    /// `[SD-ID name="value" ...]` with the record's fields, or `-` when there are none (or
    /// none fits). Only whole params are written, as many as fit in `room` bytes with the
    /// closing `]`: a long record loses params, never its structure.
    fn structured_data(&self, entry: &Entry, room: usize, out: &mut String) {
        let start = out.len();
        out.push('[');
        out.push_str(&self.sd_id);
        let mut params = 0;
        let mut param = String::new();
        for (key, value) in entry.fields().iter() {
            if matches!(value, Value::Invalid(_)) {
                continue;
            }
            param.clear();
            param.push(' ');
            param.push_str(&sd_name(key));
            param.push_str("=\"");
            for c in value.to_string().chars() {
                match c {
                    '"' | '\\' | ']' => {
                        param.push('\\');
                        param.push(c);
                    }
                    '\n' if self.escape_newlines => param.push_str("\\n"),
                    c => param.push(c),
                }
            }
            param.push('"');
            if out.len() - start + param.len() + 1 > room {
                break;
            }
            out.push_str(&param);
            params += 1;
        }
        if params == 0 {
            out.truncate(start);
            out.push('-');
        } else {
            out.push(']');
        }
    }

    /// The MSG part: the formatter's record, or the message (plus, for RFC 3164, the
    /// fields as `key=value`).
    fn message(
        &self,
        entry: &Entry,
        formatter: Option<&dyn Formatter>,
        fields: bool,
        out: &mut String,
    ) {
        let start = out.len();
        match formatter {
            Some(formatter) => {
                let mut buf = Vec::new();
                match formatter.format(entry, Destination::PLAIN, &mut buf) {
                    Ok(()) => out.push_str(String::from_utf8_lossy(&buf).trim_end_matches('\n')),
                    Err(e) => {
                        let _ = write!(out, "{} (formatter failed: {e})", entry.message());
                    }
                }
            }
            None => {
                out.push_str(entry.message());
                if fields {
                    for (key, value) in entry.fields().iter() {
                        if matches!(value, Value::Invalid(_)) {
                            continue;
                        }
                        let text = value.to_string();
                        let bare = !text.is_empty()
                            && !text
                                .chars()
                                .any(|c| c.is_whitespace() || c == '"' || c == '=');
                        if bare {
                            let _ = write!(out, " {}={text}", sd_name(key));
                        } else {
                            let _ = write!(out, " {}={text:?}", sd_name(key));
                        }
                    }
                }
            }
        }
        if self.escape_newlines && out[start..].contains('\n') {
            let escaped = out[start..].replace('\n', "\\n");
            out.truncate(start);
            out.push_str(&escaped);
        }
    }
}

fn zoned(time: SystemTime, time_zone: &TimeZone) -> Zoned {
    Timestamp::try_from(time)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(time_zone.clone())
}

/// A valid SD-NAME (and RFC 3164 key): printable US-ASCII but `=`, space, `]` and `"`,
/// at most 32 characters; anything else becomes `_`, and an empty name `_`.
pub(crate) fn sd_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .take(32)
        .map(|c| match c {
            '!'..='~' if !matches!(c, '=' | ']' | '"') => c,
            _ => '_',
        })
        .collect();
    if cleaned.is_empty() {
        "_".to_owned()
    } else {
        cleaned
    }
}

/// A header field (HOSTNAME, APP-NAME, PROCID, MSGID): printable US-ASCII, at most
/// `max` characters, `-` when empty.
pub(crate) fn header_field(value: &str, max: usize) -> String {
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(max)
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .collect();
    if cleaned.is_empty() {
        "-".to_owned()
    } else {
        cleaned
    }
}

/// Cuts `text` to at most `max` bytes at a character boundary.
pub(crate) fn truncate(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hooklog::Level;

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sd_name("user id"), "user_id");
        assert_eq!(sd_name("a=b]\"c"), "a_b__c");
        assert_eq!(sd_name("é"), "_");
        assert_eq!(sd_name(""), "_");
        assert_eq!(sd_name(&"k".repeat(40)).len(), 32);
        assert_eq!(header_field("my app", 48), "myapp");
        assert_eq!(header_field("", 48), "-");
    }

    #[test]
    fn truncation_respects_characters() {
        let mut text = "aé".repeat(10);
        truncate(&mut text, 4);
        assert_eq!(text, "aéa");
    }

    /// Found by fuzzing: cutting a long record at the length limit cut its structured
    /// data too, leaving an unterminated `[...`. Whole params are dropped instead.
    #[test]
    fn truncation_keeps_structured_data_whole() {
        use hooklog::Logger;
        let header = Header {
            format: SyslogFormat::Rfc5424,
            facility: Facility::User,
            hostname: "h".into(),
            app_name: "a".into(),
            procid: "1".into(),
            msgid: "-".into(),
            sd_id: "x@1".into(),
            time_zone: TimeZone::UTC,
            escape_newlines: false,
        };
        let logger = Logger::builder().out(std::io::sink()).build();
        let mut entry = logger.entry();
        for i in 0..50 {
            entry = entry.with_field(format!("k{i}"), r#"]]]\""#.repeat(4));
        }
        for max in [60, 120, 200, 511, 4096] {
            let mut out = String::new();
            header.encode(&entry, None, max, &mut out);
            assert!(out.len() <= max, "{max}: {out}");
            let sd = out.splitn(7, ' ').nth(6).unwrap_or("-");
            if sd.starts_with('[') {
                let mut escaped = false;
                let end = sd.char_indices().find(|&(_, c)| {
                    let done = c == ']' && !escaped;
                    escaped = c == '\\' && !escaped;
                    done
                });
                assert!(end.is_some(), "{max}: unterminated SD in {out}");
            } else {
                assert!(sd.starts_with('-'), "{max}: {out}");
            }
        }
    }

    #[test]
    fn severities_follow_logrus() {
        let map: Vec<u8> = Level::ALL.iter().map(|&l| l.syslog_severity()).collect();
        assert_eq!(map, [2, 2, 3, 4, 6, 7, 7]);
    }
}
