//! `DefaultFields`: fields every record of a logger carries.

use crate::entry::Entry;
use crate::error::Error;
use crate::fields::Fields;

use super::Hook;

/// A hook that adds fields to every record that does not carry a field of the same name
/// already: a service name, a version, a request id for a whole logger. The fields are
/// added after the record's own, and cloning them allocates nothing.
///
/// Add it before other hooks so that they see the fields.
///
/// ```
/// use hooklog::{DefaultFields, Logger, MemoryOut, TextFormatter, fields};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder()
///     .formatter(TextFormatter::new().disable_timestamp(true))
///     .out(out.clone())
///     .hook(DefaultFields::new(fields! { "service" => "shop", "region" => "eu" }))
///     .build();
/// logger.with_field("region", "us").info("served");
/// assert_eq!(out.contents(), b"level=info msg=served region=us service=shop\n");
/// ```
#[derive(Clone, Debug, Default)]
pub struct DefaultFields(Fields);

impl DefaultFields {
    /// A hook adding `fields`.
    pub fn new(fields: Fields) -> DefaultFields {
        DefaultFields(fields)
    }
}

impl Hook for DefaultFields {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let fields = entry.fields_mut();
        for (key, value) in self.0.entries() {
            if !fields.contains_key(key) {
                fields.insert(key.clone(), value.clone());
            }
        }
        Ok(())
    }
}
