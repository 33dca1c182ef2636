//! The hook's worker: takes batches from the buffer, assembles each into an
//! `ExportLogsServiceRequest`, and posts it until the receiver settles it.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::buffer::{Buffer, Record, Records};
#[cfg(feature = "grpc")]
use crate::grpc_client::Grpc;
use crate::http_client::Http;
use crate::proto::{self, field_len, put_bytes, put_header};

/// The first wait after a failed attempt; it doubles with each failure, to `MAX_BACKOFF`.
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// While a flush waits, an unreachable receiver is tried again this often.
const FLUSH_RETRY: Duration = Duration::from_millis(250);

/// Sends requests to one endpoint.
pub(crate) struct Exporter {
    /// The endpoint, for reports.
    pub(crate) endpoint: String,
    pub(crate) transport: Transport,
    /// The `Resource` message's content, encoded once.
    pub(crate) resource: Vec<u8>,
}

/// How requests travel.
pub(crate) enum Transport {
    Http(Http),
    #[cfg(feature = "grpc")]
    Grpc(Box<Grpc>),
}

impl Transport {
    /// One attempt to send `request`, an `ExportLogsServiceRequest`.
    fn send(&mut self, request: &[u8]) -> Outcome {
        match self {
            Transport::Http(http) => http.post(request),
            #[cfg(feature = "grpc")]
            Transport::Grpc(grpc) => grpc.export(request),
        }
    }
}

/// What the receiver made of a request.
pub(crate) enum Outcome {
    /// Taken; it may have rejected some records (`partial_success`).
    Accepted { rejected: u64, message: String },
    /// Worth sending again, after `after` if the receiver said (`Retry-After`).
    Retry {
        after: Option<Duration>,
        why: String,
    },
    /// Refused for good (a 4xx other than 429, a gRPC status that is not transient):
    /// sending it again would not help.
    Refused { why: String },
}

impl Outcome {
    /// What an HTTP error status means (for gRPC too, before its own status): 429, 502,
    /// 503 and 504 are worth sending again, as the OTLP specification says, after
    /// `after`; the others are refused. `why` says what the receiver answered.
    pub(crate) fn of_http_error(status: u16, after: Option<Duration>, why: String) -> Outcome {
        match status {
            429 | 502 | 503 | 504 => Outcome::Retry { after, why },
            _ => Outcome::Refused { why },
        }
    }
}

/// The worker's loop: runs until the hook closes.
pub(crate) fn run(buffer: Arc<Buffer>, mut exporter: Exporter) {
    let mut batch = Records::default();
    let mut request = Vec::new();
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
            let (delivered, rejected) = exporter.deliver(&request, count, &buffer);
            buffer.settle(count, bytes, delivered, rejected);
        }
        drop(records);
        batch.clear();
    }
}

impl Exporter {
    /// Posts `body` (`count` records) until the receiver settles it or the hook closes:
    /// the records delivered, and rejected.
    fn deliver(&mut self, request: &[u8], count: u64, buffer: &Buffer) -> (u64, u64) {
        let mut backoff = MIN_BACKOFF;
        loop {
            match self.transport.send(request) {
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
}

/// `request` compressed with gzip into `compressed`.
pub(crate) fn gzip(request: &[u8], compressed: &mut Vec<u8>) {
    compressed.clear();
    let mut gzip = flate2::write::GzEncoder::new(compressed, flate2::Compression::fast());
    gzip.write_all(request)
        .and_then(|()| gzip.finish().map(drop))
        .expect("writing to a Vec cannot fail");
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
    fn jitter_stays_within_a_quarter() {
        for _ in 0..100 {
            let wait = jitter(Duration::from_secs(1));
            assert!(wait >= Duration::from_millis(750) && wait < Duration::from_millis(1250));
        }
    }
}
