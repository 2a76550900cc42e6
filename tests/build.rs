//! End-to-end tests of `bangtin build` on real site folders.

mod common;
use common::*;
use std::fs;
use std::path::Path;

fn build(root: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--root",
        root.to_str().unwrap(),
        "build",
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    bangtin(&args, "en")
}

#[test]
fn builds_the_basic_fixture() {
    let (dir, root) = site_copy("basic");
    let out = dir.path().join("public");
    let o = build(&root, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "index.html",
        "en/index.html",
        "bien-dao/index.html",
        "bien-dao/page/2/index.html",
        "bien-dao/truong-sa/index.html",
        "en/bien-dao/truong-sa/index.html",
        "bien-dao/hoang-sa/index.html",
        "bien-dao/hoang-sa/ban-do.svg",
        "tags/index.html",
        "tags/bien-dao/index.html",
        "chuyen-de/bien-dao/page/2/index.html",
        "atom.xml",
        "rss.xml",
        "en/atom.xml",
        "bien-dao/atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "site.css",
        "syntax.css",
        "cu/truong-sa/index.html",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    // Drafts and future pages are left out.
    assert!(!out.join("bien-dao/nhap/index.html").exists());
    assert!(!out.join("bien-dao/tuong-lai/index.html").exists());

    let page = read(&out, "bien-dao/truong-sa/index.html");
    // Heading ids from the Vietnamese slugger, unique in the page; a TOC for templates.
    assert!(page.contains(r#"<h2 id="quan-dao-truong-sa">"#), "{page}");
    assert!(page.contains(r#"<h2 id="quan-dao-truong-sa-1">"#));
    assert!(page.contains("<li>quan-dao-truong-sa</li><li>quan-dao-truong-sa-1</li>"));
    // Internal link with anchor resolved at build time.
    assert!(page.contains(r#"href="https://thu.example.edu.vn/bien-dao/hoang-sa/#lich-su""#));
    // Shortcodes: inline and with a Markdown body.
    assert!(page
        .contains(r#"<a class="youtube" href="https://www.youtube-nocookie.com/embed/abc123">"#));
    assert!(
        page.contains(r#"<aside class="note note-tip"><p>Ghi nhớ <strong>chủ quyền</strong>.</p>"#)
    );
    // Dates in administrative Vietnamese and English.
    assert!(
        page.contains("ngày 05 tháng 3 năm 2024 | Thứ Ba, 05/03/2024 | 5 March 2024"),
        "{page}"
    );
    // Translation link and breadcrumbs.
    assert!(
        page.contains(r#"hreflang="en" href="https://thu.example.edu.vn/en/bien-dao/truong-sa/""#)
    );
    assert!(page.contains(r#"<a href="https://thu.example.edu.vn/bien-dao/">Biển đảo</a>"#));
    assert!(page.contains(r#"<p class="url">https://thu.example.edu.vn/bien-dao/</p>"#));

    let hs = read(&out, "bien-dao/hoang-sa/index.html");
    assert!(
        !hs.contains("<script>alert"),
        "raw script must be sanitized: {hs}"
    );
    assert!(!hs.contains("onclick"));
    assert!(hs.contains("đậm"));
    assert!(
        hs.contains(r#"<pre class="code" data-lang="python">"#)
            || hs.contains("data-lang=\"python\""),
        "{hs}"
    );
    assert!(hs.contains("<span class="), "highlighted with CSS classes");
    assert!(!hs.contains("style=\""), "no inline styles");

    // Section listing by date, newest first, paginated by 2.
    let sec = read(&out, "bien-dao/index.html");
    let (a, b) = (
        sec.find("Trường Sa thân yêu").unwrap(),
        sec.find("Hoàng Sa").unwrap(),
    );
    assert!(a < b);
    assert!(!sec.contains("Hải đăng"));
    assert!(sec.contains("1/2"));
    assert!(read(&out, "bien-dao/page/2/index.html").contains("Hải đăng"));

    // Vietnamese alphabetical order, with an NFD title normalized to NFC.
    let tin = read(&out, "tin-tuc/index.html");
    let order: Vec<usize> = [
        "Ăn Tết ở Đà Nẵng",
        "Dương lịch",
        "Em đi học",
        "Nhiệm vụ năm học",
    ]
    .iter()
    .map(|t| {
        tin.find(t)
            .unwrap_or_else(|| panic!("{t} missing (NFC?) in {tin}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");

    // "Hòa bình" and "Hoà bình" are one term; the first spelling names it.
    let tags = read(&out, "tags/index.html");
    assert_eq!(tags.matches("/tags/hoa-binh/").count(), 1, "{tags}");
    assert!(tags.contains("(2)"));
    // Terms are sorted in Vietnamese order: "biển đảo" before "Hòa bình".
    assert!(tags.find("tags/bien-dao").unwrap() < tags.find("tags/hoa-binh").unwrap());

    // Data files (TOML, CSV) and a page's own template.
    let nv = read(&out, "tin-tuc/nhiem-vu/index.html");
    assert!(nv.contains("<td>Tuyên truyền biển đảo</td>"));
    assert!(nv.contains(r#"<p class="csv">lop,si_so|2</p>"#));

    // Feeds, sitemap with hreflang, robots, alias redirect.
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap
        .contains(r#"hreflang="en" href="https://thu.example.edu.vn/en/bien-dao/truong-sa/""#));
    assert!(read(&out, "atom.xml").contains("<title>Trường Sa thân yêu</title>"));
    assert!(read(&out, "robots.txt").contains("Sitemap: https://thu.example.edu.vn/sitemap.xml"));
    assert!(read(&out, "cu/truong-sa/index.html")
        .contains("url=https://thu.example.edu.vn/bien-dao/truong-sa/"));
    // The summary before <!-- more --> goes into the feed.
    assert!(read(&out, "atom.xml").contains("Giới thiệu về"));
}

#[test]
fn drafts_and_future_flags_include_pages() {
    let (dir, root) = site_copy("basic");
    let out = dir.path().join("out");
    let o = build(&root, &out, &["--drafts", "--future"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("bien-dao/nhap/index.html").exists());
    assert!(out.join("bien-dao/tuong-lai/index.html").exists());
}

#[test]
fn base_url_override() {
    let (dir, root) = site_copy("basic");
    let out = dir.path().join("out");
    let o = build(&root, &out, &["--base-url", "http://localhost:8000/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&out, "bien-dao/truong-sa/index.html").contains("http://localhost:8000/bien-dao/"));
}

#[test]
fn second_build_rewrites_nothing() {
    let (dir, root) = site_copy("basic");
    let out = dir.path().join("public");
    assert!(build(&root, &out, &[]).status.success());
    let before: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        // The marker records each build, so it is rewritten.
        .filter(|e| e.file_type().is_file() && e.file_name() != ".bangtin-build")
        .map(|e| {
            (
                e.path().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(50));
    // A change that leaves the output as it was (a plain rerun would find nothing to do).
    let config = root.join("config.toml");
    let text = fs::read_to_string(&config).unwrap() + "\n# a comment\n";
    fs::write(&config, text).unwrap();
    let o = build(&root, &out, &[]);
    assert!(stderr(&o).contains("(0 new/changed"), "{}", stderr(&o));
    for (p, m) in before {
        assert_eq!(
            fs::metadata(&p).unwrap().modified().unwrap(),
            m,
            "{} was rewritten",
            p.display()
        );
    }
}

#[test]
fn errors_name_file_line_and_leave_public_intact() {
    let (dir, root) = site_copy("basic");
    let out = dir.path().join("public");
    assert!(build(&root, &out, &[]).status.success());
    let good = read(&out, "index.html");
    // Three problems in three files: all reported in one run.
    fs::write(
        root.join("content/tin-tuc/em.md"),
        "+++\ntitle = \"Em\"\ntilte = \"x\"\n+++\n",
    )
    .unwrap();
    fs::write(
        root.join("content/tin-tuc/duong.md"),
        "+++\ntitle = \"D\"\n+++\nXem [bài](@/khong/co.md).\n",
    )
    .unwrap();
    fs::write(
        root.join("content/tin-tuc/hong.md"),
        b"+++\ntitle = \"H\"\n+++\nbad \xff byte\n",
    )
    .unwrap();
    let o = build(&root, &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("content/tin-tuc/em.md:3:1: error: unsupported field: unknown field `tilte`"),
        "{err}"
    );
    assert!(
        err.contains("expected one of `title`"),
        "lists known fields: {err}"
    );
    assert!(
        err.contains("content/tin-tuc/duong.md:4:11: error"),
        "{err}"
    );
    assert!(err.contains("khong/co.md"), "{err}");
    assert!(
        err.contains("content/tin-tuc/hong.md:4:5: error: the file is not UTF-8"),
        "{err}"
    );
    assert!(err.contains("previous output"), "{err}");
    assert_eq!(read(&out, "index.html"), good);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no staging folder left behind: {leftovers:?}"
    );
}

#[test]
fn missing_anchor_is_an_error() {
    let (dir, root) = site_copy("basic");
    let p = root.join("content/bien-dao/truong-sa.md");
    let text = fs::read_to_string(&p)
        .unwrap()
        .replace("#lich-su", "#khong-co");
    fs::write(&p, text).unwrap();
    let o = build(&root, &dir.path().join("out"), &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("content/bien-dao/truong-sa.md:9:"), "{err}");
    assert!(err.contains("#khong-co"), "{err}");
}

#[test]
fn template_errors_name_the_template_and_line() {
    let (dir, root) = site_copy("basic");
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock %}\n",
    )
    .unwrap();
    let o = build(&root, &dir.path().join("out"), &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("templates/page.html:"), "{err}");
    // A missing template is named.
    fs::remove_file(root.join("templates/page.html")).unwrap();
    let o = build(&root, &dir.path().join("out"), &[]);
    assert!(stderr(&o).contains("page.html"), "{}", stderr(&o));
}

#[test]
fn messages_are_vietnamese_by_default() {
    let (dir, root) = site_copy("basic");
    fs::write(
        root.join("content/tin-tuc/em.md"),
        "+++\ntilte = \"x\"\n+++\n",
    )
    .unwrap();
    let o = bangtin(
        &[
            "--root",
            root.to_str().unwrap(),
            "build",
            "--output",
            dir.path().join("o").to_str().unwrap(),
        ],
        "vi",
    );
    let err = stderr(&o);
    assert!(
        err.contains("content/tin-tuc/em.md:2:1: lỗi: trường không được hỗ trợ"),
        "{err}"
    );
    assert!(err.contains("Dựng trang thất bại"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlink_outside_the_site_is_refused() {
    let (dir, root) = site_copy("basic");
    let secret = dir.path().join("secret.md");
    fs::write(&secret, "+++\ntitle = \"bí mật\"\n+++\nmật khẩu").unwrap();
    std::os::unix::fs::symlink(&secret, root.join("content/tin-tuc/lien-ket.md")).unwrap();
    let o = build(&root, &dir.path().join("out"), &[]);
    assert!(!o.status.success());
    assert!(
        stderr(&o)
            .contains("content/tin-tuc/lien-ket.md: error: this symbolic link points outside"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let (dir, root) = site_copy("basic");
    let out = dir.path().join("docs");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("luan-van.docx"), b"x").unwrap();
    let o = build(&root, &out, &[]);
    assert!(!o.status.success());
    assert!(out.join("luan-van.docx").exists());
    assert!(
        stderr(&o).contains("holds files bangtin did not write"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn new_post_has_date_title_and_never_overwrites() {
    let (_dir, root) = site_copy("basic");
    let r = root.to_str().unwrap();
    let o = bangtin(&["--root", r, "new", "bien-dao", "Tiêu đề bài viết"], "en");
    assert!(o.status.success(), "{}", stderr(&o));
    let path = root.join("content/bien-dao/tieu-de-bai-viet.md");
    let text = fs::read_to_string(&path).unwrap();
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert!(text.contains("title = \"Tiêu đề bài viết\""));
    assert!(text.contains(&format!("date = {today}")));
    fs::write(&path, "my words").unwrap();
    let o = bangtin(&["--root", r, "new", "bien-dao", "Tiêu đề bài viết"], "en");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already exists"));
    assert_eq!(fs::read_to_string(&path).unwrap(), "my words");
    // An unknown section lists the known ones.
    let o = bangtin(&["--root", r, "new", "bien-daoo", "X"], "en");
    assert!(stderr(&o).contains("bien-dao"), "{}", stderr(&o));
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("truong-moi");
    let o = bangtin(&["init", site.to_str().unwrap()], "en");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("themes/truong/templates/base.html").exists());
    let out = site.join("public");
    let o = build(&site, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&out, "tin-tuc/bai-viet-dau-tien/index.html").contains("Bài viết đầu tiên"));
    // Never over an existing folder with files.
    let o = bangtin(&["init", site.to_str().unwrap()], "en");
    assert!(!o.status.success());
}

#[test]
fn home_is_shared_and_pagers_hold_the_pages() {
    let (dir, root) = site_copy("basic");
    // Every template gets `home`: a menu of the home section's sections, in the language of
    // the page.
    let base = "<!DOCTYPE html>\n<html lang=\"{{ lang }}\"><head><meta charset=\"utf-8\"><title>{% block title %}{{ config.title }}{% endblock %}</title></head>\n<body><nav><a href=\"{{ home.permalink }}\">{{ home.title }}</a>{% for s in home.subsections %} <a class=\"menu\" href=\"{{ s.permalink }}\">{{ s.title }}</a>{% endfor %}</nav>{% block content %}{% endblock %}</body></html>\n";
    fs::write(root.join("templates/base.html"), base).unwrap();
    // A section template that only knows `section.pages`: empty where the section is
    // paginated, and the build says so.
    let section = "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1><p class=\"n\">{{ section.pages | length }}</p>{% endblock %}";
    fs::write(root.join("templates/section.html"), section).unwrap();
    // The home section is not paginated: its template may read section.pages freely.
    let index = "{% extends \"base.html\" %}{% block content %}<p class=\"home\">{{ section.pages | length }}</p>{% endblock %}";
    fs::write(root.join("templates/index.html"), index).unwrap();
    let out = dir.path().join("public");
    let o = build(&root, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("templates/section.html:1:")
            && err.contains("`section.pages` is empty where the list is paginated")
            && err.contains("paginator.pages"),
        "{err}"
    );
    assert!(!err.contains("index.html"), "{err}");
    let page = read(&out, "bien-dao/truong-sa/index.html");
    assert!(
        page.contains(r#"<a class="menu" href="https://thu.example.edu.vn/bien-dao/">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<a class="menu" href="https://thu.example.edu.vn/tin-tuc/">"#),
        "{page}"
    );
    let en = read(&out, "en/bien-dao/truong-sa/index.html");
    assert!(
        en.contains(r#"<a href="https://thu.example.edu.vn/en/">"#),
        "{en}"
    );
    assert!(
        !en.contains("/tin-tuc/"),
        "English menu lists English sections: {en}"
    );
    // bien-dao is paginated by 2: its pages are in `paginator.pages` only; tin-tuc is not.
    assert!(read(&out, "bien-dao/index.html").contains(r#"<p class="n">0</p>"#));
    let tin = read(&out, "tin-tuc/index.html");
    assert!(!tin.contains(r#"<p class="n">0</p>"#), "{tin}");

    // A template that handles both cases gets no warning.
    let both = "{% extends \"base.html\" %}{% block content %}{% if paginator %}{% set pages = paginator.pages %}{% else %}{% set pages = section.pages %}{% endif %}<p class=\"n\">{{ pages | length }}</p>{% endblock %}";
    fs::write(root.join("templates/section.html"), both).unwrap();
    let o = build(&root, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("paginator.pages"), "{}", stderr(&o));
    assert!(read(&out, "bien-dao/index.html").contains(r#"<p class="n">2</p>"#));
}

#[test]
fn an_alias_at_a_page_address_is_an_error() {
    let (dir, root) = site_copy("basic");
    let page = root.join("content/bien-dao/truong-sa.md");
    let text = fs::read_to_string(&page).unwrap();
    // The redirect would replace the page at /tin-tuc/em/ (or be replaced by it).
    fs::write(
        &page,
        text.replacen(
            "aliases = [\"/cu/truong-sa/\"]",
            "aliases = [\"/cu/truong-sa/\", \"tin-tuc/em\"]",
            1,
        ),
    )
    .unwrap();
    let out = dir.path().join("public");
    let o = build(&root, &out, &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("truong-sa.md")
            && err.contains("the alias /tin-tuc/em/ is the address of")
            && err.contains("em.md"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}

/// Every file under `dir` but the build marker, by relative path.
fn files_of(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".bangtin-build")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn listings_made_up_front_or_on_demand_give_the_same_site() {
    let (dir, root) = site_copy("basic");
    // Without get_page/get_section in a template, each output makes the listings it shows.
    let lazy = dir.path().join("lazy");
    let o = build(&root, &lazy, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A template that names get_section (here in a comment, which renders nothing) has every
    // listing made with the model.
    let base = root.join("templates/base.html");
    let mut text = fs::read_to_string(&base).unwrap();
    text.push_str("{# get_section #}");
    fs::write(&base, text).unwrap();
    let eager = dir.path().join("eager");
    let o = build(&root, &eager, &[]);
    assert!(o.status.success(), "{}", stderr(&o));

    let (lazy, eager) = (files_of(&lazy), files_of(&eager));
    assert_eq!(
        lazy.keys().collect::<Vec<_>>(),
        eager.keys().collect::<Vec<_>>()
    );
    for (rel, bytes) in &lazy {
        assert!(eager[rel] == *bytes, "{rel} differs");
    }
    // Listings are in the outputs compared: a section pager and a term pager list pages.
    let pager = String::from_utf8_lossy(&lazy["bien-dao/index.html"]).into_owned();
    assert!(pager.contains("Trường Sa"), "{pager}");
    let term = lazy
        .iter()
        .find(|(rel, _)| {
            rel.starts_with("tags/") && rel.ends_with("/index.html") && rel != &"tags/index.html"
        })
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    assert!(term.contains("<li>"), "{term}");
}
