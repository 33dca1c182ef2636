//! `Fields`: the ordered key-value pairs a record carries.

#![allow(
    unsafe_code,
    reason = "clearing and copying slots that own no heap memory without drop glue"
)]

use std::fmt;

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::value::{SharedStr, Value, write_text};

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
    slots: Vec<Slot>,
    /// Positions of the keys in `slots`, kept once there are more than `SCAN_LIMIT`.
    index: Option<HashMap<Key, usize, foldhash::fast::RandomState>>,
    /// Whether some key or value may own heap memory. While it is false, [`clear`]
    /// forgets the slots instead of dropping them one by one.
    ///
    /// [`clear`]: Fields::clear
    owns_heap: bool,
    /// Whether some value may be [`Value::Invalid`]; while it is false, formatters need
    /// not look for one.
    may_be_invalid: bool,
}

/// One field, with what is known of its key.
#[derive(Clone, PartialEq)]
pub(crate) struct Slot {
    key: Key,
    value: Value,
    mark: KeyMark,
}

impl Slot {
    /// A field with a static key and its mark.
    #[inline(always)]
    pub(crate) fn new_static(key: &'static str, mark: KeyMark, value: Value) -> Slot {
        Slot {
            key: Key::from_static(key),
            value,
            mark,
        }
    }
}

/// Room for one more field at the end of a [`Fields`], for a field whose key is new (a
/// macro's literal keys after [`Fields::reserve_new`]). Not part of the public API.
///
/// The field is written where it goes, part by part, its value computed only once the
/// room is there: a field built whole on the stack and then moved was read back with
/// wider loads than it was stored with, which the processor cannot forward from its
/// stores, and that wait took a quarter of a fields10 record's time.
#[doc(hidden)]
pub struct Spare<'a>(&'a mut Fields);

impl<'a> Spare<'a> {
    /// Writes the field `key` (static, its mark `mark`) into the room, its value a copy of
    /// the text `s` made there.
    #[inline(always)]
    pub(crate) fn push_text(self, key: &'static str, mark: KeyMark, s: &str) {
        if s.len() > SharedStr::INLINE {
            self.push(key, mark, Value::from(s));
            return;
        }
        if let Value::Str(text) = self.push(key, mark, Value::Str(SharedStr::EMPTY_INLINE)) {
            text.push_inline(s);
        }
    }

    /// Writes the field `key` (static, its mark `mark`) into the room, its value the text
    /// `args` make (`failed` if a `Display` or `Debug` fails), written there.
    #[inline(always)]
    pub(crate) fn push_written(
        self,
        key: &'static str,
        mark: KeyMark,
        args: fmt::Arguments<'_>,
        failed: &'static str,
    ) {
        let fields = self.0;
        let at = fields.slots.len();
        Spare(&mut *fields).push(key, mark, Value::Str(SharedStr::EMPTY_INLINE));
        if let Value::Str(text) = &mut fields.slots[at].value {
            write_text(text, args, failed);
            fields.owns_heap |= text.owns_heap();
        }
    }

    /// Writes the field `key` (static, its mark `mark`) with `value` into the room;
    /// returns the value where it now stands.
    #[inline(always)]
    pub(crate) fn push(self, key: &'static str, mark: KeyMark, value: Value) -> &'a mut Value {
        let fields = self.0;
        debug_assert!(fields.position_by(key, mark.fingerprint).is_none());
        fields.owns_heap |= value.owns_heap();
        fields.may_be_invalid |= value.is_invalid();
        let len = fields.slots.len();
        // SAFETY: `Fields::spare`, the only maker of a `Spare`, left room for one more
        // slot at `len`; every part of it is written before the length takes it in.
        unsafe {
            let slot = fields.slots.as_mut_ptr().add(len);
            (&raw mut (*slot).key).write(Key::from_static(key));
            (&raw mut (*slot).mark).write(mark);
            (&raw mut (*slot).value).write(value);
            fields.slots.set_len(len + 1);
            &mut (*slot).value
        }
    }
}

/// What the logger learns of a key once, when it is inserted (at compile time for a
/// macro's literal keys), rather than for every record it is written in.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyMark {
    /// The key's [`fingerprint`]: a scan compares these words and touches a key only
    /// when its fingerprint matches.
    pub(crate) fingerprint: u64,
    /// Whether JSON writes the key as it is: no byte is escaped, HTML-safe or not.
    pub(crate) json_plain: bool,
    /// Whether logfmt writes the key as it is: not empty, and no byte is replaced.
    pub(crate) logfmt_plain: bool,
    /// Which of the default key rules of [`Redaction`](crate::Redaction) the key matches,
    /// a bit for each (see [`DEFAULT_KEY_RULES`]).
    pub(crate) sensitive: u8,
}

/// The key rules [`Redaction::new`](crate::Redaction::new) starts with, matched without
/// regard to case, `*` standing for any text: bit `i` of a key's mark says it matches
/// rule `i`.
pub(crate) const DEFAULT_KEY_RULES: [&str; 5] = [
    "*password*",
    "*token*",
    "authorization",
    "cookie",
    "set-cookie",
];

/// Which of [`DEFAULT_KEY_RULES`] `key` matches.
const fn sensitivity(key: &[u8]) -> u8 {
    let mut bits = 0;
    if contains_ignoring_case(key, b"password") {
        bits |= 1;
    }
    if contains_ignoring_case(key, b"token") {
        bits |= 2;
    }
    if equal_ignoring_case(key, b"authorization") {
        bits |= 4;
    }
    if equal_ignoring_case(key, b"cookie") {
        bits |= 8;
    }
    if equal_ignoring_case(key, b"set-cookie") {
        bits |= 16;
    }
    bits
}

/// Whether `key` equals `lower` (lower case) but for the case of ASCII letters.
const fn equal_ignoring_case(key: &[u8], lower: &[u8]) -> bool {
    key.len() == lower.len() && starts_ignoring_case(key, 0, lower)
}

/// Whether `key` holds `lower` (lower case) but for the case of ASCII letters.
const fn contains_ignoring_case(key: &[u8], lower: &[u8]) -> bool {
    let mut at = 0;
    while at + lower.len() <= key.len() {
        if starts_ignoring_case(key, at, lower) {
            return true;
        }
        at += 1;
    }
    false
}

/// Whether `key[at..]` starts with `lower` but for the case of ASCII letters.
const fn starts_ignoring_case(key: &[u8], at: usize, lower: &[u8]) -> bool {
    let mut i = 0;
    while i < lower.len() {
        if key[at + i].to_ascii_lowercase() != lower[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A word summarising `key`: its length and its first eight bytes (overlapping loads for
/// shorter keys). Equal keys have equal fingerprints; unequal keys rarely do.
#[inline]
pub(crate) const fn fingerprint(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let n = bytes.len();
    let head = if let Some(first) = bytes.first_chunk::<8>() {
        u64::from_le_bytes(*first)
    } else if n >= 4 {
        let lo = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as u64;
        let hi = u32::from_le_bytes([bytes[n - 4], bytes[n - 3], bytes[n - 2], bytes[n - 1]]);
        lo | ((hi as u64) << 32)
    } else {
        let mut word = 0;
        let mut i = 0;
        while i < n {
            word = (word << 8) | bytes[i] as u64;
            i += 1;
        }
        word
    };
    head ^ (n as u64).rotate_right(8)
}

/// Bit 1: JSON escapes this byte (HTML-safe or not). Bit 2: logfmt replaces it in a key.
/// Bit 4: a byte every key a default redaction rule names has one of (`w` of `password`,
/// `k` of `token` and `cookie`, `z` of `authorization`), in either case.
const KEY_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        // 0xC2 may start a C1 control (U+0080 .. U+009F): escaped in JSON, `_` in logfmt.
        if c < b' ' || matches!(c, b'"' | b'\\' | 0x7f | 0xc2 | b'<' | b'>' | b'&') {
            table[b] |= 1;
        }
        if c <= b' ' || matches!(c, b'=' | b'"' | 0x7f | 0xc2) {
            table[b] |= 2;
        }
        if matches!(c.to_ascii_lowercase(), b'w' | b'k' | b'z') {
            table[b] |= 4;
        }
        b += 1;
    }
    table
};

impl KeyMark {
    /// The mark of `key`.
    pub const fn of(key: &str) -> KeyMark {
        let bytes = key.as_bytes();
        let mut flags = 0;
        let mut i = 0;
        while i < bytes.len() {
            flags |= KEY_BYTES[bytes[i] as usize];
            i += 1;
        }
        KeyMark {
            fingerprint: fingerprint(key),
            json_plain: flags & 1 == 0,
            logfmt_plain: flags & 2 == 0 && !bytes.is_empty(),
            // Most keys have none of the bytes the rules need, and skip the scan.
            sensitive: if flags & 4 == 0 {
                0
            } else {
                sensitivity(bytes)
            },
        }
    }
}

impl Fields {
    /// An empty map; does not allocate until the first insert.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// An empty map with room for `capacity` fields.
    pub fn with_capacity(capacity: usize) -> Fields {
        Fields {
            slots: Vec::with_capacity(capacity),
            ..Fields::default()
        }
    }

    /// Inserts a field. A new key goes last; an existing key keeps its place and its old
    /// value is returned. Allocates only when the map must grow or the key or value owns
    /// a `String`.
    pub fn insert(&mut self, key: impl Into<Key>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        let mark = KeyMark::of(&key);
        self.insert_by(key, mark, value.into())
    }

    /// [`insert`](Fields::insert) with the key's mark already known.
    #[inline]
    pub(crate) fn insert_by(&mut self, key: Key, mark: KeyMark, value: Value) -> Option<Value> {
        match self.position_by(&key, mark.fingerprint) {
            Some(at) => {
                self.owns_heap |= value.owns_heap();
                self.may_be_invalid |= value.is_invalid();
                Some(std::mem::replace(&mut self.slots[at].value, value))
            }
            None => {
                self.push_new(key, mark, value);
                None
            }
        }
    }

    /// When the map is empty and `count` more fields stay within a scan, makes room for
    /// them and returns true: new keys may then be added with [`push_reserved`].
    ///
    /// [`push_reserved`]: Fields::push_reserved
    #[inline]
    pub(crate) fn reserve_new(&mut self, count: usize) -> bool {
        let ok = self.is_empty() && self.index.is_none() && count <= SCAN_LIMIT;
        if ok {
            self.slots.reserve(count);
        }
        ok
    }

    /// Room for one more field, made before its value is computed; see [`Spare`].
    #[inline(always)]
    pub(crate) fn spare(&mut self) -> Spare<'_> {
        if self.slots.len() == self.slots.capacity() {
            self.grow();
        }
        Spare(self)
    }

    #[cold]
    fn grow(&mut self) {
        self.slots.reserve(1);
    }

    /// Inserts `slot` as [`insert`](Fields::insert) does.
    pub(crate) fn insert_slot(&mut self, slot: Slot) {
        self.insert_by(slot.key, slot.mark, slot.value);
    }

    /// Appends a field whose key the caller knows is not present yet.
    #[inline]
    pub(crate) fn push_new(&mut self, key: Key, mark: KeyMark, value: Value) {
        debug_assert!(self.position_by(&key, mark.fingerprint).is_none());
        self.owns_heap |= key.owns_heap() || value.owns_heap();
        self.may_be_invalid |= value.is_invalid();
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), self.slots.len());
        }
        self.slots.push(Slot { key, value, mark });
        if self.slots.len() > SCAN_LIMIT && self.index.is_none() {
            self.rebuild_index();
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|at| &self.slots[at].value)
    }

    /// A mutable reference to the value of `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let at = self.position(key)?;
        self.owns_heap = true;
        self.may_be_invalid = true;
        Some(&mut self.slots[at].value)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Removes `key` and returns its value; the other fields keep their order (O(n)).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.position(key)?;
        let slot = self.slots.remove(at);
        if self.index.is_some() {
            self.rebuild_index();
        }
        Some(slot.value)
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Removes every field, keeping the allocated capacity.
    // Forgetting slots that own nothing instead of dropping them one by one saves, with
    // the bitwise copy in `copy_from`, what `scripts/instructions` counts as fields10
    // 3,361 -> 3,072 instructions per record (9%) and context10 3,842 -> 2,947 (23%).
    pub fn clear(&mut self) {
        if self.owns_heap {
            self.slots.clear();
        } else {
            // SAFETY: a length of 0 is within the capacity, and no slot owns heap memory,
            // so forgetting the slots instead of dropping them leaks nothing.
            unsafe { self.slots.set_len(0) };
        }
        self.owns_heap = false;
        self.may_be_invalid = false;
        self.index = None;
    }

    /// The fields in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> + Clone {
        self.slots
            .iter()
            .map(|slot| (slot.key.as_str(), &slot.value))
    }

    /// The fields in insertion order with their keys as [`Key`]s, which clone without
    /// allocating (to copy fields into another map).
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&Key, &Value)> + Clone {
        self.slots.iter().map(|slot| (&slot.key, &slot.value))
    }

    /// The values in insertion order, mutably.
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Value> {
        self.owns_heap = true;
        self.may_be_invalid = true;
        self.slots.iter_mut().map(|slot| &mut slot.value)
    }

    /// Sorts the fields by key (stable).
    pub fn sort_keys(&mut self) {
        self.slots.sort_by(|a, b| a.key.cmp(&b.key));
        if self.index.is_some() {
            self.rebuild_index();
        }
    }

    /// The field at `index` in insertion order.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    pub(crate) fn at(&self, index: usize) -> (&str, &Value, KeyMark) {
        let slot = &self.slots[index];
        (slot.key.as_str(), &slot.value, slot.mark)
    }

    /// Makes `self` a copy of `other`, reusing `self`'s allocations (copied bitwise when
    /// no slot owns heap memory: see [`clear`](Fields::clear) for what it saves).
    pub(crate) fn copy_from(&mut self, other: &Fields) {
        self.clear();
        if other.owns_heap {
            self.slots.extend_from_slice(&other.slots);
        } else {
            let n = other.slots.len();
            self.slots.reserve(n);
            // SAFETY: `self.slots` is empty with room for `n` slots, and `other`'s slots own
            // no heap memory (static keys and strings, scalars), so a bitwise copy is
            // exactly what cloning them would make.
            unsafe {
                std::ptr::copy_nonoverlapping(other.slots.as_ptr(), self.slots.as_mut_ptr(), n);
                self.slots.set_len(n);
            }
        }
        self.index.clone_from(&other.index);
        self.owns_heap = other.owns_heap;
        self.may_be_invalid = other.may_be_invalid;
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.position_by(key, fingerprint(key))
    }

    fn position_by(&self, key: &str, fingerprint: u64) -> Option<usize> {
        if let Some(index) = &self.index {
            return index.get(key).copied();
        }
        self.slots
            .iter()
            .position(|slot| slot.mark.fingerprint == fingerprint && slot.key.as_str() == key)
    }

    /// Whether some value may be [`Value::Invalid`] (a field to leave out, with a reason to
    /// report); `false` means none is.
    #[inline]
    pub(crate) fn may_be_invalid(&self) -> bool {
        self.may_be_invalid
    }

    /// Each field with its key and mark, the value mutable: what redaction looks at.
    pub(crate) fn slots_mut(&mut self) -> impl Iterator<Item = (&Key, KeyMark, &mut Value)> {
        self.slots
            .iter_mut()
            .map(|slot| (&slot.key, slot.mark, &mut slot.value))
    }

    /// The fields with each key's mark, so formatters need not look at the key again.
    pub(crate) fn iter_keys(&self) -> impl Iterator<Item = (&str, &Value, KeyMark)> {
        self.slots
            .iter()
            .map(|slot| (slot.key.as_str(), &slot.value, slot.mark))
    }

    fn rebuild_index(&mut self) {
        let index = self.index.get_or_insert_with(HashMap::default);
        index.clear();
        index.extend(
            self.slots
                .iter()
                .enumerate()
                .map(|(at, slot)| (slot.key.clone(), at)),
        );
    }
}

impl PartialEq for Fields {
    /// Equal when they hold the same fields in the same order.
    fn eq(&self, other: &Fields) -> bool {
        self.iter().eq(other.iter())
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
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter(self.slots.into_iter())
    }
}

/// The fields of a [`Fields`] by value, in insertion order.
pub struct IntoIter(std::vec::IntoIter<Slot>);

impl Iterator for IntoIter {
    type Item = (Key, Value);

    fn next(&mut self) -> Option<(Key, Value)> {
        self.0.next().map(|slot| (slot.key, slot.value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for IntoIter {}

impl DoubleEndedIterator for IntoIter {
    fn next_back(&mut self) -> Option<(Key, Value)> {
        self.0.next_back().map(|slot| (slot.key, slot.value))
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

/// Builds [`Fields`] from `key => value` pairs.
///
/// ```
/// let fields = hooklog::fields! { "user" => "alice", "attempt" => 3 };
/// assert_eq!(fields.len(), 2);
/// ```
#[macro_export]
macro_rules! fields {
    () => { $crate::Fields::new() };
    ($($fields:tt)+) => {{
        let mut fields = $crate::Fields::new();
        {
            let fields = &mut fields;
            $crate::__fields!(@literal fields [] $($fields)+);
        }
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
