//! What a message holds and how long it may be, and what gives way first: the message is
//! kept over the structured data, RFC 3164 stops at its 1,024 bytes, UDP at a datagram.

use std::net::UdpSocket;
use std::sync::{Arc, Mutex};

use hooklog::{Entry, Error, Hook, Logger};
use hooklog_syslog::{SyslogFormat, SyslogHook, Transport};

/// Keeps what the hook would send for each record.
struct Encoded(SyslogHook, Mutex<Vec<String>>);

impl Hook for Encoded {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let message = self.0.encode(entry);
        self.1.lock().unwrap().push(message);
        Ok(())
    }
}

/// What `hook` sends for `message` with 100 fields of 40 bytes each.
fn encode(hook: SyslogHook, message: &str) -> String {
    let encoded = Arc::new(Encoded(hook, Mutex::default()));
    let logger = Logger::builder()
        .no_out()
        .hook(Arc::clone(&encoded))
        .build();
    let mut entry = logger.entry();
    for i in 0..100 {
        entry = entry.with_field(format!("field{i:03}"), "v".repeat(30));
    }
    entry.info(message);
    encoded.1.lock().unwrap().pop().unwrap()
}

fn builder() -> hooklog_syslog::SyslogHookBuilder {
    SyslogHook::builder()
        .transport(Transport::Udp("127.0.0.1:9".into()))
        .hostname("h")
        .app_name("a")
        .procid("1")
}

#[test]
fn many_fields_never_cut_the_message_away() {
    let message = "payment failed: card declined by the issuer after three attempts";
    let hook = builder().max_message_len(1024).build().unwrap();
    let sent = encode(hook, message);
    assert!(sent.len() <= 1024, "{} bytes", sent.len());
    assert!(sent.ends_with(message), "{sent}");
    // The structured data keeps the params that fit, whole.
    assert!(sent.contains("[hooklog@32473 field000=\""), "{sent}");
    assert!(sent.contains("\"] payment failed"), "{sent}");
}

#[test]
fn an_error_chain_is_one_param_its_messages_joined() {
    let encoded = Arc::new(Encoded(builder().build().unwrap(), Mutex::default()));
    let logger = Logger::builder()
        .no_out()
        .hook(Arc::clone(&encoded))
        .build();
    let err = hooklog_test::caused_error();
    logger.with_error(&err).error("charge failed");
    let sent = encoded.1.lock().unwrap().pop().unwrap();
    assert!(
        sent.contains(r#"error="card network unreachable: connection reset""#),
        "{sent}"
    );
}

#[test]
fn rfc3164_stops_at_its_1024_bytes() {
    let hook = builder().format(SyslogFormat::Rfc3164).build().unwrap();
    let sent = encode(hook, &"m".repeat(2000));
    assert_eq!(sent.len(), 1024);
}

#[test]
fn udp_stops_at_a_datagram_and_the_datagram_goes_out() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    // A datagram that never comes fails the test rather than hanging it.
    receiver
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let address = receiver.local_addr().unwrap().to_string();
    let hook = SyslogHook::builder()
        .transport(Transport::Udp(address))
        .max_message_len(1 << 20)
        .build()
        .unwrap();
    let logger = Logger::builder().no_out().hook(hook).build();
    logger.info("x".repeat(100_000));
    let mut datagram = vec![0u8; 1 << 17];
    let n = receiver.recv(&mut datagram).unwrap();
    assert_eq!(n, 65_507);
    assert!(datagram[..n].ends_with(b"xxxx"));
}
