//! The bound on how deeply a JSON field value may nest: serialising, formatting, cloning
//! and dropping a value all recurse once per level, so a value nested 10,000 deep would
//! overflow the stack. Deeper values become [`Value::Invalid`](super::Value::Invalid).

use std::io;

use serde::Serialize;

/// The most levels of arrays and objects a field value may have: well under serde_json's
/// parsing bound of 128, so the record around it reads back with the usual parsers.
pub(crate) const MAX_DEPTH: usize = 100;

/// The reason a value too deep is refused.
pub(crate) const TOO_DEEP: &str = "nested deeper than 100 levels of arrays and objects";

/// Whether `value` serialises within [`MAX_DEPTH`] levels; serialisation stops at the
/// first level past it, so the check itself never recurses deeper.
pub(crate) fn serializes_within_bound(value: &impl Serialize) -> bool {
    let mut counter = serde_json::Serializer::with_formatter(io::sink(), DepthLimit(0));
    match value.serialize(&mut counter) {
        Ok(()) => true,
        // Other errors are for `serde_json::to_value` to report.
        Err(e) => !e.is_io(),
    }
}

/// Whether `value` nests within [`MAX_DEPTH`] levels, found without recursion.
pub(crate) fn within_bound(value: &serde_json::Value) -> bool {
    let mut stack = vec![(value, 1)];
    while let Some((value, depth)) = stack.pop() {
        match value {
            serde_json::Value::Array(items) if depth <= MAX_DEPTH => {
                stack.extend(items.iter().map(|child| (child, depth + 1)));
            }
            serde_json::Value::Object(map) if depth <= MAX_DEPTH => {
                stack.extend(map.values().map(|child| (child, depth + 1)));
            }
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => return false,
            _ => {}
        }
    }
    true
}

/// Drops `value` without recursion, however deep it is.
pub(crate) fn drop_flat(value: serde_json::Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Array(items) => stack.extend(items),
            serde_json::Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// serde_json's compact output, failing with an I/O error at the first array or object
/// past [`MAX_DEPTH`] levels.
struct DepthLimit(usize);

impl DepthLimit {
    fn enter(&mut self) -> io::Result<()> {
        self.0 += 1;
        match self.0 > MAX_DEPTH {
            true => Err(io::Error::other(TOO_DEEP)),
            false => Ok(()),
        }
    }
}

impl serde_json::ser::Formatter for DepthLimit {
    fn begin_array<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.enter()
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.0 -= 1;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.enter()
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.0 -= 1;
        Ok(())
    }
}
