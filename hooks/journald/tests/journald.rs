//! Against a real systemd-journald, in a namespace of its own started for each test,
//! read back with `journalctl --namespace .. -o json`.

mod common;

use common::{Journal, text};
use hooklog::Logger;
use hooklog_journald::JournaldHook;
use serde_json::json;

fn logger(journal: &Journal, identifier: &str) -> (Logger, std::sync::Arc<JournaldHook>) {
    let hook = JournaldHook::builder()
        .namespace(&journal.namespace)
        .syslog_identifier(identifier)
        .build()
        .unwrap();
    let hook = std::sync::Arc::new(hook);
    let logger = Logger::builder().no_out().hook(hook.clone()).build();
    (logger, hook)
}

#[test]
fn fields_of_every_type_and_newlines_arrive() {
    let Some(journal) = Journal::start() else {
        return;
    };
    let (logger, _) = logger(&journal, "types");
    hooklog::error!(logger, "payment\nfailed";
        "order" => 1042u64, "amount" => -19.99, "retry" => false, "user" => "ana",
        "tags" => json!(["a", "b"]), "note" => "line one\nline two");
    let entries = journal.entries("types", 1);
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    for (name, value) in [
        ("MESSAGE", "payment\nfailed"),
        ("PRIORITY", "3"),
        ("ORDER", "1042"),
        ("AMOUNT", "-19.99"),
        ("RETRY", "false"),
        ("USER", "ana"),
        ("TAGS", r#"["a","b"]"#),
        ("NOTE", "line one\nline two"),
        ("TARGET", module_path!()),
    ] {
        assert_eq!(
            text(entry, name).as_deref(),
            Some(value),
            "{name} in {entry}"
        );
    }
    assert_eq!(entry["_TRANSPORT"], json!("journal"));
}

#[test]
fn a_one_mebibyte_record_arrives_whole() {
    let Some(journal) = Journal::start() else {
        return;
    };
    let (logger, hook) = logger(&journal, "large");
    let message = "0123456789abcdef".repeat(1 << 16);
    logger.info(&message);
    let entries = journal.entries("large", 1);
    assert_eq!(text(&entries[0], "MESSAGE").map(|m| m.len()), Some(1 << 20));
    assert!(text(&entries[0], "MESSAGE").unwrap() == message);
    assert_eq!(hook.sent(), 1);
}

#[test]
fn ten_thousand_records_arrive_in_order() {
    let Some(journal) = Journal::start() else {
        return;
    };
    let (logger, hook) = logger(&journal, "many");
    for n in 0..10_000 {
        hooklog::info!(logger, "record {n}"; "n" => n);
    }
    let entries = journal.entries("many", 10_000);
    let numbers: Vec<u64> = entries
        .iter()
        .map(|e| text(e, "N").unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers, (0..10_000).collect::<Vec<_>>());
    assert_eq!((hook.sent(), hook.dropped()), (10_000, 0));
}
