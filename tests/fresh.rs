//! No-change rebuilds: a second `bangtin build` of unchanged inputs into an untouched output
//! folder does nothing, and any change to what a build reads or to the output makes it build.
//! Every test checks the output too, so a wrongly taken fast path fails it.

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const UP_TO_DATE: &str = "Nothing changed since the last build";

/// A site copy with its output folder (outside the site folder, as CI and most tests do) and
/// the date builds take as today.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    today: String,
    lang: &'static str,
}

impl Site {
    fn new() -> Site {
        let (dir, root) = site_copy("basic");
        let out = dir.path().join("public");
        Site {
            _dir: dir,
            root,
            out,
            today: "2025-03-01".into(),
            lang: "en",
        }
    }

    fn build_with(&self, extra: &[&str]) -> Output {
        let o = Command::new(env!("CARGO_BIN_EXE_bangtin"))
            .args(["--root", self.root.to_str().unwrap(), "build"])
            .args(["--output", self.out.to_str().unwrap()])
            .args(extra)
            .env("BANGTIN_LANG", self.lang)
            .env("BANGTIN_TODAY", &self.today)
            .env_remove("LC_ALL")
            .output()
            .expect("run bangtin");
        assert!(o.status.success(), "{}", stderr(&o));
        o
    }

    /// Builds; true when the build found nothing to do.
    fn build(&self) -> bool {
        self.fresh(&[])
    }

    fn fresh(&self, extra: &[&str]) -> bool {
        stderr(&self.build_with(extra)).contains(UP_TO_DATE)
    }

    fn site_file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn output(&self, rel: &str) -> String {
        read(&self.out, rel)
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let p = self.site_file(rel);
        let text = fs::read_to_string(&p).unwrap();
        fs::write(&p, f(text)).unwrap();
    }

    /// Built and up to date: the starting point of every change below.
    fn settled() -> Site {
        let s = Site::new();
        assert!(!s.build(), "the first build renders");
        assert!(
            s.build(),
            "a second build of the same inputs has nothing to do"
        );
        s
    }
}

fn mtimes(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn second_build_is_up_to_date_and_touches_nothing() {
    let s = Site::new();
    let o = s.build_with(&[]);
    assert!(stderr(&o).contains("Done:"), "{}", stderr(&o));
    let before = mtimes(&s.out);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = s.build_with(&[]);
    let err = stderr(&o);
    assert!(err.contains(UP_TO_DATE), "{err}");
    assert!(
        err.contains(&format!("the {} files", before.len() - 1)),
        "{err}"
    );
    assert_eq!(
        mtimes(&s.out),
        before,
        "nothing was written, not even the marker"
    );
    // The same in Vietnamese.
    let mut s = s;
    s.lang = "vi";
    s.build_with(&[]);
    let o = s.build_with(&[]);
    let err = stderr(&o);
    assert!(
        err.contains("Không có gì thay đổi từ lần dựng trước"),
        "{err}"
    );
}

#[test]
fn editing_content_rebuilds() {
    let s = Site::settled();
    s.edit("content/tin-tuc/em.md", |t| t + "\nMột câu mới thêm vào.\n");
    assert!(!s.build());
    assert!(s
        .output("tin-tuc/em/index.html")
        .contains("Một câu mới thêm vào."));
    assert!(s.build(), "and then it is up to date again");
}

#[test]
fn markdown_the_loader_skips_is_still_in_the_key() {
    // The key takes the content's Markdown hashes from the loader; a file it passes over (an
    // editor's hidden copy) is hashed at the end instead, so the next build still agrees.
    let s = Site::new();
    fs::write(
        s.site_file("content/tin-tuc/.em.md"),
        "+++\ntitle = \"Nháp\"\n+++\n",
    )
    .unwrap();
    assert!(!s.build());
    assert!(s.build(), "the recorded key is the key of the files");
    s.edit("content/tin-tuc/.em.md", |t| t + "thêm\n");
    assert!(!s.build(), "an input all the same");
    assert!(s.build());
}

#[cfg(unix)]
#[test]
fn a_linked_content_folder_is_walked_through() {
    // content/ is a link to a folder elsewhere, which the loader reads through: an edit there
    // must rebuild, and a link back up must not make the walk go round.
    let s = Site::new();
    let real = s.site_file("noi-dung");
    fs::rename(s.site_file("content"), &real).unwrap();
    std::os::unix::fs::symlink("noi-dung", s.site_file("content")).unwrap();
    std::os::unix::fs::symlink("..", real.join("tin-tuc/vong")).unwrap();
    assert!(!s.build());
    assert!(s.build(), "nothing changed");
    s.edit("content/tin-tuc/em.md", |t| {
        t + "\nDòng thêm qua liên kết.\n"
    });
    assert!(!s.build(), "a page behind the link changed");
    assert!(s
        .output("tin-tuc/em/index.html")
        .contains("Dòng thêm qua liên kết."));
    assert!(s.build());
}

#[test]
fn touching_without_changing_stays_up_to_date() {
    let s = Site::settled();
    // Same bytes, new time (a checkout, a copy): the output would be the same.
    s.edit("content/tin-tuc/em.md", |t| t);
    assert!(s.build());
}

#[test]
fn adding_and_removing_content_rebuilds() {
    let s = Site::settled();
    fs::write(
        s.site_file("content/tin-tuc/moi.md"),
        "+++\ntitle = \"Bài mới\"\ndate = 2024-05-01\n+++\nNội dung.\n",
    )
    .unwrap();
    assert!(!s.build());
    assert!(s.output("tin-tuc/moi/index.html").contains("Bài mới"));
    fs::remove_file(s.site_file("content/tin-tuc/moi.md")).unwrap();
    assert!(!s.build());
    assert!(!s.out.join("tin-tuc/moi/index.html").exists());
}

#[test]
fn editing_a_template_rebuilds() {
    let s = Site::settled();
    s.edit("templates/page.html", |t| {
        t.replace(
            "<h1>{{ page.title }}</h1>",
            "<h1 class=\"moi\">{{ page.title }}</h1>",
        )
    });
    assert!(!s.build());
    assert!(s
        .output("tin-tuc/em/index.html")
        .contains("<h1 class=\"moi\">"));
}

#[test]
fn editing_a_shortcode_rebuilds() {
    let s = Site::settled();
    s.edit("templates/shortcodes/note.html", |t| {
        format!("<!-- moi -->{t}")
    });
    assert!(!s.build());
    let any = walkdir::WalkDir::new(&s.out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .any(|e| {
            fs::read_to_string(e.path())
                .unwrap()
                .contains("<!-- moi -->")
        });
    assert!(any, "the shortcode's new text is in the output");
}

#[test]
fn editing_a_static_file_rebuilds() {
    let s = Site::settled();
    fs::write(s.site_file("static/site.css"), "body{color:#333}").unwrap();
    assert!(!s.build());
    assert_eq!(s.output("site.css"), "body{color:#333}");
}

#[test]
fn editing_a_data_file_rebuilds() {
    let s = Site::settled();
    s.edit("data/nhiem-vu.toml", |t| {
        t + "[[task]]\nname = \"Nhiệm vụ mới thêm\"\n"
    });
    assert!(!s.build());
    assert!(s
        .output("tin-tuc/nhiem-vu/index.html")
        .contains("Nhiệm vụ mới thêm"));
}

#[test]
fn a_data_file_outside_data_is_an_input_too() {
    let s = Site::new();
    // load_data reads any data file of the site folder.
    fs::write(s.site_file("lich.json"), r#"{"hoc_ky": "Học kỳ I"}"#).unwrap();
    s.edit("templates/page.html", |t| {
        t.replace(
            "<h1>",
            "{% set l = load_data(path=\"lich.json\") %}<p class=\"hk\">{{ l.hoc_ky }}</p><h1>",
        )
    });
    assert!(!s.build());
    assert!(s.build());
    fs::write(s.site_file("lich.json"), r#"{"hoc_ky": "Học kỳ II"}"#).unwrap();
    assert!(!s.build());
    assert!(s.output("tin-tuc/em/index.html").contains("Học kỳ II"));
}

#[test]
fn other_tools_folders_are_not_inputs() {
    // A site folder that is also a Rust or npm project (the bundled school site is): target/,
    // node_modules/ and hidden folders hold thousands of data-like files that no build reads.
    let s = Site::new();
    for dir in ["target/release", "tests/node_modules/x", ".cache"] {
        fs::create_dir_all(s.site_file(dir)).unwrap();
        fs::write(s.site_file(&format!("{dir}/f.json")), "{}").unwrap();
    }
    assert!(!s.build());
    assert!(s.build());
    for dir in ["target/release", "tests/node_modules/x", ".cache"] {
        fs::write(s.site_file(&format!("{dir}/f.json")), r#"{"a": 1}"#).unwrap();
        fs::write(s.site_file(&format!("{dir}/new.toml")), "a = 1").unwrap();
    }
    assert!(s.build(), "nothing a build reads changed");

    // load_data refuses them, so the key need not cover them.
    s.edit("templates/page.html", |t| {
        t.replace(
            "<h1>",
            "{% set l = load_data(path=\"target/release/f.json\") %}<h1>",
        )
    });
    let refused = |lang: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_bangtin"))
            .args(["--root", s.root.to_str().unwrap(), "build"])
            .args(["--output", s.out.to_str().unwrap()])
            .env("BANGTIN_LANG", lang)
            .env("BANGTIN_TODAY", &s.today)
            .output()
            .unwrap();
        assert!(!o.status.success());
        stderr(&o)
    };
    let err = refused("en");
    assert!(
        err.contains(
            "`target/release/f.json` is in a hidden folder or in target/ or node_modules/"
        ) && err.contains("put the file in data/"),
        "{err}"
    );
    let err = refused("vi");
    assert!(
        err.contains("`target/release/f.json` nằm trong thư mục ẩn")
            && err.contains("hãy đặt tệp vào data/"),
        "{err}"
    );
}

#[test]
fn editing_the_config_rebuilds() {
    let s = Site::settled();
    s.edit("config.toml", |t| {
        t.replace("title = \"Trường Thử\"", "title = \"Trường Đổi Tên\"")
    });
    assert!(!s.build());
    assert!(s.output("index.html").contains("Trường Đổi Tên"));
}

#[test]
fn deleting_an_output_file_rebuilds() {
    let s = Site::settled();
    fs::remove_file(s.out.join("tin-tuc/em/index.html")).unwrap();
    assert!(!s.build());
    assert!(s.out.join("tin-tuc/em/index.html").exists());
    assert!(s.build());
}

#[test]
fn editing_an_output_file_rebuilds() {
    let s = Site::settled();
    let p = s.out.join("tin-tuc/em/index.html");
    let good = fs::read_to_string(&p).unwrap();
    // Same size, so only the time tells.
    let bad = good.replacen("<h1>", "<h2>", 1);
    assert_eq!(bad.len(), good.len());
    fs::write(&p, &bad).unwrap();
    assert!(!s.build());
    assert_eq!(fs::read_to_string(&p).unwrap(), good);
}

#[test]
fn replacing_an_output_file_rebuilds() {
    let s = Site::settled();
    // A new file put in place of the old one, even with the old one's time.
    let p = s.out.join("tin-tuc/em/index.html");
    let good = fs::read_to_string(&p).unwrap();
    let time = fs::metadata(&p).unwrap().modified().unwrap();
    let tmp = s.out.join("tin-tuc/em/new.html");
    fs::write(&tmp, good.replacen("<h1>", "<h2>", 1)).unwrap();
    fs::File::options()
        .write(true)
        .open(&tmp)
        .unwrap()
        .set_modified(time)
        .unwrap();
    fs::rename(&tmp, &p).unwrap();
    assert!(!s.build());
    assert_eq!(fs::read_to_string(&p).unwrap(), good);
}

#[test]
fn an_extra_output_file_rebuilds_and_goes() {
    let s = Site::settled();
    fs::write(s.out.join("la.html"), "not from the site").unwrap();
    assert!(!s.build());
    assert!(!s.out.join("la.html").exists());
    assert!(s.build());
}

#[test]
fn build_options_are_part_of_the_key() {
    let s = Site::settled();
    assert!(!s.fresh(&["--drafts"]));
    assert!(s.out.join("bien-dao/nhap/index.html").exists());
    assert!(s.fresh(&["--drafts"]));
    assert!(!s.build(), "without drafts again");
    assert!(!s.out.join("bien-dao/nhap/index.html").exists());
    assert!(!s.fresh(&["--base-url", "http://localhost:8000/"]));
    assert!(s.output("index.html").contains("http://localhost:8000/"));
    assert!(s.fresh(&["--base-url", "http://localhost:8000/"]));
    assert!(!s.fresh(&["--future"]));
    assert!(s.out.join("bien-dao/tuong-lai/index.html").exists());
}

#[test]
fn another_output_folder_builds() {
    let s = Site::settled();
    let mut other = Site::new();
    other.root = s.root.clone();
    other.out = s.out.with_file_name("khac");
    assert!(!other.build());
    assert!(other.build());
    assert!(s.build(), "each folder keeps its own record");
}

#[test]
fn a_scheduled_page_appears_on_its_day() {
    let mut s = Site::new();
    // The fixture's scheduled page is dated 2999-01-01.
    s.today = "2998-12-31".into();
    assert!(!s.build());
    assert!(s.build());
    assert!(!s.out.join("bien-dao/tuong-lai/index.html").exists());
    s.today = "2999-01-01".into();
    assert!(!s.build(), "a new day may bring a scheduled page");
    assert!(s.out.join("bien-dao/tuong-lai/index.html").exists());
}

#[test]
fn templates_that_read_the_clock_always_build() {
    let s = Site::new();
    s.edit("templates/base.html", |t| {
        t.replace(
            "</body>",
            "<footer>{{ now() | date(format=\"%Y\") }}</footer></body>",
        )
    });
    assert!(!s.build());
    assert!(!s.build(), "now() can change between two builds");
}

#[test]
fn a_failed_build_leaves_no_record() {
    let s = Site::settled();
    let page = s.site_file("templates/page.html");
    let original = fs::read_to_string(&page).unwrap();
    fs::write(&page, original.replace("{% endblock %}", "")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bangtin"))
        .args(["--root", s.root.to_str().unwrap(), "build"])
        .args(["--output", s.out.to_str().unwrap()])
        .env("BANGTIN_LANG", "en")
        .env("BANGTIN_TODAY", &s.today)
        .output()
        .unwrap();
    assert!(!o.status.success(), "the broken template fails the build");
    // Back to the inputs of the output folder's build: nothing to do, rightly.
    fs::write(&page, original).unwrap();
    assert!(s.build());
}
