//! Many threads on one logger: no record lost, split or interleaved, whatever the out:
//! one that locks by itself (a `MemoryOut`, stderr) or one the logger locks for it.

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::process::Command;
use std::sync::{Arc, Mutex};

use hooklog::{JsonFormatter, Logger, MemoryOut};

const THREADS: u64 = 8;
const PER_THREAD: u64 = 10_000;

/// Logs `PER_THREAD` records from each of `THREADS` threads through `logger`.
fn log_from_threads(logger: &Logger, per_thread: u64) {
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let logger = logger.clone();
            scope.spawn(move || {
                let context = logger.with_field("thread", thread);
                for seq in 0..per_thread {
                    hooklog::info!(context, "record {}", seq; "seq" => seq, "pad" => "x y z \"q\" \n");
                }
            });
        }
    });
}

/// Checks that `text` holds every record `log_from_threads` logged, each whole, once.
fn assert_every_record_whole_once(text: &str, per_thread: u64) {
    assert!(text.ends_with('\n'));
    let mut seen = HashSet::new();
    let mut lines = 0;
    for line in text.lines() {
        lines += 1;
        let record: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        let thread = record["thread"].as_u64().unwrap();
        let seq = record["seq"].as_u64().unwrap();
        assert_eq!(record["msg"], format!("record {seq}"));
        assert!(seen.insert((thread, seq)), "duplicate {thread}/{seq}");
    }
    assert_eq!(lines, THREADS * per_thread);
    assert_eq!(seen.len() as u64, THREADS * per_thread);
}

#[test]
fn eight_threads_never_interleave_or_lose_records() {
    let out = MemoryOut::new();
    let logger = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(out.clone())
        .build();
    log_from_threads(&logger, PER_THREAD);
    assert_every_record_whole_once(&common::output(&out), PER_THREAD);
}

/// An out that takes one byte per `write`, so a record written without the logger's lock
/// would interleave with another thread's.
#[derive(Clone, Default)]
struct ByteByByte(Arc<Mutex<Vec<u8>>>);

impl Write for ByteByByte {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match bytes.first() {
            Some(&b) => {
                self.0.lock().unwrap().push(b);
                Ok(1)
            }
            None => Ok(0),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_out_that_writes_in_pieces_is_locked_for_the_whole_record() {
    let out = ByteByByte::default();
    let logger = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(out.clone())
        .build();
    log_from_threads(&logger, 1_000);
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    assert_every_record_whole_once(&text, 1_000);
}

#[test]
fn records_to_stderr_from_eight_threads_stay_whole() {
    if common::is_child() {
        let logger = Logger::builder()
            .formatter(JsonFormatter::new())
            .out(std::io::stderr())
            .build();
        log_from_threads(&logger, 1_000);
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "records_to_stderr_from_eight_threads_stay_whole"])
        .args(["--nocapture", "--test-threads=1"])
        .env("HOOKLOG_CHILD", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_every_record_whole_once(&stderr, 1_000);
}
