//! Getting encoded messages to the syslog server: a unix datagram socket, UDP, or TCP
//! with reconnection and a bounded buffer for outages.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where a [`SyslogHook`](crate::SyslogHook) sends messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    /// A unix datagram socket (`/dev/log` by default).
    Unix(PathBuf),
    /// UDP to a host and port.
    Udp(String),
    /// TCP to a host and port, with the framing given.
    Tcp(String, Framing),
}

/// How messages are delimited on TCP (RFC 6587).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Framing {
    /// `LEN SP MSG`: any message content, newlines included (the default).
    #[default]
    OctetCounting,
    /// `MSG LF`: the traditional form; newlines inside a message are sent as `\n`.
    NewLine,
}

impl Transport {
    /// The default local socket, `/dev/log`.
    pub fn local() -> Transport {
        Transport::Unix(PathBuf::from("/dev/log"))
    }

    /// The largest message the transport takes by default: 8 KiB, rsyslog's default
    /// maximum message size.
    pub(crate) fn default_max_len(&self) -> usize {
        8 * 1024
    }

    /// The largest message the transport can carry at all: a UDP datagram's payload
    /// (65,507 bytes over IPv4); a unix datagram or a TCP stream sets none of its own.
    pub(crate) fn max_len_limit(&self) -> usize {
        match self {
            Transport::Udp(_) => 65_507,
            Transport::Unix(_) | Transport::Tcp(..) => usize::MAX,
        }
    }
}

impl Default for Transport {
    fn default() -> Transport {
        Transport::local()
    }
}

/// An open transport.
pub(crate) enum Connection {
    Unix { path: PathBuf, socket: UnixDatagram },
    Udp(UdpSocket),
    Tcp(Tcp),
}

impl Connection {
    /// Opens `transport`.
    ///
    /// # Errors
    ///
    /// If the socket cannot be opened or connected; the error names the destination.
    pub(crate) fn open(transport: &Transport, buffer_bytes: usize) -> io::Result<Connection> {
        let context = |e: io::Error, what: &str| io::Error::new(e.kind(), format!("{what}: {e}"));
        match transport {
            Transport::Unix(path) => {
                let socket = UnixDatagram::unbound()?;
                socket
                    .connect(path)
                    .map_err(|e| context(e, &format!("syslog socket {}", path.display())))?;
                Ok(Connection::Unix {
                    path: path.clone(),
                    socket,
                })
            }
            Transport::Udp(address) => {
                let target = resolve(address)?;
                let local = if target.is_ipv4() {
                    "0.0.0.0:0"
                } else {
                    "[::]:0"
                };
                let socket = UdpSocket::bind(local)?;
                socket
                    .connect(target)
                    .map_err(|e| context(e, &format!("syslog UDP {address}")))?;
                Ok(Connection::Udp(socket))
            }
            Transport::Tcp(address, framing) => {
                let mut tcp = Tcp {
                    address: address.clone(),
                    target: resolve(address)?,
                    framing: *framing,
                    stream: None,
                    buffer: VecDeque::new(),
                    buffered_bytes: 0,
                    max_buffer_bytes: buffer_bytes,
                    dropped: 0,
                    backoff: MIN_BACKOFF,
                    next_attempt: Instant::now(),
                };
                tcp.connect()
                    .map_err(|e| context(e, &format!("syslog TCP {address}")))?;
                Ok(Connection::Tcp(tcp))
            }
        }
    }

    /// Sends one encoded message.
    pub(crate) fn send(&mut self, message: &[u8]) -> io::Result<()> {
        match self {
            Connection::Unix { path, socket } => match socket.send(message) {
                Ok(_) => Ok(()),
                // The server restarted and made a new socket: reconnect once.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound
                    ) =>
                {
                    socket.connect(&*path)?;
                    socket.send(message).map(drop)
                }
                Err(e) => Err(e),
            },
            Connection::Udp(socket) => socket.send(message).map(drop),
            Connection::Tcp(tcp) => tcp.send(message),
        }
    }

    /// Delivers what is buffered (TCP), trying to reconnect now if needed.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self {
            Connection::Tcp(tcp) => tcp.flush_buffer(),
            _ => Ok(()),
        }
    }
}

fn resolve(address: &str) -> io::Result<SocketAddr> {
    address.to_socket_addrs()?.next().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("syslog address {address:?} resolves to nothing"),
        )
    })
}

const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// A TCP connection that reconnects with bounded exponential backoff and, while it is
/// down, keeps messages in a bounded buffer.
pub(crate) struct Tcp {
    address: String,
    target: SocketAddr,
    framing: Framing,
    stream: Option<TcpStream>,
    /// Framed messages waiting for the connection, oldest first.
    buffer: VecDeque<Vec<u8>>,
    buffered_bytes: usize,
    max_buffer_bytes: usize,
    /// Messages dropped because the buffer was full, not yet reported.
    dropped: u64,
    backoff: Duration,
    next_attempt: Instant,
}

impl Tcp {
    fn connect(&mut self) -> io::Result<()> {
        let stream = TcpStream::connect_timeout(&self.target, CONNECT_TIMEOUT)?;
        stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
        stream.set_nodelay(true)?;
        self.stream = Some(stream);
        self.backoff = MIN_BACKOFF;
        Ok(())
    }

    fn frame(&self, message: &[u8]) -> Vec<u8> {
        match self.framing {
            Framing::OctetCounting => {
                let mut framed = format!("{} ", message.len()).into_bytes();
                framed.extend_from_slice(message);
                framed
            }
            Framing::NewLine => {
                let mut framed = message.to_vec();
                framed.push(b'\n');
                framed
            }
        }
    }

    /// Sends a message, or buffers it while the server is unreachable.
    fn send(&mut self, message: &[u8]) -> io::Result<()> {
        let framed = self.frame(message);
        self.buffer_message(framed);
        self.drain(false);
        Ok(())
    }

    fn buffer_message(&mut self, framed: Vec<u8>) {
        if self.buffered_bytes + framed.len() > self.max_buffer_bytes && !self.buffer.is_empty() {
            self.dropped += 1;
            return;
        }
        self.buffered_bytes += framed.len();
        self.buffer.push_back(framed);
    }

    /// Writes buffered messages in order while the connection holds; reconnects when its
    /// backoff allows (or at once when `now` is set).
    fn drain(&mut self, now: bool) {
        while !self.buffer.is_empty() {
            if self.stream.is_none() || self.peer_closed() {
                self.stream = None;
                if !now && Instant::now() < self.next_attempt {
                    return;
                }
                if let Err(e) = self.connect() {
                    self.next_attempt = Instant::now() + self.backoff;
                    self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                    if self.buffer.len() == 1 {
                        hooklog::report_failure(
                            "hooklog-syslog unreachable",
                            format_args!(
                                "syslog TCP {} unreachable ({e}); buffering up to {} bytes",
                                self.address, self.max_buffer_bytes
                            ),
                        );
                    }
                    return;
                }
                self.report_dropped();
            }
            let stream = self.stream.as_mut().expect("connected above");
            let framed = self.buffer.front().expect("not empty");
            match stream.write_all(framed) {
                Ok(()) => {
                    self.buffered_bytes -= framed.len();
                    self.buffer.pop_front();
                }
                Err(e) => {
                    hooklog::report_failure(
                        "hooklog-syslog write failed",
                        format_args!(
                            "syslog TCP {} write failed ({e}); reconnecting",
                            self.address
                        ),
                    );
                    self.stream = None;
                }
            }
        }
    }

    /// Whether the server closed the connection: a non-blocking peek reads end-of-file.
    /// Checked before each write, so a server that went away loses no message written
    /// after it closed.
    fn peer_closed(&self) -> bool {
        let Some(stream) = &self.stream else {
            return true;
        };
        if stream.set_nonblocking(true).is_err() {
            return true;
        }
        let mut byte = [0u8; 1];
        let closed = match stream.peek(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => e.kind() != io::ErrorKind::WouldBlock,
        };
        closed || stream.set_nonblocking(false).is_err()
    }

    fn report_dropped(&mut self) {
        if self.dropped > 0 {
            hooklog::report_failure(
                "hooklog-syslog dropped",
                format_args!(
                    "syslog TCP {}: dropped {} records while it was unreachable (buffer of {} bytes full)",
                    self.address, self.dropped, self.max_buffer_bytes
                ),
            );
            self.dropped = 0;
        }
    }

    fn flush_buffer(&mut self) -> io::Result<()> {
        self.drain(true);
        if let Some(stream) = &mut self.stream {
            stream.flush()?;
        }
        self.report_dropped_if_down();
        if self.buffer.is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::NotConnected,
                format!(
                    "syslog TCP {} unreachable: {} records still buffered",
                    self.address,
                    self.buffer.len()
                ),
            ))
        }
    }

    fn report_dropped_if_down(&mut self) {
        if self.stream.is_none() {
            self.report_dropped();
        }
    }
}
