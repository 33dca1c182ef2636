//! Retention (deleting what is too old) and compression of closed files.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use crate::pattern::Pattern;

/// What to keep.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Retention {
    pub(crate) keep_periods: Option<usize>,
    pub(crate) max_age: Option<Duration>,
}

/// A file the pattern produced: its path, the period it belongs to, and when it was last
/// written.
struct LogFile {
    path: PathBuf,
    period: PathBuf,
    modified: SystemTime,
}

/// The files being compressed: retention leaves them (and their `.gz`) alone until the
/// compression is done.
#[derive(Clone, Default)]
pub(crate) struct InProgress(Arc<Mutex<HashSet<PathBuf>>>);

impl InProgress {
    fn contains(&self, path: &Path) -> bool {
        let set = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        set.contains(path)
            || path.extension().is_some_and(|e| e == "gz") && set.contains(&path.with_extension(""))
    }

    /// The files being compressed now.
    fn snapshot(&self) -> HashSet<PathBuf> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn insert(&self, path: PathBuf) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path);
    }

    fn remove(&self, path: &Path) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(path);
    }
}

impl Retention {
    /// Deletes the files the settings no longer allow, never `current` nor a file being
    /// compressed; reports failures on stderr (retention must not stop logging).
    ///
    /// Periods are ranked by their newest file (a compressed file keeps its original's
    /// time), ties by their path, which for the usual patterns is their time order; the
    /// current period always ranks first. Every part of a period goes with it.
    pub(crate) fn apply(
        &self,
        pattern: &Pattern,
        current: &Path,
        now: SystemTime,
        in_progress: &InProgress,
    ) {
        if self.keep_periods.is_none() && self.max_age.is_none() {
            return;
        }
        let compressing = in_progress.snapshot();
        let files = log_files(pattern);
        let mut doomed: Vec<&LogFile> = Vec::new();
        if let Some(keep) = self.keep_periods {
            let mut newest: HashMap<&Path, SystemTime> = HashMap::new();
            // A `.gz` being written bears the time of now, not of its records, until its
            // compression ends: while its original was being compressed when the files
            // were listed (no compression starts during retention), the original speaks
            // for the period.
            let ranked = files.iter().filter(|f| {
                !(f.path.extension().is_some_and(|e| e == "gz")
                    && compressing.contains(&f.path.with_extension("")))
            });
            for file in ranked {
                let entry = newest.entry(&file.period).or_insert(file.modified);
                *entry = (*entry).max(file.modified);
            }
            let current_period = files
                .iter()
                .find(|f| f.path == current)
                .map(|f| f.period.as_path());
            let mut periods: Vec<(&Path, SystemTime)> = newest.into_iter().collect();
            // Newest first; the current period always counts as the newest.
            periods.sort_by_key(|&(period, modified)| {
                (
                    std::cmp::Reverse(Some(period) == current_period),
                    std::cmp::Reverse(modified),
                    std::cmp::Reverse(period),
                )
            });
            let old: Vec<&Path> = periods.iter().skip(keep).map(|&(p, _)| p).collect();
            doomed.extend(files.iter().filter(|f| old.contains(&f.period.as_path())));
        }
        if let Some(max_age) = self.max_age {
            let cutoff = now.checked_sub(max_age).unwrap_or(SystemTime::UNIX_EPOCH);
            doomed.extend(files.iter().filter(|f| f.modified < cutoff));
        }
        for file in doomed {
            if file.path == current || in_progress.contains(&file.path) {
                continue;
            }
            match fs::remove_file(&file.path) {
                Ok(()) => remove_empty_dirs(&file.path, pattern.base()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => hooklog::report_failure(
                    "hooklog-file retention",
                    format_args!("retention could not delete {}: {e}", file.path.display()),
                ),
            }
        }
    }
}

/// Every file below the pattern's base that the pattern (with a part number, and `.gz`)
/// could have produced.
fn log_files(pattern: &Pattern) -> Vec<LogFile> {
    let mut found = Vec::new();
    walk(
        pattern.base(),
        pattern.base(),
        pattern.depth(),
        &mut |path, relative| {
            let Some(period) = period_of(pattern, relative) else {
                return;
            };
            let Ok(modified) = fs::metadata(path).and_then(|m| m.modified()) else {
                return;
            };
            found.push(LogFile {
                path: path.to_path_buf(),
                period: pattern.base().join(period),
                modified,
            });
        },
    );
    found
}

/// The period a file belongs to (its part-0 path relative to the base), if the pattern
/// produced it.
fn period_of(pattern: &Pattern, relative: &str) -> Option<String> {
    let name = relative.strip_suffix(".gz").unwrap_or(relative);
    if pattern.matches(name) {
        return Some(name.to_owned());
    }
    // `stem.N.ext` or `stem.N` for part N.
    let (dir, file) = name.rsplit_once('/').map_or(("", name), |(d, f)| (d, f));
    let mut pieces: Vec<&str> = file.split('.').collect();
    let at = pieces
        .iter()
        .rposition(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?;
    if at == 0 {
        return None;
    }
    pieces.remove(at);
    let file = pieces.join(".");
    let period = if dir.is_empty() {
        file
    } else {
        format!("{dir}/{file}")
    };
    pattern.matches(&period).then_some(period)
}

/// Calls `visit` with every file down to `depth` levels below `dir`, and its path
/// relative to `base` with `/` separators.
fn walk(base: &Path, dir: &Path, depth: usize, visit: &mut dyn FnMut(&Path, &str)) {
    if depth == 0 {
        return;
    }
    let read_dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = fs::read_dir(read_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = dir.join(entry.file_name());
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(base, &path, depth - 1, visit);
        } else if kind.is_file()
            && let Some(relative) = path.strip_prefix(base).ok().and_then(Path::to_str)
        {
            visit(&path, relative);
        }
    }
}

/// Removes the directories left empty between `file` and `base` (exclusive).
fn remove_empty_dirs(file: &Path, base: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == base || !d.starts_with(base) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Gzips `path` to `path.gz` on a background thread, then removes `path`; the `.gz` keeps
/// the original's modification time. Failures are reported on stderr and leave the
/// original in place.
pub(crate) fn compress_in_background(path: PathBuf, in_progress: &InProgress) -> JoinHandle<()> {
    in_progress.insert(path.clone());
    let in_progress = in_progress.clone();
    std::thread::spawn(move || {
        if let Err(e) = compress(&path) {
            hooklog::report_failure(
                "hooklog-file compress",
                format_args!("could not compress {}: {e}", path.display()),
            );
        }
        in_progress.remove(&path);
    })
}

fn compress(path: &Path) -> io::Result<()> {
    let mut gz_path = path.as_os_str().to_owned();
    gz_path.push(".gz");
    let mut input = File::open(path)?;
    let modified = input.metadata()?.modified()?;
    // Created as every hooklog log file is: 0640, never through a symbolic link.
    let output = hooklog::LogFile::create(&gz_path)?.into_file();
    let mut encoder = flate2::write::GzEncoder::new(output, flate2::Compression::default());
    io::copy(&mut input, &mut encoder)?;
    let output = encoder.finish()?;
    output.set_modified(modified)?;
    output.sync_all()?;
    fs::remove_file(path)
}
