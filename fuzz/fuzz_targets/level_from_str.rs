//! `Level::from_str` never panics, accepts exactly the level names in any case, and its
//! error always names the input.
#![no_main]

use hooklog::Level;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    match input.parse::<Level>() {
        Ok(level) => {
            let name = input.to_ascii_lowercase();
            assert!(name == level.as_str() || (name == "warn" && level == Level::Warn));
        }
        Err(e) => {
            assert_eq!(e.input(), input);
            assert!(e.to_string().contains("expected one of"));
        }
    }
});
