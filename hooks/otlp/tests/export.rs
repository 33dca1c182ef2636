//! Records exported to a real OTLP receiver (`tests/receiver.py`, decoding with the
//! published protobuf definitions): every value type, order, outages, refusals.

mod common;

use std::time::{Duration, SystemTime};

use common::{Receiver, logger_sharing, numbers};
use hooklog::{Level, Logger, QueueFull, TraceContext, Value};
use hooklog_otlp::{Compression, OtlpHook, OtlpHookBuilder};
use serde_json::json;

/// A logger that writes nowhere but through `hook`.
fn logger(hook: OtlpHook) -> Logger {
    Logger::builder()
        .out(std::io::sink())
        .level(Level::Trace)
        .hook(hook)
        .build()
}

fn builder(receiver: &Receiver) -> OtlpHookBuilder {
    OtlpHook::builder()
        .endpoint(receiver.url())
        .service_name("otlp-tests")
}

#[test]
fn every_value_type_arrives_with_its_type() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let hook = builder(&receiver)
        .resource_attribute("deployment.environment.name", "test")
        .header("x-tenant", "blue")
        .build()
        .unwrap();
    let logger = Logger::builder()
        .out(std::io::sink())
        .report_caller(true)
        .hook(hook)
        .build();
    let time = SystemTime::UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
    logger
        .with_field("text", "héllo")
        .with_field("owned", String::from("own"))
        .with_field("int", -42i64)
        .with_field("small_unsigned", 7u64)
        .with_field("big_unsigned", u64::MAX)
        .with_field("float", 0.1f64)
        .with_field("nan", f64::NAN)
        .with_field("yes", true)
        .with_field("none", None::<i32>)
        .with_field("list", json!([1, "two", 3.5, null, [true]]))
        .with_field("map", json!({"a": {"b": [1]}, "c": "d", "big": u64::MAX}))
        .with_field("shown", Value::display(std::net::Ipv4Addr::LOCALHOST))
        .with_field("broken", Value::Invalid("could not serialise".into()))
        .with_time(time)
        .error("every type");
    logger.flush().unwrap();

    let records = receiver.wait_for(1);
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    assert_eq!(record["time"], json!(1_700_000_000_123_456_789u64));
    assert_eq!(record["observed"], record["time"]);
    assert_eq!(record["severity_number"], json!(17));
    assert_eq!(record["severity_text"], json!("error"));
    assert_eq!(record["body"], json!({"string": "every type"}));
    assert_eq!(record["scope"], json!(""), "a method call has no target");
    let attributes = &record["attributes"];
    for (key, value) in [
        ("text", json!({"string": "héllo"})),
        ("owned", json!({"string": "own"})),
        ("int", json!({"int": -42})),
        ("small_unsigned", json!({"int": 7})),
        ("big_unsigned", json!({"string": "18446744073709551615"})),
        ("float", json!({"double": "0.1"})),
        ("nan", json!({"double": "nan"})),
        ("yes", json!({"bool": true})),
        ("none", json!({"null": null})),
        (
            "list",
            json!({"array": [{"int": 1}, {"string": "two"}, {"double": "3.5"}, {"null": null},
                {"array": [{"bool": true}]}]}),
        ),
        (
            "map",
            json!({"kvlist": {"a": {"kvlist": {"b": {"array": [{"int": 1}]}}},
                "c": {"string": "d"}, "big": {"string": "18446744073709551615"}}}),
        ),
        ("shown", json!({"string": "127.0.0.1"})),
        ("code.file.path", json!({"string": file!()})),
    ] {
        assert_eq!(attributes[key], value, "{key} in {record}");
    }
    assert!(attributes["code.line.number"]["int"].as_i64().unwrap() > 0);
    assert_eq!(attributes.get("broken"), None);
    assert_eq!(
        record["dropped"],
        json!(1),
        "the field that failed is counted"
    );
    assert_eq!(record["trace_id"], json!(""), "no trace, no ids");
    assert_eq!(record["span_id"], json!(""));
    let resource = &record["resource"];
    assert_eq!(resource["service.name"], json!({"string": "otlp-tests"}));
    assert_eq!(
        resource["deployment.environment.name"],
        json!({"string": "test"})
    );
    assert_eq!(resource["telemetry.sdk.name"], json!({"string": "hooklog"}));
    assert_eq!(
        resource["telemetry.sdk.language"],
        json!({"string": "rust"})
    );

    let requests = receiver.requests();
    assert_eq!(requests[0]["path"], json!("/v1/logs"));
    assert_eq!(requests[0]["content_type"], json!("application/x-protobuf"));
    assert_eq!(requests[0]["headers"]["x-tenant"], json!("blue"));
}

#[test]
fn levels_map_to_severities_and_targets_to_scopes() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let logger = logger(builder(&receiver).build().unwrap());
    for level in [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
    ] {
        hooklog::log!(level, logger, "at {}", level.as_str());
    }
    hooklog::log!(Level::Info, logger, target: "billing", "scoped");
    hooklog::log!(Level::Info, logger, target: "billing", "scoped again");
    hooklog::log!(Level::Info, logger, target: "auth", "another scope");
    logger.flush().unwrap();
    let records = receiver.wait_for(8);
    let severities: Vec<_> = records
        .iter()
        .map(|r| r["severity_number"].clone())
        .collect();
    assert_eq!(severities, [1, 5, 9, 13, 17, 9, 9, 9].map(|n| json!(n)));
    let texts: Vec<_> = records[..5]
        .iter()
        .map(|r| r["severity_text"].clone())
        .collect();
    assert_eq!(
        texts,
        ["trace", "debug", "info", "warning", "error"].map(|n| json!(n))
    );
    assert_eq!(
        records[0]["scope"],
        json!(module_path!()),
        "a macro's target is its module"
    );
    let scopes: Vec<_> = records[5..].iter().map(|r| r["scope"].clone()).collect();
    assert_eq!(scopes, ["billing", "billing", "auth"].map(|n| json!(n)));
    let bodies: Vec<_> = records[5..]
        .iter()
        .map(|r| r["body"]["string"].clone())
        .collect();
    assert_eq!(
        bodies,
        ["scoped", "scoped again", "another scope"].map(|n| json!(n))
    );
}

#[test]
fn a_trace_context_fills_the_records_own_fields() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let logger = logger(builder(&receiver).build().unwrap());
    let trace =
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .unwrap();
    logger
        .with_field("order", 1042)
        .with_trace_context(trace)
        .warn("in a trace");
    logger.flush().unwrap();
    let record = &receiver.wait_for(1)[0];
    assert_eq!(
        record["trace_id"],
        json!("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(record["span_id"], json!("00f067aa0ba902b7"));
    assert_eq!(record["flags"], json!(1));
    assert_eq!(
        record["attributes"].as_object().unwrap().len(),
        1,
        "{record}"
    );
}

#[test]
fn ten_thousand_records_arrive_once_in_order() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let hook = builder(&receiver).build().unwrap();
    let logger = logger(hook);
    for n in 0..10_000 {
        hooklog::info!(logger, "record {n}"; "n" => n);
    }
    logger.flush().unwrap();
    let records = receiver.wait_for(10_000);
    assert_eq!(numbers(&records), (0..10_000).collect::<Vec<_>>());
    let requests = receiver.requests();
    assert!(requests.len() >= 20, "batches of 512: {}", requests.len());
    assert!(
        requests
            .iter()
            .all(|r| r["records"].as_u64().unwrap() <= 512)
    );
}

#[test]
fn gzip_requests_decode_to_the_same_records() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let logger = logger(
        builder(&receiver)
            .compression(Compression::Gzip)
            .build()
            .unwrap(),
    );
    for n in 0..1000 {
        hooklog::info!(logger, "compressed {n}"; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(
        numbers(&receiver.wait_for(1000)),
        (0..1000).collect::<Vec<_>>()
    );
    let requests = receiver.requests();
    assert!(
        requests
            .iter()
            .all(|r| r["content_encoding"] == json!("gzip"))
    );
}

#[test]
fn nothing_is_lost_when_the_receiver_is_killed_and_restarted_mid_run() {
    let Some(mut receiver) = Receiver::start(&[]) else {
        return;
    };
    let hook = builder(&receiver)
        .max_batch(100)
        .batch_timeout(Duration::from_millis(20))
        .build()
        .unwrap();
    let logger = logger(hook);
    for n in 0..2000 {
        hooklog::info!(logger, "before"; "n" => n);
    }
    receiver.wait_for(100);
    receiver.kill();
    for n in 2000..5000 {
        hooklog::info!(logger, "while down"; "n" => n);
    }
    std::thread::sleep(Duration::from_millis(300));
    receiver.restart(&[]);
    for n in 5000..6000 {
        hooklog::info!(logger, "after"; "n" => n);
    }
    logger.flush().unwrap();
    let received = numbers(&receiver.wait_for(6000));
    let mut unique = received.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique,
        (0..6000).collect::<Vec<_>>(),
        "every record arrived"
    );
    // A batch the receiver stored before it was killed, without answering, is sent again:
    // at most that one batch twice.
    assert!(
        received.len() - unique.len() <= 100,
        "{} duplicates",
        received.len() - 6000
    );
    // Apart from that batch sent again, in order.
    let mut first_arrivals = Vec::new();
    for &n in &received {
        if !first_arrivals.contains(&n) {
            first_arrivals.push(n);
        }
    }
    assert_eq!(first_arrivals, unique, "in order");
}

#[test]
fn retry_after_is_honoured_on_503_and_429() {
    let Some(receiver) = Receiver::start(&["--answer", "503:1", "--answer", "429:1"]) else {
        return;
    };
    let logger = logger(builder(&receiver).build().unwrap());
    for n in 0..10 {
        hooklog::info!(logger, "retried"; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(numbers(&receiver.wait_for(10)), (0..10).collect::<Vec<_>>());
    let requests = receiver.requests();
    let statuses: Vec<_> = requests.iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, [503, 429, 200].map(|s| json!(s)));
    let at: Vec<f64> = requests.iter().map(|r| r["at"].as_f64().unwrap()).collect();
    // Each answer asked for a second; the exporter waited at least that long.
    assert!(at[1] - at[0] >= 0.95 && at[2] - at[1] >= 0.95, "{at:?}");
}

#[test]
fn a_refused_batch_is_counted_and_the_next_one_delivered() {
    let Some(receiver) = Receiver::start(&["--answer", "400"]) else {
        return;
    };
    let hook = std::sync::Arc::new(builder(&receiver).build().unwrap());
    let logger = logger_sharing(&hook);
    for n in 0..5 {
        hooklog::info!(logger, "refused"; "n" => n);
    }
    logger.flush().unwrap();
    for n in 5..8 {
        hooklog::info!(logger, "taken"; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(numbers(&receiver.wait_for(3)), [5, 6, 7]);
    assert_eq!(
        (hook.delivered(), hook.rejected(), hook.dropped()),
        (3, 5, 0)
    );
}

#[test]
fn a_partial_success_is_counted() {
    let Some(receiver) = Receiver::start(&["--reject", "2"]) else {
        return;
    };
    let hook = std::sync::Arc::new(builder(&receiver).build().unwrap());
    let logger = logger_sharing(&hook);
    for n in 0..10 {
        hooklog::info!(logger, "partly"; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(
        (hook.delivered(), hook.rejected(), hook.dropped()),
        (8, 2, 0)
    );
}

#[test]
fn a_full_buffer_drops_new_records_and_counts_them() {
    let (_socket, port) = hooklog_test::refusing_port();
    let hook = OtlpHook::builder()
        .endpoint(format!("http://127.0.0.1:{port}/v1/logs"))
        .max_buffer_bytes(4096)
        .flush_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let hook = std::sync::Arc::new(hook);
    let logger = logger_sharing(&hook);
    for n in 0..1000 {
        hooklog::info!(logger, "nowhere to go"; "n" => n);
    }
    assert!(hook.dropped() > 900, "{} dropped", hook.dropped());
    let error = logger.flush().unwrap_err().to_string();
    assert!(error.contains("records not delivered in time"), "{error}");
    assert_eq!(hook.delivered(), 0);
}

#[test]
fn a_blocking_buffer_waits_for_the_receiver_and_loses_nothing() {
    let Some(mut receiver) = Receiver::start(&[]) else {
        return;
    };
    receiver.kill();
    let hook = builder(&receiver)
        .max_buffer_bytes(8192)
        .on_full(QueueFull::Block)
        .build()
        .unwrap();
    let logger = logger(hook);
    std::thread::scope(|scope| {
        let logging = scope.spawn(|| {
            for n in 0..2000 {
                hooklog::info!(logger, "waits for room"; "n" => n);
            }
        });
        std::thread::sleep(Duration::from_millis(500));
        assert!(
            !logging.is_finished(),
            "the buffer holds far fewer than 2,000 records"
        );
        receiver.restart(&[]);
        logging.join().unwrap();
    });
    logger.flush().unwrap();
    let received = numbers(&receiver.wait_for(2000));
    assert_eq!(received, (0..2000).collect::<Vec<_>>());
}

#[test]
fn bad_settings_fail_at_build_naming_them() {
    for (builder, expected) in [
        (
            OtlpHook::builder().endpoint("localhost:4318"),
            "otlp endpoint \"localhost:4318\" (set by the builder): no scheme",
        ),
        (
            OtlpHook::builder().endpoint("https://collector:4318/v1/logs"),
            "https needs hooklog-otlp's `tls` feature",
        ),
        (
            OtlpHook::builder().header("bad header", "v"),
            "otlp header \"bad header\": not a header name",
        ),
        (
            OtlpHook::builder().header("x-key", "line\nbreak"),
            "otlp header x-key: \"line\\nbreak\" is not a header value",
        ),
    ] {
        if cfg!(feature = "tls") && expected.contains("tls") {
            assert!(builder.build().is_ok(), "https with the tls feature");
            continue;
        }
        let error = builder.build().unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
    }
}

#[cfg(not(feature = "grpc"))]
#[test]
fn grpc_without_its_feature_fails_at_build() {
    let error = OtlpHook::builder()
        .protocol(hooklog_otlp::Protocol::Grpc)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "otlp: OTLP/gRPC needs hooklog-otlp's `grpc` feature"
    );
}

#[test]
fn an_error_chain_arrives_as_its_message_and_causes() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let logger = logger(builder(&receiver).build().unwrap());
    let err = hooklog_test::caused_error();
    logger.with_error(&err).error("charge failed");
    logger.flush().unwrap();
    let attributes = &receiver.wait_for(1)[0]["attributes"];
    assert_eq!(
        attributes["error"],
        json!({"string": "card network unreachable"})
    );
    assert_eq!(
        attributes["error.causes"],
        json!({"array": [{"string": "connection reset"}]})
    );
}

#[test]
fn a_redacting_logger_sends_no_secret() {
    let Some(receiver) = Receiver::start(&[]) else {
        return;
    };
    let logger = Logger::builder()
        .out(std::io::sink())
        .redact(hooklog::Redaction::new())
        .hook(builder(&receiver).build().unwrap())
        .build();
    let secrets = [
        "hunter2",
        "abcdef0123456789",
        "4111 1111 1111 1111",
        "AKIAIOSFODNN7EXAMPLE",
    ];
    hooklog::info!(logger, "login with Bearer abcdef0123456789";
        "user" => "ana", "password" => "hunter2", "card" => "4111 1111 1111 1111",
        "config" => json!({"aws": {"id": "AKIAIOSFODNN7EXAMPLE"}}));
    logger.flush().unwrap();
    let record = receiver.wait_for(1).remove(0);
    let stored = record.to_string();
    for secret in secrets {
        assert!(!stored.contains(secret), "{secret} in {stored}");
    }
    assert_eq!(
        record["body"],
        json!({"string": "login with Bearer [REDACTED]"})
    );
    assert_eq!(record["attributes"]["user"], json!({"string": "ana"}));
    assert_eq!(
        record["attributes"]["password"],
        json!({"string": "[REDACTED]"})
    );
}
