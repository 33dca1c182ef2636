//! Output URLs: `stderr`, `stdout`, or `scheme://target?key=value&...`.

use std::collections::BTreeMap;

/// A parsed output URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputUrl {
    /// The scheme (`file`, `memory`, `rolling`, `syslog+udp`, ...), or `stderr`/`stdout`.
    pub scheme: String,
    /// Everything between `://` and `?`: a path for files (`file:///var/log/app.log` gives
    /// `/var/log/app.log`, `file://logs/app.log` the relative `logs/app.log`), a
    /// `host:port` for network schemes. Taken as written: `%` is not decoded, so strftime
    /// patterns pass through.
    pub target: String,
    /// The query parameters.
    pub query: BTreeMap<String, String>,
}

impl OutputUrl {
    /// Parses `url`.
    ///
    /// # Errors
    ///
    /// A message saying what was expected.
    pub fn parse(url: &str) -> Result<OutputUrl, String> {
        if matches!(url, "stderr" | "stdout") {
            return Ok(OutputUrl {
                scheme: url.to_owned(),
                target: String::new(),
                query: BTreeMap::new(),
            });
        }
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            format!("malformed URL {url:?}: expected `stderr`, `stdout` or `scheme://target`")
        })?;
        let valid_scheme = !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid_scheme {
            return Err(format!("malformed URL {url:?}: {scheme:?} is not a scheme"));
        }
        let (target, query_text) = rest.split_once('?').unwrap_or((rest, ""));
        if target.is_empty() {
            return Err(format!(
                "malformed URL {url:?}: nothing after `{scheme}://`"
            ));
        }
        let mut query = BTreeMap::new();
        for pair in query_text.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or_else(|| {
                format!("malformed URL {url:?}: query part {pair:?} is not `key=value`")
            })?;
            query.insert(key.to_owned(), value.to_owned());
        }
        Ok(OutputUrl {
            scheme: scheme.to_owned(),
            target: target.to_owned(),
            query,
        })
    }

    /// A query value parsed as a number.
    ///
    /// # Errors
    ///
    /// If present and not a number.
    pub fn number(&self, key: &str) -> Result<Option<u64>, String> {
        self.query
            .get(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("query {key}={v:?}: expected a whole number"))
            })
            .transpose()
    }

    /// Fails on query keys outside `known`.
    ///
    /// # Errors
    ///
    /// A message naming the first unknown key and the known ones.
    pub fn only(&self, known: &[&str]) -> Result<(), String> {
        match self.query.keys().find(|k| !known.contains(&k.as_str())) {
            Some(key) => Err(format!(
                "unknown query parameter {key:?} for {}:// (known: {})",
                self.scheme,
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms() {
        let url =
            OutputUrl::parse("memory:///var/log/app.log?max_bytes=1024&overflow=flush").unwrap();
        assert_eq!(url.scheme, "memory");
        assert_eq!(url.target, "/var/log/app.log");
        assert_eq!(url.number("max_bytes").unwrap(), Some(1024));
        assert_eq!(url.query["overflow"], "flush");
        let rolling = OutputUrl::parse("rolling://logs/app-%Y-%m-%d.log").unwrap();
        assert_eq!(rolling.target, "logs/app-%Y-%m-%d.log");
        assert_eq!(OutputUrl::parse("stderr").unwrap().scheme, "stderr");
        assert_eq!(
            OutputUrl::parse("syslog+udp://127.0.0.1:514")
                .unwrap()
                .scheme,
            "syslog+udp"
        );
    }

    #[test]
    fn rejects_malformed_urls() {
        for bad in [
            "file:/x",
            "stdErr",
            "://x",
            "1abc://x",
            "file://",
            "file:///x?flag",
            "a b://x",
        ] {
            assert!(OutputUrl::parse(bad).is_err(), "{bad}");
        }
        let url = OutputUrl::parse("file:///x?max_bytes=lots").unwrap();
        assert!(
            url.number("max_bytes")
                .unwrap_err()
                .contains("whole number")
        );
    }
}
