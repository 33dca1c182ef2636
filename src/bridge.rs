//! A bridge from the `log` facade (feature `log`): crates that log through `log` reach
//! hooklog's hooks and out.

use std::sync::{OnceLock, Weak};

use crate::entry::Caller;
use crate::error::Error;
use crate::level::Level;
use crate::logger::{Logger, Shared};
use crate::value::Value;

/// The logger `log` records go to, once a bridge is installed.
static BRIDGED: OnceLock<Weak<Shared>> = OnceLock::new();

/// Installs the global hooklog logger ([`crate::logger()`]) as `log`'s logger.
///
/// # Errors
///
/// If a `log` logger is already installed.
pub fn init() -> Result<(), Error> {
    init_with(crate::logger().clone())
}

/// Installs `logger` as `log`'s logger. Levels map both ways (`log`'s `Error` to `Error`
/// and so on; hooklog's `Panic` and `Fatal` to `log`'s `Error`); `log::max_level()`
/// follows the logger's level, now and on every [`Logger::set_level`], so a disabled
/// `log::debug!` costs what `log` makes it cost; key-values (`log`'s `kv`) become fields,
/// the target becomes the field `target`, and the file, line and module become the
/// caller; `log::logger().flush()` flushes the logger.
///
/// ```
/// use hooklog::{JsonFormatter, Level, Logger, MemoryOut};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder().out(out.clone()).level(Level::Info)
///     .formatter(JsonFormatter::new().disable_timestamp(true)).build();
/// hooklog::bridge::init_with(logger.clone()).unwrap();
/// log::info!(target: "db", user = "alice", attempt = 3; "connected");
/// log::debug!("not at Info");
/// assert_eq!(out.contents(), br#"{"level":"info","msg":"connected","user":"alice","attempt":3,"target":"db"}
/// "#);
/// logger.set_level(Level::Debug);
/// assert_eq!(log::max_level(), log::LevelFilter::Debug);
/// ```
///
/// # Errors
///
/// If a `log` logger is already installed.
pub fn init_with(logger: Logger) -> Result<(), Error> {
    let weak = logger.downgrade();
    let level = logger.level();
    log::set_boxed_logger(Box::new(Bridge { logger }))
        .map_err(|e| Error::new(format!("installing the log bridge: {e}")))?;
    let _ = BRIDGED.set(weak);
    log::set_max_level(filter(level));
    Ok(())
}

/// Keeps `log::max_level()` in step with the bridged logger's level.
pub(crate) fn level_changed(logger: &Logger, level: Level) {
    if BRIDGED
        .get()
        .and_then(Logger::upgrade)
        .is_some_and(|bridged| bridged == *logger)
    {
        log::set_max_level(filter(level));
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

/// The `log` filter that lets through what a hooklog logger at `level` logs.
pub fn filter(level: Level) -> log::LevelFilter {
    match level {
        Level::Panic | Level::Fatal | Level::Error => log::LevelFilter::Error,
        Level::Warn => log::LevelFilter::Warn,
        Level::Info => log::LevelFilter::Info,
        Level::Debug => log::LevelFilter::Debug,
        Level::Trace => log::LevelFilter::Trace,
    }
}

struct Bridge {
    logger: Logger,
}

impl log::Log for Bridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.logger.is_level_enabled(from_log(metadata.level()))
    }

    fn log(&self, record: &log::Record<'_>) {
        let level = from_log(record.level());
        if !self.logger.is_level_enabled(level) {
            return;
        }
        let mut data = crate::pool::take();
        let _ = record.key_values().visit(&mut Fields(&mut data.fields));
        data.fields.insert("target", record.target());
        let caller = record.file_static().map(|file| Caller {
            file,
            line: record.line().unwrap_or(0),
            module: record.module_path_static(),
        });
        self.logger.dispatch(data, level, *record.args(), caller);
    }

    fn flush(&self) {
        if let Err(e) = self.logger.flush() {
            crate::error::report(format_args!("flushing for log: {e}"));
        }
    }
}

/// Copies `log` key-values into fields, keeping numbers and booleans typed.
struct Fields<'a>(&'a mut crate::Fields);

impl<'kvs> log::kv::VisitSource<'kvs> for Fields<'_> {
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
            Value::from(v.to_owned())
        } else {
            Value::display(value)
        };
        self.0.insert(key.as_str().to_owned(), value);
        Ok(())
    }
}
