//! Events emitted through [`tracing`](https://docs.rs/tracing) (by tokio, hyper, tower,
//! reqwest, sqlx, your own code) become hooklog records: through the logger's filter, its
//! hooks and its formatter.
//!
//! ```
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! let (logger, hook) = hooklog_test::null_logger();
//! let subscriber = tracing_subscriber::registry().with(hooklog_tracing::layer(logger));
//! tracing::subscriber::with_default(subscriber, || {
//!     let span = tracing::info_span!("request", id = 7);
//!     let _entered = span.enter();
//!     tracing::warn!(attempt = 2, "slow upstream");
//! });
//! let record = hook.last().unwrap();
//! assert_eq!(record.message(), "slow upstream");
//! assert_eq!(record.fields().get("id").and_then(|v| v.as_u64()), Some(7));
//! assert_eq!(record.fields().get("attempt").and_then(|v| v.as_u64()), Some(2));
//! ```
//!
//! What an event becomes:
//!
//! | tracing | hooklog |
//! |---|---|
//! | `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR` | `Trace`, `Debug`, `Info`, `Warn`, `Error` |
//! | the `message` field | the message |
//! | other fields | fields, typed: integers, floats, booleans and strings as they are; `?` and `%` values as their text; errors (`as &dyn Error`) with their causes ([`Value::error`](hooklog::Value::error)) |
//! | the fields of the spans the event is in | fields too, outermost span first, before the event's own |
//! | the target | the record's [target](hooklog::Entry::target), which the logger's filter chooses by |
//! | file and line | the caller, when the logger reports callers |
//!
//! | the OpenTelemetry context of the event's span (feature `opentelemetry`, with `tracing-opentelemetry`'s layer) | the record's [trace context](hooklog::TraceContext): `trace_id` and `span_id` in every formatter, the OTLP record's own fields in `hooklog-otlp` |
//!
//! On a name clash the innermost value wins, keeping the place of the outermost: an event
//! field over a span field, an inner span's over an outer span's.
//!
//! The layer filters for the whole subscriber: an event or span the logger's filter drops
//! is disabled (and costs what a disabled tracing call costs), and a change of filter takes
//! effect at once. To combine it with other layers that should see more, give it a
//! per-layer filter with `Layer::with_filter`.

#![warn(missing_docs)]

use std::fmt;

use hooklog::{Caller, Fields, Key, Level, Logger, Value};
use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::subscriber::Interest;
use tracing_core::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

#[cfg(feature = "opentelemetry")]
mod otel;

/// A layer sending events to `logger`.
pub fn layer(logger: Logger) -> HooklogLayer {
    HooklogLayer {
        logger: Some(logger),
        #[cfg(feature = "opentelemetry")]
        dispatch: Default::default(),
    }
}

/// A layer sending events to the global logger of the moment ([`hooklog::logger`]), so a
/// later [`hooklog::set_global`] redirects them too.
pub fn global_layer() -> HooklogLayer {
    HooklogLayer {
        logger: None,
        #[cfg(feature = "opentelemetry")]
        dispatch: Default::default(),
    }
}

/// The layer [`layer`] and [`global_layer`] make.
#[derive(Clone, Debug)]
pub struct HooklogLayer {
    /// The logger; `None` for the global one.
    logger: Option<Logger>,
    /// The subscriber the layer is part of, where `tracing-opentelemetry` keeps the spans'
    /// contexts.
    #[cfg(feature = "opentelemetry")]
    dispatch: std::sync::OnceLock<tracing_core::dispatcher::WeakDispatch>,
}

impl HooklogLayer {
    fn logger(&self) -> &Logger {
        self.logger.as_ref().unwrap_or_else(|| hooklog::logger())
    }
}

/// The fields of a span, kept in its extensions.
struct SpanFields(Fields);

impl<S> Layer<S> for HooklogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    /// Asks [`enabled`](Layer::enabled) every time: the logger's filter may change.
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        self.logger()
            .is_enabled_for(level(metadata.level()), metadata.target())
    }

    #[cfg(feature = "opentelemetry")]
    fn on_register_dispatch(&self, subscriber: &tracing_core::Dispatch) {
        let _ = self.dispatch.set(subscriber.downgrade());
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut fields = Fields::new();
        attrs.record(&mut FieldVisitor {
            fields: &mut fields,
            message: None,
        });
        span.extensions_mut().insert(SpanFields(fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(fields)) = extensions.get_mut::<SpanFields>() {
            values.record(&mut FieldVisitor {
                fields,
                message: None,
            });
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let logger = self.logger();
        let Some(mut record) =
            logger.build_record(level(metadata.level()), Key::from_static(metadata.target()))
        else {
            return;
        };
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(fields)) = span.extensions().get::<SpanFields>() {
                    for (key, value) in fields.entries() {
                        record.fields_mut().insert(key.clone(), value.clone());
                    }
                }
            }
        }
        let mut message = std::mem::take(record.message_mut());
        event.record(&mut FieldVisitor {
            fields: record.fields_mut(),
            message: Some(&mut message),
        });
        *record.message_mut() = message;
        let record = match metadata.file() {
            Some(file) => record.caller(Caller::at(
                file,
                metadata.line().unwrap_or(0),
                metadata.module_path(),
            )),
            None => record,
        };
        #[cfg(feature = "opentelemetry")]
        let record = match ctx
            .event_span(event)
            .and_then(|span| otel::trace_context(self.dispatch.get()?, &span.id()))
        {
            Some(trace) => record.trace_context(trace),
            None => record,
        };
        record.log();
    }
}

/// The hooklog level of a tracing level.
pub fn level(level: &tracing_core::Level) -> Level {
    match *level {
        tracing_core::Level::TRACE => Level::Trace,
        tracing_core::Level::DEBUG => Level::Debug,
        tracing_core::Level::INFO => Level::Info,
        tracing_core::Level::WARN => Level::Warn,
        tracing_core::Level::ERROR => Level::Error,
    }
}

/// Records tracing fields as hooklog fields, and the `message` field as the message.
struct FieldVisitor<'a> {
    fields: &'a mut Fields,
    /// Where the message goes; `None` for a span's fields (a span has no message).
    message: Option<&'a mut String>,
}

impl FieldVisitor<'_> {
    fn insert(&mut self, field: &Field, value: Value) {
        self.fields.insert(Key::from_static(field.name()), value);
    }
}

impl Visit for FieldVisitor<'_> {
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, Value::I64(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, Value::U64(value));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.insert(field, Value::from(value));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.insert(field, Value::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.insert(field, Value::F64(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, Value::Bool(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match &mut self.message {
            Some(message) if field.name() == "message" => message.push_str(value),
            _ => self.insert(field, Value::from(value)),
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.insert(field, Value::error(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match &mut self.message {
            // The message is `format_args!`, whose `Debug` is its text.
            Some(message) if field.name() == "message" => {
                let _ = fmt::Write::write_fmt(&mut **message, format_args!("{value:?}"));
            }
            _ => self.insert(field, Value::debug(value)),
        }
    }
}
