//! Helpers shared by the integration tests.
#![allow(dead_code, unused_imports)] // each test uses a part

use std::process::{Command, Output};

use hooklog::{JsonFormatter, MemoryOut, TextFormatter};

pub(crate) use hooklog_test::capture;

/// Plain text without timestamps or colours.
pub(crate) fn text() -> TextFormatter {
    TextFormatter::new()
        .disable_timestamp(true)
        .disable_colors(true)
}

/// JSON without timestamps.
pub(crate) fn json() -> JsonFormatter {
    JsonFormatter::new().disable_timestamp(true)
}

/// The captured text.
pub(crate) fn output(out: &MemoryOut) -> String {
    String::from_utf8(out.contents()).expect("records are UTF-8")
}

/// The captured lines.
pub(crate) fn lines(out: &MemoryOut) -> Vec<String> {
    output(out).lines().map(str::to_owned).collect()
}

/// The captured JSON records.
pub(crate) fn records(out: &MemoryOut) -> Vec<serde_json::Value> {
    lines(out)
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect()
}

/// The example binary `name`, built now (cargo does nothing when it is up to date) so
/// that a test never runs a stale build.
pub(crate) fn example(name: &str) -> std::path::PathBuf {
    built_example(name, "dev", "debug")
}

/// The example binary `name` built with the `panic-abort` profile (panics abort).
pub(crate) fn example_that_aborts(name: &str) -> std::path::PathBuf {
    built_example(name, "panic-abort", "panic-abort")
}

/// Builds the example `name` with `profile` once per test process; returns its path in
/// the profile's directory `dir`.
fn built_example(name: &str, profile: &str, dir: &str) -> std::path::PathBuf {
    static BUILT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe.ancestors().nth(3).expect("target directory");
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let key = format!("{profile}/{name}");
    if !built.contains(&key) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--all-features", "--example", name])
            .args(["--profile", profile])
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "building examples/{name} ({profile}) failed"
        );
        built.push(key);
    }
    target.join(dir).join("examples").join(name)
}

/// Runs the ignored test `name` of this test binary in a child process with `env` set.
pub(crate) fn run_child_test(name: &str, env: &[(&str, &str)]) -> Output {
    let exe = std::env::current_exe().expect("test binary path");
    let mut command = Command::new(exe);
    command
        .args([
            "--exact",
            name,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("HOOKLOG_CHILD", "1")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("child test runs")
}

/// Whether this process is a child started by [`run_child_test`].
pub(crate) fn is_child() -> bool {
    std::env::var_os("HOOKLOG_CHILD").is_some()
}

/// The lines a child wrote to stderr that came from hooklog.
pub(crate) fn hooklog_reports(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with("hooklog: "))
        .map(str::to_owned)
        .collect()
}
