//! Levels: order, names, parsing and its errors.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hooklog::{Level, ParseLevelError};

#[test]
fn levels_are_ordered_most_severe_first() {
    assert_eq!(
        Level::ALL,
        [
            Level::Panic,
            Level::Fatal,
            Level::Error,
            Level::Warn,
            Level::Info,
            Level::Debug,
            Level::Trace
        ]
    );
    assert!(Level::ALL.windows(2).all(|w| w[0] < w[1]));
    assert!(Level::Panic < Level::Trace);
}

#[test]
fn names_follow_logrus() {
    let names: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
    assert_eq!(
        names,
        [
            "panic", "fatal", "error", "warning", "info", "debug", "trace"
        ]
    );
    assert_eq!(Level::Warn.to_string(), "warning");
    assert_eq!(format!("{:>8}|", Level::Info), "    info|");
}

#[test]
fn parsing_ignores_case_and_takes_warn_and_warning() {
    for level in Level::ALL {
        assert_eq!(level.as_str().parse::<Level>(), Ok(level));
        assert_eq!(level.as_str().to_uppercase().parse::<Level>(), Ok(level));
    }
    assert_eq!("warn".parse::<Level>(), Ok(Level::Warn));
    assert_eq!("WaRnInG".parse::<Level>(), Ok(Level::Warn));
    assert_eq!("Info".parse::<Level>(), Ok(Level::Info));
}

#[test]
fn a_bad_name_gets_an_error_naming_the_valid_ones() {
    for bad in ["", "verbose", "inf", "warnings", " info"] {
        let err: ParseLevelError = bad.parse::<Level>().unwrap_err();
        assert_eq!(err.input(), bad);
        let message = err.to_string();
        assert!(message.contains(&format!("{bad:?}")), "{message}");
        for name in [
            "panic", "fatal", "error", "warn", "warning", "info", "debug", "trace",
        ] {
            assert!(message.contains(name), "{message} lacks {name}");
        }
    }
}

#[test]
fn level_changes_take_effect_for_the_next_record_on_every_thread() {
    let (logger, out) = common::capture(common::text());
    logger.set_level(Level::Info);
    assert_eq!(logger.level(), Level::Info);
    logger.debug("hidden");
    logger.set_level(Level::Debug);
    logger.debug("shown");
    assert_eq!(common::lines(&out), ["level=debug msg=shown"]);

    // A writer thread flips the level while readers log; each reader sees a valid level
    // and, once the flip is visible, logs at it.
    let stop = Arc::new(AtomicBool::new(false));
    let flipper = {
        let logger = logger.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                logger.set_level(Level::ALL[i % Level::ALL.len()]);
                i += 1;
            }
        })
    };
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let logger = logger.clone();
            std::thread::spawn(move || {
                for _ in 0..20_000 {
                    assert!(Level::ALL.contains(&logger.level()));
                }
            })
        })
        .collect();
    for reader in readers {
        reader.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    flipper.join().unwrap();
    logger.set_level(Level::Error);
    assert!(!logger.is_level_enabled(Level::Warn));
    assert!(logger.is_level_enabled(Level::Fatal));
}
