//! `Filter`: levels per target, from env_logger / tracing style directives.

use std::fmt;
use std::str::FromStr;

use crate::level::Level;

/// Which records a logger keeps, by target: a default level and levels for targets and
/// their children, written as env_logger and tracing write them.
///
/// `"info,hyper=warn,my_app::db=trace,noisy=off"`: a bare level is the default for every
/// target no directive names; `target=level` applies to that target and its `::`
/// children (`my_app::db` covers `my_app::db::pool`, not `my_app::dbx`); the longest
/// matching target wins; `off` keeps nothing. Without a bare level, targets no directive
/// names keep nothing, as with env_logger. Level names are any that [`Level`] parses, and
/// `off`, in any case. Unlike env_logger, a target alone (`hyper`) is refused rather than
/// read as `hyper=trace`, so a mistyped level (`verbos`) is an error, not a silent
/// filter; write `hyper=trace`.
///
/// A record's target is the module of the macro call that logged it (or what its
/// `target: "..."` says), the `log` record's target in the `log` bridge, and the event's
/// target in the `tracing` bridge. Records logged through methods (`logger.info(..)`,
/// entries) have no target: the default decides for them.
///
/// ```
/// use hooklog::{Filter, Level};
///
/// let filter: Filter = "info,hyper=warn,my_app::db=trace,noisy=off".parse().unwrap();
/// assert!(filter.enabled(Level::Info, "my_app"));
/// assert!(!filter.enabled(Level::Info, "hyper::client"));
/// assert!(filter.enabled(Level::Trace, "my_app::db::pool"));
/// assert!(!filter.enabled(Level::Error, "noisy"));
/// assert_eq!(filter.to_string(), "info,my_app::db=trace,hyper=warning,noisy=off");
///
/// let err = "info,hyper=loud".parse::<Filter>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid filter directive "hyper=loud": "loud" is not a level (expected off, panic, fatal, error, warn or warning, info, debug or trace)"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// For targets no directive names: the most verbose level kept, `None` for off.
    default: Option<Level>,
    /// Targets and their levels, longest target first (the first match wins).
    targets: Vec<(String, Option<Level>)>,
}

impl Filter {
    /// Keeps records at `level` and above from every target.
    pub fn new(level: Level) -> Filter {
        Filter {
            default: Some(level),
            targets: Vec::new(),
        }
    }

    /// Keeps nothing, until directives say otherwise.
    pub fn off() -> Filter {
        Filter {
            default: None,
            targets: Vec::new(),
        }
    }

    /// Adds (or replaces) the level for `target` and its `::` children; `None` keeps
    /// nothing from them.
    #[must_use]
    pub fn target(mut self, target: impl Into<String>, level: Option<Level>) -> Filter {
        let target = target.into();
        self.targets.retain(|(t, _)| *t != target);
        let at = self
            .targets
            .iter()
            .position(|(t, _)| t.len() < target.len())
            .unwrap_or(self.targets.len());
        self.targets.insert(at, (target, level));
        self
    }

    /// Sets the level for targets no directive names (`None`: off).
    #[must_use]
    pub fn with_default(mut self, level: Option<Level>) -> Filter {
        self.default = level;
        self
    }

    /// The level for targets no directive names (`None`: off).
    pub fn default_level(&self) -> Option<Level> {
        self.default
    }

    /// The most verbose level kept from `target` (`None`: nothing is).
    pub fn level_for(&self, target: &str) -> Option<Level> {
        self.targets
            .iter()
            .find(|(t, _)| covers(t, target))
            .map_or(self.default, |&(_, level)| level)
    }

    /// Whether a record at `level` from `target` is kept.
    pub fn enabled(&self, level: Level, target: &str) -> bool {
        self.level_for(target).is_some_and(|max| level <= max)
    }

    /// The most verbose level kept from any target.
    pub fn ceiling(&self) -> Option<Level> {
        self.targets
            .iter()
            .map(|&(_, level)| level)
            .chain([self.default])
            .max_by_key(|level| level.map_or(-1, |l| l as i8))
            .flatten()
    }

    /// Whether some target has a level of its own.
    pub fn has_targets(&self) -> bool {
        !self.targets.is_empty()
    }
}

impl Default for Filter {
    /// Keeps `Info` and above from every target.
    fn default() -> Filter {
        Filter::new(Level::Info)
    }
}

/// Whether the directive for `directive` covers `target`: the same, or a `::` child.
fn covers(directive: &str, target: &str) -> bool {
    target
        .strip_prefix(directive)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

impl FromStr for Filter {
    type Err = ParseFilterError;

    fn from_str(text: &str) -> Result<Filter, ParseFilterError> {
        let mut filter = Filter::off();
        for directive in text.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            let error = |why: String| ParseFilterError {
                directive: directive.to_owned(),
                why,
            };
            let level = |name: &str| -> Result<Option<Level>, ParseFilterError> {
                if name.eq_ignore_ascii_case("off") {
                    return Ok(None);
                }
                name.parse::<Level>().map(Some).map_err(|_| {
                    error(format!(
                        "{name:?} is not a level (expected off, panic, fatal, error, warn or warning, info, debug or trace)"
                    ))
                })
            };
            match directive.split_once('=') {
                Some((target, name)) => {
                    let target = target.trim();
                    check_target(target).map_err(error)?;
                    filter = filter.target(target, level(name.trim())?);
                }
                None => filter.default = level(directive)?,
            }
        }
        Ok(filter)
    }
}

/// Whether `target` can name a target: a module path (or any name) without the parts of
/// tracing's filter syntax hooklog does not take.
fn check_target(target: &str) -> Result<(), String> {
    if target.is_empty() {
        return Err("no target before `=`".into());
    }
    match target.find(['[', ']', '{', '}', '/', '=', ' ']) {
        Some(at) => Err(format!(
            "{:?} in a target: hooklog filters take `target=level` directives only (no span, field or regex filters)",
            &target[at..=at]
        )),
        None => Ok(()),
    }
}

impl fmt::Display for Filter {
    /// The directives, default first: parsing the text gives the same filter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |level: Option<Level>| level.map_or("off", Level::as_str);
        let mut sep = "";
        if self.default.is_some() || self.targets.is_empty() {
            f.write_str(name(self.default))?;
            sep = ",";
        }
        for (target, level) in &self.targets {
            write!(f, "{sep}{target}={}", name(*level))?;
            sep = ",";
        }
        Ok(())
    }
}

/// A filter that does not parse: which directive, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFilterError {
    directive: String,
    why: String,
}

impl fmt::Display for ParseFilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid filter directive {:?}: {}",
            self.directive, self.why
        )
    }
}

impl std::error::Error for ParseFilterError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_matching_target_wins_and_children_inherit() {
        let filter: Filter = "warn,a=info,a::b=trace,a::b::c=off".parse().unwrap();
        assert_eq!(filter.level_for("a"), Some(Level::Info));
        assert_eq!(filter.level_for("a::x"), Some(Level::Info));
        assert_eq!(filter.level_for("a::b::d"), Some(Level::Trace));
        assert_eq!(filter.level_for("a::b::c::e"), None);
        assert_eq!(filter.level_for("ab"), Some(Level::Warn));
        assert_eq!(filter.level_for(""), Some(Level::Warn));
        assert_eq!(filter.ceiling(), Some(Level::Trace));
    }

    #[test]
    fn directives_parse_as_env_logger_reads_them() {
        let only: Filter = "hyper=warn".parse().unwrap();
        assert_eq!(only.level_for("my_app"), None);
        let all: Filter = "hyper=trace".parse().unwrap();
        assert_eq!(all.level_for("hyper::proto"), Some(Level::Trace));
        let cased: Filter = " INFO , Hyper = Warning ,,".parse().unwrap();
        assert_eq!(cased.level_for("x"), Some(Level::Info));
        assert_eq!(cased.level_for("Hyper"), Some(Level::Warn));
        assert_eq!("".parse::<Filter>().unwrap(), Filter::off());
        for text in ["info", "off", "warn,a=trace,a::b=off", "a=debug"] {
            let filter: Filter = text.parse().unwrap();
            assert_eq!(
                filter.to_string().parse::<Filter>().unwrap(),
                filter,
                "{text}"
            );
        }
    }

    #[test]
    fn bad_directives_are_named() {
        for (text, message) in [
            (
                "info,=warn",
                r#"invalid filter directive "=warn": no target before `=`"#,
            ),
            (
                "verbos",
                r#"invalid filter directive "verbos": "verbos" is not a level (expected off, panic, fatal, error, warn or warning, info, debug or trace)"#,
            ),
            (
                "a[span]=info",
                r#"invalid filter directive "a[span]=info": "[" in a target: hooklog filters take `target=level` directives only (no span, field or regex filters)"#,
            ),
            (
                "info,a=verbose",
                r#"invalid filter directive "a=verbose": "verbose" is not a level (expected off, panic, fatal, error, warn or warning, info, debug or trace)"#,
            ),
        ] {
            assert_eq!(text.parse::<Filter>().unwrap_err().to_string(), message);
        }
    }
}
