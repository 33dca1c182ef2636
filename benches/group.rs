//! A group logger's record in production, where its outputs are hooks: the fields10
//! record through a group whose one output formats it as JSON into `io::sink()`.
//! `cargo bench --bench group`.
#![allow(clippy::approx_constant)] // float=3.14159 is part of the scenario

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use hooklog::{JsonFormatter, Level, fields};
use hooklog_group::{Env, GroupFactory, OutputSpec, Params};
use hooklog_writer::WriterHook;

#[path = "common/fields10.rs"]
mod fields10;

use fields10::{hooklog_emit, hooklog_fields10};

fn group(c: &mut Criterion) {
    let factory = GroupFactory::builder()
        .env(Env::Production)
        .level(Level::Info)
        .output(OutputSpec::new("json", |_| {
            Ok(WriterHook::new(std::io::sink(), &Level::ALL).formatter(JsonFormatter::new()))
        }))
        .build()
        .expect("a factory");
    let group = factory
        .create(Params::new(), fields! { "request_id" => "r-42" })
        .expect("a group");
    group.start().expect("started");
    let logger = group.logger().expect("open").clone();
    c.bench_function("group/fields10", |b| {
        b.iter(|| hooklog_fields10!(info, logger))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = group
}
criterion_main!(benches);
