//! The fastest receiver there can be: takes each OTLP/HTTP request, reads its body and
//! answers 200 with an empty body, counting the bytes. For benchmarks and allocation
//! tests, where what is measured must be the exporter, not the receiver.
#![allow(dead_code)] // each user takes a part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// A sink listening on a free loopback port.
pub(crate) struct Sink {
    pub(crate) url: String,
    /// Request body bytes received.
    pub(crate) bytes: Arc<AtomicU64>,
    /// While set, requests wait for their answer.
    held: Arc<AtomicBool>,
}

impl Sink {
    pub(crate) fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1/logs", listener.local_addr().unwrap());
        let bytes = Arc::new(AtomicU64::new(0));
        let held = Arc::new(AtomicBool::new(false));
        let (counted, hold) = (bytes.clone(), held.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (counted, hold) = (counted.clone(), hold.clone());
                std::thread::spawn(move || serve(stream, &counted, &hold));
            }
        });
        Sink { url, bytes, held }
    }

    /// Holds every answer until [`release`](Sink::release): the exporter waits, as for a
    /// slow receiver.
    pub(crate) fn hold(&self) {
        self.held.store(true, Ordering::Relaxed);
    }

    pub(crate) fn release(&self) {
        self.held.store(false, Ordering::Relaxed);
    }
}

/// Answers the requests of one connection until it closes.
fn serve(stream: std::net::TcpStream, bytes: &AtomicU64, held: &AtomicBool) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        let mut length = 0;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        body.resize(length, 0);
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        bytes.fetch_add(length as u64, Ordering::Relaxed);
        while held.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let answer =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
        if writer.write_all(answer).is_err() {
            return;
        }
    }
}
