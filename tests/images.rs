//! Photos in a real build: responsive variants published beside the page, EXIF (GPS) gone,
//! and a second build that processes nothing.

mod common;
use common::*;
use std::fs;

/// A 2400x1600 JPEG with an EXIF block holding a GPS position, as a phone writes it.
fn phone_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(2400, 1600, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&img)
        .unwrap();
    // TIFF header, IFD0 with one entry (GPSInfo -> 26), GPS IFD with GPSLatitudeRef = "N".
    let mut t: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    t.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&t);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn photos_are_resized_stripped_and_cached() {
    let (dir, root) = site_copy("basic");
    fs::write(
        root.join("config.toml"),
        fs::read_to_string(root.join("config.toml"))
            .unwrap()
            .replace("[images]\nenabled = false", "[images]\nwidths = [480, 960]"),
    )
    .unwrap();
    let bundle = root.join("content/bien-dao/hoang-sa");
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

    let out = dir.path().join("public");
    let o = bangtin(
        &[
            "--root",
            root.to_str().unwrap(),
            "build",
            "--output",
            out.to_str().unwrap(),
        ],
        "en",
    );
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
    let (dir, root) = site_copy("basic");
    fs::write(
        root.join("config.toml"),
        fs::read_to_string(root.join("config.toml"))
            .unwrap()
            .replace("[images]\nenabled = false", "[images]\nenabled = true"),
    )
    .unwrap();
    let bundle = root.join("content/bien-dao/hoang-sa");
    fs::write(
        bundle.join("hong.jpg"),
        b"\xFF\xD8\xFF\xE0 not really a jpeg",
    )
    .unwrap();
    let md = bundle.join("index.md");
    fs::write(
        &md,
        fs::read_to_string(&md).unwrap() + "\n![Ảnh hỏng](hong.jpg)\n",
    )
    .unwrap();
    let out = dir.path().join("public");
    let o = bangtin(
        &[
            "--root",
            root.to_str().unwrap(),
            "build",
            "--output",
            out.to_str().unwrap(),
        ],
        "en",
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("content/bien-dao/hoang-sa/index.md:"), "{err}");
    assert!(err.contains("hong.jpg"), "{err}");
}
