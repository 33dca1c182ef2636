//! `Fields`: the ordered key-value pairs a record carries.

use std::fmt;

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::value::{SharedStr, Value, fingerprint};

/// A field key: a `&'static str` (no allocation) or a `String` (shared once built).
pub type Key = SharedStr;

/// Up to this many fields, a key is found by scanning, which for records of a dozen
/// fields is several times faster than hashing; past it, a hash index keeps lookups O(1).
const SCAN_LIMIT: usize = 32;

/// An ordered map of fields: iteration follows insertion order, and inserting an
/// existing key replaces its value in place.
///
/// ```
/// use hooklog::Fields;
///
/// let mut fields = Fields::new();
/// fields.insert("user", "alice");
/// fields.insert("attempt", 3);
/// fields.insert("user", "bob");
/// let keys: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
/// assert_eq!(keys, ["user", "attempt"]);
/// assert_eq!(fields.get("user").and_then(|v| v.as_str()), Some("bob"));
/// ```
#[derive(Clone, Default)]
pub struct Fields {
    entries: Vec<(Key, Value)>,
    /// The [`fingerprint`] of each key, in step with `entries`: a scan compares these
    /// words and touches a key only when its fingerprint matches.
    fingerprints: Vec<u64>,
    /// Positions of the keys in `entries`, kept once there are more than `SCAN_LIMIT`.
    index: Option<HashMap<Key, usize, foldhash::fast::RandomState>>,
}

impl Fields {
    /// An empty map; does not allocate until the first insert.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// An empty map with room for `capacity` fields.
    pub fn with_capacity(capacity: usize) -> Fields {
        Fields {
            entries: Vec::with_capacity(capacity),
            fingerprints: Vec::with_capacity(capacity),
            index: None,
        }
    }

    /// Inserts a field. A new key goes last; an existing key keeps its place and its old
    /// value is returned. Allocates only when the map must grow or the key or value owns
    /// a `String`.
    pub fn insert(&mut self, key: impl Into<Key>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        let value = value.into();
        let fingerprint = fingerprint(&key);
        match self.position_by(&key, fingerprint) {
            Some(at) => Some(std::mem::replace(&mut self.entries[at].1, value)),
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(key.clone(), self.entries.len());
                }
                self.entries.push((key, value));
                self.fingerprints.push(fingerprint);
                if self.index.is_none() && self.entries.len() > SCAN_LIMIT {
                    self.rebuild_index();
                }
                None
            }
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|at| &self.entries[at].1)
    }

    /// A mutable reference to the value of `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(|at| &mut self.entries[at].1)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Removes `key` and returns its value; the other fields keep their order (O(n)).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.position(key)?;
        let (_, value) = self.entries.remove(at);
        self.fingerprints.remove(at);
        if self.index.is_some() {
            self.rebuild_index();
        }
        Some(value)
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every field, keeping the allocated capacity.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.fingerprints.clear();
        self.index = None;
    }

    /// The fields in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> + Clone {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The fields in insertion order with their keys as [`Key`]s, which clone without
    /// allocating (to copy fields into another map).
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&Key, &Value)> + Clone {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The values in insertion order, mutably.
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Sorts the fields by key (stable).
    pub fn sort_keys(&mut self) {
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        self.fingerprints.clear();
        self.fingerprints
            .extend(self.entries.iter().map(|(k, _)| fingerprint(k)));
        if self.index.is_some() {
            self.rebuild_index();
        }
    }

    /// The field at `index` in insertion order.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    pub(crate) fn at(&self, index: usize) -> (&str, &Value) {
        let (k, v) = &self.entries[index];
        (k.as_str(), v)
    }

    /// Makes `self` a copy of `other`, reusing `self`'s allocations.
    pub(crate) fn copy_from(&mut self, other: &Fields) {
        self.entries.clone_from(&other.entries);
        self.fingerprints.clone_from(&other.fingerprints);
        self.index.clone_from(&other.index);
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.position_by(key, fingerprint(key))
    }

    fn position_by(&self, key: &str, fingerprint: u64) -> Option<usize> {
        if let Some(index) = &self.index {
            return index.get(key).copied();
        }
        for (at, &f) in self.fingerprints.iter().enumerate() {
            if f == fingerprint && self.entries[at].0.as_str() == key {
                return Some(at);
            }
        }
        None
    }

    /// The fields with each key's fingerprint, so formatters need not compute it again.
    pub(crate) fn iter_keys(&self) -> impl Iterator<Item = (&str, &Value, u64)> {
        self.entries
            .iter()
            .zip(&self.fingerprints)
            .map(|((k, v), &f)| (k.as_str(), v, f))
    }

    fn rebuild_index(&mut self) {
        let index = self.index.get_or_insert_with(HashMap::default);
        index.clear();
        index.extend(
            self.entries
                .iter()
                .enumerate()
                .map(|(at, (k, _))| (k.clone(), at)),
        );
    }
}

impl PartialEq for Fields {
    /// Equal when they hold the same fields in the same order.
    fn eq(&self, other: &Fields) -> bool {
        self.entries == other.entries
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<Key>, V: Into<Value>> FromIterator<(K, V)> for Fields {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Fields {
        let mut fields = Fields::new();
        fields.extend(iter);
        fields
    }
}

impl<K: Into<Key>, V: Into<Value>> Extend<(K, V)> for Fields {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Fields {
    type Item = (Key, Value);
    type IntoIter = std::vec::IntoIter<(Key, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Serialize for Fields {
    /// Serialises as a map in insertion order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for Value {
    /// Serialises as the matching JSON type; non-finite floats become strings and an
    /// [`Value::Invalid`] becomes its reason as a string.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(v) => serializer.serialize_bool(*v),
            Value::I64(v) => serializer.serialize_i64(*v),
            Value::U64(v) => serializer.serialize_u64(*v),
            Value::F64(v) if v.is_finite() => serializer.serialize_f64(*v),
            Value::F64(v) => serializer.collect_str(&Value::F64(*v)),
            Value::Str(s) | Value::Invalid(s) => serializer.serialize_str(s),
            Value::Json(v) => v.serialize(serializer),
        }
    }
}

/// Builds [`Fields`] from `key => value` pairs.
///
/// ```
/// let fields = hooklog::fields! { "user" => "alice", "attempt" => 3 };
/// assert_eq!(fields.len(), 2);
/// ```
#[macro_export]
macro_rules! fields {
    () => { $crate::Fields::new() };
    ($($key:expr => $value:expr),+ $(,)?) => {{
        let mut fields = $crate::Fields::with_capacity($crate::__count!($($key)+));
        $( fields.insert($key, $value); )+
        fields
    }};
}

/// Counts token trees; used by [`fields!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __count {
    () => { 0usize };
    ($head:tt $($tail:tt)*) => { 1usize + $crate::__count!($($tail)*) };
}
