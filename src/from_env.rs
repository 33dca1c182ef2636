//! Setting the global logger up from the environment, as `env_logger` does, with the `log`
//! bridge when that feature is on.

use crate::error::Error;
use crate::filter::Filter;
use crate::formatter::JsonFormatter;
use crate::logger::global::logger;

/// Configures the global logger from the environment, as `env_logger::init` does; panics
/// with the reason if the environment is wrong. See [`try_init`].
///
/// # Panics
///
/// If [`try_init`] fails.
pub fn init() {
    if let Err(e) = try_init() {
        panic!("hooklog::init: {e}");
    }
}

/// Configures the global logger from the environment: its filter from `HOOKLOG_LOG`, or
/// `RUST_LOG` when that is unset (directives as [`Filter`] reads them; `info` when neither
/// is set), and its format from `HOOKLOG_FORMAT` (`text`, the default, or `json`). With
/// the `log` feature it also installs the `log` bridge on the global logger, so crates
/// that log through `log` reach it, filtered by their targets.
///
/// ```no_run
/// // HOOKLOG_LOG="info,hyper=warn,my_app::db=trace" HOOKLOG_FORMAT=json ./my_app
/// hooklog::try_init()?;
/// hooklog::info!("started");
/// # Ok::<(), hooklog::Error>(())
/// ```
///
/// # Errors
///
/// A variable that does not parse (the error names it, and the directive), or, with the
/// `log` feature, a `log` logger already installed.
pub fn try_init() -> Result<(), Error> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let (filter, source) = match (var("HOOKLOG_LOG"), var("RUST_LOG")) {
        (Some(text), _) => (Some(text), "HOOKLOG_LOG"),
        (None, Some(text)) => (Some(text), "RUST_LOG"),
        (None, None) => (None, ""),
    };
    let filter = match filter {
        Some(text) => text
            .parse::<Filter>()
            .map_err(|e| Error::new(format!("{source}={text:?}: {e}")))?,
        None => Filter::default(),
    };
    let json = match var("HOOKLOG_FORMAT").as_deref().map(str::trim) {
        None => false,
        Some(f) if f.eq_ignore_ascii_case("text") => false,
        Some(f) if f.eq_ignore_ascii_case("json") => true,
        Some(other) => {
            return Err(Error::new(format!(
                "HOOKLOG_FORMAT={other:?}: expected text or json"
            )));
        }
    };
    let logger = logger();
    if json {
        logger.set_formatter(JsonFormatter::new());
    }
    logger.set_filter(filter);
    #[cfg(feature = "log")]
    crate::bridge::init()?;
    Ok(())
}
