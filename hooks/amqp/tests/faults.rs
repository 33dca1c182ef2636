//! The AMQP hook where the broker or its caller misbehaves: fired inside a tokio
//! runtime, a broker that blocks publishers, a record the broker always refuses.

mod common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use hooklog::{Level, Logger};
use hooklog_amqp::AmqpHook;
use lapin::options::{QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Connection, ConnectionProperties};

fn exchange(name: &str) -> String {
    format!("hooklog-{name}-{}", std::process::id())
}

/// A logger whose only output is `hook`, called on the logging thread.
fn logger_with(hook: &Arc<AmqpHook>) -> Logger {
    Logger::builder()
        .no_out()
        .level(Level::Debug)
        .hook(Arc::clone(hook))
        .build()
}

#[test]
fn a_hook_fired_inside_a_tokio_runtime_delivers_the_record() {
    let Some((url, _, _turn)) = common::broker() else {
        return;
    };
    let exchange = exchange("in-runtime");
    let consumer = common::Consumer::new(&url, &exchange);
    let hook = Arc::new(AmqpHook::builder(&url, &exchange).build().unwrap());
    let logger = logger_with(&hook);
    let service = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    service.block_on(async {
        for n in 0..10u64 {
            hooklog::info!(logger, "from a task"; "n" => n);
        }
    });
    logger.flush().unwrap();
    assert_eq!(hook.delivered(), 10);
    assert_eq!(consumer.take(10).len(), 10);
}

#[test]
fn a_broker_that_blocks_publishers_holds_no_logging_thread() {
    let Some((url, state, _turn)) = common::broker() else {
        return;
    };
    let exchange = exchange("blocked");
    let consumer = common::Consumer::new(&url, &exchange);
    let hook = Arc::new(
        AmqpHook::builder(&url, &exchange)
            .publish_timeout(Duration::from_millis(500))
            .flush_timeout(Duration::from_secs(2))
            .build()
            .unwrap(),
    );
    // A memory alarm: the broker stops taking what its publishers send.
    common::ctl(&state, &["set_vm_memory_high_watermark", "0"]);
    let logger = logger_with(&hook);
    let (done, finished) = mpsc::channel();
    let logging = std::thread::spawn(move || {
        let pad = "x".repeat(4000);
        for n in 0..2_000u64 {
            hooklog::info!(logger, "while blocked"; "n" => n, "pad" => pad.as_str());
        }
        let _ = done.send(());
        logger
    });
    // Not a timing: a thread that never comes back is what a blocking broker did.
    let returned = finished.recv_timeout(Duration::from_secs(120));
    common::ctl(&state, &["set_vm_memory_high_watermark", "0.4"]);
    assert!(
        returned.is_ok(),
        "the logging thread was still held by the broker"
    );
    let logger = logging.join().unwrap();
    let mut flushed = logger.flush();
    for _ in 0..30 {
        if flushed.is_ok() {
            break;
        }
        flushed = logger.flush();
    }
    flushed.unwrap();
    assert_eq!(hook.delivered() + hook.dropped(), 2_000);
    assert_eq!(
        consumer.take(hook.delivered() as usize).len() as u64,
        hook.delivered()
    );
}

/// Declares a queue bound to `exchange` under `key` that refuses every publish.
fn refusing_queue(url: &str, exchange: &str, key: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let connection = Connection::connect(url, ConnectionProperties::default())
            .await
            .unwrap();
        let channel = connection.create_channel().await.unwrap();
        let mut args = FieldTable::default();
        args.insert("x-max-length".into(), AMQPValue::LongInt(0));
        args.insert(
            "x-overflow".into(),
            AMQPValue::LongString("reject-publish".into()),
        );
        let queue = format!("{exchange}-refusing");
        channel
            .queue_declare(queue.as_str().into(), QueueDeclareOptions::default(), args)
            .await
            .unwrap();
        channel
            .queue_bind(
                queue.as_str().into(),
                exchange.into(),
                key.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .unwrap();
    });
}

#[test]
fn a_record_the_broker_always_refuses_is_dropped_and_holds_up_nothing() {
    let Some((url, _, _turn)) = common::broker() else {
        return;
    };
    let exchange = exchange("refused");
    let consumer = common::Consumer::bound(&url, &exchange, "logs.info");
    refusing_queue(&url, &exchange, "logs.error");
    let hook = Arc::new(
        AmqpHook::builder(&url, &exchange)
            .flush_timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    );
    let logger = logger_with(&hook);
    logger.error("refused every time");
    for n in 0..10u64 {
        hooklog::info!(logger, "accepted"; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!((hook.delivered(), hook.dropped()), (10, 1));
    assert_eq!(consumer.take(10).len(), 10);
}
