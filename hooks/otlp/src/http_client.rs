//! OTLP/HTTP: each request posted as protobuf (`POST /v1/logs`), through ureq.

use std::time::{Duration, SystemTime};

use crate::Compression;
use crate::export::{Outcome, gzip};
use crate::proto;

/// The most of a response body read (a status or a partial success is far smaller).
const MAX_RESPONSE: u64 = 1 << 20;

/// Posts requests to one OTLP/HTTP endpoint, over a connection it keeps.
pub(crate) struct Http {
    pub(crate) endpoint: String,
    pub(crate) agent: ureq::Agent,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) compression: Compression,
    /// The compressed request, reused.
    pub(crate) compressed: Vec<u8>,
}

impl Http {
    /// One attempt to post `request`, an `ExportLogsServiceRequest`.
    pub(crate) fn post(&mut self, request: &[u8]) -> Outcome {
        let body = match self.compression {
            Compression::None => request,
            Compression::Gzip => {
                gzip(request, &mut self.compressed);
                &self.compressed
            }
        };
        let mut request = self
            .agent
            .post(&self.endpoint)
            .header("content-type", "application/x-protobuf");
        if self.compression == Compression::Gzip {
            request = request.header("content-encoding", "gzip");
        }
        for (key, value) in &self.headers {
            request = request.header(key, value);
        }
        let mut response = match request.send(body) {
            Ok(response) => response,
            Err(e) => {
                return Outcome::Retry {
                    after: None,
                    why: format!("{e}"),
                };
            }
        };
        let status = response.status().as_u16();
        let protobuf = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("protobuf"));
        let after = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .and_then(retry_after);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_to_vec()
            .unwrap_or_default();
        match status {
            200..=299 => {
                let (rejected, message) = proto::partial_success(&body).unwrap_or_default();
                Outcome::Accepted { rejected, message }
            }
            _ => Outcome::of_http_error(
                status,
                after,
                format!("HTTP {status}{}", status_message(&body, protobuf)),
            ),
        }
    }
}

/// What an error response says, as `: message` (empty if nothing): the message of its
/// `google.rpc.Status` when it is `protobuf` (what OTLP receivers send), else the start
/// of its text.
fn status_message(body: &[u8], protobuf: bool) -> String {
    let message = if protobuf {
        proto::status_message(body)
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    let message = message.trim();
    match message.char_indices().nth(200) {
        _ if message.is_empty() => String::new(),
        Some((end, _)) => format!(": {}...", &message[..end]),
        None => format!(": {message}"),
    }
}

/// A `Retry-After` value: seconds, or an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    if let Ok(seconds) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = jiff::fmt::rfc2822::parse(value.trim()).ok()?;
    let at = SystemTime::from(date.timestamp());
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60);
        let date = jiff::fmt::rfc2822::to_string(&later.to_zoned(jiff::tz::TimeZone::UTC)).unwrap();
        let wait = retry_after(&date).unwrap();
        assert!(
            wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert_eq!(retry_after("soon"), None);
    }
}
