//! `Params`: the string settings outputs are built from, merged in priority order.

use std::collections::BTreeMap;
use std::fmt;

/// String parameters for building outputs: a file name, a request id, a path.
///
/// A group's outputs are built from the merge of three sets, later ones winning: the
/// factory's base params, the group's params, then the output's own params.
///
/// ```
/// use hooklog_group::Params;
///
/// let base = Params::new().with("dir", "logs").with("name", "app");
/// let group = Params::new().with("name", "request").with("id", "r-1");
/// let output = Params::new().with("dir", "logs/requests");
/// let merged = base.merged(&group).merged(&output);
/// assert_eq!(merged.get("dir"), Some("logs/requests"));
/// assert_eq!(merged.get("name"), Some("request"));
/// assert_eq!(merged.get("id"), Some("r-1"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// No params.
    pub fn new() -> Params {
        Params::default()
    }

    /// Adds or replaces `key`.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl fmt::Display) -> Params {
        self.insert(key, value);
        self
    }

    /// Adds or replaces `key`.
    pub fn insert(&mut self, key: impl Into<String>, value: impl fmt::Display) {
        self.values.insert(key.into(), value.to_string());
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// The value of `key` made safe as one path component (see
    /// [`hooklog_file::sanitize_component`]): for file and directory names built from
    /// request data. A missing key gives `_`.
    pub fn component(&self, key: &str) -> String {
        hooklog_file::sanitize_component(self.get(key).unwrap_or(""))
    }

    /// `self` overridden by `other`.
    #[must_use]
    pub fn merged(&self, other: &Params) -> Params {
        let mut merged = self.clone();
        merged
            .values
            .extend(other.values.iter().map(|(k, v)| (k.clone(), v.clone())));
        merged
    }

    /// The params in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
