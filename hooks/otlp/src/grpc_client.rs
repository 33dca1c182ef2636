//! OTLP/gRPC: the same request as a gRPC message to `LogsService/Export`, over HTTP/2
//! without TLS (h2), on a connection the worker keeps.

use std::time::Duration;

use bytes::Bytes;
use h2::client::SendRequest;
use hooklog::Error;
use http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode, Uri};

use crate::Compression;
use crate::export::{Outcome, gzip};
use crate::proto;

const EXPORT_PATH: &str = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
/// The most of a response read (an `ExportLogsServiceResponse` is far smaller).
const MAX_RESPONSE: usize = 1 << 20;

/// Sends requests to one OTLP/gRPC endpoint.
pub(crate) struct Grpc {
    runtime: tokio::runtime::Runtime,
    /// `host:port`.
    address: String,
    uri: Uri,
    headers: HeaderMap,
    timeout: Duration,
    compression: Compression,
    compressed: Vec<u8>,
    /// The connection, once made; dropped when it fails.
    client: Option<SendRequest<Bytes>>,
}

/// What came back for one call.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    trailers: Option<HeaderMap>,
}

impl Grpc {
    /// A sender to `endpoint` (checked: `http://host[:port]`), with `headers` as gRPC
    /// metadata and `timeout` for each call.
    pub(crate) fn new(
        endpoint: &str,
        headers: &[(String, String)],
        timeout: Duration,
        compression: Compression,
    ) -> Result<Grpc, Error> {
        let endpoint: Uri = endpoint
            .parse()
            .map_err(|e| Error::new(format!("otlp endpoint {endpoint:?}: {e}")))?;
        let host = endpoint.host().unwrap_or_default();
        let port = endpoint.port_u16().unwrap_or(80);
        let address = format!("{host}:{port}");
        let uri = format!("http://{address}{EXPORT_PATH}")
            .parse()
            .map_err(|e| Error::new(format!("otlp endpoint {endpoint}: {e}")))?;
        let mut metadata = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::try_from(name.to_ascii_lowercase())
                .map_err(|_| Error::new(format!("otlp header {name:?}: not a header name")))?;
            let value = HeaderValue::try_from(value.as_str()).map_err(|_| {
                Error::new(format!(
                    "otlp header {name}: {value:?} is not a header value"
                ))
            })?;
            metadata.insert(name, value);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Grpc {
            runtime,
            address,
            uri,
            headers: metadata,
            timeout,
            compression,
            compressed: Vec::new(),
            client: None,
        })
    }

    /// One attempt to export `request`, an `ExportLogsServiceRequest`. A kept connection
    /// that turns out closed is replaced at once, within the attempt.
    pub(crate) fn export(&mut self, request: &[u8]) -> Outcome {
        let gzipped = self.compression == Compression::Gzip;
        let message = if gzipped {
            gzip(request, &mut self.compressed);
            &self.compressed
        } else {
            request
        };
        let framed = frame(message, gzipped);
        let reused = self.client.is_some();
        let mut answer = self.call(framed.clone());
        if answer.is_err() && reused {
            answer = self.call(framed);
        }
        match answer {
            Ok(answer) => outcome(answer),
            Err(why) => Outcome::Retry { after: None, why },
        }
    }

    /// Sends one call and reads its answer, on the kept connection or a new one.
    fn call(&mut self, framed: Bytes) -> Result<Answer, String> {
        let mut request = Request::post(self.uri.clone())
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .header(
                "user-agent",
                concat!("hooklog-otlp/", env!("CARGO_PKG_VERSION")),
            );
        if self.compression == Compression::Gzip {
            request = request.header("grpc-encoding", "gzip");
        }
        let mut request = request.body(()).map_err(|e| e.to_string())?;
        request.headers_mut().extend(self.headers.clone());
        let client = self.client.take();
        let exchange = exchange(client, &self.address, request, framed);
        let timeout = self.timeout;
        match self
            .runtime
            .block_on(async move { tokio::time::timeout(timeout, exchange).await })
        {
            Ok(Ok((answer, client))) => {
                self.client = Some(client);
                Ok(answer)
            }
            Ok(Err(why)) => Err(why),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }
}

/// A gRPC message: its compressed flag, its length, its bytes.
fn frame(message: &[u8], compressed: bool) -> Bytes {
    let mut framed = Vec::with_capacity(5 + message.len());
    framed.push(u8::from(compressed));
    framed.extend_from_slice(
        &u32::try_from(message.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    framed.extend_from_slice(message);
    Bytes::from(framed)
}

/// Sends `request` with `framed` as its body on `client` (or a new connection to
/// `address`), and reads the whole answer.
async fn exchange(
    client: Option<SendRequest<Bytes>>,
    address: &str,
    request: Request<()>,
    framed: Bytes,
) -> Result<(Answer, SendRequest<Bytes>), String> {
    let client = match client {
        Some(client) => client,
        None => connect(address).await?,
    };
    let mut client = client.ready().await.map_err(|e| e.to_string())?;
    let (response, mut stream) = client
        .send_request(request, false)
        .map_err(|e| e.to_string())?;
    stream.send_data(framed, true).map_err(|e| e.to_string())?;
    let response = response.await.map_err(|e| e.to_string())?;
    let (parts, mut received) = response.into_parts();
    let mut body = Vec::new();
    while let Some(chunk) = received.data().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        let _ = received.flow_control().release_capacity(chunk.len());
        if body.len() < MAX_RESPONSE {
            body.extend_from_slice(&chunk);
        }
    }
    let trailers = received.trailers().await.map_err(|e| e.to_string())?;
    let answer = Answer {
        status: parts.status,
        headers: parts.headers,
        body,
        trailers,
    };
    Ok((answer, client))
}

/// A new HTTP/2 connection to `address`, driven by a task on the worker's runtime.
async fn connect(address: &str) -> Result<SendRequest<Bytes>, String> {
    let tcp = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| format!("connecting to {address}: {e}"))?;
    let _ = tcp.set_nodelay(true);
    let (client, connection) = h2::client::handshake(tcp)
        .await
        .map_err(|e| format!("HTTP/2 with {address}: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// What an answer means: the gRPC status from the trailers (or the headers of a
/// trailers-only answer); OK with the response's `partial_success`; the transient
/// statuses the OTLP specification lists retried, after the server's `RetryInfo` if it
/// sent one (and `RESOURCE_EXHAUSTED` only then); the others refused.
fn outcome(answer: Answer) -> Outcome {
    if answer.status != StatusCode::OK {
        let status = answer.status.as_u16();
        return Outcome::of_http_error(status, None, format!("HTTP {status}"));
    }
    let metadata = answer
        .trailers
        .as_ref()
        .filter(|trailers| trailers.contains_key("grpc-status"))
        .unwrap_or(&answer.headers);
    let Some(code) = metadata
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u32>().ok())
    else {
        return Outcome::Retry {
            after: None,
            why: "an answer without a grpc-status".to_owned(),
        };
    };
    let message = metadata
        .get("grpc-message")
        .and_then(|v| v.to_str().ok())
        .map(percent_decoded)
        .unwrap_or_default();
    let retry_delay = metadata
        .get("grpc-status-details-bin")
        .and_then(|v| base64_decoded(v.as_bytes()))
        .and_then(|status| proto::retry_delay(&status));
    let why = format!("gRPC status {code} ({}): {message}", code_name(code));
    match code {
        0 => {
            // The response message: compressed flag (never set: no compression was
            // offered), length, bytes.
            let response = answer.body.get(5..).unwrap_or_default();
            let (rejected, message) = proto::partial_success(response).unwrap_or_default();
            Outcome::Accepted { rejected, message }
        }
        1 | 4 | 10 | 11 | 14 | 15 => Outcome::Retry {
            after: retry_delay,
            why,
        },
        8 if retry_delay.is_some() => Outcome::Retry {
            after: retry_delay,
            why,
        },
        _ => Outcome::Refused { why },
    }
}

/// The name of a gRPC status code.
fn code_name(code: u32) -> &'static str {
    const NAMES: [&str; 17] = [
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    ];
    NAMES.get(code as usize).copied().unwrap_or("unknown code")
}

/// A `grpc-message`, whose bytes outside printable ASCII are percent-encoded.
fn percent_decoded(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let hex = tail.get(..2).and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) if b == b'%' => {
                bytes.push(byte);
                rest = &tail[2..];
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Standard base64, padded or not (`-bin` metadata); `None` if it is not.
fn base64_decoded(text: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for &c in text.iter().take_while(|&&c| c != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = bits << 6 | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
        }
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_framed_with_their_flag_and_length() {
        assert_eq!(&frame(b"abc", false)[..], b"\0\0\0\0\x03abc");
        assert_eq!(&frame(b"", true)[..], b"\x01\0\0\0\0");
    }

    #[test]
    fn base64_and_percent_encoding_decode() {
        assert_eq!(base64_decoded(b"aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(base64_decoded(b"aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(base64_decoded(b"a*"), None);
        assert_eq!(percent_decoded("bad%20value%"), "bad value%");
    }

    #[test]
    fn transient_statuses_are_retried_and_others_refused() {
        let answer = |code: &str| Answer {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Vec::new(),
            trailers: Some(HeaderMap::from_iter([(
                HeaderName::from_static("grpc-status"),
                HeaderValue::from_str(code).unwrap(),
            )])),
        };
        for code in ["1", "4", "10", "11", "14", "15"] {
            assert!(
                matches!(outcome(answer(code)), Outcome::Retry { .. }),
                "{code}"
            );
        }
        for code in ["2", "3", "5", "7", "8", "16"] {
            assert!(
                matches!(outcome(answer(code)), Outcome::Refused { .. }),
                "{code}"
            );
        }
        assert!(matches!(
            outcome(answer("0")),
            Outcome::Accepted { rejected: 0, .. }
        ));
    }
}
