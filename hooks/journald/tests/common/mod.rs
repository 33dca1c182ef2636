//! What the tests send to: a datagram listener that reads the journal's wire format
//! (descriptors passed with a record included), and a private systemd-journald in a
//! namespace of its own, read back with `journalctl`.
#![allow(dead_code)] // each test uses a part
#![allow(
    unsafe_code,
    reason = "receiving a descriptor (recvmsg, SCM_RIGHTS), reading its seals, and a child's parent-death signal"
)]

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::net::UnixDatagram;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh directory for one test.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hooklog-journald-{}-{}-{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One field of a record as the journal reads it.
pub(crate) type Field = (String, Vec<u8>);

/// The fields of a record in the native protocol, in order.
pub(crate) fn parse(mut bytes: &[u8]) -> Vec<Field> {
    let mut fields = Vec::new();
    while !bytes.is_empty() {
        let line_end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .expect("a field ends with \\n");
        let line = &bytes[..line_end];
        match line.iter().position(|&b| b == b'=') {
            Some(eq) => {
                let name = String::from_utf8(line[..eq].to_vec()).unwrap();
                fields.push((name, line[eq + 1..].to_vec()));
                bytes = &bytes[line_end + 1..];
            }
            None => {
                let name = String::from_utf8(line.to_vec()).unwrap();
                let rest = &bytes[line_end + 1..];
                let len = u64::from_le_bytes(rest[..8].try_into().unwrap()) as usize;
                fields.push((name, rest[8..8 + len].to_vec()));
                assert_eq!(rest[8 + len], b'\n', "a binary field ends with \\n");
                bytes = &rest[9 + len..];
            }
        }
    }
    fields
}

/// The value of field `name` in `fields`, as text.
pub(crate) fn get<'a>(fields: &'a [Field], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| std::str::from_utf8(v).unwrap())
}

/// A datagram socket standing in for the journal's.
pub(crate) struct Listener {
    pub(crate) path: PathBuf,
    socket: UnixDatagram,
}

/// A record received, and how: `Some(seals)` when it came in a passed descriptor.
pub(crate) struct Received {
    pub(crate) bytes: Vec<u8>,
    pub(crate) seals: Option<i32>,
}

impl Listener {
    pub(crate) fn bind(dir: &Path) -> Listener {
        let path = dir.join("socket");
        let socket = UnixDatagram::bind(&path).unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Listener { path, socket }
    }

    /// The next record: a datagram, or the contents of the descriptor it passes.
    pub(crate) fn recv(&self) -> Received {
        let mut data = vec![0u8; 1 << 20];
        let mut control = [0u8; 64];
        // SAFETY: the iovec and control buffer outlive the call and are sized as given;
        // a descriptor received is taken into a `File` once, and the header read through
        // CMSG_FIRSTHDR / CMSG_DATA stays inside `control`.
        unsafe {
            let mut iov = libc::iovec {
                iov_base: data.as_mut_ptr().cast(),
                iov_len: data.len(),
            };
            let mut message: libc::msghdr = std::mem::zeroed();
            message.msg_iov = &mut iov;
            message.msg_iovlen = 1;
            message.msg_control = control.as_mut_ptr().cast();
            message.msg_controllen = control.len() as _;
            let n = libc::recvmsg(self.socket.as_raw_fd(), &mut message, 0);
            assert!(n >= 0, "recvmsg: {}", std::io::Error::last_os_error());
            let header = libc::CMSG_FIRSTHDR(&message);
            if header.is_null() {
                data.truncate(n as usize);
                return Received {
                    bytes: data,
                    seals: None,
                };
            }
            assert_eq!(n, 0, "a descriptor comes without payload");
            assert_eq!((*header).cmsg_type, libc::SCM_RIGHTS);
            let fd = libc::CMSG_DATA(header).cast::<i32>().read_unaligned();
            let seals = libc::fcntl(fd, libc::F_GET_SEALS);
            let mut file = File::from_raw_fd(fd);
            // The sender's writes left the shared offset at the end; journald maps it.
            file.seek(SeekFrom::Start(0)).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            Received {
                bytes,
                seals: Some(seals),
            }
        }
    }
}

/// A private systemd-journald in a namespace of its own, with rate limiting off and
/// volatile storage; stopped and removed when dropped.
pub(crate) struct Journal {
    pub(crate) namespace: String,
    child: Child,
}

const JOURNALD: &str = "/usr/lib/systemd/systemd-journald";

impl Journal {
    /// Starts one; `None` (a failure under `HOOKLOG_REQUIRE_SERVERS=1` when journald is
    /// not installed) where it cannot run: no journald, or not root.
    pub(crate) fn start() -> Option<Journal> {
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let installed = Path::new(JOURNALD).exists();
        if !installed {
            assert!(
                std::env::var_os("HOOKLOG_REQUIRE_SERVERS").is_none_or(|v| v != "1"),
                "{JOURNALD} is not installed and HOOKLOG_REQUIRE_SERVERS=1 (scripts/install-servers installs systemd)"
            );
        }
        if !installed || !root {
            eprintln!(
                "skipping: a private systemd-journald needs {JOURNALD} and root (installed: {installed}, root: {root})"
            );
            return None;
        }
        let namespace = format!(
            "hooklog{}n{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        std::fs::write(
            config(&namespace),
            "[Journal]\nStorage=volatile\nRateLimitIntervalSec=0\nRateLimitBurst=0\n",
        )
        .unwrap();
        let mut command = Command::new(JOURNALD);
        command.arg(&namespace);
        // SAFETY: prctl is async-signal-safe; the journal dies with the test's thread.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        let journal = Journal { namespace, child };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !journal.socket().exists() {
            assert!(Instant::now() < deadline, "journald did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(journal)
    }

    pub(crate) fn socket(&self) -> PathBuf {
        PathBuf::from(format!("/run/systemd/journal.{}/socket", self.namespace))
    }

    /// The entries with `SYSLOG_IDENTIFIER=identifier`, once there are `count` of them
    /// (or after 20 s), as `journalctl -o json` gives them.
    pub(crate) fn entries(&self, identifier: &str, count: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let output = Command::new("journalctl")
                .args([
                    "--namespace",
                    &self.namespace,
                    "-o",
                    "json",
                    "--all",
                    "--no-pager",
                ])
                .arg(format!("SYSLOG_IDENTIFIER={identifier}"))
                .output()
                .unwrap();
            let entries: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect();
            if entries.len() >= count || Instant::now() > deadline {
                return entries;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(config(&self.namespace));
        let _ = std::fs::remove_dir_all(format!("/run/systemd/journal.{}", self.namespace));
        for logs in ["/run/log/journal", "/var/log/journal"] {
            for dir in std::fs::read_dir(logs).into_iter().flatten().flatten() {
                if dir
                    .file_name()
                    .to_string_lossy()
                    .ends_with(&format!(".{}", self.namespace))
                {
                    let _ = std::fs::remove_dir_all(dir.path());
                }
            }
        }
    }
}

fn config(namespace: &str) -> PathBuf {
    PathBuf::from(format!("/etc/systemd/journald@{namespace}.conf"))
}

/// A journal field's value as `journalctl -o json` gives it: a string, or for a value
/// that is not printable text (a newline, say), an array of its bytes.
pub(crate) fn text(entry: &serde_json::Value, name: &str) -> Option<String> {
    match &entry[name] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(bytes) => Some(
            String::from_utf8(bytes.iter().map(|b| b.as_u64().unwrap() as u8).collect()).unwrap(),
        ),
        _ => None,
    }
}
