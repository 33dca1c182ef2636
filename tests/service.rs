//! `examples/service.rs` under real HTTP traffic: each request's file holds exactly that
//! request's records, and the shared daily file holds all of them.
#![allow(unsafe_code, reason = "SIGTERM sent to the service the test started")]

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A path's file name.
fn name(path: &Path) -> &str {
    path.file_name().unwrap().to_str().unwrap()
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Sends a raw request (no client-side path normalisation) and returns the request id.
fn raw_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .lines()
        .find_map(|l| l.strip_prefix("X-Request-Id: "))
        .unwrap_or_else(|| panic!("{response}"))
        .trim()
        .to_owned()
}

#[test]
fn each_request_has_its_own_trail_and_the_shared_file_has_all() {
    let dir = std::env::temp_dir().join(format!("hooklog-service-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = Command::new(common::example("service"))
        .args(["127.0.0.1:0", dir.to_str().unwrap()])
        .env_remove("HOOKLOG_ENV")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the service starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("LISTENING ")
        .expect("LISTENING line")
        .to_owned();

    // Concurrent traffic through a real HTTP client.
    let requests: Vec<(String, String, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let addr = &addr;
                s.spawn(move || {
                    let agent = ureq::Agent::new_with_defaults();
                    let mut seen = Vec::new();
                    for i in 0..8 {
                        let (method, path) = match i % 3 {
                            0 => ("GET", format!("/api/users/{t}{i}")),
                            1 => ("POST", "/api/orders".to_owned()),
                            _ => ("GET", "/missing".to_owned()),
                        };
                        let url = format!("http://{addr}{path}");
                        let response = match method {
                            "GET" => agent
                                .get(&url)
                                .config()
                                .http_status_as_error(false)
                                .build()
                                .call(),
                            _ => agent
                                .post(&url)
                                .config()
                                .http_status_as_error(false)
                                .build()
                                .send(""),
                        }
                        .expect("request answered");
                        let id = response
                            .headers()
                            .get("X-Request-Id")
                            .unwrap()
                            .to_str()
                            .unwrap()
                            .to_owned();
                        seen.push((id, method.to_owned(), path));
                    }
                    seen
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let escape_id = raw_get(&addr, "/../../escape");

    // SIGTERM: the service flushes every file and exits 143.
    // SAFETY: signals the child this test started.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    assert_eq!(child.wait().unwrap().code(), Some(143));

    let files = files_below(&dir);
    for file in &files {
        assert!(file.starts_with(&dir), "{}", file.display());
    }
    let daily: Vec<&PathBuf> = files
        .iter()
        .filter(|f| name(f).starts_with("service-"))
        .collect();
    assert_eq!(daily.len(), 1, "{files:?}");
    let mut shared_per_request: HashMap<String, usize> = HashMap::new();
    for line in std::fs::read_to_string(daily[0]).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["service"], "example");
        *shared_per_request
            .entry(record["request_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }

    let mut checked = HashSet::new();
    for (id, method, path) in
        requests
            .iter()
            .cloned()
            .chain([(escape_id.clone(), "GET".into(), "/../../escape".into())])
    {
        let mine: Vec<&PathBuf> = files
            .iter()
            .filter(|f| name(f).ends_with(&format!("-{id}.log")))
            .collect();
        assert_eq!(mine.len(), 1, "request {id}: {mine:?}");
        let file = mine[0];
        let expected_dir = dir
            .join("requests")
            .join(hooklog_file::sanitize_component(&path));
        assert_eq!(file.parent().unwrap(), expected_dir);
        assert!(name(file).starts_with(&format!("{method}-")));
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() >= 3, "{id}: {text}");
        assert!(
            lines
                .iter()
                .all(|l| l.contains(&format!("request_id={id} "))),
            "{id}: {text}"
        );
        assert!(lines[0].contains("msg=\"request started\""), "{text}");
        assert!(
            lines.last().unwrap().contains("msg=\"request finished\""),
            "{text}"
        );
        assert!(lines.last().unwrap().contains("duration_ms="), "{text}");
        assert_eq!(shared_per_request.get(&id), Some(&lines.len()), "{id}");
        checked.insert(id);
    }
    assert_eq!(checked.len(), 33);
    assert_eq!(shared_per_request.len(), 33);
    println!(
        "{}",
        files
            .iter()
            .map(|f| f.strip_prefix(&dir).unwrap().display().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
