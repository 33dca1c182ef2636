//! Every exit path persists a `MemoryOut`: each test runs `examples/exit_paths.rs` in a
//! child process, ends it one way, and checks the file holds every record once, in order.
#![allow(unsafe_code, reason = "signals sent to child processes")]

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The example binary, built once per test process.
fn example() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| common::example("exit_paths"))
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hooklog-exit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(how: &str, file: &Path) -> Output {
    Command::new(example())
        .args([how, file.to_str().unwrap()])
        .output()
        .expect("child runs")
}

/// The `n` of every record in the file, in file order.
fn record_numbers(file: &Path) -> Vec<u64> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.lines()
        .filter(|line| line.starts_with("level=info"))
        .map(|line| {
            let n = line
                .rsplit_once(" n=")
                .unwrap_or_else(|| panic!("{line:?}"))
                .1;
            n.parse().unwrap_or_else(|e| panic!("{line:?}: {e}"))
        })
        .collect()
}

/// Asserts the file holds records 0..count, each once, in order.
fn assert_all_records(file: &Path, count: u64) {
    let numbers = record_numbers(file);
    assert_eq!(
        numbers.len() as u64,
        count,
        "record count in {}",
        file.display()
    );
    assert!(
        numbers.iter().copied().eq(0..count),
        "records out of order or repeated"
    );
}

fn hook_flushed(output: &Output) -> bool {
    String::from_utf8_lossy(&output.stderr).contains("HOOK-FLUSHED")
}

#[test]
fn return_from_main() {
    let file = temp_dir("return").join("nested/dir/app.log");
    let output = run("return", &file);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_all_records(&file, 1000);
    assert!(hook_flushed(&output));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o002, 0, "log file is world-writable: {mode:o}");
    let dir_mode = std::fs::metadata(file.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        dir_mode & 0o002,
        0,
        "log directory is world-writable: {dir_mode:o}"
    );
}

#[test]
fn process_exit_keeps_its_code() {
    let file = temp_dir("exit").join("app.log");
    let output = run("exit", &file);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_all_records(&file, 1000);
    assert!(hook_flushed(&output));
}

#[test]
fn fatal_exits_with_1_and_its_record_is_last() {
    let file = temp_dir("fatal").join("app.log");
    let output = run("fatal", &file);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_all_records(&file, 1000);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().last(), Some("level=fatal msg=\"the end\""));
    assert!(hook_flushed(&output));
}

#[test]
fn panic_on_the_main_thread() {
    let file = temp_dir("panic-main").join("app.log");
    let output = run("panic-main", &file);
    assert_eq!(output.status.code(), Some(101), "{output:?}");
    assert_all_records(&file, 1000);
    assert!(hook_flushed(&output));
}

#[test]
fn panic_on_another_thread_without_atexit() {
    let file = temp_dir("panic-thread").join("app.log");
    let output = run("panic-thread", &file);
    assert_eq!(output.status.code(), Some(101), "{output:?}");
    assert_all_records(&file, 1000);
    // A panic that unwinds persists MemoryOuts but leaves hooks to the exit, which
    // `_exit` skips here.
    assert!(!hook_flushed(&output));
}

/// Runs `how` in the example built with `panic = "abort"`.
fn run_aborting(how: &str, file: &Path) -> Output {
    Command::new(common::example_that_aborts("exit_paths"))
        .args([how, file.to_str().unwrap()])
        .output()
        .expect("child runs")
}

#[test]
fn panic_that_aborts() {
    let file = temp_dir("panic-abort").join("app.log");
    let output = run_aborting("panic-main", &file);
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{output:?}");
    assert_all_records(&file, 1000);
    assert!(hook_flushed(&output));
}

#[test]
fn a_hook_that_panics_under_panic_abort_is_reported_and_the_records_persisted() {
    let file = temp_dir("hook-panic").join("app.log");
    let output = run_aborting("hook-panic", &file);
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("hook gives up at record 999"), "{stderr}");
    // Record 999 was being hooked when the process aborted: it was never formatted.
    assert_all_records(&file, 999);
    assert!(hook_flushed(&output));
}

/// How many times `needle` occurs in the child's stderr.
fn stderr_count(output: &Output, needle: &str) -> usize {
    String::from_utf8_lossy(&output.stderr)
        .matches(needle)
        .count()
}

#[test]
fn a_hook_whose_flush_panics_is_contained_and_the_rest_still_flushed() {
    let file = temp_dir("flush-panic").join("app.log");
    let output = run("flush-panic", &file);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    // `Logger::flush` inside `catch_unwind` returned the panic as an error.
    assert_eq!(
        stderr_count(&output, "FLUSH-RETURNED true"),
        1,
        "{output:?}"
    );
    // At exit the panic is reported, and the other hook and the out are still flushed.
    assert_eq!(
        stderr_count(
            &output,
            "flushing hook exit_paths::PanickingFlush panicked: flush gives up"
        ),
        1,
        "{output:?}"
    );
    assert!(hook_flushed(&output));
    assert_all_records(&file, 1000);
}

#[test]
fn an_exit_flushes_each_hook_once() {
    for how in ["stuck-fatal", "stuck-signal"] {
        let file = temp_dir(how).join("app.log");
        let output = if how == "stuck-signal" {
            let child = spawn_ready(how, &file);
            // SAFETY: sends a signal to the child this test started.
            assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
            child.wait_with_output().unwrap()
        } else {
            run(how, &file)
        };
        let code = if how == "stuck-signal" { 143 } else { 1 };
        assert_eq!(output.status.code(), Some(code), "{how}: {output:?}");
        assert_eq!(
            stderr_count(&output, "HOOK-FLUSHED"),
            1,
            "{how}: {output:?}"
        );
        assert_eq!(
            stderr_count(&output, "did not drain"),
            1,
            "{how}: {output:?}"
        );
    }
}

#[test]
fn a_caught_panic_does_not_wait_on_hooks() {
    let file = temp_dir("caught-panic").join("app.log");
    let output = run("caught-panic", &file);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stderr_count(&output, "CAUGHT true"), 1, "{output:?}");
    // No hook was flushed (the stuck one would have held the panic for 600 s), and the
    // MemoryOut was persisted by the panic hook: `_exit` skipped everything else.
    assert!(!hook_flushed(&output));
    assert_all_records(&file, 1000);
}

/// Runs `how` (a fault after 100,000 records) and checks the process died of `signal`
/// with every record persisted once, in order.
fn assert_crash_persists(how: &str, signal: i32) -> Output {
    let file = temp_dir(how).join("app.log");
    let output = run(how, &file);
    assert_eq!(output.status.signal(), Some(signal), "{how}: {output:?}");
    assert_all_records(&file, 100_000);
    output
}

#[test]
fn a_segmentation_fault_persists_every_record() {
    assert_crash_persists("segv", libc::SIGSEGV);
}

#[test]
fn a_bus_error_persists_every_record() {
    assert_crash_persists("bus", libc::SIGBUS);
}

#[test]
fn an_illegal_instruction_persists_every_record() {
    assert_crash_persists("ill", libc::SIGILL);
}

#[test]
fn a_floating_point_exception_persists_every_record() {
    assert_crash_persists("fpe", libc::SIGFPE);
}

#[test]
fn abort_persists_every_record() {
    assert_crash_persists("abort", libc::SIGABRT);
}

#[test]
fn a_stack_overflow_persists_every_record_and_rust_still_reports_it() {
    // Rust's own handler runs after ours: it reports the overflow and aborts.
    let output = assert_crash_persists("stack-overflow", libc::SIGABRT);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has overflowed its stack"), "{stderr}");
}

/// Starts the child and waits until it says READY.
fn spawn_ready(how: &str, file: &Path) -> std::process::Child {
    let mut child = Command::new(example())
        .args([how, file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("child starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "READY\n");
    child
}

#[test]
fn sigterm_sigint_and_sighup_after_flush_on_signals() {
    for (signal, name) in [
        (libc::SIGTERM, "sigterm"),
        (libc::SIGINT, "sigint"),
        (libc::SIGHUP, "sighup"),
    ] {
        let file = temp_dir(name).join("app.log");
        let child = spawn_ready("signal", &file);
        // SAFETY: sends a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(128 + signal),
            "{name}: {output:?}"
        );
        assert_all_records(&file, 1000);
        assert!(hook_flushed(&output), "{name}");
    }
}

#[test]
fn flush_every_bounds_what_sigkill_takes() {
    let file = temp_dir("periodic").join("app.log");
    let mut child = spawn_ready("periodic", &file);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&file).map_or(0, |t| t.lines().count()) < 100 {
        assert!(
            Instant::now() < deadline,
            "the periodic flush never wrote the records"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_all_records(&file, 100);
}

#[test]
fn bounded_flush_keeps_every_record_in_little_memory() {
    let file = temp_dir("flood").join("app.log");
    let output = run("flood", &file);
    assert!(output.status.success(), "{output:?}");
    assert_all_records(&file, 200_000);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let figures: Vec<u64> = stdout
        .trim()
        .strip_prefix("VmHWM ")
        .unwrap_or_else(|| panic!("{stdout}"))
        .split(' ')
        .map(|kv| kv.split_once('=').unwrap().1.parse().unwrap())
        .collect();
    let (before, after) = (figures[0], figures[1]);
    println!("peak RSS: {before} KiB after warm-up, {after} KiB after 200,000 records");
    assert!(
        after - before < 4 * 1024,
        "peak RSS grew {} KiB",
        after - before
    );
}

#[test]
fn drop_oldest_keeps_the_newest_whole_records() {
    let file = temp_dir("recorder").join("app.log");
    let output = run("recorder", &file);
    assert!(output.status.success(), "{output:?}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.len() <= 4096, "{} bytes", text.len());
    assert!(text.starts_with("level=info msg=\"record "), "{text:.80}");
    let numbers = record_numbers(&file);
    let first = numbers[0];
    assert!(first > 0);
    assert!(
        numbers.iter().copied().eq(first..1000),
        "not the newest, contiguous records"
    );
}

/// Runs `how` with a file that cannot be written and checks the records reach stderr
/// after one line that says why, and the exit code is unchanged.
fn assert_bytes_go_to_stderr(how: &str, file: &Path, reason: &str) {
    let output = run(how, file);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reports: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("hooklog: "))
        .collect();
    assert_eq!(reports.len(), 1, "{stderr}");
    assert!(
        reports[0].starts_with("hooklog: could not persist 1000 records (")
            && reports[0].contains(reason),
        "{}",
        reports[0]
    );
    println!("{}", reports[0]);
    let records: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("level=info"))
        .collect();
    assert_eq!(records.len(), 1000);
    assert!(
        records
            .iter()
            .enumerate()
            .all(|(n, l)| l.ends_with(&format!(" n={n}")))
    );
}

#[test]
fn a_path_under_a_regular_file_sends_the_bytes_to_stderr() {
    let dir = temp_dir("not-a-dir");
    std::fs::write(dir.join("file"), b"").unwrap();
    assert_bytes_go_to_stderr("return", &dir.join("file/app.log"), "Not a directory");
}

#[test]
fn a_full_disk_sends_the_bytes_to_stderr() {
    assert_bytes_go_to_stderr("return", Path::new("/dev/full"), "No space left on device");
}

#[test]
fn a_read_only_directory_sends_the_bytes_to_stderr() {
    let dir = temp_dir("read-only");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    // The child drops to `nobody` when run as root, for whom the mode is no obstacle.
    assert_bytes_go_to_stderr(
        "unwritable-as-nobody",
        &dir.join("app.log"),
        "Permission denied",
    );
}

#[test]
fn async_hooks_drain_at_exit() {
    let file = temp_dir("async").join("app.log");
    let output = run("async-exit", &file);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_all_records(&file, 1000);
    assert_all_records(&file.with_extension("log.async"), 1000);
}

/// Every line that is a record, as its number; panics on a line that is not a whole one.
fn whole_records(text: &str) -> Vec<u64> {
    text.lines()
        .filter(|line| line.starts_with("level="))
        .map(|line| {
            let n: u64 = line
                .rsplit_once(" n=")
                .and_then(|(_, n)| n.parse().ok())
                .unwrap_or_else(|| panic!("a torn record: {line:?}"));
            assert_eq!(
                line,
                format!("level=info msg=\"record {n}\" n={n}"),
                "a torn record"
            );
            n
        })
        .collect()
}

#[test]
fn a_full_disk_never_tears_a_record() {
    let disk = match hooklog_test::SmallDisk::mount("1m") {
        Ok(disk) => disk,
        Err(why) => return println!("skipped: {why}"),
    };
    // Leave about 200 KiB: the child's 100,000 records (3.8 MB) fill it many times over.
    let filler = disk.path().join("filler");
    std::fs::write(&filler, vec![b'x'; 800 << 10]).unwrap();
    let file = disk.path().join("app.log");
    let output = Command::new(example())
        .args(["full-disk", file.to_str().unwrap()])
        .env("HOOKLOG_RECORDS", "0..100000")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(kept.ends_with('\n'), "the file ends inside a record");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let in_file = whole_records(&kept);
    let on_stderr = whole_records(&stderr);
    assert!(
        !in_file.is_empty() && !on_stderr.is_empty(),
        "the disk was not filled"
    );
    // Every record once, in order: those that fit in the file, then the rest on stderr.
    let all: Vec<u64> = in_file.iter().chain(&on_stderr).copied().collect();
    assert!(
        all.iter().copied().eq(0..100_000),
        "records lost, repeated or out of order"
    );
    // The reports count exactly the records sent to stderr.
    let reported: usize = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("hooklog: could not persist "))
        .map(|rest| rest.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(reported, on_stderr.len());
    println!(
        "{} records in the file, {} on stderr; first report: {}",
        in_file.len(),
        on_stderr.len(),
        stderr.lines().find(|l| l.starts_with("hooklog:")).unwrap()
    );

    // Space returns: the next records start on a line of their own.
    std::fs::remove_file(&filler).unwrap();
    let output = Command::new(example())
        .args(["full-disk", file.to_str().unwrap()])
        .env("HOOKLOG_RECORDS", "100000..101000")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let numbers = whole_records(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(numbers[..in_file.len()], in_file[..]);
    assert!(
        numbers[in_file.len()..]
            .iter()
            .copied()
            .eq(100_000..101_000)
    );
}

/// Checks that every one of 2,000 records reached the async hook's file once or was
/// counted in the report of records its full queue dropped.
fn assert_handled_or_reported(output: &Output, file: &Path) {
    let handled = record_numbers(&file.with_extension("log.async"));
    let distinct: std::collections::HashSet<u64> = handled.iter().copied().collect();
    assert_eq!(distinct.len(), handled.len(), "a record handled twice");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let dropped: u64 = stderr
        .lines()
        .filter_map(|l| l.split(" dropped ").nth(1))
        .filter_map(|rest| rest.split(' ').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(
        handled.len() as u64 + dropped,
        2000,
        "{} handled, {dropped} reported dropped: {stderr}",
        handled.len()
    );
}

#[test]
fn an_async_hook_whose_worker_drops_the_last_logger_handle_still_drains_at_exit() {
    // The worker holds the logger's last handle when `main` returns: the logger is
    // dropped on the worker, which cannot join itself; the exit must still wait for it.
    let file = temp_dir("async-last-handle").join("app.log");
    let output = run("async-last-handle", &file);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_handled_or_reported(&output, &file);
}

#[test]
fn async_hooks_of_dropped_loggers_lose_nothing_on_a_busy_machine() {
    let busy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let spinners: Vec<_> = (0..2)
        .map(|_| {
            let busy = std::sync::Arc::clone(&busy);
            std::thread::spawn(move || {
                while busy.load(std::sync::atomic::Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    for run_number in 0..40 {
        let file = temp_dir(&format!("async-local-{run_number}")).join("app.log");
        let output = run("async-local", &file);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert_handled_or_reported(&output, &file);
    }
    busy.store(false, std::sync::atomic::Ordering::Relaxed);
    for spinner in spinners {
        spinner.join().unwrap();
    }
}
