//! Any record gives one line of valid GELF 1.1.

use hooklog_gelf::GelfFormatter;
use proptest::prelude::*;
use serde_json::Value as Json;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn records_are_valid_gelf(
        message in any::<String>(),
        pairs in prop::collection::btree_map("\\PC{1,8}", any::<String>(), 0..6),
        ratio in any::<f64>(),
    ) {
        let (logger, out) = hooklog_test::capture(GelfFormatter::new().host("h"));
        let mut entry = logger.entry().with_field("ratio", ratio);
        for (k, v) in &pairs {
            entry = entry.with_field(k.clone(), v.clone());
        }
        entry.warn(&message);
        let text = String::from_utf8(out.contents()).unwrap();
        prop_assert_eq!(text.matches('\n').count(), 1);
        let record: Json = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&record["version"], "1.1");
        prop_assert_eq!(&record["host"], "h");
        prop_assert_eq!(&record["level"], 4);
        prop_assert!(record["timestamp"].is_number());
        let short = record["short_message"].as_str().unwrap();
        prop_assert!(!short.is_empty() && !short.contains('\n'));
        if message.contains('\n') {
            prop_assert_eq!(&record["full_message"], &Json::from(message));
        }
        for key in record.as_object().unwrap().keys() {
            prop_assert!(key != "_id");
            if key.starts_with('_') {
                prop_assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)), "{}", key);
            }
        }
    }
}
