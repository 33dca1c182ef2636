//! The broker the test command started, and a consumer that reads back what was sent.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use lapin::options::{
    BasicGetOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};

/// The broker's URL and state directory, from the environment `scripts/test` sets, and
/// this test's turn with it: tests that share the broker take turns, since some stop it
/// (nextest's `rabbitmq` test group does the same across processes). `None` (a failure
/// under `HOOKLOG_REQUIRE_SERVERS=1`) when no broker was started.
pub(crate) fn broker() -> Option<(String, PathBuf, MutexGuard<'static, ()>)> {
    static TURN: Mutex<()> = Mutex::new(());
    let url = std::env::var("HOOKLOG_AMQP_URL").ok();
    let state = std::env::var("HOOKLOG_AMQP_STATE").ok();
    match (url, state) {
        (Some(url), Some(state)) => {
            let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
            Some((url, PathBuf::from(state), turn))
        }
        _ => {
            assert!(
                std::env::var_os("HOOKLOG_REQUIRE_SERVERS").is_none_or(|v| v != "1"),
                "no RabbitMQ broker (HOOKLOG_AMQP_URL) and HOOKLOG_REQUIRE_SERVERS=1: run ./scripts/test"
            );
            eprintln!(
                "no RabbitMQ broker (HOOKLOG_AMQP_URL unset): skipping; ./scripts/test starts one"
            );
            None
        }
    }
}

/// Runs `scripts/rabbitmq <command>` on the test broker.
pub(crate) fn control(command: &str, state: &PathBuf) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/rabbitmq");
    let status = Command::new(script)
        .arg(command)
        .arg(state)
        .status()
        .unwrap();
    assert!(status.success(), "scripts/rabbitmq {command} failed");
}

/// Runs `rabbitmqctl` with `args` on the test broker.
pub(crate) fn ctl(state: &PathBuf, args: &[&str]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/rabbitmq");
    let status = Command::new(script)
        .arg("ctl")
        .arg(state)
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "rabbitmqctl {args:?} failed");
}

/// A reader of one topic exchange: declares the exchange and a durable queue bound to
/// it with `#`.
pub(crate) struct Consumer {
    runtime: tokio::runtime::Runtime,
    url: String,
    queue: String,
}

impl Consumer {
    pub(crate) fn new(url: &str, exchange: &str) -> Consumer {
        Consumer::bound(url, exchange, "#")
    }

    /// A reader of the records of `exchange` whose routing key matches `key`.
    pub(crate) fn bound(url: &str, exchange: &str, key: &str) -> Consumer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let queue = format!("{exchange}-queue");
        runtime.block_on(async {
            let connection = Connection::connect(url, ConnectionProperties::default())
                .await
                .unwrap();
            let channel = connection.create_channel().await.unwrap();
            let durable = ExchangeDeclareOptions {
                durable: true,
                ..Default::default()
            };
            channel
                .exchange_declare(
                    exchange.into(),
                    ExchangeKind::Topic,
                    durable,
                    FieldTable::default(),
                )
                .await
                .unwrap();
            let durable = QueueDeclareOptions {
                durable: true,
                ..Default::default()
            };
            channel
                .queue_declare(queue.as_str().into(), durable, FieldTable::default())
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
        Consumer {
            runtime,
            url: url.to_owned(),
            queue,
        }
    }

    /// Reads until `count` messages arrived (or 30 s passed): (routing key, body).
    pub(crate) fn take(&self, count: usize) -> Vec<(String, serde_json::Value)> {
        self.take_within(count, Duration::from_secs(30))
    }

    /// Reads until `count` messages arrived or `wait` passed.
    pub(crate) fn take_within(
        &self,
        count: usize,
        wait: Duration,
    ) -> Vec<(String, serde_json::Value)> {
        self.runtime.block_on(async {
            let connection = Connection::connect(&self.url, ConnectionProperties::default())
                .await
                .unwrap();
            let channel = connection.create_channel().await.unwrap();
            let mut got = Vec::new();
            let deadline = Instant::now() + wait;
            while got.len() < count && Instant::now() < deadline {
                let options = BasicGetOptions { no_ack: true };
                match channel
                    .basic_get(self.queue.as_str().into(), options)
                    .await
                    .unwrap()
                {
                    Some(message) => {
                        let body = serde_json::from_slice(&message.delivery.data).unwrap();
                        got.push((message.delivery.routing_key.to_string(), body));
                    }
                    None => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
            got
        })
    }
}
