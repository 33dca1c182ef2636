//! Output URLs parse or fail with a message, never panic; what parses reads back.
#![no_main]

use hooklog_config::OutputUrl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(url) = OutputUrl::parse(input) {
        assert!(!url.scheme.is_empty());
        if url.scheme != "stderr" && url.scheme != "stdout" {
            assert!(input.starts_with(&format!("{}://{}", url.scheme, url.target)));
            assert!(!url.target.is_empty() && !url.target.contains('?'));
        }
        for key in url.query.keys() {
            let _ = url.number(key);
        }
    }
});
