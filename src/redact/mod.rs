//! Redaction: secrets replaced by `[REDACTED]` in a record before any hook or formatter
//! sees it, by the key of a field or by what a value holds.

mod detect;

use std::str::FromStr;

use crate::entry::Entry;
use crate::error::Error;
use crate::fields::{DEFAULT_KEY_RULES, Fields, KeyMark};
use crate::value::{REDACTED, SharedStr, Value};

/// Which secrets a logger keeps out of its records: every formatter writes `[REDACTED]`
/// in their place, and no hook sees them.
///
/// - **By key**: a field whose key matches a rule, without regard to case, `*` standing
///   for any text. The rules to start with: `*password*`, `*token*`, `authorization`,
///   `cookie`, `set-cookie`. Keys inside JSON values are matched too.
/// - **By value**: a string holding a [`Detector`]'s secret (a bearer token, a JWT, a PEM
///   private key, an AWS access key id, a card number that passes the Luhn check) is
///   replaced whole; in the message only the secret is. An integer that is a card number
///   is replaced too, and so are strings inside JSON values and error chains.
///
/// Set it with [`LoggerBuilder::redact`](crate::LoggerBuilder::redact); each rule and
/// detector can be turned off. [`Secret`](crate::Secret) hides a value whatever the
/// logger does.
///
/// ```
/// use hooklog::{JsonFormatter, Logger, MemoryOut, Redaction};
///
/// let out = MemoryOut::new();
/// let logger = Logger::builder()
///     .out(out.clone())
///     .formatter(JsonFormatter::new().disable_timestamp(true))
///     .redact(Redaction::new().key("*secret*"))
///     .build();
/// hooklog::info!(logger, "login with Bearer abcdef0123456789";
///     "user" => "ana", "password" => "hunter2", "client_secret" => "s3cr3t");
/// assert_eq!(
///     out.contents(),
///     br#"{"level":"info","msg":"login with Bearer [REDACTED]","user":"ana","password":"[REDACTED]","client_secret":"[REDACTED]"}
/// "#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redaction {
    /// Which of the default key rules apply, a bit for each.
    default_keys: u8,
    /// Other key rules, in lower case.
    keys: Vec<String>,
    detectors: u8,
}

/// A kind of secret found by its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detector {
    /// `Bearer <token>` (any case), the token at least 8 bytes: the token.
    BearerToken,
    /// A JSON Web Token: `eyJ...`, three base64url parts joined by dots.
    Jwt,
    /// A PEM private key, from its `-----BEGIN ... PRIVATE KEY-----` line to its end line.
    PemPrivateKey,
    /// An AWS access key id: `AKIA` or `ASIA` and 16 upper-case letters or digits.
    AwsAccessKeyId,
    /// 13 to 19 digits, in groups split by single spaces or dashes, that pass the Luhn
    /// check.
    CardNumber,
}

impl Detector {
    /// Every detector.
    pub const ALL: [Detector; 5] = [
        Detector::BearerToken,
        Detector::Jwt,
        Detector::PemPrivateKey,
        Detector::AwsAccessKeyId,
        Detector::CardNumber,
    ];

    /// The detector's name in configuration: `bearer`, `jwt`, `pem`, `aws`, `card`.
    pub fn name(self) -> &'static str {
        match self {
            Detector::BearerToken => "bearer",
            Detector::Jwt => "jwt",
            Detector::PemPrivateKey => "pem",
            Detector::AwsAccessKeyId => "aws",
            Detector::CardNumber => "card",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Detector::BearerToken => detect::BEARER,
            Detector::Jwt => detect::JWT,
            Detector::PemPrivateKey => detect::PEM,
            Detector::AwsAccessKeyId => detect::AWS,
            Detector::CardNumber => detect::CARD,
        }
    }
}

impl FromStr for Detector {
    type Err = Error;

    /// A detector by its [name](Detector::name).
    fn from_str(name: &str) -> Result<Detector, Error> {
        Detector::ALL
            .into_iter()
            .find(|d| d.name() == name)
            .ok_or_else(|| {
                Error::new(format!(
                    "unknown detector {name:?}: expected bearer, jwt, pem, aws or card"
                ))
            })
    }
}

impl Default for Redaction {
    fn default() -> Redaction {
        Redaction::new()
    }
}

impl Redaction {
    /// The default key rules and every detector.
    pub fn new() -> Redaction {
        Redaction {
            default_keys: (1 << DEFAULT_KEY_RULES.len()) - 1,
            keys: Vec::new(),
            detectors: Detector::ALL.iter().fold(0, |bits, d| bits | d.bit()),
        }
    }

    /// No rule and no detector: add the ones wanted.
    pub fn none() -> Redaction {
        Redaction {
            default_keys: 0,
            keys: Vec::new(),
            detectors: 0,
        }
    }

    /// Adds a key rule (`api_key`, `*secret*`), matched without regard to case.
    pub fn key(mut self, pattern: &str) -> Redaction {
        let pattern = pattern.to_ascii_lowercase();
        match DEFAULT_KEY_RULES.iter().position(|rule| *rule == pattern) {
            Some(i) => self.default_keys |= 1 << i,
            None if !self.keys.contains(&pattern) => self.keys.push(pattern),
            None => {}
        }
        self
    }

    /// Removes a key rule, one of the defaults (`*token*`, say) included.
    pub fn without_key(mut self, pattern: &str) -> Redaction {
        let pattern = pattern.to_ascii_lowercase();
        if let Some(i) = DEFAULT_KEY_RULES.iter().position(|rule| *rule == pattern) {
            self.default_keys &= !(1 << i);
        }
        self.keys.retain(|rule| *rule != pattern);
        self
    }

    /// Turns `detector` on.
    pub fn detector(mut self, detector: Detector) -> Redaction {
        self.detectors |= detector.bit();
        self
    }

    /// Turns `detector` off.
    pub fn without_detector(mut self, detector: Detector) -> Redaction {
        self.detectors &= !detector.bit();
        self
    }

    /// The key rules in effect.
    pub fn key_rules(&self) -> impl Iterator<Item = &str> {
        let defaults = DEFAULT_KEY_RULES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.default_keys & (1 << i) != 0)
            .map(|(_, rule)| *rule);
        defaults.chain(self.keys.iter().map(String::as_str))
    }

    /// The detectors in effect.
    pub fn detectors(&self) -> impl Iterator<Item = Detector> + '_ {
        Detector::ALL
            .into_iter()
            .filter(|d| self.detectors & d.bit() != 0)
    }

    /// Replaces the secrets of `entry` (its message and fields) with `[REDACTED]`.
    ///
    /// The common case, nothing found, stays here: a key's mark says whether a default
    /// rule names it, and only text of 13 bytes or more, integers of 13 digits or more,
    /// JSON and errors are looked at further; finding and replacing is left to cold
    /// functions.
    #[inline]
    pub(crate) fn apply(&self, entry: &mut Entry) {
        if detect::may_hold(entry.message().as_bytes(), self.detectors) {
            self.redact_text(entry.message_mut());
        }
        self.apply_to_fields(entry.fields_mut());
    }

    /// Replaces the secrets of `fields`: after hooks fired, which may add or change
    /// fields but not the message.
    #[inline]
    pub(crate) fn apply_to_fields(&self, fields: &mut Fields) {
        let custom_keys = !self.keys.is_empty();
        for (key, mark, value) in fields.slots_mut() {
            if mark.sensitive & self.default_keys != 0
                || (custom_keys && self.custom_key_matches(key))
            {
                *value = redacted();
                continue;
            }
            match value {
                Value::Str(s) if detect::may_hold(s.as_bytes(), self.detectors) => {
                    self.redact_str(value)
                }
                Value::U64(v) if *v >= detect::SHORTEST_CARD => self.redact_value(value),
                Value::I64(v) if v.unsigned_abs() >= detect::SHORTEST_CARD => {
                    self.redact_value(value)
                }
                Value::Json(_) | Value::Error(_) => self.redact_value(value),
                _ => {}
            }
        }
    }

    /// Whether `key` matches one of the key rules that are not among the defaults.
    #[cold]
    fn custom_key_matches(&self, key: &str) -> bool {
        self.keys
            .iter()
            .any(|rule| glob(rule.as_bytes(), key.as_bytes()))
    }

    /// Whether the key of a JSON member matches a key rule.
    fn key_matches(&self, key: &str) -> bool {
        KeyMark::of(key).sensitive & self.default_keys != 0
            || (!self.keys.is_empty() && self.custom_key_matches(key))
    }

    /// Replaces a string value holding a secret.
    #[cold]
    fn redact_str(&self, value: &mut Value) {
        if let Value::Str(s) = value
            && detect::find(s, 0, self.detectors).is_some()
        {
            *value = redacted();
        }
    }

    /// Replaces a value other than a string that holds a secret, or the secrets inside it.
    #[cold]
    fn redact_value(&self, value: &mut Value) {
        let found = match value {
            Value::U64(v) => self.detectors & detect::CARD != 0 && detect::card_number(*v),
            Value::I64(v) => {
                self.detectors & detect::CARD != 0 && detect::card_number(v.unsigned_abs())
            }
            Value::Json(json) => {
                self.redact_json(json);
                false
            }
            Value::Error(chain) => {
                let mut text = chain.to_string();
                if detect::may_hold(text.as_bytes(), self.detectors)
                    && detect::find(&text, 0, self.detectors).is_some()
                {
                    self.redact_text(&mut text);
                    *value = Value::Str(SharedStr::from(text));
                }
                false
            }
            _ => false,
        };
        if found {
            *value = redacted();
        }
    }

    /// Replaces each secret in `text` with `[REDACTED]`, keeping the rest.
    #[cold]
    fn redact_text(&self, text: &mut String) {
        let mut from = 0;
        while let Some(found) = detect::find(text, from, self.detectors) {
            from = found.start + REDACTED.len();
            text.replace_range(found, REDACTED);
        }
    }

    /// Redacts inside a JSON value: members whose key matches a rule, strings holding a
    /// secret, integers that are card numbers.
    fn redact_json(&self, json: &mut serde_json::Value) {
        use serde_json::Value as Json;
        match json {
            Json::Object(members) => {
                for (key, member) in members.iter_mut() {
                    if self.key_matches(key) {
                        *member = Json::String(REDACTED.to_owned());
                    } else {
                        self.redact_json(member);
                    }
                }
            }
            Json::Array(items) => items.iter_mut().for_each(|item| self.redact_json(item)),
            Json::String(s)
                if detect::may_hold(s.as_bytes(), self.detectors)
                    && detect::find(s, 0, self.detectors).is_some() =>
            {
                *s = REDACTED.to_owned();
            }
            Json::Number(n)
                if self.detectors & detect::CARD != 0
                    && n.as_u64()
                        .or(n.as_i64().map(i64::unsigned_abs))
                        .is_some_and(detect::card_number) =>
            {
                *json = Json::String(REDACTED.to_owned());
            }
            _ => {}
        }
    }
}

fn redacted() -> Value {
    Value::Str(SharedStr::from_static(REDACTED))
}

/// Whether `text` matches `pattern` (lower case; `*` is any text), ignoring case.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.iter().position(|&b| b == b'*') {
        None => pattern.eq_ignore_ascii_case(text),
        Some(star) => {
            let (head, rest) = (&pattern[..star], &pattern[star + 1..]);
            text.len() >= head.len()
                && text[..head.len()].eq_ignore_ascii_case(head)
                && (head.len()..=text.len()).any(|at| glob(rest, &text[at..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::glob;
    use crate::fields::KeyMark;

    #[test]
    fn key_marks_name_the_default_rules_a_key_matches() {
        for (key, rules) in [
            ("password", 1),
            ("DB_PASSWORD_FILE", 1),
            ("x-auth-token", 2),
            ("Authorization", 4),
            ("COOKIE", 8),
            ("Set-Cookie", 16),
            ("cookies", 0),
            ("user", 0),
            ("latency_ms", 0),
            ("passwor", 0),
            ("tokens_used_password", 3),
        ] {
            assert_eq!(KeyMark::of(key).sensitive, rules, "{key}");
        }
    }

    #[test]
    fn globs_match_without_case() {
        for (pattern, text, expected) in [
            ("api_key", "API_KEY", true),
            ("api_key", "api_keys", false),
            ("*secret*", "client_SECRET_id", true),
            ("*secret", "secret", true),
            ("x-*-token", "X-Auth-Token", true),
            ("x-*-token", "x-token", false),
        ] {
            assert_eq!(
                glob(pattern.as_bytes(), text.as_bytes()),
                expected,
                "{pattern} {text}"
            );
        }
    }
}
