//! A bridge from the `log` facade (feature `log`): crates that log through `log` reach
//! hooklog's hooks and out.

use std::sync::OnceLock;

use crate::caller::Caller;
use crate::error::Error;
use crate::fields::Fields;
use crate::level::Level;
use crate::logger::{self, Logger, write_message};
use crate::value::{SharedStr, Value};

/// The logger `log` records go to, once a bridge is installed.
static BRIDGED: OnceLock<Bridged> = OnceLock::new();

enum Bridged {
    /// Whatever logger is the global one when a record arrives.
    Global,
    /// One logger.
    Logger(Logger),
}

/// Installs the global hooklog logger as `log`'s logger: records go to whatever logger is
/// the global one when they are logged ([`crate::logger()`], changed by
/// [`set_global`](crate::set_global)). [`crate::init`] calls it.
///
/// # Errors
///
/// If a `log` logger is already installed.
pub fn init() -> Result<(), Error> {
    install(Bridge { logger: None }, Bridged::Global, crate::logger())
}

/// Installs `logger` as `log`'s logger. Levels map both ways (`log`'s `Error` to `Error`
/// and so on; hooklog's `Panic` and `Fatal` to `log`'s `Error`); `log::max_level()`
/// follows the logger's filter (the most verbose level any target keeps), now and on
/// every [`Logger::set_level`] and [`Logger::set_filter`], so a disabled `log::debug!`
/// costs what `log` makes it cost; the filter keeps or drops each record by its `log`
/// target, which becomes the record's [`target`](crate::Entry::target); key-values
/// (`log`'s `kv`) become fields, and the file, line and module become the caller;
/// `log::logger().flush()` flushes the logger.
///
/// ```
/// use hooklog::{JsonFormatter, Level, Logger, MemoryOut};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).filter("info,noisy=warn".parse().unwrap())
///     .formatter(JsonFormatter::new().disable_timestamp(true).report_target(true)).build();
/// hooklog::bridge::init_with(logger.clone()).unwrap();
/// log::info!(target: "db", user = "alice", attempt = 3; "connected");
/// log::info!(target: "noisy::dep", "dropped: noisy keeps warnings and worse");
/// log::debug!("not at Info");
/// assert_eq!(out.contents(), br#"{"level":"info","msg":"connected","target":"db","user":"alice","attempt":3}
/// "#);
/// logger.set_level(Level::Debug);
/// assert_eq!(log::max_level(), log::LevelFilter::Debug);
/// ```
///
/// # Errors
///
/// If a `log` logger is already installed.
pub fn init_with(logger: Logger) -> Result<(), Error> {
    let bridged = Bridged::Logger(logger.clone());
    let handle = logger.clone();
    install(
        Bridge {
            logger: Some(logger),
        },
        bridged,
        &handle,
    )
}

/// Installs `bridge` as `log`'s logger, remembers what it bridges, and sets `log`'s level
/// from `logger`'s filter.
fn install(bridge: Bridge, bridged: Bridged, logger: &Logger) -> Result<(), Error> {
    log::set_boxed_logger(Box::new(bridge))
        .map_err(|e| Error::new(format!("installing the log bridge: {e}")))?;
    let _ = BRIDGED.set(bridged);
    logger::listen_to_filters(filter_changed);
    log::set_max_level(to_level_filter(logger.filter().ceiling()));
    Ok(())
}

/// Keeps `log::max_level()` in step with the bridged logger's filter: told that `logger`
/// now keeps at most `ceiling`, or became the global logger.
fn filter_changed(logger: &Logger, ceiling: Option<Level>) {
    let bridged = match BRIDGED.get() {
        Some(Bridged::Global) => crate::logger() == logger,
        Some(Bridged::Logger(bridged)) => bridged == logger,
        None => false,
    };
    if bridged {
        log::set_max_level(to_level_filter(ceiling));
    }
}

/// The hooklog level of a `log` level.
pub fn from_log(level: log::Level) -> Level {
    match level {
        log::Level::Error => Level::Error,
        log::Level::Warn => Level::Warn,
        log::Level::Info => Level::Info,
        log::Level::Debug => Level::Debug,
        log::Level::Trace => Level::Trace,
    }
}

/// The `log` level filter that lets through what a hooklog logger keeping at most `level`
/// (`None`: nothing) logs.
pub fn to_level_filter(level: Option<Level>) -> log::LevelFilter {
    match level {
        None => log::LevelFilter::Off,
        Some(Level::Panic | Level::Fatal | Level::Error) => log::LevelFilter::Error,
        Some(Level::Warn) => log::LevelFilter::Warn,
        Some(Level::Info) => log::LevelFilter::Info,
        Some(Level::Debug) => log::LevelFilter::Debug,
        Some(Level::Trace) => log::LevelFilter::Trace,
    }
}

struct Bridge {
    /// The logger; `None` for the global one.
    logger: Option<Logger>,
}

impl Bridge {
    fn logger(&self) -> &Logger {
        self.logger.as_ref().unwrap_or_else(|| crate::logger())
    }
}

impl log::Log for Bridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.logger()
            .is_enabled_for(from_log(metadata.level()), metadata.target())
    }

    fn log(&self, record: &log::Record<'_>) {
        let target = Target {
            text: record.target(),
            module: record.module_path_static(),
        };
        let Some(mut built) = self.logger().build_record(from_log(record.level()), target) else {
            return;
        };
        let _ = record
            .key_values()
            .visit(&mut KeyValues(built.fields_mut()));
        write_message(built.message_mut(), *record.args());
        if let Some(file) = record.file_static() {
            let line = record.line().unwrap_or(0);
            built = built.caller(Caller::at(file, line, record.module_path_static()));
        }
        built.log();
    }

    fn flush(&self) {
        if let Err(e) = self.logger().flush() {
            crate::error::report(format_args!("flushing for log: {e}"));
        }
    }
}

/// A `log` record's target: usually its module path, which is kept without a copy; any
/// other text is copied, once the filter has kept the record.
struct Target<'a> {
    text: &'a str,
    module: Option<&'static str>,
}

impl AsRef<str> for Target<'_> {
    fn as_ref(&self) -> &str {
        self.text
    }
}

impl From<Target<'_>> for SharedStr {
    fn from(target: Target<'_>) -> SharedStr {
        match target.module {
            Some(module) if module == target.text => SharedStr::from_static(module),
            _ => SharedStr::copy_of(target.text),
        }
    }
}

/// Copies `log` key-values into fields, keeping numbers and booleans typed.
struct KeyValues<'a>(&'a mut Fields);

impl<'kvs> log::kv::VisitSource<'kvs> for KeyValues<'_> {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        let value = if let Some(v) = value.to_bool() {
            Value::Bool(v)
        } else if let Some(v) = value.to_i64() {
            Value::I64(v)
        } else if let Some(v) = value.to_u64() {
            Value::U64(v)
        } else if let Some(v) = value.to_f64() {
            Value::F64(v)
        } else if let Some(v) = value.to_borrowed_str() {
            Value::from(v)
        } else {
            Value::display(value)
        };
        self.0.insert(SharedStr::copy_of(key.as_str()), value);
        Ok(())
    }
}
