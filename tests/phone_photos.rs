//! Photos as phones make them, in a real site folder: iPhone HEIC (with its GPS position) and
//! AVIF made by libheif's own `heif-enc`, and a 12-megapixel photo against the storage a
//! shared host sells. Issue cases: 1 (HEIC/HEIF), 4 (storage).

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A JPEG of `w`x`h` with an EXIF block holding a GPS position, as a phone writes it.
fn jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
    with_gps(&jpeg(w, h, 92))
}

/// Whether `heif-enc` runs here; without it the test is skipped loudly (and fails in CI).
fn have_heif_enc() -> bool {
    let ok = Command::new("heif-enc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "heif-enc is missing in CI (apt-get install libheif-examples)"
        );
        eprintln!("SKIPPED: heif-enc not found (apt-get install libheif-examples)");
    }
    ok
}

/// Encodes `jpeg` to `out` with heif-enc (`-A` for AVIF).
fn heif_enc(jpeg: &[u8], out: &Path, avif: bool) {
    let src = out.with_extension("src.jpg");
    fs::write(&src, jpeg).unwrap();
    let mut cmd = Command::new("heif-enc");
    if avif {
        cmd.arg("-A");
    }
    let o = cmd
        .args(["-q", "60", "-o"])
        .arg(out)
        .arg(&src)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fs::remove_file(&src).unwrap();
}

/// The basic fixture with images on and the bundle folder of the Hoàng Sa page.
fn site() -> (tempfile::TempDir, PathBuf, PathBuf) {
    site_with("[images]\nenabled = true")
}

fn build(dir: &Path, root: &Path) -> (std::process::Output, PathBuf) {
    build_into(dir, root, "en")
}

#[test]
fn iphone_heic_and_avif_become_jpeg_and_webp_without_gps() {
    if !have_heif_enc() {
        return;
    }
    let (dir, root, bundle) = site();
    let photo = jpeg_with_gps(1200, 900);
    heif_enc(&photo, &bundle.join("IMG_0042.HEIC"), false);
    heif_enc(&photo, &bundle.join("IMG_0043.avif"), true);
    let heic = fs::read(bundle.join("IMG_0042.HEIC")).unwrap();
    assert!(
        heic.windows(4).any(|w| w == b"Exif"),
        "heif-enc kept the phone's EXIF (GPS) in the HEIC"
    );
    append(
        &bundle,
        "![Ảnh từ iPhone](IMG_0042.HEIC)\n\n![Ảnh AVIF](IMG_0043.avif)",
    );
    let (o, out) = build(dir.path(), &root);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = read(&out, "bien-dao/hoang-sa/index.html");
    assert_eq!(html.matches("<picture>").count(), 2, "{html}");
    assert!(!html.to_lowercase().contains(".heic"), "{html}");
    assert!(!html.contains(".avif"), "{html}");
    let files = published(&out.join("bien-dao/hoang-sa"));
    for stem in ["img_0042", "img_0043"] {
        for ext in [".jpg", ".webp"] {
            assert!(
                files
                    .iter()
                    .any(|(n, _)| n.starts_with(stem) && n.ends_with(ext)),
                "{stem} as {ext}: {:?}",
                files.iter().map(|f| &f.0).collect::<Vec<_>>()
            );
        }
    }
    for (name, bytes) in &files {
        let lower = name.to_lowercase();
        assert!(
            !lower.ends_with(".heic") && !lower.ends_with(".avif"),
            "{name}"
        );
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{name} has EXIF");
        if lower.ends_with(".jpg") && lower.contains(".1200.") {
            let img = image::load_from_memory(bytes).unwrap();
            assert_eq!((img.width(), img.height()), (1200, 900), "{name}");
        }
    }
    assert!(
        files.iter().any(|(n, _)| n.starts_with("img_0042.1200.")),
        "published at its own size"
    );
    // `bangtin check` is happy with the page.
    let o = bangtin(&["--root", root.to_str().unwrap(), "check"], "en");
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!text.contains("IMG_0042"), "{text}");
}

#[test]
fn a_phone_photo_takes_little_room_on_the_host() {
    let (dir, root, bundle) = site();
    let photo = jpeg_with_gps(4000, 3000);
    fs::write(bundle.join("le-khai-giang.jpg"), &photo).unwrap();
    append(&bundle, "![Lễ khai giảng](le-khai-giang.jpg)");
    let (o, out) = build(dir.path(), &root);
    assert!(o.status.success(), "{}", stderr(&o));
    let files: Vec<(String, Vec<u8>)> = published(&out.join("bien-dao/hoang-sa"))
        .into_iter()
        .filter(|(n, _)| n.starts_with("le-khai-giang"))
        .collect();
    let names: Vec<&String> = files.iter().map(|f| &f.0).collect();
    assert!(
        !names.iter().any(|n| *n == "le-khai-giang.jpg"),
        "no copy of the original: {names:?}"
    );
    assert_eq!(
        files.len(),
        8,
        "480, 960, 1600, 2048 in JPEG and WebP: {names:?}"
    );
    for (name, bytes) in &files {
        assert!(
            bytes.len() < photo.len(),
            "{name} is smaller than the source"
        );
        let img = image::load_from_memory(bytes).unwrap();
        assert!(img.width() <= 2048, "{name} is {} px wide", img.width());
    }
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    eprintln!(
        "4000x3000 photo of {} bytes -> {} published bytes in {} files",
        photo.len(),
        total,
        files.len()
    );

    // The site can ask for its originals, and for a narrower largest width.
    let config = fs::read_to_string(root.join("config.toml")).unwrap();
    fs::write(
        root.join("config.toml"),
        config.replace(
            "[images]\nenabled = true",
            "[images]\nkeep_original = true\nmax_width = 1200",
        ),
    )
    .unwrap();
    let (o, out) = build(dir.path(), &root);
    assert!(o.status.success(), "{}", stderr(&o));
    let original = fs::read(out.join("bien-dao/hoang-sa/le-khai-giang.jpg")).unwrap();
    let img = image::load_from_memory(&original).unwrap();
    assert_eq!(img.width(), 4000, "kept at its own size");
    assert!(
        !original.windows(6).any(|w| w == b"Exif\0\0"),
        "without GPS"
    );
    let html = read(&out, "bien-dao/hoang-sa/index.html");
    assert!(html.contains(" 1200w"), "{html}");
    assert!(!html.contains(" 1600w"), "{html}");

    // `bangtin check` tells the site's size, its heaviest files, and the budget.
    fs::write(
        root.join("config.toml"),
        fs::read_to_string(root.join("config.toml")).unwrap() + "\n[check]\nmax_site_mb = 1\n",
    )
    .unwrap();
    let o = bangtin(&["--root", root.to_str().unwrap(), "check"], "en");
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("Site size: "), "{text}");
    assert!(
        text.contains("bien-dao/hoang-sa/le-khai-giang.jpg"),
        "{text}"
    );
    assert!(text.contains("over its budget of 1.0 MB"), "{text}");
}

#[test]
fn a_small_optimised_png_is_never_published_larger() {
    let (dir, root, bundle) = site();
    // A palette PNG with long runs: tiny on disk, larger once re-encoded as RGB.
    let img = image::RgbImage::from_fn(900, 600, |x, _| {
        if (x / 150) % 2 == 0 {
            image::Rgb([20, 90, 160])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::NoFilter,
    )
    .write_image(img.as_raw(), 900, 600, image::ExtendedColorType::Rgb8)
    .unwrap();
    use image::ImageEncoder;
    fs::write(bundle.join("so-do.png"), &png).unwrap();
    append(&bundle, "![Sơ đồ lớp học](so-do.png)");
    let (o, out) = build(dir.path(), &root);
    assert!(o.status.success(), "{}", stderr(&o));
    let files: Vec<(String, Vec<u8>)> = published(&out.join("bien-dao/hoang-sa"))
        .into_iter()
        .filter(|(n, _)| n.starts_with("so-do"))
        .collect();
    assert!(!files.is_empty());
    for (name, bytes) in &files {
        assert!(
            bytes.len() <= png.len(),
            "{name}: {} bytes, the source {}",
            bytes.len(),
            png.len()
        );
    }
}

#[test]
fn kept_originals_and_share_pictures_are_never_published_larger() {
    let (dir, root, bundle) = site();
    // A palette PNG with long runs (tiny on disk, larger once re-encoded as RGB) and a phone
    // JPEG saved at low quality (larger once re-encoded at the site's quality), with GPS.
    let img = image::RgbImage::from_fn(900, 600, |x, _| {
        if (x / 150) % 2 == 0 {
            image::Rgb([20, 90, 160])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::NoFilter,
    )
    .write_image(img.as_raw(), 900, 600, image::ExtendedColorType::Rgb8)
    .unwrap();
    use image::ImageEncoder;
    let low = with_gps(&jpeg(1200, 800, 40));
    fs::write(bundle.join("so-do.png"), &png).unwrap();
    fs::write(bundle.join("Ảnh bìa.JPG"), &low).unwrap();
    append(
        &bundle,
        "![Sơ đồ lớp học](so-do.png)\n\n![Ảnh bìa](<Ảnh bìa.JPG>)",
    );
    let page = bundle.join("index.md");
    let text = fs::read_to_string(&page).unwrap().replacen(
        "chuyen_de = [\"Biển đảo\"]\n+++",
        "chuyen_de = [\"Biển đảo\"]\n[extra]\nimage = \"Ảnh bìa.JPG\"\n+++",
        1,
    );
    assert!(text.contains("[extra]"));
    fs::write(&page, text).unwrap();
    // The share picture's address as the bundled theme writes it.
    let template = root.join("templates/page.html");
    let t = fs::read_to_string(&template).unwrap().replace(
        "<h1>",
        "{% if page.extra.image %}<meta property=\"og:image\" content=\"{{ page.permalink ~ page.extra.image }}\">{% endif %}<h1>",
    );
    fs::write(&template, t).unwrap();

    // The share picture alone, then with keep_original.
    for keep in [false, true] {
        if keep {
            let config = fs::read_to_string(root.join("config.toml")).unwrap();
            let config =
                config.replace("[images]\nenabled = true", "[images]\nkeep_original = true");
            fs::write(root.join("config.toml"), config).unwrap();
        }
        let (o, out) = build(dir.path(), &root);
        assert!(o.status.success(), "{}", stderr(&o));
        let html = read(&out, "bien-dao/hoang-sa/index.html");
        assert!(
            html.contains(
                "og:image\" content=\"https://thu.example.edu.vn/bien-dao/hoang-sa/anh-bia.jpg\""
            ),
            "the share picture under its published name: {html}"
        );
        let share = fs::read(out.join("bien-dao/hoang-sa/anh-bia.jpg")).unwrap();
        assert!(
            share.len() <= low.len(),
            "share: {} > {}",
            share.len(),
            low.len()
        );
        assert!(!has_exif(&share), "the share picture has no GPS");
        let own = out.join("bien-dao/hoang-sa/so-do.png");
        assert_eq!(own.is_file(), keep, "original published only when kept");
        if keep {
            let own = fs::read(own).unwrap();
            assert!(
                own.len() <= png.len(),
                "kept: {} > {}",
                own.len(),
                png.len()
            );
            let decoded = image::load_from_memory(&own).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (900, 600));
        }
    }
}

/// A photo inside a note (`{% note %}…{% end %}`) of the bundled theme is a photo like any
/// other: resized, without its GPS position, and the teacher's file is not published as it is.
#[test]
fn a_photo_inside_a_note_is_processed_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("truong");
    let o = bangtin(&["init", root.to_str().unwrap()], "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    let bundle = root.join("content/bien-dao/le-chao-co");
    fs::create_dir_all(&bundle).unwrap();
    fs::write(
        bundle.join("anh-san-truong.jpg"),
        with_gps(&jpeg(1600, 1200, 90)),
    )
    .unwrap();
    fs::write(
        bundle.join("index.md"),
        "+++\ntitle = \"Lễ chào cờ\"\ndate = 2026-11-02\n+++\n\nMở đầu.\n\n\
         {% note(kind=\"tip\") %}\nẢnh của lớp:\n\n![Các em chào cờ](anh-san-truong.jpg)\n{% end %}\n",
    )
    .unwrap();
    let (o, out) = build_into(dir.path(), &root, "vi");
    assert!(o.status.success(), "{}", stderr(&o));
    let html = fs::read_to_string(out.join("bien-dao/le-chao-co/index.html")).unwrap();
    let note = &html[html.find("class=\"note").expect("the note")..];
    assert!(
        note.contains("<picture>") && note.contains("anh-san-truong.480."),
        "the photo in the note is the responsive one: {note:.600}"
    );
    let files = published(&out.join("bien-dao/le-chao-co"));
    assert!(
        !files.iter().any(|(n, _)| n == "anh-san-truong.jpg"),
        "the teacher's file is not published as it is: {:?}",
        files.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for (name, bytes) in &files {
        if name.ends_with(".jpg") {
            assert!(!has_exif(bytes), "{name} carries no GPS");
        }
    }
}
