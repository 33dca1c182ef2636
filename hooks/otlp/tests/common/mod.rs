//! The OTLP receiver the tests send to (`tests/receiver.py`, on a free loopback port of
//! its own), and what it stored.
#![allow(dead_code)] // each test uses a part

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use std::sync::Arc;

use hooklog::Logger;
use hooklog_otlp::OtlpHook;
use serde_json::Value as Json;

/// A logger that writes nowhere but through `hook`, which the test keeps to read its
/// counters.
pub(crate) fn logger_sharing(hook: &Arc<OtlpHook>) -> Logger {
    Logger::builder()
        .out(std::io::sink())
        .hook(Arc::clone(hook))
        .build()
}

/// The Python with `opentelemetry-proto` (and the SDK) that `scripts/install-servers`
/// sets up, named by `HOOKLOG_OTLP_PYTHON` (the test command sets it) or found where that
/// script puts it; `None`, a failure under `HOOKLOG_REQUIRE_SERVERS=1`, without it.
pub(crate) fn python() -> Option<PathBuf> {
    let python = std::env::var_os("HOOKLOG_OTLP_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            let venv = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../target/otlp-python/bin/python3"
            );
            Path::new(venv).exists().then(|| PathBuf::from(venv))
        });
    if python.is_none() {
        assert!(
            std::env::var_os("HOOKLOG_REQUIRE_SERVERS").is_none_or(|v| v != "1"),
            "no Python with opentelemetry-proto (HOOKLOG_OTLP_PYTHON) and HOOKLOG_REQUIRE_SERVERS=1: run ./scripts/test"
        );
        eprintln!(
            "no Python with opentelemetry-proto: skipping; ./scripts/install-servers sets it up"
        );
    }
    python
}

/// A running receiver.
pub(crate) struct Receiver {
    python: PathBuf,
    child: Child,
    pub(crate) port: u16,
    dir: PathBuf,
}

impl Receiver {
    /// Starts a receiver with extra `args` (`--answer 503:1`, `--reject 2`); `None` when
    /// there is no Python to run it (see [`python`]).
    pub(crate) fn start(args: &[&str]) -> Option<Receiver> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let python = python()?;
        let dir = std::env::temp_dir().join(format!(
            "hooklog-otlp-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (child, port) = spawn(&python, &dir, 0, args);
        Some(Receiver {
            python,
            child,
            port,
            dir,
        })
    }

    /// The logs endpoint.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}/v1/logs", self.port)
    }

    /// The base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the receiver at once (SIGKILL): what it had not stored is lost to it.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port, appending to the same files, with `args`.
    pub(crate) fn restart(&mut self, args: &[&str]) {
        self.kill();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // The port may take a moment to be free again.
            match try_spawn(&self.python, &self.dir, self.port, args) {
                Some((child, _)) => {
                    self.child = child;
                    return;
                }
                None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                None => panic!("the receiver could not listen on port {} again", self.port),
            }
        }
    }

    /// The records stored so far, in the order they arrived.
    pub(crate) fn records(&self) -> Vec<Json> {
        json_lines(&self.dir.join("records.jsonl"))
    }

    /// The requests seen so far.
    pub(crate) fn requests(&self) -> Vec<Json> {
        json_lines(&self.dir.join("requests.jsonl"))
    }

    /// Waits (up to 30 s) until `count` records are stored; the records.
    pub(crate) fn wait_for(&self, count: usize) -> Vec<Json> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let records = self.records();
            if records.len() >= count || Instant::now() > deadline {
                return records;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn spawn(python: &Path, dir: &Path, port: u16, args: &[&str]) -> (Child, u16) {
    try_spawn(python, dir, port, args).expect("the receiver starts and prints its port")
}

/// Starts `receiver.py`; `None` if it exits before printing its port.
fn try_spawn(python: &Path, dir: &Path, port: u16, args: &[&str]) -> Option<(Child, u16)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/receiver.py");
    let mut child = Command::new(python)
        .arg(script)
        .arg("--out")
        .arg(dir.join("records.jsonl"))
        .arg("--requests")
        .arg(dir.join("requests.jsonl"))
        .args(["--port", &port.to_string()])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    match line.trim().strip_prefix("PORT ") {
        Some(port) => Some((child, port.parse().unwrap())),
        None => {
            let _ = child.wait();
            None
        }
    }
}

fn json_lines(path: &Path) -> Vec<Json> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|line| line.ends_with('}'))
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect()
}

/// The `n` attribute of each record (an int), in order.
pub(crate) fn numbers(records: &[Json]) -> Vec<i64> {
    records
        .iter()
        .map(|record| {
            record["attributes"]["n"]["int"]
                .as_i64()
                .unwrap_or_else(|| panic!("no n in {record}"))
        })
        .collect()
}
