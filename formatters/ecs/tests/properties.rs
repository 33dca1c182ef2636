//! Any record gives one line of valid ECS JSON with every field where the docs say.

use hooklog_ecs::EcsFormatter;
use proptest::prelude::*;
use serde_json::Value as Json;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn records_are_valid_ecs(
        message in "\\PC*|[\\x00-\\x1f\"\\\\]*",
        pairs in prop::collection::btree_map("[a-z.*\\\\ \"]{1,8}", any::<String>(), 0..6),
        number in any::<i64>(),
    ) {
        let (logger, out) = hooklog_test::capture(EcsFormatter::new().service_name("p"));
        let mut entry = logger.entry().with_field("number", number);
        for (k, v) in &pairs {
            entry = entry.with_field(k.clone(), v.clone());
        }
        entry.info(&message);
        let text = String::from_utf8(out.contents()).unwrap();
        prop_assert_eq!(text.matches('\n').count(), 1);
        let record: Json = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&record["message"], &Json::from(message));
        prop_assert!(record["@timestamp"].as_str().unwrap().parse::<jiff::Timestamp>().is_ok());
        prop_assert_eq!(&record["labels"]["number"], &Json::from(number.to_string()));
        for (key, value) in &pairs {
            let top = key.contains('.') && !["log.level", "ecs.version", "service.name", "event.dataset", "log.logger"].contains(&key.as_str());
            if key == "error" {
                prop_assert_eq!(&record["error.message"], &Json::from(value.clone()));
            } else if top {
                prop_assert_eq!(&record[key.as_str()], &Json::from(value.clone()));
            } else {
                let label: String = key.chars().map(|c| if matches!(c, '.' | '*' | '\\') { '_' } else { c }).collect();
                prop_assert!(record["labels"].get(label.as_str()).is_some(), "{} missing: {}", label, text);
            }
        }
    }
}
