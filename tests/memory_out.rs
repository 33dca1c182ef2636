//! MemoryOut in one process: sharing, persisting, bounds, symlinks.

mod common;

use std::io::Write;

use hooklog::{MemoryOut, Overflow};

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hooklog-memory-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("out.log")
}

#[test]
fn clones_share_one_buffer() {
    let out = MemoryOut::new();
    let mut clone = out.clone();
    clone.write_all(b"one\n").unwrap();
    (&out).write_all(b"two\n").unwrap();
    assert_eq!(out.contents(), b"one\ntwo\n");
    assert_eq!(clone.len(), 8);
    assert!(!out.is_empty());
}

#[test]
fn a_capture_buffer_keeps_everything_and_writes_nothing() {
    let out = MemoryOut::new();
    let (logger, _) = common::capture(common::text());
    logger.set_out(out.clone());
    logger.info("kept");
    out.persist().unwrap();
    logger.flush().unwrap();
    assert_eq!(out.contents(), b"level=info msg=kept\n");
}

#[test]
fn persisting_is_idempotent_and_appends() {
    let path = temp_file("idempotent");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"earlier\n").unwrap();
    let out = MemoryOut::new().persist_to(&path);
    let (logger, _) = common::capture(common::text());
    logger.set_out(out.clone());
    logger.info("a");
    out.persist().unwrap();
    out.persist().unwrap();
    logger.info("b");
    logger.flush().unwrap();
    out.persist().unwrap();
    assert!(out.is_empty());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "earlier\nlevel=info msg=a\nlevel=info msg=b\n"
    );
}

#[test]
fn dropping_the_last_clone_persists() {
    let path = temp_file("drop");
    {
        let mut out = MemoryOut::new().persist_to(&path);
        out.write_all(b"last words\n").unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "last words\n");
}

#[test]
fn flush_overflow_writes_early_and_loses_nothing() {
    let path = temp_file("flush");
    let mut out = MemoryOut::new()
        .persist_to(&path)
        .max_bytes(10)
        .on_full(Overflow::Flush);
    for line in ["aaaa\n", "bbbb\n", "cccc\n"] {
        out.write_all(line.as_bytes()).unwrap();
        assert!(out.len() <= 10);
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "aaaa\nbbbb\n");
    assert_eq!(out.contents(), b"cccc\n");
}

#[test]
fn drop_oldest_keeps_whole_newest_records() {
    let mut out = MemoryOut::new().max_bytes(12).on_full(Overflow::DropOldest);
    for line in ["one\n", "two\n", "three\n", "four\n"] {
        out.write_all(line.as_bytes()).unwrap();
    }
    assert_eq!(out.contents(), b"three\nfour\n");
    // A record larger than the bound is kept alone.
    out.write_all(b"a very long record\n").unwrap();
    assert_eq!(out.contents(), b"a very long record\n");
    out.write_all(b"x\n").unwrap();
    assert_eq!(out.contents(), b"x\n");
}

#[test]
fn a_symlink_planted_at_the_file_is_not_followed() {
    let dir = temp_file("symlink");
    std::fs::create_dir_all(&dir).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("app.log")).unwrap();
    let out = MemoryOut::new().persist_to(dir.join("app.log"));
    std::io::Write::write_all(&mut out.clone(), b"level=info msg=x\n").unwrap();
    let err = out.persist().unwrap_err().to_string();
    assert!(err.contains("symbolic links"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(out.is_empty(), "the records went to stderr instead");
}
