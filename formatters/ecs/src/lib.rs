//! An [Elastic Common Schema] formatter for hooklog, following the ecs-logging
//! specification, so records arrive in Elasticsearch and Kibana in their native shape.
//!
//! ```text
//! {"@timestamp":"2026-11-22T02:00:00.500Z","log.level":"error","message":"payment failed","ecs.version":"1.6.0","log.logger":"shop::billing","log.origin.file.name":"src/billing.rs","log.origin.file.line":42,"log.origin.function":"shop::billing","error.message":"card declined","service.name":"shop","event.dataset":"shop","labels":{"order":"1042"},"http.request.method":"POST"}
//! ```
//!
//! The spec's fields come first, in its order: `@timestamp` (UTC, milliseconds),
//! `log.level`, `message`, `ecs.version`, then `log.logger`, `log.origin.*` (when the
//! logger reports callers), `trace.id` and `span.id` (when the record has a trace
//! context), `error.message` (from `with_error`), `service.name` and
//! `event.dataset` (configured; the dataset defaults to the service name, as the spec
//! says; a record's own `service.name` or `event.dataset` field wins over the configured
//! one, and stands among the record's ECS fields).
//!
//! Where user fields go: a key with a dot (`http.request.method`, `user.id`,
//! `error.type`) is taken to be an ECS field name and written at the top level with its
//! type kept; any other key goes into `labels`, with `.`, `*` and `\` in the key replaced
//! by `_` (the spec's sanitisation) and its value as a string, because ECS maps `labels` as
//! flat keyword strings. That keeps ECS fields typed and queryable where Kibana expects
//! them, while ad-hoc fields can never collide with an ECS field of another type. A user
//! field named like one of the formatter's own keys goes to `labels` as well. A label key
//! made safe never takes another label's: `_` is appended until it is free (`a*b` next to
//! `a_b` is `a_b_`). Strings are escaped as hooklog's own JSON is ([`hooklog::encode`]):
//! control characters, DEL and the C1 controls never reach the store raw.
//!
//! [Elastic Common Schema]: https://www.elastic.co/guide/en/ecs/current/index.html
//!
//! ```
//! use hooklog::{Logger, MemoryOut};
//! use hooklog_ecs::EcsFormatter;
//!
//! let out = MemoryOut::new();
//! let logger = Logger::builder()
//!     .formatter(EcsFormatter::new().service_name("shop"))
//!     .out(out.clone())
//!     .build();
//! logger.with_field("order", 1042).with_field("http.request.method", "POST").info("paid");
//! let record: serde_json::Value = serde_json::from_slice(&out.contents()).unwrap();
//! assert_eq!(record["labels"]["order"], "1042");
//! assert_eq!(record["http.request.method"], "POST");
//! assert_eq!(record["event.dataset"], "shop");
//! ```

#![warn(missing_docs)]

use std::cell::RefCell;
use std::io::Write as _;

use hooklog::encode::{self, Renames, Zone};
use hooklog::{Destination, Entry, Error, ErrorChain, Fields, Formatter, Value};

/// The ECS version written in `ecs.version`.
pub const ECS_VERSION: &str = "1.6.0";

/// The keys this formatter writes from the record itself; user fields named so go to
/// `labels`.
const OWN_KEYS: [&str; 12] = [
    "@timestamp",
    "log.level",
    "message",
    "ecs.version",
    "log.logger",
    "log.origin.file.name",
    "log.origin.file.line",
    "log.origin.function",
    "error.message",
    "labels",
    "trace.id",
    "span.id",
];

/// Formats records as ECS JSON, one object per line. See the crate docs for the layout.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct EcsFormatter {
    service_name: Option<String>,
    event_dataset: Option<String>,
    logger_name: Option<String>,
}

impl EcsFormatter {
    /// A formatter with no service name.
    pub fn new() -> EcsFormatter {
        EcsFormatter::default()
    }

    /// `service.name`; also the default `event.dataset`.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// `event.dataset` (default: the service name).
    pub fn event_dataset(mut self, dataset: impl Into<String>) -> Self {
        self.event_dataset = Some(dataset.into());
        self
    }

    /// `log.logger` (default: the record's [target](hooklog::Entry::target), else the
    /// caller's module, when known).
    pub fn logger_name(mut self, name: impl Into<String>) -> Self {
        self.logger_name = Some(name.into());
        self
    }
}

/// Whether a user field goes to the top level (an ECS name) rather than `labels`.
fn top_level(key: &str) -> bool {
    key.contains('.') && !OWN_KEYS.contains(&key)
}

/// Whether a user field goes to `labels`.
fn label(key: &str) -> bool {
    key != "error" && !top_level(key)
}

/// Whether `key` stands as a label key as it is: it holds no `.`, `*` or `\`.
fn plain_label(key: &str) -> bool {
    !key.contains(['.', '*', '\\'])
}

/// The `error.stack_trace` of an error chain: its message, a `Caused by:` line for each
/// cause, then the backtrace, if one was captured.
fn stack_trace(chain: &ErrorChain) -> String {
    let mut text = chain.message().to_owned();
    for cause in chain.causes() {
        text.push_str("\nCaused by: ");
        text.push_str(cause);
    }
    if let Some(backtrace) = chain.backtrace() {
        text.push_str("\n\n");
        text.push_str(backtrace);
    }
    text
}

/// Writes a value as a JSON string (for `labels`).
fn write_string_value(buf: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Str(s) => encode::json_string(buf, s),
        // Their text needs no escaping, and writing it allocates nothing.
        Value::Null | Value::Bool(_) | Value::I64(_) | Value::U64(_) | Value::F64(_) => {
            let _ = write!(buf, "\"{value}\"");
        }
        other => encode::json_string(buf, &other.to_string()),
    }
}

thread_local! {
    /// The label keys given to this thread's records' fields whose keys were changed.
    static RENAMES: RefCell<(Renames, String)> = RefCell::new(Default::default());
}

/// Writes `labels`, when the record has any: every field that is not an ECS name, its
/// key made safe and distinct, its value a string.
fn write_labels(buf: &mut Vec<u8>, fields: &Fields) {
    let labels = fields
        .iter()
        .filter(|(k, v)| label(k) && !matches!(v, Value::Invalid(_)));
    // A changed key must not take one another label has as it is.
    let taken = |name: &str| plain_label(name) && fields.get(name).is_some() && label(name);
    let mut any = false;
    encode::with_scratch(&RENAMES, |(renames, safe)| {
        renames.clear();
        for (key, value) in labels {
            buf.extend_from_slice(if any { b"," } else { b",\"labels\":{" });
            any = true;
            if plain_label(key) {
                encode::json_string(buf, key);
            } else {
                safe.clear();
                safe.extend(key.chars().map(|c| match c {
                    '.' | '*' | '\\' => '_',
                    c => c,
                }));
                encode::json_string(buf, renames.give(safe, taken));
            }
            buf.push(b':');
            write_string_value(buf, value);
        }
    });
    if any {
        buf.push(b'}');
    }
}

impl Formatter for EcsFormatter {
    fn format(&self, entry: &Entry, _dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
        buf.extend_from_slice(b"{\"@timestamp\":\"");
        encode::rfc3339(buf, entry.time(), Zone::Utc, 3);
        buf.extend_from_slice(b"\",\"log.level\":");
        encode::json_string(buf, entry.level().as_str());
        buf.extend_from_slice(b",\"message\":");
        encode::json_string(buf, entry.message());
        let _ = write!(buf, ",\"ecs.version\":\"{ECS_VERSION}\"");
        let fields = entry.fields();
        let caller = entry.caller();
        let logger = self
            .logger_name
            .as_deref()
            .or_else(|| entry.target())
            .or_else(|| caller.and_then(|c| c.module));
        if let Some(logger) = logger {
            buf.extend_from_slice(b",\"log.logger\":");
            encode::json_string(buf, logger);
        }
        if let Some(caller) = caller {
            buf.extend_from_slice(b",\"log.origin.file.name\":");
            encode::json_string(buf, caller.file);
            let _ = write!(buf, ",\"log.origin.file.line\":{}", caller.line);
            if let Some(module) = caller.module {
                buf.extend_from_slice(b",\"log.origin.function\":");
                encode::json_string(buf, module);
            }
        }
        if let Some(trace) = entry.trace_context() {
            buf.extend_from_slice(b",\"trace.id\":\"");
            encode::hex(buf, &trace.trace_id());
            buf.extend_from_slice(b"\",\"span.id\":\"");
            encode::hex(buf, &trace.span_id());
            buf.push(b'"');
        }
        if let Some(error) = fields
            .get("error")
            .filter(|v| !matches!(v, Value::Invalid(_)))
        {
            buf.extend_from_slice(b",\"error.message\":");
            match error {
                Value::Error(chain) => {
                    encode::json_string(buf, chain.message());
                    buf.extend_from_slice(b",\"error.stack_trace\":");
                    encode::json_string(buf, &stack_trace(chain));
                }
                other => write_string_value(buf, other),
            }
        }
        // A record's own `service.name` and `event.dataset` stand among its ECS fields.
        let service = self.service_name.as_deref();
        if let Some(service) = service.filter(|_| !fields.contains_key("service.name")) {
            buf.extend_from_slice(b",\"service.name\":");
            encode::json_string(buf, service);
        }
        let dataset = self.event_dataset.as_deref().or(service);
        if let Some(dataset) = dataset.filter(|_| !fields.contains_key("event.dataset")) {
            buf.extend_from_slice(b",\"event.dataset\":");
            encode::json_string(buf, dataset);
        }
        write_labels(buf, fields);
        let ecs_fields = fields
            .iter()
            .filter(|(k, v)| top_level(k) && !matches!(v, Value::Invalid(_)));
        for (key, value) in ecs_fields {
            buf.push(b',');
            encode::json_string(buf, key);
            buf.push(b':');
            encode::json_value(buf, value);
        }
        buf.extend_from_slice(b"}\n");
        Ok(())
    }
}
