//! Path patterns: strftime directives in a path, rendered for a time and matched against
//! the files they produced; and sanitising data that becomes part of a path.

use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use jiff::fmt::strtime::BrokenDownTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::directive::{Token, tokenize};

/// A path with strftime directives (`logs/%Y-%m-%d/app.log`).
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    text: String,
    /// The directory above every rendered path: the leading components without `%`.
    base: PathBuf,
    /// The rest, split into literal text and directives, for matching files.
    tokens: Vec<Token>,
    time_zone: TimeZone,
}

impl Pattern {
    /// Parses and checks a pattern: UTF-8, no `..` component, and directives jiff knows.
    pub(crate) fn new(path: &Path, time_zone: TimeZone) -> Result<Pattern, String> {
        let text = path
            .to_str()
            .ok_or_else(|| format!("log path {path:?} is not UTF-8"))?
            .to_owned();
        if text.is_empty() || text.ends_with('/') {
            return Err(format!("log path {text:?} names no file"));
        }
        if path.components().any(|c| c == Component::ParentDir) {
            return Err(format!("log path {text:?} must not contain `..`"));
        }
        let mut base = PathBuf::new();
        let mut rest = Vec::new();
        for component in path.components() {
            let part = component.as_os_str().to_str().unwrap_or_default();
            if rest.is_empty() && !part.contains('%') {
                base.push(component);
            } else {
                rest.push(part);
            }
        }
        if rest.is_empty() {
            // No directives: the file itself is the only period.
            rest.push(
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default(),
            );
            base.pop();
        }
        let pattern = Pattern {
            tokens: tokenize(&rest.join("/")),
            text,
            base,
            time_zone,
        };
        pattern
            .render(SystemTime::UNIX_EPOCH)
            .map_err(|e| format!("log path {:?}: {e}", pattern.text))?;
        Ok(pattern)
    }

    /// The path for `time`.
    pub(crate) fn render(&self, time: SystemTime) -> Result<PathBuf, String> {
        let zoned = zoned(time, &self.time_zone);
        let mut out = String::with_capacity(self.text.len() + 16);
        BrokenDownTime::from(&zoned)
            .format(&self.text, &mut out)
            .map_err(|e| format!("invalid strftime pattern: {e}"))?;
        Ok(PathBuf::from(out))
    }

    /// The pattern as given.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The directory that holds every file the pattern renders.
    pub(crate) fn base(&self) -> &Path {
        &self.base
    }

    /// How many path components below `base` a rendered file has.
    pub(crate) fn depth(&self) -> usize {
        1 + self
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Literal(s) => Some(s.matches('/').count()),
                Token::Directive(_) => None,
            })
            .sum::<usize>()
    }

    /// Whether `relative` (a path below `base`, `/`-separated) could have been rendered
    /// by the pattern.
    pub(crate) fn matches(&self, relative: &str) -> bool {
        matches(&self.tokens, relative)
    }
}

fn zoned(time: SystemTime, time_zone: &TimeZone) -> Zoned {
    Timestamp::try_from(time)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(time_zone.clone())
}

/// Matches `text` against `tokens`: literals exactly, each directive with exactly what it
/// renders.
fn matches(tokens: &[Token], text: &str) -> bool {
    match tokens.split_first() {
        None => text.is_empty(),
        Some((Token::Literal(lit), rest)) => text
            .strip_prefix(lit.as_str())
            .is_some_and(|after| matches(rest, after)),
        Some((Token::Directive(field), rest)) => text
            .char_indices()
            .map(|(at, _)| at)
            .chain([text.len()])
            .skip(1)
            .take(field.max())
            .any(|end| field.accepts(&text[..end]) && matches(rest, &text[end..])),
    }
}

/// Makes `data` safe as one path component, for file and directory names that come from
/// requests or users: `/`, `\`, NUL, `%` and control characters become `_`; an empty
/// name, `.` and `..` become underscores; the result is at most 255 bytes. It can never
/// name a parent directory or a path outside the one it is placed in.
///
/// ```
/// use hooklog_file::sanitize_component;
///
/// assert_eq!(sanitize_component("../../etc/passwd"), ".._.._etc_passwd");
/// assert_eq!(sanitize_component(".."), "__");
/// assert_eq!(sanitize_component("api/v1/users"), "api_v1_users");
/// assert_eq!(sanitize_component("100%"), "100_");
/// ```
pub fn sanitize_component(data: &str) -> String {
    let mut name: String = data
        .chars()
        .map(|c| match c {
            '/' | '\\' | '\0' | '%' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    if name.len() > 255 {
        let mut end = 255;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    match name.as_str() {
        "" => "_".to_owned(),
        "." => "_".to_owned(),
        ".." => "__".to_owned(),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> Pattern {
        Pattern::new(Path::new(text), TimeZone::UTC).unwrap()
    }

    #[test]
    fn splits_the_static_base_from_the_dated_rest() {
        let p = pattern("logs/%Y-%m-%d/app.log");
        assert_eq!(p.base(), Path::new("logs"));
        assert_eq!(p.depth(), 2);
        assert!(p.matches("2026-11-22/app.log"));
        assert!(!p.matches("2026-11-22/other.log"));
        assert!(!p.matches("app.log"));

        let p = pattern("/var/log/app-%Y-%m-%d_%H.log");
        assert_eq!(p.base(), Path::new("/var/log"));
        assert_eq!(p.depth(), 1);
        assert!(p.matches("app-2026-11-22_07.log"));
        assert!(!p.matches("app-2026-11-22_07.log.1"));

        let p = pattern("plain.log");
        assert_eq!(p.base(), Path::new(""));
        assert!(p.matches("plain.log"));
    }

    #[test]
    fn renders_in_the_time_zone() {
        let p = pattern("logs/%Y/%m/%d/%H%M%S-%%.log");
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_312_800);
        assert_eq!(
            p.render(t).unwrap(),
            PathBuf::from("logs/2026/11/22/020000-%.log")
        );
    }

    #[test]
    fn rejects_bad_patterns() {
        for bad in ["logs/../app.log", "logs/%Q%!x.log", "logs/", ""] {
            assert!(
                Pattern::new(Path::new(bad), TimeZone::UTC).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn sanitised_components_never_escape() {
        for nasty in [
            "..",
            ".",
            "",
            "../x",
            "a/../../b",
            "\0",
            "x\\..\\y",
            "/etc/passwd",
            "%Y",
        ] {
            let name = sanitize_component(nasty);
            let joined = Path::new("base").join(&name);
            assert_eq!(joined.components().count(), 2, "{nasty:?} -> {name:?}");
            assert!(
                joined
                    .components()
                    .all(|c| matches!(c, Component::Normal(_))),
                "{nasty:?} -> {name:?}"
            );
        }
        assert_eq!(sanitize_component(&"é".repeat(200)).len(), 254);
    }
}
