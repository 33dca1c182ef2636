//! Registries of output schemes and format names, like zap's `RegisterSink` and
//! `RegisterEncoder`: register once at start-up, then use the name from configuration.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, LazyLock, RwLock};

use hooklog::{Error, Formatter, Hook};

use crate::url::OutputUrl;

/// What an output URL opens: an out (a writer that takes whole records) or a hook (a
/// destination that takes entries, like syslog).
pub enum Sink {
    /// A writer; as a logger's out it receives formatted records, one `write_all` each.
    Out(Box<dyn Write + Send>),
    /// A hook; it formats (or not) by itself.
    Hook(Box<dyn Hook>),
}

type SinkFactory = dyn Fn(&OutputUrl) -> Result<Sink, Error> + Send + Sync;
type FormatFactory = dyn Fn(&serde_json::Value) -> Result<Box<dyn Formatter>, Error> + Send + Sync;

static SINKS: LazyLock<RwLock<HashMap<String, Arc<SinkFactory>>>> = LazyLock::new(Default::default);
static FORMATS: LazyLock<RwLock<HashMap<String, Arc<FormatFactory>>>> =
    LazyLock::new(Default::default);

/// Makes `scheme://...` output URLs open through `factory`, which gets the parsed URL.
/// Registering a scheme again replaces it; the built-in schemes cannot be replaced.
///
/// ```
/// use hooklog::MemoryOut;
/// use hooklog_config::{Config, Sink, register_sink};
///
/// register_sink("capture", |url| {
///     let _name = &url.target;
///     Ok(Sink::Out(Box::new(MemoryOut::new())))
/// })?;
/// let logger = Config::from_toml_str(r#"outputs = ["capture://audit"]"#)?.build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// If `scheme` is built in or not a valid scheme.
pub fn register_sink(
    scheme: &str,
    factory: impl Fn(&OutputUrl) -> Result<Sink, Error> + Send + Sync + 'static,
) -> Result<(), Error> {
    if crate::BUILT_IN_SCHEMES.contains(&scheme) {
        return Err(Error::new(format!("{scheme:?} is a built-in scheme")));
    }
    OutputUrl::parse(&format!("{scheme}://x")).map_err(Error::new)?;
    SINKS
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(scheme.to_owned(), Arc::new(factory));
    Ok(())
}

/// Makes the format name `name` build its formatter through `factory`, which gets the
/// `format_options` of the configuration (an empty object when absent).
///
/// # Errors
///
/// If `name` is `text` or `json`.
pub fn register_format(
    name: &str,
    factory: impl Fn(&serde_json::Value) -> Result<Box<dyn Formatter>, Error> + Send + Sync + 'static,
) -> Result<(), Error> {
    if matches!(name, "text" | "json") {
        return Err(Error::new(format!("{name:?} is a built-in format")));
    }
    FORMATS
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(name.to_owned(), Arc::new(factory));
    Ok(())
}

pub(crate) fn sink(scheme: &str) -> Option<Arc<SinkFactory>> {
    SINKS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(scheme)
        .cloned()
}

pub(crate) fn format(name: &str) -> Option<Arc<FormatFactory>> {
    FORMATS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(name)
        .cloned()
}

pub(crate) fn sink_names() -> Vec<String> {
    sorted_keys(&SINKS)
}

pub(crate) fn format_names() -> Vec<String> {
    sorted_keys(&FORMATS)
}

/// The registered names, sorted.
fn sorted_keys<T>(registry: &RwLock<HashMap<String, T>>) -> Vec<String> {
    let mut names: Vec<String> = registry
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}
