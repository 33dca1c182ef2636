//! Logs `n` records of one scenario of one crate, for `scripts/instructions`, which runs
//! it under callgrind to count instructions per record:
//! `instructions <scenario> <crate> <n>`.

mod common;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    // `cargo test --benches` runs every bench target without arguments.
    let [scenario, krate, n] = args.as_slice() else {
        return;
    };
    let n: u64 = n.parse().expect("a record count");
    if !common::SCENARIOS.contains(&scenario.as_str()) {
        eprintln!(
            "unknown scenario {scenario:?}; known: {:?}",
            common::SCENARIOS
        );
        std::process::exit(2);
    }
    let Some(case) = common::cases()
        .into_iter()
        .find(|case| case.scenario == scenario && case.krate == krate)
    else {
        let why = common::NOT_EXPRESSIBLE
            .iter()
            .find(|(s, k, _)| s == scenario && k == krate)
            .map_or("no such crate", |(_, _, why)| why);
        eprintln!("{scenario}/{krate}: not measured: {why}");
        std::process::exit(2);
    };
    (case.run)(n);
}
