//! Renaming the fixed keys of a record.

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldMap {
    names: [Option<Box<str>>; 6],
}

impl FieldMap {
    /// Every key under its default name.
    pub fn new() -> FieldMap {
        FieldMap::default()
    }

    /// Writes `key` as `name`.
    #[must_use]
    pub fn rename(mut self, key: FieldKey, name: &str) -> FieldMap {
        self.names[key.index()] = Some(name.into());
        self
    }

    /// The name `key` is written as.
    pub fn resolve(&self, key: FieldKey) -> &str {
        self.names[key.index()]
            .as_deref()
            .unwrap_or_else(|| key.default_name())
    }
}
