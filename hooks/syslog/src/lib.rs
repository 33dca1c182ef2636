//! A hooklog hook that ships records to syslog, the classic central log pipeline
//! (rsyslog and syslog-ng relay to anything else): RFC 5424 (default) or RFC 3164, over
//! a unix datagram socket (`/dev/log`), UDP, or TCP with octet-counting or newline
//! framing (RFC 6587).
//!
//! Levels map to severities as logrus's syslog hook maps them (panic and fatal: crit,
//! error: err, warning: warning, info: info, debug and trace: debug). In RFC 5424 the
//! fields travel as structured data under one SD-ID (`hooklog@32473` by default), with
//! `"`, `\` and `]` escaped as the RFC requires and invalid names sanitised; the MSG is
//! the message text, or the whole record through any formatter (JSON for downstream
//! parsers). Messages longer than the transport takes are cut at a character boundary.
//!
//! The hook writes on the logging thread; behind [`hooklog::AsyncHook`] (the recommended
//! setup) the logging thread never waits on the network:
//!
//! ```no_run
//! use hooklog::{AsyncHook, JsonFormatter, Logger};
//! use hooklog_syslog::{Facility, SyslogHook, Transport, Framing};
//!
//! let syslog = SyslogHook::builder()
//!     .transport(Transport::Tcp("logs.internal:601".into(), Framing::OctetCounting))
//!     .facility(Facility::Local0)
//!     .app_name("billing")
//!     .message_formatter(JsonFormatter::new())
//!     .build()?;
//! let logger = Logger::builder().hook(AsyncHook::new(syslog)).build();
//! logger.with_field("invoice", 1042).info("invoice sent");
//! # Ok::<(), hooklog::Error>(())
//! ```
//!
//! # TCP outages
//!
//! When the server is unreachable, messages wait in a buffer (1 MiB by default) and go
//! out in order once a reconnection succeeds (tried at each record, with backoff from
//! 100 ms doubling to 30 s, and at every flush). Messages beyond the buffer are dropped
//! and counted, and the count is reported on stderr. Before each write the hook checks
//! whether the server closed the connection, so a server that shut down (or crashed,
//! with its kernel closing the socket) loses nothing written afterwards; what it had
//! received but not yet processed when it went down is beyond any client's reach.

#![warn(missing_docs)]

mod message;
mod transport;

use std::sync::{Mutex, MutexGuard, PoisonError};

use hooklog::{Entry, Error, Formatter, Hook, Level};
use jiff::tz::TimeZone;

pub use message::{Facility, SyslogFormat};
pub use transport::{Framing, Transport};

use message::{Header, header_field, sd_name};
use transport::Connection;

/// Sends records to syslog; build it with [`SyslogHook::builder`].
pub struct SyslogHook {
    levels: Vec<Level>,
    header: Header,
    formatter: Option<Box<dyn Formatter>>,
    max_len: usize,
    state: Mutex<State>,
}

struct State {
    connection: Connection,
    message: String,
}

/// Builds a [`SyslogHook`].
///
/// | setting | default |
/// |---|---|
/// | transport | [`Transport::local()`] (`/dev/log`) |
/// | format | [`SyslogFormat::Rfc5424`] |
/// | facility | [`Facility::User`] |
/// | hostname | the machine's host name |
/// | app name | the executable's file name |
/// | procid | the process id |
/// | msgid | `-` |
/// | SD-ID | `hooklog@32473` |
/// | message formatter | none: the message text |
/// | levels | all |
/// | max message length | 8 KiB |
/// | TCP outage buffer | 1 MiB |
#[must_use]
pub struct SyslogHookBuilder {
    transport: Transport,
    format: SyslogFormat,
    facility: Facility,
    hostname: Option<String>,
    app_name: Option<String>,
    procid: Option<String>,
    msgid: Option<String>,
    sd_id: String,
    formatter: Option<Box<dyn Formatter>>,
    levels: Vec<Level>,
    max_len: Option<usize>,
    buffer_bytes: usize,
    utc: bool,
}

impl SyslogHook {
    /// A builder with the defaults in [`SyslogHookBuilder`].
    pub fn builder() -> SyslogHookBuilder {
        SyslogHookBuilder {
            transport: Transport::local(),
            format: SyslogFormat::Rfc5424,
            facility: Facility::User,
            hostname: None,
            app_name: None,
            procid: None,
            msgid: None,
            sd_id: "hooklog@32473".to_owned(),
            formatter: None,
            levels: Level::ALL.to_vec(),
            max_len: None,
            buffer_bytes: 1 << 20,
            utc: false,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SyslogHookBuilder {
    /// Where to send.
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// RFC 5424 or RFC 3164.
    pub fn format(mut self, format: SyslogFormat) -> Self {
        self.format = format;
        self
    }

    /// The facility.
    pub fn facility(mut self, facility: Facility) -> Self {
        self.facility = facility;
        self
    }

    /// The HOSTNAME field.
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// The APP-NAME field (the tag in RFC 3164).
    pub fn app_name(mut self, app_name: impl Into<String>) -> Self {
        self.app_name = Some(app_name.into());
        self
    }

    /// The PROCID field.
    pub fn procid(mut self, procid: impl Into<String>) -> Self {
        self.procid = Some(procid.into());
        self
    }

    /// The MSGID field (RFC 5424).
    pub fn msgid(mut self, msgid: impl Into<String>) -> Self {
        self.msgid = Some(msgid.into());
        self
    }

    /// The SD-ID the fields go under (RFC 5424): a registered name, or `name@number`
    /// with a private enterprise number.
    pub fn sd_id(mut self, sd_id: impl Into<String>) -> Self {
        self.sd_id = sd_id.into();
        self
    }

    /// Writes the whole record through `formatter` as the MSG (JSON for parsers
    /// downstream) instead of the message text.
    pub fn message_formatter(mut self, formatter: impl Formatter) -> Self {
        self.formatter = Some(Box::new(formatter));
        self
    }

    /// The levels to send (default all).
    pub fn levels(mut self, levels: &[Level]) -> Self {
        self.levels = levels.to_vec();
        self
    }

    /// Cuts messages longer than `bytes` (at a character boundary); 8 KiB by default. It
    /// never goes past what the format and transport allow: 1,024 bytes for RFC 3164 (its
    /// own limit) and 65,507 for UDP (a datagram).
    pub fn max_message_len(mut self, bytes: usize) -> Self {
        self.max_len = Some(bytes);
        self
    }

    /// How many bytes of messages a TCP hook keeps while the server is unreachable.
    pub fn buffer_bytes(mut self, bytes: usize) -> Self {
        self.buffer_bytes = bytes;
        self
    }

    /// Timestamps in UTC instead of local time.
    pub fn utc(mut self, on: bool) -> Self {
        self.utc = on;
        self
    }

    /// The hook, with its socket open (and, for TCP, connected).
    ///
    /// # Errors
    ///
    /// If the socket cannot be opened, the address does not resolve, the TCP server
    /// cannot be reached, or the SD-ID is not a valid SD-NAME.
    pub fn build(self) -> Result<SyslogHook, Error> {
        if self.format == SyslogFormat::Rfc5424 && sd_name(&self.sd_id) != self.sd_id {
            return Err(Error::new(format!(
                "SD-ID {:?} is not a valid SD-NAME (printable ASCII without `=`, space, `]` or `\"`, at most 32 characters)",
                self.sd_id
            )));
        }
        let connection = Connection::open(&self.transport, self.buffer_bytes)?;
        let escape_newlines = matches!(self.transport, Transport::Tcp(_, Framing::NewLine));
        let header = Header {
            format: self.format,
            facility: self.facility,
            hostname: header_field(
                self.hostname.as_deref().unwrap_or(hooklog::host_name()),
                255,
            ),
            app_name: header_field(&self.app_name.unwrap_or_else(app_name), 48),
            procid: header_field(
                &self
                    .procid
                    .unwrap_or_else(|| std::process::id().to_string()),
                128,
            ),
            msgid: header_field(self.msgid.as_deref().unwrap_or("-"), 32),
            sd_id: self.sd_id,
            time_zone: if self.utc {
                TimeZone::UTC
            } else {
                TimeZone::system()
            },
            escape_newlines,
        };
        let max_len = self
            .max_len
            .unwrap_or_else(|| self.transport.default_max_len())
            .min(self.transport.max_len_limit())
            .min(header.format.max_len());
        Ok(SyslogHook {
            levels: self.levels,
            header,
            formatter: self.formatter,
            max_len,
            state: Mutex::new(State {
                connection,
                message: String::new(),
            }),
        })
    }
}

/// The executable's file name, or `-`.
fn app_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "-".to_owned())
}

impl SyslogHook {
    /// The message this hook sends for `entry`, as it goes on the wire (before TCP
    /// framing): for checking a configuration, and for tests.
    pub fn encode(&self, entry: &Entry) -> String {
        let mut message = String::new();
        self.header
            .encode(entry, self.formatter.as_deref(), self.max_len, &mut message);
        message
    }
}

impl Hook for SyslogHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Encodes the record and sends it (for TCP, buffers it while the server is away).
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let mut state = self.lock();
        let State {
            connection,
            message,
        } = &mut *state;
        self.header
            .encode(entry, self.formatter.as_deref(), self.max_len, message);
        connection.send(message.as_bytes())?;
        Ok(())
    }

    /// Delivers buffered TCP messages, reconnecting now if needed.
    ///
    /// # Errors
    ///
    /// If messages are still buffered because the server cannot be reached.
    fn flush(&self) -> Result<(), Error> {
        self.lock().connection.flush()?;
        Ok(())
    }
}

impl std::fmt::Debug for SyslogHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyslogHook")
            .field("format", &self.header.format)
            .field("facility", &self.header.facility)
            .field("app_name", &self.header.app_name)
            .field("levels", &self.levels)
            .finish_non_exhaustive()
    }
}
