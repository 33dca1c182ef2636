//! Timestamp formats, checked in child processes with a fixed time zone.
mod common;

use std::time::{Duration, UNIX_EPOCH};

use hooklog::{JsonFormatter, TextFormatter, TimestampFormat};

/// 2026-11-22T02:00:00.5Z.
fn moment() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_millis(1_795_312_800_500)
}

fn json_time(format: TimestampFormat) -> String {
    let (logger, out) = common::capture(JsonFormatter::new().timestamp_format(format));
    logger.with_time(moment()).info("m");
    let record = &common::records(&out)[0];
    record["time"].to_string()
}

#[test]
#[ignore = "child process: run by formats_in_a_fixed_zone"]
fn child_timestamps() {
    for format in [
        TimestampFormat::Rfc3339,
        TimestampFormat::Rfc3339Nanos,
        TimestampFormat::UnixSeconds,
        TimestampFormat::UnixMillis,
        TimestampFormat::Custom("%Y/%m/%d %H:%M:%S%.3f %z".into()),
        TimestampFormat::Custom("%d %b %Y".into()),
    ] {
        println!("JSON {format:?} {}", json_time(format.clone()));
    }
    let (logger, out) = common::capture(
        TextFormatter::new()
            .disable_colors(true)
            .timestamp_format(TimestampFormat::Custom("%Y %!".into())),
    );
    logger.with_time(moment()).info("m");
    println!("BAD {}", common::output(&out).trim_end());
}

fn run_in_zone(tz: &str) -> Vec<String> {
    let output = common::run_child_test("child_timestamps", &[("TZ", tz)]);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            l.find("JSON ")
                .or(l.find("BAD "))
                .map(|at| l[at..].to_owned())
        })
        .collect()
}

#[test]
fn formats_in_a_fixed_zone() {
    assert_eq!(
        run_in_zone("<+08>-8"),
        [
            r#"JSON Rfc3339 "2026-11-22T10:00:00+08:00""#,
            r#"JSON Rfc3339Nanos "2026-11-22T10:00:00.500000000+08:00""#,
            "JSON UnixSeconds 1795312800",
            "JSON UnixMillis 1795312800500",
            r#"JSON Custom("%Y/%m/%d %H:%M:%S%.3f %z") "2026/11/22 10:00:00.500 +0800""#,
            r#"JSON Custom("%d %b %Y") "22 Nov 2026""#,
            "BAD time=\"2026-11-22T10:00:00+08:00\" level=info msg=m hooklog_error=\"invalid timestamp format \\\"%Y %!\\\": strftime formatting failed: found unrecognized specifier directive `!`\"",
        ]
    );
    assert_eq!(
        run_in_zone("UTC")[..2],
        [
            r#"JSON Rfc3339 "2026-11-22T02:00:00Z""#,
            r#"JSON Rfc3339Nanos "2026-11-22T02:00:00.500000000Z""#,
        ]
    );
    assert_eq!(
        run_in_zone("<-0330>3:30")[0],
        r#"JSON Rfc3339 "2026-11-21T22:30:00-03:30""#
    );
}

#[test]
fn the_cached_second_changes_with_the_time() {
    let (logger, out) =
        common::capture(JsonFormatter::new().timestamp_format(TimestampFormat::UnixSeconds));
    for secs in [5, 5, 6, 4] {
        logger
            .with_time(UNIX_EPOCH + Duration::from_secs(secs))
            .info("m");
    }
    let times: Vec<i64> = common::records(&out)
        .iter()
        .map(|r| r["time"].as_i64().unwrap())
        .collect();
    assert_eq!(times, [5, 5, 6, 4]);

    let (logger, out) = common::capture(JsonFormatter::new());
    let a = logger.with_time(UNIX_EPOCH + Duration::from_secs(1_000_000_000));
    let b = logger.with_time(UNIX_EPOCH + Duration::from_secs(1_000_000_001));
    a.info("a");
    b.info("b");
    a.info("a");
    let times: Vec<String> = common::records(&out)
        .iter()
        .map(|r| r["time"].to_string())
        .collect();
    assert_ne!(times[0], times[1]);
    assert_eq!(times[0], times[2]);
}

#[test]
fn records_without_with_time_take_a_fresh_time() {
    let (logger, out) =
        common::capture(JsonFormatter::new().timestamp_format(TimestampFormat::Rfc3339Nanos));
    let entry = logger.with_field("k", 1);
    entry.info("first");
    std::thread::sleep(Duration::from_millis(2));
    entry.info("second");
    let records = common::records(&out);
    assert_ne!(records[0]["time"], records[1]["time"]);
    assert!(records[0]["time"].as_str() < records[1]["time"].as_str());
}

#[test]
fn the_cached_second_ends_exactly_at_the_next_one() {
    let (plain, plain_out) = common::capture(JsonFormatter::new());
    let (nanos, nanos_out) =
        common::capture(JsonFormatter::new().timestamp_format(TimestampFormat::Rfc3339Nanos));
    let base = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let times = [
        base + Duration::from_nanos(999_999_999),
        base + Duration::from_secs(1),
        base + Duration::from_nanos(999_999_999),
        base,
        UNIX_EPOCH - Duration::from_millis(500),
        UNIX_EPOCH - Duration::from_secs(1),
        UNIX_EPOCH - Duration::from_millis(1500),
        UNIX_EPOCH,
    ];
    for time in times {
        plain.with_time(time).info("m");
        nanos.with_time(time).info("m");
    }
    let seconds = |out| -> Vec<String> {
        common::records(out)
            .iter()
            .map(|r| r["time"].as_str().unwrap().to_owned())
            .collect()
    };
    // The nanosecond form is computed from the time each record; without its fraction it
    // must be what the cached second gave.
    let from_nanos: Vec<String> = seconds(&nanos_out)
        .iter()
        .map(|t| {
            let (second, rest) = t.split_once('.').unwrap();
            format!("{second}{}", &rest[9..])
        })
        .collect();
    let plain = seconds(&plain_out);
    assert_eq!(plain, from_nanos);
    assert_ne!(plain[0], plain[1]);
    assert_eq!(plain[0], plain[3]);
    assert_eq!(plain[4], plain[5]);
    assert_ne!(plain[5], plain[6]);
    assert_ne!(plain[4], plain[7]);
}
