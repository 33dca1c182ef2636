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
            cache.civil_for(time);
            write(Stamp::Rfc3339(&cache.rfc3339))
        }),
        TimestampFormat::Rfc3339Nanos => scratch::with(&CACHE, |cache| {
            cache.civil_for(time);
            cache.text.clear();
            cache.text.push_str(cache.civil.as_str());
            let _ = write!(cache.text, ".{:09}", split(time).1);
            cache.text.push_str(&cache.offset);
            write(Stamp::Rfc3339(&cache.text))
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
            match cache.refresh_custom(pattern, secs, nanos) {
                Ok(()) => write(Stamp::Text(&cache.custom.text)),
                Err(error) => {
                    cache.civil_for(time);
                    write(Stamp::Failed {
                        fallback: &cache.rfc3339,
                        error: &error,
                    })
                }
            }
        }),
    }
}

/// Whole seconds since the epoch (floored) and the nanoseconds past them.
fn split(time: SystemTime) -> (i64, u32) {
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

/// The zoned time of `secs` (plus `nanos`) in the local time zone, clamped to jiff's range.
fn zoned(secs: i64, nanos: u32) -> Zoned {
    let ts = Timestamp::new(secs, nanos as i32).unwrap_or(if secs < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    ts.to_zoned(TimeZone::system())
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// One thread's cached renderings; each is valid for the second it was made for.
struct Cache {
    /// The second `civil` and `offset` describe, as a range of times.
    second: Range<SystemTime>,
    /// `YYYY-MM-DDTHH:MM:SS` in local time.
    civil: String,
    /// `Z` or `+HH:MM`.
    offset: String,
    /// `civil` and `offset`: the whole RFC 3339 time.
    rfc3339: String,
    /// Scratch for assembling RFC 3339 text.
    text: String,
    custom: CustomCache,
}

#[derive(Default)]
struct CustomCache {
    pattern: String,
    /// The second `text` was rendered for; `None` when the pattern has sub-second parts.
    secs: Option<i64>,
    text: String,
}

impl Default for Cache {
    fn default() -> Cache {
        Cache {
            second: SystemTime::UNIX_EPOCH..SystemTime::UNIX_EPOCH,
            civil: String::new(),
            offset: String::new(),
            rfc3339: String::new(),
            text: String::new(),
            custom: CustomCache::default(),
        }
    }
}

impl Cache {
    /// Renders the second `time` falls in, unless it is the one already rendered.
    #[inline]
    fn civil_for(&mut self, time: SystemTime) {
        if !self.second.contains(&time) {
            self.render_civil(time);
        }
    }

    #[cold]
    fn render_civil(&mut self, time: SystemTime) {
        let secs = split(time).0;
        let zoned = zoned(secs, 0);
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
        self.rfc3339.clear();
        self.rfc3339.push_str(&self.civil);
        self.rfc3339.push_str(&self.offset);
        let start = if secs >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
        };
        self.second = match start.and_then(|start| Some(start..start.checked_add(SECOND)?)) {
            Some(second) => second,
            None => SystemTime::UNIX_EPOCH..SystemTime::UNIX_EPOCH,
        };
    }

    fn refresh_custom(&mut self, pattern: &str, secs: i64, nanos: u32) -> Result<(), String> {
        let custom = &mut self.custom;
        if custom.pattern == pattern && custom.secs == Some(secs) {
            return Ok(());
        }
        if custom.pattern != pattern {
            custom.pattern.clear();
            custom.pattern.push_str(pattern);
        }
        custom.secs = None;
        custom.text.clear();
        let zoned = zoned(secs, nanos);
        BrokenDownTime::from(&zoned)
            .format(pattern, &mut custom.text)
            .map_err(|e| format!("invalid timestamp format {pattern:?}: {e}"))?;
        if !has_subsecond(pattern) {
            custom.secs = Some(secs);
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
