//! Steady-state logging allocates nothing: proven with a counting global allocator.

use std::io;

use hooklog::{JsonFormatter, Level, Logger, TextFormatter, Value};
use hooklog_test::{CountingAllocator, allocations_during};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const RECORDS: u64 = 10_000;

/// Runs `log` for warm-up, then counts the allocations of `RECORDS` more calls.
fn allocations(name: &str, mut log: impl FnMut(u64)) -> u64 {
    for i in 0..1_000 {
        log(i);
    }
    let count = allocations_during(|| (0..RECORDS).for_each(&mut log));
    println!("{name}: {count} allocations over {RECORDS} records");
    count
}

fn logger(formatter: impl hooklog::Formatter) -> Logger {
    Logger::builder()
        .level(Level::Info)
        .formatter(formatter)
        .out(io::sink())
        .build()
}

/// Whether this process can measure: errors get a backtrace when `RUST_LIB_BACKTRACE`
/// asks for one, which allocates by design. Otherwise the test named `test` runs again in
/// a child with `RUST_LIB_BACKTRACE=0`, which must pass.
fn measurable(test: &str) -> bool {
    if !matches!(
        std::env::var("RUST_LIB_BACKTRACE").as_deref(),
        Ok("1" | "full")
    ) {
        return true;
    }
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env("RUST_LIB_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "{test} without backtraces: {}{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    false
}

#[test]
fn steady_state_logging_allocates_nothing() {
    if !measurable("steady_state_logging_allocates_nothing") {
        return;
    }
    let json = logger(JsonFormatter::new());
    let text = logger(TextFormatter::new().disable_colors(true));
    let reset = io::Error::other("connection reset");
    let context = json
        .with_field("request_id", "r-42")
        .with_field("attempt", 3)
        .with_field("ratio", 0.5);

    let results = [
        allocations("fresh with_field chain (JSON)", |i| {
            json.with_field("int", i)
                .with_field("user", "alice@example.com")
                .with_field("latency_ms", 12.5)
                .with_field("ok", true)
                .info("request handled")
        }),
        allocations("fresh with_field chain (text)", |i| {
            text.with_field("int", i)
                .with_field("user", "alice@example.com")
                .with_field("latency_ms", 12.5)
                .info("request handled")
        }),
        allocations("reused context entry", |_| context.info("request handled")),
        allocations(
            "macro with fields",
            |i| hooklog::info!(json, "request {} handled", i; "status" => 200u64, "path" => "/api"),
        ),
        allocations(
            "macro on a context entry",
            |_| hooklog::info!(context, "request handled"; "status" => 200u64),
        ),
        allocations(
            "disabled level (macro)",
            |i| hooklog::debug!(json, "never {}", i; "k" => i),
        ),
        allocations("disabled level (chain)", |i| {
            json.with_field("k", i).debug("never")
        }),
        allocations("an error without a cause", |_| {
            json.with_error(&reset).error("request failed")
        }),
    ];
    assert_eq!(results, [0; 8]);
}

/// What a handler borrows: strings of 1 to 200 bytes, an error and a struct to Debug.
#[derive(Debug)]
struct Request {
    method: String,
    path: String,
    user: String,
    agent: String,
    body: String,
}

#[test]
fn a_service_record_allocates_nothing_once_warm() {
    if !measurable("a_service_record_allocates_nothing_once_warm") {
        return;
    }
    let request = Request {
        method: "G".into(),
        path: "/api/v1/users/42".into(),
        user: "alice@example.com".into(),
        agent: "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0".into(),
        body: "x".repeat(200),
    };
    let err = io::Error::other("connection reset by peer");
    let req = &request;
    let mut results = Vec::new();
    for (name, logger) in [
        ("JSON", logger(JsonFormatter::new())),
        ("text", logger(TextFormatter::new().disable_colors(true))),
    ] {
        results.push(allocations(&format!("log_fields! ({name})"), |_| {
            hooklog::log_fields!(logger;
                "method" => req.method.as_str(), "path" => &req.path, "user" => req.user.as_str(),
                "agent" => &req.agent, "body" => req.body.as_str(), "error" => %err,
                "request" => ?req)
            .info("request failed")
        }));
        results.push(allocations(&format!("level macro ({name})"), |_| {
            hooklog::warn!(logger, "request {} failed", req.path;
                "method" => req.method.as_str(), "path" => &req.path, "user" => req.user.as_str(),
                "agent" => &req.agent, "body" => req.body.as_str(), "error" => %err,
                "request" => ?req)
        }));
        results.push(allocations(&format!("with_field chain ({name})"), |_| {
            logger
                .with_field("method", req.method.as_str())
                .with_field("path", &req.path)
                .with_field("user", req.user.as_str())
                .with_field("agent", &req.agent)
                .with_field("body", req.body.as_str())
                .with_error(&err)
                .with_field("request", Value::debug(req))
                .info("request failed")
        }));
        results.push(allocations(
            &format!("disabled log_fields! ({name})"),
            |_| {
                hooklog::log_fields!(logger; "user" => req.user.as_str(), "error" => %err)
                    .debug("never")
            },
        ));
    }
    assert_eq!(results, [0; 8]);
}

#[test]
fn redaction_allocates_nothing_once_warm() {
    if !measurable("redaction_allocates_nothing_once_warm") {
        return;
    }
    let logger = Logger::builder()
        .level(Level::Info)
        .formatter(JsonFormatter::new())
        .out(io::sink())
        .redact(hooklog::Redaction::new())
        .build();
    let results = [
        allocations("nothing to redact", |i| {
            hooklog::info!(logger, "request handled";
                "int" => i, "user" => "alice@example.com", "path" => "/api/v1/users/42",
                "status" => 200u64, "latency_ms" => 12.5)
        }),
        allocations("secrets by key and by value", |i| {
            hooklog::info!(logger, "login with Bearer abcdef0123456789 for {}", i;
                "password" => "hunter2", "authorization" => "Basic YWxhZGRpbjpvcGVu",
                "card" => "4111 1111 1111 1111", "pan" => 4_111_111_111_111_111u64,
                "jwt" => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl")
        }),
    ];
    assert_eq!(results, [0; 2]);
}
