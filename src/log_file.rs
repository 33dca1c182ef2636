//! Log files, opened one way across the workspace, and appends that never leave a torn
//! record behind.
//!
//! The low-level part (`PreparedPath`, `append_whole`) makes only `mkdir`, `open`, `write`,
//! `lseek` and `ftruncate` calls and allocates nothing, so the crash handler can use it.

#![allow(
    unsafe_code,
    reason = "mkdir, open, write, lseek and ftruncate, which a signal handler may call"
)]

use std::ffi::CString;
use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Permissions of a created log file: owner read-write, group read (before the umask).
pub(crate) const FILE_MODE: libc::mode_t = 0o640;
/// Permissions of created directories (before the umask).
pub(crate) const DIR_MODE: libc::mode_t = 0o750;

/// A log file, opened the way every crate of hooklog opens one: for appending (or created
/// anew with [`create`](LogFile::create)), mode `0640` and missing parent directories
/// `0750` (before the umask), never through a symbolic link (`O_NOFOLLOW`: a link planted
/// where a log file will be cannot redirect records), and not inherited by child
/// processes (`O_CLOEXEC`).
///
/// [`append`](LogFile::append) writes whole records or leaves the file as it was: a write
/// that fails part of the way (a full disk) is cut back to the end of the last whole
/// record, so the file never holds half a record and the next append starts a line. The
/// cut is made only while the file still ends where this write ended: if another writer
/// (another process, `copytruncate`) appended meanwhile, cutting would take its records
/// away, so the part stays.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("hooklog-logfile-{}", std::process::id()));
/// let mut file = hooklog::LogFile::open(dir.join("logs/app.log")).unwrap();
/// file.append(b"level=info msg=one\nlevel=info msg=two\n").unwrap();
/// assert_eq!(std::fs::read(file.path()).unwrap(), b"level=info msg=one\nlevel=info msg=two\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
pub struct LogFile {
    file: File,
    path: PathBuf,
}

impl LogFile {
    /// Opens `path` for appending, creating it and its missing parent directories.
    ///
    /// # Errors
    ///
    /// If a directory cannot be created or the file cannot be opened (a symbolic link is
    /// refused with `ELOOP`); the error names the path.
    pub fn open(path: impl AsRef<Path>) -> io::Result<LogFile> {
        LogFile::open_with(path.as_ref(), libc::O_APPEND)
    }

    /// Creates `path` anew for writing (truncating a file already there), with its missing
    /// parent directories: for a file written once, such as a compressed copy.
    ///
    /// # Errors
    ///
    /// As [`open`](LogFile::open).
    pub fn create(path: impl AsRef<Path>) -> io::Result<LogFile> {
        LogFile::open_with(path.as_ref(), libc::O_TRUNC)
    }

    fn open_with(path: &Path, flags: libc::c_int) -> io::Result<LogFile> {
        let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        let prepared = PreparedPath::new(path).map_err(named)?;
        let fd = prepared.open(flags).map_err(named)?;
        Ok(LogFile {
            file: File::from(fd),
            path: path.to_path_buf(),
        })
    }

    /// The path the file was opened at.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `records`: all of them, or, if a write fails part of the way, the whole
    /// records that fit, with the file cut back to the end of the last of them.
    ///
    /// # Errors
    ///
    /// The write error, with [`AppendError::written`] bytes of whole records kept in the
    /// file; the caller still holds the rest.
    pub fn append(&mut self, records: &[u8]) -> Result<(), AppendError> {
        append_whole(self.file.as_raw_fd(), [records, &[]])
    }

    /// The open file, for a writer that takes a `File` (an encoder writing a new file).
    pub fn into_file(self) -> File {
        self.file
    }
}

impl io::Write for LogFile {
    /// Appends `records` as [`append`](LogFile::append) does: whole records, never half a
    /// one. An append that kept some whole records returns their length, so `write_all`
    /// goes on with the rest and nothing is written twice; one that kept none returns its
    /// error.
    fn write(&mut self, records: &[u8]) -> io::Result<usize> {
        match self.append(records) {
            Ok(()) => Ok(records.len()),
            Err(e) if e.written() > 0 => Ok(e.written()),
            Err(e) => Err(e.into_error()),
        }
    }

    /// Records reach the file as they are written: there is nothing to flush.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An append that failed part of the way; see [`LogFile::append`].
#[derive(Debug)]
pub struct AppendError {
    written: usize,
    error: io::Error,
}

impl AppendError {
    pub(crate) fn new(written: usize, error: io::Error) -> AppendError {
        AppendError { written, error }
    }

    /// The bytes of whole records that reached the file (the file ends after them).
    pub fn written(&self) -> usize {
        self.written
    }

    /// The error that stopped the append.
    pub fn error(&self) -> &io::Error {
        &self.error
    }

    /// The error that stopped the append, by value.
    pub fn into_error(self) -> io::Error {
        self.error
    }
}

impl fmt::Display for AppendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for AppendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// A path made ready to open without allocating: the file's and its ancestors' names as C
/// strings.
pub(crate) struct PreparedPath {
    path: PathBuf,
    file: CString,
    /// The ancestors of the file, outermost first, to create when missing.
    ancestors: Vec<CString>,
}

impl PreparedPath {
    pub(crate) fn new(path: &Path) -> io::Result<PreparedPath> {
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes())
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the path"))
        };
        let mut ancestors = path
            .ancestors()
            .skip(1)
            .filter(|p| !p.as_os_str().is_empty() && p.parent().is_some())
            .map(c)
            .collect::<io::Result<Vec<_>>>()?;
        ancestors.reverse();
        Ok(PreparedPath {
            path: path.to_path_buf(),
            file: c(path)?,
            ancestors,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the missing directories, then opens the file for writing with `flags`
    /// (`O_APPEND` or `O_TRUNC`). Async-signal-safe.
    pub(crate) fn open(&self, flags: libc::c_int) -> io::Result<OwnedFd> {
        for dir in &self.ancestors {
            // SAFETY: `dir` is a NUL-terminated path.
            if unsafe { libc::mkdir(dir.as_ptr(), DIR_MODE) } != 0 {
                let e = io::Error::last_os_error();
                if e.raw_os_error() != Some(libc::EEXIST) {
                    return Err(e);
                }
            }
        }
        let flags = flags | libc::O_WRONLY | libc::O_CREAT | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        // SAFETY: `file` is a NUL-terminated path; the mode is passed as `open` expects.
        let fd = unsafe { libc::open(self.file.as_ptr(), flags, libc::c_uint::from(FILE_MODE)) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

/// Appends `parts`, one after the other, to `fd`. If a write fails, the file is cut back
/// to the end of the last whole record (`'\n'`) written (see [`cut_back`]), and the error
/// carries how many bytes that is. Async-signal-safe.
pub(crate) fn append_whole(fd: RawFd, parts: [&[u8]; 2]) -> Result<(), AppendError> {
    let mut written = 0;
    for part in parts {
        let mut rest = part;
        while !rest.is_empty() {
            // SAFETY: `rest` is valid for reading `rest.len()` bytes.
            let n = unsafe { libc::write(fd, rest.as_ptr().cast(), rest.len()) };
            let error = match n {
                0 => io::Error::from(io::ErrorKind::WriteZero),
                n if n < 0 => io::Error::last_os_error(),
                n => {
                    written += n as usize;
                    rest = &rest[n as usize..];
                    continue;
                }
            };
            if error.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            let kept = whole_records(parts, written);
            let written = match kept < written && !cut_back(fd, written - kept) {
                // The part of a record stays in the file: count it as written.
                true => written,
                false => kept,
            };
            return Err(AppendError { written, error });
        }
    }
    Ok(())
}

/// Removes the last `extra` bytes written to `fd`, the part of a record a failed write
/// left, unless another writer appended after them (a cut would take its records away):
/// then they stay and `false` is returned. After a write the offset is the end of the
/// bytes written, whatever others appended before them (`O_APPEND`), so the file still
/// ending there means nobody wrote after. Async-signal-safe.
pub(crate) fn cut_back(fd: RawFd, extra: usize) -> bool {
    // SAFETY: plain system calls on a descriptor the caller owns, into a zeroed `stat`.
    unsafe {
        let end = libc::lseek(fd, 0, libc::SEEK_CUR);
        let mut stat: libc::stat = std::mem::zeroed();
        if end < 0 || libc::fstat(fd, &mut stat) != 0 || stat.st_size != end {
            return false;
        }
        libc::ftruncate(fd, end - extra as libc::off_t) == 0
    }
}

/// The length of the longest prefix of the first `written` bytes of `parts` that ends
/// with a record's `'\n'` (0 if none does).
pub(crate) fn whole_records(parts: [&[u8]; 2], written: usize) -> usize {
    let first = parts[0].len().min(written);
    let second = written - first;
    if let Some(at) = parts[1][..second].iter().rposition(|&b| b == b'\n') {
        return first + at + 1;
    }
    parts[0][..first]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_records_end_at_the_last_newline_written() {
        let parts: [&[u8]; 2] = [b"a\nbb\n", b"cc\nd"];
        assert_eq!(whole_records(parts, 0), 0);
        assert_eq!(whole_records(parts, 1), 0);
        assert_eq!(whole_records(parts, 2), 2);
        assert_eq!(whole_records(parts, 5), 5);
        assert_eq!(whole_records(parts, 7), 5);
        assert_eq!(whole_records(parts, 8), 8);
        assert_eq!(whole_records(parts, 9), 8);
    }

    #[test]
    fn a_part_is_cut_back_only_while_nobody_wrote_after_it() {
        let dir = std::env::temp_dir().join(format!("hooklog-cut-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.log");
        let mut ours = LogFile::open(&path).unwrap();
        let write = |file: &mut LogFile, bytes: &[u8]| {
            // SAFETY: writes `bytes` to a descriptor the file owns.
            unsafe { libc::write(file.file.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        };
        // A part of a record at the end, nobody after it: cut.
        write(&mut ours, b"whole\npart");
        assert!(cut_back(ours.file.as_raw_fd(), 4));
        assert_eq!(std::fs::read(&path).unwrap(), b"whole\n");
        // A part, then another writer's record after it: left.
        write(&mut ours, b"part");
        let mut theirs = LogFile::open(&path).unwrap();
        theirs.append(b"theirs\n").unwrap();
        assert!(!cut_back(ours.file.as_raw_fd(), 4));
        assert_eq!(std::fs::read(&path).unwrap(), b"whole\nparttheirs\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_symbolic_link_is_refused() {
        let dir = std::env::temp_dir().join(format!("hooklog-symlink-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("target");
        std::fs::write(&target, b"untouched").unwrap();
        std::os::unix::fs::symlink(&target, dir.join("app.log")).unwrap();
        let err = LogFile::open(dir.join("app.log")).unwrap_err();
        assert_eq!(err.raw_os_error(), None, "the error names the path: {err}");
        assert!(err.to_string().contains("app.log"), "{err}");
        assert_eq!(std::fs::read(&target).unwrap(), b"untouched");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
