//! Real `tracing` instrumentation through the layer: nested spans, `#[instrument]`,
//! threads, hooks, filters, and the layer as the process's only subscriber.

use std::sync::{Arc, Mutex};

use hooklog::{Entry, Error, Hook, Level, Logger, MemoryOut, TextFormatter};
use tracing_subscriber::layer::SubscriberExt;

/// A logger writing text without time into a `MemoryOut`, at `Trace`.
fn capture() -> (Logger, MemoryOut) {
    let out = MemoryOut::new();
    let logger = Logger::builder()
        .level(Level::Trace)
        .formatter(
            TextFormatter::new()
                .disable_timestamp(true)
                .disable_colors(true),
        )
        .out(out.clone())
        .build();
    (logger, out)
}

fn lines(out: &MemoryOut) -> Vec<String> {
    String::from_utf8(out.contents())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn with_layer<R>(logger: &Logger, f: impl FnOnce() -> R) -> R {
    let subscriber = tracing_subscriber::registry().with(hooklog_tracing::layer(logger.clone()));
    tracing::subscriber::with_default(subscriber, f)
}

#[test]
fn events_in_nested_spans_carry_the_span_fields_outermost_first() {
    let (logger, out) = capture();
    with_layer(&logger, || {
        let outer = tracing::info_span!("request", id = 7u64, user = "alice", attempt = 1u64);
        let _outer = outer.enter();
        let inner = tracing::debug_span!("db", table = "orders", attempt = 2u64);
        let _inner = inner.enter();
        tracing::warn!(rows = 3, ratio = 0.5, ok = true, who = ?"x", "slow query on {}", "orders");
        tracing::error!(attempt = 3u64, "failed");
        tracing::trace!(target: "my_app::cache", "cache miss");
    });
    assert_eq!(
        lines(&out),
        [
            r#"level=warning msg="slow query on orders" id=7 user=alice attempt=2 table=orders rows=3 ratio=0.5 ok=true who="\"x\"""#,
            "level=error msg=failed id=7 user=alice attempt=3 table=orders",
            "level=trace msg=\"cache miss\" id=7 user=alice attempt=2 table=orders",
        ]
    );
}

#[tracing::instrument(fields(service = "billing"))]
fn charge(order: u64, customer: &str) {
    tracing::info!(amount = 12.5, "charged");
}

#[test]
fn instrumented_functions_give_their_arguments() {
    let (logger, out) = capture();
    with_layer(&logger, || charge(1042, "acme"));
    assert_eq!(
        lines(&out),
        ["level=info msg=charged order=1042 customer=acme service=billing amount=12.5"]
    );
}

#[test]
fn events_from_many_threads_keep_their_own_spans() {
    let (logger, out) = capture();
    let subscriber = tracing_subscriber::registry().with(hooklog_tracing::layer(logger.clone()));
    let dispatch = tracing::Dispatch::new(subscriber);
    std::thread::scope(|scope| {
        for worker in 0..4u64 {
            let dispatch = dispatch.clone();
            scope.spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    let span = tracing::info_span!("job", worker);
                    let _entered = span.enter();
                    for n in 0..250u64 {
                        tracing::info!(n, "step");
                    }
                })
            });
        }
    });
    let lines = lines(&out);
    assert_eq!(lines.len(), 1000);
    for worker in 0..4 {
        let mine: Vec<&String> = lines
            .iter()
            .filter(|l| l.contains(&format!("worker={worker} ")))
            .collect();
        assert_eq!(mine.len(), 250, "worker {worker}");
        for (n, line) in mine.iter().enumerate() {
            assert!(line.ends_with(&format!(" n={n}")), "{line}");
        }
    }
}

/// Keeps the fields every record reaches hooks with.
struct SeenFields(Mutex<Vec<Vec<String>>>);

impl Hook for SeenFields {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let keys = entry.fields().iter().map(|(k, _)| k.to_owned()).collect();
        self.0.lock().unwrap().push(keys);
        Ok(())
    }
}

#[test]
fn hooks_see_the_span_fields() {
    let (logger, _) = capture();
    let seen = Arc::new(SeenFields(Mutex::new(Vec::new())));
    logger.add_hook(Arc::clone(&seen));
    with_layer(&logger, || {
        let span = tracing::info_span!("request", request_id = "r-1");
        span.in_scope(|| tracing::info!(status = 200u64, "done"));
    });
    assert_eq!(*seen.0.lock().unwrap(), [["request_id", "status"]]);
}

#[test]
fn the_loggers_filter_chooses_by_the_tracing_target_and_can_change() {
    let (logger, out) = capture();
    logger.set_filter("info,hyper=warn".parse().unwrap());
    logger.set_report_caller(true);
    with_layer(&logger, || {
        tracing::info!(target: "hyper::proto", "dropped");
        tracing::warn!(target: "hyper::proto", "kept");
        tracing::debug!("dropped: this crate keeps info");
        logger.set_filter("debug".parse().unwrap());
        tracing::info!(target: "hyper::proto", "kept after the change");
        let line = line!() + 1;
        tracing::debug!("kept too");
        assert!(
            lines(&out)
                .last()
                .unwrap()
                .contains(&format!("file=\"bridges/tracing/tests/layer.rs:{line}\"")),
            "{:?}",
            lines(&out)
        );
    });
    let messages: Vec<String> = lines(&out)
        .iter()
        .map(|l| l.split(" func=").next().unwrap().to_owned())
        .collect();
    assert_eq!(
        messages,
        [
            "level=warning msg=kept",
            "level=info msg=\"kept after the change\"",
            "level=debug msg=\"kept too\""
        ]
    );
}

#[test]
fn the_layer_can_be_the_only_subscriber_and_follow_the_global_logger() {
    let (logger, out) = capture();
    hooklog::set_global(logger);
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(hooklog_tracing::global_layer()),
    )
    .unwrap();
    tracing::info!(user = "alice", "from anywhere");
    let (next, next_out) = capture();
    hooklog::set_global(next);
    tracing::info!("to the next global logger");
    assert_eq!(lines(&out), ["level=info msg=\"from anywhere\" user=alice"]);
    assert_eq!(
        lines(&next_out),
        ["level=info msg=\"to the next global logger\""]
    );
}
