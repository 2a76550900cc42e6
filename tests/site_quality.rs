//! The school's own site (this repository's config.toml, content/, data/, static/ and the
//! bundled theme "truong"), built by the real binary: the key facts of the output, page weight,
//! no third-party resources, then axe-core and the Nu HTML Checker over every page.
//!
//! The browser checks need Debian's chromium, a Java runtime and `npm ci` in tests/browser
//! (`.ci/browser-setup.sh` installs them). With CI=true a missing piece fails the test;
//! otherwise those two checks are skipped with a loud message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The sections of the 2024 plan's themes, each in Vietnamese and English.
const THEME_SECTIONS: [&str; 7] = [
    "quang-ba-dia-phuong",
    "quyen-con-nguoi",
    "hoi-nhap-quoc-te",
    "bien-dao",
    "thong-tin-chinh-thong",
    "cong-dong-asean",
    "hang-viet-nam",
];

/// Budget for the HTML of a page plus its stylesheets, uncompressed, before images.
const PAGE_BUDGET: u64 = 50 * 1024;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built site, shared by every test of this file (built once per test run).
struct Site {
    public: PathBuf,
    base_url: String,
    /// URL path ("/bien-dao/") -> HTML, for every page that is not a redirect.
    pages: BTreeMap<String, String>,
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site_quality");
        let public = out.join("public");
        std::fs::create_dir_all(&out).expect("create the test output folder");
        let run = Command::new(env!("CARGO_BIN_EXE_bangtin"))
            .args(["--lang", "en", "build", "--root"])
            .arg(repo())
            .arg("--output")
            .arg(&public)
            .output()
            .expect("run bangtin build");
        assert!(
            run.status.success(),
            "bangtin build of the repository's site failed:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        let config = std::fs::read_to_string(repo().join("config.toml")).expect("read config.toml");
        let base_url = config
            .lines()
            .find_map(|l| {
                l.trim().strip_prefix("base_url").map(|r| {
                    r.trim()
                        .trim_start_matches('=')
                        .trim()
                        .trim_matches('"')
                        .trim_end_matches('/')
                        .to_string()
                })
            })
            .expect("config.toml has base_url");
        let mut pages = BTreeMap::new();
        for file in html_files(&public) {
            let html = std::fs::read_to_string(&file).expect("read a built page");
            // Tera's default escaper writes "/" as "&#x2F;"; compare text as a reader sees it.
            let html = html.replace("&#x2F;", "/");
            if is_redirect(&html) {
                continue;
            }
            pages.insert(url_path(&public, &file), html);
        }
        Site {
            public,
            base_url,
            pages,
        }
    })
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read a folder of the output") {
            let path = entry.expect("read a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// "/bien-dao/" for public/bien-dao/index.html, "/404.html" for public/404.html.
fn url_path(public: &Path, file: &Path) -> String {
    let rel: Vec<String> = file
        .strip_prefix(public)
        .expect("file under public/")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = rel.join("/");
    match joined.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{joined}"),
    }
}

fn is_redirect(html: &str) -> bool {
    html.len() < 2000 && html.to_ascii_lowercase().contains("http-equiv=\"refresh\"")
}

/// Every start tag `<name ...>` of the document, as attribute maps (a small, forgiving scanner:
/// the output is also checked by the Nu HTML Checker below).
fn tags(html: &str, name: &str) -> Vec<BTreeMap<String, String>> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&open) {
        let start = from + i + open.len();
        from = start;
        let next = lower.as_bytes().get(start).copied().unwrap_or(b'>');
        if !(next.is_ascii_whitespace() || next == b'>' || next == b'/') {
            continue;
        }
        let Some(end) = html[start..].find('>') else {
            break;
        };
        out.push(attributes(&html[start..start + end]));
        from = start + end;
    }
    out
}

fn attributes(s: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let k0 = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if k0 == i {
            i += 1;
            continue;
        }
        let key = s[k0..i].to_ascii_lowercase();
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v0 = i + 1;
                i = v0;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = s[v0..i.min(b.len())].to_string();
                i += 1;
            } else {
                let v0 = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = s[v0..i].to_string();
            }
        }
        map.insert(key, unescape(&value));
    }
    map
}

/// Undoes the escaping of an attribute value (`&#x2F;` for "/" with Tera's default escaper).
fn unescape(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The hrefs of the `<link rel="alternate" hreflang=...>` of a page, by language.
fn alternates(html: &str) -> BTreeMap<String, String> {
    tags(html, "link")
        .into_iter()
        .filter(|l| l.get("rel").map(String::as_str) == Some("alternate"))
        .filter_map(|l| Some((l.get("hreflang")?.clone(), l.get("href")?.clone())))
        .collect()
}

fn page<'a>(site: &'a Site, path: &str) -> &'a str {
    site.pages.get(path).unwrap_or_else(|| {
        panic!(
            "the build has no page {path}; pages: {:?}",
            site.pages.keys().collect::<Vec<_>>()
        )
    })
}

#[test]
fn home_plan_and_every_theme_section_exist_in_both_languages() {
    let site = site();
    for path in [
        "/",
        "/en/",
        "/404.html",
        "/gioi-thieu/",
        "/en/about/",
        "/lien-he/",
        "/en/contact/",
        "/tim-kiem/",
        "/en/search/",
        "/ke-hoach/ke-hoach-31-kh-thba-2024/",
        "/huong-dan/",
    ] {
        page(site, path);
    }
    for s in THEME_SECTIONS {
        let vi = page(site, &format!("/{s}/"));
        assert!(
            vi.contains("<html lang=\"vi\""),
            "/{s}/ is not marked lang=vi"
        );
        let en_page = page(site, &format!("/en/{s}/"));
        assert!(
            en_page.contains("<html lang=\"en\""),
            "/en/{s}/ is not marked lang=en"
        );
        // The introduction quotes the plan and links to it.
        assert!(
            tags(vi, "a").iter().any(|a| a
                .get("href")
                .is_some_and(|h| h.contains("/ke-hoach/ke-hoach-31-kh-thba-2024/#muc-"))),
            "/{s}/ does not link to its part of the plan"
        );
        // Each language version names the other as its alternate.
        assert_eq!(
            alternates(vi).get("en"),
            Some(&format!("{}/en/{s}/", site.base_url)),
            "/{s}/: hreflang=en alternate"
        );
        assert_eq!(
            alternates(en_page).get("vi"),
            Some(&format!("{}/{s}/", site.base_url)),
            "/en/{s}/: hreflang=vi alternate"
        );
    }
    // The school's identity comes from config.toml, the plan's header from the page.
    let home = page(site, "/");
    assert!(home.contains("Trường Tiểu học Bình An"));
    let plan = page(site, "/ke-hoach/ke-hoach-31-kh-thba-2024/");
    for text in [
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 31/KH-THBA",
        "Đặng Thành Trung",
        "III. TỔ CHỨC THỰC HIỆN",
        "Tây Ninh",
    ] {
        assert!(plan.contains(text), "the plan page lacks {text:?}");
    }
    assert!(
        plan.contains("<time datetime=\"2024-01-16\">ngày 16 tháng 01 năm 2024</time>"),
        "the plan page does not show its date in the administrative style"
    );
}

#[test]
fn the_task_table_has_16_rows_each_linked_to_a_theme() {
    let site = site();
    let plan = page(site, "/ke-hoach/ke-hoach-31-kh-thba-2024/");
    let start = plan
        .find("<table class=\"tasks tasks-full\"")
        .expect("the plan page has the task table");
    let table = &plan[start..start + plan[start..].find("</table>").expect("the table is closed")];
    assert!(table.contains("<caption>"), "the task table has no caption");
    assert_eq!(
        tags(table, "th")
            .iter()
            .filter(|a| a.get("scope").map(String::as_str) == Some("col"))
            .count(),
        6,
        "six column headers"
    );
    let body = &table[table.find("<tbody").expect("tbody")..];
    let rows: Vec<&str> = body.split("<tr").skip(1).collect();
    assert_eq!(rows.len(), 16, "the appendix has 16 tasks");
    for (i, row) in rows.iter().enumerate() {
        assert!(
            row.contains("scope=\"row\""),
            "task {} has no row header",
            i + 1
        );
        let links = tags(row, "a");
        assert!(!links.is_empty(), "task {} links to no theme", i + 1);
        let href = &links[links.len() - 1]["href"];
        assert!(
            THEME_SECTIONS
                .iter()
                .any(|s| href == &format!("{}/{s}/", site.base_url))
                || href.ends_with("/ke-hoach/ke-hoach-31-kh-thba-2024/#noi-dung"),
            "task {} links to {href}, not to a theme section",
            i + 1
        );
    }
    // Each theme section (but the one with no task) shows its own tasks.
    let bien_dao: Vec<String> = tags(page(site, "/bien-dao/"), "a")
        .into_iter()
        .filter_map(|a| a.get("href").cloned())
        .collect();
    for n in [7, 8] {
        let target = format!(
            "{}/ke-hoach/ke-hoach-31-kh-thba-2024/#nhiem-vu-{n}",
            site.base_url
        );
        assert!(
            bien_dao.contains(&target),
            "/bien-dao/ does not list task {n} of the plan"
        );
    }
}

#[test]
fn every_page_has_title_description_canonical_hreflang_and_social_card() {
    let site = site();
    assert!(
        site.pages.len() > 30,
        "only {} pages were built",
        site.pages.len()
    );
    for (path, html) in &site.pages {
        assert!(html.starts_with("<!DOCTYPE html>"), "{path}: no doctype");
        let lang = tags(html, "html")
            .first()
            .and_then(|a| a.get("lang").cloned())
            .unwrap_or_default();
        assert!(
            lang == "vi" || lang == "en",
            "{path}: <html lang> is {lang:?}"
        );
        assert!(
            html.contains("<title>") && html.contains("<meta name=\"description\" content=\""),
            "{path}: no title or description"
        );
        let metas = tags(html, "meta");
        let prop = |p: &str| {
            metas
                .iter()
                .find(|m| m.get("property").or(m.get("name")).map(String::as_str) == Some(p))
                .map(|m| m["content"].clone())
        };
        for p in [
            "og:title",
            "og:description",
            "og:image",
            "og:url",
            "og:type",
            "twitter:card",
        ] {
            let v = prop(p).unwrap_or_else(|| panic!("{path}: no {p}"));
            assert!(!v.is_empty(), "{path}: empty {p}");
        }
        let locale = prop("og:locale").unwrap_or_default();
        assert_eq!(
            locale,
            if lang == "vi" { "vi_VN" } else { "en_US" },
            "{path}: og:locale"
        );
        assert!(
            prop("og:image").unwrap_or_default().starts_with("http"),
            "{path}: og:image must be absolute"
        );
        let links = tags(html, "link");
        let rel = |r: &str| {
            links
                .iter()
                .filter(|l| l.get("rel").map(String::as_str) == Some(r))
                .count()
        };
        assert_eq!(rel("canonical"), 1, "{path}: canonical link");
        assert!(rel("icon") >= 1, "{path}: favicon");
        if path != "/404.html" {
            assert!(
                links.iter().any(|l| l.get("hreflang").is_some()),
                "{path}: no hreflang alternate"
            );
        }
        assert!(
            links
                .iter()
                .any(|l| l.get("type").map(String::as_str) == Some("application/atom+xml")),
            "{path}: no feed link"
        );
        for landmark in ["<header", "<nav", "<main", "<footer", "class=\"skip-link\""] {
            assert!(html.contains(landmark), "{path}: no {landmark}");
        }
    }
}

#[test]
fn every_page_is_under_50_kb_of_html_and_css() {
    let site = site();
    let mut worst = (0, String::new());
    for (path, html) in &site.pages {
        let mut total = html.len() as u64;
        for link in tags(html, "link") {
            if link.get("rel").map(String::as_str) != Some("stylesheet") {
                continue;
            }
            let href = link["href"].split('?').next().unwrap_or_default();
            let rel = href
                .strip_prefix(&site.base_url)
                .unwrap_or(href)
                .trim_start_matches('/');
            let css = site.public.join(rel);
            total += std::fs::metadata(&css)
                .unwrap_or_else(|_| panic!("{path}: stylesheet {href} is not in the output"))
                .len();
        }
        assert!(
            total < PAGE_BUDGET,
            "{path}: HTML+CSS is {total} bytes, over the {PAGE_BUDGET} budget"
        );
        if total > worst.0 {
            worst = (total, path.clone());
        }
    }
    eprintln!("heaviest page: {} ({} bytes of HTML+CSS)", worst.1, worst.0);
}

#[test]
fn no_page_loads_scripts_styles_images_or_frames_from_a_third_party() {
    let site = site();
    let own = |url: &str| {
        !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//"))
            || url.starts_with(&format!("{}/", site.base_url))
    };
    for (path, html) in &site.pages {
        for (tag, attr) in [
            ("script", "src"),
            ("img", "src"),
            ("img", "srcset"),
            ("source", "srcset"),
            ("iframe", "src"),
            ("video", "src"),
            ("audio", "src"),
            ("object", "data"),
            ("embed", "src"),
        ] {
            for t in tags(html, tag) {
                if let Some(v) = t.get(attr) {
                    for url in v
                        .split(',')
                        .map(|c| c.split_whitespace().next().unwrap_or_default())
                    {
                        assert!(
                            own(url),
                            "{path}: <{tag} {attr}> loads {url} from a third party"
                        );
                    }
                }
            }
        }
        for link in tags(html, "link") {
            let rel = link.get("rel").cloned().unwrap_or_default();
            if ["stylesheet", "icon", "preload", "modulepreload", "manifest"]
                .contains(&rel.as_str())
            {
                assert!(
                    own(&link["href"]),
                    "{path}: <link rel={rel}> loads {} from a third party",
                    link["href"]
                );
            }
        }
        assert!(!html.contains("@import"), "{path}: CSS @import");
    }
    // The stylesheet itself loads no web font or remote image.
    let css = std::fs::read_to_string(site.public.join("css/site.css"))
        .expect("css/site.css in the output");
    assert!(
        !css.contains("@font-face") && !css.contains("url(http") && !css.contains("@import"),
        "site.css loads something from outside"
    );
    // Articles print cleanly: the print styles hide the menus and write out link addresses.
    let print = &css[css.find("@media print").expect("site.css has print styles")..];
    assert!(
        print.contains(".main-nav") && print.contains("attr(href)"),
        "print styles must hide menus and show link URLs"
    );
}

/// Node, Chromium, Java and tests/browser/node_modules, or why not.
fn browser_tools() -> Result<(), String> {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    if Command::new("node")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        missing.push("node".to_string());
    }
    if !Path::new(&chromium).exists() {
        missing.push(chromium);
    }
    if Command::new("java")
        .arg("-version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        missing.push("java".into());
    }
    for m in ["playwright-core", "axe-core", "vnu-jar"] {
        if !repo().join("tests/browser/node_modules").join(m).exists() {
            missing.push(format!("tests/browser/node_modules/{m}"));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "missing {}; run .ci/browser-setup.sh",
            missing.join(", ")
        ))
    }
}

/// Runs `node tests/browser/<script> <public>`; skips loudly (or fails in CI) without the tools.
fn run_browser_check(script: &str) {
    let site = site();
    if let Err(why) = browser_tools() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{script} cannot run in CI: {why}");
        }
        eprintln!("\n!!!!!!!! SKIPPED {script}: {why} !!!!!!!!\n");
        return;
    }
    let run = Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .arg(&site.public)
        .current_dir(repo().join("tests/browser"))
        .output()
        .expect("run node");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    eprintln!("{out}");
    assert!(
        run.status.success(),
        "{script} found problems in the built site:\n{out}"
    );
}

#[test]
fn axe_core_finds_no_wcag_21_aa_violation_on_any_page() {
    run_browser_check("axe.mjs");
}

#[test]
fn the_nu_html_checker_finds_no_error_on_any_page() {
    run_browser_check("vnu.mjs");
}
