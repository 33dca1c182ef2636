//! Any record encodes to a valid RFC 5424 line whose structured data parses back.

use std::sync::{Arc, Mutex};

use hooklog::{Entry, Error, Hook, Logger};
use hooklog_syslog::{SyslogHook, Transport};
use proptest::prelude::*;

/// Keeps what the syslog hook would send for each record.
struct Encoded(SyslogHook, Mutex<Vec<String>>);

impl Hook for Encoded {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        self.1.lock().unwrap().push(self.0.encode(entry));
        Ok(())
    }
}

/// SD-PARAMs: names and values.
type Params = Vec<(String, String)>;

/// Parses `[id name="value" ...]` with RFC 5424's escapes; returns the SD-ID, the pairs,
/// and what follows.
fn parse_sd(text: &str) -> Option<(String, Params, &str)> {
    let rest = text.strip_prefix('[')?;
    let (id, mut rest) = rest.split_once(' ')?;
    let mut pairs = Vec::new();
    loop {
        let (name, after) = rest.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            let (at, c) = chars.next()?;
            match c {
                '\\' => value.push(chars.next()?.1),
                '"' => break at,
                c => value.push(c),
            }
        };
        pairs.push((name.to_owned(), value));
        rest = &after[end + 1..];
        if let Some(tail) = rest.strip_prefix(']') {
            return Some((id.to_owned(), pairs, tail));
        }
        rest = rest.strip_prefix(' ')?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn records_encode_to_rfc5424_and_read_back(
        message in any::<String>(),
        pairs in prop::collection::btree_map(any::<String>(), any::<String>(), 1..6),
    ) {
        let hook = SyslogHook::builder()
            .transport(Transport::Udp("127.0.0.1:9".into()))
            .hostname("h")
            .app_name("a")
            .procid("1")
            .max_message_len(1 << 20)
            .build()
            .unwrap();
        let encoded = Arc::new(Encoded(hook, Mutex::default()));
        let logger = Logger::builder().out(std::io::sink()).hook(Arc::clone(&encoded)).build();
        let mut entry = logger.entry();
        for (k, v) in &pairs {
            entry = entry.with_field(k.clone(), v.clone());
        }
        entry.info(&message);
        let line = encoded.1.lock().unwrap().pop().unwrap();
        let parts: Vec<&str> = line.splitn(7, ' ').collect();
        prop_assert_eq!(parts.len(), 7);
        prop_assert_eq!(parts[0], "<14>1");
        prop_assert!(parts[1].parse::<jiff::Timestamp>().is_ok(), "{}", parts[1]);
        prop_assert_eq!(&parts[2..6], &["h", "a", "1", "-"]);
        let (id, decoded, rest) = parse_sd(parts[6]).unwrap_or_else(|| panic!("bad SD: {line}"));
        prop_assert_eq!(id, "hooklog@32473");
        let expected: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| {
                let mut name: String = k.chars().take(32).map(|c| match c {
                    '!'..='~' if !matches!(c, '=' | ']' | '"') => c,
                    _ => '_',
                }).collect();
                if name.is_empty() {
                    name.push('_');
                }
                (name, v.clone())
            })
            .collect();
        prop_assert_eq!(decoded, expected);
        prop_assert_eq!(rest, format!(" {message}"));
    }
}
