//! Errors with their causes: `with_error`, `Value::error` and the tracing bridge's errors
//! carry the `source()` chain into every formatter, and a backtrace when the environment
//! asks for one.

mod common;

use std::fmt;

use common::{is_child, json, output, records, run_child_test, text};
use hooklog::{ErrorChain, Value};
use serde_json::json;

/// An error whose message is `message` and whose cause is `source`.
#[derive(Debug)]
struct Layer {
    message: &'static str,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for Layer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// "payment failed", caused by "card network unreachable", caused by "connection reset".
fn three_deep() -> Layer {
    Layer {
        message: "payment failed",
        source: Some(Box::new(Layer {
            message: "card network unreachable",
            source: Some(Box::new(std::io::Error::other("connection reset"))),
        })),
    }
}

#[test]
fn json_writes_the_message_and_the_causes() {
    let (logger, out) = common::capture(json());
    logger.with_error(&three_deep()).error("charge");
    logger
        .with_error(&std::io::Error::other("alone"))
        .error("charge");
    let records = records(&out);
    assert_eq!(records[0]["error"], json!("payment failed"));
    assert_eq!(
        records[0]["error.causes"],
        json!(["card network unreachable", "connection reset"])
    );
    assert_eq!(records[1]["error"], json!("alone"));
    assert_eq!(records[1].get("error.causes"), None, "no cause, no causes");
}

#[test]
fn text_joins_the_chain() {
    let (logger, out) = common::capture(text());
    logger.with_error(&three_deep()).error("charge");
    assert_eq!(
        output(&out),
        "level=error msg=charge error=\"payment failed: card network unreachable: connection reset\"\n"
    );
}

#[test]
fn anyhow_and_boxed_errors_keep_their_chains() {
    let (logger, out) = common::capture(json());
    let anyhow = anyhow::Error::new(std::io::Error::other("disk full"))
        .context("writing the ledger")
        .context("closing the day");
    logger.with_error(&*anyhow).error("batch");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(three_deep());
    hooklog::error!(logger, "boxed"; "failure" => Value::error(&*boxed));
    let records = records(&out);
    assert_eq!(records[0]["error"], json!("closing the day"));
    assert_eq!(
        records[0]["error.causes"],
        json!(["writing the ledger", "disk full"])
    );
    assert_eq!(records[1]["failure"], json!("payment failed"));
    assert_eq!(records[1]["failure.causes"].as_array().unwrap().len(), 2);
}

#[test]
fn the_chain_reads_back() {
    let chain = ErrorChain::of(&three_deep());
    assert_eq!(chain.message(), "payment failed");
    assert_eq!(
        chain.causes().collect::<Vec<_>>(),
        ["card network unreachable", "connection reset"]
    );
    assert_eq!(
        chain.to_string(),
        "payment failed: card network unreachable: connection reset"
    );
}

#[test]
fn ecs_writes_a_stack_trace_and_gelf_the_joined_chain() {
    let (logger, out) = common::capture(hooklog_ecs::EcsFormatter::new());
    logger.with_error(&three_deep()).error("charge");
    let record = &records(&out)[0];
    assert_eq!(record["error.message"], json!("payment failed"));
    assert_eq!(
        record["error.stack_trace"],
        json!("payment failed\nCaused by: card network unreachable\nCaused by: connection reset")
    );
    let (logger, out) = common::capture(hooklog_gelf::GelfFormatter::new());
    logger.with_error(&three_deep()).error("charge");
    let record: serde_json::Value =
        serde_json::from_str(output(&out).trim_end_matches(['\0', '\n'])).unwrap();
    assert_eq!(
        record["_error"],
        json!("payment failed: card network unreachable: connection reset")
    );
}

#[test]
fn tracing_errors_carry_their_causes() {
    use tracing_subscriber::layer::SubscriberExt;
    let (logger, out) = common::capture(json());
    let subscriber = tracing_subscriber::registry().with(hooklog_tracing::layer(logger));
    tracing::subscriber::with_default(subscriber, || {
        let err = three_deep();
        tracing::error!(error = &err as &dyn std::error::Error, "charge");
    });
    let record = &records(&out)[0];
    assert_eq!(record["error"], json!("payment failed"));
    assert_eq!(record["error.causes"].as_array().unwrap().len(), 2);
}

/// Run as a child with `RUST_LIB_BACKTRACE` and `RUST_BACKTRACE` set (a process decides
/// once whether to capture backtraces): prints the record.
#[test]
#[ignore = "run by a_backtrace_is_written_only_when_the_environment_asks"]
fn child_logs_an_error() {
    if !is_child() {
        return;
    }
    let (logger, out) = common::capture(json());
    logger
        .with_error(&std::io::Error::other("no cause"))
        .error("failed");
    print!("\nRECORD {}", output(&out));
}

#[test]
fn a_backtrace_is_written_only_when_the_environment_asks() {
    // RUST_BACKTRACE alone, set for panics, does not put a backtrace on every error.
    for (setting, expected) in [("1", true), ("full", true), ("0", false), ("", false)] {
        let child = run_child_test(
            "child_logs_an_error",
            &[("RUST_LIB_BACKTRACE", setting), ("RUST_BACKTRACE", "1")],
        );
        assert!(child.status.success(), "{child:?}");
        let stdout = String::from_utf8_lossy(&child.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("RECORD "))
            .unwrap_or_else(|| panic!("{stdout}"));
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["error"], json!("no cause"));
        let backtrace = record.get("error.backtrace").and_then(|b| b.as_str());
        assert_eq!(
            backtrace.is_some(),
            expected,
            "RUST_LIB_BACKTRACE={setting}: {line}"
        );
        if let Some(backtrace) = backtrace {
            assert!(backtrace.contains("child_logs_an_error"), "{backtrace}");
        }
    }
}
