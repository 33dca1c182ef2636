//! Sends records to Graylog as GELF 1.1 (formatted by [`hooklog_gelf::GelfFormatter`]):
//! over UDP, chunked when a message is larger than one datagram (magic bytes `1e 0f`, an
//! 8-byte message id, sequence number and count; at most 128 chunks) and optionally
//! gzipped, or over TCP, each message ending in a NUL byte.
//!
//! A message too large for 128 chunks is not sent broken: `fire` returns an error saying
//! so, which the logger reports on stderr. Put the hook behind [`hooklog::AsyncHook`] so
//! the logging thread never waits on the network:
//!
//! ```no_run
//! use hooklog::{AsyncHook, Logger};
//! use hooklog_graylog::GraylogHook;
//!
//! let graylog = GraylogHook::udp("graylog.internal:12201").compress(true).build()?;
//! let logger = Logger::builder().hook(AsyncHook::new(graylog)).build();
//! logger.with_field("order", 1042).info("paid");
//! # Ok::<(), hooklog::Error>(())
//! ```

#![warn(missing_docs)]

use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use hooklog::{Destination, Entry, Error, Formatter, Hook, Level};
use hooklog_gelf::GelfFormatter;

/// The most chunks GELF allows for one message.
pub const MAX_CHUNKS: usize = 128;
/// The bytes of header in front of every chunk.
pub const CHUNK_HEADER: usize = 12;

/// Sends GELF to Graylog; build it with [`GraylogHook::udp`] or [`GraylogHook::tcp`].
pub struct GraylogHook {
    levels: Vec<Level>,
    formatter: GelfFormatter,
    chunk_size: usize,
    compress: bool,
    connection: Mutex<Connection>,
    message_ids: AtomicU64,
}

enum Connection {
    Udp(UdpSocket),
    Tcp {
        address: String,
        stream: Option<TcpStream>,
    },
}

/// Builds a [`GraylogHook`].
///
/// | setting | default |
/// |---|---|
/// | levels | all |
/// | host | this machine's host name |
/// | chunk size (UDP datagram) | 1420 bytes |
/// | gzip (UDP) | off |
#[must_use]
pub struct GraylogHookBuilder {
    udp: bool,
    address: String,
    levels: Vec<Level>,
    host: Option<String>,
    chunk_size: usize,
    compress: bool,
}

impl GraylogHook {
    /// GELF over UDP to `address` (`host:port`).
    pub fn udp(address: impl Into<String>) -> GraylogHookBuilder {
        GraylogHookBuilder::new(true, address.into())
    }

    /// GELF over TCP to `address`, NUL-delimited.
    pub fn tcp(address: impl Into<String>) -> GraylogHookBuilder {
        GraylogHookBuilder::new(false, address.into())
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// An id unique to this message among those in flight: a counter mixed with the
    /// time and process id.
    fn message_id(&self) -> [u8; 8] {
        let n = self.message_ids.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        (n ^ nanos.rotate_left(17) ^ (u64::from(std::process::id()) << 40)).to_be_bytes()
    }

    /// Sends one message over UDP, chunked if needed.
    fn send_udp(&self, socket: &UdpSocket, message: &[u8]) -> Result<(), Error> {
        let payload = if self.compress {
            gzip(message)?
        } else {
            message.to_vec()
        };
        if payload.len() <= self.chunk_size {
            socket.send(&payload)?;
            return Ok(());
        }
        let per_chunk = self.chunk_size - CHUNK_HEADER;
        let count = payload.len().div_ceil(per_chunk);
        if count > MAX_CHUNKS {
            return Err(Error::new(format!(
                "GELF message of {} bytes needs {count} chunks of {} bytes, more than the {MAX_CHUNKS} allowed: not sent",
                payload.len(),
                self.chunk_size
            )));
        }
        let id = self.message_id();
        let mut datagram = Vec::with_capacity(self.chunk_size);
        for (seq, data) in payload.chunks(per_chunk).enumerate() {
            datagram.clear();
            datagram.extend_from_slice(&[0x1e, 0x0f]);
            datagram.extend_from_slice(&id);
            datagram.extend_from_slice(&[seq as u8, count as u8]);
            datagram.extend_from_slice(data);
            socket.send(&datagram)?;
        }
        Ok(())
    }
}

fn gzip(message: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(message)?;
    encoder.finish()
}

fn connect_tcp(address: &str) -> io::Result<TcpStream> {
    let target = address.to_socket_addrs()?.next().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{address:?} resolves to nothing"),
        )
    })?;
    let stream = TcpStream::connect_timeout(&target, Duration::from_secs(2))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    Ok(stream)
}

impl GraylogHookBuilder {
    fn new(udp: bool, address: String) -> GraylogHookBuilder {
        GraylogHookBuilder {
            udp,
            address,
            levels: Level::ALL.to_vec(),
            host: None,
            chunk_size: 1420,
            compress: false,
        }
    }

    /// The levels to send.
    pub fn levels(mut self, levels: &[Level]) -> Self {
        self.levels = levels.to_vec();
        self
    }

    /// The GELF `host` field.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The largest UDP datagram, header included (at least 64 bytes).
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes.max(64);
        self
    }

    /// Gzips UDP messages.
    pub fn compress(mut self, on: bool) -> Self {
        self.compress = on;
        self
    }

    /// The hook, with its socket open (and, for TCP, connected).
    ///
    /// # Errors
    ///
    /// If the address does not resolve, or the TCP server cannot be reached.
    pub fn build(self) -> Result<GraylogHook, Error> {
        let context = |e: io::Error| Error::new(format!("graylog {}: {e}", self.address));
        let connection = if self.udp {
            let target = self
                .address
                .to_socket_addrs()
                .map_err(context)?
                .next()
                .ok_or_else(|| {
                    Error::new(format!("graylog {:?} resolves to nothing", self.address))
                })?;
            let socket = UdpSocket::bind(if target.is_ipv4() {
                "0.0.0.0:0"
            } else {
                "[::]:0"
            })?;
            socket.connect(target).map_err(context)?;
            Connection::Udp(socket)
        } else {
            Connection::Tcp {
                stream: Some(connect_tcp(&self.address).map_err(context)?),
                address: self.address.clone(),
            }
        };
        let formatter = match &self.host {
            Some(host) => GelfFormatter::new().host(host),
            None => GelfFormatter::new(),
        };
        Ok(GraylogHook {
            levels: self.levels,
            formatter,
            chunk_size: self.chunk_size,
            compress: self.compress,
            connection: Mutex::new(connection),
            message_ids: AtomicU64::new(0),
        })
    }
}

impl Hook for GraylogHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Formats the record as GELF and sends it.
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let mut message = Vec::with_capacity(256);
        self.formatter
            .format(entry, Destination::PLAIN, &mut message)?;
        if message.last() == Some(&b'\n') {
            message.pop();
        }
        let mut connection = self.lock();
        match &mut *connection {
            Connection::Udp(socket) => self.send_udp(socket, &message),
            Connection::Tcp { address, stream } => {
                message.push(0);
                // One reconnection attempt if the connection broke.
                for attempt in 0..2 {
                    if stream.is_none() {
                        *stream = Some(connect_tcp(address)?);
                    }
                    match stream.as_mut().map(|s| s.write_all(&message)) {
                        Some(Ok(())) => return Ok(()),
                        Some(Err(e)) if attempt == 1 => return Err(e.into()),
                        _ => *stream = None,
                    }
                }
                Ok(())
            }
        }
    }

    fn flush(&self) -> Result<(), Error> {
        if let Connection::Tcp {
            stream: Some(stream),
            ..
        } = &mut *self.lock()
        {
            stream.flush()?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for GraylogHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &*self.lock() {
            Connection::Udp(_) => "udp",
            Connection::Tcp { .. } => "tcp",
        };
        f.debug_struct("GraylogHook")
            .field("transport", &transport)
            .field("chunk_size", &self.chunk_size)
            .field("compress", &self.compress)
            .field("levels", &self.levels)
            .finish_non_exhaustive()
    }
}
