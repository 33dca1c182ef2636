//! A process that exports records over OTLP and then ends, for `tests/exits.rs`: every
//! record must reach the receiver on every way out.
//!
//! `cargo run -p hooklog-otlp --example otlp_exits -- <how> <count>` logs `<count>`
//! numbered records (`n`) to an [`OtlpHook`] with the default settings, its endpoint and
//! resource taken from the `OTEL_*` environment variables, then ends as `<how>` says:
//!
//! | how | ends by |
//! |---|---|
//! | `return` | returning from `main` |
//! | `exit` | `std::process::exit(3)` |
//! | `fatal` | `logger.fatal(..)` (exit code 1) |
//! | `panic` | a panic on the main thread (built with `panic = "abort"`, an abort) |
//! | `signal` | printing `READY` and waiting for SIGTERM, after `flush_on_signals()` |

use std::time::Duration;

use hooklog::Logger;
use hooklog_otlp::OtlpHook;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, how, count] = args.as_slice() else {
        eprintln!("usage: otlp_exits <how> <count>");
        std::process::exit(2);
    };
    let count: u64 = count.parse().expect("a count");
    let hook = OtlpHook::builder().build().expect("the OTLP hook builds");
    let logger = Logger::builder().out(std::io::sink()).hook(hook).build();
    if how == "signal" {
        hooklog::flush_on_signals().expect("signal handling");
    }
    for n in 0..count {
        hooklog::info!(logger, "record {n}"; "n" => n);
    }
    match how.as_str() {
        "return" => {}
        "exit" => std::process::exit(3),
        "fatal" => logger.fatal("the end"),
        "panic" => panic!("main thread gives up"),
        "signal" => {
            println!("READY");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        other => {
            eprintln!("unknown way to end: {other}");
            std::process::exit(2);
        }
    }
}
