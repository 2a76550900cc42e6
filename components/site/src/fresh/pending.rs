//! A build that must run registers here: its inputs are hashed beside it, and at the output
//! swap it records its key in the marker when nothing changed while it ran ([`Pending`]).

use super::scan::{Hashes, Input, Scan, FORMAT};
use crate::util::hash::{hex, Key};
use crate::util::lock;
use crate::util::paths::slash_path;
use crate::util::timings;
use crate::util::tree::Stat;
use crate::write::marker::{listing, listing_of_written, Recorder, Sealed};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

/// A build that may record its key when its output is swapped in (see [`Recorder::seal`]).
pub struct Pending {
    output: PathBuf,
}

/// What a registered build needs at the swap.
pub(crate) struct Entry {
    /// The hashing of the inputs (`None`: no key).
    pub key: std::thread::JoinHandle<Option<(Vec<Input>, Hashes)>>,
    pub stamp: Key,
    pub scan: Scan,
    /// Hashes of the files the loader read, by path relative to the site folder with `/`.
    pub read: HashMap<String, Key>,
}

/// Builds in progress per output folder; a folder two builds write at once gets no key.
struct Slot {
    builds: usize,
    pending: Option<Entry>,
}

static PENDING: LazyLock<Mutex<HashMap<PathBuf, Slot>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

impl Pending {
    /// Registers a build of `output` (an absolute path).
    pub(crate) fn register(output: PathBuf, entry: Entry) -> Pending {
        let mut table = lock(&PENDING);
        table
            .entry(output.clone())
            .and_modify(|slot| {
                slot.builds += 1;
                slot.pending = None;
            })
            .or_insert(Slot {
                builds: 1,
                pending: Some(entry),
            });
        Pending { output }
    }
}

impl Recorder for Pending {
    fn read(&self, files: &[(PathBuf, Key)]) {
        let mut table = lock(&PENDING);
        if let Some(entry) = table
            .get_mut(&self.output)
            .and_then(|slot| slot.pending.as_mut())
        {
            entry.read = files
                .iter()
                .map(|(rel, hash)| (slash_path(rel), *hash))
                .collect();
        }
    }

    /// The key of the build and the digest of the staged files, when the build registered a
    /// key and its inputs did not change while it ran.
    fn seal(&self, output: &Path, staging: &Path, written: Vec<(String, Stat)>) -> Option<Sealed> {
        if std::path::absolute(output).ok()? != self.output {
            return None;
        }
        let entry = {
            let mut table = lock(&PENDING);
            let slot = table.get_mut(&self.output)?;
            slot.pending.take()?
        };
        let t = Instant::now();
        let (inputs, hashes) = entry.key.join().ok()??;
        let key = entry.scan.complete(&inputs, hashes, &entry.read)?;
        if timings::enabled() {
            eprintln!("  fresh: wait for the hashing {:>8.1} ms", timings::ms(t));
        }
        // Stamped again once the hashing is over: a file changed since the first stamp may or
        // may not be in the output, and in the key: trust neither.
        let t = Instant::now();
        let (stamp, listing) = rayon::join(
            || entry.scan.stamp(),
            || match listing_of_written(written) {
                Some(l) => Some(l),
                None => listing(staging).ok(),
            },
        );
        if timings::enabled() {
            eprintln!("  fresh: inputs stamp + listing {:>6.1} ms", timings::ms(t));
        }
        if stamp?.0 != entry.stamp {
            return None;
        }
        let listing = listing?;
        Some(Sealed {
            text: format!(
                "{FORMAT}\ninputs {}\noutput {}\nfiles {}\n",
                hex(&key),
                hex(&listing.digest),
                listing.files
            ),
            newest: listing.newest,
        })
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let mut table = lock(&PENDING);
        if let Some(slot) = table.get_mut(&self.output) {
            slot.builds -= 1;
            if slot.builds == 0 {
                table.remove(&self.output);
            }
        }
    }
}
