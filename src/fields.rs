//! `Fields`: the ordered key-value pairs a record carries.

use std::fmt;

use indexmap::IndexMap;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::value::{SharedStr, Value};

/// A field key: a `&'static str` (no allocation) or a `String` (shared once built).
pub type Key = SharedStr;

/// Fields are hashed with foldhash: keys are short and SipHash would cost more than the
/// rest of an insert.
type Hasher = foldhash::fast::RandomState;

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
#[derive(Clone, Default, PartialEq)]
pub struct Fields {
    map: IndexMap<Key, Value, Hasher>,
}

impl Fields {
    /// An empty map; does not allocate until the first insert.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// An empty map with room for `capacity` fields.
    pub fn with_capacity(capacity: usize) -> Fields {
        Fields {
            map: IndexMap::with_capacity_and_hasher(capacity, Hasher::default()),
        }
    }

    /// Inserts a field. A new key goes last; an existing key keeps its place and its old
    /// value is returned. Allocates only when the map must grow or the key or value owns
    /// a `String`.
    pub fn insert(&mut self, key: impl Into<Key>, value: impl Into<Value>) -> Option<Value> {
        self.map.insert(key.into(), value.into())
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    /// A mutable reference to the value of `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.map.get_mut(key)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Removes `key` and returns its value; the other fields keep their order (O(n)).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.map.shift_remove(key)
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Removes every field, keeping the allocated capacity.
    pub fn clear(&mut self) {
        self.map.clear()
    }

    /// The fields in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> + Clone {
        self.map.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The values in insertion order, mutably.
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Value> {
        self.map.values_mut()
    }

    /// Sorts the fields by key (stable).
    pub fn sort_keys(&mut self) {
        self.map.sort_keys()
    }

    /// The field at `index` in insertion order.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    pub(crate) fn at(&self, index: usize) -> (&str, &Value) {
        let (k, v) = self.map.get_index(index).expect("field index in bounds");
        (k.as_str(), v)
    }

    /// Makes `self` a copy of `other`, reusing `self`'s allocations. (`clone_from` would
    /// reallocate the index table whenever the two tables differ in size.)
    pub(crate) fn copy_from(&mut self, other: &Fields) {
        self.map.clear();
        self.map
            .extend(other.map.iter().map(|(k, v)| (k.clone(), v.clone())));
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
    type IntoIter = indexmap::map::IntoIter<Key, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter()
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
