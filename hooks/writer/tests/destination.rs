//! Colours follow the output that receives them: a logger writing to a terminal colours
//! its records, while a hook with a default `TextFormatter` writing a file does not.

#![allow(unsafe_code, reason = "openpty, for a real terminal to log to")]

use std::fs::File;
use std::io::Read;
use std::os::fd::FromRawFd;
use std::process::Command;

use hooklog::{Level, Logger, TextFormatter};
use hooklog_writer::WriterHook;

/// A pseudo-terminal: its master side, to read what was written, and its slave side, a
/// terminal to write to.
fn pseudo_terminal() -> (File, File) {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: `openpty` writes two descriptors into the integers passed; the name,
    // settings and size it could take are null.
    let ok = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    } == 0;
    assert!(ok, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    unsafe { (File::from_raw_fd(master), File::from_raw_fd(slave)) }
}

#[test]
fn a_hook_writing_a_file_gets_no_colours_from_a_logger_on_a_terminal() {
    // The environment can force or forbid colours; the child runs without those variables.
    if std::env::var_os("HOOKLOG_CHILD").is_none() {
        let output = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_hook_writing_a_file_gets_no_colours_from_a_logger_on_a_terminal",
            ])
            .args(["--nocapture", "--test-threads=1"])
            .env("HOOKLOG_CHILD", "1")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        return;
    }
    let dir = std::env::temp_dir().join(format!("hooklog-destination-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hook.log");
    let (mut terminal, out) = pseudo_terminal();
    let logger = Logger::builder()
        .out(out)
        .formatter(TextFormatter::new().disable_timestamp(true))
        .hook(WriterHook::new(File::create(&path).unwrap(), &Level::ALL))
        .build();
    logger.with_field("user", "alice").warn("disk almost full");

    let mut seen = [0u8; 256];
    let n = terminal.read(&mut seen).unwrap();
    let on_terminal = String::from_utf8_lossy(&seen[..n]);
    assert!(
        on_terminal.starts_with("\x1b[33mWARN\x1b[0m disk almost full"),
        "{on_terminal:?}"
    );
    let in_file = std::fs::read_to_string(&path).unwrap();
    assert!(!in_file.contains('\x1b'), "{in_file:?}");
    assert!(
        in_file.ends_with(" level=warning msg=\"disk almost full\" user=alice\n"),
        "{in_file:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
