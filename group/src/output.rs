//! `OutputSpec`: how and when an output of a group logger is built, started and closed.

use std::fmt;
use std::sync::Arc;

use hooklog::{Error, Hook};

use crate::params::Params;

/// When an output is built (corejs's `buildTrigger`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Build {
    /// Once, when the factory is built; every group shares it (`init`): a daily file.
    #[default]
    Shared,
    /// Anew for each group (`create`): one file per request.
    PerGroup,
}

/// Whether the group drives a lifecycle step of an output (corejs's `startTrigger` and
/// `closeTrigger`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lifecycle {
    /// The group does it (`normal`): at start the output begins to receive the group's
    /// records; at close it is flushed, and a per-group output is closed.
    #[default]
    Group,
    /// The output manages itself (`none`): it receives records from creation, and the
    /// group's close neither flushes nor closes it.
    Own,
}

type BuildFn = dyn Fn(&Params) -> Result<Arc<dyn Hook>, Error> + Send + Sync;

/// One output of a [`GroupFactory`](crate::GroupFactory): a name, when it is built,
/// how its lifecycle runs, its own params, and the function that builds it (any
/// [`Hook`]: a `FileHook`, a `WriterHook`, an `AsyncHook` around a network hook) from
/// the merged params.
///
/// ```
/// use hooklog_group::{Build, OutputSpec};
/// use hooklog_file::{FileHook, RollingWriter};
///
/// let per_request = OutputSpec::new("request", |params| {
///     let path = format!("{}/{}.log", params.get("dir").unwrap_or("logs"), params.component("request_id"));
///     Ok(FileHook::new(RollingWriter::builder(path).build()?))
/// })
/// .build(Build::PerGroup)
/// .param("dir", "logs/requests");
/// ```
#[derive(Clone)]
pub struct OutputSpec {
    pub(crate) name: String,
    pub(crate) build: Build,
    pub(crate) start: Lifecycle,
    pub(crate) close: Lifecycle,
    pub(crate) params: Params,
    pub(crate) builder: Arc<BuildFn>,
}

impl OutputSpec {
    /// An output named `name`, built by `builder` from the merged params; shared by
    /// default, with its lifecycle driven by the group.
    pub fn new<H: Hook>(
        name: impl Into<String>,
        builder: impl Fn(&Params) -> Result<H, Error> + Send + Sync + 'static,
    ) -> OutputSpec {
        OutputSpec {
            name: name.into(),
            build: Build::Shared,
            start: Lifecycle::Group,
            close: Lifecycle::Group,
            params: Params::new(),
            builder: Arc::new(move |params| builder(params).map(|h| Arc::new(h) as Arc<dyn Hook>)),
        }
    }

    /// When it is built.
    #[must_use]
    pub fn build(mut self, build: Build) -> OutputSpec {
        self.build = build;
        self
    }

    /// Who starts it.
    #[must_use]
    pub fn start(mut self, start: Lifecycle) -> OutputSpec {
        self.start = start;
        self
    }

    /// Who closes it.
    #[must_use]
    pub fn close(mut self, close: Lifecycle) -> OutputSpec {
        self.close = close;
        self
    }

    /// Sets one of its own params (the highest priority in the merge).
    #[must_use]
    pub fn param(mut self, key: impl Into<String>, value: impl fmt::Display) -> OutputSpec {
        self.params.insert(key, value);
        self
    }
}

impl fmt::Debug for OutputSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutputSpec")
            .field("name", &self.name)
            .field("build", &self.build)
            .field("start", &self.start)
            .field("close", &self.close)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}
