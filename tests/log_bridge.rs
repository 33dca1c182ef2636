//! The `log` facade reaching hooklog (feature `log`); one test, as `log` has one logger.
#![cfg(feature = "log")]

mod common;

use hooklog::{JsonFormatter, Level};

#[test]
fn log_records_become_hooklog_records() {
    let (logger, out) = common::capture(
        JsonFormatter::new()
            .disable_timestamp(true)
            .report_target(true),
    );
    logger.set_filter("info,chatty=error".parse().unwrap());
    logger.set_report_caller(true);
    hooklog::bridge::init_with(logger.clone()).unwrap();
    assert_eq!(log::max_level(), log::LevelFilter::Info);
    assert!(hooklog::bridge::init_with(logger.clone()).is_err());

    let line = line!() + 1;
    log::warn!(target: "payments", user = "alice", amount = 12.5, retry = true, n = -3; "charge {} failed", 7);
    log::debug!("hidden at Info");
    log::warn!(target: "chatty::dependency", "hidden: its target keeps errors only");
    logger.set_level(Level::Trace);
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
    log::trace!("now shown");
    log::logger().flush();

    let records = common::records(&out);
    assert_eq!(records.len(), 2, "{records:?}");
    let warn = &records[0];
    assert_eq!(warn["level"], "warning");
    assert_eq!(warn["msg"], "charge 7 failed");
    assert_eq!(warn["user"], "alice");
    assert_eq!(warn["amount"], 12.5);
    assert_eq!(warn["retry"], true);
    assert_eq!(warn["n"], -3);
    assert_eq!(warn["target"], "payments");
    assert_eq!(warn["file"], format!("tests/log_bridge.rs:{line}"));
    assert_eq!(warn["func"], "log_bridge");
    assert_eq!(records[1]["level"], "trace");

    // The level maps both ways.
    assert_eq!(hooklog::bridge::from_log(log::Level::Warn), Level::Warn);
    assert_eq!(
        hooklog::bridge::to_level_filter(Some(Level::Fatal)),
        log::LevelFilter::Error
    );
    assert_eq!(
        hooklog::bridge::to_level_filter(None),
        log::LevelFilter::Off
    );
}
