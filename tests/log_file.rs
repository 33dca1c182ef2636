//! `LogFile` on a disk that fills: what `write` says it kept is exactly what reached the
//! file, so `write_all` and callers that retry never write a record twice.

use std::io::Write;

use hooklog::LogFile;

#[test]
fn a_write_that_keeps_whole_records_says_how_many_bytes_and_a_retry_writes_the_rest_once() {
    let disk = match hooklog_test::SmallDisk::mount("128k") {
        Ok(disk) => disk,
        Err(why) => {
            assert!(
                std::env::var_os("HOOKLOG_REQUIRE_SERVERS").is_none_or(|v| v != "1"),
                "a small disk is needed under HOOKLOG_REQUIRE_SERVERS=1: {why}"
            );
            return eprintln!("skipped: {why}");
        }
    };
    let records: Vec<u8> = (0..3_000u32)
        .flat_map(|n| format!("level=info n={n:05}\n").into_bytes())
        .collect();
    let filler = disk.path().join("filler");
    std::fs::write(&filler, vec![0u8; 100 << 10]).unwrap();
    let path = disk.path().join("app.log");
    let mut file = LogFile::open(&path).unwrap();
    let kept = file.write(&records).expect("some whole records fit");
    assert!(0 < kept && kept < records.len(), "kept {kept}");
    assert_eq!(kept % 19, 0, "whole records only");
    assert_eq!(std::fs::read(&path).unwrap(), &records[..kept]);
    // Room again: the caller goes on from what was kept.
    std::fs::remove_file(&filler).unwrap();
    file.write_all(&records[kept..]).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), records);
}
