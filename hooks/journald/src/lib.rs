//! Sends records to systemd-journald over its native protocol, for services that run
//! under systemd: every field its own journal field, queryable with
//! `journalctl FIELD=value`, instead of a line of text.
//!
//! | journal field | from |
//! |---|---|
//! | `PRIORITY` | the level, as syslog severities (Panic 0, Fatal 2, Error 3, Warn 4, Info 6, Debug and Trace 7) |
//! | `MESSAGE` | the message |
//! | `SYSLOG_IDENTIFIER` | the program's name, or [`syslog_identifier`](JournaldHookBuilder::syslog_identifier) |
//! | `CODE_FILE`, `CODE_LINE`, `CODE_FUNC` | the caller (its module as the function), when the logger reports callers |
//! | `TARGET` | the record's target |
//! | `TRACE_ID`, `SPAN_ID` | the record's [trace context](hooklog::TraceContext) |
//! | one per field | the field: its name upper-cased, anything but `[A-Z0-9_]` as `_`, without leading `_`, `F_` before a leading digit, at most 64 bytes, and `_2`, `_3`, ... after a name already taken (by another field, or one of the fields above: a field `priority` is `PRIORITY_2`); its value as text (JSON values compact) |
//!
//! A value holding a newline is sent in the protocol's binary-safe form, so it arrives
//! whole. A record larger than the socket takes in one datagram (about 200 KiB) is
//! written to a sealed memfd whose descriptor is passed to the journal, as the protocol
//! describes, so no record is too large. A journal that is not running fails
//! [`build`](JournaldHookBuilder::build) with a clear error; one that goes away later
//! makes each record fail, counted ([`dropped`](JournaldHook::dropped)) and reported on
//! stderr.
//!
//! ```no_run
//! use hooklog::Logger;
//! use hooklog_journald::JournaldHook;
//!
//! let journald = JournaldHook::builder()
//!     .syslog_identifier("checkout")
//!     .field("DEPLOYMENT", "eu-1")
//!     .build()?;
//! let logger = Logger::builder().no_out().hook(journald).build();
//! hooklog::info!(logger, "payment accepted"; "order" => 1042, "amount_cents" => 1999);
//! // journalctl -t checkout ORDER=1042 -o verbose
//! # Ok::<(), hooklog::Error>(())
//! ```

#![warn(missing_docs)]

use std::cell::RefCell;
use std::io;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use hooklog::{Entry, Error, Hook, Level};

mod memfd;
mod native;

/// The system journal's socket.
const SYSTEM_SOCKET: &str = "/run/systemd/journal/socket";

/// Sends records to the journal; build it with [`JournaldHook::builder`].
#[derive(Debug)]
pub struct JournaldHook {
    levels: Vec<Level>,
    socket: UnixDatagram,
    path: PathBuf,
    /// `SYSLOG_IDENTIFIER` and the builder's fields, encoded once.
    fixed: native::Fixed,
    sent: AtomicU64,
    dropped: AtomicU64,
}

/// Builds a [`JournaldHook`].
#[derive(Debug)]
#[must_use]
pub struct JournaldHookBuilder {
    path: PathBuf,
    identifier: Option<String>,
    fields: Vec<(String, String)>,
    levels: Vec<Level>,
}

thread_local! {
    /// Where each thread encodes its records.
    static RECORD: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl JournaldHook {
    /// A hook sending to the system journal, with the defaults of [`builder`](Self::builder).
    ///
    /// # Errors
    ///
    /// As [`JournaldHookBuilder::build`].
    pub fn new() -> Result<JournaldHook, Error> {
        JournaldHook::builder().build()
    }

    /// A builder: the system journal's socket, the program's name as
    /// `SYSLOG_IDENTIFIER`, every level.
    pub fn builder() -> JournaldHookBuilder {
        JournaldHookBuilder {
            path: PathBuf::from(SYSTEM_SOCKET),
            identifier: None,
            fields: Vec::new(),
            levels: Level::ALL.to_vec(),
        }
    }

    /// The socket records are sent to.
    pub fn socket_path(&self) -> &Path {
        &self.path
    }

    /// Records the journal took.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Records that could not be sent (the journal was not running).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn send(&self, record: &[u8]) -> io::Result<()> {
        match self.socket.send_to(record, &self.path) {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EMSGSIZE | libc::ENOBUFS)) => {
                memfd::send(&self.socket, &self.path, record)
            }
            Err(e) => Err(e),
        }
    }
}

impl Hook for JournaldHook {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let sent = hooklog::encode::with_scratch(&RECORD, |record| {
            record.clear();
            native::put_record(record, entry, &self.fixed);
            self.send(record)
        });
        match sent {
            Ok(()) => {
                self.sent.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                hooklog::report_failure(
                    "journald send",
                    format_args!(
                        "journald {}: {e}; records dropped ({dropped} so far)",
                        self.path.display()
                    ),
                );
            }
        }
        Ok(())
    }
}

impl JournaldHookBuilder {
    /// The journal of `namespace` (`systemd-journald@namespace.service`) instead of the
    /// system's: `/run/systemd/journal.<namespace>/socket`.
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.path = PathBuf::from(format!("/run/systemd/journal.{namespace}/socket"));
        self
    }

    /// The journal socket at `path`.
    pub fn socket(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = path.into();
        self
    }

    /// `SYSLOG_IDENTIFIER` (what `journalctl -t` selects by); the program's name by default.
    pub fn syslog_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.identifier = Some(identifier.into());
        self
    }

    /// A field every record carries (a deployment, a region), its name made valid as a
    /// record's fields' are.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// The levels the hook sends.
    pub fn levels(mut self, levels: &[Level]) -> Self {
        self.levels = levels.to_vec();
        self
    }

    /// The hook, once the journal's socket answers.
    ///
    /// # Errors
    ///
    /// If no journal listens at the socket (not running under systemd, or the namespace's
    /// journal not started): the error names the socket and the reason.
    pub fn build(self) -> Result<JournaldHook, Error> {
        let unreachable = |e: io::Error| {
            Error::new(format!(
                "journald socket {}: {e} (is systemd-journald running?)",
                self.path.display()
            ))
        };
        // A connected socket proves a journal listens; records go through an unconnected
        // one, so a journal that restarts is found again.
        UnixDatagram::unbound()
            .and_then(|probe| probe.connect(&self.path))
            .map_err(unreachable)?;
        let socket = UnixDatagram::unbound().map_err(unreachable)?;
        let identifier = self.identifier.unwrap_or_else(program_name);
        let fixed = native::Fixed::new(&identifier, &self.fields);
        Ok(JournaldHook {
            levels: self.levels,
            socket,
            path: self.path,
            fixed,
            sent: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        })
    }
}

/// The executable's file name, as journald's own clients default to.
fn program_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "hooklog".to_owned())
}
