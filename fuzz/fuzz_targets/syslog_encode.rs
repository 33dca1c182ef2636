//! The syslog encoder makes a well-formed RFC 5424 header for any record, keeps within
//! the length limit at a character boundary, and escapes structured data, which stays
//! whole however much must be cut (a finding of this target: it once cut the data too).
#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use hooklog::Logger;
use hooklog_syslog::{SyslogHook, Transport};
use libfuzzer_sys::fuzz_target;

static HOOK: LazyLock<SyslogHook> = LazyLock::new(|| {
    SyslogHook::builder()
        .transport(Transport::Udp("127.0.0.1:9".into()))
        .hostname("fuzz")
        .app_name("fuzz")
        .max_message_len(512)
        .build()
        .expect("a UDP hook")
});

#[derive(Arbitrary, Debug)]
struct Record {
    fields: Vec<(String, String)>,
}

fuzz_target!(|record: Record| {
    let logger = Logger::builder().out(std::io::sink()).build();
    let mut entry = logger.entry();
    for (key, value) in &record.fields {
        entry.fields_mut().insert(key.clone(), value.clone());
    }
    let message = HOOK.encode(&entry);
    assert!(message.len() <= 512);
    assert!(message.starts_with("<14>1 "), "{message}");
    let header: Vec<&str> = message.splitn(7, ' ').collect();
    assert_eq!(header.len(), 7, "{message}");
    let rest = header[6];
    if rest.starts_with('[') {
        assert!(rest.starts_with("[hooklog@32473 "), "{rest}");
        // Every `]` inside the SD is escaped: the SD ends at the first unescaped one.
        let mut escaped = false;
        let end = rest.char_indices().find(|&(_, c)| {
            let done = c == ']' && !escaped;
            escaped = c == '\\' && !escaped;
            done
        });
        assert!(end.is_some(), "{rest}");
    } else {
        assert!(rest.starts_with("- ") || rest == "-", "{rest}");
    }
});
