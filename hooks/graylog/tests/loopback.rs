//! What the hook sends, received on loopback sockets and decoded field by field.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, UdpSocket};
use std::time::Duration;

use hooklog::{Hook, Logger};
use hooklog_graylog::{CHUNK_HEADER, GraylogHook, MAX_CHUNKS};
use serde_json::Value as Json;

/// Receives one whole GELF message: a datagram, or chunks reassembled; gunzipped.
fn receive(socket: &UdpSocket) -> (Json, usize) {
    let mut parts: HashMap<[u8; 8], Vec<Option<Vec<u8>>>> = HashMap::new();
    let mut buf = vec![0u8; 65536];
    loop {
        let n = socket.recv(&mut buf).expect("a datagram");
        let datagram = &buf[..n];
        let (payload, chunks) = if datagram.starts_with(&[0x1e, 0x0f]) {
            let id: [u8; 8] = datagram[2..10].try_into().unwrap();
            let (seq, count) = (datagram[10] as usize, datagram[11] as usize);
            assert!(count <= MAX_CHUNKS);
            let slots = parts.entry(id).or_insert_with(|| vec![None; count]);
            slots[seq] = Some(datagram[CHUNK_HEADER..].to_vec());
            if slots.iter().any(Option::is_none) {
                continue;
            }
            let whole: Vec<u8> = slots.iter().flatten().flatten().copied().collect();
            (whole, count)
        } else {
            (datagram.to_vec(), 1)
        };
        let text = if payload.starts_with(&[0x1f, 0x8b]) {
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(&payload[..])
                .read_to_end(&mut text)
                .unwrap();
            text
        } else {
            payload
        };
        return (serde_json::from_slice(&text).unwrap(), chunks);
    }
}

fn udp_pair(compress: bool) -> (UdpSocket, Logger) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let hook = GraylogHook::udp(socket.local_addr().unwrap().to_string())
        .host("web-1")
        .compress(compress)
        .build()
        .unwrap();
    (
        socket,
        Logger::builder().out(std::io::sink()).hook(hook).build(),
    )
}

/// Text that does not compress: a simple generator's letters.
fn noise(len: usize) -> String {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (b'a' + (state % 26) as u8) as char
        })
        .collect()
}

#[test]
fn a_small_message_is_one_datagram() {
    let (socket, logger) = udp_pair(false);
    logger.with_field("order", 1042).warn("paid\nwith a note");
    let (record, chunks) = receive(&socket);
    assert_eq!(chunks, 1);
    assert_eq!(record["version"], "1.1");
    assert_eq!(record["host"], "web-1");
    assert_eq!(record["short_message"], "paid");
    assert_eq!(record["full_message"], "paid\nwith a note");
    assert_eq!(record["level"], 4);
    assert_eq!(record["_order"], 1042);
    assert!(record["timestamp"].as_f64().unwrap() > 1.7e9);
}

#[test]
fn a_large_message_is_chunked_and_reassembled() {
    let (socket, logger) = udp_pair(false);
    let big = noise(20_000);
    logger.with_field("blob", big.clone()).info("large");
    let (record, chunks) = receive(&socket);
    assert!(chunks > 10, "{chunks} chunks");
    assert_eq!(record["_blob"], big);
    assert_eq!(record["short_message"], "large");
}

#[test]
fn gzip_shrinks_what_compresses() {
    let (socket, logger) = udp_pair(true);
    let repetitive = "abc".repeat(10_000);
    logger
        .with_field("blob", repetitive.clone())
        .info("compressed");
    let (record, chunks) = receive(&socket);
    assert_eq!(chunks, 1);
    assert_eq!(record["_blob"], repetitive);
}

#[test]
fn a_message_too_large_for_128_chunks_is_not_sent_broken() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let hook = GraylogHook::udp(socket.local_addr().unwrap().to_string())
        .build()
        .unwrap();
    let logger = Logger::builder().out(std::io::sink()).build();
    let mut entry = logger.with_field("blob", noise(200_000));
    let err = hook.fire(&mut entry).unwrap_err().to_string();
    assert!(err.contains("more than the 128 allowed: not sent"), "{err}");
    let mut buf = [0u8; 2048];
    assert!(
        socket.recv(&mut buf).is_err(),
        "a chunk of a broken message was sent"
    );
}

#[test]
fn tcp_messages_end_in_nul() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let hook = GraylogHook::tcp(listener.local_addr().unwrap().to_string())
        .host("web-2")
        .build()
        .unwrap();
    let (stream, _) = listener.accept().unwrap();
    let logger = Logger::builder().out(std::io::sink()).hook(hook).build();
    logger.with_field("n", 1).info("first");
    logger.with_field("n", 2).error("second");
    let mut reader = BufReader::new(stream);
    let mut records = Vec::new();
    for _ in 0..2 {
        let mut message = Vec::new();
        reader.read_until(0, &mut message).unwrap();
        assert_eq!(message.pop(), Some(0));
        records.push(serde_json::from_slice::<Json>(&message).unwrap());
    }
    assert_eq!(records[0]["short_message"], "first");
    assert_eq!(records[1]["level"], 3);
    assert_eq!(records[1]["host"], "web-2");
    assert_eq!(records[1]["_n"], 2);
}

#[test]
fn unreachable_tcp_is_a_clear_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = GraylogHook::tcp(format!("127.0.0.1:{port}"))
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!("graylog 127.0.0.1:{port}:")),
        "{err}"
    );
}
