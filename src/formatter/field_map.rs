//! Renaming the fixed keys of a record.

use std::borrow::Cow;

use crate::fields::KeyMark;

/// A fixed key of a record, as [`FieldMap`] names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKey {
    /// The time (`time`).
    Time,
    /// The level (`level`).
    Level,
    /// The message (`msg`).
    Msg,
    /// The caller's module (`func`).
    Func,
    /// The caller's `file:line` (`file`).
    File,
    /// The reason a field was left out (`hooklog_error`).
    FieldError,
}

impl FieldKey {
    /// Every fixed key, in [`FieldMap`]'s order.
    const ALL: [FieldKey; 6] = [
        FieldKey::Time,
        FieldKey::Level,
        FieldKey::Msg,
        FieldKey::Func,
        FieldKey::File,
        FieldKey::FieldError,
    ];

    fn default_name(self) -> &'static str {
        match self {
            FieldKey::Time => "time",
            FieldKey::Level => "level",
            FieldKey::Msg => "msg",
            FieldKey::Func => "func",
            FieldKey::File => "file",
            FieldKey::FieldError => "hooklog_error",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Renames fixed keys, for log stores that expect other names.
///
/// ```
/// use hooklog::{FieldKey, FieldMap, JsonFormatter};
///
/// let map = FieldMap::new()
///     .rename(FieldKey::Msg, "message")
///     .rename(FieldKey::Time, "@timestamp");
/// assert_eq!(map.resolve(FieldKey::Msg), "message");
/// assert_eq!(map.resolve(FieldKey::Level), "level");
/// let formatter = JsonFormatter::new().field_map(map);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldMap {
    names: [Cow<'static, str>; 6],
    /// The marks of `names` and, last, of [`EXTRA_KEYS`]: fingerprints, so most field keys
    /// are cleared of clashing with a few word compares, and whether logfmt writes each
    /// name as it is.
    marks: [KeyMark; 9],
    /// One bit per name, chosen by its fingerprint: a key whose bit is clear clashes with
    /// no name, which rules out almost every key with one test.
    filter: u64,
}

/// The key of a record's target, when the formatter writes it.
pub(crate) const TARGET: &str = "target";
/// The keys of a record's trace and span ids, when it has a trace context.
pub(crate) const TRACE_ID: &str = "trace_id";
pub(crate) const SPAN_ID: &str = "span_id";
/// The fixed keys that cannot be renamed, in `FieldMap::marks` order after the others.
const EXTRA_KEYS: [&str; 3] = [TARGET, TRACE_ID, SPAN_ID];

/// Which of the fixed keys that are not always written a record has.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Present {
    /// `func` and `file`: the record carries its caller.
    pub(crate) caller: bool,
    /// `target`: the record has a target and the formatter writes it.
    pub(crate) target: bool,
    /// `trace_id` and `span_id`: the record has a trace context.
    pub(crate) trace: bool,
}

/// The bit of [`FieldMap::filter`] a fingerprint selects.
#[inline]
fn filter_bit(fingerprint: u64) -> u64 {
    1 << (fingerprint.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

/// The filter bits of `marks`.
fn filter(marks: &[KeyMark]) -> u64 {
    marks
        .iter()
        .fold(0, |bits, mark| bits | filter_bit(mark.fingerprint))
}

impl FieldMap {
    /// Every key under its default name.
    pub fn new() -> FieldMap {
        FieldMap::default()
    }

    /// Writes `key` as `name`. A name another fixed key already has is refused (a record
    /// would carry it twice): the rename is reported on stderr and `key` keeps its name.
    #[must_use]
    pub fn rename(mut self, key: FieldKey, name: &str) -> FieldMap {
        let other = FieldKey::ALL
            .into_iter()
            .find(|&other| other != key && self.resolve(other) == name);
        if let Some(other) = other {
            crate::error::report(format_args!(
                "FieldMap: {key:?} cannot be named {name:?}, which {other:?} is named; it stays {:?}",
                self.resolve(key)
            ));
            return self;
        }
        if EXTRA_KEYS.contains(&name) {
            crate::error::report(format_args!(
                "FieldMap: {key:?} cannot be named {name:?}, a key the formatters write for the target or the trace; it stays {:?}",
                self.resolve(key)
            ));
            return self;
        }
        self.names[key.index()] = Cow::Owned(name.to_owned());
        self.marks[key.index()] = KeyMark::of(name);
        self.filter = filter(&self.marks);
        self
    }

    /// The name `key` is written as.
    #[inline]
    pub fn resolve(&self, key: FieldKey) -> &str {
        &self.names[key.index()]
    }

    /// Whether logfmt writes the name of `key` as it is (no byte replaced).
    #[inline]
    pub(crate) fn logfmt_plain(&self, key: FieldKey) -> bool {
        self.marks[key.index()].logfmt_plain
    }

    /// Whether a field key clashes with the name of a fixed key: time, level, msg and
    /// the field error always, func and file when the record carries its caller, target
    /// when it is written, trace_id and span_id when the record has a trace context.
    /// `mark` is the key's [`KeyMark`].
    #[inline(always)]
    pub(crate) fn clashes(&self, key: &str, mark: KeyMark, present: Present) -> bool {
        if self.filter & filter_bit(mark.fingerprint) == 0 {
            return false;
        }
        let clashes_with = |k: FieldKey| {
            self.marks[k.index()].fingerprint == mark.fingerprint && self.resolve(k) == key
        };
        let fixed = [
            FieldKey::Time,
            FieldKey::Msg,
            FieldKey::Level,
            FieldKey::FieldError,
        ];
        fixed.into_iter().any(clashes_with)
            || (present.caller
                && [FieldKey::Func, FieldKey::File]
                    .into_iter()
                    .any(clashes_with))
            || (present.target && key == TARGET)
            || (present.trace && self.clashes_with_trace(key, mark))
    }

    /// Whether `key` (its mark `mark`) is `trace_id` or `span_id`.
    #[cold]
    fn clashes_with_trace(&self, key: &str, mark: KeyMark) -> bool {
        // EXTRA_KEYS after the target, with their marks.
        EXTRA_KEYS
            .iter()
            .zip(&self.marks[self.names.len()..])
            .skip(1)
            .any(|(name, own)| own.fingerprint == mark.fingerprint && key == *name)
    }
}

impl FieldKey {
    /// The key's name in configuration files: `time`, `level`, `msg`, `func`, `file`,
    /// `field_error`.
    fn config_name(self) -> &'static str {
        match self {
            FieldKey::FieldError => "field_error",
            key => key.default_name(),
        }
    }
}

impl<'de> serde::Deserialize<'de> for FieldMap {
    /// From a map of fixed keys by their configuration names (`time`, `level`, `msg`,
    /// `func`, `file`, `field_error`) to the names to write them as.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let renames = std::collections::BTreeMap::<String, String>::deserialize(deserializer)?;
        renames
            .iter()
            .try_fold(FieldMap::new(), |map, (key, name)| {
                let key = FieldKey::ALL
                .into_iter()
                .find(|k| k.config_name() == key)
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown key {key:?} (expected time, level, msg, func, file or field_error)"
                    ))
                })?;
                Ok(map.rename(key, name))
            })
    }
}

impl Default for FieldMap {
    fn default() -> FieldMap {
        let names = FieldKey::ALL.map(|key| Cow::Borrowed(key.default_name()));
        let marks = std::array::from_fn(|i| match names.get(i) {
            Some(name) => KeyMark::of(name),
            None => KeyMark::of(EXTRA_KEYS[i - names.len()]),
        });
        FieldMap {
            filter: filter(&marks),
            marks,
            names,
        }
    }
}
