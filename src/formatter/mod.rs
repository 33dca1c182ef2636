//! Formatters turn a record into bytes: [`TextFormatter`] (logfmt, optionally coloured)
//! and [`JsonFormatter`] (one object per line), for a [`Destination`] the writer names.

mod destination;
mod field_map;
mod json;
mod key_names;
mod pretty;
mod problems;
mod text;

pub use destination::Destination;
pub use field_map::{FieldKey, FieldMap};
pub use json::JsonFormatter;
pub(crate) use json::write_json_value;
pub use text::TextFormatter;

use crate::entry::Entry;
use crate::error::Error;

/// Turns a record into bytes.
///
/// # For implementors
///
/// `format` is called once per record and destination, after the hooks, outside the out's
/// lock and possibly on several threads at once. It appends exactly one record, ending in
/// `'\n'`, to `buf`, which arrives empty and is reused afterwards; allocate nothing per
/// record if you can. `dest` is what the bytes are for, as the writer (the logger for its
/// out, a hook for its file or socket) knows it: colour only if
/// [`dest.wants_colors()`](Destination::wants_colors). The logger writes `buf` to the out
/// in one `write_all`. An error is reported on stderr and the record is not written, so
/// prefer writing what you can.
///
/// ```
/// use hooklog::{Destination, Entry, Error, Formatter, Logger, MemoryOut};
///
/// /// `LEVEL message` and nothing else.
/// struct Bare;
///
/// impl Formatter for Bare {
///     fn format(&self, entry: &Entry, _dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
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
    /// Appends one record, written for `dest`, and a `'\n'` to `buf`.
    fn format(&self, entry: &Entry, dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error>;
}

impl<F: Formatter + ?Sized> Formatter for std::sync::Arc<F> {
    fn format(&self, entry: &Entry, dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
        (**self).format(entry, dest, buf)
    }
}

impl<F: Formatter + ?Sized> Formatter for Box<F> {
    fn format(&self, entry: &Entry, dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
        (**self).format(entry, dest, buf)
    }
}
