//! What a record could not carry as asked: a timestamp pattern that failed, fields that
//! could not be written. The built-in formatters write it under `hooklog_error`.

use std::fmt::Write as _;

use crate::entry::Entry;
use crate::value::Value;

/// Why parts of `entry`'s record are not written as asked: `stamp_error` (the timestamp
/// pattern's), then every field left out, joined with `; `. `None`, the common case,
/// costs two tests and allocates nothing.
#[inline]
pub(crate) fn problems(entry: &Entry, stamp_error: Option<&str>) -> Option<String> {
    if stamp_error.is_none() && !entry.fields().may_be_invalid() {
        return None;
    }
    let text = describe(entry, stamp_error);
    (!text.is_empty()).then_some(text)
}

#[cold]
fn describe(entry: &Entry, stamp_error: Option<&str>) -> String {
    let mut text = String::from(stamp_error.unwrap_or_default());
    for (key, value) in entry.fields().iter() {
        if let Value::Invalid(reason) = value {
            if !text.is_empty() {
                text.push_str("; ");
            }
            let _ = write!(text, "can not add field {key:?}: {reason}");
        }
    }
    text
}
