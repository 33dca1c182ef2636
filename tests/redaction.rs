//! Redaction: a secret planted anywhere in a record (the message, a field, text around it,
//! a nested JSON value or key, an error's causes, a card number as an integer) never
//! reaches the bytes of any output: text, JSON, ECS and GELF, written by the logger, by
//! hooks and by an asynchronous hook; and hooks see the record redacted.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use hooklog::{AsyncHook, Detector, JsonFormatter, Level, Logger, Redaction, Secret, Value};
use hooklog_test::CaptureHook;
use hooklog_writer::WriterHook;
use proptest::prelude::*;
use serde_json::json;

/// Bytes written by a hook, shared with the test.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A logger with `redaction` writing JSON to a `MemoryOut`, and hooks writing text, ECS
/// and GELF, one of them behind an `AsyncHook`, and one capturing the records.
struct Sinks {
    logger: Logger,
    out: hooklog::MemoryOut,
    written: [Shared; 4],
    capture: Arc<CaptureHook>,
}

fn sinks(redaction: Redaction) -> Sinks {
    let out = hooklog::MemoryOut::new();
    let written: [Shared; 4] = Default::default();
    let capture = Arc::new(CaptureHook::new());
    let logger = Logger::builder()
        .out(out.clone())
        .formatter(JsonFormatter::new())
        .level(Level::Trace)
        .redact(redaction)
        .hook(WriterHook::new(written[0].clone(), &Level::ALL).formatter(common::text()))
        .hook(
            WriterHook::new(written[1].clone(), &Level::ALL)
                .formatter(hooklog_ecs::EcsFormatter::new()),
        )
        .hook(
            WriterHook::new(written[2].clone(), &Level::ALL)
                .formatter(hooklog_gelf::GelfFormatter::new()),
        )
        .hook(AsyncHook::new(
            WriterHook::new(written[3].clone(), &Level::ALL).formatter(JsonFormatter::new()),
        ))
        .hook(capture.clone())
        .build();
    Sinks {
        logger,
        out,
        written,
        capture,
    }
}

impl Sinks {
    /// Every output's text, each named, once the asynchronous hook has caught up; and the
    /// captured records as their hooks saw them.
    fn outputs(&self) -> Vec<(&'static str, String)> {
        self.logger.flush().unwrap();
        let captured: Vec<String> = self
            .capture
            .entries()
            .iter()
            .map(|e| format!("{} {:?}", e.message(), e.fields()))
            .collect();
        vec![
            ("json out", common::output(&self.out)),
            ("text hook", self.written[0].text()),
            ("ecs hook", self.written[1].text()),
            ("gelf hook", self.written[2].text()),
            ("async json hook", self.written[3].text()),
            ("captured", captured.join("\n")),
        ]
    }
}

/// A secret, and the part of it that must not show anywhere (its written form needs no
/// escaping in any format).
#[derive(Clone, Debug)]
struct Planted {
    secret: String,
    needle: String,
}

fn base64url(min: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9_-]{{{min},24}}")).unwrap()
}

/// A card number of `len` digits that passes the Luhn check.
fn luhn_number(prefix: u64, len: usize) -> String {
    let mut digits: Vec<u32> = prefix
        .to_string()
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .collect();
    digits.resize(len - 1, 7);
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let d = d * 2;
                if d > 9 { d - 9 } else { d }
            } else {
                d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

fn secret() -> impl Strategy<Value = Planted> {
    prop_oneof![
        proptest::string::string_regex("[A-Za-z0-9]{12,30}")
            .unwrap()
            .prop_map(|token| Planted {
                secret: format!("Bearer {token}"),
                needle: token,
            }),
        (base64url(10), base64url(2), base64url(0)).prop_map(|(a, b, c)| {
            let jwt = format!("eyJ{a}.{b}.{c}");
            Planted {
                needle: jwt.clone(),
                secret: jwt,
            }
        }),
        proptest::string::string_regex("[A-Za-z0-9]{40,64}")
            .unwrap()
            .prop_map(|body| Planted {
                secret: format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----"),
                needle: body,
            }),
        (
            prop_oneof![Just("AKIA"), Just("ASIA")],
            proptest::string::string_regex("[A-Z0-9]{16}").unwrap()
        )
            .prop_map(|(kind, id)| {
                let key = format!("{kind}{id}");
                Planted {
                    needle: key.clone(),
                    secret: key,
                }
            }),
        (1u64..99_999, 13usize..=19, 0..3usize).prop_map(|(prefix, len, style)| {
            let number = luhn_number(prefix, len);
            let written = match style {
                0 => number.clone(),
                _ => {
                    let sep = if style == 1 { " " } else { "-" };
                    number
                        .as_bytes()
                        .chunks(4)
                        .map(|c| std::str::from_utf8(c).unwrap())
                        .collect::<Vec<_>>()
                        .join(sep)
                }
            };
            Planted {
                needle: written.clone(),
                secret: written,
            }
        }),
    ]
}

/// Where the secret goes.
#[derive(Clone, Copy, Debug)]
enum Place {
    Message,
    Field,
    FieldWithText,
    NestedJson,
    ErrorCause,
    /// Under a key a rule names, whatever the value.
    SensitiveKey(&'static str),
    /// Under a key a rule names, inside a JSON value.
    SensitiveJsonKey(&'static str),
}

fn place() -> impl Strategy<Value = Place> {
    let keys = prop_oneof![
        Just("password"),
        Just("db_Password"),
        Just("Authorization"),
        Just("refresh_token"),
        Just("cookie"),
        Just("Set-Cookie"),
    ];
    prop_oneof![
        Just(Place::Message),
        Just(Place::Field),
        Just(Place::FieldWithText),
        Just(Place::NestedJson),
        Just(Place::ErrorCause),
        keys.clone().prop_map(Place::SensitiveKey),
        keys.prop_map(Place::SensitiveJsonKey),
    ]
}

/// A cause whose message holds the secret.
#[derive(Debug)]
struct Wrapped(std::io::Error);

impl std::fmt::Display for Wrapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request failed")
    }
}

impl std::error::Error for Wrapped {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

fn plant(sinks: &Sinks, planted: &Planted, place: Place, benign: &[(String, String)]) {
    let secret = planted.secret.as_str();
    let mut entry = sinks.logger.entry();
    for (key, value) in benign {
        entry = entry.with_field(key.clone(), value.as_str());
    }
    let mut message = String::from("handled");
    match place {
        Place::Message => message = format!("login for {secret} refused"),
        Place::Field => entry = entry.with_field("credential", secret),
        Place::FieldWithText => {
            entry = entry.with_field("note", format!("was given {secret} today"))
        }
        Place::NestedJson => {
            entry = entry.with_field("request", json!({"headers": [{"value": secret}], "n": 1}));
        }
        Place::ErrorCause => {
            let err = Wrapped(std::io::Error::other(format!("upstream said {secret}")));
            entry = entry.with_error(&err);
        }
        Place::SensitiveKey(key) => entry = entry.with_field(key, secret),
        Place::SensitiveJsonKey(key) => {
            entry = entry.with_field("request", json!({"headers": {key: secret}}));
        }
    }
    entry.warn(message);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_planted_secret_reaches_no_output(
        planted in secret(),
        place in place(),
        benign in proptest::collection::vec(("[a-z]{1,8}", "[a-z ]{0,12}"), 0..4),
    ) {
        let sinks = sinks(Redaction::new());
        plant(&sinks, &planted, place, &benign);
        for (name, output) in sinks.outputs() {
            prop_assert!(!output.is_empty(), "{} wrote nothing", name);
            prop_assert!(
                !output.contains(&planted.needle),
                "{} holds {:?} ({:?}): {}", name, planted.needle, place, output
            );
        }
    }
}

#[test]
fn a_card_number_as_an_integer_is_redacted() {
    let sinks = sinks(Redaction::new());
    hooklog::info!(sinks.logger, "paid"; "pan" => 4_111_111_111_111_111u64, "order" => 1042);
    for (name, output) in sinks.outputs() {
        assert!(!output.contains("4111111111111111"), "{name}: {output}");
        assert!(output.contains("1042"), "{name}: {output}");
    }
}

#[test]
fn records_without_secrets_are_left_as_they_are() {
    let sinks = sinks(Redaction::new());
    hooklog::info!(sinks.logger, "request handled";
        "user" => "alice@example.com", "path" => "/api/v1/users/42", "status" => 200u64,
        "latency_ms" => 12.5, "order" => 4_111_111_111_111_112u64,
        "at" => "2026-12-05T10:00:00.123456789Z", "tokenizer" => "bert");
    let json: serde_json::Value = serde_json::from_str(&common::output(&sinks.out)).unwrap();
    assert_eq!(json["user"], "alice@example.com");
    assert_eq!(json["order"], 4_111_111_111_111_112u64, "fails Luhn");
    assert_eq!(json["at"], "2026-12-05T10:00:00.123456789Z");
    assert_eq!(
        json["tokenizer"], "[REDACTED]",
        "*token* matches it: the rule can be turned off"
    );
}

#[test]
fn rules_and_detectors_turn_off_one_by_one() {
    let redaction = Redaction::new()
        .without_key("*token*")
        .key("*secret*")
        .without_detector(Detector::CardNumber);
    assert_eq!(
        redaction.key_rules().collect::<Vec<_>>(),
        [
            "*password*",
            "authorization",
            "cookie",
            "set-cookie",
            "*secret*"
        ]
    );
    let sinks = sinks(redaction);
    hooklog::info!(sinks.logger, "card 4111 1111 1111 1111";
        "tokens_used" => 512u64, "client_secret" => "abc", "jwt" => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig");
    let json: serde_json::Value = serde_json::from_str(&common::output(&sinks.out)).unwrap();
    assert_eq!(json["msg"], "card 4111 1111 1111 1111");
    assert_eq!(json["tokens_used"], 512);
    assert_eq!(json["client_secret"], "[REDACTED]");
    assert_eq!(json["jwt"], "[REDACTED]");
    assert_eq!(
        Redaction::none().key_rules().count() + Redaction::none().detectors().count(),
        0
    );
}

#[test]
fn a_hook_sees_the_record_redacted_and_fields_it_adds_are_redacted_too() {
    let sinks = sinks(Redaction::new());
    let mut added = hooklog::Fields::new();
    added.insert("api_token", "t-123456789");
    let logger = Logger::builder()
        .out(sinks.out.clone())
        .formatter(JsonFormatter::new().disable_timestamp(true))
        .redact(Redaction::new())
        .hook(hooklog::DefaultFields::new(added))
        .hook(sinks.capture.clone())
        .build();
    logger.with_field("password", "hunter2").info("login");
    let seen = sinks.capture.last().unwrap();
    assert_eq!(
        seen.fields().get("password").and_then(Value::as_str),
        Some("[REDACTED]")
    );
    let line = common::output(&sinks.out);
    assert!(
        !line.contains("hunter2") && !line.contains("t-123456789"),
        "{line}"
    );
}

#[test]
fn a_secret_value_is_hidden_without_redaction() {
    let (logger, out) = common::capture(JsonFormatter::new().disable_timestamp(true));
    let key = Secret::new("sk-live-123456");
    hooklog::info!(logger, "calling"; "key" => &key);
    logger.with_field("also", key.clone()).info("again");
    let text = common::output(&out);
    assert!(!text.contains("sk-live"), "{text}");
    assert_eq!(text.matches("[REDACTED]").count(), 2);
    assert_eq!(format!("{key} {key:?}"), "[REDACTED] [REDACTED]");
    assert_eq!(*key.expose(), "sk-live-123456");
}
