//! Configure hooklog from a file (TOML or JSON), a string or the environment, as zap's
//! `Config` does: level, format and its options, outputs as URLs, hooks per output with
//! their levels, caller reporting, initial fields and redaction (`[redact]`, see
//! [`RedactConfig`]).
//!
//! ```
//! use hooklog_config::Config;
//!
//! let logger = Config::from_toml_str(r#"
//!     level = "debug"
//!     format = "json"
//!     outputs = ["stderr"]
//!     report_caller = true
//!
//!     [format_options]
//!     timestamp_format = "rfc3339_nanos"
//!
//!     [fields]
//!     service = "billing"
//!
//!     [[hooks]]
//!     output = "stdout"
//!     levels = ["error", "fatal", "panic"]
//!     format = "text"
//! "#)?
//! .with_env()?
//! .build()?;
//! logger.info("configured");
//! # Ok::<(), hooklog_config::ConfigError>(())
//! ```
//!
//! # Output URLs
//!
//! | URL | output |
//! |---|---|
//! | `stderr`, `stdout` | the stream |
//! | `file:///var/log/app.log` (`file://logs/app.log` is relative) | a file, appended, created `0640` with its directories |
//! | `memory:///path?max_bytes=N&overflow=flush\|drop_oldest` | a [`hooklog::MemoryOut`] persisted to the path |
//! | `rolling:///logs/app-%Y-%m-%d.log?max_bytes=N&keep=N&max_age=SECONDS&compress=true` | a [`hooklog_file::RollingWriter`] |
//! | `syslog+udp://host:port`, `syslog+tcp://host:port`, `syslog+unix:///dev/log` (feature `syslog`) | a syslog hook; query `facility`, `app_name`, `format=rfc3164` |
//! | `yours://...` | what [`register_sink`] registered |
//!
//! # Environment and presets
//!
//! `level` is a level name or filter directives (`"info,hyper=warn,my_app::db=trace"`,
//! see [`hooklog::Filter`]). [`Config::with_env`] reads these variables, which win over
//! the file when [`build`](Config::build) makes the logger:
//!
//! | variable | effect |
//! |---|---|
//! | `HOOKLOG_ENV` | the preset, as the `env` key |
//! | `HOOKLOG_LOG` | the level or filter directives (wins over `HOOKLOG_LEVEL`) |
//! | `HOOKLOG_LEVEL` | the level or filter directives |
//! | `HOOKLOG_FORMAT` | the format (`text`, `json` or a registered name) |
//!
//! A preset (`env` or `HOOKLOG_ENV`) gives defaults, never overrides: `development` is
//! format `text`, level `trace`, callers reported; `production` is format `json`, level
//! `info`. Each setting comes from the environment if set there, else the file, else the
//! preset, else the built-in default (`info`, `text`, no callers). The file's
//! `format_options` apply to the file's own `format` (or to the default text format when
//! it names none), not to a format the environment or a preset chose instead. An error
//! names the variable when the bad value came from one.

#![warn(missing_docs)]

mod formats;
mod registry;
mod url;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use hooklog::{
    AsyncHook, DefaultFields, Detector, Entry, Error, Filter, Formatter, Hook, Level, Logger,
    MemoryOut, Overflow, Redaction, Value,
};
use hooklog_writer::WriterHook;
use serde::Deserialize;

pub use registry::{Sink, register_format, register_sink};
pub use url::OutputUrl;

/// The schemes hooklog-config opens itself.
pub(crate) const BUILT_IN_SCHEMES: [&str; 8] = [
    "stderr",
    "stdout",
    "file",
    "memory",
    "rolling",
    "syslog+udp",
    "syslog+tcp",
    "syslog+unix",
];

/// A logger's configuration, as a file or string spells it. Every key is optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `development` or `production`: a preset applied before `level` and `format`
    /// (see the crate docs' environment table).
    pub env: Option<String>,
    /// The level name (default `info`).
    pub level: Option<String>,
    /// `text` (default), `json` or a registered format name.
    pub format: Option<String>,
    /// Options of the format, by the formatter's setter names.
    #[serde(default)]
    pub format_options: serde_json::Value,
    /// Output URLs for the logger's out (default `["stderr"]`); several receive every
    /// record each.
    pub outputs: Option<Vec<String>>,
    /// Extra outputs for chosen levels, each with its own format.
    #[serde(default)]
    pub hooks: Vec<HookConfig>,
    /// Whether records carry their caller.
    pub report_caller: Option<bool>,
    /// Fields on every record.
    #[serde(default)]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Secrets replaced by `[REDACTED]` before any output sees them (see
    /// [`hooklog::Redaction`]): an empty `[redact]` table turns on the default rules.
    pub redact: Option<RedactConfig>,
    /// What [`with_env`](Config::with_env) read, kept apart from the file's values so
    /// `build` knows which wins and where a bad value came from.
    #[serde(skip)]
    environment: Environment,
}

/// The `[redact]` table: the default key rules and detectors, changed by its keys.
///
/// ```
/// let config = hooklog_config::Config::from_toml_str(r#"
///     [redact]
///     keys = ["*secret*", "api_key"]
///     without_keys = ["*token*"]
///     without_detectors = ["card"]
/// "#)?;
/// let logger = config.build()?;
/// # Ok::<(), hooklog_config::ConfigError>(())
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactConfig {
    /// `false` turns redaction off (default `true`).
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// Key rules added to the defaults (`*secret*`, `api_key`), matched without case.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Key rules removed, the defaults' included (`*token*`).
    #[serde(default)]
    pub without_keys: Vec<String>,
    /// Detectors turned off: `bearer`, `jwt`, `pem`, `aws`, `card`.
    #[serde(default)]
    pub without_detectors: Vec<String>,
}

fn enabled() -> bool {
    true
}

impl RedactConfig {
    /// The redaction this table describes; `None` when it is turned off.
    fn redaction(&self) -> Result<Option<Redaction>, ConfigError> {
        if !self.enabled {
            return Ok(None);
        }
        let mut redaction = Redaction::new();
        for key in &self.keys {
            redaction = redaction.key(key);
        }
        for key in &self.without_keys {
            redaction = redaction.without_key(key);
        }
        for (i, name) in self.without_detectors.iter().enumerate() {
            let detector = name
                .parse::<Detector>()
                .map_err(|e| ConfigError::new(format!("redact.without_detectors[{i}]"), e))?;
            redaction = redaction.without_detector(detector);
        }
        Ok(Some(redaction))
    }
}

/// The variables [`Config::with_env`] read.
#[derive(Clone, Debug, Default)]
struct Environment {
    env: Option<String>,
    /// The level or directives, and the variable they came from.
    level: Option<(String, &'static str)>,
    format: Option<String>,
}

/// What a preset (`development`, `production`) gives.
struct Preset {
    level: &'static str,
    format: &'static str,
    report_caller: bool,
}

impl Preset {
    /// The preset `name` names, read from `key`; `None` for no preset.
    fn of(name: Option<&str>, key: &str) -> Result<Option<Preset>, ConfigError> {
        match name.map(str::to_ascii_lowercase).as_deref() {
            None => Ok(None),
            Some("development") => Ok(Some(Preset {
                level: "trace",
                format: "text",
                report_caller: true,
            })),
            Some("production") => Ok(Some(Preset {
                level: "info",
                format: "json",
                report_caller: false,
            })),
            Some(_) => Err(ConfigError::new(
                key,
                format!(
                    "{:?}: expected development or production",
                    name.unwrap_or_default()
                ),
            )),
        }
    }
}

/// One hook of a [`Config`]: an output URL that receives the records of chosen levels.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookConfig {
    /// The output URL.
    pub output: String,
    /// The level names it receives (default all).
    #[serde(default)]
    pub levels: Vec<String>,
    /// Its format (default `text` without colours).
    pub format: Option<String>,
    /// Options of its format.
    #[serde(default)]
    pub format_options: serde_json::Value,
    /// Runs it behind an [`AsyncHook`].
    #[serde(default, rename = "async")]
    pub run_async: bool,
}

/// A configuration mistake: which key, URL or environment variable, and what was
/// expected.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    key: String,
    message: String,
}

impl ConfigError {
    fn new(key: impl Into<String>, message: impl fmt::Display) -> ConfigError {
        ConfigError {
            key: key.into(),
            message: message.to_string(),
        }
    }

    /// The key (or `outputs[1]`, `hooks[0].levels`, ...) that is wrong.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config {}: {}", self.key, self.message)
    }
}

impl fmt::Debug for ConfigError {
    /// As `Display`: `fn main() -> Result<(), ConfigError>` prints the error with `Debug`,
    /// and a person reads it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Parses TOML.
    ///
    /// # Errors
    ///
    /// On invalid TOML or an unknown key; the message names the line and key.
    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::new("(toml)", e.to_string().trim_end()))
    }

    /// Parses JSON.
    ///
    /// # Errors
    ///
    /// On invalid JSON or an unknown key; the message names the line and key.
    pub fn from_json_str(text: &str) -> Result<Config, ConfigError> {
        serde_json::from_str(text).map_err(|e| ConfigError::new("(json)", e))
    }

    /// Reads a `.toml` or `.json` file.
    ///
    /// # Errors
    ///
    /// If the file cannot be read, has another extension, or does not parse.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let key = format!("({})", path.display());
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::new(&key, e))?;
        let parsed = match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Config::from_toml_str(&text),
            Some("json") => Config::from_json_str(&text),
            _ => return Err(ConfigError::new(key, "expected a .toml or .json file")),
        };
        parsed.map_err(|e| ConfigError::new(key, e.message))
    }

    /// Reads `HOOKLOG_ENV`, `HOOKLOG_LOG`, `HOOKLOG_LEVEL` and `HOOKLOG_FORMAT` from the
    /// process environment; [`build`](Config::build) applies them over the file (see the
    /// crate docs).
    ///
    /// # Errors
    ///
    /// If `HOOKLOG_ENV` is neither `development` nor `production`.
    pub fn with_env(self) -> Result<Config, ConfigError> {
        self.with_env_from(|name| std::env::var(name).ok())
    }

    /// Reads the environment variables as `lookup` reports them; empty values count as
    /// unset.
    ///
    /// # Errors
    ///
    /// If `HOOKLOG_ENV` is neither `development` nor `production`.
    pub fn with_env_from(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let lookup = |name| lookup(name).filter(|value| !value.trim().is_empty());
        let env = lookup("HOOKLOG_ENV");
        Preset::of(env.as_deref(), "HOOKLOG_ENV")?;
        self.environment = Environment {
            env,
            level: lookup("HOOKLOG_LOG")
                .map(|v| (v, "HOOKLOG_LOG"))
                .or_else(|| lookup("HOOKLOG_LEVEL").map(|v| (v, "HOOKLOG_LEVEL"))),
            format: lookup("HOOKLOG_FORMAT"),
        };
        Ok(self)
    }

    /// The logger this configuration describes.
    ///
    /// # Errors
    ///
    /// The first mistake found, naming its key or URL and what was expected: an unknown
    /// level or format, bad format options, a malformed URL, an unknown scheme, or an
    /// output that cannot be opened.
    pub fn build(&self) -> Result<Logger, ConfigError> {
        let environment = &self.environment;
        let preset = match &environment.env {
            Some(env) => Preset::of(Some(env), "HOOKLOG_ENV")?,
            None => Preset::of(self.env.as_deref(), "env")?,
        };
        let (level, level_key) = match (&environment.level, &self.level, &preset) {
            (Some((level, variable)), ..) => (level.as_str(), *variable),
            (None, Some(level), _) => (level.as_str(), "level"),
            (None, None, Some(preset)) => (preset.level, "env"),
            (None, None, None) => ("info", "level"),
        };
        let filter = parse_filter(level_key, level)?;
        let null = serde_json::Value::Null;
        let (format, format_key, options) = match (&environment.format, &self.format, &preset) {
            (Some(format), file, _) => {
                let same = file.as_deref().unwrap_or("text") == format;
                (
                    format.as_str(),
                    "HOOKLOG_FORMAT",
                    if same { &self.format_options } else { &null },
                )
            }
            (None, Some(format), _) => (format.as_str(), "format", &self.format_options),
            (None, None, Some(preset)) => (preset.format, "env", &null),
            (None, None, None) => ("text", "format", &self.format_options),
        };
        let formatter = build_formatter(format_key, format, "format_options", options)?;
        let report_caller = self
            .report_caller
            .or(preset.as_ref().map(|p| p.report_caller))
            .unwrap_or(false);
        let mut builder = Logger::builder()
            .filter(filter)
            .report_caller(report_caller);
        if let Some(redaction) = self
            .redact
            .as_ref()
            .map(RedactConfig::redaction)
            .transpose()?
            .flatten()
        {
            builder = builder.redact(redaction);
        }

        let mut hooks: Vec<Box<dyn Hook>> = Vec::new();
        if !self.fields.is_empty() {
            hooks.push(Box::new(DefaultFields::new(
                self.fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                    .collect(),
            )));
        }

        let urls = self
            .outputs
            .clone()
            .unwrap_or_else(|| vec!["stderr".into()]);
        let mut outs: Vec<Box<dyn Write + Send>> = Vec::new();
        for (i, url) in urls.iter().enumerate() {
            let key = format!("outputs[{i}]");
            match url.as_str() {
                // Kept as their own types so the logger can tell a terminal.
                "stderr" if urls.len() == 1 => builder = builder.out(io::stderr()),
                "stdout" if urls.len() == 1 => builder = builder.out(io::stdout()),
                _ => match open(&key, url)? {
                    Sink::Out(out) => outs.push(out),
                    Sink::Hook(hook) => hooks.push(hook),
                },
            }
        }
        match outs.len() {
            // Every output is a hook: the logger itself formats nothing.
            0 if urls.len() != 1 || !matches!(urls[0].as_str(), "stderr" | "stdout") => {
                builder = builder.no_out();
            }
            0 => {}
            1 => builder = builder.out(outs.pop().expect("one out")),
            _ => builder = builder.out(Tee(outs)),
        }

        for (i, hook) in self.hooks.iter().enumerate() {
            let key = format!("hooks[{i}]");
            let levels = if hook.levels.is_empty() {
                Level::ALL.to_vec()
            } else {
                hook.levels
                    .iter()
                    .map(|name| parse_level(&format!("{key}.levels"), name))
                    .collect::<Result<_, _>>()?
            };
            let formatter = match hook.format.as_deref() {
                Some(name) => build_formatter(
                    &format!("{key}.format"),
                    name,
                    &format!("{key}.format_options"),
                    &hook.format_options,
                )?,
                None => Box::new(hooklog::TextFormatter::new()),
            };
            let built: Box<dyn Hook> = match hook.output.as_str() {
                // Kept as their own types so the hook can tell a terminal.
                "stderr" => Box::new(WriterHook::new(io::stderr(), &levels).formatter(formatter)),
                "stdout" => Box::new(WriterHook::new(io::stdout(), &levels).formatter(formatter)),
                output => match open(&format!("{key}.output"), output)? {
                    Sink::Out(out) => Box::new(WriterHook::new(out, &levels).formatter(formatter)),
                    Sink::Hook(inner) => Box::new(ForLevels { levels, inner }),
                },
            };
            hooks.push(if hook.run_async {
                Box::new(AsyncHook::new(built))
            } else {
                built
            });
        }
        for hook in hooks {
            builder = builder.hook(hook);
        }
        Ok(builder.formatter(formatter).build())
    }
}

fn parse_level(key: &str, name: &str) -> Result<Level, ConfigError> {
    name.parse::<Level>().map_err(|e| ConfigError::new(key, e))
}

/// A level name, or filter directives.
fn parse_filter(key: &str, text: &str) -> Result<Filter, ConfigError> {
    if text.contains([',', '=']) {
        text.parse::<Filter>().map_err(|e| ConfigError::new(key, e))
    } else {
        parse_level(key, text.trim()).map(Filter::new)
    }
}

/// The formatter `name` (read from `key`) with `options` (read from `options_key`).
fn build_formatter(
    key: &str,
    name: &str,
    options_key: &str,
    options: &serde_json::Value,
) -> Result<Box<dyn Formatter>, ConfigError> {
    if let Some(built) =
        formats::built_in(name, options).map_err(|e| ConfigError::new(options_key, e))?
    {
        return Ok(built);
    }
    match registry::format(name) {
        Some(factory) => factory(options).map_err(|e| ConfigError::new(options_key, e)),
        None => {
            let mut known = vec!["text".to_owned(), "json".to_owned()];
            known.extend(registry::format_names());
            Err(ConfigError::new(
                key,
                format!("unknown format {name:?} (expected {})", known.join(", ")),
            ))
        }
    }
}

/// Opens an output URL.
fn open(key: &str, text: &str) -> Result<Sink, ConfigError> {
    let url = OutputUrl::parse(text).map_err(|e| ConfigError::new(key, e))?;
    let fail = |e: String| ConfigError::new(key, format!("{text:?}: {e}"));
    match url.scheme.as_str() {
        "stderr" => Ok(Sink::Out(Box::new(io::stderr()))),
        "stdout" => Ok(Sink::Out(Box::new(io::stdout()))),
        "file" => {
            url.only(&[]).map_err(fail)?;
            Ok(Sink::Out(Box::new(open_append(&url.target).map_err(fail)?)))
        }
        "memory" => {
            url.only(&["max_bytes", "overflow"]).map_err(fail)?;
            // Fail now, not at exit, if the file can never be written.
            drop(open_append(&url.target).map_err(fail)?);
            let mut out = MemoryOut::new().persist_to(&url.target);
            if let Some(max) = url.number("max_bytes").map_err(fail)? {
                out = out.max_bytes(usize::try_from(max).unwrap_or(usize::MAX));
            }
            out = match url.query.get("overflow").map(String::as_str) {
                None | Some("flush") => out.on_full(Overflow::Flush),
                Some("drop_oldest") => out.on_full(Overflow::DropOldest),
                Some(other) => {
                    return Err(fail(format!(
                        "overflow={other:?}: expected flush or drop_oldest"
                    )));
                }
            };
            Ok(Sink::Out(Box::new(out)))
        }
        "rolling" => {
            url.only(&["max_bytes", "keep", "max_age", "compress"])
                .map_err(fail)?;
            let mut builder = hooklog_file::RollingWriter::builder(&url.target);
            if let Some(max) = url.number("max_bytes").map_err(fail)? {
                builder = builder.max_bytes(max);
            }
            if let Some(keep) = url.number("keep").map_err(fail)? {
                builder = builder.keep_periods(usize::try_from(keep).unwrap_or(usize::MAX));
            }
            if let Some(age) = url.number("max_age").map_err(fail)? {
                builder = builder.max_age(Duration::from_secs(age));
            }
            match url.query.get("compress").map(String::as_str) {
                None | Some("false") => {}
                Some("true") => builder = builder.compress(true),
                Some(other) => {
                    return Err(fail(format!("compress={other:?}: expected true or false")));
                }
            }
            Ok(Sink::Out(Box::new(
                builder.build().map_err(|e| fail(e.to_string()))?,
            )))
        }
        "syslog+udp" | "syslog+tcp" | "syslog+unix" => syslog(&url).map_err(fail),
        scheme => match registry::sink(scheme) {
            Some(factory) => factory(&url).map_err(|e| fail(e.to_string())),
            None => {
                let mut known: Vec<String> =
                    BUILT_IN_SCHEMES.iter().map(|s| s.to_string()).collect();
                known.extend(registry::sink_names());
                Err(ConfigError::new(
                    key,
                    format!(
                        "{text:?}: unknown scheme {scheme:?} (known: {})",
                        known.join(", ")
                    ),
                ))
            }
        },
    }
}

/// Opens `path` as every hooklog log file is opened (see [`hooklog::LogFile`]).
fn open_append(path: &str) -> Result<hooklog::LogFile, String> {
    hooklog::LogFile::open(path).map_err(|e| format!("cannot open {e}"))
}

#[cfg(feature = "syslog")]
fn syslog(url: &OutputUrl) -> Result<Sink, String> {
    use hooklog_syslog::{Facility, Framing, SyslogFormat, SyslogHook, Transport};
    url.only(&["facility", "app_name", "format", "framing"])?;
    let transport = match url.scheme.as_str() {
        "syslog+udp" => Transport::Udp(url.target.clone()),
        "syslog+tcp" => Transport::Tcp(
            url.target.clone(),
            match url.query.get("framing").map(String::as_str) {
                None | Some("octet") => Framing::OctetCounting,
                Some("lf") => Framing::NewLine,
                Some(other) => return Err(format!("framing={other:?}: expected octet or lf")),
            },
        ),
        _ => Transport::Unix(url.target.clone().into()),
    };
    let mut builder = SyslogHook::builder().transport(transport);
    if let Some(name) = url.query.get("facility") {
        let facility = match name.as_str() {
            "kern" => Facility::Kern,
            "user" => Facility::User,
            "mail" => Facility::Mail,
            "daemon" => Facility::Daemon,
            "auth" => Facility::Auth,
            "syslog" => Facility::Syslog,
            "local0" => Facility::Local0,
            "local1" => Facility::Local1,
            "local2" => Facility::Local2,
            "local3" => Facility::Local3,
            "local4" => Facility::Local4,
            "local5" => Facility::Local5,
            "local6" => Facility::Local6,
            "local7" => Facility::Local7,
            other => {
                return Err(format!(
                    "facility={other:?}: expected kern, user, mail, daemon, auth, syslog or local0..local7"
                ));
            }
        };
        builder = builder.facility(facility);
    }
    if let Some(app) = url.query.get("app_name") {
        builder = builder.app_name(app.clone());
    }
    match url.query.get("format").map(String::as_str) {
        None | Some("rfc5424") => {}
        Some("rfc3164") => builder = builder.format(SyslogFormat::Rfc3164),
        Some(other) => return Err(format!("format={other:?}: expected rfc5424 or rfc3164")),
    }
    Ok(Sink::Hook(Box::new(
        builder.build().map_err(|e| e.to_string())?,
    )))
}

#[cfg(not(feature = "syslog"))]
fn syslog(_: &OutputUrl) -> Result<Sink, String> {
    Err("syslog outputs need hooklog-config's `syslog` feature".to_owned())
}

/// Writes every record to each out.
struct Tee(Vec<Box<dyn Write + Send>>);

impl Write for Tee {
    fn write(&mut self, record: &[u8]) -> io::Result<usize> {
        self.write_all(record)?;
        Ok(record.len())
    }

    /// Writes to every out, even after one fails; returns the first failure.
    fn write_all(&mut self, record: &[u8]) -> io::Result<()> {
        let mut first_error = None;
        for out in &mut self.0 {
            if let Err(e) = out.write_all(record) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut first_error = None;
        for out in &mut self.0 {
            if let Err(e) = out.flush() {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// A hook restricted to the configured levels.
struct ForLevels {
    levels: Vec<Level>,
    inner: Box<dyn Hook>,
}

impl Hook for ForLevels {
    fn levels(&self) -> &[Level] {
        &self.levels
    }

    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        self.inner.fire(entry)
    }

    fn flush(&self) -> Result<(), Error> {
        self.inner.flush()
    }
}
