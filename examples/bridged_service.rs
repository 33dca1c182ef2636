//! A small HTTP service whose own records and its dependencies' all reach hooklog,
//! filtered by target: the service logs through hooklog's macros and through `tracing`
//! (`#[instrument]` spans), tiny_http (the server) and ureq (the client that calls it)
//! log through `log`.
//!
//! `cargo run --example bridged_service --features log` serves three requests on a free
//! loopback port and exits. The filter comes from `HOOKLOG_LOG` (or `RUST_LOG`), the
//! format from `HOOKLOG_FORMAT`; without them it is `info,tiny_http=debug,ureq=warn`:
//! tiny_http's debug records show, ureq's do not. Try
//! `HOOKLOG_LOG=debug HOOKLOG_FORMAT=json cargo run --example bridged_service --features log`.

use hooklog::{Filter, TextFormatter, info, log_fields, warn};
use tracing_subscriber::layer::SubscriberExt;

/// Handles one request: a `tracing` span with the method and path, and records from both
/// hooklog and `tracing` inside it.
#[tracing::instrument(skip(request), fields(method = %request.method(), path = request.url()))]
fn handle(request: &mut tiny_http::Request) -> u16 {
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let status = if request.url().starts_with("/api/") {
        200
    } else {
        404
    };
    tracing::info!(status, bytes = body.len(), "handled");
    if status == 404 {
        warn!("no route"; "path" => request.url());
    }
    status
}

fn main() -> Result<(), hooklog::Error> {
    // The global logger from the environment; the `log` bridge comes with it.
    hooklog::set_out(std::io::stdout());
    hooklog::try_init()?;
    if std::env::var_os("HOOKLOG_LOG").is_none() && std::env::var_os("RUST_LOG").is_none() {
        let filter: Filter = "info,tiny_http=debug,ureq=warn"
            .parse()
            .map_err(hooklog::Error::new)?;
        hooklog::set_filter(filter);
    }
    if std::env::var_os("HOOKLOG_FORMAT").is_none() {
        // Text that names each record's target, to show where records come from.
        hooklog::set_formatter(
            TextFormatter::new()
                .disable_colors(true)
                .report_target(true),
        );
    }
    // `tracing` events to the global logger too.
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(hooklog_tracing::global_layer()),
    )
    .map_err(hooklog::Error::new)?;

    let server = tiny_http::Server::http("127.0.0.1:0").map_err(hooklog::Error::new)?;
    let addr = server.server_addr().to_string();
    info!("listening"; "addr" => addr.as_str());
    let client = std::thread::spawn(move || {
        for path in ["/api/users/7", "/api/orders", "/missing"] {
            let url = format!("http://{addr}{path}");
            let status = match ureq::get(&url).call() {
                Ok(response) => response.status().as_u16(),
                Err(ureq::Error::StatusCode(code)) => code,
                Err(e) => {
                    log_fields! { "url" => url.as_str(), "error" => %e }.error("request failed");
                    continue;
                }
            };
            info!("response"; "path" => path, "status" => status);
        }
    });
    for _ in 0..3 {
        let mut request = server.recv()?;
        let status = handle(&mut request);
        request
            .respond(tiny_http::Response::empty(status))
            .map_err(hooklog::Error::new)?;
    }
    client
        .join()
        .map_err(|_| hooklog::Error::new("the client panicked"))?;
    info!("done");
    Ok(())
}
