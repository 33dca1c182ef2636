//! Many threads on one logger: no record lost, split or interleaved.

mod common;

use std::collections::HashSet;

use hooklog::{JsonFormatter, Logger, MemoryOut};

#[test]
fn eight_threads_never_interleave_or_lose_records() {
    const THREADS: u64 = 8;
    const PER_THREAD: u64 = 10_000;
    let out = MemoryOut::new();
    let logger = Logger::builder()
        .formatter(JsonFormatter::new())
        .out(out.clone())
        .build();
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let logger = logger.clone();
            scope.spawn(move || {
                let context = logger.with_field("thread", thread);
                for seq in 0..PER_THREAD {
                    hooklog::info!(context, "record {}", seq; "seq" => seq, "pad" => "x y z \"q\" \n");
                }
            });
        }
    });
    let text = common::output(&out);
    assert!(text.ends_with('\n'));
    let mut seen = HashSet::new();
    let mut lines = 0;
    for line in text.lines() {
        lines += 1;
        let record: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        let thread = record["thread"].as_u64().unwrap();
        let seq = record["seq"].as_u64().unwrap();
        assert_eq!(record["msg"], format!("record {seq}"));
        assert!(seen.insert((thread, seq)), "duplicate {thread}/{seq}");
    }
    assert_eq!(lines, THREADS * PER_THREAD);
    assert_eq!(seen.len() as u64, THREADS * PER_THREAD);
}
