//! The wire format, read by a datagram listener standing in for the journal's socket.

mod common;

use common::{Listener, get, parse, temp_dir};
use hooklog::{Logger, TraceContext, Value};
use hooklog_journald::JournaldHook;
use serde_json::json;

fn logger(hook: JournaldHook) -> Logger {
    Logger::builder()
        .no_out()
        .report_caller(true)
        .hook(hook)
        .build()
}

#[test]
fn every_value_type_becomes_a_field_with_a_valid_unique_name() {
    let dir = temp_dir("types");
    let listener = Listener::bind(&dir);
    let hook = JournaldHook::builder()
        .socket(&listener.path)
        .syslog_identifier("wire-test")
        .field("deployment", "eu-1")
        .build()
        .unwrap();
    let logger = logger(hook);
    let trace =
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .unwrap();
    let line = line!() + 1;
    hooklog::warn!(logger.with_trace_context(trace), target: "billing", "charged {}", 3;
        "text" => "héllo", "int" => -42i64, "big" => u64::MAX, "float" => 0.25,
        "nan" => f64::NAN, "yes" => true, "none" => None::<u8>,
        "json" => json!({"a": [1, "b"]}), "shown" => %std::net::Ipv4Addr::LOCALHOST,
        "broken" => Value::Invalid("no".into()), "priority" => "high",
        "user-name" => "ana", "user.name" => "bo", "lines" => "two\nlines",
        "deployment" => "mine");
    let fields = parse(&listener.recv().bytes);
    let expected = [
        ("PRIORITY", "4"),
        ("MESSAGE", "charged 3"),
        ("SYSLOG_IDENTIFIER", "wire-test"),
        ("DEPLOYMENT", "eu-1"),
        ("CODE_FILE", file!()),
        ("CODE_LINE", &line.to_string()),
        ("CODE_FUNC", module_path!()),
        ("TARGET", "billing"),
        ("TRACE_ID", "4bf92f3577b34da6a3ce929d0e0e4736"),
        ("SPAN_ID", "00f067aa0ba902b7"),
        ("TEXT", "héllo"),
        ("INT", "-42"),
        ("BIG", "18446744073709551615"),
        ("FLOAT", "0.25"),
        ("NAN", "\"NaN\""),
        ("YES", "true"),
        ("NONE", ""),
        ("JSON", r#"{"a":[1,"b"]}"#),
        ("SHOWN", "127.0.0.1"),
        ("PRIORITY_2", "high"),
        ("USER_NAME", "ana"),
        ("USER_NAME_2", "bo"),
        ("LINES", "two\nlines"),
        ("DEPLOYMENT_2", "mine"),
    ];
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        expected.map(|(n, _)| n),
        "the field that failed is left out"
    );
    for (name, value) in expected {
        assert_eq!(get(&fields, name), Some(value), "{name}");
    }
}

#[test]
fn an_error_chain_is_one_field_its_messages_joined() {
    let dir = temp_dir("error-chain");
    let listener = Listener::bind(&dir);
    let logger = logger(
        JournaldHook::builder()
            .socket(&listener.path)
            .build()
            .unwrap(),
    );
    let err = hooklog_test::caused_error();
    logger.with_error(&err).error("charge failed");
    let fields = parse(&listener.recv().bytes);
    assert_eq!(
        get(&fields, "ERROR"),
        Some("card network unreachable: connection reset")
    );
}

#[test]
fn a_record_larger_than_a_datagram_goes_through_a_sealed_memfd() {
    let dir = temp_dir("memfd");
    let listener = Listener::bind(&dir);
    let hook = JournaldHook::builder()
        .socket(&listener.path)
        .build()
        .unwrap();
    let hook = std::sync::Arc::new(hook);
    let logger = Logger::builder().no_out().hook(hook.clone()).build();
    let big = "x".repeat(1 << 20);
    logger.with_field("multi", "a\nb").info(&big);
    logger.info("small again");
    let received = listener.recv();
    let seals = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE | libc::F_SEAL_SEAL;
    assert_eq!(received.seals, Some(seals), "sealed against any change");
    let fields = parse(&received.bytes);
    assert_eq!(get(&fields, "MESSAGE").map(str::len), Some(1 << 20));
    assert_eq!(get(&fields, "MULTI"), Some("a\nb"));
    let next = listener.recv();
    assert_eq!(next.seals, None, "a small record is a datagram");
    assert_eq!(get(&parse(&next.bytes), "MESSAGE"), Some("small again"));
    assert_eq!((hook.sent(), hook.dropped()), (2, 0));
}

#[test]
fn no_journal_fails_at_build_and_a_journal_gone_later_counts_the_drops() {
    let dir = temp_dir("absent");
    let error = JournaldHook::builder()
        .socket(dir.join("missing"))
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!("journald socket {}/missing: ", dir.display()))
            && error.ends_with("(is systemd-journald running?)"),
        "{error}"
    );
    let namespaced = JournaldHook::builder().namespace("hooklog-none").build();
    assert!(
        namespaced
            .unwrap_err()
            .to_string()
            .contains("/run/systemd/journal.hooklog-none/socket")
    );

    let listener = Listener::bind(&dir);
    let hook = std::sync::Arc::new(
        JournaldHook::builder()
            .socket(&listener.path)
            .build()
            .unwrap(),
    );
    let logger = Logger::builder().no_out().hook(hook.clone()).build();
    logger.info("taken");
    drop(listener);
    std::fs::remove_file(dir.join("socket")).unwrap();
    for _ in 0..3 {
        logger.info("nobody listens");
    }
    assert_eq!((hook.sent(), hook.dropped()), (1, 3));
}
