//! A child process (`examples/otlp_exits.rs`) exports records with the default settings,
//! configured by the `OTEL_*` environment variables, and ends: by returning, by
//! `process::exit`, by a fatal record, by a panic that aborts, by SIGTERM. Every record
//! reaches the receiver, once, in order.
#![allow(unsafe_code, reason = "signals sent to child processes")]

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use common::{Receiver, numbers};
use serde_json::json;

const RECORDS: i64 = 5000;

/// The example `name` built with `profile` (once per test process): cargo does nothing
/// when it is up to date, so a test never runs a stale build.
fn example(name: &str, profile: &str) -> PathBuf {
    static BUILT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let key = format!("{profile}/{name}");
    if !built.contains(&key) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "hooklog-otlp", "--example", name])
            .args(["--profile", profile])
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "building examples/{name} ({profile}) failed"
        );
        built.push(key);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe.ancestors().nth(3).expect("target directory");
    let dir = if profile == "dev" { "debug" } else { profile };
    target.join(dir).join("examples").join(name)
}

/// The child, told where the receiver is and what it is by the environment alone.
fn child(receiver: &Receiver, how: &str, profile: &str) -> Command {
    let mut command = Command::new(example("otlp_exits", profile));
    command
        .args([how, &RECORDS.to_string()])
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.base_url())
        .env("OTEL_SERVICE_NAME", "exits")
        .env(
            "OTEL_RESOURCE_ATTRIBUTES",
            "deployment.environment.name=test,host.name=a%2Cb",
        )
        .env("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret%20key")
        .env_remove("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT");
    command
}

/// Asserts the receiver holds every record of the child once, in order, with the
/// resource and headers the environment gave.
fn assert_all_received(receiver: &Receiver, output: &Output) {
    let records = receiver.records();
    assert_eq!(
        numbers(&records),
        (0..RECORDS).collect::<Vec<_>>(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let resource = &records[0]["resource"];
    assert_eq!(resource["service.name"], json!({"string": "exits"}));
    assert_eq!(resource["host.name"], json!({"string": "a,b"}));
    let requests = receiver.requests();
    assert!(requests.iter().all(|r| r["path"] == json!("/v1/logs")));
    assert!(
        requests
            .iter()
            .all(|r| r["headers"]["x-api-key"] == json!("secret key"))
    );
}

#[test]
fn returning_from_main() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let output = child(&receiver, "return", "dev").output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_all_received(&receiver, &output);
}

#[test]
fn process_exit() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let output = child(&receiver, "exit", "dev").output().unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_all_received(&receiver, &output);
}

#[test]
fn a_fatal_record() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let output = child(&receiver, "fatal", "dev").output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let records = receiver.records();
    assert_eq!(
        records.last().unwrap()["body"],
        json!({"string": "the end"})
    );
    assert_eq!(records.last().unwrap()["severity_number"], json!(21));
    let records = &records[..records.len() - 1];
    assert_eq!(numbers(records), (0..RECORDS).collect::<Vec<_>>());
}

#[test]
fn a_panic_that_aborts() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let output = child(&receiver, "panic", "panic-abort").output().unwrap();
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{output:?}");
    assert_all_received(&receiver, &output);
}

#[test]
fn sigterm() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let mut child = child(&receiver, "signal", "dev")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "READY\n");
    // SAFETY: signals a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(143), "{output:?}");
    assert_all_received(&receiver, &output);
}

#[test]
fn the_service_example_exports_its_records_in_their_traces() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let output = Command::new(example("otlp_service", "dev"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.base_url())
        .env("OTEL_SERVICE_NAME", "checkout")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("4 records delivered"), "{stdout}");
    let records = receiver.records();
    let traces: Vec<_> = records.iter().map(|r| r["trace_id"].clone()).collect();
    assert_eq!(
        traces[..3],
        [
            json!("4bf92f3577b34da6a3ce929d0e0e4736"),
            json!("0af7651916cd43dd8448eb211c80319c"),
            json!("5e1f0a3c9b2d4e6f8a7b6c5d4e3f2a1b"),
        ]
    );
    assert_eq!(records[2]["flags"], json!(0), "not sampled");
    assert_eq!(records[3]["body"], json!({"string": "card network slow"}));
    assert_eq!(
        records[3]["trace_id"].as_str().unwrap().len(),
        32,
        "the span's trace"
    );
    assert_eq!(
        records[0]["resource"]["service.name"],
        json!({"string": "checkout"})
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("trace_id=4bf92f3577b34da6a3ce929d0e0e4736"),
        "{stderr}"
    );
}
