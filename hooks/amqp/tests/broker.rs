//! The AMQP hook against a real RabbitMQ.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hooklog::{AsyncHook, Level, Logger};
use hooklog_amqp::AmqpHook;

fn exchange(name: &str) -> String {
    format!("hooklog-{name}-{}", std::process::id())
}

#[test]
fn every_record_arrives_once_with_its_routing_key() {
    let Some((url, _)) = common::broker() else {
        return;
    };
    let exchange = exchange("once");
    let consumer = common::Consumer::new(&url, &exchange);
    let hook = Arc::new(AmqpHook::builder(&url, &exchange).build().unwrap());
    let logger = Logger::builder()
        .out(std::io::sink())
        .level(Level::Debug)
        .hook(AsyncHook::new(Arc::clone(&hook)))
        .build();
    for n in 0..600u64 {
        let level = [Level::Info, Level::Warn, Level::Error, Level::Debug][n as usize % 4];
        hooklog::log!(level, logger, "record {}", n; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(hook.delivered(), 600);
    assert_eq!(hook.dropped(), 0);
    let messages = consumer.take(600);
    assert_eq!(messages.len(), 600);
    let mut seen = HashSet::new();
    for (routing_key, body) in &messages {
        let n = body["n"].as_u64().unwrap();
        assert!(seen.insert(n), "record {n} twice");
        assert_eq!(body["msg"], format!("record {n}"));
        assert_eq!(
            *routing_key,
            format!("logs.{}", body["level"].as_str().unwrap())
        );
    }
    // Nothing more than the 600 arrives.
    assert!(consumer.take_within(1, Duration::from_secs(1)).is_empty());
}

#[test]
fn bad_input_is_a_clear_error_within_a_bound() {
    let Some((url, _)) = common::broker() else {
        return;
    };
    let start = Instant::now();
    let err = AmqpHook::builder(url.replace("guest:guest", "guest:wrong"), "amq.topic")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("guest:***@"), "{err}");
    assert!(!err.contains("wrong"), "the password leaked: {err}");
    let err = AmqpHook::builder(&url, "no-such-exchange")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("exchange \"no-such-exchange\""), "{err}");
    assert!(
        err.contains("NOT_FOUND") || err.contains("not found") || err.contains("404"),
        "{err}"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = AmqpHook::builder(format!("amqp://guest:guest@127.0.0.1:{port}/%2f"), "logs")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(start.elapsed() < Duration::from_secs(30));
    println!("{err}");
}
