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
    let Some((url, state)) = common::broker() else {
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
    // Everything before, and everything buffered during the outage, arrived.
    assert!((0..100).all(|n| seen.contains(&n)));
    assert!(
        (100..100 + buffered as u64).all(|n| seen.contains(&n)),
        "buffered records missing"
    );
    assert_eq!(messages.len() as u64, delivered);
}
