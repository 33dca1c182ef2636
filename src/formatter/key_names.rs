//! The names fields are written under when their keys cannot be written as they are, so
//! that no record ever carries a key twice.
//!
//! A key is renamed when it clashes with a fixed key (`level` becomes `fields.level`, as in
//! logrus) or when the text formatter must replace bytes in it (`user id` becomes
//! `user_id`). The new name then gets `fields.` in front, again and again, until it
//! differs from every fixed key, every other field's key and every name given before in
//! the same record: `level` next to a field `fields.level` is written
//! `fields.fields.level`. Keys written as they are never change.

use std::cell::RefCell;

use super::FieldMap;
use super::field_map::Present;
use crate::fields::{Fields, KeyMark};
use crate::scratch;

/// Renames the fields of one record that need it; made for the first field of a record
/// that does.
pub(crate) struct Renamer<'a> {
    /// What a new name must differ from.
    record: Taken<'a>,
    /// Whether this record renamed a field yet (and so owns this thread's `RENAMES`).
    started: bool,
}

/// The names a record already has: its fixed keys (`present` says which are written) and
/// its fields' keys.
#[derive(Clone, Copy)]
struct Taken<'a> {
    map: &'a FieldMap,
    fields: &'a Fields,
    present: Present,
}

impl<'a> Renamer<'a> {
    /// A renamer for the record whose fixed keys are named by `map` (those `present`) and
    /// whose fields are `fields`.
    pub(crate) fn new(map: &'a FieldMap, fields: &'a Fields, present: Present) -> Renamer<'a> {
        Renamer {
            record: Taken {
                map,
                fields,
                present,
            },
            started: false,
        }
    }

    /// Writes, with `write`, the name the field `key` is written under, given that it
    /// `clashes` with a fixed key or (`sanitize`) the text formatter must replace bytes
    /// in it.
    pub(crate) fn write_name(
        &mut self,
        write: impl FnOnce(&str),
        key: &str,
        clashes: bool,
        sanitize: bool,
    ) {
        scratch::with(&RENAMES, |renames| {
            if !self.started {
                renames.names.clear();
                renames.ends.clear();
                self.started = true;
            }
            write(renames.name(self.record, key, clashes, sanitize));
        });
    }
}

/// The names given to renamed fields of one record, in the order given.
#[derive(Default)]
struct Renames {
    /// The names, one after another.
    names: String,
    /// Where each name ends in `names`.
    ends: Vec<usize>,
}

thread_local! {
    static RENAMES: RefCell<Renames> = const {
        RefCell::new(Renames {
            names: String::new(),
            ends: Vec::new(),
        })
    };
}

impl Renames {
    /// The name the field `key` of `record` is written under (see
    /// [`Renamer::write_name`]).
    fn name(&mut self, record: Taken<'_>, key: &str, clashes: bool, sanitize: bool) -> &str {
        let start = self.names.len();
        if clashes {
            self.names.push_str("fields.");
        }
        if sanitize {
            push_sanitized(&mut self.names, key);
        } else {
            self.names.push_str(key);
        }
        while self.taken(record, key, start) {
            self.names.insert_str(start, "fields.");
        }
        self.ends.push(self.names.len());
        &self.names[start..]
    }

    /// Whether the name from `start` on is a fixed key's, another field's or one given
    /// before.
    fn taken(&self, record: Taken<'_>, key: &str, start: usize) -> bool {
        let name = &self.names[start..];
        let mut given_start = 0;
        let given_before = self.ends.iter().any(|&end| {
            let given = &self.names[given_start..end];
            given_start = end;
            given == name
        });
        // The field's own key is not taken: its key may be written as it is (`£` needs no
        // replacing, though keys with bytes that start C1 controls are checked).
        let other_field = record.fields.contains_key(name) && name != key;
        given_before || other_field || record.map.clashes(name, KeyMark::of(name), record.present)
    }
}

/// Writes a key for text output: logfmt has no quoted keys, so space, `=`, `"` and control
/// characters (C0, DEL, C1) become `_`, and an empty key is written as `_`.
pub(crate) fn write_key(buf: &mut Vec<u8>, key: &str) {
    for c in sanitized(key) {
        buf.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

/// Appends `key` as a logfmt key (see [`sanitized`]).
fn push_sanitized(out: &mut String, key: &str) {
    out.extend(sanitized(key));
}

/// `key` as a logfmt key, which has no quotes: space, control characters (C0, DEL and
/// C1), `=` and `"` become `_`, and an empty key is `_`.
fn sanitized(key: &str) -> impl Iterator<Item = char> + '_ {
    let empty = key.is_empty().then_some('_');
    empty.into_iter().chain(key.chars().map(|c| match c {
        c if c <= ' ' || c == '=' || c == '"' || ('\u{7f}'..='\u{9f}').contains(&c) => '_',
        c => c,
    }))
}

#[cfg(test)]
mod tests {
    use super::write_key;
    use crate::text::escape::write_escaped;

    /// A key marked plain is one the writers would leave as it is.
    #[test]
    fn key_marks_agree_with_the_writers() {
        let keys = (0..=0x7fu8)
            .map(|b| format!("k{}y", b as char))
            .chain(["", "é", "✓ key", "a=b", "<tag>", "plain_key.1"].map(String::from));
        for key in keys {
            let mark = crate::fields::KeyMark::of(&key);
            let mut json = Vec::new();
            write_escaped(&mut json, &key, true);
            assert_eq!(mark.json_plain, json == key.as_bytes(), "{key:?}");
            let mut logfmt = Vec::new();
            write_key(&mut logfmt, &key);
            assert_eq!(mark.logfmt_plain, logfmt == key.as_bytes(), "{key:?}");
        }
    }
}
