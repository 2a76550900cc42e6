//! Photos in a real build: responsive variants published beside the page, EXIF (GPS) gone,
//! and a second build that processes nothing.

mod common;
use common::*;
use std::fs;

/// A 2400x1600 JPEG with an EXIF block holding a GPS position, as a phone writes it.
fn phone_photo() -> Vec<u8> {
    with_gps(&jpeg(2400, 1600, 85))
}

#[test]
fn photos_are_resized_stripped_and_cached() {
    let (dir, root, bundle) = site_with("[images]\nwidths = [480, 960]");
    let photo = phone_photo();
    assert!(
        photo.windows(6).any(|w| w == b"Exif\0\0"),
        "the test photo carries EXIF"
    );
    fs::write(bundle.join("le-chao-co.jpg"), &photo).unwrap();
    let md = bundle.join("index.md");
    let text = fs::read_to_string(&md).unwrap().replace(
        "Ảnh: ![Bản đồ](ban-do.svg)",
        "![Bản đồ](ban-do.svg)\n\n![Học sinh chào cờ đầu tuần](le-chao-co.jpg)",
    );
    fs::write(&md, text).unwrap();

    let (o, out) = build_into(dir.path(), &root, "en");
    assert!(o.status.success(), "{}", stderr(&o));
    // The responsive set only: no second full-size copy under the photo's own name.
    assert!(
        stderr(&o).contains("Images: 1 processed, 0 reused"),
        "{}",
        stderr(&o)
    );
    let html = read(&out, "bien-dao/hoang-sa/index.html");
    assert!(html.contains("<picture>"), "{html}");
    assert!(html.contains("image/webp"));
    assert!(html.contains(r#"alt="Học sinh chào cờ đầu tuần""#));
    assert!(
        html.contains(r#"width="2400""#) && html.contains(r#"height="1600""#),
        "no layout shift: {html}"
    );
    assert!(
        html.contains(r#"loading="lazy""#),
        "the second image of the page loads lazily"
    );

    // Variants at each width (never upscaled) up to [images] max_width (2048), JPEG and WebP,
    // no EXIF.
    assert!(
        !out.join("bien-dao/hoang-sa/le-chao-co.jpg").exists(),
        "no original unless [images] keep_original = true"
    );
    let published: Vec<_> = fs::read_dir(out.join("bien-dao/hoang-sa"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("le-chao-co."))
        .filter(|n| n != "le-chao-co.jpg")
        .collect();
    for w in ["480", "960", "2048"] {
        for ext in ["jpg", "webp"] {
            assert!(
                published
                    .iter()
                    .any(|n| n.contains(&format!(".{w}.")) && n.ends_with(ext)),
                "{w} {ext} in {published:?}"
            );
        }
    }
    for name in &published {
        let bytes = fs::read(out.join("bien-dao/hoang-sa").join(name)).unwrap();
        assert!(
            !bytes.windows(6).any(|w| w == b"Exif\0\0"),
            "{name} still has EXIF"
        );
        assert!(
            html.contains(name.as_str()),
            "{name} is referenced by the page"
        );
    }

    // The second build (into another folder: into the same one it would find nothing to do)
    // reuses the cache and processes nothing.
    let again = out.with_file_name("public-again");
    let o = bangtin(
        &[
            "--root",
            root.to_str().unwrap(),
            "build",
            "--output",
            again.to_str().unwrap(),
        ],
        "en",
    );
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("Images: 0 processed, 1 reused"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_corrupt_photo_names_the_page_and_the_file() {
    let (dir, root, bundle) = site_with("[images]\nenabled = true");
    fs::write(
        bundle.join("hong.jpg"),
        b"\xFF\xD8\xFF\xE0 not really a jpeg",
    )
    .unwrap();
    append(&bundle, "![Ảnh hỏng](hong.jpg)");
    let (o, _) = build_into(dir.path(), &root, "en");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("content/bien-dao/hoang-sa/index.md:"), "{err}");
    assert!(err.contains("hong.jpg"), "{err}");
}
