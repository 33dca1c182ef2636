//! The formatters side by side on the fields10 record: core JSON and text, ECS, GELF.
//! `cargo bench --bench formatters`.
#![allow(clippy::approx_constant)] // float=3.14159 is part of the scenario

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use hooklog::{Formatter, JsonFormatter, Logger, TextFormatter};
use hooklog_ecs::EcsFormatter;
use hooklog_gelf::GelfFormatter;

#[path = "common/fields10.rs"]
mod fields10;

use fields10::{hooklog_emit, hooklog_fields10};

fn formatters(c: &mut Criterion) {
    let mut group = c.benchmark_group("formatters/fields10");
    let cases: [(&str, Box<dyn Formatter>); 4] = [
        ("json", Box::new(JsonFormatter::new())),
        ("text", Box::new(TextFormatter::new().disable_colors(true))),
        ("ecs", Box::new(EcsFormatter::new().service_name("bench"))),
        ("gelf", Box::new(GelfFormatter::new())),
    ];
    for (name, formatter) in cases {
        let logger = Logger::builder()
            .formatter(formatter)
            .out(std::io::sink())
            .build();
        group.bench_function(name, |b| b.iter(|| hooklog_fields10!(info, logger)));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = formatters
}
criterion_main!(benches);
