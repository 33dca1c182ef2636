//! Severity levels, ordered most severe first as logrus orders them.

use std::fmt;
use std::str::FromStr;

/// The severity of a record.
///
/// Levels are ordered most severe first, so `Level::Panic < Level::Trace`, and a logger at
/// level `L` emits every record whose level is `<= L`.
///
/// ```
/// use hooklog::Level;
///
/// assert!(Level::Error < Level::Info);
/// assert_eq!("WARN".parse::<Level>().unwrap(), Level::Warn);
/// assert_eq!(Level::Warn.to_string(), "warning");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Level {
    /// Logs, then panics with the message.
    Panic = 0,
    /// Logs, then exits the process with code 1 (through the logger's exit func).
    Fatal = 1,
    /// An operation failed.
    Error = 2,
    /// Something unexpected that does not stop the operation.
    Warn = 3,
    /// Normal operational records; the default level.
    Info = 4,
    /// Detail useful when debugging.
    Debug = 5,
    /// The finest detail.
    Trace = 6,
}

impl Level {
    /// Every level, most severe first.
    pub const ALL: [Level; 7] = [
        Level::Panic,
        Level::Fatal,
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ];

    /// The level's name as logrus prints it: `"panic"`, `"fatal"`, `"error"`, `"warning"`,
    /// `"info"`, `"debug"` or `"trace"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Panic => "panic",
            Level::Fatal => "fatal",
            Level::Error => "error",
            Level::Warn => "warning",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }

    /// The syslog severity of the level, as logrus's syslog hook maps it: panic and
    /// fatal are crit (2), error is err (3), warning is warning (4), info is info (6),
    /// debug and trace are debug (7). Syslog and GELF outputs carry it.
    pub fn syslog_severity(self) -> u8 {
        match self {
            Level::Panic | Level::Fatal => 2,
            Level::Error => 3,
            Level::Warn => 4,
            Level::Info => 6,
            Level::Debug | Level::Trace => 7,
        }
    }

    /// The level's position in [`Level::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Level {
    type Err = ParseLevelError;

    /// Parses a level name, ignoring ASCII case; `"warn"` and `"warning"` both give `Warn`.
    fn from_str(s: &str) -> Result<Level, ParseLevelError> {
        const NAMES: [(&str, Level); 8] = [
            ("panic", Level::Panic),
            ("fatal", Level::Fatal),
            ("error", Level::Error),
            ("warn", Level::Warn),
            ("warning", Level::Warn),
            ("info", Level::Info),
            ("debug", Level::Debug),
            ("trace", Level::Trace),
        ];
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|&(_, level)| level)
            .ok_or_else(|| ParseLevelError {
                input: s.to_owned(),
            })
    }
}

/// The error returned when a string names no [`Level`].
///
/// Its `Display` quotes the input and lists the valid names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseLevelError {
    input: String,
}

impl ParseLevelError {
    /// The string that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not a valid level: {:?} (expected one of panic, fatal, error, warn or warning, info, debug, trace; any case)",
            self.input
        )
    }
}

impl std::error::Error for ParseLevelError {}
