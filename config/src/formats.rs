//! The built-in formats' options, as configuration spells them.

use std::collections::BTreeMap;

use hooklog::{FieldKey, FieldMap, Formatter, JsonFormatter, TextFormatter, TimestampFormat};
use serde::Deserialize;

/// `format_options` for `format = "text"`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct TextOptions {
    force_colors: bool,
    disable_colors: bool,
    force_quote: bool,
    disable_quote: bool,
    quote_empty_fields: bool,
    disable_timestamp: bool,
    full_timestamp: bool,
    timestamp_format: Option<String>,
    sort_keys: bool,
    disable_level_truncation: bool,
    pad_level_text: bool,
    field_map: BTreeMap<String, String>,
}

/// `format_options` for `format = "json"`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct JsonOptions {
    disable_timestamp: bool,
    timestamp_format: Option<String>,
    disable_html_escape: bool,
    data_key: Option<String>,
    pretty_print: bool,
    field_map: BTreeMap<String, String>,
}

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
    Ok(Some(match name {
        "text" => {
            let o: TextOptions = serde_json::from_value(options).map_err(|e| e.to_string())?;
            let mut f = TextFormatter::new()
                .force_colors(o.force_colors)
                .disable_colors(o.disable_colors)
                .force_quote(o.force_quote)
                .disable_quote(o.disable_quote)
                .quote_empty_fields(o.quote_empty_fields)
                .disable_timestamp(o.disable_timestamp)
                .full_timestamp(o.full_timestamp)
                .sort_keys(o.sort_keys)
                .disable_level_truncation(o.disable_level_truncation)
                .pad_level_text(o.pad_level_text)
                .field_map(field_map(&o.field_map)?);
            if let Some(format) = &o.timestamp_format {
                f = f.timestamp_format(timestamp_format(format));
            }
            Box::new(f)
        }
        "json" => {
            let o: JsonOptions = serde_json::from_value(options).map_err(|e| e.to_string())?;
            let mut f = JsonFormatter::new()
                .disable_timestamp(o.disable_timestamp)
                .disable_html_escape(o.disable_html_escape)
                .pretty_print(o.pretty_print)
                .field_map(field_map(&o.field_map)?);
            if let Some(format) = &o.timestamp_format {
                f = f.timestamp_format(timestamp_format(format));
            }
            if let Some(key) = o.data_key {
                f = f.data_key(key);
            }
            Box::new(f)
        }
        _ => return Ok(None),
    }))
}

/// `rfc3339`, `rfc3339_nanos`, `unix`, `unix_millis`, or a strftime pattern.
fn timestamp_format(text: &str) -> TimestampFormat {
    match text {
        "rfc3339" => TimestampFormat::Rfc3339,
        "rfc3339_nanos" => TimestampFormat::Rfc3339Nanos,
        "unix" => TimestampFormat::UnixSeconds,
        "unix_millis" => TimestampFormat::UnixMillis,
        pattern => TimestampFormat::Custom(pattern.to_owned()),
    }
}

fn field_map(renames: &BTreeMap<String, String>) -> Result<FieldMap, String> {
    renames.iter().try_fold(FieldMap::new(), |map, (key, name)| {
        let key = match key.as_str() {
            "time" => FieldKey::Time,
            "level" => FieldKey::Level,
            "msg" => FieldKey::Msg,
            "func" => FieldKey::Func,
            "file" => FieldKey::File,
            "field_error" => FieldKey::FieldError,
            other => {
                return Err(format!(
                    "field_map: unknown key {other:?} (expected time, level, msg, func, file or field_error)"
                ));
            }
        };
        Ok(map.rename(key, name))
    })
}
