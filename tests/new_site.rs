//! A school starting from nothing: `bangtin init` lays out the plan's sections and the README's
//! first command works; the bundled theme builds the smallest valid site. Issue cases: 8, 9.

mod common;
use common::*;
use std::fs;

#[test]
fn init_lays_out_the_plans_sections_and_new_works() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("truong");
    let o = bangtin(&["init", root.to_str().unwrap()], "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("bien-dao"),
        "it says so: {}",
        stderr(&o)
    );
    for section in [
        "quang-ba-dia-phuong",
        "quyen-con-nguoi",
        "hoi-nhap-quoc-te",
        "bien-dao",
        "thong-tin-chinh-thong",
        "cong-dong-asean",
        "hang-viet-nam",
        "ke-hoach",
        "tin-tuc",
    ] {
        for file in ["_index.md", "_index.en.md"] {
            let path = root.join("content").join(section).join(file);
            assert!(path.is_file(), "{}", path.display());
        }
    }
    // The README's own first command.
    let r = root.to_str().unwrap();
    let o = bangtin(
        &["--root", r, "new", "bien-dao", "Em yêu biển đảo quê hương"],
        "vi",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(root
        .join("content/bien-dao/em-yeu-bien-dao-que-huong.md")
        .is_file());
    let o = bangtin(&["--root", r, "build", "--drafts"], "en");
    assert!(o.status.success(), "{}", stderr(&o));
    let html = read(
        &root.join("public"),
        "bien-dao/em-yeu-bien-dao-que-huong/index.html",
    );
    assert!(html.contains("Em yêu biển đảo quê hương"));
    assert!(root.join("public/en/bien-dao/index.html").is_file());
}

#[test]
fn the_bundled_theme_builds_the_smallest_valid_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    fs::create_dir_all(root.join("content")).unwrap();
    // No taxonomies, no sections, no [extra], one language.
    fs::write(
        root.join("config.toml"),
        "title = \"Trường nhỏ\"\nbase_url = \"https://nho.example.edu.vn\"\ntheme = \"truong\"\ntaxonomies = []\n",
    )
    .unwrap();
    fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Trang chủ\"\n+++\nXin chào.\n",
    )
    .unwrap();
    fs::write(
        root.join("content/gioi-thieu.md"),
        "+++\ntitle = \"Giới thiệu\"\ndate = 2024-09-05\n+++\nTrường ở gần chợ.\n",
    )
    .unwrap();
    let (o, out) = build_into(dir.path(), &root, "en");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&out, "index.html").contains("Trường nhỏ"));
    assert!(read(&out, "gioi-thieu/index.html").contains("Trường ở gần chợ."));
    // With the default taxonomies but none used, and a tag on one page: still fine.
    fs::write(
        root.join("config.toml"),
        "title = \"Trường nhỏ\"\nbase_url = \"https://nho.example.edu.vn\"\ntheme = \"truong\"\n\n[[taxonomies]]\nname = \"tags\"\n",
    )
    .unwrap();
    let (o, _) = build_into(dir.path(), &root, "en");
    assert!(o.status.success(), "{}", stderr(&o));
}
