//! The built-in formats, with their options as configuration spells them: the formatters
//! deserialise from their own setter names, so every option they have is an option here.

use hooklog::{Formatter, JsonFormatter, TextFormatter};

/// The text or JSON formatter `options` describe; `Ok(None)` for another name.
pub(crate) fn built_in(
    name: &str,
    options: &serde_json::Value,
) -> Result<Option<Box<dyn Formatter>>, String> {
    let options = if options.is_null() {
        serde_json::json!({})
    } else {
        options.clone()
    };
    let parse_error = |e: serde_json::Error| e.to_string();
    Ok(Some(match name {
        "text" => Box::new(serde_json::from_value::<TextFormatter>(options).map_err(parse_error)?),
        "json" => Box::new(serde_json::from_value::<JsonFormatter>(options).map_err(parse_error)?),
        _ => return Ok(None),
    }))
}
