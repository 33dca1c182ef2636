//! The values a service really logs (borrowed request data, errors, Display and Debug
//! values) in every form that takes fields, and the laziness of `log_fields!`.

mod common;

use std::borrow::Cow;
use std::cell::Cell;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hooklog::{Entry, Level, Value, error, info, log_fields, warn};

/// A request a handler only borrows.
#[derive(Debug)]
struct Request {
    user: String,
    path: String,
    peer: SocketAddr,
}

fn request() -> Request {
    Request {
        user: "alice".into(),
        path: "/api/v1/users/42".into(),
        peer: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7)), 51234),
    }
}

/// Every kind of value the macros take, as a handler would pass it.
fn handle(logger: &hooklog::Logger, req: &Request, err: &std::io::Error) {
    let user: &str = &req.user;
    let path: &String = &req.path;
    let method: Cow<'_, str> = Cow::Borrowed("GET");
    let service: Arc<str> = Arc::from("shop");
    let attempt: Option<u8> = Some(3);
    let missing: Option<&str> = None;
    log_fields!(logger;
        "user" => user, "path" => path, "method" => method, "service" => service,
        "grade" => 'A', "attempt" => attempt, "missing" => missing, "bytes" => 512u16,
        "delta" => -7i64, "ratio" => 0.25f32, "ok" => false, "took" => Duration::from_millis(12),
        "ip" => req.peer.ip(), "peer" => req.peer, "file" => %Path::new("/srv/a b").display(),
        "error" => %err, "request" => ?req.user,
    )
    .warn("request failed");
}

#[test]
fn borrowed_request_data_and_errors_in_log_fields() {
    let (logger, out) = common::capture(common::json());
    handle(
        &logger,
        &request(),
        &std::io::Error::other("connection reset"),
    );
    let record = &common::records(&out)[0];
    let expected = serde_json::json!({
        "level": "warning", "msg": "request failed", "user": "alice",
        "path": "/api/v1/users/42", "method": "GET", "service": "shop", "grade": "A",
        "attempt": 3, "missing": null, "bytes": 512, "delta": -7, "ratio": 0.25, "ok": false,
        "took": "12ms", "ip": "10.0.0.7", "peer": "10.0.0.7:51234", "file": "/srv/a b",
        "error": "connection reset", "request": "\"alice\"",
    });
    assert_eq!(record, &expected);
}

#[test]
fn level_macros_take_the_same_values_after_the_semicolon() {
    let (logger, out) = common::capture(common::text());
    let req = request();
    let err = std::io::Error::other("disk full");
    let user = req.user.as_str();
    info!(logger, "served {}", req.path; "user" => user, "peer" => req.peer, "req" => ?req.path);
    error!(logger, "failed"; "error" => %err, "path" => &req.path);
    let context = logger.with_field("request_id", user);
    warn!(context, "slow"; "took" => Duration::from_micros(1500));
    assert_eq!(
        common::lines(&out),
        [
            r#"level=info msg="served /api/v1/users/42" user=alice peer="10.0.0.7:51234" req="\"/api/v1/users/42\"""#,
            r#"level=error msg=failed error="disk full" path=/api/v1/users/42"#,
            r#"level=warning msg=slow request_id=alice took=1.5ms"#,
        ]
    );
}

#[test]
fn with_field_and_with_error_copy_borrowed_data() {
    let (logger, hook) = hooklog_test::null_logger();
    let context = {
        let user = String::from("bob");
        let err = std::io::Error::other("refused");
        logger.with_field("user", user.as_str()).with_error(&err)
    };
    context.info("after the borrowed data is gone");
    let last = hook.last().unwrap();
    assert_eq!(
        last.fields().get("user").and_then(Value::as_str),
        Some("bob")
    );
    assert_eq!(
        last.fields().get("error").and_then(Value::as_str),
        Some("refused")
    );
}

#[test]
fn a_disabled_level_evaluates_no_field_and_takes_no_entry() {
    let (logger, hook) = hooklog_test::null_logger();
    logger.set_level(Level::Info);
    let evaluated = Cell::new(0);
    let count = || {
        evaluated.set(evaluated.get() + 1);
        evaluated.get()
    };
    let lazy = log_fields!(logger; "n" => count(), "text" => %format!("{}", count()));
    lazy.debug("disabled");
    lazy.trace("disabled");
    hooklog::debug!(logger, "disabled {}", count(); "n" => count());
    assert_eq!(evaluated.get(), 0);
    assert!(hook.is_empty());

    // Enabled: evaluated for each record, in order.
    lazy.info("first");
    lazy.warn("second");
    assert_eq!(evaluated.get(), 4);
    let entries = hook.entries();
    let n = |e: &Entry| e.fields().get("n").and_then(Value::as_i64);
    assert_eq!(
        entries.iter().map(n).collect::<Vec<_>>(),
        [Some(1), Some(3)]
    );
    assert_eq!(
        entries[1].fields().get("text").and_then(Value::as_str),
        Some("4")
    );
}

#[test]
fn a_lazy_entry_becomes_a_context_entry() {
    let (logger, hook) = hooklog_test::null_logger();
    let context: Entry = {
        let request_id = String::from("r-9");
        log_fields!(logger; "request_id" => request_id).into()
    };
    context.info("one");
    let chained = log_fields!(logger; "a" => 1).with_field("b", 2);
    chained.info("two");
    let on_entry = log_fields!(context; "step" => 2);
    on_entry.info("three");
    let fields = |e: &Entry| {
        e.fields()
            .iter()
            .map(|(k, _)| k.to_owned())
            .collect::<Vec<_>>()
    };
    let entries = hook.entries();
    assert_eq!(fields(&entries[0]), ["request_id"]);
    assert_eq!(fields(&entries[1]), ["a", "b"]);
    assert_eq!(fields(&entries[2]), ["request_id", "step"]);
}

#[test]
fn a_lazy_entry_on_a_temporary_logger_can_be_kept() {
    let (logger, hook) = hooklog_test::null_logger();
    let make = || logger.clone();
    let lazy = log_fields!(make(); "k" => "v");
    lazy.info("kept");
    assert_eq!(hook.len(), 1);
}

#[test]
fn non_literal_keys_and_repeated_keys() {
    let (logger, hook) = hooklog_test::null_logger();
    let key = String::from("dynamic");
    log_fields!(logger; "a" => 1, key.clone() => "x", "a" => 2).info("mixed");
    info!(logger, "repeated"; "a" => 1, "a" => %"two");
    let entries = hook.entries();
    let pairs = |e: &Entry| {
        e.fields()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(pairs(&entries[0]), ["a=2", "dynamic=x"]);
    assert_eq!(pairs(&entries[1]), ["a=two"]);
}
