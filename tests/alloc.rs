//! Steady-state logging allocates nothing: proven with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io;

use hooklog::{JsonFormatter, Level, Logger, TextFormatter};

/// Counts the allocations made by threads that switched counting on.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const RECORDS: u64 = 10_000;

/// Runs `log` for warm-up, then counts the allocations of `RECORDS` more calls.
fn allocations(name: &str, mut log: impl FnMut(u64)) -> u64 {
    for i in 0..1_000 {
        log(i);
    }
    COUNT.with(|c| c.set(0));
    COUNTING.with(|c| c.set(true));
    for i in 0..RECORDS {
        log(i);
    }
    COUNTING.with(|c| c.set(false));
    let count = COUNT.with(Cell::get);
    println!("{name}: {count} allocations over {RECORDS} records");
    count
}

fn logger(formatter: impl hooklog::Formatter) -> Logger {
    Logger::builder()
        .level(Level::Info)
        .formatter(formatter)
        .out(io::sink())
        .build()
}

#[test]
fn steady_state_logging_allocates_nothing() {
    let json = logger(JsonFormatter::new());
    let text = logger(TextFormatter::new().disable_colors(true));
    let context = json
        .with_field("request_id", "r-42")
        .with_field("attempt", 3)
        .with_field("ratio", 0.5);

    let results = [
        allocations("fresh with_field chain (JSON)", |i| {
            json.with_field("int", i)
                .with_field("user", "alice@example.com")
                .with_field("latency_ms", 12.5)
                .with_field("ok", true)
                .info("request handled")
        }),
        allocations("fresh with_field chain (text)", |i| {
            text.with_field("int", i)
                .with_field("user", "alice@example.com")
                .with_field("latency_ms", 12.5)
                .info("request handled")
        }),
        allocations("reused context entry", |_| context.info("request handled")),
        allocations(
            "macro with fields",
            |i| hooklog::info!(json, "request {} handled", i; "status" => 200u64, "path" => "/api"),
        ),
        allocations(
            "macro on a context entry",
            |_| hooklog::info!(context, "request handled"; "status" => 200u64),
        ),
        allocations(
            "disabled level (macro)",
            |i| hooklog::debug!(json, "never {}", i; "k" => i),
        ),
        allocations("disabled level (chain)", |i| {
            json.with_field("k", i).debug("never")
        }),
    ];
    assert_eq!(results, [0; 7]);
}
