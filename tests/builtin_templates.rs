//! Feeds, sitemap.xml, robots.txt and alias pages come from built-in templates: their default
//! bytes, and a theme's (then the site's) template of the same name replacing them.

mod common;
use common::*;
use std::fs;
use std::path::Path;

fn build(root: &Path, out: &Path) -> std::process::Output {
    let args = [
        "--root",
        root.to_str().unwrap(),
        "build",
        "--output",
        out.to_str().unwrap(),
    ];
    bangtin(&args, "en")
}

#[test]
fn the_builtin_templates_write_the_default_files() {
    let (dir, root) = site_copy("basic");
    let out = dir.path().join("public");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read(&out, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://thu.example.edu.vn/sitemap.xml\n"
    );
    let to = "https://thu.example.edu.vn/bien-dao/truong-sa/";
    assert_eq!(
        read(&out, "cu/truong-sa/index.html"),
        format!("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{to}</title><link rel=\"canonical\" href=\"{to}\"><meta name=\"robots\" content=\"noindex\"><meta http-equiv=\"refresh\" content=\"0; url={to}\"></head><body><p><a href=\"{to}\">{to}</a></p></body></html>\n")
    );
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n<url>\n<loc>"), "{sitemap}");
    assert!(
        sitemap.contains("<loc>https://thu.example.edu.vn/bien-dao/truong-sa/</loc>\n<lastmod>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://thu.example.edu.vn/en/bien-dao/truong-sa/\"/>\n"), "{sitemap}");
    assert!(sitemap.ends_with("</url>\n</urlset>\n"));
    let atom = read(&out, "atom.xml");
    assert!(atom.contains("<link href=\"https://thu.example.edu.vn/atom.xml\" rel=\"self\" type=\"application/atom+xml\"/>\n<link href=\"https://thu.example.edu.vn/\"/>\n"), "{atom}");
    assert!(
        atom.contains("T00:00:00+00:00</published>\n<updated>"),
        "{atom}"
    );
    assert!(atom.ends_with("</entry>\n</feed>\n"), "{atom}");
    let rss = read(&out, "rss.xml");
    assert!(rss.contains("<atom:link href=\"https://thu.example.edu.vn/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n<item>\n"), "{rss}");
    assert!(
        rss.contains(" 00:00:00 +0000</pubDate>\n<description>"),
        "{rss}"
    );
}

/// Puts `files` (path under the site folder, text) in the site.
fn put(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
}

#[test]
fn a_theme_template_replaces_a_builtin_one_and_the_site_the_theme() {
    let (dir, root) = site_copy("basic");
    let config = fs::read_to_string(root.join("config.toml")).unwrap();
    fs::write(
        root.join("config.toml"),
        format!("theme = \"rieng\"\n{config}"),
    )
    .unwrap();
    put(
        &root,
        &[
            (
                "themes/rieng/templates/atom.xml",
                "<feed>{{ feed.title }}|{{ feed_url }}|{{ lang }}|{{ config.title }}{% for page in pages %}\n<e>{{ page.title }} {{ page.date }} {{ page.permalink }}</e>{% endfor %}</feed>\n",
            ),
            (
                "themes/rieng/templates/sitemap.xml",
                "{% for entry in entries %}{{ entry.permalink }} {{ entry.updated | default(value='-') }} {{ entry.alternates | length }}\n{% endfor %}",
            ),
            ("themes/rieng/templates/alias.html", "Chuyển tới {{ url }}\n"),
            ("themes/rieng/templates/robots.txt", "User-agent: *\nDisallow: /\n"),
            // The site's own template replaces the theme's.
            ("templates/robots.txt", "User-agent: *\nDisallow: /tim-kiem/\nSitemap: {{ config.base_url }}/sitemap.xml\n"),
        ],
    );
    let out = dir.path().join("public");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));

    let atom = read(&out, "atom.xml");
    assert!(
        atom.starts_with("<feed>Trường Thử|https://thu.example.edu.vn/atom.xml|vi|Trường Thử\n<e>"),
        "{atom}"
    );
    assert!(atom.contains("<e>Trường Sa thân yêu 20"), "{atom}");
    // The section's feed uses the theme's template too; RSS stays built in.
    assert!(read(&out, "bien-dao/atom.xml").starts_with("<feed>"));
    assert!(read(&out, "rss.xml").starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss"));

    let sitemap = read(&out, "sitemap.xml");
    assert!(
        sitemap.contains("https://thu.example.edu.vn/bien-dao/truong-sa/ 20"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("https://thu.example.edu.vn/tags/ - 0\n"),
        "{sitemap}"
    );
    assert_eq!(
        read(&out, "cu/truong-sa/index.html"),
        "Chuyển tới https://thu.example.edu.vn/bien-dao/truong-sa/\n"
    );
    assert_eq!(
        read(&out, "robots.txt"),
        "User-agent: *\nDisallow: /tim-kiem/\nSitemap: https://thu.example.edu.vn/sitemap.xml\n"
    );
}

#[test]
fn an_error_in_a_replaced_template_names_it() {
    let (dir, root) = site_copy("basic");
    put(&root, &[("templates/sitemap.xml", "{{ khong_co.gi }}\n")]);
    let out = dir.path().join("public");
    let o = build(&root, &out);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("sitemap.xml"), "{err}");
    assert!(err.contains("khong_co"), "{err}");
    assert!(!out.exists(), "a failed build writes nothing");
}
