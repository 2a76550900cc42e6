//! No-change rebuilds: when nothing a build reads has changed since the build that wrote the
//! output folder, and the folder is still exactly as that build left it, there is nothing to
//! render, and the build stops after a walk of the output folder and a hash of its inputs.
//!
//! What a build's output depends on, all hashed into one key:
//! - every file of the site folder that a build can read: all of `content/`, `static/`,
//!   `templates/`, `i18n/`, `data/` and `themes/`, and elsewhere every file `load_data` can
//!   read (`.toml`, `.yaml`, `.yml`, `.json`, `.csv`, so `config.toml` too), by content;
//!   left out are the output folder, the image cache and version-control folders; links to
//!   folders are walked through, since the loaders read through them (`content/` can be one);
//! - the bangtin binary (version, and size and time of the executable file);
//! - the build options (drafts, future, base URL, output folder, injected HTML...) and the
//!   config;
//! - today's date, since a page dated in the future appears on its day.
//!
//! The input files are stamped (size, times, inode) before the build reads anything, and
//! stamped again at the output swap: the key is only recorded when nothing changed meanwhile.
//! So a build that must run anyway hashes its inputs on a thread beside it, except the
//! content's Markdown files: the loader hashes the bytes it reads, which spares reading
//! them twice (and hashes exactly what the build used).
//!
//! Templates that call `now()`, `get_random()` or `get_env()` give different output from one
//! build to the next: such a site always builds in full.
//!
//! The output folder's marker file ([`MARKER`]) records the key with a digest of the output
//! listing: every file and folder with its size, modification time and inode. It is written
//! in the staging folder before the swap, so it only ever describes a complete output; a file
//! deleted, added or edited in the output since changes the listing, and the next build runs
//! in full. The digest (not the list itself) is kept, because the marker is published with the
//! site: it must tell nothing about the files.

mod pending;
mod scan;

pub use crate::options::{today, TODAY_VAR};
pub use pending::Pending;

use crate::config::Config;
use crate::options::Options;
use crate::pipeline::Built;
use crate::util::hash::Key;
use crate::util::timings;
use crate::write::marker::{listing, Listing, MARKER};
use crate::write::sink::WriteStats;
use pending::Entry;
use scan::{output_dir, Scan, FORMAT};
use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::time::{Instant, SystemTime};

/// What [`check`] found.
pub enum Check {
    /// The output folder already holds this build: nothing to do.
    UpToDate(Box<Built>),
    /// The build must run. Keep the value until the build returns: while it lives, the
    /// build's output swap records the key in the marker.
    Stale(Option<Pending>),
}

/// Whether the output folder already holds the build `opts` asks for. Only for builds written
/// to a folder without a session cache (`serve` has its own way of reusing work).
///
/// When the output folder's marker records a key, the output is listed and the inputs are
/// hashed side by side, to compare. When the build must run, the inputs are stamped (size,
/// times, inode) before it reads them and hashed beside it; the stamp, checked again at the
/// swap, tells whether what was hashed is what the build read.
pub fn check(opts: &Options, config: &Config, started: Instant) -> Check {
    if opts.memory || opts.cache.is_some() {
        return Check::Stale(None);
    }
    let output = output_dir(opts);
    let Some(scan) = Scan::new(opts, config, &output) else {
        return Check::Stale(None);
    };
    let timings = timings::enabled();
    if let Some(mut previous) = Previous::read(&output) {
        // The output folder and the inputs at once: both are needed to skip the build.
        let t = Instant::now();
        let (now, key) = rayon::join(
            || listing(&output).ok(),
            || {
                scan.walk(&|_, _| false)
                    .and_then(|inputs| scan.key(&inputs, true))
            },
        );
        previous.now = now;
        if timings {
            eprintln!(
                "  fresh: output listing + inputs walk + hash {:>8.1} ms",
                timings::ms(t)
            );
        }
        match key {
            Some(key) if key == previous.key && previous.untouched() => {
                return Check::UpToDate(Box::new(up_to_date(previous.files, config, started)));
            }
            // Volatile templates or unreadable inputs: no key to record either.
            None => return Check::Stale(None),
            Some(_) => {}
        }
    }
    // The build runs: stamp the inputs before it reads them, and hash them beside it (a
    // key computed above could predate a change made before the stamp).
    let t = Instant::now();
    let Some((stamp, inputs)) = scan.stamp() else {
        return Check::Stale(None);
    };
    if timings {
        eprintln!("  fresh: inputs stamp         {:>8.1} ms", timings::ms(t));
    }
    let key = {
        let scan = scan.clone();
        std::thread::spawn(move || {
            // The build keeps both cores busy at first: the hashing takes what it leaves idle.
            // The content's Markdown files are left to the loader, which hashes what it reads.
            lower_priority();
            let hashes = scan.hashes(&inputs, false, true)?;
            Some((inputs, hashes))
        })
    };
    let entry = Entry {
        key,
        stamp,
        scan,
        read: HashMap::new(),
    };
    Check::Stale(Some(Pending::register(output, entry)))
}

/// Makes the calling thread yield to the build's threads (Linux gives each thread its own
/// nice value); elsewhere it runs at the usual priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only changes the scheduling priority of the calling thread (`who`
    // 0); it reads and writes no memory of this process.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

/// What a build that found nothing to do reports.
fn up_to_date(files: usize, config: &Config, started: Instant) -> Built {
    Built {
        pages: 0,
        sections: 0,
        files,
        stats: WriteStats {
            written: 0,
            unchanged: files,
        },
        warnings: Vec::new(),
        elapsed: started.elapsed(),
        memory: None,
        images: (0, 0),
        config: config.clone(),
        content: Default::default(),
        page_bodies: Vec::new(),
        reuse: Default::default(),
        up_to_date: true,
    }
}

/// The marker of the output folder as the last build left it.
struct Previous {
    key: Key,
    output: Key,
    files: usize,
    /// The output as it is now (listed by the caller).
    now: Option<Listing>,
    marker_time: Option<SystemTime>,
}

impl Previous {
    fn read(output: &Path) -> Option<Previous> {
        let marker = output.join(MARKER);
        let text = fs::read_to_string(&marker).ok()?;
        let mut lines = text.lines();
        if lines.next() != Some("bangtin") || lines.next() != Some(FORMAT) {
            return None;
        }
        let mut fields: HashMap<&str, &str> = HashMap::new();
        for line in lines {
            let (k, v) = line.split_once(' ')?;
            fields.insert(k, v);
        }
        let key = |name: &str| -> Option<Key> {
            blake3::Hash::from_hex(fields.get(name)?)
                .ok()
                .map(|h| *h.as_bytes())
        };
        let marker_time = fs::metadata(&marker).ok()?.modified().ok();
        Some(Previous {
            key: key("inputs")?,
            output: key("output")?,
            files: fields.get("files")?.parse().ok()?,
            now: None,
            marker_time,
        })
    }

    /// Whether the output is as the recorded build left it.
    fn untouched(&self) -> bool {
        let Some(now) = &self.now else {
            return false;
        };
        // A file written in the same clock tick as the marker could have been edited since
        // without its time changing.
        let settled = match (now.newest, self.marker_time) {
            (Some(n), Some(m)) => n < m,
            (None, _) => true,
            (Some(_), None) => false,
        };
        now.digest == self.output && now.files == self.files && settled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::hash::file_hash;
    use crate::write::marker::Recorder;
    use crate::write::sink::Sink;
    use std::path::PathBuf;

    /// Runs the output side of a build: stage one file and swap it in.
    fn swap_in(out: &Path, pending: &Pending) {
        let sink = Sink::stage(out).unwrap();
        sink.write("index.html", b"<p>x</p>").unwrap();
        sink.commit(Some(pending)).unwrap();
    }

    #[test]
    fn an_input_changed_while_the_build_runs_records_no_key() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        fs::write(
            root.join("config.toml"),
            "title = \"T\"\nbase_url = \"https://t.example\"\n",
        )
        .unwrap();
        let page = root.join("content/_index.md");
        fs::write(&page, "+++\ntitle = \"A\"\n+++\n").unwrap();
        let out = dir.path().join("public");
        let mut opts = Options::new(&root, i18n::Lang::En);
        opts.output = Some(out.clone());
        let config = Config::load(&root, i18n::Lang::En).unwrap();
        let marker = || fs::read_to_string(out.join(MARKER)).unwrap();

        let Check::Stale(Some(pending)) = check(&opts, &config, Instant::now()) else {
            panic!("nothing built yet");
        };
        // A template edited after the stamp, before the swap: the build may have read either
        // text.
        let template = root.join("templates/page.html");
        fs::create_dir_all(root.join("templates")).unwrap();
        fs::write(&template, "{{ page.title }}").unwrap();
        swap_in(&out, &pending);
        drop(pending);
        assert_eq!(marker(), "bangtin\n", "no key recorded");

        let Check::Stale(Some(pending)) = check(&opts, &config, Instant::now()) else {
            panic!("no key, so no skip");
        };
        swap_in(&out, &pending);
        drop(pending);
        assert!(marker().contains("\ninputs "), "{}", marker());
        assert!(matches!(
            check(&opts, &config, Instant::now()),
            Check::UpToDate(_)
        ));

        // A page edited after the loader read it: the key is that of the text the build read,
        // so the next build sees the edit.
        fs::write(&page, "+++\ntitle = \"C\"\n+++\n").unwrap();
        let Check::Stale(Some(pending)) = check(&opts, &config, Instant::now()) else {
            panic!("the page changed: the build runs");
        };
        Recorder::read(
            &pending,
            &[(
                PathBuf::from("content/_index.md"),
                file_hash(&fs::read(&page).unwrap()),
            )],
        );
        fs::write(&page, "+++\ntitle = \"B\"\n+++\n").unwrap();
        swap_in(&out, &pending);
        drop(pending);
        assert!(marker().contains("\ninputs "), "{}", marker());
        assert!(matches!(
            check(&opts, &config, Instant::now()),
            Check::Stale(Some(_))
        ));
    }
}
