//! The global logger and the free functions. One test runs the parts in order: they share
//! the global state, which a test running alongside would change under them.
mod common;

use std::sync::{Arc, Mutex};

use hooklog::{Entry, Error, Hook, Level, MemoryOut};

struct Count(Arc<Mutex<usize>>);

impl Hook for Count {
    fn fire(&self, _: &mut Entry) -> Result<(), Error> {
        *self.0.lock().unwrap() += 1;
        Ok(())
    }
}

#[test]
fn the_global_logger() {
    free_functions_and_macros_use_the_global_logger();
    any_logger_can_become_the_global_one();
    records_handed_to_hooks_log_through_the_global_logger();
}

fn free_functions_and_macros_use_the_global_logger() {
    let out = MemoryOut::new();
    let fired = Arc::new(Mutex::new(0));
    let exits = Arc::new(Mutex::new(Vec::new()));
    hooklog::set_out(out.clone());
    hooklog::set_formatter(common::text());
    hooklog::set_level(Level::Debug);
    assert_eq!(hooklog::level(), Level::Debug);
    assert!(hooklog::is_level_enabled(Level::Debug));
    hooklog::add_hook(Count(Arc::clone(&fired)));
    let recorded = Arc::clone(&exits);
    hooklog::set_exit_func(move |code| recorded.lock().unwrap().push(code));

    hooklog::trace("hidden");
    hooklog::debug("d");
    hooklog::info("i");
    hooklog::warn("w");
    hooklog::error("e");
    hooklog::with_field("k", 1).info("field");
    hooklog::with_fields(hooklog::fields! { "a" => 1, "b" => 2 }).info("fields");
    hooklog::with_error(&std::io::Error::other("boom")).error("failed");
    hooklog::with_time(std::time::UNIX_EPOCH).info("epoch");
    hooklog::info!("macro {}", 1; "m" => true);
    hooklog::log_fields! { "lf" => "x" }.warn("log_fields");
    hooklog::fatal("fatal");
    hooklog::exit(7);
    hooklog::flush().unwrap();

    assert_eq!(
        common::lines(&out),
        [
            "level=debug msg=d",
            "level=info msg=i",
            "level=warning msg=w",
            "level=error msg=e",
            "level=info msg=field k=1",
            "level=info msg=fields a=1 b=2",
            "level=error msg=failed error=boom",
            "level=info msg=epoch",
            "level=info msg=\"macro 1\" m=true",
            "level=warning msg=log_fields lf=x",
            "level=fatal msg=fatal",
        ]
    );
    assert_eq!(*fired.lock().unwrap(), 11);
    assert_eq!(*exits.lock().unwrap(), [1, 7]);

    hooklog::set_report_caller(true);
    hooklog::info("with caller");
    assert!(
        common::lines(&out)
            .last()
            .unwrap()
            .contains("file=\"tests/global.rs:")
    );
    let payload = std::panic::catch_unwind(|| hooklog::panic("global panic")).unwrap_err();
    assert_eq!(payload.downcast_ref::<String>().unwrap(), "global panic");
    hooklog::set_report_caller(false);
}

fn any_logger_can_become_the_global_one() {
    let before = hooklog::logger();
    let earlier = MemoryOut::new();
    before.set_out(earlier.clone());
    before.set_formatter(common::text());
    hooklog::info!("to the first global logger");

    let (logger, out) = common::capture(common::text());
    hooklog::set_global(logger.clone());
    assert!(*hooklog::logger() == logger);
    hooklog::info!("macro");
    hooklog::log_fields! { "k" => 1 }.warn("lazy");
    hooklog::error("free function");
    hooklog::with_field("f", 2).info("chain");
    assert_eq!(
        common::lines(&out),
        [
            "level=info msg=macro",
            "level=warning msg=lazy k=1",
            "level=error msg=\"free function\"",
            "level=info msg=chain f=2",
        ]
    );
    // What was logged before stayed where it went, and a handle kept from then still works.
    before.info("through the kept handle");
    assert_eq!(
        common::lines(&earlier),
        [
            "level=info msg=\"to the first global logger\"",
            "level=info msg=\"through the kept handle\""
        ]
    );
}

/// Keeps the records it is handed, and logs through each once.
struct Relog(Mutex<Vec<Entry>>);

impl Hook for Relog {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        self.0.lock().unwrap().push(entry.clone());
        Ok(())
    }
}

/// A record handed to a hook belongs to no logger: logging through it, or a clone kept
/// after the logger is gone, reaches the global logger.
fn records_handed_to_hooks_log_through_the_global_logger() {
    let (global, global_out) = common::capture(common::text());
    hooklog::set_global(global);
    let relog = Arc::new(Relog(Mutex::new(Vec::new())));
    let (logger, out) = common::capture(common::text());
    logger.add_hook(Arc::clone(&relog));
    logger.with_field("k", 1).info("original");
    drop(logger);
    let kept = std::mem::take(&mut *relog.0.lock().unwrap());
    kept[0].warn("again");
    assert_eq!(common::lines(&out), ["level=info msg=original k=1"]);
    assert_eq!(common::lines(&global_out), ["level=warning msg=again k=1"]);
}
