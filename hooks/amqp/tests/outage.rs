//! Stopping the broker mid-stream and starting it again (its own test binary, and its
//! own nextest group, since it takes the shared broker away).

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use hooklog::{AsyncHook, Logger};
use hooklog_amqp::AmqpHook;

#[test]
fn records_logged_during_an_outage_arrive_after_it() {
    let Some((url, state, _turn)) = common::broker() else {
        return;
    };
    let exchange = format!("hooklog-outage-{}", std::process::id());
    let consumer = common::Consumer::new(&url, &exchange);
    let hook = Arc::new(
        AmqpHook::builder(&url, &exchange)
            .buffer_bytes(64 * 1024)
            .flush_timeout(Duration::from_secs(3))
            .build()
            .unwrap(),
    );
    let logger = Logger::builder()
        .out(std::io::sink())
        .hook(AsyncHook::new(Arc::clone(&hook)))
        .build();
    for n in 0..100u64 {
        hooklog::info!(logger, "before {}", n; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(hook.delivered(), 100);

    common::control("stop", &state);
    // About 1,000 x 110 bytes: more than the 64 KiB buffer holds.
    for n in 100..1100u64 {
        hooklog::info!(logger, "during {}", n; "n" => n);
    }
    let err = logger.flush().unwrap_err().to_string();
    assert!(err.contains("not confirmed"), "{err}");
    let buffered = hook.buffered();
    let dropped = hook.dropped();

    common::control("start", &state);
    logger.flush().unwrap();
    let delivered = hook.delivered();
    println!(
        "outage: logged 1000 during it; buffered {buffered}, dropped {dropped} (64 KiB bound); delivered {} after the restart",
        delivered - 100
    );
    assert_eq!(buffered as u64 + dropped, 1000);
    assert!(dropped > 0 && buffered > 0, "the bound was not reached");
    assert_eq!(delivered, 100 + buffered as u64);
    let messages = consumer.take(delivered as usize);
    let seen: HashSet<u64> = messages
        .iter()
        .map(|(_, body)| body["n"].as_u64().unwrap())
        .collect();
    // Everything before, and everything buffered during the outage, arrived; the records
    // dropped were the newest (the buffer keeps the oldest and sends them in order).
    assert!((0..100).all(|n| seen.contains(&n)));
    assert!(
        (100..100 + buffered as u64).all(|n| seen.contains(&n)),
        "buffered records missing"
    );
    assert_eq!(messages.len() as u64, delivered);
}

/// The `n` of every message, in arrival order.
fn numbers(messages: &[(String, serde_json::Value)]) -> Vec<u64> {
    messages
        .iter()
        .map(|(_, body)| body["n"].as_u64().unwrap())
        .collect()
}

/// Waits (up to 10 s, polling) until the broker confirmed `count` records, without a
/// flush: confirms are taken as they arrive.
fn wait_delivered(hook: &AmqpHook, count: u64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while hook.delivered() < count && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(hook.delivered(), count, "confirms not taken as they arrive");
}

#[test]
fn confirmed_records_are_not_sent_again_after_a_restart() {
    let Some((url, state, _turn)) = common::broker() else {
        return;
    };
    let exchange = format!("hooklog-restart-{}", std::process::id());
    let consumer = common::Consumer::new(&url, &exchange);
    let hook = Arc::new(AmqpHook::builder(&url, &exchange).build().unwrap());
    let logger = Logger::builder()
        .out(std::io::sink())
        .hook(Arc::clone(&hook))
        .build();
    for n in 0..100u64 {
        hooklog::info!(logger, "before {}", n; "n" => n);
    }
    wait_delivered(&hook, 100);

    common::control("stop", &state);
    common::control("start", &state);
    hooklog::info!(logger, "after"; "n" => 100u64);
    logger.flush().unwrap();
    assert_eq!(hook.delivered(), 101);
    let messages = consumer.take(101);
    assert_eq!(numbers(&messages), (0..101).collect::<Vec<_>>());
    assert!(
        consumer.take_within(1, Duration::from_secs(1)).is_empty(),
        "a confirmed record was sent again"
    );
}

#[test]
fn a_killed_broker_loses_nothing_and_order_holds_per_routing_key() {
    let Some((url, state, _turn)) = common::broker() else {
        return;
    };
    let exchange = format!("hooklog-kill-{}", std::process::id());
    let consumer = common::Consumer::new(&url, &exchange);
    let hook = Arc::new(
        AmqpHook::builder(&url, &exchange)
            .flush_timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
    );
    let logger = Logger::builder()
        .out(std::io::sink())
        .level(hooklog::Level::Debug)
        .hook(AsyncHook::new(Arc::clone(&hook)).capacity(10_000))
        .build();
    let levels = [
        hooklog::Level::Info,
        hooklog::Level::Warn,
        hooklog::Level::Error,
    ];
    let log = |range: std::ops::Range<u64>| {
        for n in range {
            hooklog::log!(levels[n as usize % 3], logger, "record {}", n; "n" => n);
        }
    };
    log(0..3000);
    logger.flush().unwrap();
    common::control("kill", &state);
    log(3000..5000);
    common::control("start", &state);
    logger.flush().unwrap();

    let messages = consumer.take(5000);
    let mut seen = numbers(&messages);
    // Records whose confirm was lost with the broker may come twice; none is missing.
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, (0..5000).collect::<Vec<_>>());
    // Per routing key, records arrive in the order they were logged (a record sent twice
    // is checked where it first arrived).
    let mut last: std::collections::HashMap<&str, u64> = Default::default();
    let mut arrived = HashSet::new();
    for (routing_key, body) in &messages {
        let n = body["n"].as_u64().unwrap();
        if !arrived.insert(n) {
            continue;
        }
        if let Some(&before) = last.get(routing_key.as_str()) {
            assert!(n > before, "{routing_key}: {n} after {before}");
        }
        last.insert(routing_key, n);
    }
    println!(
        "killed broker: {} messages for 5000 records ({} sent twice)",
        messages.len(),
        messages.len() - 5000
    );
}
