//! Filters by target: the macros' module or `target:`, changed at run time, and the
//! environment and global logger through `init` (in child processes: one global logger
//! and one environment per process).

mod common;

use hooklog::{Filter, Level, info, log_fields, warn};

mod db {
    pub(crate) mod pool {
        pub(crate) fn log(logger: &hooklog::Logger) {
            hooklog::debug!(logger, "pool debug");
            hooklog::trace!(logger, "pool trace");
        }
    }

    pub(crate) fn log(logger: &hooklog::Logger) {
        hooklog::debug!(logger, "db debug");
        hooklog::log_fields!(logger; "k" => 1).debug("db lazy debug");
    }
}

#[test]
fn records_are_kept_by_the_level_for_their_target() {
    let (logger, out) = common::capture(common::text().report_target(true));
    logger.set_filter(
        format!("warn,{}::db=debug,noisy=off", module_path!())
            .parse()
            .unwrap(),
    );
    info!(logger, "dropped: this module keeps warnings");
    warn!(logger, "kept");
    db::log(&logger);
    db::pool::log(&logger);
    info!(logger, target: "noisy::client", "dropped: off");
    warn!(logger, target: "elsewhere", "kept: named target");
    logger.info("dropped: methods have no target, the default decides");
    logger.warn("kept: a method at the default");
    let target = module_path!();
    assert_eq!(
        common::lines(&out),
        [
            format!("level=warning msg=kept target={target}"),
            format!("level=debug msg=\"db debug\" target=\"{target}::db\""),
            format!("level=debug msg=\"db lazy debug\" target=\"{target}::db\" k=1"),
            format!("level=debug msg=\"pool debug\" target=\"{target}::db::pool\""),
            "level=warning msg=\"kept: named target\" target=elsewhere".to_owned(),
            "level=warning msg=\"kept: a method at the default\"".to_owned(),
        ]
    );
}

#[test]
fn a_new_filter_takes_effect_at_once_at_every_call_site() {
    let (logger, hook) = hooklog_test::null_logger();
    let call = |logger: &hooklog::Logger| {
        info!(logger, "macro");
        log_fields!(logger; "n" => 1).info("lazy");
    };
    logger.set_filter("info".parse().unwrap());
    call(&logger);
    assert_eq!(hook.len(), 2);
    logger.set_filter(format!("info,{}=error", module_path!()).parse().unwrap());
    call(&logger);
    assert_eq!(hook.len(), 2, "the cached answer was not dropped");
    logger.set_level(Level::Trace); // the directive for this module stays
    call(&logger);
    assert_eq!(hook.len(), 2);
    logger.set_filter(Filter::new(Level::Info));
    call(&logger);
    assert_eq!(hook.len(), 4);

    // One call site, two loggers with different filters: each gets its own answer.
    let (other, other_hook) = hooklog_test::null_logger();
    other.set_filter(format!("info,{}=off", module_path!()).parse().unwrap());
    for logger in [&logger, &other, &logger] {
        call(logger);
    }
    assert_eq!((hook.len(), other_hook.len()), (8, 0));
}

#[test]
fn the_level_of_a_logger_is_the_filters_default() {
    let logger = hooklog::Logger::builder()
        .filter("warn,a=trace".parse().unwrap())
        .out(std::io::sink())
        .build();
    assert_eq!(logger.level(), Level::Warn);
    // Some target keeps Trace: the quick check says it may be logged.
    assert!(logger.is_level_enabled(Level::Trace));
    assert!(logger.is_enabled_for(Level::Trace, "a::b"));
    assert!(!logger.is_enabled_for(Level::Info, "b"));
    logger.set_level(Level::Info);
    assert_eq!(logger.filter().to_string(), "info,a=trace");
}

#[test]
#[ignore = "child process: run by init_reads_the_environment"]
fn child_init() {
    hooklog::set_out(std::io::stdout());
    if let Err(e) = hooklog::try_init() {
        println!("ERROR {e}");
        return;
    }
    hooklog::debug!("debug from the test module");
    hooklog::info!("info from the test module");
    hooklog::warn!(target: "hyper::client", "warn from hyper");
    hooklog::error!(target: "hyper::client", "error from hyper");
    log_fields! { "k" => 1 }.info("lazy info");
    log::info!(target: "sqlx::query", "a query");
    log::warn!(target: "dep", "a dependency warning");
}

/// Runs `child_init` with `env` set and returns the lines it printed.
fn init_with(env: &[(&str, &str)]) -> Vec<String> {
    let mut env = env.to_vec();
    for name in ["HOOKLOG_LOG", "RUST_LOG", "HOOKLOG_FORMAT"] {
        if !env.iter().any(|(k, _)| *k == name) {
            env.push((name, ""));
        }
    }
    let output = common::run_child_test("child_init", &env);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        // Records from their level on (text records start with the time), JSON, errors;
        // the first may follow libtest's `test child_init ... `.
        .filter_map(|l| {
            let at = l.find("level=").or(l.find('{')).or(l.find("ERROR"))?;
            Some(l[at..].to_owned())
        })
        .collect()
}

#[test]
fn init_reads_the_environment() {
    let lines = init_with(&[("HOOKLOG_LOG", "info,hyper=error,sqlx=warn")]);
    let messages: Vec<&str> = lines
        .iter()
        .map(|l| l.split("msg=").nth(1).unwrap_or(l))
        .collect();
    let mut expected = vec![
        "\"info from the test module\"",
        "\"error from hyper\"",
        "\"lazy info\" k=1",
    ];
    // The `log` bridge comes with the `log` feature.
    if cfg!(feature = "log") {
        expected.push("\"a dependency warning\"");
    }
    assert_eq!(messages, expected, "{lines:?}");
    // RUST_LOG when HOOKLOG_LOG is unset, and JSON.
    let lines = init_with(&[("RUST_LOG", "error"), ("HOOKLOG_FORMAT", "json")]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains(r#""msg":"error from hyper""#),
        "{lines:?}"
    );
    // Mistakes are named.
    let lines = init_with(&[("HOOKLOG_LOG", "info,hyper=loud")]);
    assert_eq!(
        lines,
        [
            r#"ERROR HOOKLOG_LOG="info,hyper=loud": invalid filter directive "hyper=loud": "loud" is not a level (expected off, panic, fatal, error, warn or warning, info, debug or trace)"#
        ]
    );
    let lines = init_with(&[("HOOKLOG_FORMAT", "xml")]);
    assert_eq!(
        lines,
        [r#"ERROR HOOKLOG_FORMAT="xml": expected text or json"#]
    );
}
