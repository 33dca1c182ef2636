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
    let case = common::cases()
        .into_iter()
        .find(|case| case.scenario == scenario && case.krate == krate)
        .unwrap_or_else(|| panic!("no case {scenario}/{krate}"));
    (case.run)(n);
}
