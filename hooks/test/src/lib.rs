//! Test helpers for code that logs through hooklog, like logrus's `hooks/test`.
//!
//! [`CaptureHook`] records every entry it sees; [`null_logger`] gives a logger that
//! discards its output and captures instead, so tests assert on records, not text;
//! [`capture`] gives a logger whose formatted text tests can read.
//!
//! ```
//! use hooklog::Level;
//!
//! let (logger, hook) = hooklog_test::null_logger();
//! logger.with_field("user", "alice").error("login failed");
//! assert_eq!(hook.len(), 1);
//! let last = hook.last().unwrap();
//! assert_eq!(last.level(), Level::Error);
//! assert_eq!(last.message(), "login failed");
//! assert_eq!(last.fields().get("user").and_then(|v| v.as_str()), Some("alice"));
//! hook.reset();
//! assert!(hook.is_empty());
//! ```

#![warn(missing_docs)]

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hooklog::{Entry, Error, Formatter, Hook, Level, Logger, MemoryOut};

/// A hook that keeps a copy of every entry it fires on, for tests to inspect.
///
/// Register it through an `Arc` to keep a handle: `logger.add_hook(Arc::clone(&hook))`.
/// Copies are pooled entries with their level, message, time, fields and caller as the
/// formatter saw them (hooks added after this one may still change the formatted record).
#[derive(Default)]
pub struct CaptureHook {
    entries: Mutex<Vec<Entry>>,
}

impl CaptureHook {
    /// An empty capture.
    pub fn new() -> CaptureHook {
        CaptureHook::default()
    }

    /// Copies of every captured entry, oldest first.
    pub fn entries(&self) -> Vec<Entry> {
        self.lock().clone()
    }

    /// A copy of the newest captured entry.
    pub fn last(&self) -> Option<Entry> {
        self.lock().last().cloned()
    }

    /// The number of captured entries.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Forgets every captured entry.
    pub fn reset(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Hook for CaptureHook {
    fn levels(&self) -> &[Level] {
        &Level::ALL
    }

    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        self.lock().push(entry.clone());
        Ok(())
    }
}

/// A logger at `Info` (as logrus's `NewNullLogger`) that writes nothing, with a
/// [`CaptureHook`] attached.
pub fn null_logger() -> (Logger, Arc<CaptureHook>) {
    let hook = Arc::new(CaptureHook::new());
    let logger = Logger::builder()
        .out(std::io::sink())
        .hook(Arc::clone(&hook))
        .build();
    (logger, hook)
}

/// A logger at `Trace` that formats with `formatter` into a [`MemoryOut`], for tests that
/// assert on the text records become.
///
/// ```
/// let (logger, out) = hooklog_test::capture(hooklog::JsonFormatter::new().disable_timestamp(true));
/// logger.debug("seen");
/// assert_eq!(out.contents(), b"{\"level\":\"debug\",\"msg\":\"seen\"}\n");
/// ```
pub fn capture(formatter: impl Formatter) -> (Logger, MemoryOut) {
    let out = MemoryOut::new();
    let logger = Logger::builder()
        .level(Level::Trace)
        .formatter(formatter)
        .out(out.clone())
        .build();
    (logger, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_every_level_in_order_with_fields() {
        let (logger, hook) = null_logger();
        logger.set_level(Level::Trace);
        for level in Level::ALL.into_iter().skip(2) {
            logger
                .with_field("level_name", level.as_str())
                .log(level, level.as_str());
        }
        let entries = hook.entries();
        let levels: Vec<Level> = entries.iter().map(Entry::level).collect();
        assert_eq!(levels, &Level::ALL[2..]);
        assert!(entries.iter().all(|e| e.fields().get("level_name").and_then(|v| v.as_str())
            == Some(e.message())));
    }

    #[test]
    fn respects_the_logger_level_and_resets() {
        let (logger, hook) = null_logger();
        logger.debug("below Info");
        assert!(hook.is_empty());
        assert!(hook.last().is_none());
        logger.info("kept");
        logger.warn("kept too");
        assert_eq!(hook.len(), 2);
        assert_eq!(hook.last().unwrap().message(), "kept too");
        hook.reset();
        assert_eq!(hook.len(), 0);
    }

    #[test]
    fn captures_from_many_threads() {
        let (logger, hook) = null_logger();
        std::thread::scope(|s| {
            for t in 0..4 {
                let logger = logger.clone();
                s.spawn(move || {
                    for i in 0..250 {
                        logger.with_field("t", t).info(format_args!("{i}"));
                    }
                });
            }
        });
        assert_eq!(hook.len(), 1000);
    }
}

/// A global allocator that counts the allocations of the threads measuring with
/// [`allocations_during`], for tests that prove code allocates nothing.
///
/// ```
/// #[global_allocator]
/// static ALLOCATOR: hooklog_test::CountingAllocator = hooklog_test::CountingAllocator;
///
/// let logger = hooklog::Logger::builder().out(std::io::sink()).build();
/// logger.info("steady state"); // warms the pool and the buffers up
/// assert_eq!(hooklog_test::allocations_during(|| logger.info("steady state")), 0);
/// ```
pub struct CountingAllocator;

thread_local! {
    static COUNTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static COUNT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn count_one() {
    if COUNTING.with(std::cell::Cell::get) {
        COUNT.with(|c| c.set(c.get() + 1));
    }
}

// SAFETY: every call is passed on to the system allocator unchanged; counting touches
// only const-initialised thread-locals, which never allocate.
#[allow(unsafe_code, reason = "a global allocator implements an unsafe trait")]
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as above.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: as above.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

/// The number of allocations (and reallocations) this thread made while running `f`;
/// counts only when [`CountingAllocator`] is the global allocator, else 0.
pub fn allocations_during(f: impl FnOnce()) -> u64 {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    COUNT.with(std::cell::Cell::get)
}

/// A small tmpfs, for tests of what happens when a disk fills up; unmounted when dropped.
///
/// Mounting needs root (or the capability to mount); tests skip with a message when
/// [`mount`](SmallDisk::mount) says why it could not.
///
/// ```no_run
/// let disk = match hooklog_test::SmallDisk::mount("1m") {
///     Ok(disk) => disk,
///     Err(why) => return println!("skipped: {why}"),
/// };
/// std::fs::write(disk.path().join("filler"), vec![0u8; 900 << 10]).unwrap();
/// ```
#[derive(Debug)]
pub struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    /// Mounts a tmpfs of `size` (`mount`'s notation: `1m`, `512k`) in a new directory
    /// under the temporary directory.
    ///
    /// # Errors
    ///
    /// Why the mount failed (`mount`'s own message: not root, no permission, ...).
    pub fn mount(size: &str) -> Result<SmallDisk, String> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("hooklog-disk-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let output = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .output()
            .map_err(|e| format!("running mount: {e}"))?;
        if output.status.success() {
            Ok(SmallDisk(dir))
        } else {
            let _ = std::fs::remove_dir(&dir);
            Err(format!(
                "mounting a {size} tmpfs failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }

    /// Where the tmpfs is mounted.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// A loopback TCP port that refuses connections for as long as the returned socket lives:
/// it is bound, so no other process can take it, but never listens. For tests of how a
/// hook reports an unreachable destination.
///
/// ```
/// let (_held, port) = hooklog_test::refusing_port();
/// assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
/// ```
///
/// # Panics
///
/// If no socket can be created or bound.
#[allow(
    unsafe_code,
    reason = "a socket bound but never listening needs the socket calls"
)]
pub fn refusing_port() -> (std::os::fd::OwnedFd, u16) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain socket calls on a descriptor this function owns; `addr` and `len`
    // are valid for the sizes passed.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        let socket = std::os::fd::OwnedFd::from_raw_fd(fd);
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_addr.s_addr = u32::from_be_bytes([127, 0, 0, 1]).to_be();
        let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        let bound = libc::bind(fd, (&raw const addr).cast(), len);
        assert_eq!(bound, 0, "bind: {}", std::io::Error::last_os_error());
        let named = libc::getsockname(fd, (&raw mut addr).cast(), &mut len);
        assert_eq!(named, 0, "getsockname: {}", std::io::Error::last_os_error());
        (socket, u16::from_be(addr.sin_port))
    }
}

/// The keys of a JSON object, in the order they are written, duplicates kept (a map would
/// keep one of them): for tests of key order, and that no record carries a key twice.
///
/// ```
/// assert_eq!(hooklog_test::json_keys(r#"{"a":1,"b":{"c":2},"a":3}"#), ["a", "b", "a"]);
/// ```
///
/// # Panics
///
/// If `line` is not a JSON object.
pub fn json_keys(line: &str) -> Vec<String> {
    struct Keys(Vec<String>);
    impl<'de> serde::de::Visitor<'de> for &mut Keys {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some((key, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                self.0.push(key);
            }
            Ok(())
        }
    }
    let mut keys = Keys(Vec::new());
    let mut parser = serde_json::Deserializer::from_str(line);
    serde::Deserializer::deserialize_map(&mut parser, &mut keys)
        .unwrap_or_else(|e| panic!("not a JSON object ({e}): {line}"));
    keys.0
}

/// An error with a cause, for tests of error chains: "card network unreachable", caused by
/// "connection reset".
///
/// ```
/// let err = hooklog_test::caused_error();
/// assert_eq!(err.to_string(), "card network unreachable");
/// assert_eq!(std::error::Error::source(&err).unwrap().to_string(), "connection reset");
/// ```
pub fn caused_error() -> std::io::Error {
    std::io::Error::other(Unreachable(std::io::Error::other("connection reset")))
}

/// "card network unreachable", caused by the error it holds.
#[derive(Debug)]
struct Unreachable(std::io::Error);

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("card network unreachable")
    }
}

impl std::error::Error for Unreachable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
