//! Removing the cache entries a full build did not use, and the temporary files an
//! interrupted write left behind.

use crate::cache::{dir_size, is_hex, name_matches};
use crate::Processor;

/// What [`Processor::gc`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GcReport {
    /// Cache entries (one per image and settings) removed.
    pub entries_removed: usize,
    /// Bytes freed.
    pub bytes_freed: u64,
}

impl Processor {
    /// Removes cache entries that no `process` call of this processor used, and leftover
    /// temporary files. Run it only after a build that processed every image of the site (or
    /// images of pages not built this time are processed again next time), and not while
    /// another bangtin process writes to the same cache. Files and folders whose names are not
    /// cache entries are left alone.
    pub fn gc(&self) -> std::io::Result<GcReport> {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut report = GcReport::default();
        let Ok(shards) = std::fs::read_dir(&self.cache_dir) else {
            return Ok(report);
        };
        for shard in shards {
            let shard = shard?.path();
            // Only folders this crate made are touched, in case the cache folder is shared.
            if !shard.is_dir() || !name_matches(&shard, |n| n.len() == 2 && is_hex(n)) {
                continue;
            }
            for entry in std::fs::read_dir(&shard)? {
                let entry = entry?.path();
                let is_entry = name_matches(&entry, |n| {
                    n.split_once('-').is_some_and(|(h, s)| {
                        h.len() == 32 && s.len() == 12 && is_hex(h) && is_hex(s)
                    })
                });
                if !is_entry {
                    continue;
                }
                if used.contains(&entry) {
                    // Keep the entry but sweep temp files an interrupted write left behind.
                    for f in std::fs::read_dir(&entry)? {
                        let f = f?;
                        if f.file_name().to_string_lossy().starts_with(".tmp") {
                            report.bytes_freed += f.metadata().map(|m| m.len()).unwrap_or(0);
                            std::fs::remove_file(f.path())?;
                        }
                    }
                    continue;
                }
                report.bytes_freed += dir_size(&entry);
                if entry.is_dir() {
                    std::fs::remove_dir_all(&entry)?;
                } else {
                    std::fs::remove_file(&entry)?;
                }
                report.entries_removed += 1;
            }
            // An emptied shard folder is removed; a non-empty one makes this fail harmlessly.
            let _ = std::fs::remove_dir(&shard);
        }
        Ok(report)
    }
}
