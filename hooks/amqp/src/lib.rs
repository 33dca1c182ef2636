//! Publishes records to a message broker over AMQP 0-9-1 (RabbitMQ), so many services
//! feed one central pipeline, as logrus_amqp does for Go, but with one long-lived
//! connection and channel, publisher confirms, reconnection and a bounded outage buffer
//! instead of a connection per record and silently dropped errors.
//!
//! - Each record is formatted (JSON by default) and published to an exchange with a
//!   routing key that may name the level (`logs.{level}` gives `logs.error`), persistent
//!   (delivery mode 2), with a content type.
//! - Publisher confirms: a record counts as delivered only once the broker confirmed it.
//!   Records are published without waiting and their confirms collected in batches, so
//!   the broker sees a steady stream; [`flush`](Hook::flush) (and so every exit path)
//!   waits for all outstanding confirms up to a deadline.
//! - Outages: the hook reconnects with backoff (from 100 ms, doubling, to 30 s) and keeps
//!   what it could not publish, or what was not confirmed, in a buffer (8 MiB by default)
//!   sent in order once the broker is back. Records beyond the buffer are dropped,
//!   counted and reported on stderr. Delivery is at least once: a record the broker took
//!   just before the connection broke, but whose confirm never arrived, is sent again.
//! - Bad input fails at [`build`](AmqpHookBuilder::build) with a clear error: an
//!   unreachable URL, refused credentials, a missing exchange.
//!
//! Run it behind [`hooklog::AsyncHook`] so the logging thread never waits on the broker:
//!
//! ```no_run
//! use hooklog::{AsyncHook, Logger};
//! use hooklog_amqp::AmqpHook;
//!
//! let amqp = AmqpHook::builder("amqp://guest:guest@127.0.0.1:5672/%2f", "logs")
//!     .routing_key("app.{level}")
//!     .build()?;
//! let logger = Logger::builder().hook(AsyncHook::new(amqp)).build();
//! logger.with_field("order", 1042).error("payment failed");
//! # Ok::<(), hooklog::Error>(())
//! ```
//!
//! Plain `amqp://` only: the crate is built without TLS.

#![warn(missing_docs)]

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hooklog::{Entry, Error, Formatter, Hook, JsonFormatter, Level};
use lapin::PublisherConfirm;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};

const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Confirms are collected once this many records are outstanding.
const CONFIRM_BATCH: usize = 256;

/// Publishes records to an AMQP exchange; build it with [`AmqpHook::builder`].
pub struct AmqpHook {
    levels: Vec<Level>,
    formatter: Box<dyn Formatter>,
    exchange: String,
    routing_key: String,
    content_type: String,
    flush_timeout: Duration,
    max_buffer_bytes: usize,
    display_uri: String,
    uri: String,
    runtime: tokio::runtime::Runtime,
    state: Mutex<State>,
}

/// A record on its way: its routing key and body.
struct Message {
    routing_key: String,
    body: Vec<u8>,
}

struct State {
    link: Option<Link>,
    /// Published, waiting for the broker's confirm; resent if the link breaks first.
    unconfirmed: VecDeque<(Message, PublisherConfirm)>,
    /// Not yet published (the broker is away), oldest first.
    buffer: VecDeque<Message>,
    buffered_bytes: usize,
    delivered: u64,
    dropped: u64,
    unreported_drops: u64,
    backoff: Duration,
    next_attempt: Instant,
    down_since_reported: bool,
}

struct Link {
    _connection: Connection,
    channel: Channel,
}

/// Builds an [`AmqpHook`].
///
/// | setting | default |
/// |---|---|
/// | routing key | `logs.{level}` (`{level}` is the level name) |
/// | formatter | [`JsonFormatter::new()`] |
/// | content type | `application/json` |
/// | levels | all |
/// | outage buffer | 8 MiB |
/// | flush timeout | 10 s |
#[must_use]
pub struct AmqpHookBuilder {
    uri: String,
    exchange: String,
    routing_key: String,
    formatter: Box<dyn Formatter>,
    content_type: String,
    levels: Vec<Level>,
    max_buffer_bytes: usize,
    flush_timeout: Duration,
}

impl AmqpHook {
    /// A builder for publishing to `exchange` on the broker at `uri`
    /// (`amqp://user:password@host:port/vhost`).
    pub fn builder(uri: impl Into<String>, exchange: impl Into<String>) -> AmqpHookBuilder {
        AmqpHookBuilder {
            uri: uri.into(),
            exchange: exchange.into(),
            routing_key: "logs.{level}".to_owned(),
            formatter: Box::new(JsonFormatter::new()),
            content_type: "application/json".to_owned(),
            levels: Level::ALL.to_vec(),
            max_buffer_bytes: 8 << 20,
            flush_timeout: Duration::from_secs(10),
        }
    }

    /// Records the broker has confirmed.
    pub fn delivered(&self) -> u64 {
        self.lock().delivered
    }

    /// Records dropped because the outage buffer was full.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// Records held in the outage buffer, not yet published.
    pub fn buffered(&self) -> usize {
        self.lock().buffer.len()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Publishes what is buffered, reconnecting when the backoff allows (or now).
    fn drive(&self, state: &mut State, now: bool) {
        if state.buffer.is_empty() {
            return;
        }
        if state.link.is_none() {
            if !now && Instant::now() < state.next_attempt {
                return;
            }
            match self.block_on(open(&self.uri, &self.exchange)) {
                Ok(link) => {
                    state.link = Some(link);
                    state.backoff = MIN_BACKOFF;
                    state.down_since_reported = false;
                    self.report_drops(state);
                }
                Err(e) => {
                    state.next_attempt = Instant::now() + state.backoff;
                    state.backoff = (state.backoff * 2).min(MAX_BACKOFF);
                    if !state.down_since_reported {
                        state.down_since_reported = true;
                        hooklog::report_failure(
                            "hooklog-amqp unreachable",
                            format_args!(
                                "amqp broker {} unreachable ({e}); buffering up to {} bytes",
                                self.display_uri, self.max_buffer_bytes
                            ),
                        );
                    }
                    return;
                }
            }
        }
        while let Some(message) = state.buffer.pop_front() {
            state.buffered_bytes -= message.body.len();
            let channel = &state.link.as_ref().expect("connected above").channel;
            let properties = BasicProperties::default()
                .with_delivery_mode(2)
                .with_content_type(self.content_type.clone().into());
            let published = self.block_on(channel.basic_publish(
                self.exchange.clone().into(),
                message.routing_key.clone().into(),
                BasicPublishOptions::default(),
                &message.body,
                properties,
            ));
            match published {
                Ok(confirm) => state.unconfirmed.push_back((message, confirm)),
                Err(e) => {
                    hooklog::report_failure(
                        "hooklog-amqp publish failed",
                        format_args!(
                            "amqp publish to {} failed ({e}); reconnecting",
                            self.display_uri
                        ),
                    );
                    state.buffered_bytes += message.body.len();
                    state.buffer.push_front(message);
                    self.link_lost(state);
                    return;
                }
            }
        }
        if state.unconfirmed.len() >= CONFIRM_BATCH {
            self.collect_confirms(state, None);
        }
    }

    /// Waits for outstanding confirms (until `deadline`): acks count as delivered, nacks
    /// and a broken link put the records back in the buffer.
    fn collect_confirms(&self, state: &mut State, deadline: Option<Instant>) -> bool {
        while let Some((message, confirm)) = state.unconfirmed.pop_front() {
            let wait = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let outcome = self.block_on(async {
                match wait {
                    Some(wait) => tokio::time::timeout(wait, confirm).await.ok(),
                    None => Some(confirm.await),
                }
            });
            match outcome {
                Some(Ok(confirmation)) if confirmation.is_ack() => state.delivered += 1,
                Some(Ok(_)) => {
                    hooklog::report_failure(
                        "hooklog-amqp nack",
                        format_args!(
                            "amqp broker {} refused a record (nack); it will be sent again",
                            self.display_uri
                        ),
                    );
                    self.requeue(state, message);
                }
                Some(Err(_)) => {
                    self.requeue(state, message);
                    self.link_lost(state);
                    return false;
                }
                None => {
                    // Deadline: keep waiting for it next time.
                    self.requeue(state, message);
                    self.link_lost(state);
                    return false;
                }
            }
        }
        true
    }

    /// Puts a record that was published but not confirmed back at the front.
    fn requeue(&self, state: &mut State, message: Message) {
        state.buffered_bytes += message.body.len();
        state.buffer.push_front(message);
    }

    /// Forgets the broken link; everything unconfirmed goes back to the buffer, in order.
    fn link_lost(&self, state: &mut State) {
        state.link = None;
        while let Some((message, _)) = state.unconfirmed.pop_back() {
            state.buffered_bytes += message.body.len();
            state.buffer.push_front(message);
        }
        state.next_attempt = Instant::now();
    }

    fn report_drops(&self, state: &mut State) {
        if state.unreported_drops > 0 {
            hooklog::report_failure(
                "hooklog-amqp dropped",
                format_args!(
                    "amqp broker {}: dropped {} records while it was unreachable (buffer of {} bytes full)",
                    self.display_uri, state.unreported_drops, self.max_buffer_bytes
                ),
            );
            state.unreported_drops = 0;
        }
    }
}

/// Connects, opens a channel with publisher confirms, and checks the exchange exists.
async fn open(uri: &str, exchange: &str) -> Result<Link, Error> {
    let connect = Connection::connect(uri, ConnectionProperties::default());
    let connection = tokio::time::timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| Error::new(format!("no answer within {CONNECT_TIMEOUT:?}")))?
        .map_err(Error::new)?;
    let channel = connection.create_channel().await.map_err(Error::new)?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(Error::new)?;
    if !exchange.is_empty() {
        let passive = ExchangeDeclareOptions {
            passive: true,
            ..ExchangeDeclareOptions::default()
        };
        channel
            .exchange_declare(
                exchange.into(),
                ExchangeKind::Topic,
                passive,
                FieldTable::default(),
            )
            .await
            .map_err(|e| Error::new(format!("exchange {exchange:?}: {e}")))?;
    }
    Ok(Link {
        _connection: connection,
        channel,
    })
}

/// `uri` with any password replaced by `***`, for messages.
fn redact(uri: &str) -> String {
    let Some((scheme, rest)) = uri.split_once("://") else {
        return uri.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => uri.to_owned(),
    }
}

impl AmqpHookBuilder {
    /// The routing key; `{level}` is replaced by the record's level name.
    pub fn routing_key(mut self, key: impl Into<String>) -> Self {
        self.routing_key = key.into();
        self
    }

    /// The body's formatter (JSON by default).
    pub fn formatter(mut self, formatter: impl Formatter) -> Self {
        self.formatter = Box::new(formatter);
        self
    }

    /// The content type property.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// The levels to publish.
    pub fn levels(mut self, levels: &[Level]) -> Self {
        self.levels = levels.to_vec();
        self
    }

    /// How many bytes of records to keep while the broker is away.
    pub fn buffer_bytes(mut self, bytes: usize) -> Self {
        self.max_buffer_bytes = bytes;
        self
    }

    /// How long [`flush`](Hook::flush) waits for confirms.
    pub fn flush_timeout(mut self, timeout: Duration) -> Self {
        self.flush_timeout = timeout;
        self
    }

    /// The hook, connected, with a channel in confirm mode and the exchange checked.
    ///
    /// # Errors
    ///
    /// If the broker cannot be reached or refuses the credentials, or the exchange does
    /// not exist; the message names the broker (without its password).
    pub fn build(self) -> Result<AmqpHook, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("hooklog-amqp")
            .enable_all()
            .build()?;
        let display_uri = redact(&self.uri);
        let link = runtime
            .block_on(open(&self.uri, &self.exchange))
            .map_err(|e| Error::new(format!("amqp broker {display_uri}: {e}")))?;
        Ok(AmqpHook {
            levels: self.levels,
            formatter: self.formatter,
            exchange: self.exchange,
            routing_key: self.routing_key,
            content_type: self.content_type,
            flush_timeout: self.flush_timeout,
            max_buffer_bytes: self.max_buffer_bytes,
            display_uri,
            uri: self.uri,
            runtime,
            state: Mutex::new(State {
                link: Some(link),
                unconfirmed: VecDeque::new(),
                buffer: VecDeque::new(),
                buffered_bytes: 0,
                delivered: 0,
                dropped: 0,
                unreported_drops: 0,
                backoff: MIN_BACKOFF,
                next_attempt: Instant::now(),
                down_since_reported: false,
            }),
        })
    }
}

impl Hook for AmqpHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Formats the record and publishes it (or buffers it while the broker is away).
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let mut body = Vec::with_capacity(256);
        self.formatter.format(entry, &mut body)?;
        if body.last() == Some(&b'\n') {
            body.pop();
        }
        let routing_key = self.routing_key.replace("{level}", entry.level().as_str());
        let mut state = self.lock();
        if state.buffered_bytes + body.len() > self.max_buffer_bytes && !state.buffer.is_empty() {
            state.dropped += 1;
            state.unreported_drops += 1;
        } else {
            state.buffered_bytes += body.len();
            state.buffer.push_back(Message { routing_key, body });
        }
        self.drive(&mut state, false);
        Ok(())
    }

    /// Publishes what is buffered and waits for every confirm, up to the flush timeout.
    ///
    /// # Errors
    ///
    /// If records are still unconfirmed or unsent at the deadline (the broker is away).
    fn flush(&self) -> Result<(), Error> {
        let deadline = Instant::now() + self.flush_timeout;
        let mut state = self.lock();
        loop {
            self.drive(&mut state, true);
            let confirmed = self.collect_confirms(&mut state, Some(deadline));
            if confirmed && state.buffer.is_empty() {
                self.report_drops(&mut state);
                return Ok(());
            }
            if Instant::now() >= deadline {
                self.report_drops(&mut state);
                return Err(Error::new(format!(
                    "amqp broker {}: {} records not confirmed within {:?}",
                    self.display_uri,
                    state.buffer.len() + state.unconfirmed.len(),
                    self.flush_timeout
                )));
            }
            if state.link.is_none() {
                drop(state);
                std::thread::sleep(Duration::from_millis(50));
                state = self.lock();
            }
        }
    }
}

impl std::fmt::Debug for AmqpHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmqpHook")
            .field("broker", &self.display_uri)
            .field("exchange", &self.exchange)
            .field("routing_key", &self.routing_key)
            .finish_non_exhaustive()
    }
}
