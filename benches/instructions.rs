//! Logs `n` records of one scenario of one crate, for `scripts/instructions`, which runs
//! it under callgrind to count instructions per record:
//! `instructions <scenario> <crate> <n>`; or `n` hooklog records of ten fields of one kind
//! (`none` for no fields), for the cost of a field by kind: `instructions kind <kind> <n>`;
//! or `n` hooklog records of `fields10` or `request10` from a logger redacting with the
//! default rules: `instructions redacted <scenario> <n>`, and from the same code without
//! redaction, to compare with: `instructions unredacted <scenario> <n>`.

mod common;
use common::{hooklog_emit, hooklog_fields10, hooklog_request10};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    // `cargo test --benches` runs every bench target without arguments.
    let [scenario, krate, n] = args.as_slice() else {
        return;
    };
    let n: u64 = n.parse().expect("a record count");
    if scenario == "redacted" || scenario == "unredacted" {
        if !log_redacted(krate, n, scenario == "redacted") {
            eprintln!("unknown scenario {krate:?}: fields10 or request10");
            std::process::exit(2);
        }
        return;
    }
    if scenario == "kind" {
        if !log_kind(krate, n) {
            eprintln!("unknown kind {krate:?}");
            std::process::exit(2);
        }
        return;
    }
    if !common::SCENARIOS.contains(&scenario.as_str()) {
        eprintln!(
            "unknown scenario {scenario:?}; known: {:?}",
            common::SCENARIOS
        );
        std::process::exit(2);
    }
    let Some(case) = common::cases()
        .into_iter()
        .find(|case| case.scenario == scenario && case.krate == krate)
    else {
        let why = common::NOT_EXPRESSIBLE
            .iter()
            .find(|(s, k, _)| s == scenario && k == krate)
            .map_or("no such crate", |(_, _, why)| why);
        eprintln!("{scenario}/{krate}: not measured: {why}");
        std::process::exit(2);
    };
    (case.run)(n);
}

/// `fields10` or `request10` through a logger with [`hooklog::Redaction::new`], or
/// without redaction.
#[allow(clippy::approx_constant)] // float=3.14159 is part of the fields10 record
fn log_redacted(scenario: &str, n: u64, redacted: bool) -> bool {
    let builder = hooklog::Logger::builder()
        .formatter(hooklog::JsonFormatter::new())
        .out(std::io::sink());
    let logger = match redacted {
        true => builder.redact(hooklog::Redaction::new()).build(),
        false => builder.build(),
    };
    let request = common::Request::new();
    match scenario {
        "fields10" => (0..n).for_each(|_| hooklog_fields10!(level info, logger)),
        "request10" => (0..n).for_each(|_| hooklog_request10!(level info, logger, request)),
        _ => return false,
    }
    true
}

/// Ten fields of one kind, for the cost of a field by kind: `instructions kind <kind> <n>`.
fn log_kind(kind: &str, n: u64) -> bool {
    use std::io;

    let logger = hooklog::Logger::builder()
        .formatter(hooklog::JsonFormatter::new())
        .out(io::sink())
        .build();
    let short = String::from("alice@example.com");
    let long = String::from("/api/v1/users/42/orders/1042/items");
    let error = io::Error::other("connection reset by peer");
    let peer = (1u16, "10.0.0.7");
    macro_rules! ten {
        ($($value:tt)+) => {
            (0..n).for_each(|_| hooklog::info!(logger, "request handled";
                "k0" => $($value)+, "k1" => $($value)+, "k2" => $($value)+, "k3" => $($value)+,
                "k4" => $($value)+, "k5" => $($value)+, "k6" => $($value)+, "k7" => $($value)+,
                "k8" => $($value)+, "k9" => $($value)+))
        };
    }
    match kind {
        "none" => (0..n).for_each(|_| hooklog::info!(logger, "request handled")),
        "i64" => ten!(std::hint::black_box(-123456789i64)),
        "u64" => ten!(std::hint::black_box(200u64)),
        "f64" => ten!(std::hint::black_box(12.5f64)),
        "bool" => ten!(std::hint::black_box(true)),
        "static-str" => ten!("hello world"),
        "borrowed-str" => ten!(short.as_str()),
        "long-str" => ten!(long.as_str()),
        "display" => ten!(%error),
        "debug" => ten!(?peer),
        _ => return false,
    }
    true
}
