//! The benchmark scenarios, the same for hooklog and each peer crate.
//!
//! Every case logs one record per call into `std::io::sink()`, at level Info, with
//! timestamps on. The ten fields, in order: int=1 (i64), int64=123456789, float=3.14159,
//! string="hello world", bool=true, error="fail", user="alice@example.com",
//! path="/api/v1/users/42", status=200 (u64), latency_ms=12.5; message "request handled".
//! request10 has the same values taken from a [`Request`] the call borrows (its strings
//! are `String`s, its error an `io::Error` written by `Display`), as a service logs them.
//! hooklog runs in both of its forms: the level macros (`hooklog`) and `log_fields!`
//! (`hooklog-log_fields`). disabled-target is the fields10 call at Info from a module its
//! logger's filter keeps at Warn: dropped by its target, not its level. env_logger and
//! log4rs are driven as `log`'s macros drive them, with the fields as `log` key-values.
#![allow(clippy::approx_constant)] // float=3.14159 is part of the scenario

use std::io;
use std::sync::{Arc, Mutex};

use hooklog::{JsonFormatter, Level, Logger, TextFormatter, fields};
use slog::Drain;

mod fields10;
pub(crate) use fields10::{
    hooklog_emit, hooklog_fields10, hooklog_request10, slog_fields10, spdlog_fields10,
    tracing_fields10,
};

/// A request as a service holds it: what request10 logs, borrowed at the call.
pub(crate) struct Request {
    pub int: i64,
    pub int64: i64,
    pub float: f64,
    pub string: String,
    pub bool: bool,
    pub error: io::Error,
    pub(crate) user: String,
    pub path: String,
    pub status: u64,
    pub latency_ms: f64,
}

impl Request {
    /// The fields10 values.
    pub(crate) fn new() -> Request {
        Request {
            int: 1,
            int64: 123456789,
            float: 3.14159,
            string: "hello world".into(),
            bool: true,
            error: io::Error::other("fail"),
            user: "alice@example.com".into(),
            path: "/api/v1/users/42".into(),
            status: 200,
            latency_ms: 12.5,
        }
    }
}

/// One crate running one scenario: `run(n)` logs `n` records on the calling thread.
pub(crate) struct Case {
    pub scenario: &'static str,
    pub krate: &'static str,
    pub run: Arc<dyn Fn(u64) + Send + Sync>,
}

/// The scenarios, in table order.
#[allow(dead_code)] // the scaling bench runs one scenario
pub(crate) const SCENARIOS: [&str; 9] = [
    "disabled",
    "disabled-chain",
    "disabled-target",
    "static",
    "fields10",
    "context10",
    "text10",
    "request10",
    "parallel10",
];

/// What a peer cannot express, by scenario and crate.
pub(crate) const NOT_EXPRESSIBLE: [(&str, &str, &str); 20] = [
    (
        "disabled-chain",
        "tracing",
        "no chained form: its disabled call is the disabled row",
    ),
    (
        "disabled-chain",
        "slog",
        "no chained form: its disabled call is the disabled row",
    ),
    (
        "disabled-chain",
        "spdlog-rs",
        "no chained form: its disabled call is the disabled row",
    ),
    (
        "request10",
        "spdlog-rs",
        "its JsonFormatter writes no key-values",
    ),
    ("request10", "env_logger", "no JSON output"),
    ("disabled-chain", "env_logger", "no chained form"),
    (
        "disabled-target",
        "tracing",
        "per-target filters need tracing-subscriber's env-filter or registry features",
    ),
    (
        "disabled-target",
        "slog",
        "no per-target filter in slog itself",
    ),
    ("disabled-target", "spdlog-rs", "no per-target filter"),
    (
        "disabled-chain",
        "hooklog",
        "a level macro has no chain: its disabled call is the disabled row",
    ),
    (
        "disabled",
        "hooklog-log_fields",
        "its disabled call is the disabled-chain row",
    ),
    (
        "fields10",
        "spdlog-rs",
        "its JsonFormatter writes no key-values",
    ),
    ("context10", "spdlog-rs", "no context loggers"),
    ("fields10", "env_logger", "no JSON output"),
    ("context10", "env_logger", "no context and no JSON"),
    (
        "disabled",
        "env_logger",
        "static and text only, as the comparison defines it",
    ),
    ("parallel10", "env_logger", "no JSON output"),
    ("disabled-chain", "log4rs", "no chained form"),
    (
        "disabled",
        "log4rs",
        "a disabled level is `log`'s global check, not log4rs's",
    ),
    (
        "context10",
        "log4rs",
        "no context loggers (its MDC holds strings per thread)",
    ),
];

fn case(
    scenario: &'static str,
    krate: &'static str,
    run: impl Fn(u64) + Send + Sync + 'static,
) -> Case {
    Case {
        scenario,
        krate,
        run: Arc::new(run),
    }
}

/// Every case of every crate. `parallel10` cases are fields10 cases, run from two
/// threads by the harness.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(hooklog_cases());
    cases.extend(tracing_cases());
    cases.extend(slog_cases());
    cases.extend(spdlog_cases());
    cases.extend(env_logger_cases());
    cases.extend(log4rs_cases());
    cases.extend(floor_cases());
    cases
}

/// Not a peer: the least any JSON logger has to do for static and fields10, written by
/// hand for exactly these records. It reads the clock, reuses the second it rendered,
/// writes the line (checking each string for bytes to escape, formatting the numbers),
/// locks the out and hands it the bytes. The other crates' times are read against it.
fn floor_cases() -> Vec<Case> {
    vec![
        case("static", "floor", floor(false)),
        case("fields10", "floor", floor(true)),
    ]
}

fn floor(fields: bool) -> impl Fn(u64) + Send + Sync {
    use std::hint::black_box;
    use std::time::{SystemTime, UNIX_EPOCH};

    fn string(buf: &mut Vec<u8>, s: &str) {
        assert!(s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'));
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    }
    let out: Mutex<Box<dyn io::Write + Send>> = Mutex::new(Box::new(io::sink()));
    move |n| {
        let mut buf = Vec::with_capacity(512);
        let mut second = (i64::MIN, String::new());
        let (mut ints, mut floats) = (itoa::Buffer::new(), zmij::Buffer::new());
        for _ in 0..n {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let secs = now.as_secs() as i64;
            if secs != second.0 {
                let stamp = jiff::Timestamp::from_second(secs).expect("a valid time");
                second = (secs, stamp.to_string());
            }
            buf.clear();
            buf.extend_from_slice(b"{\"time\":\"");
            buf.extend_from_slice(second.1.as_bytes());
            buf.extend_from_slice(b"\",\"level\":\"info\",\"msg\":");
            string(&mut buf, black_box("request handled"));
            if fields {
                buf.extend_from_slice(b",\"int\":");
                buf.extend_from_slice(ints.format(black_box(1i64)).as_bytes());
                buf.extend_from_slice(b",\"int64\":");
                buf.extend_from_slice(ints.format(black_box(123456789i64)).as_bytes());
                buf.extend_from_slice(b",\"float\":");
                buf.extend_from_slice(floats.format(black_box(3.14159)).as_bytes());
                buf.extend_from_slice(b",\"string\":");
                string(&mut buf, black_box("hello world"));
                buf.extend_from_slice(b",\"bool\":");
                buf.extend_from_slice(if black_box(true) { b"true" } else { b"false" });
                buf.extend_from_slice(b",\"error\":");
                string(&mut buf, black_box("fail"));
                buf.extend_from_slice(b",\"user\":");
                string(&mut buf, black_box("alice@example.com"));
                buf.extend_from_slice(b",\"path\":");
                string(&mut buf, black_box("/api/v1/users/42"));
                buf.extend_from_slice(b",\"status\":");
                buf.extend_from_slice(ints.format(black_box(200u64)).as_bytes());
                buf.extend_from_slice(b",\"latency_ms\":");
                buf.extend_from_slice(floats.format(black_box(12.5)).as_bytes());
            }
            buf.extend_from_slice(b"}\n");
            let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
            out.write_all(&buf).expect("sink accepts everything");
        }
    }
}

fn hooklog_json() -> Logger {
    Logger::builder()
        .level(Level::Info)
        .formatter(JsonFormatter::new())
        .out(io::sink())
        .build()
}

/// hooklog's fields10 case on a logger of its own.
#[allow(dead_code)] // compare's parallel10-unshared uses it; the other benches do not
pub(crate) fn hooklog_fields10() -> impl Fn(u64) {
    let json = hooklog_json();
    move |n| (0..n).for_each(|_| hooklog_fields10!(info, json))
}

/// A context entry carrying the ten fields.
fn hooklog_context(logger: &Logger) -> hooklog::Entry {
    logger.with_fields(fields! {
        "int" => 1i64, "int64" => 123456789i64, "float" => 3.14159, "string" => "hello world",
        "bool" => true, "error" => "fail", "user" => "alice@example.com",
        "path" => "/api/v1/users/42", "status" => 200u64, "latency_ms" => 12.5,
    })
}

/// The scenarios of one of hooklog's forms (`level` or `lazy`), under the crate name
/// `$krate`. The disabled scenario of the lazy form is `disabled-chain`.
macro_rules! hooklog_form {
    ($form:ident, $krate:literal, $disabled:literal) => {{
        let json = hooklog_json();
        let text = Logger::builder()
            .level(Level::Info)
            .formatter(TextFormatter::new().disable_colors(true))
            .out(io::sink())
            .build();
        let context = hooklog_context(&json);
        let request = Request::new();
        let filtered = hooklog_json();
        let directives = format!("info,{}=warn", module_path!());
        filtered.set_filter(directives.parse().expect("a filter"));
        let (j1, j2, j3, j4) = (json.clone(), json.clone(), json.clone(), json);
        vec![
            case("disabled-target", $krate, move |n| {
                (0..n).for_each(|_| hooklog_fields10!($form info, filtered))
            }),
            case($disabled, $krate, move |n| {
                (0..n).for_each(|_| hooklog_fields10!($form debug, j1))
            }),
            case("static", $krate, move |n| {
                (0..n).for_each(|_| hooklog_emit!($form info, j2;))
            }),
            case("fields10", $krate, move |n| {
                (0..n).for_each(|_| hooklog_fields10!($form info, j3))
            }),
            case("context10", $krate, move |n| {
                (0..n).for_each(|_| hooklog_emit!($form info, context;))
            }),
            case("text10", $krate, move |n| {
                (0..n).for_each(|_| hooklog_fields10!($form info, text))
            }),
            case("request10", $krate, move |n| {
                (0..n).for_each(|_| hooklog_request10!($form info, j4, request))
            }),
        ]
    }};
}

fn hooklog_cases() -> Vec<Case> {
    let mut cases = hooklog_form!(level, "hooklog", "disabled");
    cases.extend(hooklog_form!(lazy, "hooklog-log_fields", "disabled-chain"));
    cases
}

fn tracing_cases() -> Vec<Case> {
    use tracing::level_filters::LevelFilter;
    use tracing::{Dispatch, dispatcher};

    let json = Dispatch::new(
        tracing_subscriber::fmt()
            .json()
            .with_max_level(LevelFilter::INFO)
            .with_writer(io::sink)
            .finish(),
    );
    let text = Dispatch::new(
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(LevelFilter::INFO)
            .with_writer(io::sink)
            .finish(),
    );
    let on = |dispatch: &Dispatch, body: fn(u64)| {
        let dispatch = dispatch.clone();
        move |n| dispatcher::with_default(&dispatch, || body(n))
    };
    let context_dispatch = json.clone();
    let request_dispatch = json.clone();
    let request = Request::new();
    let span = dispatcher::with_default(&json, || tracing_fields10!(span "request"));
    vec![
        case(
            "disabled",
            "tracing",
            on(&json, |n| (0..n).for_each(|_| tracing_fields10!(debug))),
        ),
        case(
            "static",
            "tracing",
            on(&json, |n| {
                (0..n).for_each(|_| tracing::info!("request handled"))
            }),
        ),
        case(
            "fields10",
            "tracing",
            on(&json, |n| (0..n).for_each(|_| tracing_fields10!(info))),
        ),
        case("context10", "tracing", move |n| {
            dispatcher::with_default(&context_dispatch, || {
                let _entered = span.enter();
                (0..n).for_each(|_| tracing::info!("request handled"))
            })
        }),
        case(
            "text10",
            "tracing",
            on(&text, |n| (0..n).for_each(|_| tracing_fields10!(info))),
        ),
        case("request10", "tracing", move |n| {
            dispatcher::with_default(&request_dispatch, || {
                for _ in 0..n {
                    let r = &request;
                    tracing::info!(
                        int = r.int,
                        int64 = r.int64,
                        float = r.float,
                        string = r.string.as_str(),
                        bool = r.bool,
                        error = %r.error,
                        user = r.user.as_str(),
                        path = r.path.as_str(),
                        status = r.status,
                        latency_ms = r.latency_ms,
                        "request handled"
                    )
                }
            })
        }),
    ]
}

fn slog_cases() -> Vec<Case> {
    let json = slog::Logger::root(
        slog::LevelFilter::new(
            Mutex::new(slog_json::Json::new(io::sink()).add_default_keys().build()).map(slog::Fuse),
            slog::Level::Info,
        )
        .fuse(),
        slog::o!(),
    );
    let decorator = slog_term::PlainSyncDecorator::new(io::sink());
    let text = slog::Logger::root(
        slog::LevelFilter::new(
            slog_term::FullFormat::new(decorator).build().fuse(),
            slog::Level::Info,
        )
        .fuse(),
        slog::o!(),
    );
    let context = json.new(slog::o!(
        "int" => 1i64, "int64" => 123456789i64, "float" => 3.14159, "string" => "hello world",
        "bool" => true, "error" => "fail", "user" => "alice@example.com",
        "path" => "/api/v1/users/42", "status" => 200u64, "latency_ms" => 12.5));
    let (j1, j2, j3, j4) = (json.clone(), json.clone(), json.clone(), json);
    let request = Request::new();
    vec![
        case("request10", "slog", move |n| {
            for _ in 0..n {
                let r = &request;
                slog::info!(j4, "request handled";
                    "int" => r.int, "int64" => r.int64, "float" => r.float,
                    "string" => r.string.as_str(), "bool" => r.bool, "error" => %r.error,
                    "user" => r.user.as_str(), "path" => r.path.as_str(),
                    "status" => r.status, "latency_ms" => r.latency_ms)
            }
        }),
        case("disabled", "slog", move |n| {
            (0..n).for_each(|_| slog_fields10!(debug, j1))
        }),
        case("static", "slog", move |n| {
            (0..n).for_each(|_| slog::info!(j2, "request handled"))
        }),
        case("fields10", "slog", move |n| {
            (0..n).for_each(|_| slog_fields10!(info, j3))
        }),
        case("context10", "slog", move |n| {
            (0..n).for_each(|_| slog::info!(context, "request handled"))
        }),
        case("text10", "slog", move |n| {
            (0..n).for_each(|_| slog_fields10!(info, text))
        }),
    ]
}

fn spdlog_cases() -> Vec<Case> {
    use spdlog::formatter::{FullFormatter, JsonFormatter};
    use spdlog::sink::WriteSink;
    use spdlog::{Level, LevelFilter};

    fn logger(formatter: impl spdlog::formatter::Formatter + 'static) -> Arc<spdlog::Logger> {
        let sink = WriteSink::builder()
            .target(io::sink())
            .formatter(formatter)
            .build()
            .expect("spdlog sink");
        Arc::new(
            spdlog::Logger::builder()
                .sink(Arc::new(sink))
                .level_filter(LevelFilter::MoreSevereEqual(Level::Info))
                .build()
                .expect("spdlog logger"),
        )
    }
    let json = logger(JsonFormatter::new());
    let text = logger(FullFormatter::new());
    let (j1, j2) = (json.clone(), json);
    vec![
        case("disabled", "spdlog-rs", move |n| {
            (0..n).for_each(|_| spdlog_fields10!(debug, j1))
        }),
        case("static", "spdlog-rs", move |n| {
            (0..n).for_each(|_| spdlog::info!(logger: j2, "request handled"))
        }),
        case("text10", "spdlog-rs", move |n| {
            (0..n).for_each(|_| spdlog_fields10!(info, text))
        }),
    ]
}

fn env_logger_cases() -> Vec<Case> {
    let logger = || {
        Arc::new(
            env_logger::Builder::new()
                .target(env_logger::Target::Pipe(Box::new(io::sink())))
                .filter_level(log::LevelFilter::Info)
                .filter_module("bench::quiet", log::LevelFilter::Warn)
                .build(),
        )
    };
    vec![
        case(
            "disabled-target",
            "env_logger",
            log_case(logger(), "bench::quiet", true),
        ),
        case("static", "env_logger", log_case(logger(), "bench", false)),
        case("text10", "env_logger", log_case(logger(), "bench", true)),
    ]
}

/// Logs through a `log` logger, as `log`'s macros do: from `target`, with the ten fields
/// (`fields10`) or the message only.
fn log_case(logger: Arc<dyn log::Log>, target: &'static str, fields10: bool) -> impl Fn(u64) {
    move |n| {
        if fields10 {
            // Built for each call, as `log`'s macros build them.
            for _ in 0..n {
                log_through(&*logger, log::Level::Info, target, &log_fields10())
            }
        } else {
            let none: [(&str, log::kv::Value<'_>); 0] = [];
            for _ in 0..n {
                log_through(&*logger, log::Level::Info, target, &none)
            }
        }
    }
}

/// The ten fields as `log` key-values, for the peers behind the `log` facade.
fn log_fields10() -> [(&'static str, log::kv::Value<'static>); 10] {
    use log::kv::Value;
    [
        ("int", Value::from(1i64)),
        ("int64", Value::from(123456789i64)),
        ("float", Value::from(3.14159)),
        ("string", Value::from("hello world")),
        ("bool", Value::from(true)),
        ("error", Value::from("fail")),
        ("user", Value::from("alice@example.com")),
        ("path", Value::from("/api/v1/users/42")),
        ("status", Value::from(200u64)),
        ("latency_ms", Value::from(12.5)),
    ]
}

/// Logs "request handled" with `kvs` at `level` from `target` through `logger`, as `log`'s
/// macros do once the global maximum level let the call through: `log` applies the
/// logger's own filter.
fn log_through(logger: &dyn log::Log, level: log::Level, target: &str, kvs: &dyn log::kv::Source) {
    let record = log::Record::builder()
        .args(format_args!("request handled"))
        .level(level)
        .target(target)
        .key_values(kvs)
        .build();
    logger.log(&record);
}

/// A log4rs appender writing each encoded record to `io::sink()` under a lock, as its
/// file appender writes to its file.
#[derive(Debug)]
struct SinkAppender {
    encoder: Box<dyn log4rs::encode::Encode>,
    writer: Mutex<log4rs::encode::writer::simple::SimpleWriter<io::Sink>>,
}

impl log4rs::append::Append for SinkAppender {
    fn append(&self, record: &log::Record<'_>) -> anyhow::Result<()> {
        let mut writer = self.writer.lock().expect("the sink");
        self.encoder.encode(&mut *writer, record)
    }

    fn flush(&self) {}
}

fn log4rs_cases() -> Vec<Case> {
    use log::kv::Value;
    use log4rs::config::{Appender, Config, Logger, Root};
    use log4rs::encode::json::JsonEncoder;
    use log4rs::encode::pattern::PatternEncoder;

    fn logger(encoder: impl log4rs::encode::Encode) -> Arc<log4rs::Logger> {
        let appender = SinkAppender {
            encoder: Box::new(encoder),
            writer: Mutex::new(log4rs::encode::writer::simple::SimpleWriter(io::sink())),
        };
        let config = Config::builder()
            .appender(Appender::builder().build("sink", Box::new(appender)))
            .logger(Logger::builder().build("bench::quiet", log::LevelFilter::Warn))
            .build(
                Root::builder()
                    .appender("sink")
                    .build(log::LevelFilter::Info),
            )
            .expect("log4rs config");
        Arc::new(log4rs::Logger::new(config))
    }
    let json = logger(JsonEncoder::new());
    // Its pattern takes key-values one key at a time.
    let text = logger(PatternEncoder::new(
        "{d} {l} {t} - {m} int={K(int)} int64={K(int64)} float={K(float)} \
         string={K(string)} bool={K(bool)} error={K(error)} user={K(user)} path={K(path)} \
         status={K(status)} latency_ms={K(latency_ms)}{n}",
    ));
    let request_json = Arc::clone(&json);
    let request = Request::new();
    vec![
        case(
            "disabled-target",
            "log4rs",
            log_case(json.clone(), "bench::quiet", true),
        ),
        case("static", "log4rs", log_case(json.clone(), "bench", false)),
        case("fields10", "log4rs", log_case(json, "bench", true)),
        case("text10", "log4rs", log_case(text, "bench", true)),
        case("request10", "log4rs", move |n| {
            for _ in 0..n {
                let r = &request;
                let kvs: [(&str, Value<'_>); 10] = [
                    ("int", Value::from(r.int)),
                    ("int64", Value::from(r.int64)),
                    ("float", Value::from(r.float)),
                    ("string", Value::from(r.string.as_str())),
                    ("bool", Value::from(r.bool)),
                    ("error", Value::from_display(&r.error)),
                    ("user", Value::from(r.user.as_str())),
                    ("path", Value::from(r.path.as_str())),
                    ("status", Value::from(r.status)),
                    ("latency_ms", Value::from(r.latency_ms)),
                ];
                log_through(&*request_json, log::Level::Info, "bench", &kvs)
            }
        }),
    ]
}
