//! Timestamps: the formats, and a per-thread cache that does the calendar work (through
//! jiff) once per second.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::ops::Range;
use std::time::{Duration, SystemTime};

use jiff::fmt::strtime::BrokenDownTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::scratch;

const SECOND: Duration = Duration::from_secs(1);

/// How a record's time is written. Text forms use the local time zone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// `2026-11-22T10:00:00+08:00` (`Z` for UTC); logrus's default.
    #[default]
    Rfc3339,
    /// `2026-11-22T10:00:00.123456789+08:00`: always nine fraction digits, so records
    /// sort as text.
    Rfc3339Nanos,
    /// Seconds since the Unix epoch, as a number.
    UnixSeconds,
    /// Milliseconds since the Unix epoch, as a number.
    UnixMillis,
    /// A strftime pattern as jiff reads it (`%Y-%m-%d %H:%M:%S%.3f %Z`). A pattern jiff
    /// rejects falls back to RFC 3339 and the record's `hooklog_error` says why.
    Custom(String),
}

impl TimestampFormat {
    /// The names configuration files use for the fixed formats.
    const NAMES: [(&'static str, TimestampFormat); 4] = [
        ("rfc3339", TimestampFormat::Rfc3339),
        ("rfc3339_nanos", TimestampFormat::Rfc3339Nanos),
        ("unix", TimestampFormat::UnixSeconds),
        ("unix_millis", TimestampFormat::UnixMillis),
    ];
}

impl std::str::FromStr for TimestampFormat {
    type Err = String;

    /// `rfc3339`, `rfc3339_nanos`, `unix` or `unix_millis`, or a strftime pattern (it has a
    /// `%` directive, and jiff can format with it). Anything else is refused, so a
    /// mistyped name (`unix_ms`) is an error, not a pattern that prints itself.
    fn from_str(text: &str) -> Result<TimestampFormat, String> {
        if let Some((_, format)) = TimestampFormat::NAMES
            .iter()
            .find(|(name, _)| *name == text)
        {
            return Ok(format.clone());
        }
        let expected = "expected rfc3339, rfc3339_nanos, unix, unix_millis or a strftime pattern such as \"%Y-%m-%d %H:%M:%S\"";
        if !text.contains('%') {
            return Err(format!("unknown timestamp format {text:?} ({expected})"));
        }
        let sample = Timestamp::UNIX_EPOCH.to_zoned(TimeZone::UTC);
        let mut out = String::new();
        BrokenDownTime::from(&sample)
            .format(text, &mut out)
            .map_err(|e| format!("timestamp format {text:?}: {e}"))?;
        Ok(TimestampFormat::Custom(text.to_owned()))
    }
}

impl<'de> serde::Deserialize<'de> for TimestampFormat {
    /// From the text [`FromStr`](std::str::FromStr) reads.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The time zone an RFC 3339 timestamp is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Zone {
    /// The system's local time zone (`+08:00`, or `Z` where it is UTC).
    #[default]
    Local,
    /// UTC, written `Z`.
    Utc,
}

/// A rendered timestamp.
pub(crate) enum Stamp<'a> {
    /// RFC 3339 text: ASCII digits and punctuation that never need escaping or quotes
    /// beyond JSON's.
    Rfc3339(&'a str),
    /// Text from a custom pattern, to write as a string value.
    Text(&'a str),
    /// A number to write as a number.
    Int(i64),
    /// The custom pattern failed: the RFC 3339 text to write instead, and why.
    Failed { fallback: &'a str, error: &'a str },
}

/// Renders `time` in `format` and passes it to `write`.
pub(crate) fn with_stamp<R>(
    format: &TimestampFormat,
    time: SystemTime,
    write: impl FnOnce(Stamp<'_>) -> R,
) -> R {
    match format {
        // Most records fall in the second already rendered: no arithmetic at all.
        TimestampFormat::Rfc3339 => scratch::with(&CACHE, |cache| {
            write(Stamp::Rfc3339(&cache.second(Zone::Local, time).whole))
        }),
        TimestampFormat::Rfc3339Nanos => scratch::with(&CACHE, |cache| {
            let Cache { local, text, .. } = cache;
            text.clear();
            local.for_time(Zone::Local, time).write(text, time, 9);
            write(Stamp::Rfc3339(text))
        }),
        TimestampFormat::UnixSeconds => write(Stamp::Int(split(time).0)),
        TimestampFormat::UnixMillis => {
            let (secs, nanos) = split(time);
            write(Stamp::Int(
                secs.saturating_mul(1000)
                    .saturating_add(i64::from(nanos / 1_000_000)),
            ))
        }
        TimestampFormat::Custom(pattern) => scratch::with(&CACHE, |cache| {
            let (secs, nanos) = split(time);
            match cache.custom.refresh(pattern, secs, nanos) {
                Ok(()) => write(Stamp::Text(&cache.custom.text)),
                Err(error) => write(Stamp::Failed {
                    fallback: &cache.second(Zone::Local, time).whole,
                    error: &error,
                }),
            }
        }),
    }
}

/// Appends `time` as RFC 3339 text in `zone` with `digits` fraction digits (at most 9),
/// doing the calendar work once per second per thread.
pub(crate) fn write_rfc3339(buf: &mut Vec<u8>, time: SystemTime, zone: Zone, digits: u8) {
    scratch::with(&CACHE, |cache| {
        let Cache {
            local, utc, text, ..
        } = cache;
        text.clear();
        let second = match zone {
            Zone::Local => local,
            Zone::Utc => utc,
        };
        second.for_time(zone, time).write(text, time, digits);
        buf.extend_from_slice(text.as_bytes());
    });
}

/// Whole seconds since the epoch (floored) and the nanoseconds past them.
pub(crate) fn split(time: SystemTime) -> (i64, u32) {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(before) => {
            let d = before.duration();
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            match d.subsec_nanos() {
                0 => (-secs, 0),
                n => (-secs - 1, 1_000_000_000 - n),
            }
        }
    }
}

/// The zoned time of `secs` (plus `nanos`) in `zone`, clamped to jiff's range.
fn zoned(secs: i64, nanos: u32, zone: Zone) -> Zoned {
    let ts = Timestamp::new(secs, nanos as i32).unwrap_or(if secs < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    ts.to_zoned(match zone {
        Zone::Local => TimeZone::system(),
        Zone::Utc => TimeZone::UTC,
    })
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// One thread's cached renderings; each is valid for the second it was made for.
#[derive(Default)]
struct Cache {
    local: Second,
    utc: Second,
    /// Scratch for assembling RFC 3339 text with a fraction.
    text: String,
    custom: CustomCache,
}

impl Cache {
    /// The rendering of the second `time` falls in, in `zone`.
    #[inline]
    fn second(&mut self, zone: Zone, time: SystemTime) -> &Second {
        match zone {
            Zone::Local => self.local.for_time(zone, time),
            Zone::Utc => self.utc.for_time(zone, time),
        }
    }
}

/// One second rendered in one zone.
struct Second {
    /// The second, as a range of times.
    range: Range<SystemTime>,
    /// `YYYY-MM-DDTHH:MM:SS`.
    civil: String,
    /// `Z` or `+HH:MM`.
    offset: String,
    /// `civil` and `offset`: the whole RFC 3339 time.
    whole: String,
}

impl Default for Second {
    fn default() -> Second {
        Second {
            range: SystemTime::UNIX_EPOCH..SystemTime::UNIX_EPOCH,
            civil: String::new(),
            offset: String::new(),
            whole: String::new(),
        }
    }
}

impl Second {
    /// This rendering, made again for the second `time` falls in unless it is that one.
    #[inline]
    fn for_time(&mut self, zone: Zone, time: SystemTime) -> &Second {
        if !self.range.contains(&time) {
            self.render(zone, time);
        }
        self
    }

    #[cold]
    fn render(&mut self, zone: Zone, time: SystemTime) {
        let secs = split(time).0;
        let zoned = zoned(secs, 0, zone);
        self.civil.clear();
        let _ = write!(
            self.civil,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            zoned.year(),
            zoned.month(),
            zoned.day(),
            zoned.hour(),
            zoned.minute(),
            zoned.second()
        );
        self.offset.clear();
        let offset = zoned.offset().seconds();
        if offset == 0 {
            self.offset.push('Z');
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let minutes = offset.unsigned_abs() / 60;
            let _ = write!(self.offset, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
        }
        self.whole.clear();
        self.whole.push_str(&self.civil);
        self.whole.push_str(&self.offset);
        let start = if secs >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
        };
        self.range = match start.and_then(|start| Some(start..start.checked_add(SECOND)?)) {
            Some(second) => second,
            None => SystemTime::UNIX_EPOCH..SystemTime::UNIX_EPOCH,
        };
    }

    /// Appends this second's text with `digits` fraction digits of `time` (at most 9).
    fn write(&self, text: &mut String, time: SystemTime, digits: u8) {
        text.push_str(&self.civil);
        if digits > 0 {
            let mut nanos = [0u8; 9];
            let mut n = split(time).1;
            for digit in nanos.iter_mut().rev() {
                *digit = b'0' + (n % 10) as u8;
                n /= 10;
            }
            text.push('.');
            let digits = usize::from(digits.min(9));
            text.push_str(std::str::from_utf8(&nanos[..digits]).unwrap_or_default());
        }
        text.push_str(&self.offset);
    }
}

#[derive(Default)]
struct CustomCache {
    pattern: String,
    /// The second `text` was rendered for; `None` when the pattern has sub-second parts.
    secs: Option<i64>,
    text: String,
}

impl CustomCache {
    fn refresh(&mut self, pattern: &str, secs: i64, nanos: u32) -> Result<(), String> {
        if self.pattern == pattern && self.secs == Some(secs) {
            return Ok(());
        }
        if self.pattern != pattern {
            self.pattern.clear();
            self.pattern.push_str(pattern);
        }
        self.secs = None;
        self.text.clear();
        let zoned = zoned(secs, nanos, Zone::Local);
        BrokenDownTime::from(&zoned)
            .format(pattern, &mut self.text)
            .map_err(|e| format!("invalid timestamp format {pattern:?}: {e}"))?;
        if !has_subsecond(pattern) {
            self.secs = Some(secs);
        }
        Ok(())
    }
}

/// Whether a strftime pattern prints fractions of a second (`%f`, `%.3f`, `%N`, ...), so
/// its text cannot be cached for the second.
fn has_subsecond(pattern: &str) -> bool {
    let mut rest = pattern.as_bytes();
    while let Some(at) = rest.iter().position(|&b| b == b'%') {
        rest = &rest[at + 1..];
        let directive = rest.iter().copied().find(|b| {
            !matches!(
                b,
                b'-' | b'_' | b'0' | b'^' | b'#' | b'.' | b'1'..=b'9' | b':'
            )
        });
        match directive {
            Some(b'f' | b'N') => return true,
            Some(b'%') => rest = &rest[1..],
            _ => {}
        }
    }
    false
}
