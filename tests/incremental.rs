//! Rebuilds that reuse the previous build's work (serve) must give the same bytes as a fresh
//! build, after any sequence of edits: a property test over random edit sequences.

mod common;
use common::*;
use std::fs;
use std::path::Path;
use std::sync::Arc;

/// A small deterministic random generator (xorshift), so a failure can be replayed by its seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn build(root: &Path, cache: Option<Arc<site::Cache>>) -> Result<site::Built, Vec<String>> {
    let mut o = site::Options::new(root, i18n::Lang::En);
    o.memory = true;
    o.cache = cache;
    o.inject = Some("<script src=\"/__live.js\"></script>".into());
    site::build(&o, &|_| {}).map_err(|f| f.0.iter().map(|d| d.render(i18n::Lang::En)).collect())
}

fn pages(root: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && !p
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("_index")
        })
        .collect();
    v.sort();
    v
}

fn edit(root: &Path, rng: &mut Rng, step: usize) -> String {
    let list = pages(root);
    let page = &list[rng.below(list.len())];
    let text = fs::read_to_string(page).unwrap_or_default();
    match rng.below(9) {
        0 | 1 => {
            fs::write(
                page,
                format!("{text}\nĐoạn mới {step}: biển đảo quê hương.\n"),
            )
            .unwrap();
            format!("body of {}", page.display())
        }
        2 => {
            fs::write(
                page,
                text.replacen("title = \"", &format!("title = \"Mới {step} "), 1),
            )
            .unwrap();
            format!("title of {}", page.display())
        }
        3 => {
            fs::write(page, text.replacen("date = 20", "date = 19", 1)).unwrap();
            format!("date of {}", page.display())
        }
        4 => {
            let dir = root.join("content/tin-tuc");
            fs::write(dir.join(format!("moi-{step}.md")), format!("+++\ntitle = \"Bài mới {step}\"\ndate = 2024-05-{:02}\n[taxonomies]\ntags = [\"biển đảo\"]\n+++\nNội dung <!-- more --> tiếp.\n", 1 + step % 28)).unwrap();
            "new page".into()
        }
        5 => {
            // Keep the pages other pages link to.
            if !page.ends_with("index.md") && !page.ends_with("truong-sa.md") {
                fs::remove_file(page).unwrap();
            }
            format!("delete {}", page.display())
        }
        6 => {
            let t = root.join("templates/page.html");
            let s = fs::read_to_string(&t).unwrap();
            fs::write(&t, s.replace("<h1>", &format!("<h1 data-v=\"{step}\">"))).unwrap();
            "template".into()
        }
        7 => {
            fs::write(
                page,
                text.replacen("tags = [\"", "tags = [\"Hoà bình\", \"", 1),
            )
            .unwrap();
            format!("tags of {}", page.display())
        }
        _ => {
            let d = root.join("data/nhiem-vu.toml");
            let s = fs::read_to_string(&d).unwrap();
            fs::write(&d, format!("{s}[[task]]\nname = \"Nhiệm vụ {step}\"\n")).unwrap();
            "data file".into()
        }
    }
}

#[test]
fn incremental_rebuilds_equal_full_builds() {
    for seed in [7u64, 1234, 99991] {
        let (_dir, root) = site_copy("basic");
        let cache = Arc::new(site::Cache::new());
        build(&root, Some(cache.clone())).expect("first build");
        let mut rng = Rng(seed);
        let mut history = Vec::new();
        for step in 0..12 {
            history.push(edit(&root, &mut rng, step));
            let inc = build(&root, Some(cache.clone()));
            let full = build(&root, None);
            match (inc, full) {
                (Ok(a), Ok(b)) => {
                    let (a, b) = (a.memory.unwrap(), b.memory.unwrap());
                    let names_a: Vec<_> = a.keys().collect();
                    let names_b: Vec<_> = b.keys().collect();
                    assert_eq!(names_a, names_b, "seed {seed}, edits {history:?}");
                    for (k, v) in &a {
                        assert!(v == &b[k], "seed {seed}: {k} differs after {history:?}");
                    }
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "seed {seed}: same errors"),
                (a, b) => panic!(
                    "seed {seed}: incremental ok={} full ok={} after {history:?}",
                    a.is_ok(),
                    b.is_ok()
                ),
            }
        }
    }
}

#[test]
fn a_body_edit_reuses_the_rest() {
    let (_dir, root) = site_copy("basic");
    let cache = Arc::new(site::Cache::new());
    let first = build(&root, Some(cache.clone())).unwrap();
    assert_eq!(first.reuse.reused, 0);
    let p = root.join("content/tin-tuc/em.md");
    fs::write(&p, fs::read_to_string(&p).unwrap() + "\nThêm một câu.\n").unwrap();
    let second = build(&root, Some(cache.clone())).unwrap();
    // Only that page's Markdown and the outputs showing it are redone.
    assert!(
        second.reuse.reused > second.reuse.rendered * 3,
        "{:?}",
        second.reuse
    );
    let page = String::from_utf8(second.memory.unwrap()["tin-tuc/em/index.html"].clone()).unwrap();
    assert!(page.contains("Thêm một câu."));
}
