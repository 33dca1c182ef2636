//! `RecordBuilder`: a record a bridge from another logging framework fills, then logs.

use std::fmt;

use super::Shared;
use crate::caller::Caller;
use crate::fields::Fields;
use crate::level::Level;
use crate::pool::Pooled;
use crate::trace::TraceContext;

/// A record a bridge fills from another framework's event and then logs, as the `log`
/// and `tracing` bridges do: made by [`Logger::build_record`](crate::Logger::build_record)
/// once the level and target passed the filter, with pooled storage (filling it allocates
/// nothing once warm).
///
/// ```
/// use hooklog::{Level, Logger, MemoryOut};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).formatter(hooklog::TextFormatter::new().disable_timestamp(true).report_target(true)).build();
/// if let Some(mut record) = logger.build_record(Level::Warn, "other_framework") {
///     record.fields_mut().insert("attempt", 3);
///     record.message_mut().push_str("retrying");
///     record.log();
/// }
/// assert_eq!(out.contents(), b"level=warning msg=retrying target=other_framework attempt=3\n");
/// ```
#[must_use = "a built record is logged by `log`"]
pub struct RecordBuilder<'a> {
    logger: &'a Shared,
    level: Level,
    data: Pooled,
    caller: Option<Caller>,
}

impl<'a> RecordBuilder<'a> {
    pub(super) fn new(logger: &'a Shared, level: Level, data: Pooled) -> RecordBuilder<'a> {
        RecordBuilder {
            logger,
            level,
            data,
            caller: None,
        }
    }

    /// The record's fields.
    pub fn fields_mut(&mut self) -> &mut Fields {
        &mut self.data.fields
    }

    /// The record's message, empty to start with.
    pub fn message_mut(&mut self) -> &mut String {
        &mut self.data.message
    }

    /// Where the record was logged, reported when the logger reports callers.
    pub fn caller(mut self, caller: Caller) -> Self {
        self.caller = Some(caller);
        self
    }

    /// The trace the record belongs to (a `tracing` span's OpenTelemetry context, say).
    pub fn trace_context(mut self, context: TraceContext) -> Self {
        self.data.trace = Some(context);
        self
    }

    /// Logs the record: hooks, formatter, out. At [`Level::Panic`] it then panics, at
    /// [`Level::Fatal`] it exits, as every record does.
    pub fn log(self) {
        let data = self.logger.dispatch(self.data, self.level, self.caller);
        self.logger.act(self.level, &data.message);
    }
}

impl fmt::Debug for RecordBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordBuilder")
            .field("level", &self.level)
            .field("target", &self.data.target)
            .field("fields", &self.data.fields)
            .finish_non_exhaustive()
    }
}
