//! Formatters turn a record into bytes: [`TextFormatter`] (logfmt, optionally coloured)
//! and [`JsonFormatter`] (one object per line).

mod append;
mod escape;
mod field_map;
mod json;
mod key_names;
pub(crate) mod number;
mod pretty;
mod scan;
mod text;
mod time;

pub use field_map::{FieldKey, FieldMap};
pub use json::JsonFormatter;
pub use text::TextFormatter;
pub use time::TimestampFormat;

use crate::entry::Entry;
use crate::error::Error;

/// Turns a record into bytes.
///
/// # For implementors
///
/// `format` is called once per record, after the hooks, outside the out's lock and
/// possibly on several threads at once. It appends exactly one record, ending in `'\n'`,
/// to `buf`, which arrives empty and is reused afterwards; allocate nothing per record if
/// you can. The logger writes `buf` to the out in one `write_all`. An error is reported on
/// stderr and the record is not written, so prefer writing what you can.
///
/// ```
/// use hooklog::{Entry, Error, Formatter, Logger, MemoryOut};
///
/// /// `LEVEL message` and nothing else.
/// struct Bare;
///
/// impl Formatter for Bare {
///     fn format(&self, entry: &Entry, buf: &mut Vec<u8>) -> Result<(), Error> {
///         buf.extend_from_slice(entry.level().as_str().to_uppercase().as_bytes());
///         buf.push(b' ');
///         buf.extend_from_slice(entry.message().as_bytes());
///         buf.push(b'\n');
///         Ok(())
///     }
/// }
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().formatter(Bare).out(out.clone()).build();
/// logger.warn("disk almost full");
/// assert_eq!(out.contents(), b"WARNING disk almost full\n");
/// ```
pub trait Formatter: Send + Sync + 'static {
    /// Appends one record and a `'\n'` to `buf`.
    fn format(&self, entry: &Entry, buf: &mut Vec<u8>) -> Result<(), Error>;
}

impl<F: Formatter + ?Sized> Formatter for std::sync::Arc<F> {
    fn format(&self, entry: &Entry, buf: &mut Vec<u8>) -> Result<(), Error> {
        (**self).format(entry, buf)
    }
}

impl<F: Formatter + ?Sized> Formatter for Box<F> {
    fn format(&self, entry: &Entry, buf: &mut Vec<u8>) -> Result<(), Error> {
        (**self).format(entry, buf)
    }
}

/// What both built-in formatters need to know about a record's fields before writing it:
/// the reason for any field left out.
pub(crate) mod record {
    use std::io::Write;

    use crate::entry::Entry;
    use crate::value::Value;

    /// Writes the reasons of every field that cannot be written, into `buf`; returns
    /// whether there were any.
    #[inline]
    pub(crate) fn field_errors(entry: &Entry, buf: &mut Vec<u8>) -> bool {
        let invalid = |(_, value): (&str, &Value)| matches!(value, Value::Invalid(_));
        if !entry.fields().iter().any(invalid) {
            return false;
        }
        write_field_errors(entry, buf);
        true
    }

    #[cold]
    fn write_field_errors(entry: &Entry, buf: &mut Vec<u8>) {
        let mut any = false;
        for (key, value) in entry.fields().iter() {
            if let Value::Invalid(reason) = value {
                if any {
                    buf.extend_from_slice(b"; ");
                }
                let _ = write!(buf, "can not add field {key:?}: {reason}");
                any = true;
            }
        }
    }
}
