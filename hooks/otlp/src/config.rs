//! What the exporter is told by its builder and by the OpenTelemetry environment
//! variables: the endpoint, headers, timeout, compression and resource attributes.

use std::time::Duration;

use hooklog::Error;

/// How export requests are compressed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compression {
    /// Sent as they are.
    #[default]
    None,
    /// gzip (`Content-Encoding: gzip`): a tenth of the bytes on the wire for typical
    /// records, at some CPU on the hook's worker.
    Gzip,
}

/// How records travel to the endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// OTLP/HTTP with protobuf bodies (`POST /v1/logs`), port 4318 by default.
    #[default]
    HttpProtobuf,
    /// OTLP/gRPC (`LogsService/Export` over HTTP/2, without TLS), port 4317 by default;
    /// with the crate's `grpc` feature.
    Grpc,
}

impl Protocol {
    /// The endpoint when none is given: a collector on this machine.
    pub(crate) fn default_endpoint(self) -> &'static str {
        match self {
            Protocol::HttpProtobuf => "http://localhost:4318/v1/logs",
            Protocol::Grpc => "http://localhost:4317",
        }
    }
}

/// The settings read from the environment, each `None` when its variable is unset; the
/// logs-specific variable wins over the general one, as the OTLP exporter specification
/// says.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct FromEnv {
    /// `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, used as it is.
    pub(crate) logs_endpoint: Option<String>,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: for OTLP/HTTP the logs path is appended.
    pub(crate) base_endpoint: Option<String>,
    pub(crate) protocol: Option<Protocol>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) compression: Option<Compression>,
    pub(crate) service_name: Option<String>,
    pub(crate) resource: Vec<(String, String)>,
}

/// The path OTLP/HTTP appends to `OTEL_EXPORTER_OTLP_ENDPOINT` for logs.
const LOGS_PATH: &str = "v1/logs";

impl FromEnv {
    /// Reads the variables through `var` (the process environment, or a map in tests).
    pub(crate) fn read(var: impl Fn(&str) -> Option<String>) -> Result<FromEnv, Error> {
        let protocol = specific(&var, "PROTOCOL")
            .map(|(name, value)| match value.trim() {
                "http/protobuf" => Ok(Protocol::HttpProtobuf),
                "grpc" => Ok(Protocol::Grpc),
                _ => Err(Error::new(format!(
                    "{name}={value}: the protocol is `http/protobuf` or `grpc`"
                ))),
            })
            .transpose()?;
        let mut headers = Vec::new();
        for name in [
            "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
        ] {
            if let Some(list) = var(name) {
                for (key, value) in key_values(name, &list)? {
                    set_header(&mut headers, key, value);
                }
            }
        }
        let timeout = specific(&var, "TIMEOUT")
            .map(|(name, ms)| {
                ms.trim()
                    .parse::<u64>()
                    .map(Duration::from_millis)
                    .map_err(|_| Error::new(format!("{name}={ms}: not a number of milliseconds")))
            })
            .transpose()?;
        let compression = specific(&var, "COMPRESSION")
            .map(|(name, value)| match value.trim() {
                "gzip" => Ok(Compression::Gzip),
                "none" => Ok(Compression::None),
                _ => Err(Error::new(format!(
                    "{name}={value}: the compression is `gzip` or `none`"
                ))),
            })
            .transpose()?;
        let resource = match var("OTEL_RESOURCE_ATTRIBUTES") {
            Some(list) => key_values("OTEL_RESOURCE_ATTRIBUTES", &list)?,
            None => Vec::new(),
        };
        let service_name = var("OTEL_SERVICE_NAME").filter(|name| !name.is_empty());
        Ok(FromEnv {
            logs_endpoint: var("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"),
            base_endpoint: var("OTEL_EXPORTER_OTLP_ENDPOINT"),
            protocol,
            headers,
            timeout,
            compression,
            service_name,
            resource,
        })
    }
}

impl FromEnv {
    /// The endpoint the variables name for `protocol`: the logs one as it is, else the
    /// general one, with the logs path appended for OTLP/HTTP.
    pub(crate) fn endpoint(&self, protocol: Protocol) -> Option<String> {
        if let Some(url) = &self.logs_endpoint {
            return Some(url.clone());
        }
        let base = self.base_endpoint.as_deref()?;
        Some(match protocol {
            Protocol::HttpProtobuf => {
                let base = base.strip_suffix('/').unwrap_or(base);
                format!("{base}/{LOGS_PATH}")
            }
            Protocol::Grpc => base.to_owned(),
        })
    }
}

/// The logs-specific variable `OTEL_EXPORTER_OTLP_LOGS_<setting>` if set, else the
/// general `OTEL_EXPORTER_OTLP_<setting>`: its name and value.
fn specific(var: &impl Fn(&str) -> Option<String>, setting: &str) -> Option<(String, String)> {
    [
        format!("OTEL_EXPORTER_OTLP_LOGS_{setting}"),
        format!("OTEL_EXPORTER_OTLP_{setting}"),
    ]
    .into_iter()
    .find_map(|name| var(&name).map(|value| (name, value)))
}

/// Sets header `key` (names are case-insensitive), replacing an earlier value.
pub(crate) fn set_header(headers: &mut Vec<(String, String)>, key: String, value: String) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
    headers.push((key, value));
}

/// The `key=value` pairs of a comma-separated list (the W3C Baggage form the OpenTelemetry
/// variables use), keys and values trimmed and percent-decoded; empty items are skipped.
fn key_values(name: &str, list: &str) -> Result<Vec<(String, String)>, Error> {
    let mut pairs = Vec::new();
    for item in list.split(',').filter(|item| !item.trim().is_empty()) {
        let invalid = |why: &str| Error::new(format!("{name}: `{}` {why}", item.trim()));
        let (key, value) = item
            .split_once('=')
            .ok_or_else(|| invalid("is not key=value"))?;
        let key = percent_decode(key.trim()).ok_or_else(|| invalid("has a bad %-escape"))?;
        let value = percent_decode(value.trim()).ok_or_else(|| invalid("has a bad %-escape"))?;
        if key.is_empty() {
            return Err(invalid("has no key"));
        }
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// `text` with each `%XX` replaced by its byte; `None` for a bad escape or bytes that are
/// not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

/// Checks an endpoint: an `http://` URL (or for OTLP/HTTP `https://` with the `tls`
/// feature) with a host. `source` names where it came from, for the error.
pub(crate) fn check_endpoint(url: &str, source: &str, protocol: Protocol) -> Result<(), Error> {
    let invalid = |why: String| Error::new(format!("otlp endpoint {url:?} ({source}): {why}"));
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e| invalid(format!("not a URL ({e})")))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") if protocol == Protocol::Grpc => {
            return Err(invalid(
                "OTLP/gRPC is sent without TLS here: use http://, or OTLP/HTTP with the `tls` feature"
                    .to_owned(),
            ));
        }
        Some("https") if cfg!(feature = "tls") => {}
        Some("https") => {
            return Err(invalid(
                "https needs hooklog-otlp's `tls` feature".to_owned(),
            ));
        }
        Some(other) => {
            return Err(invalid(format!(
                "the scheme is `{other}`; OTLP/HTTP takes http or https"
            )));
        }
        None => {
            return Err(invalid(
                "no scheme: write http://host:4318/v1/logs".to_owned(),
            ));
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("no host".to_owned()));
    }
    Ok(())
}

/// The default `service.name` when none is given: `unknown_service:` and the executable's
/// name, as the resource semantic conventions say.
pub(crate) fn unknown_service() -> String {
    let exe = std::env::current_exe().ok();
    let name = exe
        .as_deref()
        .and_then(|path| path.file_name())
        .and_then(|name| name.to_str())
        .unwrap_or("");
    if name.is_empty() {
        "unknown_service".to_owned()
    } else {
        format!("unknown_service:{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<FromEnv, Error> {
        FromEnv::read(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn nothing_set_reads_as_nothing() {
        assert_eq!(read(&[]).unwrap(), FromEnv::default());
    }

    #[test]
    fn the_general_endpoint_gets_the_logs_path_and_the_logs_endpoint_is_taken_as_is() {
        let http = Protocol::HttpProtobuf;
        let general = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/")]).unwrap();
        assert_eq!(
            general.endpoint(http).as_deref(),
            Some("http://c:4318/v1/logs")
        );
        let general = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317")]).unwrap();
        assert_eq!(
            general.endpoint(Protocol::Grpc).as_deref(),
            Some("http://c:4317"),
            "gRPC takes it as it is"
        );
        let general = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/otlp")]).unwrap();
        assert_eq!(
            general.endpoint(http).as_deref(),
            Some("http://c:4318/otlp/v1/logs")
        );
        let both = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
            ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://l:9000/ingest"),
        ])
        .unwrap();
        assert_eq!(
            both.endpoint(Protocol::HttpProtobuf).as_deref(),
            Some("http://l:9000/ingest")
        );
    }

    #[test]
    fn headers_are_decoded_and_the_logs_ones_win() {
        let env = read(&[
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                "api-key=a%20b, tenant = one ,,",
            ),
            ("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "Tenant=two"),
        ])
        .unwrap();
        assert_eq!(
            env.headers,
            [
                ("api-key".to_owned(), "a b".to_owned()),
                ("Tenant".to_owned(), "two".to_owned())
            ]
        );
    }

    #[test]
    fn bad_values_fail_naming_the_variable() {
        for (vars, expected) in [
            (
                [("OTEL_EXPORTER_OTLP_HEADERS", "novalue")],
                "OTEL_EXPORTER_OTLP_HEADERS: `novalue` is not key=value",
            ),
            (
                [("OTEL_EXPORTER_OTLP_HEADERS", "k=%zz")],
                "OTEL_EXPORTER_OTLP_HEADERS: `k=%zz` has a bad %-escape",
            ),
            (
                [("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "5s")],
                "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT=5s: not a number of milliseconds",
            ),
            (
                [("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd")],
                "OTEL_EXPORTER_OTLP_COMPRESSION=zstd: the compression is `gzip` or `none`",
            ),
            (
                [("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json")],
                "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/json: the protocol is `http/protobuf` or `grpc`",
            ),
            (
                [("OTEL_RESOURCE_ATTRIBUTES", "=x")],
                "OTEL_RESOURCE_ATTRIBUTES: `=x` has no key",
            ),
        ] {
            assert_eq!(read(&vars).unwrap_err().to_string(), expected);
        }
    }

    #[test]
    fn timeout_compression_and_resource_are_read() {
        let env = read(&[
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
            ("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "gzip"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "none"),
            ("OTEL_SERVICE_NAME", "checkout"),
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                "service.name=ignored,deployment.environment.name=prod%2Ceu",
            ),
        ])
        .unwrap();
        assert_eq!(env.timeout, Some(Duration::from_millis(2500)));
        assert_eq!(env.compression, Some(Compression::Gzip));
        assert_eq!(env.service_name.as_deref(), Some("checkout"));
        assert_eq!(env.resource[1].1, "prod,eu");
    }

    #[test]
    fn endpoints_are_checked() {
        let http = Protocol::HttpProtobuf;
        assert!(check_endpoint("http://127.0.0.1:4318/v1/logs", "builder", http).is_ok());
        let grpc_tls = check_endpoint("https://c:4317", "builder", Protocol::Grpc);
        assert!(grpc_tls.unwrap_err().to_string().contains("without TLS"));
        for (url, expected) in [
            ("localhost:4318", "no scheme"),
            ("ftp://c/v1/logs", "the scheme is `ftp`"),
            ("/v1/logs", "no scheme"),
            ("grpc://c:4317", "the scheme is `grpc`"),
            ("http://", "empty"),
            ("http://exa mple/v1/logs", "invalid uri character"),
        ] {
            let error = check_endpoint(url, "builder", http)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{url}: {error}");
            assert!(error.starts_with(&format!("otlp endpoint {url:?} (builder): ")));
        }
    }
}
