//! Configuration files, the environment, output URLs and every kind of mistake.

use std::path::PathBuf;

use hooklog::{Level, MemoryOut};
use hooklog_config::{Config, Sink, register_format, register_sink};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hooklog-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn a_toml_file_describes_a_whole_logger() {
    let dir = temp_dir("toml");
    let config = format!(
        r#"
level = "debug"
format = "json"
outputs = ["file://{dir}/app.log", "memory://{dir}/memory.log?max_bytes=65536&overflow=flush"]
report_caller = true

[format_options]
disable_timestamp = true
field_map = {{ msg = "message" }}

[fields]
service = "billing"
version = 3

[[hooks]]
output = "rolling://{dir}/errors-%Y.log?max_bytes=1000000&keep=3"
levels = ["error", "fatal"]
format = "json"
format_options = {{ disable_timestamp = true }}
"#,
        dir = dir.display()
    );
    std::fs::write(dir.join("logging.toml"), config).unwrap();
    let logger = Config::from_file(dir.join("logging.toml"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(logger.level(), Level::Debug);
    assert!(logger.report_caller());
    logger.with_field("version", 4).debug("starting");
    logger.error("payment failed");
    logger.trace("not at debug");
    logger.flush().unwrap();

    let app = lines(&dir.join("app.log"));
    assert_eq!(app.len(), 2);
    assert_eq!(app[0]["message"], "starting");
    assert_eq!(app[0]["service"], "billing");
    assert_eq!(app[0]["version"], 4);
    assert!(
        app[0]["file"]
            .as_str()
            .unwrap()
            .starts_with("config/tests/config.rs:")
            || app[0]["file"]
                .as_str()
                .unwrap()
                .starts_with("tests/config.rs:")
    );
    assert_eq!(lines(&dir.join("memory.log")), app);
    let year = jiff::Zoned::now().year();
    let errors = lines(&dir.join(format!("errors-{year}.log")));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["msg"], "payment failed");
    assert_eq!(errors[0]["service"], "billing");
}

#[test]
fn json_configuration_and_a_hook_behind_async() {
    let dir = temp_dir("json");
    let config = serde_json::json!({
        "level": "warn",
        "format": "text",
        "format_options": {"disable_timestamp": true, "disable_colors": true},
        "outputs": [format!("file://{}/app.log", dir.display())],
        "hooks": [{"output": format!("file://{}/warn.log", dir.display()), "levels": ["warning"], "async": true,
                   "format": "text", "format_options": {"disable_timestamp": true}}]
    });
    let logger = Config::from_json_str(&config.to_string())
        .unwrap()
        .build()
        .unwrap();
    logger.info("hidden");
    logger.warn("careful");
    logger.error("broken");
    logger.flush().unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("app.log")).unwrap(),
        "level=warning msg=careful\nlevel=error msg=broken\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("warn.log")).unwrap(),
        "level=warning msg=careful\n"
    );
}

fn error(toml: &str) -> String {
    match Config::from_toml_str(toml).and_then(|c| c.build()) {
        Ok(_) => panic!("{toml} built"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_kind_of_mistake_names_its_key_and_what_was_expected() {
    let cases = [
        (
            r#"level = "verbose""#,
            r#"config level: not a valid level: "verbose" (expected one of panic, fatal, error, warn or warning, info, debug, trace; any case)"#,
        ),
        (
            r#"format = "xml""#,
            r#"config format: unknown format "xml" (expected text, json"#,
        ),
        (
            r#"outputs = ["file:/var/log/app.log"]"#,
            r#"config outputs[0]: malformed URL "file:/var/log/app.log": expected `stderr`, `stdout` or `scheme://target`"#,
        ),
        (
            r#"outputs = ["stderr", "kafka://broker:9092/logs"]"#,
            r#"config outputs[1]: "kafka://broker:9092/logs": unknown scheme "kafka" (known: stderr, stdout, file, memory, rolling, syslog+udp, syslog+tcp, syslog+unix"#,
        ),
        (
            r#"outputs = ["file:///proc/no/such/dir/app.log"]"#,
            r#"config outputs[0]: "file:///proc/no/such/dir/app.log": cannot open /proc/no/such/dir/app.log"#,
        ),
        (
            r#"outputs = ["memory:///tmp/x.log?overflow=spill"]"#,
            r#"config outputs[0]: "memory:///tmp/x.log?overflow=spill": overflow="spill": expected flush or drop_oldest"#,
        ),
        (
            r#"outputs = ["file:///tmp/x.log?mode=777"]"#,
            r#"unknown query parameter "mode" for file:// (known: none)"#,
        ),
        (
            r#"format = "json"
format_options = { colour = true }"#,
            "config format_options: unknown field `colour`, expected one of",
        ),
        (
            r#"[[hooks]]
output = "stderr"
levels = ["loud"]"#,
            r#"config hooks[0].levels: not a valid level: "loud""#,
        ),
        (r#"levle = "info""#, "unknown field `levle`"),
        (
            r#"level = 3"#,
            "invalid type: integer `3`, expected a string",
        ),
        (
            r#"env = "staging""#,
            r#"config env: "staging": expected development or production"#,
        ),
    ];
    for (toml, expected) in cases {
        let message = error(toml);
        println!("{message}");
        assert!(
            message.contains(expected),
            "{toml}\n  gave: {message}\n  want: {expected}"
        );
    }
    // A path under a regular file, and a strftime pattern jiff rejects.
    let dir = temp_dir("mistakes");
    std::fs::write(dir.join("file"), "").unwrap();
    let message = error(&format!(
        r#"outputs = ["file://{}/file/app.log"]"#,
        dir.display()
    ));
    assert!(
        message.contains("cannot open") && message.contains("Not a directory"),
        "{message}"
    );
    // A symbolic link planted where the file will be is refused, its target untouched.
    std::fs::write(dir.join("victim"), "precious").unwrap();
    std::os::unix::fs::symlink(dir.join("victim"), dir.join("link.log")).unwrap();
    let message = error(&format!(
        r#"outputs = ["file://{}/link.log"]"#,
        dir.display()
    ));
    assert!(message.contains("symbolic links"), "{message}");
    assert_eq!(
        std::fs::read_to_string(dir.join("victim")).unwrap(),
        "precious"
    );
    let message = error(&format!(
        r#"outputs = ["rolling://{}/app-%!.log"]"#,
        dir.display()
    ));
    assert!(message.contains("invalid strftime pattern"), "{message}");
}

/// Builds `toml` (its output a file) with the environment `vars`; logs one info record
/// and returns the logger and the record as written.
fn built(toml: &str, vars: &[(&str, &str)]) -> Result<(hooklog::Logger, String), String> {
    static CASE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let case = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = temp_dir(&format!("env-{case}")).join("out.log");
    let toml = format!("outputs = [\"file://{}\"]\n{toml}", path.display());
    let lookup = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let logger = Config::from_toml_str(&toml)
        .and_then(|c| c.with_env_from(lookup))
        .and_then(|c| c.build())
        .map_err(|e| {
            // Printed as `main` would print it: `Debug` reads as `Display`.
            assert_eq!(format!("{e:?}"), e.to_string());
            e.to_string()
        })?;
    logger.info("record");
    Ok((logger, std::fs::read_to_string(&path).unwrap()))
}

#[test]
fn the_environment_wins_over_the_file_and_the_file_over_a_preset() {
    let file = "level = \"error\"\nformat = \"json\"\n[format_options]\ndisable_timestamp = true";
    let (logger, _) = built(file, &[("HOOKLOG_LEVEL", "debug")]).unwrap();
    assert_eq!(logger.level(), Level::Debug);

    // A preset gives defaults: the file's level and format stay, its caller switch is new.
    let (logger, written) = built(file, &[("HOOKLOG_ENV", "development")]).unwrap();
    assert_eq!(logger.level(), Level::Error);
    assert!(logger.report_caller());
    assert_eq!(written, "");

    let (logger, written) = built(
        "env = \"production\"\nlevel = \"debug\"\n[format_options]\ndisable_timestamp = true",
        &[],
    )
    .unwrap();
    assert_eq!(logger.level(), Level::Debug);
    // The preset's JSON, without the file's options (they were for the default text).
    assert!(written.starts_with("{\"time\":"), "{written}");

    // The environment over everything; the file's options do not follow another format.
    let (logger, written) = built(
        file,
        &[
            ("HOOKLOG_ENV", "production"),
            ("HOOKLOG_FORMAT", "text"),
            ("HOOKLOG_LEVEL", "info"),
        ],
    )
    .unwrap();
    assert_eq!(logger.level(), Level::Info);
    assert!(written.starts_with("time="), "{written}");

    // HOOKLOG_LOG: directives, and over HOOKLOG_LEVEL.
    let (logger, _) = built(
        file,
        &[
            ("HOOKLOG_LOG", "warn,hyper=off"),
            ("HOOKLOG_LEVEL", "trace"),
        ],
    )
    .unwrap();
    assert_eq!(logger.filter().to_string(), "warning,hyper=off");
    let (logger, _) = built("level = \"info,db=trace\"", &[]).unwrap();
    assert!(logger.is_enabled_for(Level::Trace, "db::pool"));
}

#[test]
fn a_bad_value_from_the_environment_names_its_variable() {
    for (vars, message) in [
        (
            &[("HOOKLOG_LEVEL", "verbose")][..],
            r#"config HOOKLOG_LEVEL: not a valid level: "verbose" (expected one of panic, fatal, error, warn or warning, info, debug, trace; any case)"#,
        ),
        (
            &[("HOOKLOG_LOG", "info,db=loud")],
            r#"config HOOKLOG_LOG: invalid filter directive "db=loud": "loud" is not a level (expected off, panic, fatal, error, warn or warning, info, debug or trace)"#,
        ),
        (
            &[("HOOKLOG_FORMAT", "xml")],
            r#"config HOOKLOG_FORMAT: unknown format "xml" (expected text, json)"#,
        ),
        (
            &[("HOOKLOG_ENV", "qa")],
            r#"config HOOKLOG_ENV: "qa": expected development or production"#,
        ),
    ] {
        assert_eq!(built("", vars).unwrap_err(), message);
    }
    assert_eq!(
        built("env = \"qa\"", &[]).unwrap_err(),
        r#"config env: "qa": expected development or production"#
    );
    assert_eq!(
        built("[format_options]\ntimestamp_format = \"unix_ms\"", &[]).unwrap_err(),
        r#"config format_options: unknown timestamp format "unix_ms" (expected rfc3339, rfc3339_nanos, unix, unix_millis or a strftime pattern such as "%Y-%m-%d %H:%M:%S")"#
    );
}

#[test]
fn registered_sinks_and_formats() {
    let captured = MemoryOut::new();
    let handle = captured.clone();
    register_sink("capture", move |url| {
        assert_eq!(url.target, "audit");
        Ok(Sink::Out(Box::new(handle.clone())))
    })
    .unwrap();
    struct Upper;
    impl hooklog::Formatter for Upper {
        fn format(
            &self,
            entry: &hooklog::Entry,
            _: hooklog::Destination,
            buf: &mut Vec<u8>,
        ) -> Result<(), hooklog::Error> {
            buf.extend_from_slice(entry.message().to_uppercase().as_bytes());
            buf.push(b'\n');
            Ok(())
        }
    }
    register_format("upper", |options| {
        assert_eq!(options["shout"], true);
        Ok(Box::new(Upper))
    })
    .unwrap();
    assert!(register_sink("file", |_| unreachable!()).is_err());
    assert!(register_format("json", |_| unreachable!()).is_err());

    let logger = Config::from_toml_str(
        r#"format = "upper"
format_options = { shout = true }
outputs = ["capture://audit"]"#,
    )
    .unwrap()
    .build()
    .unwrap();
    logger.info("quiet words");
    assert_eq!(captured.contents(), b"QUIET WORDS\n");
    let message = error(r#"outputs = ["nope://x"]"#);
    assert!(
        message.contains("capture"),
        "registered schemes are listed: {message}"
    );
}

#[test]
fn syslog_outputs() {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let logger = Config::from_toml_str(&format!(
        r#"outputs = ["syslog+udp://127.0.0.1:{port}?facility=local0&app_name=cfg"]"#
    ))
    .unwrap()
    .build()
    .unwrap();
    logger.with_field("k", "v").warn("to syslog");
    let mut buf = [0u8; 2048];
    let n = socket.recv(&mut buf).unwrap();
    let message = String::from_utf8_lossy(&buf[..n]);
    assert!(message.starts_with("<132>1 "), "{message}");
    assert!(message.contains(" cfg "), "{message}");
    assert!(
        message.ends_with(r#"[hooklog@32473 k="v"] to syslog"#),
        "{message}"
    );
}
