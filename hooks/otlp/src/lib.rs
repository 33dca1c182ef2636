//! Exports records to an OpenTelemetry collector, or any OTLP endpoint (Grafana, Datadog,
//! Honeycomb, Elastic, SigNoz), over OTLP/HTTP with protobuf or, with the `grpc` feature,
//! OTLP/gRPC, keeping hooklog's delivery promises rather than the SDK's batch
//! processor's.
//!
//! - Each record becomes a `LogRecord` of the OpenTelemetry logs data model: its time,
//!   severity (Trace 1, Debug 5, Info 9, Warn 13, Error 17, Fatal and Panic 21) and level
//!   name, the message as the body, the fields as attributes with their types (strings,
//!   ints, doubles, booleans; arrays and maps for JSON values; an unsigned integer above
//!   `i64::MAX` as its digits), the caller as `code.file.path` and `code.line.number`, and
//!   the [trace context](hooklog::TraceContext) in the record's own `trace_id`, `span_id`
//!   and `flags`. The record's target is the instrumentation scope's name.
//! - The resource says which service logged: `service.name` (from
//!   [`service_name`](OtlpHookBuilder::service_name), else `OTEL_SERVICE_NAME`, else
//!   `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:<executable>`), the attributes of
//!   `OTEL_RESOURCE_ATTRIBUTES` and of the builder, and `telemetry.sdk.*`.
//! - The protocol, endpoint, headers, timeout and compression come from the builder, else
//!   from `OTEL_EXPORTER_OTLP_LOGS_*`, else `OTEL_EXPORTER_OTLP_*` (for OTLP/HTTP the
//!   general endpoint gets `/v1/logs` appended), else OTLP/HTTP to
//!   `http://localhost:4318/v1/logs` (gRPC: `http://localhost:4317`), no headers, 10 s,
//!   none. A bad value fails [`build`](OtlpHookBuilder::build) naming its variable.
//! - The logging thread only encodes the record into storage it reuses (no allocation
//!   once warm) and queues it; the hook's worker thread sends batches of up to 512
//!   records, at least once a second, in order.
//! - Outages: a batch the receiver could not take (connection failed, timed out, HTTP 429,
//!   502, 503, 504; gRPC `UNAVAILABLE` and the other transient statuses the OTLP
//!   specification lists, `RESOURCE_EXHAUSTED` when the receiver sends a `RetryInfo`) is
//!   sent again after a backoff (100 ms doubling to 5 s, spread by a quarter; a
//!   `Retry-After` or `RetryInfo` is honoured) while later records wait in the outage
//!   buffer (8 MiB by default). When it is full, new records are dropped, counted
//!   ([`dropped`](OtlpHook::dropped)) and reported on stderr; or, with
//!   [`QueueFull::Block`], the logging thread waits for room.
//! - A batch refused for good (another 4xx: it would be refused again) and the records a
//!   receiver rejects in a `partial_success` are counted ([`rejected`](OtlpHook::rejected))
//!   and reported with the receiver's message.
//! - Delivery is at least once. A batch is sent again only when no answer came back for
//!   it, so a duplicate arises in one case: the receiver took a batch and then failed (it
//!   crashed, or the connection broke) before its answer arrived.
//! - [`flush`](Hook::flush), which the logger calls on every exit path (return,
//!   `process::exit`, fatal, panics, signals), sends what is queued at once and waits for
//!   it up to its timeout (10 s) and the [exit deadline](hooklog::exit_deadline); what is
//!   not delivered by then is reported. Dropping the hook flushes it (unless a flush just
//!   ran out of time and the receiver is still away), then stops its worker.
//!
//! ```no_run
//! use hooklog::{Logger, TraceContext};
//! use hooklog_otlp::OtlpHook;
//!
//! let otlp = OtlpHook::builder()
//!     .endpoint("http://127.0.0.1:4318/v1/logs")
//!     .service_name("checkout")
//!     .build()?;
//! let logger = Logger::builder().hook(otlp).build();
//! let trace = TraceContext::from_traceparent(
//!     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
//! )?;
//! logger
//!     .with_field("order", 1042)
//!     .with_trace_context(trace)
//!     .error("payment failed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! OTLP/HTTP takes `https://` with the crate's `tls` feature (rustls, with the Mozilla
//! roots); OTLP/gRPC is sent over plain HTTP/2 (`http://`, as to a collector's sidecar).

#![warn(missing_docs)]

use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hooklog::{Entry, Error, Hook, Level, QueueFull};

mod buffer;
mod config;
mod export;
#[cfg(feature = "grpc")]
mod grpc_client;
mod http_client;
mod proto;

use buffer::{Buffer, Limits};
use config::FromEnv;
pub use config::{Compression, Protocol};
use export::{Exporter, Transport};
use http_client::Http;

/// Exports records over OTLP/HTTP; build it with [`OtlpHook::builder`].
pub struct OtlpHook {
    levels: Vec<Level>,
    endpoint: String,
    flush_timeout: Duration,
    buffer: Arc<Buffer>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

/// Builds an [`OtlpHook`]; what it does not set comes from the OpenTelemetry environment
/// variables.
///
/// | setting | default |
/// |---|---|
/// | protocol | `OTEL_EXPORTER_OTLP_[LOGS_]PROTOCOL`, [`Protocol::HttpProtobuf`] |
/// | endpoint | `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/logs` for OTLP/HTTP), `http://localhost:4318/v1/logs` (gRPC: `http://localhost:4317`) |
/// | headers | `OTEL_EXPORTER_OTLP_HEADERS`, then `OTEL_EXPORTER_OTLP_LOGS_HEADERS` |
/// | request timeout | `OTEL_EXPORTER_OTLP_[LOGS_]TIMEOUT` (ms), 10 s |
/// | compression | `OTEL_EXPORTER_OTLP_[LOGS_]COMPRESSION`, none |
/// | `service.name` | `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `unknown_service:<executable>` |
/// | levels | all |
/// | batch | 512 records, or 1 s after its first record |
/// | outage buffer | 8 MiB, then [`QueueFull::DropNewest`] |
/// | flush timeout | 10 s |
#[must_use]
pub struct OtlpHookBuilder {
    endpoint: Option<String>,
    protocol: Option<Protocol>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    compression: Option<Compression>,
    service_name: Option<String>,
    resource: Vec<(String, String)>,
    levels: Vec<Level>,
    max_batch: usize,
    batch_timeout: Duration,
    max_buffer_bytes: usize,
    on_full: QueueFull,
    flush_timeout: Duration,
}

impl OtlpHook {
    /// A builder with the defaults of [`OtlpHookBuilder`].
    pub fn builder() -> OtlpHookBuilder {
        OtlpHookBuilder {
            endpoint: None,
            protocol: None,
            headers: Vec::new(),
            timeout: None,
            compression: None,
            service_name: None,
            resource: Vec::new(),
            levels: Level::ALL.to_vec(),
            max_batch: 512,
            batch_timeout: Duration::from_secs(1),
            max_buffer_bytes: 8 * 1024 * 1024,
            on_full: QueueFull::DropNewest,
            flush_timeout: Duration::from_secs(10),
        }
    }

    /// The URL records are posted to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Records the receiver took.
    pub fn delivered(&self) -> u64 {
        self.buffer.counts().delivered
    }

    /// Records dropped because the outage buffer was full, or still queued when the hook
    /// was dropped.
    pub fn dropped(&self) -> u64 {
        self.buffer.counts().dropped
    }

    /// Records the receiver refused: in a request it answered with a 4xx other than 429,
    /// or counted in a `partial_success`.
    pub fn rejected(&self) -> u64 {
        self.buffer.counts().rejected
    }
}

impl Hook for OtlpHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let scope = entry.target().unwrap_or("");
        if !self
            .buffer
            .push(scope, |buf| proto::put_log_record(buf, entry))
        {
            hooklog::report_failure(
                "otlp buffer full",
                format_args!(
                    "otlp {}: the outage buffer ({} bytes) is full: records dropped ({} so far)",
                    self.endpoint,
                    self.buffer.limits.max_bytes,
                    self.dropped()
                ),
            );
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), Error> {
        let mut deadline = Instant::now() + self.flush_timeout;
        if let Some(exit) = hooklog::exit_deadline() {
            deadline = deadline.min(exit);
        }
        match self.buffer.flush(deadline) {
            0 => Ok(()),
            left => Err(Error::new(format!(
                "otlp {}: {left} records not delivered in time",
                self.endpoint
            ))),
        }
    }
}

impl Drop for OtlpHook {
    fn drop(&mut self) {
        // After a flush that ran out of time with the receiver still away, waiting again
        // would only add another timeout to the end of the process.
        let flushed = match self.buffer.stalled() {
            true => Err(Error::new(format!(
                "otlp {}: the receiver is still away",
                self.endpoint
            ))),
            false => self.flush(),
        };
        if let Err(e) = flushed {
            let left = self.buffer.unsettled();
            hooklog::report_failure(
                "otlp",
                format_args!("{e}; {left} records dropped with the hook"),
            );
        }
        self.buffer.close();
        let worker = self
            .worker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(worker) = worker {
            let _ = worker.join();
        }
    }
}

impl std::fmt::Debug for OtlpHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtlpHook")
            .field("endpoint", &self.endpoint)
            .field("counts", &self.buffer.counts())
            .finish_non_exhaustive()
    }
}

impl OtlpHookBuilder {
    /// The URL to post records to, used as it is (`http://collector:4318/v1/logs`).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// How records travel: OTLP/HTTP with protobuf (the default) or OTLP/gRPC (feature
    /// `grpc`), over `OTEL_EXPORTER_OTLP_[LOGS_]PROTOCOL` (`http/protobuf`, `grpc`).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// A header sent with every request (an API key, a tenant), over one of the same
    /// name from the environment.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        config::set_header(&mut self.headers, name.into(), value.into());
        self
    }

    /// How long one request may take, connection included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How requests are compressed.
    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = Some(compression);
        self
    }

    /// The resource's `service.name`.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// A resource attribute (`deployment.environment.name`, `service.version`), over one
    /// of the same key from `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        // `resource` keeps the last value given for a key.
        self.resource.push((key.into(), value.into()));
        self
    }

    /// The levels the hook exports.
    pub fn levels(mut self, levels: &[Level]) -> Self {
        self.levels = levels.to_vec();
        self
    }

    /// The most records in one request (at least 1).
    pub fn max_batch(mut self, records: usize) -> Self {
        self.max_batch = records.max(1);
        self
    }

    /// How long a record may wait for its batch to fill before the batch is sent.
    pub fn batch_timeout(mut self, timeout: Duration) -> Self {
        self.batch_timeout = timeout;
        self
    }

    /// The most bytes of encoded records kept while the receiver is away (one record is
    /// always taken).
    pub fn max_buffer_bytes(mut self, bytes: usize) -> Self {
        self.max_buffer_bytes = bytes;
        self
    }

    /// What a record does when the outage buffer is full: dropped and counted (the
    /// default), or the logging thread waits for room.
    pub fn on_full(mut self, policy: QueueFull) -> Self {
        self.on_full = policy;
        self
    }

    /// How long [`flush`](Hook::flush) waits for the receiver to take what is queued.
    pub fn flush_timeout(mut self, timeout: Duration) -> Self {
        self.flush_timeout = timeout;
        self
    }

    /// The hook, with its worker thread started. Nothing is sent yet, so an endpoint that
    /// is down is not an error: its records wait in the outage buffer.
    ///
    /// # Errors
    ///
    /// A bad endpoint (not an `http://` URL with a host; `https://` without the `tls`
    /// feature), header, or environment variable, named in the message; or no thread for
    /// the worker.
    pub fn build(self) -> Result<OtlpHook, Error> {
        let env = FromEnv::read(|name| std::env::var(name).ok())?;
        let protocol = self.protocol.or(env.protocol).unwrap_or_default();
        let (endpoint, source) = match (self.endpoint, env.endpoint(protocol)) {
            (Some(url), _) => (url, "set by the builder"),
            (None, Some(url)) => (url, "from OTEL_EXPORTER_OTLP_*ENDPOINT"),
            (None, None) => (protocol.default_endpoint().to_owned(), "the default"),
        };
        config::check_endpoint(&endpoint, source, protocol)?;
        let mut headers = env.headers;
        for (name, value) in self.headers {
            config::set_header(&mut headers, name, value);
        }
        for (name, value) in &headers {
            ureq::http::HeaderName::try_from(name.as_str())
                .map_err(|_| Error::new(format!("otlp header {name:?}: not a header name")))?;
            ureq::http::HeaderValue::try_from(value.as_str()).map_err(|_| {
                Error::new(format!(
                    "otlp header {name}: {value:?} is not a header value"
                ))
            })?;
        }
        let timeout = self
            .timeout
            .or(env.timeout)
            .unwrap_or(Duration::from_secs(10));
        let compression = self.compression.or(env.compression).unwrap_or_default();
        let transport = match protocol {
            Protocol::HttpProtobuf => Transport::Http(Http {
                endpoint: endpoint.clone(),
                agent: ureq::Agent::config_builder()
                    .timeout_global(Some(timeout))
                    .http_status_as_error(false)
                    .user_agent(concat!("hooklog-otlp/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .into(),
                headers,
                compression,
                compressed: Vec::new(),
            }),
            #[cfg(feature = "grpc")]
            Protocol::Grpc => {
                let grpc = grpc_client::Grpc::new(&endpoint, &headers, timeout, compression)?;
                Transport::Grpc(Box::new(grpc))
            }
            #[cfg(not(feature = "grpc"))]
            Protocol::Grpc => {
                return Err(Error::new(
                    "otlp: OTLP/gRPC needs hooklog-otlp's `grpc` feature",
                ));
            }
        };
        let exporter = Exporter {
            endpoint: endpoint.clone(),
            transport,
            resource: resource(
                env.resource,
                env.service_name,
                self.service_name,
                self.resource,
            ),
        };
        let buffer = Arc::new(Buffer::new(Limits {
            max_batch: self.max_batch,
            batch_timeout: self.batch_timeout,
            max_bytes: self.max_buffer_bytes,
            on_full: self.on_full,
        }));
        let worker = {
            let buffer = buffer.clone();
            std::thread::Builder::new()
                .name("hooklog-otlp".to_owned())
                .spawn(move || export::run(buffer, exporter))?
        };
        Ok(OtlpHook {
            levels: self.levels,
            endpoint,
            flush_timeout: self.flush_timeout,
            buffer,
            worker: Mutex::new(Some(worker)),
        })
    }
}

/// The `Resource` message's content: `telemetry.sdk.*`, then the attributes from the
/// environment, then the builder's, each over an earlier one of the same key, with
/// `service.name` set as [`OtlpHookBuilder`] says.
fn resource(
    from_env: Vec<(String, String)>,
    env_service_name: Option<String>,
    service_name: Option<String>,
    from_builder: Vec<(String, String)>,
) -> Vec<u8> {
    let mut attributes: Vec<(String, String)> = vec![
        ("telemetry.sdk.name".into(), "hooklog".into()),
        ("telemetry.sdk.language".into(), "rust".into()),
        (
            "telemetry.sdk.version".into(),
            env!("CARGO_PKG_VERSION").into(),
        ),
    ];
    let mut set = |key: String, value: String| {
        attributes.retain(|(k, _)| *k != key);
        attributes.push((key, value));
    };
    for (key, value) in from_env {
        set(key, value);
    }
    if let Some(name) = env_service_name {
        set("service.name".into(), name);
    }
    for (key, value) in from_builder {
        set(key, value);
    }
    if let Some(name) = service_name {
        set("service.name".into(), name);
    }
    if !attributes.iter().any(|(k, _)| k == "service.name") {
        attributes.push(("service.name".into(), config::unknown_service()));
    }
    let mut encoded = Vec::new();
    for (key, value) in &attributes {
        proto::put_string_attribute(&mut encoded, proto::RESOURCE_ATTRIBUTES, key, value);
    }
    encoded
}
