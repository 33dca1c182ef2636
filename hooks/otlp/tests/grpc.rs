//! OTLP/gRPC (feature `grpc`) against a real gRPC receiver (`tests/receiver.py --grpc`,
//! grpcio with the published protobuf definitions): records, order, compression,
//! transient and final statuses, `RetryInfo`, partial success, a restart.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Receiver, logger_sharing, numbers};
use hooklog::TraceContext;
use hooklog_otlp::{Compression, OtlpHook, OtlpHookBuilder, Protocol};
use serde_json::json;

fn builder(receiver: &Receiver) -> OtlpHookBuilder {
    OtlpHook::builder()
        .protocol(Protocol::Grpc)
        .endpoint(receiver.base_url())
        .service_name("grpc-tests")
}

#[test]
fn records_arrive_in_order_with_their_fields_and_trace() {
    let Some(receiver) = Receiver::start(&["--grpc"]) else {
        return;
    };
    let hook = Arc::new(
        builder(&receiver)
            .header("X-Tenant", "blue")
            .build()
            .unwrap(),
    );
    let logger = logger_sharing(&hook);
    let trace =
        TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .unwrap();
    logger
        .with_field("text", "héllo")
        .with_field("int", -42i64)
        .with_field("big", u64::MAX)
        .with_field("float", 0.5)
        .with_field("yes", true)
        .with_field("list", json!([1, "two"]))
        .with_trace_context(trace)
        .error("over gRPC");
    for n in 0..2000 {
        hooklog::info!(logger, "record {n}"; "n" => n);
    }
    logger.flush().unwrap();
    let records = receiver.wait_for(2001);
    let first = &records[0];
    assert_eq!(first["body"], json!({"string": "over gRPC"}));
    assert_eq!(first["severity_number"], json!(17));
    assert_eq!(first["trace_id"], json!("4bf92f3577b34da6a3ce929d0e0e4736"));
    for (key, value) in [
        ("text", json!({"string": "héllo"})),
        ("int", json!({"int": -42})),
        ("big", json!({"string": "18446744073709551615"})),
        ("float", json!({"double": "0.5"})),
        ("yes", json!({"bool": true})),
        ("list", json!({"array": [{"int": 1}, {"string": "two"}]})),
    ] {
        assert_eq!(first["attributes"][key], value, "{key}");
    }
    assert_eq!(
        first["resource"]["service.name"],
        json!({"string": "grpc-tests"})
    );
    assert_eq!(numbers(&records[1..]), (0..2000).collect::<Vec<_>>());
    assert_eq!(hook.delivered(), 2001);
    let requests = receiver.requests();
    assert!(
        requests
            .iter()
            .all(|r| r["headers"]["x-tenant"] == json!("blue"))
    );
    assert!(requests.len() >= 4, "batches of 512: {}", requests.len());
}

/// The receiver takes compressed messages only with the flag and `grpc-encoding: gzip`
/// they are sent with (it would refuse them otherwise); grpcio does not show either.
#[test]
fn gzip_messages_decode_to_the_same_records() {
    let Some(receiver) = Receiver::start(&["--grpc"]) else {
        return;
    };
    let hook = Arc::new(
        builder(&receiver)
            .compression(Compression::Gzip)
            .build()
            .unwrap(),
    );
    let logger = logger_sharing(&hook);
    for n in 0..1000 {
        hooklog::info!(logger, "compressed {n}"; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(
        numbers(&receiver.wait_for(1000)),
        (0..1000).collect::<Vec<_>>()
    );
}

#[test]
fn unavailable_and_resource_exhausted_wait_for_their_retry_info() {
    let Some(receiver) = Receiver::start(&["--grpc", "--answer", "14:1", "--answer", "8:1"]) else {
        return;
    };
    let hook = Arc::new(builder(&receiver).build().unwrap());
    let logger = logger_sharing(&hook);
    for n in 0..10 {
        hooklog::info!(logger, "retried"; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(numbers(&receiver.wait_for(10)), (0..10).collect::<Vec<_>>());
    let requests = receiver.requests();
    let statuses: Vec<_> = requests.iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, [14, 8, 0].map(|s| json!(s)));
    let at: Vec<f64> = requests.iter().map(|r| r["at"].as_f64().unwrap()).collect();
    assert!(at[1] - at[0] >= 0.95 && at[2] - at[1] >= 0.95, "{at:?}");
}

#[test]
fn a_final_status_is_counted_and_the_next_batch_delivered() {
    let Some(receiver) = Receiver::start(&["--grpc", "--answer", "3", "--reject", "1"]) else {
        return;
    };
    let hook = Arc::new(builder(&receiver).build().unwrap());
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
    // INVALID_ARGUMENT refuses the first batch; the second is taken with one rejected.
    assert_eq!(
        (hook.delivered(), hook.rejected(), hook.dropped()),
        (2, 6, 0)
    );
}

#[test]
fn nothing_is_lost_when_the_receiver_is_killed_and_restarted() {
    let Some(mut receiver) = Receiver::start(&["--grpc"]) else {
        return;
    };
    let hook = Arc::new(
        builder(&receiver)
            .max_batch(100)
            .batch_timeout(Duration::from_millis(20))
            .build()
            .unwrap(),
    );
    let logger = logger_sharing(&hook);
    for n in 0..1000 {
        hooklog::info!(logger, "before"; "n" => n);
    }
    receiver.wait_for(100);
    receiver.kill();
    for n in 1000..3000 {
        hooklog::info!(logger, "while down"; "n" => n);
    }
    std::thread::sleep(Duration::from_millis(300));
    receiver.restart(&["--grpc"]);
    logger.flush().unwrap();
    let received = numbers(&receiver.wait_for(3000));
    let mut unique = received.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique,
        (0..3000).collect::<Vec<_>>(),
        "every record arrived"
    );
    assert!(
        received.len() - unique.len() <= 100,
        "at most the batch in flight twice"
    );
}
