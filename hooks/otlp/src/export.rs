//! The hook's worker: takes batches from the buffer, assembles each into an
//! `ExportLogsServiceRequest`, and posts it until the receiver settles it.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::Compression;
use crate::buffer::{Buffer, Record, Records};
use crate::proto::{self, field_len, put_bytes, put_header};

/// The first wait after a failed attempt; it doubles with each failure, to `MAX_BACKOFF`.
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// While a flush waits, an unreachable receiver is tried again this often.
const FLUSH_RETRY: Duration = Duration::from_millis(250);
/// The most of a response body read (a status or a partial success is far smaller).
const MAX_RESPONSE: u64 = 1 << 20;

/// Posts requests to one endpoint.
pub(crate) struct Exporter {
    pub(crate) endpoint: String,
    pub(crate) agent: ureq::Agent,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) compression: Compression,
    /// The `Resource` message's content, encoded once.
    pub(crate) resource: Vec<u8>,
}

/// What the receiver made of a request.
enum Outcome {
    /// Taken; it may have rejected some records (`partial_success`).
    Accepted { rejected: u64, message: String },
    /// Worth sending again, after `after` if the receiver said (`Retry-After`).
    Retry {
        after: Option<Duration>,
        why: String,
    },
    /// Refused for good (a 4xx other than 429): sending it again would not help.
    Refused { why: String },
}

/// The worker's loop: runs until the hook closes.
pub(crate) fn run(buffer: Arc<Buffer>, exporter: Exporter) {
    let mut batch = Records::default();
    let mut request = Vec::new();
    let mut compressed = Vec::new();
    let mut runs = Vec::new();
    while buffer.next_batch(&mut batch) {
        let mut records = batch.iter();
        let mut chunk = Vec::with_capacity(buffer.limits.max_batch.min(batch.len()));
        loop {
            chunk.clear();
            let mut bytes = 0;
            for (record, size) in records.by_ref().take(buffer.limits.max_batch) {
                chunk.push(record);
                bytes += size;
            }
            if chunk.is_empty() {
                break;
            }
            let count = chunk.len() as u64;
            if buffer.is_closing() {
                buffer.settle(count, bytes, 0, 0);
                continue;
            }
            request.clear();
            encode_request(&mut request, &exporter.resource, &chunk, &mut runs);
            let body = match exporter.compression {
                Compression::None => &request,
                Compression::Gzip => {
                    compressed.clear();
                    let mut gzip =
                        flate2::write::GzEncoder::new(&mut compressed, flate2::Compression::fast());
                    gzip.write_all(&request)
                        .and_then(|()| gzip.finish().map(drop))
                        .expect("writing to a Vec cannot fail");
                    &compressed
                }
            };
            let (delivered, rejected) = exporter.deliver(body, count, &buffer);
            buffer.settle(count, bytes, delivered, rejected);
        }
        drop(records);
        batch.clear();
    }
}

impl Exporter {
    /// Posts `body` (`count` records) until the receiver settles it or the hook closes:
    /// the records delivered, and rejected.
    fn deliver(&self, body: &[u8], count: u64, buffer: &Buffer) -> (u64, u64) {
        let mut backoff = MIN_BACKOFF;
        loop {
            match self.post(body) {
                Outcome::Accepted { rejected, message } => {
                    if rejected > 0 || !message.is_empty() {
                        hooklog::report_failure(
                            "otlp partial success",
                            format_args!(
                                "otlp {}: the receiver rejected {rejected} of {count} records: {message}",
                                self.endpoint
                            ),
                        );
                    }
                    let rejected = rejected.min(count);
                    return (count - rejected, rejected);
                }
                Outcome::Refused { why } => {
                    hooklog::report_failure(
                        "otlp refused",
                        format_args!(
                            "otlp {}: {count} records refused, not sent again: {why}",
                            self.endpoint
                        ),
                    );
                    return (0, count);
                }
                Outcome::Retry { after, why } => {
                    let wait = after.unwrap_or_else(|| jitter(backoff));
                    let soon = if after.is_some() { wait } else { FLUSH_RETRY };
                    let shown = if buffer.flushing() {
                        wait.min(soon)
                    } else {
                        wait
                    };
                    hooklog::report_failure(
                        "otlp retry",
                        format_args!(
                            "otlp {}: {why}; {count} records kept, sent again in {shown:.1?}",
                            self.endpoint
                        ),
                    );
                    if !buffer.pause(wait, soon) {
                        return (0, 0);
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// One attempt.
    fn post(&self, body: &[u8]) -> Outcome {
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
            429 | 502 | 503 | 504 => Outcome::Retry {
                after,
                why: format!("HTTP {status}{}", status_message(&body, protobuf)),
            },
            _ => Outcome::Refused {
                why: format!("HTTP {status}{}", status_message(&body, protobuf)),
            },
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

/// `wait` spread by up to a quarter either way, so many services do not come back at
/// the same instant.
fn jitter(wait: Duration) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    wait.mul_f64(0.75 + f64::from(nanos % 1000) / 2000.0)
}

/// Writes the `ExportLogsServiceRequest` for `batch`: one `ResourceLogs`, and a
/// `ScopeLogs` for each run of records with the same scope, so the records keep their
/// order. `runs` is scratch space for the runs' lengths.
fn encode_request(
    buf: &mut Vec<u8>,
    resource: &[u8],
    batch: &[Record<'_>],
    runs: &mut Vec<(usize, usize)>,
) {
    runs.clear();
    let mut start = 0;
    while start < batch.len() {
        let scope = batch[start].scope;
        let end = start
            + batch[start..]
                .iter()
                .take_while(|record| record.scope == scope)
                .count();
        let records: usize = batch[start..end]
            .iter()
            .map(|record| field_len(proto::LOG_RECORDS, record.log_record.len()))
            .sum();
        runs.push((end, scope_field_len(scope) + records));
        start = end;
    }
    let resource_logs = field_len(proto::RESOURCE, resource.len())
        + runs
            .iter()
            .map(|&(_, len)| field_len(proto::SCOPE_LOGS, len))
            .sum::<usize>();
    put_header(buf, proto::RESOURCE_LOGS, resource_logs);
    put_bytes(buf, proto::RESOURCE, resource);
    let mut start = 0;
    for &(end, len) in runs.iter() {
        put_header(buf, proto::SCOPE_LOGS, len);
        let scope = batch[start].scope;
        put_header(buf, proto::SCOPE, scope_len(scope));
        if !scope.is_empty() {
            put_bytes(buf, proto::SCOPE_NAME, scope);
        }
        for record in &batch[start..end] {
            put_bytes(buf, proto::LOG_RECORDS, record.log_record);
        }
        start = end;
    }
}

/// The length of the `InstrumentationScope` message naming `scope`.
fn scope_len(scope: &[u8]) -> usize {
    if scope.is_empty() {
        0
    } else {
        field_len(proto::SCOPE_NAME, scope.len())
    }
}

/// The bytes the `scope` field of a `ScopeLogs` takes.
fn scope_field_len(scope: &[u8]) -> usize {
    field_len(proto::SCOPE, scope_len(scope))
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

    #[test]
    fn jitter_stays_within_a_quarter() {
        for _ in 0..100 {
            let wait = jitter(Duration::from_secs(1));
            assert!(wait >= Duration::from_millis(750) && wait < Duration::from_millis(1250));
        }
    }
}
