//! Retention keeps exactly the newest N periods, whole, for every kind of pattern: flat
//! (`app-%Y-%m-%d.log`, the layout whose size parts used to look like periods of their
//! own), a directory per period, hourly, with and without size parts and gzip.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use hooklog_file::{ManualClock, RollingWriter};
use proptest::prelude::*;

mod common;
use common::{files_below, temp_dir};

/// A pattern and the length of its period.
const PATTERNS: [(&str, u64); 5] = [
    ("app-%Y-%m-%d.log", 86_400),
    ("%Y-%m-%d/app.log", 86_400),
    ("app-%Y-%m-%d-%H.log", 3_600),
    ("%Y/%m/%d/app-%H", 3_600),
    ("logs/app.%F.log", 86_400),
];

/// Every file below `dir`, with its text (gzip files decompressed).
fn contents(dir: &Path) -> BTreeMap<PathBuf, String> {
    files_below(dir)
        .into_iter()
        .map(|path| {
            let mut text = String::new();
            if path.extension().is_some_and(|e| e == "gz") {
                flate2::read::GzDecoder::new(fs::File::open(&path).unwrap())
                    .read_to_string(&mut text)
                    .unwrap();
            } else {
                text = fs::read_to_string(&path).unwrap();
            }
            (path, text)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn retention_keeps_exactly_the_newest_periods_whole(
        pattern in 0..PATTERNS.len(),
        periods in 1u64..7,
        records in 1u64..12,
        keep in 1usize..4,
        parts in prop::option::of(24u64..64),
        compress in any::<bool>(),
    ) {
        static CASE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let case = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = temp_dir(&format!("retention-{case}"));
        let (pattern, period) = PATTERNS[pattern];
        let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_793_491_200));
        let mut builder = RollingWriter::builder(dir.join(pattern))
            .utc(true)
            .clock(clock.clone())
            .keep_periods(keep)
            .compress(compress);
        if let Some(bytes) = parts {
            builder = builder.max_bytes(bytes);
        }
        let writer = builder.build().unwrap();
        for p in 0..periods {
            for r in 0..records {
                (&writer).write_all(format!("period {p} record {r}\n").as_bytes()).unwrap();
            }
            clock.advance(Duration::from_secs(period));
        }
        (&writer).flush().unwrap();

        // Which records each period's files hold, parts in order (part 0, then 1, 2, ...).
        let mut by_period: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        let mut files: Vec<(PathBuf, String)> = contents(&dir).into_iter().collect();
        let part_number = |path: &Path| -> u64 {
            let name = path.file_name().unwrap().to_str().unwrap().trim_end_matches(".gz");
            name.split('.').filter_map(|p| p.parse::<u64>().ok()).next_back().unwrap_or(0)
        };
        files.sort_by_key(|(path, _)| (path.with_file_name(""), part_number(path)));
        for (path, text) in &files {
            prop_assert!(text.ends_with('\n'), "{}: a torn record", path.display());
            for line in text.lines() {
                let p: u64 = line.split(' ').nth(1).unwrap().parse().unwrap();
                by_period.entry(p).or_default().push(line.to_owned());
            }
        }
        let kept: Vec<u64> = by_period.keys().copied().collect();
        let newest: Vec<u64> = (periods.saturating_sub(keep as u64)..periods).collect();
        prop_assert_eq!(&kept, &newest, "files: {:?}", files.iter().map(|(p, _)| p).collect::<Vec<_>>());
        for (p, lines) in &by_period {
            let mut sorted = lines.clone();
            sorted.sort_by_key(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap());
            let expected: Vec<String> = (0..records).map(|r| format!("period {p} record {r}")).collect();
            prop_assert_eq!(sorted, expected, "period {} is not whole", p);
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
