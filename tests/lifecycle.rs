//! The process lifecycle's hard cases, each run as `examples/lifecycle_faults.rs` in a
//! child process (they end processes, install signal handlers or fork), and the level and
//! filter cases that need no child.
#![allow(unsafe_code, reason = "signals to the child processes' groups")]

mod common;

use std::collections::HashSet;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use hooklog::{Level, Logger, log, log_fields};

/// The example binary, built once per test process.
fn example() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| common::example("lifecycle_faults"))
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hooklog-life-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the case `how` with `file`; a child still running after `limit` is killed (with
/// any process it forked) and the test fails, naming the case: that is how a hang shows.
fn run(how: &str, file: &Path, limit: Duration) -> Output {
    let mut child = Command::new(example())
        .args([how, file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("child starts");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            // SAFETY: a plain system call: SIGKILL to the child's own process group.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let output = child.wait_with_output().unwrap();
            panic!("{how} still ran after {limit:?}: {output:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // A forked grandchild may hold the pipes open: it gets the same limit.
    while start.elapsed() < limit {
        // SAFETY: a plain system call: signal 0 only asks whether the group lives.
        if unsafe { libc::kill(-(child.id() as i32), 0) } != 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: a plain system call: SIGKILL to what is left of the group.
    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
    child.wait_with_output().unwrap()
}

/// The lines of `path`, or none if it does not exist.
fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The `n` of every `level=info` record in `path`, in file order.
fn record_numbers(path: &Path) -> Vec<u64> {
    lines(path)
        .iter()
        .filter(|line| line.starts_with("level=info"))
        .map(|line| {
            line.rsplit_once(" n=")
                .unwrap()
                .1
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect()
}

#[test]
fn a_panic_hook_that_makes_the_first_logger_and_logs_does_not_abort() {
    let file = temp_dir("panic-hook").join("app.log");
    let output = run("panic-hook-logs", &file, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(101), "{output:?}");
    let lines = lines(&file);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("logged by the panic hook"), "{lines:?}");
}

#[test]
fn a_drop_that_makes_the_first_logger_while_unwinding_does_not_abort() {
    let file = temp_dir("drop-unwinding").join("app.log");
    let output = run("drop-logs-while-unwinding", &file, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(101), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the program gives up"), "{stderr}");
    assert_eq!(
        lines(&file),
        ["level=warning msg=\"logged by a Drop while unwinding\""]
    );
}

#[test]
fn a_second_exit_path_waits_for_the_first_to_drain_the_queues() {
    let file = temp_dir("two-exits").join("app.log");
    let output = run("two-exits", &file, Duration::from_secs(30));
    assert!(output.status.code().is_some(), "{output:?}");
    let delivered = lines(&file.with_extension("log.async"));
    assert_eq!(delivered.len(), 300, "{output:?}");
    let numbers: Vec<u64> = delivered.iter().map(|l| l.parse().unwrap()).collect();
    assert!(numbers.iter().copied().eq(0..300), "{numbers:?}");
}

#[test]
fn an_exit_that_starts_on_the_worker_delivers_the_queue() {
    let file = temp_dir("fatal-on-worker").join("app.log");
    let output = run("fatal-on-worker", &file, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let delivered: HashSet<u64> = lines(&file.with_extension("log.async"))
        .iter()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(delivered, (0..300).collect(), "{output:?}");
}

#[test]
fn an_inner_hook_logging_into_its_own_full_queue_does_not_wait_for_itself() {
    let file = temp_dir("worker-fills").join("app.log");
    let output = run("worker-fills-its-queue", &file, Duration::from_secs(30));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "DONE\n");
    let delivered = lines(&file.with_extension("log.async"));
    let originals = delivered.iter().filter(|l| !l.starts_with("echo")).count();
    let echoes = delivered.iter().filter(|l| l.starts_with("echo")).count();
    assert_eq!((originals, echoes), (100, 100), "{delivered:?}");
}

#[test]
fn a_second_fault_waits_for_the_first_to_persist_every_record_whole() {
    let file = temp_dir("second-fault").join("app.log");
    let output = run("second-fault", &file, Duration::from_secs(60));
    let signal = output.status.signal();
    assert!(
        signal == Some(libc::SIGSEGV) || signal == Some(libc::SIGBUS),
        "{output:?}"
    );
    let numbers = record_numbers(&file);
    assert!(
        numbers.iter().copied().eq(0..100_000),
        "{} records",
        numbers.len()
    );
    let text = std::fs::read(&file).unwrap();
    assert_eq!(text.last(), Some(&b'\n'), "the last record is whole");
}

#[test]
fn a_fault_a_runtime_recovers_from_leaves_the_handler_ready_for_a_real_crash() {
    let file = temp_dir("recovering").join("app.log");
    let output = run("recovering-runtime", &file, Duration::from_secs(30));
    assert_eq!(output.status.signal(), Some(libc::SIGSEGV), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("RECOVERED true"), "{stdout}");
    assert!(!stdout.contains("STILL ALIVE"), "{stdout}");
    assert!(record_numbers(&file).iter().copied().eq(0..200));
}

#[test]
fn a_signal_the_program_ignores_stays_ignored() {
    let file = temp_dir("ignored").join("app.log");
    let output = run("ignored-signal", &file, Duration::from_secs(30));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "STILL ALIVE\n");
    assert!(record_numbers(&file).iter().copied().eq(0..10));
}

#[test]
fn handle_fatal_signals_false_leaves_the_signals_to_the_program() {
    let file = temp_dir("opted-out").join("app.log");
    let output = run("opted-out", &file, Duration::from_secs(30));
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{output:?}");
    // Nothing handled the signal: the records held in memory died with the process.
    assert!(lines(&file).is_empty());
}

#[test]
fn a_forked_child_persists_only_its_own_records() {
    let file = temp_dir("fork").join("app.log");
    let output = run("fork-then-exit", &file, Duration::from_secs(30));
    assert!(output.status.success(), "{output:?}");
    let mut numbers = record_numbers(&file);
    numbers.sort_unstable();
    let expected: Vec<u64> = (0..200).chain(1000..1010).collect();
    assert_eq!(numbers, expected);
}

#[test]
fn a_forked_child_s_async_hook_has_a_worker_of_its_own() {
    let file = temp_dir("fork-async").join("app.log");
    let output = run("fork-async", &file, Duration::from_secs(30));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "CHILD 0\n");
    let mut delivered: Vec<u64> = lines(&file.with_extension("log.async"))
        .iter()
        .map(|l| l.parse().unwrap())
        .collect();
    delivered.sort_unstable();
    let expected: Vec<u64> = (0..20).chain(1000..1020).collect();
    assert_eq!(delivered, expected);
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .expect_err("a record at Level::Panic panics");
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast_ref::<&str>().unwrap().to_string(),
    }
}

#[test]
fn level_panic_panics_with_its_message_whatever_the_filter_keeps() {
    for filter in ["my_app=info", "off"] {
        let logger = Logger::builder()
            .filter(filter.parse().unwrap())
            .no_out()
            .build();
        assert_eq!(
            panic_message(|| logger.log(Level::Panic, "boom 1")),
            "boom 1"
        );
        assert_eq!(panic_message(|| logger.panic("boom 2")), "boom 2");
        let entry = logger.with_field("k", 1);
        assert_eq!(
            panic_message(|| entry.log(Level::Panic, "boom 3")),
            "boom 3"
        );
        assert_eq!(panic_message(|| entry.panic("boom 4")), "boom 4");
        assert_eq!(
            panic_message(|| log!(Level::Panic, logger, "boom {}", 5; "k" => 1)),
            "boom 5"
        );
        let lazy = log_fields!(logger; "k" => 1);
        assert_eq!(panic_message(|| lazy.log(Level::Panic, "boom 6")), "boom 6");
        assert_eq!(panic_message(|| lazy.panic("boom 7")), "boom 7");
    }
}

#[test]
fn level_fatal_exits_whatever_the_filter_keeps() {
    let exits = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = Arc::clone(&exits);
    let logger = Logger::builder()
        .filter("off".parse().unwrap())
        .no_out()
        .exit_func(move |code| recorded.lock().unwrap().push(code))
        .build();
    logger.log(Level::Fatal, "one");
    logger.with_field("k", 1).fatal("two");
    log!(Level::Fatal, logger, "three");
    log_fields!(logger; "k" => 1).fatal("four");
    assert_eq!(*exits.lock().unwrap(), [1, 1, 1, 1]);
}

#[test]
fn concurrent_filter_changes_leave_the_level_checks_on_the_filter_stored_last() {
    let logger = Logger::builder().no_out().build();
    for round in 0..200 {
        std::thread::scope(|scope| {
            let (a, b) = (logger.clone(), logger.clone());
            scope.spawn(move || a.set_filter("trace".parse().unwrap()));
            scope.spawn(move || b.set_level(Level::Error));
        });
        // Whichever change came last, the quick check agrees with the filter kept.
        let ceiling = logger.filter().ceiling();
        for level in Level::ALL {
            assert_eq!(
                logger.is_level_enabled(level),
                ceiling.is_some_and(|c| level <= c),
                "round {round}: {level} with {}",
                logger.filter()
            );
        }
    }
}
