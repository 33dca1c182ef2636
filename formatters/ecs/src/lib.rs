//! An [Elastic Common Schema] formatter for hooklog, following the ecs-logging
//! specification, so records arrive in Elasticsearch and Kibana in their native shape.
//!
//! ```text
//! {"@timestamp":"2026-11-22T02:00:00.500Z","log.level":"error","message":"payment failed","ecs.version":"1.6.0","log.logger":"shop::billing","log.origin.file.name":"src/billing.rs","log.origin.file.line":42,"log.origin.function":"shop::billing","error.message":"card declined","service.name":"shop","event.dataset":"shop","labels":{"order":"1042"},"http.request.method":"POST"}
//! ```
//!
//! The spec's fields come first, in its order: `@timestamp` (UTC, milliseconds),
//! `log.level`, `message`, `ecs.version`, then `log.logger`, `log.origin.*` (when the
//! logger reports callers), `error.message` (from `with_error`), `service.name` and
//! `event.dataset` (configured; the dataset defaults to the service name, as the spec
//! says).
//!
//! Where user fields go: a key with a dot (`http.request.method`, `user.id`,
//! `error.type`) is taken to be an ECS field name and written at the top level with its
//! type kept; any other key goes into `labels`, with `.`, `*` and `\` in the key replaced
//! by `_` (the spec's sanitisation) and its value as a string, because ECS maps `labels` as
//! flat keyword strings. That keeps ECS fields typed and queryable where Kibana expects
//! them, while ad-hoc fields can never collide with an ECS field of another type. A user
//! field named like one of the formatter's own keys goes to `labels` as well.
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
use std::time::SystemTime;

use hooklog::{Destination, Entry, Error, Formatter, Value};

/// The ECS version written in `ecs.version`.
pub const ECS_VERSION: &str = "1.6.0";

/// The keys this formatter writes itself; user fields named so go to `labels`.
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
    "service.name",
    "event.dataset",
    "labels",
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

thread_local! {
    /// The second last rendered, and its `YYYY-MM-DDTHH:MM:SS` text (UTC).
    static SECOND: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
}

/// Writes `"YYYY-MM-DDTHH:MM:SS.mmmZ"`, doing the calendar work once per second.
fn write_timestamp(buf: &mut Vec<u8>, time: SystemTime) {
    let (secs, millis) = match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_millis()),
        Err(_) => (0, 0),
    };
    let write = |cache: &mut (i64, String), buf: &mut Vec<u8>| {
        if cache.0 != secs {
            let ts = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            cache.1.clear();
            let _ = std::fmt::Write::write_fmt(
                &mut cache.1,
                format_args!("{}", ts.strftime("%Y-%m-%dT%H:%M:%S")),
            );
            cache.0 = secs;
        }
        let _ = write!(buf, "\"{}.{millis:03}Z\"", cache.1);
    };
    let mut fresh = (i64::MIN, String::new());
    let used = SECOND.try_with(|cell| match cell.try_borrow_mut() {
        Ok(mut cache) => write(&mut cache, buf),
        Err(_) => write(&mut fresh, buf),
    });
    if used.is_err() {
        write(&mut fresh, buf);
    }
}

/// A `labels` key: `.`, `*` and `\` become `_`.
fn write_label_key(buf: &mut Vec<u8>, key: &str) -> Result<(), Error> {
    if key.contains(['.', '*', '\\']) {
        let sanitized: String = key
            .chars()
            .map(|c| {
                if matches!(c, '.' | '*' | '\\') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        serde_json::to_writer(&mut *buf, &sanitized)?;
    } else {
        serde_json::to_writer(&mut *buf, key)?;
    }
    Ok(())
}

/// Writes a value as a JSON string (for `labels`).
fn write_string_value(buf: &mut Vec<u8>, value: &Value) -> Result<(), Error> {
    match value {
        Value::Str(s) => serde_json::to_writer(&mut *buf, s.as_str())?,
        // Their text needs no escaping, and writing it allocates nothing.
        Value::Null | Value::Bool(_) | Value::I64(_) | Value::U64(_) | Value::F64(_) => {
            write!(buf, "\"{value}\"")?;
        }
        other => serde_json::to_writer(&mut *buf, &other.to_string())?,
    }
    Ok(())
}

/// Whether a user field goes to the top level (an ECS name) rather than `labels`.
fn top_level(key: &str) -> bool {
    key.contains('.') && !OWN_KEYS.contains(&key)
}

impl Formatter for EcsFormatter {
    fn format(&self, entry: &Entry, _dest: Destination, buf: &mut Vec<u8>) -> Result<(), Error> {
        buf.extend_from_slice(b"{\"@timestamp\":");
        write_timestamp(buf, entry.time());
        buf.extend_from_slice(b",\"log.level\":");
        serde_json::to_writer(&mut *buf, entry.level().as_str())?;
        buf.extend_from_slice(b",\"message\":");
        serde_json::to_writer(&mut *buf, entry.message())?;
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
            serde_json::to_writer(&mut *buf, logger)?;
        }
        if let Some(caller) = caller {
            buf.extend_from_slice(b",\"log.origin.file.name\":");
            serde_json::to_writer(&mut *buf, caller.file)?;
            let _ = write!(buf, ",\"log.origin.file.line\":{}", caller.line);
            if let Some(module) = caller.module {
                buf.extend_from_slice(b",\"log.origin.function\":");
                serde_json::to_writer(&mut *buf, module)?;
            }
        }
        if let Some(error) = fields
            .get("error")
            .filter(|v| !matches!(v, Value::Invalid(_)))
        {
            buf.extend_from_slice(b",\"error.message\":");
            write_string_value(buf, error)?;
        }
        let user_service = fields.contains_key("service.name");
        if let Some(service) = self.service_name.as_deref().filter(|_| !user_service) {
            buf.extend_from_slice(b",\"service.name\":");
            serde_json::to_writer(&mut *buf, service)?;
        }
        let dataset = self
            .event_dataset
            .as_deref()
            .or(self.service_name.as_deref());
        if let Some(dataset) = dataset.filter(|_| !fields.contains_key("event.dataset")) {
            buf.extend_from_slice(b",\"event.dataset\":");
            serde_json::to_writer(&mut *buf, dataset)?;
        }

        let writable = |(_, v): &(&str, &Value)| !matches!(v, Value::Invalid(_));
        let labels = fields
            .iter()
            .filter(writable)
            .filter(|(k, _)| *k != "error" && !top_level(k));
        let mut first = true;
        for (key, value) in labels {
            buf.extend_from_slice(if first { b",\"labels\":{" } else { b"," });
            first = false;
            write_label_key(buf, key)?;
            buf.push(b':');
            write_string_value(buf, value)?;
        }
        if !first {
            buf.push(b'}');
        }
        for (key, value) in fields.iter().filter(writable).filter(|(k, _)| top_level(k)) {
            buf.push(b',');
            serde_json::to_writer(&mut *buf, key)?;
            buf.push(b':');
            serde_json::to_writer(&mut *buf, value)?;
        }
        buf.extend_from_slice(b"}\n");
        Ok(())
    }
}
