//! Failing outs and hooks: errors are reported without flooding, logging goes on, and
//! nothing panics. Each scenario runs in a child process so its stderr can be read.
mod common;

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hooklog::{Entry, Error, Hook, Logger, MemoryOut};

/// Fails every `n`th write.
struct EveryNth {
    n: usize,
    calls: Arc<AtomicUsize>,
    inner: MemoryOut,
}

impl Write for EveryNth {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.calls.fetch_add(1, Ordering::SeqCst) % self.n == self.n - 1 {
            return Err(io::Error::other("injected fault"));
        }
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct PanicsAlways;

impl Hook for PanicsAlways {
    fn fire(&self, _: &mut Entry) -> Result<(), Error> {
        panic!("hook bug");
    }
}

#[test]
#[ignore = "child process: run by faults_are_reported_without_flooding"]
fn child_faults() {
    let scenario = std::env::var("SCENARIO").unwrap();
    match scenario.as_str() {
        "dev-full" => {
            let logger = Logger::builder()
                .out(
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open("/dev/full")
                        .unwrap(),
                )
                .build();
            for i in 0..1000 {
                logger.info(format_args!("record {i}"));
            }
        }
        "closed-pipe" => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            let logger = Logger::builder().out(writer).build();
            for i in 0..1000 {
                logger.info(format_args!("record {i}"));
            }
        }
        "every-nth" => {
            let out = MemoryOut::new();
            let logger = Logger::builder()
                .formatter(common::text())
                .out(EveryNth {
                    n: 10,
                    calls: Arc::default(),
                    inner: out.clone(),
                })
                .build();
            for i in 0..1000 {
                logger.info(format_args!("record {i}"));
            }
            println!("WRITTEN {}", common::lines(&out).len());
        }
        "panicking-hook" => {
            let out = MemoryOut::new();
            let logger = Logger::builder()
                .formatter(common::text())
                .out(out.clone())
                .hook(PanicsAlways)
                .build();
            for i in 0..1000 {
                logger.info(format_args!("record {i}"));
            }
            println!("WRITTEN {}", common::lines(&out).len());
        }
        other => panic!("unknown scenario {other}"),
    }
    // Logging goes on after the faults.
    println!("SURVIVED");
}

fn run(scenario: &str) -> (Vec<String>, String) {
    let output = common::run_child_test("child_faults", &[("SCENARIO", scenario)]);
    assert!(output.status.success(), "{scenario}: {output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(stdout.contains("SURVIVED"), "{scenario}: {stdout}");
    (common::hooklog_reports(&output), stdout)
}

#[test]
fn faults_are_reported_without_flooding() {
    let (reports, _) = run("dev-full");
    assert_eq!(
        reports,
        [
            "hooklog: failed to write a record to the out: No space left on device (os error 28)",
            "hooklog: failed to write a record to the out: No space left on device (os error 28) (999 more like this, not shown)",
        ]
    );

    let (reports, _) = run("closed-pipe");
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert!(
        reports[0].ends_with("Broken pipe (os error 32)"),
        "{reports:?}"
    );
    assert!(
        reports[1].ends_with("(999 more like this, not shown)"),
        "{reports:?}"
    );

    let (reports, stdout) = run("every-nth");
    assert!(stdout.contains("WRITTEN 900"), "{stdout}");
    assert_eq!(
        reports,
        [
            "hooklog: failed to write a record to the out: injected fault",
            "hooklog: failed to write a record to the out: injected fault (99 more like this, not shown)",
        ]
    );

    let (reports, stdout) = run("panicking-hook");
    assert!(stdout.contains("WRITTEN 1000"), "{stdout}");
    assert_eq!(
        reports,
        [
            "hooklog: hook faults::PanicsAlways panicked: hook bug",
            "hooklog: hook faults::PanicsAlways panicked: hook bug (999 more like this, not shown)",
        ]
    );
}
