//! Publishes records to a message broker over AMQP 0-9-1 (RabbitMQ), so many services
//! feed one central pipeline, as logrus_amqp does for Go, but with one long-lived
//! connection and channel, publisher confirms, reconnection and a bounded outage buffer
//! instead of a connection per record and silently dropped errors.
//!
//! - Each record is formatted (JSON by default) and published to an exchange with a
//!   routing key that may name the level (`logs.{level}` gives `logs.error`), persistent
//!   (delivery mode 2), with a content type.
//! - Publisher confirms: a record counts as delivered only once the broker confirmed it.
//!   Records are published without waiting, and each confirm is taken as it arrives (a
//!   task on the hook's runtime waits for it), so [`delivered`](AmqpHook::delivered) is
//!   current within milliseconds; [`flush`](Hook::flush) (and so every exit path) waits
//!   for the outstanding confirms up to its timeout.
//! - Outages: the hook reconnects with backoff (from 100 ms, doubling, to 30 s) and keeps
//!   what it could not publish, and what was published but not confirmed, in a buffer
//!   (8 MiB by default) sent in order once the broker is back. When the buffer is full
//!   the newest records are dropped (what it holds goes out first, in order), counted
//!   ([`dropped`](AmqpHook::dropped)) and reported on stderr.
//! - Delivery is at least once, and a duplicate can arise in one case only: the broker
//!   took a record but the connection broke before its confirm reached the hook (the
//!   broker crashed or was stopped between the two, or the network failed). That record
//!   is sent again after the reconnection. A record whose confirm arrived is never sent
//!   again; a record the broker refused (a nack) is sent again, three times at most:
//!   one the broker keeps refusing (a queue that rejects publishes when full) is then
//!   dropped, counted and reported, so it never holds up the records behind it.
//! - A broker that takes no record (one that blocks publishers on a memory or disk alarm)
//!   holds no logging thread for long: a publish that has not gone out within the publish
//!   timeout (5 s) is kept for later and the link is tried again after the backoff.
//! - The hook runs its I/O on a runtime of its own, so it can fire on any thread,
//!   including a tokio runtime's (added without [`hooklog::AsyncHook`]).
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

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hooklog::{Destination, Entry, Error, Formatter, Hook, JsonFormatter, Level};
use lapin::PublisherConfirm;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};

const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a record the broker refuses is sent before it is dropped.
const MAX_REFUSALS: u32 = 3;

/// Publishes records to an AMQP exchange; build it with [`AmqpHook::builder`].
pub struct AmqpHook {
    levels: Vec<Level>,
    formatter: Box<dyn Formatter>,
    exchange: String,
    routing_key: String,
    content_type: String,
    flush_timeout: Duration,
    publish_timeout: Duration,
    max_buffer_bytes: usize,
    display_uri: String,
    uri: String,
    runtime: tokio::runtime::Runtime,
    state: Mutex<State>,
    confirms: Arc<Confirms>,
}

/// A record on its way: its routing key and body, and how often the broker refused it.
struct Message {
    routing_key: String,
    body: Vec<u8>,
    refusals: u32,
}

struct State {
    link: Option<Link>,
    /// Not yet published (the broker is away), oldest first.
    buffer: Buffer,
    /// The sequence number of the last record published.
    published: u64,
    dropped: u64,
    unreported_drops: u64,
    backoff: Duration,
    next_attempt: Instant,
    down_since_reported: bool,
}

/// What the broker said of the records published, kept up to date by a task per record
/// that waits for its confirm on the hook's runtime.
#[derive(Default)]
struct Confirms {
    state: Mutex<ConfirmState>,
    /// Signalled whenever a confirm settles a record.
    settled: Condvar,
}

/// Records not yet published, oldest first, with their size.
#[derive(Default)]
struct Buffer {
    messages: VecDeque<Message>,
    bytes: usize,
}

impl Buffer {
    fn push_back(&mut self, message: Message) {
        self.bytes += message.body.len();
        self.messages.push_back(message);
    }

    fn push_front(&mut self, message: Message) {
        self.bytes += message.body.len();
        self.messages.push_front(message);
    }

    fn pop_front(&mut self) -> Option<Message> {
        let message = self.messages.pop_front()?;
        self.bytes -= message.body.len();
        Some(message)
    }

    fn len(&self) -> usize {
        self.messages.len()
    }

    fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }
}

#[derive(Default)]
struct ConfirmState {
    /// Published and not yet confirmed, by sequence number: sent again if the link
    /// breaks first.
    pending: BTreeMap<u64, Message>,
    pending_bytes: usize,
    /// Refused by the broker (nack): sent again.
    refused: Vec<Message>,
    delivered: u64,
    /// The link the pending records went out on; outcomes from older links are ignored.
    link: u64,
    /// A confirm failed: the link is broken.
    broken: bool,
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
    publish_timeout: Duration,
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
            publish_timeout: Duration::from_secs(5),
        }
    }

    /// Records the broker has confirmed, counted as the confirms arrive.
    pub fn delivered(&self) -> u64 {
        self.confirms.lock().delivered
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

    /// Runs `future` on the hook's runtime; see [`run_on`].
    fn run<F>(&self, future: F) -> Result<F::Output, Error>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        run_on(&self.runtime, future)
    }

    /// Waits for the next attempt after a failure, doubling the wait up to its bound.
    fn back_off(&self, state: &mut State) {
        state.next_attempt = Instant::now() + state.backoff;
        state.backoff = (state.backoff * 2).min(MAX_BACKOFF);
    }

    /// Publishes what is buffered, reconnecting when the backoff allows (or now).
    fn drive(&self, state: &mut State, now: bool) {
        self.take_outcomes(state);
        if state.buffer.is_empty() {
            return;
        }
        if state.link.is_none() {
            if !now && Instant::now() < state.next_attempt {
                return;
            }
            match self
                .run(open(self.uri.clone(), self.exchange.clone()))
                .and_then(|r| r)
            {
                Ok(link) => {
                    state.link = Some(link);
                    state.backoff = MIN_BACKOFF;
                    state.down_since_reported = false;
                    self.report_drops(state);
                }
                Err(e) => {
                    self.back_off(state);
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
            let channel = state
                .link
                .as_ref()
                .expect("connected above")
                .channel
                .clone();
            let Ok(published) = self.publish(channel, message) else {
                // The runtime dropped the task, and the record with it: counted, not hidden.
                state.dropped += 1;
                state.unreported_drops += 1;
                self.link_lost(state);
                self.back_off(state);
                return;
            };
            match published {
                (message, Ok(confirm)) => {
                    state.published += 1;
                    self.await_confirm(state.published, message, confirm);
                }
                (message, Err(e)) => {
                    hooklog::report_failure(
                        "hooklog-amqp publish failed",
                        format_args!(
                            "amqp publish to {} failed ({e}); kept to send again after a reconnection",
                            self.display_uri
                        ),
                    );
                    state.buffer.push_front(message);
                    self.link_lost(state);
                    self.back_off(state);
                    return;
                }
            }
        }
    }

    /// Publishes `message` on `channel`, giving up after the publish timeout; hands the
    /// message back with the outcome (`Err` only if the runtime dropped the task).
    fn publish(
        &self,
        channel: Channel,
        message: Message,
    ) -> Result<(Message, Result<PublisherConfirm, Error>), Error> {
        let properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type(self.content_type.clone().into());
        let exchange = self.exchange.clone();
        let timeout = self.publish_timeout;
        self.run(async move {
            let publish = channel.basic_publish(
                exchange.into(),
                message.routing_key.clone().into(),
                BasicPublishOptions::default(),
                &message.body,
                properties,
            );
            let outcome = match tokio::time::timeout(timeout, publish).await {
                Ok(outcome) => outcome.map_err(Error::new),
                Err(_) => Err(Error::new(format!(
                    "the broker took nothing within {timeout:?} (is it blocking publishers on a memory or disk alarm?)"
                ))),
            };
            (message, outcome)
        })
    }

    /// Keeps `message` as pending under `seq` and starts a task that settles it when its
    /// confirm arrives.
    fn await_confirm(&self, seq: u64, message: Message, confirm: PublisherConfirm) {
        let link = {
            let mut confirms = self.confirms.lock();
            confirms.pending_bytes += message.body.len();
            confirms.pending.insert(seq, message);
            confirms.link
        };
        let confirms = Arc::clone(&self.confirms);
        self.runtime.spawn(async move {
            let outcome = confirm.await;
            confirms.settle(link, seq, outcome.map(|c| c.is_ack()));
        });
    }

    /// Takes what the confirms reported since the last look: a broken link is dropped (its
    /// pending records go back to the buffer), refused records are queued again.
    fn take_outcomes(&self, state: &mut State) {
        let (broken, refused) = {
            let mut confirms = self.confirms.lock();
            (confirms.broken, std::mem::take(&mut confirms.refused))
        };
        if !refused.is_empty() {
            let (again, given_up): (Vec<Message>, Vec<Message>) = refused
                .into_iter()
                .partition(|message| message.refusals < MAX_REFUSALS);
            state.dropped += given_up.len() as u64;
            hooklog::report_failure(
                "hooklog-amqp nack",
                format_args!(
                    "amqp broker {} refused records (nack): {} will be sent again, {} refused {MAX_REFUSALS} times are dropped",
                    self.display_uri,
                    again.len(),
                    given_up.len()
                ),
            );
            for message in again.into_iter().rev() {
                state.buffer.push_front(message);
            }
        }
        if broken {
            self.link_lost(state);
        }
    }

    /// Forgets the broken link; every record published on it and not confirmed goes back
    /// to the front of the buffer, in order.
    fn link_lost(&self, state: &mut State) {
        state.link = None;
        let mut confirms = self.confirms.lock();
        confirms.link += 1;
        confirms.broken = false;
        let pending = std::mem::take(&mut confirms.pending);
        confirms.pending_bytes = 0;
        for (_, message) in pending.into_iter().rev() {
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

/// Runs `future` on `runtime` and waits for it on this thread. The thread may be a tokio
/// runtime's own (a hook fired there), where `block_on` would panic: the future runs as a
/// task of `runtime` instead.
fn run_on<F>(runtime: &tokio::runtime::Runtime, future: F) -> Result<F::Output, Error>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (done, result) = std::sync::mpsc::sync_channel(1);
    runtime.spawn(async move {
        let _ = done.send(future.await);
    });
    result
        .recv()
        .map_err(|_| Error::new("the hook's runtime dropped the task"))
}

/// Connects, opens a channel with publisher confirms, and checks the exchange exists.
async fn open(uri: String, exchange: String) -> Result<Link, Error> {
    let connect = Connection::connect(&uri, ConnectionProperties::default());
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
                exchange.as_str().into(),
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

    /// How long a publish may wait for the broker to take the record (5 s by default)
    /// before it is kept for later.
    pub fn publish_timeout(mut self, timeout: Duration) -> Self {
        self.publish_timeout = timeout;
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
        let link = run_on(&runtime, open(self.uri.clone(), self.exchange.clone()))
            .and_then(|opened| opened)
            .map_err(|e| Error::new(format!("amqp broker {display_uri}: {e}")))?;
        Ok(AmqpHook {
            levels: self.levels,
            formatter: self.formatter,
            exchange: self.exchange,
            routing_key: self.routing_key,
            content_type: self.content_type,
            flush_timeout: self.flush_timeout,
            publish_timeout: self.publish_timeout,
            max_buffer_bytes: self.max_buffer_bytes,
            display_uri,
            uri: self.uri,
            runtime,
            confirms: Arc::default(),
            state: Mutex::new(State {
                link: Some(link),
                buffer: Buffer::default(),
                published: 0,
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
        self.formatter
            .format(entry, Destination::PLAIN, &mut body)?;
        if body.last() == Some(&b'\n') {
            body.pop();
        }
        let routing_key = self.routing_key.replace("{level}", entry.level().as_str());
        let mut state = self.lock();
        // Records held: buffered, and published but not yet confirmed.
        let held = state.buffer.bytes + self.confirms.lock().pending_bytes;
        if held + body.len() > self.max_buffer_bytes && held > 0 {
            // Full: the newest record is dropped, so what is held goes out in order.
            state.dropped += 1;
            state.unreported_drops += 1;
        } else {
            state.buffer.push_back(Message {
                routing_key,
                body,
                refusals: 0,
            });
        }
        self.drive(&mut state, false);
        Ok(())
    }

    /// Publishes what is buffered and waits for every confirm, up to the flush timeout (and
    /// never past the [exit deadline](hooklog::exit_deadline) while the process ends).
    ///
    /// # Errors
    ///
    /// If records are still unconfirmed or unsent at the deadline (the broker is away).
    fn flush(&self) -> Result<(), Error> {
        let mut deadline = Instant::now() + self.flush_timeout;
        if let Some(exit) = hooklog::exit_deadline() {
            deadline = deadline.min(exit);
        }
        let mut state = self.lock();
        loop {
            self.drive(&mut state, true);
            let settled = state.link.is_some() && self.confirms.wait_settled(deadline);
            self.take_outcomes(&mut state);
            let pending = self.confirms.lock().pending.len();
            if settled && state.buffer.is_empty() && pending == 0 {
                self.report_drops(&mut state);
                return Ok(());
            }
            if Instant::now() >= deadline {
                self.report_drops(&mut state);
                return Err(Error::new(format!(
                    "amqp broker {}: {} records not confirmed within {:?}",
                    self.display_uri,
                    state.buffer.len() + pending,
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

impl Confirms {
    fn lock(&self) -> MutexGuard<'_, ConfirmState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Settles record `seq` of `link`: an ack delivers it, a nack queues it to be sent
    /// again, an error marks the link broken (it stays pending, to be sent again).
    fn settle(&self, link: u64, seq: u64, acked: Result<bool, lapin::Error>) {
        let mut state = self.lock();
        if state.link == link {
            match acked {
                Ok(true) => {
                    if let Some(message) = state.pending.remove(&seq) {
                        state.pending_bytes -= message.body.len();
                        state.delivered += 1;
                    }
                }
                Ok(false) => {
                    if let Some(mut message) = state.pending.remove(&seq) {
                        state.pending_bytes -= message.body.len();
                        message.refusals += 1;
                        state.refused.push(message);
                    }
                }
                Err(_) => state.broken = true,
            }
        }
        drop(state);
        self.settled.notify_all();
    }

    /// Waits until no record is pending, the link broke or a record was refused, or
    /// `deadline` passed; returns whether nothing is pending.
    fn wait_settled(&self, deadline: Instant) -> bool {
        let mut state = self.lock();
        while !state.pending.is_empty() && !state.broken && state.refused.is_empty() {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = self
                .settled
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state.pending.is_empty()
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
