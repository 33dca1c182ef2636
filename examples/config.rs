//! A logger from `examples/config.toml`, with the environment applied over it, and a
//! dependency that logs through the `log` facade reaching it.
//!
//! `cargo run --example config --features log`; try `HOOKLOG_LEVEL=warn` or
//! `HOOKLOG_ENV=production` in front.

use hooklog_config::Config;

/// Stands for a dependency that knows only the `log` facade.
mod dependency {
    pub(crate) fn connect(host: &str) {
        log::info!(host = host, attempt = 1; "connecting");
        log::debug!("handshake done");
        log::error!(host = host; "connection refused");
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/config.toml");
    let logger = Config::from_file(path)?.with_env()?.build()?;
    hooklog::bridge::init_with(logger.clone())?;

    hooklog::info!(logger, "configured from {}", path; "logger_level" => logger.level().as_str());
    dependency::connect("db.internal");
    logger.with_field("order", 1042).warn("slow query");
    logger.flush()?;
    eprintln!(
        "(records also in logs/config-example.log, errors in logs/config-example-errors.log)"
    );
    Ok(())
}
