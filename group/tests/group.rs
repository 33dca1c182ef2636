//! Group loggers: parameters, build triggers, lifecycles, closing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hooklog::{Entry, Error, Hook, Level, fields};
use hooklog_group::{Build, Env, GroupFactory, Lifecycle, OutputSpec, Params};

/// Records messages (with the group's request id) and counts flushes and drops.
struct Probe {
    records: Mutex<Vec<String>>,
    flushes: AtomicUsize,
    dropped: Arc<AtomicUsize>,
}

impl Hook for Probe {
    fn fire(&self, entry: &mut Entry) -> Result<(), Error> {
        let id = entry
            .fields()
            .get("request_id")
            .and_then(|v| v.as_str())
            .unwrap_or("-")
            .to_owned();
        self.records
            .lock()
            .unwrap()
            .push(format!("{id}:{}", entry.message()));
        Ok(())
    }

    fn flush(&self) -> Result<(), Error> {
        self.flushes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

impl Probe {
    fn new(dropped: &Arc<AtomicUsize>) -> Probe {
        Probe {
            records: Mutex::default(),
            flushes: AtomicUsize::new(0),
            dropped: Arc::clone(dropped),
        }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// A probe output that hands its probes to the test through `built`.
fn probe_spec(name: &str, built: Built, drops: Arc<AtomicUsize>) -> OutputSpec {
    OutputSpec::new(name, move |params: &Params| {
        let probe = Arc::new(Probe::new(&drops));
        built
            .lock()
            .unwrap()
            .push((params.clone(), Arc::clone(&probe)));
        Ok(probe)
    })
}

type Built = Arc<Mutex<Vec<(Params, Arc<Probe>)>>>;

#[test]
fn params_merge_output_over_group_over_base_and_on_build_runs_last() {
    let built: Built = Arc::default();
    let counter = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&counter);
    let factory = GroupFactory::builder()
        .param("dir", "base-dir")
        .param("name", "base-name")
        .param("level", "base-level")
        .output(
            probe_spec("file", Arc::clone(&built), Arc::default())
                .build(Build::PerGroup)
                .param("dir", "output-dir"),
        )
        .on_build(move |name, params| {
            assert_eq!(name, "file");
            params.insert("counter", seen.fetch_add(1, Ordering::SeqCst));
        })
        .build()
        .unwrap();
    let group = factory
        .create(
            Params::new()
                .with("name", "group-name")
                .with("dir", "group-dir"),
            fields! {},
        )
        .unwrap();
    let _second = factory.create(Params::new(), fields! {}).unwrap();
    let built = built.lock().unwrap();
    let params = &built[0].0;
    assert_eq!(params.get("dir"), Some("output-dir"));
    assert_eq!(params.get("name"), Some("group-name"));
    assert_eq!(params.get("level"), Some("base-level"));
    assert_eq!(params.get("counter"), Some("0"));
    assert_eq!(built[1].0.get("counter"), Some("1"));
    assert_eq!(group.params().get("dir"), Some("group-dir"));
}

#[test]
fn shared_outputs_are_built_once_and_per_group_ones_per_group() {
    let built: Built = Arc::default();
    let factory = GroupFactory::builder()
        .output(probe_spec("shared", Arc::clone(&built), Arc::default()))
        .output(probe_spec("mine", Arc::clone(&built), Arc::default()).build(Build::PerGroup))
        .build()
        .unwrap();
    assert_eq!(built.lock().unwrap().len(), 1);
    let groups: Vec<_> = (0..3)
        .map(|i| {
            let group = factory
                .create(
                    Params::new().with("request_id", i),
                    fields! { "request_id" => format!("r{i}") },
                )
                .unwrap();
            group.start().unwrap();
            group.info("hello").unwrap();
            group
        })
        .collect();
    let built = built.lock().unwrap();
    assert_eq!(built.len(), 4);
    let shared = &built[0].1;
    assert_eq!(
        *shared.records.lock().unwrap(),
        ["r0:hello", "r1:hello", "r2:hello"]
    );
    for (i, (_, mine)) in built[1..].iter().enumerate() {
        assert_eq!(*mine.records.lock().unwrap(), [format!("r{i}:hello")]);
    }
    drop(groups);
}

#[test]
fn lifecycle_triggers_and_callbacks() {
    let built: Built = Arc::default();
    let drops = Arc::new(AtomicUsize::new(0));
    let events = Arc::new(Mutex::new(Vec::new()));
    let (on_start, on_close) = (Arc::clone(&events), Arc::clone(&events));
    let factory = GroupFactory::builder()
        .output(probe_spec("shared", Arc::clone(&built), Arc::clone(&drops)))
        .output(
            probe_spec("group-managed", Arc::clone(&built), Arc::clone(&drops))
                .build(Build::PerGroup),
        )
        .output(
            probe_spec("self-managed", Arc::clone(&built), Arc::clone(&drops))
                .build(Build::PerGroup)
                .start(Lifecycle::Own)
                .close(Lifecycle::Own),
        )
        .on_start(move |group| {
            on_start.lock().unwrap().push("start".to_owned());
            group.info("started").unwrap();
        })
        .on_close(move |group, elapsed| {
            assert!(elapsed < Duration::from_secs(60));
            on_close.lock().unwrap().push("close".to_owned());
            group.info("closing").unwrap();
        })
        .build()
        .unwrap();
    let group = factory
        .create(
            Params::new().with("request_id", "r1"),
            fields! { "request_id" => "r1" },
        )
        .unwrap();
    group.info("before start").unwrap();
    group.start().unwrap();
    assert!(
        group
            .start()
            .unwrap_err()
            .to_string()
            .contains("already started")
    );
    group.info("working").unwrap();
    group.close().unwrap();
    let built = built.lock().unwrap();
    let [(_, shared), (_, managed), (_, own)] = &built[..] else {
        panic!()
    };
    // The self-managed output saw everything from creation; the others from start.
    assert_eq!(
        *own.records.lock().unwrap(),
        ["r1:before start", "r1:started", "r1:working", "r1:closing"]
    );
    assert_eq!(
        *managed.records.lock().unwrap(),
        ["r1:started", "r1:working", "r1:closing"]
    );
    assert_eq!(
        *shared.records.lock().unwrap(),
        ["r1:started", "r1:working", "r1:closing"]
    );
    // Close flushed what the group closes, and left the self-managed output alone.
    assert_eq!(managed.flushes.load(Ordering::SeqCst), 1);
    assert_eq!(shared.flushes.load(Ordering::SeqCst), 1);
    assert_eq!(own.flushes.load(Ordering::SeqCst), 0);
    assert_eq!(*events.lock().unwrap(), ["start", "close"]);
    // Logging to a closed group is an error, not a panic or a silent drop.
    assert!(group.is_closed());
    assert_eq!(
        group.info("late").unwrap_err().to_string(),
        "group r1 is closed"
    );
    assert!(group.logger().is_err());
    assert!(group.close().is_err());
}

#[test]
#[ignore = "child process: run by a_logger_kept_past_close_reports_each_record"]
fn child_kept_logger() {
    let factory = GroupFactory::builder().build().unwrap();
    let group = factory
        .create(Params::new().with("request_id", "r9"), fields! {})
        .unwrap();
    let kept = group.logger().unwrap().clone();
    group.close().unwrap();
    kept.info("after close");
}

#[test]
fn a_logger_kept_past_close_reports_each_record() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_kept_logger",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("hooklog: failed to write a record to the out: group r9 is closed"),
        "{stderr}"
    );
}

#[test]
fn per_group_outputs_close_with_the_group_and_shared_ones_stay_open() {
    let drops = Arc::new(AtomicUsize::new(0));
    let shared_drops = Arc::new(AtomicUsize::new(0));
    let (d, sd) = (Arc::clone(&drops), Arc::clone(&shared_drops));
    let factory = GroupFactory::builder()
        .output(OutputSpec::new("shared", move |_| Ok(Probe::new(&sd))))
        .output(OutputSpec::new("mine", move |_| Ok(Probe::new(&d))).build(Build::PerGroup))
        .build()
        .unwrap();
    {
        let group = factory.create(Params::new(), fields! {}).unwrap();
        group.start().unwrap();
        group.info("x").unwrap();
        // Dropped without close: closed on drop.
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(shared_drops.load(Ordering::SeqCst), 0);
    drop(factory);
    assert_eq!(shared_drops.load(Ordering::SeqCst), 1);
}

#[test]
fn development_ignores_the_outputs_and_logs_everything() {
    let built: Built = Arc::default();
    let factory = GroupFactory::builder()
        .env(Env::Development)
        .level(Level::Error)
        .output(probe_spec("shared", Arc::clone(&built), Arc::default()))
        .output(probe_spec("mine", Arc::clone(&built), Arc::default()).build(Build::PerGroup))
        .build()
        .unwrap();
    let group = factory.create(Params::new(), fields! {}).unwrap();
    assert_eq!(group.logger().unwrap().level(), Level::Trace);
    group.start().unwrap();
    assert!(built.lock().unwrap().is_empty());
    assert_eq!(factory.env(), Env::Development);
}

#[test]
fn production_uses_the_configured_or_a_stricter_default_level() {
    let factory = GroupFactory::builder().build().unwrap();
    let group = factory.create(Params::new(), fields! {}).unwrap();
    assert_eq!(group.logger().unwrap().level(), Level::Info);
    let factory = GroupFactory::builder().level(Level::Warn).build().unwrap();
    let group = factory.create(Params::new(), fields! {}).unwrap();
    assert_eq!(group.logger().unwrap().level(), Level::Warn);
}

#[test]
fn a_failing_output_build_names_the_output() {
    let err = GroupFactory::builder()
        .output(OutputSpec::new("broken", |_| {
            Err::<Probe, _>(Error::new("disk gone"))
        }))
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "building output \"broken\": disk gone");
}

#[test]
fn params_make_path_components_safe() {
    let params = Params::new().with("path", "/../../etc/passwd");
    assert_eq!(params.component("path"), "_.._.._etc_passwd");
    assert_eq!(params.component("missing"), "_");
}
