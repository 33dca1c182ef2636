//! A real HTTP service where every request gets its own group logger: its trail goes to
//! `logs/requests/<path>/<method>-<time>-<id>.log`, and every record also goes to a
//! shared daily file `logs/service-<date>.log`.
//!
//! `cargo run --example service -- [ADDR] [LOG_DIR]` (default `127.0.0.1:8080` and
//! `logs`); it prints `LISTENING <addr>` and serves until SIGTERM or SIGINT, which flush
//! every file. Set `HOOKLOG_ENV=development` to log to the terminal instead.
//!
//! Routes: `GET /api/users/<id>`, `POST /api/orders`, anything else is a 404.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use hooklog::{Error, JsonFormatter, Level, TextFormatter, fields, log_fields};
use hooklog_file::{FileHook, RollingWriter};
use hooklog_group::{Build, Env, GroupFactory, GroupLogger, OutputSpec, Params};

fn factory(dir: &str) -> Result<GroupFactory, Error> {
    GroupFactory::builder()
        .env(Env::from_env()?)
        .level(Level::Debug)
        .param("dir", dir)
        .field("service", "example")
        // Shared by every request: one JSON file per day.
        .output(OutputSpec::new("daily", |p| {
            let path = format!("{}/service-%Y-%m-%d.log", p.get("dir").unwrap_or("logs"));
            Ok(
                FileHook::new(RollingWriter::builder(path).build()?)
                    .formatter(JsonFormatter::new()),
            )
        }))
        // Built for each request from its params; the request path is sanitised so it
        // cannot leave the log directory.
        .output(
            OutputSpec::new("request", |p| {
                let path = format!(
                    "{}/requests/{}/{}-{}-{}.log",
                    p.get("dir").unwrap_or("logs"),
                    p.component("path"),
                    p.component("method"),
                    p.component("time"),
                    p.component("request_id"),
                );
                // `%` cannot reach the pattern: components turn it into `_`.
                Ok(FileHook::new(RollingWriter::builder(path).build()?)
                    .formatter(TextFormatter::new().disable_colors(true)))
            })
            .build(Build::PerGroup),
        )
        // The time in the file name is taken when the output is built.
        .on_build(|name, params| {
            if name == "request" {
                let now = jiff::Timestamp::now()
                    .strftime("%Y%m%dT%H%M%S%.3f")
                    .to_string();
                params.insert("time", now.replace('.', ""));
            }
        })
        .on_start(|group| {
            let _ = group.info("request started");
        })
        .on_close(|group, elapsed| {
            if let Ok(logger) = group.logger() {
                log_fields!(logger; "duration_ms" => elapsed.as_secs_f64() * 1000.0)
                    .info("request finished");
            }
        })
        .build()
}

fn handle(group: &GroupLogger, method: &str, path: &str) -> Result<(u16, String), Error> {
    let log = group.logger()?;
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    Ok(match (method, parts.as_slice()) {
        ("GET", ["api", "users", id]) => {
            log_fields!(log; "user_id" => id.to_string()).debug("looking up user");
            log_fields!(log; "user_id" => id.to_string(), "found" => true).info("user served");
            (200, format!("{{\"id\":\"{id}\"}}"))
        }
        ("POST", ["api", "orders"]) => {
            log_fields!(log; "items" => 3).info("order accepted");
            (201, "{\"order\":\"created\"}".to_owned())
        }
        _ => {
            log_fields!(log; "status" => 404).warn("no such route");
            (404, "not found".to_owned())
        }
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(1).map_or("127.0.0.1:8080", String::as_str);
    let dir = args.get(2).map_or("logs", String::as_str);
    hooklog::flush_on_signals()?;
    let factory = factory(dir)?;
    let server = tiny_http::Server::http(addr).map_err(|e| e.to_string())?;
    println!("LISTENING {}", server.server_addr());
    let next_id = Arc::new(AtomicU64::new(1));
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let (server, factory, next_id) = (&server, &factory, &next_id);
            scope.spawn(move || {
                for request in server.incoming_requests() {
                    let id = format!("r{}", next_id.fetch_add(1, Ordering::Relaxed));
                    let method = request.method().to_string();
                    let path = request.url().to_owned();
                    let params = Params::new()
                        .with("request_id", &id)
                        .with("method", &method)
                        .with("path", &path);
                    let fields = fields! { "request_id" => id.clone(), "method" => method.clone(), "path" => path.clone() };
                    let (status, body) = match factory.create(params, fields) {
                        Ok(group) => {
                            let result = group.start().and_then(|()| handle(&group, &method, &path));
                            let _ = group.close();
                            result.unwrap_or_else(|e| (500, e.to_string()))
                        }
                        Err(e) => (500, e.to_string()),
                    };
                    let response = tiny_http::Response::from_string(body)
                        .with_status_code(status)
                        .with_header(
                            tiny_http::Header::from_bytes("X-Request-Id", id.as_bytes())
                                .expect("a valid header"),
                        );
                    let _ = request.respond(response);
                }
            });
        }
    });
    Ok(())
}
