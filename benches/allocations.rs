//! Allocations per record for every scenario and crate, with a counting global allocator:
//! `cargo bench --bench allocations`.
#![allow(
    unsafe_code,
    reason = "a counting global allocator implements an unsafe trait"
)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; counting only adds
// to atomics, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const RECORDS: u64 = 10_000;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and expects
    // a quick run.
    let records = if std::env::args().any(|a| a == "--bench") {
        RECORDS
    } else {
        100
    };
    println!("| scenario | crate | allocs/record | bytes/record |");
    println!("|---|---|---:|---:|");
    let cases = common::cases();
    for scenario in common::SCENARIOS.iter().filter(|s| **s != "parallel10") {
        for case in cases.iter().filter(|c| c.scenario == *scenario) {
            (case.run)(1_000);
            let (a0, b0) = (
                ALLOCATIONS.load(Ordering::Relaxed),
                BYTES.load(Ordering::Relaxed),
            );
            (case.run)(records);
            let allocs = ALLOCATIONS.load(Ordering::Relaxed) - a0;
            let bytes = BYTES.load(Ordering::Relaxed) - b0;
            println!(
                "| {scenario} | {} | {:.2} | {:.0} |",
                case.krate,
                allocs as f64 / records as f64,
                bytes as f64 / records as f64
            );
        }
    }
    for (scenario, krate, why) in common::NOT_EXPRESSIBLE {
        println!("| {scenario} | {krate} | n/a: {why} | |");
    }
}
