//! The syslog hook against a real rsyslogd: each test starts its own `rsyslogd -n` with
//! a temporary configuration on free loopback ports and a unix socket in a temporary
//! directory, and reads back what rsyslog parsed.
#![allow(unsafe_code, reason = "SIGTERM sent to the rsyslogd the test started")]

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hooklog::{AsyncHook, JsonFormatter, Logger};
use hooklog_syslog::{Facility, Framing, SyslogFormat, SyslogHook, Transport};

/// The rsyslogd binary, or `None` (a failure when `HOOKLOG_REQUIRE_SERVERS=1`).
fn rsyslogd() -> Option<PathBuf> {
    let found = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("HOOKLOG_REQUIRE_SERVERS").is_none_or(|v| v != "1"),
            "rsyslogd is not installed and HOOKLOG_REQUIRE_SERVERS=1 (scripts/test installs it)"
        );
        eprintln!("rsyslogd is not installed: skipping (scripts/test installs it)");
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One rsyslogd with UDP, TCP and a unix socket, writing what it parses to `out.log`.
struct Rsyslog {
    dir: PathBuf,
    udp: u16,
    tcp: u16,
    child: Option<Child>,
}

impl Rsyslog {
    fn start(name: &str) -> Option<Rsyslog> {
        rsyslogd()?;
        let dir =
            std::env::temp_dir().join(format!("hooklog-rsyslog-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let mut server = Rsyslog {
            dir,
            udp: free_port(),
            tcp: free_port(),
            child: None,
        };
        server.write_config();
        server.launch();
        Some(server)
    }

    fn write_config(&self) {
        let dir = self.dir.display();
        let config = format!(
            r#"global(workDirectory="{dir}" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
input(type="imudp" address="127.0.0.1" port="{udp}")
input(type="imtcp" address="127.0.0.1" port="{tcp}")
input(type="imuxsock" Socket="{dir}/log.sock" CreatePath="on" UseSpecialParser="off" ParseHostname="on")
template(name="fields" type="string" string="%syslogseverity%|%syslogfacility%|%app-name%|%procid%|%hostname%|%structured-data%|%msg%\n")
*.* action(type="omfile" file="{dir}/out.log" template="fields")
"#,
            udp = self.udp,
            tcp = self.tcp
        );
        fs::write(self.dir.join("rsyslog.conf"), config).unwrap();
    }

    fn launch(&mut self) {
        let child = Command::new(rsyslogd().unwrap())
            .arg("-n")
            .arg("-f")
            .arg(self.dir.join("rsyslog.conf"))
            .arg("-i")
            .arg(self.dir.join("rsyslog.pid"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("rsyslogd starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.tcp)).is_err() || !self.socket().exists() {
            assert!(Instant::now() < deadline, "rsyslogd did not come up");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops rsyslogd (SIGTERM) and waits for it.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: signals the child this test started.
            unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
            child.wait().unwrap();
        }
    }

    fn socket(&self) -> PathBuf {
        self.dir.join("log.sock")
    }

    /// The parsed lines once there are `count` of them (waits up to 20 s).
    fn lines(&self, count: usize) -> Vec<String> {
        let path = self.dir.join("out.log");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let lines: Vec<String> = fs::read_to_string(&path)
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect();
            if lines.len() >= count || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        self.stop();
    }
}

fn hook(transport: Transport) -> hooklog_syslog::SyslogHookBuilder {
    SyslogHook::builder()
        .transport(transport)
        .hostname("testhost")
        .app_name("hooklog-test")
        .procid("4242")
        .utc(true)
}

fn logger(hook: SyslogHook) -> Logger {
    Logger::builder()
        .out(std::io::sink())
        .level(hooklog::Level::Trace)
        .hook(hook)
        .build()
}

/// Logs one record at each level with hostile content, over each transport, and checks
/// what rsyslog parsed.
fn check_transport(name: &str, transport: impl Fn(&Rsyslog) -> Transport) {
    let Some(server) = Rsyslog::start(name) else {
        return;
    };
    let logger = logger(
        hook(transport(&server))
            .facility(Facility::Local3)
            .build()
            .unwrap(),
    );
    let nasty = "quote \" backslash \\ bracket ] newline \n end é ✓";
    logger
        .with_field("user id", "alice")
        .with_field("note", nasty)
        .with_field("n", 7)
        .error(nasty);
    logger.warn("w");
    logger.info("i");
    logger.debug("d");
    logger.trace("t");
    logger.flush().unwrap();
    let lines = server.lines(5);
    println!("{name}: {lines:#?}");
    assert_eq!(lines.len(), 5, "{lines:?}");
    let expected_msg = "quote \" backslash \\ bracket ] newline #012 end é ✓";
    assert_eq!(
        lines[0],
        format!(
            "3|19|hooklog-test|4242|testhost|[hooklog@32473 user_id=\"alice\" note=\"quote \\\" backslash \\\\ bracket \\] newline \n end é ✓\" n=\"7\"]|{expected_msg}"
        )
        .replace('\n', "#012")
    );
    let severities: Vec<&str> = lines.iter().map(|l| l.split('|').next().unwrap()).collect();
    assert_eq!(severities, ["3", "4", "6", "7", "7"]);
    assert!(lines[1..].iter().all(|l| l.contains("|-|")), "{lines:?}");
}

#[test]
fn rfc5424_over_udp() {
    check_transport("udp", |s| Transport::Udp(format!("127.0.0.1:{}", s.udp)));
}

#[test]
fn rfc5424_over_tcp_octet_counting() {
    check_transport("tcp", |s| {
        Transport::Tcp(format!("127.0.0.1:{}", s.tcp), Framing::OctetCounting)
    });
}

#[test]
fn rfc5424_over_a_unix_socket() {
    check_transport("unix", |s| Transport::Unix(s.socket()));
}

#[test]
fn newline_framing_and_rfc3164() {
    let Some(server) = Rsyslog::start("lf") else {
        return;
    };
    let transport = Transport::Tcp(format!("127.0.0.1:{}", server.tcp), Framing::NewLine);
    let logger = logger(hook(transport).build().unwrap());
    logger.with_field("k", "v").info("two\nlines");
    let bsd = hook(Transport::Udp(format!("127.0.0.1:{}", server.udp)))
        .format(SyslogFormat::Rfc3164)
        .facility(Facility::Daemon)
        .build()
        .unwrap();
    logger.add_hook(bsd);
    logger.with_field("k", "two words").warn("bsd style");
    logger.flush().unwrap();
    let mut lines = server.lines(3);
    lines.sort();
    println!("{lines:#?}");
    assert!(
        lines.contains(
            &"6|1|hooklog-test|4242|testhost|[hooklog@32473 k=\"v\"]|two\\nlines".to_owned()
        ),
        "{lines:?}"
    );
    // rsyslog keeps the space after an RFC 3164 tag as part of the message.
    assert!(
        lines.contains(&"4|3|hooklog-test|4242|testhost|-| bsd style k=\"two words\"".to_owned()),
        "{lines:?}"
    );
}

#[test]
fn a_json_message_and_truncation_at_a_character_boundary() {
    let Some(server) = Rsyslog::start("json") else {
        return;
    };
    let transport = Transport::Udp(format!("127.0.0.1:{}", server.udp));
    let json = logger(
        hook(transport.clone())
            .message_formatter(JsonFormatter::new().disable_timestamp(true))
            .build()
            .unwrap(),
    );
    json.with_field("order", 17).info("paid");
    let short = logger(hook(transport).max_message_len(120).build().unwrap());
    short.info("é".repeat(200));
    let lines = server.lines(2);
    println!("{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(r#"|{"level":"info","msg":"paid","order":17}"#)),
        "{lines:?}"
    );
    let cut = lines.iter().find(|l| l.contains('é')).unwrap();
    let msg = cut.rsplit('|').next().unwrap();
    assert!(!msg.is_empty() && msg.chars().all(|c| c == 'é'), "{msg:?}");
}

#[test]
fn tcp_outage_buffers_and_delivers_after_restart() {
    let Some(mut server) = Rsyslog::start("outage") else {
        return;
    };
    let transport = Transport::Tcp(format!("127.0.0.1:{}", server.tcp), Framing::OctetCounting);
    let logger = Logger::builder()
        .out(std::io::sink())
        .hook(AsyncHook::new(
            hook(transport).buffer_bytes(64 * 1024).build().unwrap(),
        ))
        .build();
    for n in 0..100 {
        hooklog::info!(logger, "before {}", n; "n" => n);
    }
    logger.flush().unwrap();
    assert_eq!(server.lines(100).len(), 100);

    server.stop();
    for n in 0..100 {
        hooklog::info!(logger, "during {}", n; "n" => n);
    }
    // The flush cannot deliver while the server is down, and says so.
    let err = logger.flush().unwrap_err().to_string();
    assert!(err.contains("still buffered"), "{err}");

    server.launch();
    logger.flush().unwrap();
    let lines = server.lines(200);
    assert_eq!(
        lines.len(),
        200,
        "{:?}",
        &lines[lines.len().saturating_sub(5)..]
    );
    let during: Vec<&String> = lines.iter().filter(|l| l.contains("|during ")).collect();
    assert_eq!(during.len(), 100);
    for (n, line) in during.iter().enumerate() {
        assert!(line.ends_with(&format!("|during {n}")), "{line}");
    }
}

#[test]
fn bad_destinations_are_clear_errors() {
    let err = SyslogHook::builder()
        .transport(Transport::Unix(Path::new("/nonexistent/log.sock").into()))
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/log.sock"), "{err}");
    let (_bound, port) = hooklog_test::refusing_port();
    let err = SyslogHook::builder()
        .transport(Transport::Tcp(
            format!("127.0.0.1:{port}"),
            Framing::OctetCounting,
        ))
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    let err = SyslogHook::builder()
        .transport(Transport::Udp("not an address".into()))
        .build()
        .unwrap_err()
        .to_string();
    assert!(!err.is_empty());
    let err = SyslogHook::builder()
        .transport(Transport::Udp("127.0.0.1:514".into()))
        .sd_id("bad id")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a valid SD-NAME"), "{err}");
}
