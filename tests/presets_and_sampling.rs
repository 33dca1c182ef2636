//! Logger presets and sampling.

mod common;

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use hooklog::{Level, Logger, Sampler};

#[test]
fn presets() {
    let development = Logger::development();
    assert_eq!(development.level(), Level::Trace);
    assert!(development.report_caller());
    let production = Logger::production();
    assert_eq!(production.level(), Level::Info);
    assert!(!production.report_caller());
    let nop = Logger::nop();
    for level in &Level::ALL[1..] {
        assert!(!nop.is_level_enabled(*level), "{level}");
    }
    nop.error("discarded");
}

#[test]
fn sampling_keeps_the_first_then_every_nth_per_level_and_message() {
    let (logger, out) = common::capture(common::text());
    let sampler = Arc::new(Sampler::new(Duration::from_secs(1), 2, 3));
    logger.set_sampler(Some(Arc::clone(&sampler)));
    let second = UNIX_EPOCH + Duration::from_secs(1_000);
    for i in 0..10 {
        logger.with_time(second).with_field("i", i).info("repeated");
        logger.with_time(second).with_field("i", i).warn("repeated");
    }
    logger.with_time(second).info("other message");
    // A new tick starts the count again.
    let later = second + Duration::from_secs(2);
    logger.with_time(later).with_field("i", 99).info("repeated");
    let lines = common::lines(&out);
    let kept = |level: &str| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.contains(&format!("level={level} msg=repeated")))
            .map(|l| l.rsplit_once("i=").unwrap().1.to_owned())
            .collect()
    };
    // First 2 (i=0,1), then every 3rd after them: the 5th and 8th (i=4,7).
    assert_eq!(kept("info"), ["0", "1", "4", "7", "99"]);
    assert_eq!(kept("warning"), ["0", "1", "4", "7"]);
    assert!(lines.iter().any(|l| l.contains("other message")));
    assert_eq!(sampler.dropped(), 12);

    logger.set_sampler(None);
    for _ in 0..5 {
        logger.with_time(second).info("repeated");
    }
    assert_eq!(common::lines(&out).len(), lines.len() + 5);
}

#[test]
fn sampling_with_zero_thereafter_keeps_only_the_first() {
    let (logger, out) = common::capture(common::text());
    let sampler = Arc::new(Sampler::new(Duration::from_secs(60), 1, 0));
    logger.set_sampler(Some(Arc::clone(&sampler)));
    for _ in 0..50 {
        logger.error("flood");
    }
    assert_eq!(common::lines(&out).len(), 1);
    assert_eq!(sampler.dropped(), 49);
}
