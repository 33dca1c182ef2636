//! The text formatter: logfmt, quoting, escaping, colours, options.
#![allow(unsafe_code, reason = "a pseudo-terminal, opened with libc")]

mod common;

use hooklog::{FieldKey, FieldMap, Level, TextFormatter, Value, info};

fn log_one(formatter: TextFormatter, build: impl FnOnce(&hooklog::Logger)) -> String {
    let (logger, out) = common::capture(formatter);
    build(&logger);
    common::output(&out)
}

#[test]
fn fixed_keys_come_first_then_fields_in_insertion_order() {
    let line = log_one(common::text(), |l| {
        l.with_field("user", "alice")
            .with_field("status", 200)
            .with_field("latency", 12.5)
            .with_field("ok", true)
            .info("request handled")
    });
    assert_eq!(
        line,
        "level=info msg=\"request handled\" user=alice status=200 latency=12.5 ok=true\n"
    );
}

#[test]
fn the_default_timestamp_is_rfc3339_and_quoted() {
    let line = log_one(TextFormatter::new().disable_colors(true), |l| l.info("x"));
    let rest = line.strip_prefix("time=\"").expect(&line);
    let (time, rest) = rest.split_once('"').unwrap();
    assert_eq!(rest, " level=info msg=x\n");
    jiff::Timestamp::strptime("%Y-%m-%dT%H:%M:%S%:z", time.replace('Z', "+00:00"))
        .unwrap_or_else(|e| panic!("{time}: {e}"));
}

#[test]
fn empty_message_is_left_out() {
    let line = log_one(common::text(), |l| l.with_field("k", 1).info(""));
    assert_eq!(line, "level=info k=1\n");
}

#[test]
fn values_are_quoted_unless_every_byte_is_bare() {
    let bare = "AZaz09-._/@^+";
    let line = log_one(common::text(), |l| {
        l.with_field("bare", bare)
            .with_field("space", "a b")
            .with_field("colon", "a:b")
            .with_field("empty", "")
            .with_field("neg", -5)
            .with_field("exp", 1e21)
            .info("m")
    });
    assert_eq!(
        line,
        format!(
            "level=info msg=m bare={bare} space=\"a b\" colon=\"a:b\" empty= neg=-5 exp=1e+21\n"
        )
    );
}

#[test]
fn quoted_text_uses_json_escapes_so_a_record_is_one_line() {
    let nasty = "line1\nline2\r\t\"q\" back\\slash \u{1b}[31mred\u{7f} é ✓";
    let line = log_one(common::text(), |l| l.with_field("v", nasty).info(nasty));
    let escaped = r#""line1\nline2\r\t\"q\" back\\slash \u001b[31mred\u007f é ✓""#;
    assert_eq!(line, format!("level=info msg={escaped} v={escaped}\n"));
    assert_eq!(line.matches('\n').count(), 1);
    assert!(!line.bytes().any(|b| b == 0x1b));
}

#[test]
fn keys_are_sanitised_not_quoted() {
    let line = log_one(common::text(), |l| {
        l.with_field("a key", 1)
            .with_field("k=v", 2)
            .with_field("q\"x", 3)
            .with_field("nl\nx\u{1b}", 4)
            .with_field("", 5)
            .info("m")
    });
    assert_eq!(line, "level=info msg=m a_key=1 k_v=2 q_x=3 nl_x_=4 _=5\n");
}

#[test]
fn force_quote_disable_quote_and_quote_empty_fields() {
    let fields = |l: &hooklog::Logger| {
        l.with_field("n", 1)
            .with_field("s", "a b\nc")
            .with_field("e", "")
            .info("hi")
    };
    assert_eq!(
        log_one(common::text().force_quote(true), fields),
        "level=\"info\" msg=\"hi\" n=\"1\" s=\"a b\\nc\" e=\"\"\n"
    );
    assert_eq!(
        log_one(common::text().disable_quote(true), fields),
        "level=info msg=hi n=1 s=a b\\nc e=\n"
    );
    assert_eq!(
        log_one(common::text().quote_empty_fields(true), fields),
        "level=info msg=hi n=1 s=\"a b\\nc\" e=\"\"\n"
    );
}

#[test]
fn sort_keys_sorts_the_fields_not_the_fixed_keys() {
    let line = log_one(common::text().sort_keys(true), |l| {
        l.with_field("b", 2)
            .with_field("c", 3)
            .with_field("a", 1)
            .info("m")
    });
    assert_eq!(line, "level=info msg=m a=1 b=2 c=3\n");
}

#[test]
fn fields_named_like_fixed_keys_are_prefixed_in_place() {
    let line = log_one(common::text(), |l| {
        l.with_field("x", 1)
            .with_field("msg", "m2")
            .with_field("level", "l2")
            .with_field("time", "t2")
            .with_field("func", "not a clash without caller")
            .info("m")
    });
    assert_eq!(
        line,
        "level=info msg=m x=1 fields.msg=m2 fields.level=l2 fields.time=t2 func=\"not a clash without caller\"\n"
    );
}

#[test]
fn field_map_renames_fixed_keys() {
    let map = FieldMap::new()
        .rename(FieldKey::Msg, "message")
        .rename(FieldKey::Level, "severity");
    let line = log_one(common::text().field_map(map), |l| {
        l.with_field("msg", "not a clash any more").info("m")
    });
    assert_eq!(
        line,
        "severity=info message=m msg=\"not a clash any more\"\n"
    );
}

#[test]
fn an_unserialisable_field_is_left_out_and_explained() {
    let mut bad = std::collections::HashMap::new();
    bad.insert((1, 2), 3);
    let line = log_one(common::text(), |l| {
        l.with_field("a", 1)
            .with_field("bad", Value::json(&bad))
            .with_field("b", 2)
            .info("still written")
    });
    assert_eq!(
        line,
        "level=info msg=\"still written\" hooklog_error=\"can not add field \\\"bad\\\": key must be a string\" a=1 b=2\n"
    );
}

#[test]
fn nested_json_values_are_quoted_text() {
    let line = log_one(common::text(), |l| {
        l.with_field("j", serde_json::json!({"a": [1, "x y"]}))
            .info("m")
    });
    assert_eq!(line, "level=info msg=m j=\"{\\\"a\\\":[1,\\\"x y\\\"]}\"\n");
}

#[test]
fn caller_reports_module_and_the_line_of_the_logging_call() {
    let (logger, out) = common::capture(common::text());
    logger.set_report_caller(true);
    let entry = logger.with_field("k", 1);
    let line_of_method = line!() + 1;
    entry.info("method");
    let line_of_macro = line!() + 1;
    info!(logger, "macro");
    let lines = common::lines(&out);
    assert_eq!(
        lines[0],
        format!("level=info msg=method file=\"tests/text_formatter.rs:{line_of_method}\" k=1")
    );
    assert_eq!(
        lines[1],
        format!(
            "level=info msg=macro func=text_formatter file=\"tests/text_formatter.rs:{line_of_macro}\""
        )
    );
}

#[test]
fn colored_layout_follows_logrus() {
    let colored = TextFormatter::new().force_colors(true);
    let line = log_one(colored.clone(), |l| {
        l.with_field("user", "alice").info("request handled")
    });
    assert_eq!(
        line,
        format!(
            "\x1b[36mINFO\x1b[0m[0000] request handled{} \x1b[36muser\x1b[0m=alice\n",
            " ".repeat(44 - "request handled".len() + 1)
        )
    );
    let colors: Vec<String> = [
        (Level::Trace, "37"),
        (Level::Debug, "37"),
        (Level::Warn, "33"),
        (Level::Error, "31"),
    ]
    .iter()
    .map(|&(level, code)| {
        let line = log_one(colored.clone(), |l| l.log(level, "m"));
        assert!(line.starts_with(&format!("\x1b[{code}m")), "{line:?}");
        line
    })
    .collect();
    assert_eq!(colors[2], "\x1b[33mWARN\x1b[0m[0000] m\n");

    let line = log_one(colored.clone().disable_level_truncation(true), |l| {
        l.warn("m")
    });
    assert_eq!(line, "\x1b[33mWARNING\x1b[0m[0000] m\n");
    let line = log_one(colored.clone().pad_level_text(true), |l| l.info("m"));
    assert_eq!(line, "\x1b[36mINFO\x1b[0m   [0000] m\n");
    let line = log_one(colored.clone().disable_timestamp(true), |l| l.info("a\nb"));
    assert_eq!(line, "\x1b[36mINFO\x1b[0m a\\nb\n");
    let line = log_one(
        colored.clone().disable_colors(true).disable_timestamp(true),
        |l| l.info("m"),
    );
    assert_eq!(line, "level=info msg=m\n");
}

#[test]
fn full_timestamp_in_colored_layout() {
    let line = log_one(
        TextFormatter::new()
            .force_colors(true)
            .full_timestamp(true)
            .timestamp_format(hooklog::TimestampFormat::UnixSeconds),
        |l| {
            l.with_time(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000))
                .info("m")
        },
    );
    assert_eq!(line, "\x1b[36mINFO\x1b[0m[1700000000] m\n");
}

/// Opens a pseudo-terminal; returns (master, slave) as files.
fn open_pty() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on descriptors this function owns.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let name = std::ffi::CStr::from_ptr(libc::ptsname(master)).to_owned();
        let slave = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        assert!(slave >= 0, "open slave");
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    }
}

/// Logs one record to a terminal and returns what the terminal received.
fn log_to_terminal() -> String {
    use std::io::Read;
    let (mut master, slave) = open_pty();
    let logger = hooklog::Logger::builder()
        .formatter(TextFormatter::new().disable_timestamp(true))
        .out(slave)
        .build();
    logger.info("on a terminal");
    let mut buf = [0u8; 256];
    let n = master.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
#[ignore = "child process: run by colours_follow_the_terminal_and_the_environment"]
fn child_terminal_colours() {
    println!("TERMINAL:{:?}", log_to_terminal());
    let line = log_one(TextFormatter::new().disable_timestamp(true), |l| {
        l.info("m")
    });
    println!("CAPTURE:{line:?}");
}

#[test]
fn colours_follow_the_terminal_and_the_environment() {
    let run = |env: &[(&str, &str)]| {
        let output = common::run_child_test("child_terminal_colours", env);
        assert!(output.status.success(), "{output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let find = |tag: &str| {
            stdout
                .lines()
                .find_map(|l| l.split_once(tag).map(|(_, rest)| rest))
                .unwrap_or_else(|| panic!("{tag} in {stdout}"))
                .to_owned()
        };
        (find("TERMINAL:"), find("CAPTURE:"))
    };
    let (terminal, capture) = run(&[]);
    assert_eq!(terminal, r#""\u{1b}[36mINFO\u{1b}[0m on a terminal\r\n""#);
    assert_eq!(capture, r#""level=info msg=m\n""#);

    let (terminal, capture) = run(&[("NO_COLOR", "1")]);
    assert_eq!(terminal, r#""level=info msg=\"on a terminal\"\r\n""#);
    assert_eq!(capture, r#""level=info msg=m\n""#);

    let (terminal, _) = run(&[("CLICOLOR", "0")]);
    assert_eq!(terminal, r#""level=info msg=\"on a terminal\"\r\n""#);

    let (_, capture) = run(&[("CLICOLOR_FORCE", "1")]);
    assert_eq!(capture, r#""\u{1b}[36mINFO\u{1b}[0m m\n""#);
}
