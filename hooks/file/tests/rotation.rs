//! RollingWriter and FileHook: periods, size parts, retention, gzip, modes, symlinks,
//! sanitised paths, failing directories and full disks.
#![allow(
    unsafe_code,
    reason = "dropping to nobody, so directory permissions bind"
)]
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hooklog::{JsonFormatter, Level, Logger, TextFormatter};
use hooklog_file::{Clock, FileHook, ManualClock, RollingWriter, sanitize_component};

mod common;
use common::{files_below, temp_dir};

/// 2026-11-01T00:00:00Z.
fn day_one() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_793_491_200)
}

const DAY: Duration = Duration::from_secs(86_400);

/// Every file below `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    files_below(dir)
        .iter()
        .map(|path| {
            path.strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn logger(writer: RollingWriter) -> Logger {
    Logger::builder()
        .formatter(
            TextFormatter::new()
                .disable_timestamp(true)
                .disable_colors(true),
        )
        .out(writer)
        .build()
}

fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_new_period_starts_a_new_file_and_directories_come_from_the_pattern() {
    let dir = temp_dir("period");
    let clock = ManualClock::new(day_one());
    let writer = RollingWriter::builder(dir.join("logs/%Y-%m-%d/app.log"))
        .utc(true)
        .clock(clock.clone())
        .build()
        .unwrap();
    let logger = logger(writer.clone());
    logger.info("day one");
    clock.advance(DAY - Duration::from_secs(1));
    logger.info("day one, last second");
    clock.advance(Duration::from_secs(1));
    logger.info("day two");
    assert_eq!(
        listing(&dir),
        ["logs/2026-11-01/app.log", "logs/2026-11-02/app.log"]
    );
    assert_eq!(
        lines(&dir.join("logs/2026-11-01/app.log")),
        [
            "level=info msg=\"day one\"",
            "level=info msg=\"day one, last second\""
        ]
    );
    assert_eq!(
        writer.current_path().unwrap(),
        dir.join("logs/2026-11-02/app.log")
    );
}

#[test]
fn any_period_follows_from_the_pattern() {
    let dir = temp_dir("seconds");
    let clock = ManualClock::new(day_one());
    let logger = logger(
        RollingWriter::builder(dir.join("app-%H%M%S.log"))
            .utc(true)
            .clock(clock.clone())
            .build()
            .unwrap(),
    );
    for _ in 0..3 {
        logger.info("tick");
        clock.advance(Duration::from_secs(1));
    }
    assert_eq!(
        listing(&dir),
        ["app-000000.log", "app-000001.log", "app-000002.log"]
    );
}

#[test]
fn size_parts_never_split_a_record() {
    let dir = temp_dir("size");
    let writer = RollingWriter::builder(dir.join("app-%Y-%m-%d.log"))
        .utc(true)
        .clock(ManualClock::new(day_one()))
        .max_bytes(100)
        .build()
        .unwrap();
    let logger = logger(writer);
    for i in 0..10 {
        // Each record is 27 bytes: three fit in 100, a fourth would not.
        logger.info(format_args!("record {i:02}"));
    }
    assert_eq!(fs::read(dir.join("app-2026-11-01.log")).unwrap().len(), 81);
    assert_eq!(
        listing(&dir),
        [
            "app-2026-11-01.1.log",
            "app-2026-11-01.2.log",
            "app-2026-11-01.3.log",
            "app-2026-11-01.log"
        ]
    );
    let mut seen = Vec::new();
    for name in [
        "app-2026-11-01.log",
        "app-2026-11-01.1.log",
        "app-2026-11-01.2.log",
        "app-2026-11-01.3.log",
    ] {
        let path = dir.join(name);
        assert!(fs::metadata(&path).unwrap().len() <= 100, "{name}");
        seen.extend(lines(&path));
    }
    let expected: Vec<String> = (0..10)
        .map(|i| format!("level=info msg=\"record {i:02}\""))
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn a_restart_appends_to_the_last_part() {
    let dir = temp_dir("restart");
    let build = || {
        RollingWriter::builder(dir.join("app.log"))
            .max_bytes(100)
            .build()
            .unwrap()
    };
    logger(build()).info("first run, record 1");
    logger(build()).info("second run, record 2");
    assert_eq!(listing(&dir), ["app.log"]);
    assert_eq!(lines(&dir.join("app.log")).len(), 2);
    for _ in 0..3 {
        logger(build()).info("a record to fill the first file up");
    }
    assert_eq!(listing(&dir), ["app.1.log", "app.log"]);
}

/// Logs one record per day for `days` days, giving each closed file its day as mtime.
fn log_days(dir: &Path, writer: RollingWriter, clock: &ManualClock, days: u32) {
    let logger = logger(writer.clone());
    for day in 0..days {
        logger.info(format_args!("day {day}"));
        let path = writer.current_path().unwrap();
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(clock.now())
            .unwrap();
        clock.advance(DAY);
    }
    let _ = dir;
}

#[test]
fn retention_keeps_the_newest_periods_and_deletes_exactly_the_oldest() {
    let dir = temp_dir("keep");
    let clock = ManualClock::new(day_one());
    let writer = RollingWriter::builder(dir.join("%Y-%m-%d/app.log"))
        .utc(true)
        .clock(clock.clone())
        .max_bytes(20)
        .keep_periods(3)
        .build()
        .unwrap();
    // A stranger in the directory is never touched.
    fs::write(dir.join("notes.txt"), "keep me").unwrap();
    log_days(&dir, writer, &clock, 6);
    assert_eq!(
        listing(&dir),
        [
            "2026-11-04/app.log",
            "2026-11-05/app.log",
            "2026-11-06/app.log",
            "notes.txt"
        ]
    );
    println!("after 6 days with keep_periods(3): {:?}", listing(&dir));
}

#[test]
fn retention_by_age() {
    let dir = temp_dir("age");
    let clock = ManualClock::new(day_one());
    let writer = RollingWriter::builder(dir.join("app-%Y-%m-%d.log"))
        .utc(true)
        .clock(clock.clone())
        .max_age(Duration::from_secs(2 * 86_400 + 60))
        .build()
        .unwrap();
    log_days(&dir, writer, &clock, 5);
    assert_eq!(
        listing(&dir),
        [
            "app-2026-11-03.log",
            "app-2026-11-04.log",
            "app-2026-11-05.log"
        ]
    );
}

#[test]
fn closed_files_are_gzipped_and_read_back() {
    use std::io::Read;
    let dir = temp_dir("gzip");
    let clock = ManualClock::new(day_one());
    let mut writer = RollingWriter::builder(dir.join("app-%Y-%m-%d.log"))
        .utc(true)
        .clock(clock.clone())
        .compress(true)
        .build()
        .unwrap();
    let logger = logger(writer.clone());
    for i in 0..100 {
        logger.info(format_args!("record {i}"));
    }
    clock.advance(DAY);
    logger.info("next day");
    std::io::Write::flush(&mut writer).unwrap();
    assert_eq!(
        listing(&dir),
        ["app-2026-11-01.log.gz", "app-2026-11-02.log"]
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(fs::File::open(dir.join("app-2026-11-01.log.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let expected: String = (0..100)
        .map(|i| format!("level=info msg=\"record {i}\"\n"))
        .collect();
    assert_eq!(text, expected);
}

#[test]
fn four_threads_through_one_hook_lose_and_split_nothing() {
    let dir = temp_dir("threads");
    let writer = RollingWriter::builder(dir.join("app.log"))
        .max_bytes(64 * 1024)
        .build()
        .unwrap();
    let hook = FileHook::new(writer).formatter(JsonFormatter::new());
    let logger = Logger::builder().out(std::io::sink()).hook(hook).build();
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let logger = logger.clone();
            s.spawn(move || {
                for i in 0..5_000u64 {
                    hooklog::info!(logger, "record"; "t" => t, "i" => i, "pad" => "p".repeat(i as usize % 50));
                }
            });
        }
    });
    logger.flush().unwrap();
    let files = listing(&dir);
    assert!(files.len() > 10, "{files:?}");
    let mut seen = HashSet::new();
    for name in &files {
        let path = dir.join(name);
        assert!(fs::metadata(&path).unwrap().len() <= 64 * 1024);
        for line in lines(&path) {
            let record: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let key = (record["t"].as_u64().unwrap(), record["i"].as_u64().unwrap());
            assert!(seen.insert(key), "{key:?} twice");
        }
    }
    assert_eq!(seen.len(), 20_000);
}

#[test]
fn per_level_files() {
    let dir = temp_dir("levels");
    let errors = RollingWriter::builder(dir.join("error.log"))
        .build()
        .unwrap();
    let rest = RollingWriter::builder(dir.join("app.log")).build().unwrap();
    let hook = FileHook::per_level([
        (Level::Error, errors),
        (Level::Warn, rest.clone()),
        (Level::Info, rest),
    ])
    .formatter(
        TextFormatter::new()
            .disable_timestamp(true)
            .disable_colors(true),
    );
    assert_eq!(
        hooklog::Hook::levels(&hook),
        [Level::Error, Level::Warn, Level::Info]
    );
    let logger = Logger::builder()
        .out(std::io::sink())
        .level(Level::Debug)
        .hook(hook)
        .build();
    logger.error("e");
    logger.warn("w");
    logger.info("i");
    logger.debug("d");
    assert_eq!(lines(&dir.join("error.log")), ["level=error msg=e"]);
    assert_eq!(
        lines(&dir.join("app.log")),
        ["level=warning msg=w", "level=info msg=i"]
    );
}

#[test]
fn data_in_a_path_cannot_leave_the_base_directory() {
    let dir = temp_dir("sanitize");
    let base = dir.join("requests");
    for hostile in ["../../escape", "..", "/etc/passwd", "a\0b", "%Y%m"] {
        let pattern = base.join(sanitize_component(hostile)).join("%Y.log");
        let writer = RollingWriter::builder(pattern).utc(true).build().unwrap();
        logger(writer.clone()).info("x");
        let path = writer.current_path().unwrap();
        assert!(path.starts_with(&base), "{hostile:?} -> {}", path.display());
        assert_eq!(path.parent().unwrap().parent().unwrap(), base);
    }
    assert!(!dir.join("escape").exists());
    // A pattern with `..` is refused outright.
    let err = RollingWriter::builder(base.join("../x.log"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("must not contain `..`"), "{err}");
}

#[test]
fn bad_patterns_are_clear_errors() {
    let err = RollingWriter::builder("logs/app-%!.log")
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("invalid strftime pattern"),
        "{err}"
    );
    let err = RollingWriter::builder("logs/").build().unwrap_err();
    assert!(err.to_string().contains("names no file"), "{err}");
}

#[test]
fn created_files_are_not_world_writable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("modes");
    let writer = RollingWriter::builder(dir.join("sub/app.log"))
        .build()
        .unwrap();
    logger(writer).info("x");
    for path in [dir.join("sub"), dir.join("sub/app.log")] {
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o002, 0, "{}: {mode:o}", path.display());
    }
}

#[test]
fn a_symlink_planted_at_the_next_path_is_not_followed() {
    let dir = temp_dir("symlink");
    let victim = dir.join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    let clock = ManualClock::new(day_one());
    let writer = RollingWriter::builder(dir.join("app-%Y-%m-%d.log"))
        .utc(true)
        .clock(clock.clone())
        .build()
        .unwrap();
    logger(writer.clone()).info("day one");
    std::os::unix::fs::symlink(&victim, dir.join("app-2026-11-02.log")).unwrap();
    clock.advance(DAY);
    let err = std::io::Write::write_all(&mut writer.clone(), b"day two\n").unwrap_err();
    assert!(err.to_string().contains("app-2026-11-02.log"), "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
}

#[test]
fn a_symlink_planted_at_the_compressed_path_is_not_followed() {
    use std::os::unix::fs::PermissionsExt;

    let dir = temp_dir("symlink-gz");
    let victim = dir.join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    let clock = ManualClock::new(day_one());
    let writer = RollingWriter::builder(dir.join("app-%Y-%m-%d.log"))
        .utc(true)
        .clock(clock.clone())
        .compress(true)
        .build()
        .unwrap();
    let logger = logger(writer.clone());
    logger.info("day one");
    std::os::unix::fs::symlink(&victim, dir.join("app-2026-11-01.log.gz")).unwrap();
    clock.advance(DAY);
    logger.info("day two");
    clock.advance(DAY);
    logger.info("day three");
    logger.flush().unwrap(); // waits for the compression
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    // Day one could not be compressed and stays as it was; day two was.
    assert!(dir.join("app-2026-11-01.log").exists());
    let gz = fs::metadata(dir.join("app-2026-11-02.log.gz")).unwrap();
    assert_eq!(
        gz.permissions().mode() & 0o777 & !0o640,
        0,
        "{:o}",
        gz.permissions().mode()
    );
}

/// Drops to `nobody` when run as root, so directory permissions bind.
fn drop_root() {
    // SAFETY: plain libc calls that only change this process's credentials.
    unsafe {
        if libc::geteuid() == 0 {
            assert_eq!(libc::setgid(65534), 0);
            assert_eq!(libc::setuid(65534), 0);
        }
    }
}

#[test]
#[ignore = "child process: run by a_read_only_directory_during_rotation_loses_records_and_says_so"]
fn child_read_only_rotation() {
    use std::os::unix::fs::PermissionsExt;
    drop_root();
    let dir = PathBuf::from(std::env::var("LOG_DIR").unwrap());
    fs::create_dir_all(&dir).unwrap();
    let clock = ManualClock::new(day_one());
    let writer = RollingWriter::builder(dir.join("app-%Y-%m-%d.log"))
        .utc(true)
        .clock(clock.clone())
        .build()
        .unwrap();
    let logger = logger(writer);
    logger.info("day one");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    clock.advance(DAY);
    for i in 0..5 {
        logger.info(format_args!("lost {i}"));
    }
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    logger.info("day two, again");
}

#[test]
fn a_read_only_directory_during_rotation_loses_records_and_says_so() {
    let dir = std::env::temp_dir().join(format!("hooklog-file-{}-readonly", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_read_only_rotation",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("LOG_DIR", &dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reports: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("hooklog: "))
        .collect();
    println!("{reports:#?}");
    assert_eq!(reports.len(), 3, "{stderr}");
    assert!(
        reports[0].contains("failed to write a record to the out")
            && reports[0].contains("Permission denied"),
        "{}",
        reports[0]
    );
    assert!(
        reports[1].contains("works again; 5 records could not be written before"),
        "{}",
        reports[1]
    );
    assert!(
        reports[2].ends_with("(4 more like this, not shown)"),
        "{}",
        reports[2]
    );
    assert_eq!(listing(&dir), ["app-2026-11-01.log", "app-2026-11-02.log"]);
    assert_eq!(
        lines(&dir.join("app-2026-11-02.log")),
        ["level=info msg=\"day two, again\""]
    );
}

#[test]
fn a_full_disk_never_tears_a_record_and_writing_resumes_on_a_line() {
    use std::io::Write;

    let disk = match hooklog_test::SmallDisk::mount("1m") {
        Ok(disk) => disk,
        Err(why) => return println!("skipped: {why}"),
    };
    let filler = disk.path().join("filler");
    fs::write(&filler, vec![b'x'; 800 << 10]).unwrap();
    let writer = RollingWriter::builder(disk.path().join("app.log"))
        .build()
        .unwrap();
    let record = |n: u32| format!("level=info msg=\"record {n}\" n={n}\n");
    let mut written = Vec::new();
    let mut lost = 0;
    for n in 0..100_000 {
        match (&writer).write_all(record(n).as_bytes()) {
            Ok(()) => written.push(n),
            Err(_) => lost += 1,
        }
    }
    assert!(lost > 0, "the disk did not fill");
    let text = fs::read_to_string(disk.path().join("app.log")).unwrap();
    let expected: String = written.iter().map(|&n| record(n)).collect();
    assert_eq!(
        text, expected,
        "the file holds exactly the records written, whole"
    );

    // Space returns: the next record starts a line of its own.
    fs::remove_file(&filler).unwrap();
    (&writer).write_all(record(100_000).as_bytes()).unwrap();
    let text = fs::read_to_string(disk.path().join("app.log")).unwrap();
    assert!(text.ends_with(&format!(
        "{}{}",
        record(*written.last().unwrap()),
        record(100_000)
    )));
    println!("{} records written, {lost} refused whole", written.len());
}
