//! A sanitised component is always one normal path component: it cannot climb out of
//! its directory or name another one.
#![no_main]

use std::path::{Component, Path};

use hooklog_file::sanitize_component;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let name = sanitize_component(input);
    assert!(!name.is_empty() && name.len() <= 255);
    assert!(!name.contains(['/', '\\', '\0', '%']));
    let joined = Path::new("base").join(&name);
    let components: Vec<Component> = joined.components().collect();
    assert_eq!(components.len(), 2, "{input:?} -> {name:?}");
    assert!(
        matches!(components[1], Component::Normal(_)),
        "{input:?} -> {name:?}"
    );
});
