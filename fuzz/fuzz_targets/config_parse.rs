//! Configuration text (TOML and JSON) parses or fails with a message, never panics.
#![no_main]

use hooklog_config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    for parsed in [Config::from_toml_str(input), Config::from_json_str(input)] {
        match parsed {
            Ok(config) => {
                // Applying environment overrides is pure; building would open outputs.
                let _ = config.with_env_from(|_| None);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
});
