//! `examples/bridged_service.rs`: the service's own records, `tracing` events with their
//! spans, and its dependencies' `log` records, all through one global logger, filtered
//! by target from the environment.
#![cfg(feature = "log")]

mod common;

use std::process::Command;

/// Runs the example with `env` and returns its records.
fn run(env: &[(&str, &str)]) -> Vec<String> {
    let mut command = Command::new(common::example("bridged_service"));
    for name in ["HOOKLOG_LOG", "RUST_LOG", "HOOKLOG_FORMAT"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let output = command.output().expect("the example runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// How many of `lines` came from `target`.
fn from(lines: &[String], target: &str) -> usize {
    lines
        .iter()
        .filter(|l| {
            l.contains(&format!(" target={target}")) || l.contains(&format!(" target=\"{target}"))
        })
        .count()
}

#[test]
fn dependencies_records_arrive_filtered_by_target() {
    // The default filter: tiny_http's debug records show, ureq's (warn) do not.
    let lines = run(&[]);
    assert!(from(&lines, "tiny_http") >= 1, "{lines:#?}");
    assert_eq!(from(&lines, "ureq"), 0, "{lines:#?}");
    // `tracing` events carry their span's fields; hooklog's records their own.
    assert!(
        lines.iter().any(|l| l.contains(
            "msg=handled target=bridged_service method=GET path=/api/users/7 status=200"
        )),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("msg=\"no route\"")),
        "{lines:#?}"
    );

    // HOOKLOG_LOG decides: ureq's debug records now show, tiny_http's are off.
    let lines = run(&[("HOOKLOG_LOG", "debug,tiny_http=off")]);
    assert_eq!(from(&lines, "tiny_http"), 0, "{lines:#?}");
    assert!(from(&lines, "ureq") >= 1, "{lines:#?}");

    // HOOKLOG_FORMAT=json: every line is a JSON record.
    for line in run(&[("HOOKLOG_FORMAT", "json")]) {
        let record: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(record["msg"].is_string(), "{line}");
    }
}
