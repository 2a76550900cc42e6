//! End-to-end tests on real image files generated here: EXIF orientation and GPS in, clean
//! responsive variants out, and a cache that never does the same work twice.

use i18n::Lang;
use images::{image_meta, picture_html, Format, ImageError, Processor, Settings};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// A noisy-ish photo with a red block in the stored top-left corner (to check rotation).
fn photo(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        if x < w / 10 && y < h / 10 {
            image::Rgb([250, 10, 10])
        } else {
            let v = ((x * 7 + y * 13) % 200) as u8;
            image::Rgb([v / 2, 120, 255 - v])
        }
    })
}

fn jpeg_bytes(img: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .expect("encode test JPEG");
    out
}

/// A big-endian TIFF/EXIF block: IFD0 with Orientation and a GPSInfo IFD (lat/long of a school).
fn exif_block(orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"MM\0\x2a");
    t.extend_from_slice(&8u32.to_be_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&typ.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value);
    };
    // IFD0 at 8: 2 entries, ends at 8 + 2 + 24 + 4 = 38.
    t.extend_from_slice(&2u16.to_be_bytes());
    let o = orientation.to_be_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 38);
    // GPS IFD at 38: 4 entries, ends at 38 + 2 + 48 + 4 = 92; rationals at 92 and 116.
    t.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 92u32.to_be_bytes());
    entry(&mut t, 0x0003, 2, 2, *b"E\0\0\0");
    entry(&mut t, 0x0004, 5, 3, 116u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 92);
    for (num, den) in [(10u32, 1u32), (45, 1), (30, 1), (106, 1), (40, 1), (0, 1)] {
        t.extend_from_slice(&num.to_be_bytes());
        t.extend_from_slice(&den.to_be_bytes());
    }
    t
}

/// Inserts a marker segment right after SOI.
fn insert_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut out = vec![0xFF, 0xD8, 0xFF, marker];
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&exif_block(orientation));
    insert_segment(jpeg, 0xE1, &app1)
}

fn with_icc(jpeg: &[u8], icc: &[u8]) -> Vec<u8> {
    let mut app2 = b"ICC_PROFILE\0\x01\x01".to_vec();
    app2.extend_from_slice(icc);
    insert_segment(jpeg, 0xE2, &app2)
}

/// The marker bytes of every segment before the image data of a JPEG.
fn jpeg_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut pos = 2;
    while pos + 4 <= jpeg.len() && jpeg[pos] == 0xFF {
        let m = jpeg[pos + 1];
        markers.push(m);
        if m == 0xDA {
            break;
        }
        let len = u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]) as usize;
        pos += 2 + len;
    }
    markers
}

fn exif_fields(bytes: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()
}

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    cache: PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("content");
    std::fs::create_dir_all(&dir).unwrap();
    let cache = tmp.path().join("cache");
    Fixture {
        dir,
        cache,
        _tmp: tmp,
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn phone_photo(f: &Fixture) -> PathBuf {
    write(
        &f.dir,
        "Ảnh lễ chào cờ.JPG",
        &with_exif(&jpeg_bytes(&photo(3000, 2000)), 6),
    )
}

#[test]
fn phone_photo_is_rotated_resized_and_stripped() {
    let f = fixture();
    let src = phone_photo(&f);
    // The test input really carries orientation and GPS, so the assertions below can fail.
    let input = exif_fields(&std::fs::read(&src).unwrap()).expect("input has EXIF");
    assert!(input
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .is_some());

    let p = Processor::new(f.cache.clone(), Settings::default());
    let out = p.process(&src).expect("process");
    assert_eq!(
        (out.width, out.height),
        (2000, 3000),
        "portrait after rotation"
    );
    assert_eq!(out.format, Format::Jpeg);
    let got: Vec<(u32, u32, Format)> = out
        .variants
        .iter()
        .map(|v| (v.width, v.height, v.format))
        .collect();
    assert_eq!(
        got,
        vec![
            (480, 720, Format::Jpeg),
            (480, 720, Format::WebP),
            (960, 1440, Format::Jpeg),
            (960, 1440, Format::WebP),
            (1600, 2400, Format::Jpeg),
            (1600, 2400, Format::WebP),
            (2000, 3000, Format::Jpeg),
            (2000, 3000, Format::WebP),
        ]
    );
    for v in &out.variants {
        let bytes = std::fs::read(&v.cache_path).expect("variant file exists");
        assert_eq!(Format::sniff(&bytes), Some(v.format), "{}", v.file_name);
        let img = image::load_from_memory(&bytes).expect("variant decodes");
        assert_eq!((img.width(), img.height()), (v.width, v.height));
        // Orientation 6 = rotate 90° clockwise: the stored top-left red block is now top-right.
        let rgb = img.to_rgb8();
        let tr = rgb.get_pixel(v.width - 3, 3);
        let tl = rgb.get_pixel(3, 3);
        assert!(
            tr[0] > 200 && tr[1] < 60,
            "top-right red in {}: {tr:?}",
            v.file_name
        );
        assert!(tl[0] < 150, "top-left not red in {}: {tl:?}", v.file_name);
        // No metadata at all: no EXIF anywhere, no APP1 segment in JPEGs, no EXIF/XMP chunk in WebP.
        assert!(
            exif_fields(&bytes).is_none(),
            "EXIF left in {}",
            v.file_name
        );
        match v.format {
            Format::Jpeg => assert!(
                !jpeg_markers(&bytes).contains(&0xE1),
                "APP1 in {}",
                v.file_name
            ),
            Format::WebP => {
                assert!(
                    !bytes.windows(4).any(|w| w == b"EXIF" || w == b"XMP "),
                    "{}",
                    v.file_name
                )
            }
            _ => unreachable!(),
        }
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif"),
            "Exif signature in {}",
            v.file_name
        );
        assert_eq!(
            v.file_name,
            format!(
                "anh-le-chao-co.{}.{}.{}",
                v.width,
                &out.hash[..8],
                v.format.extension()
            )
        );
    }
    assert_eq!(p.stats().processed, 1);
    assert_eq!(p.stats().reused, 0);
}

#[test]
fn second_process_reuses_the_cache_without_touching_files() {
    let f = fixture();
    let src = phone_photo(&f);
    let p = Processor::new(f.cache.clone(), Settings::default());
    let first = p.process(&src).unwrap();
    let mtimes: Vec<_> = first
        .variants
        .iter()
        .map(|v| {
            std::fs::metadata(&v.cache_path)
                .unwrap()
                .modified()
                .unwrap()
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(20));

    let again = p.process(&src).unwrap();
    assert_eq!(again, first);
    assert_eq!(p.stats().processed, 1);
    assert_eq!(p.stats().reused, 1);

    // A new processor (the next build, or `serve`) reuses it too.
    let next_build = Processor::new(f.cache.clone(), Settings::default());
    let third = next_build.process(&src).unwrap();
    assert_eq!(third, first);
    assert_eq!(next_build.stats().processed, 0);
    assert_eq!(next_build.stats().reused, 1);
    let after: Vec<_> = third
        .variants
        .iter()
        .map(|v| {
            std::fs::metadata(&v.cache_path)
                .unwrap()
                .modified()
                .unwrap()
        })
        .collect();
    assert_eq!(mtimes, after, "cached files were rewritten");

    // The same bytes under another name reuse the entry, published under their own name.
    let copy = write(&f.dir, "copy.jpg", &std::fs::read(&src).unwrap());
    let c = next_build.process(&copy).unwrap();
    assert_eq!(next_build.stats().reused, 2);
    assert_eq!(c.variants[0].cache_path, first.variants[0].cache_path);
    assert_eq!(
        c.variants[0].file_name,
        format!("copy.480.{}.jpg", &first.hash[..8])
    );

    // A changed photo gets a new hash and is processed again, and new URLs (no stale phone cache).
    std::fs::write(&src, with_exif(&jpeg_bytes(&photo(3000, 1990)), 6)).unwrap();
    let changed = next_build.process(&src).unwrap();
    assert_ne!(changed.hash, first.hash);
    assert_ne!(changed.variants[0].file_name, first.variants[0].file_name);
    assert_eq!(changed.height, 3000);
    assert_eq!(changed.width, 1990);
    assert_eq!(next_build.stats().processed, 1);

    // Different settings are a different entry.
    let q = Processor::new(
        f.cache.clone(),
        Settings {
            quality: 60,
            ..Settings::default()
        },
    );
    let lower = q.process(&copy).unwrap();
    assert_eq!(q.stats().processed, 1);
    assert_ne!(lower.variants[0].cache_path, first.variants[0].cache_path);
}

#[test]
fn png_stays_png_with_transparency() {
    let f = fixture();
    let img = image::RgbaImage::from_fn(800, 600, |x, y| {
        image::Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            90,
            if x < 400 { 255 } else { 0 },
        ])
    });
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    let src = write(&f.dir, "so-do.png", &bytes);
    let p = Processor::new(f.cache.clone(), Settings::default());
    let out = p.process(&src).unwrap();
    let got: Vec<(u32, Format)> = out.variants.iter().map(|v| (v.width, v.format)).collect();
    assert_eq!(
        got,
        vec![
            (480, Format::Png),
            (480, Format::WebP),
            (800, Format::Png),
            (800, Format::WebP)
        ]
    );
    for v in &out.variants {
        let bytes = std::fs::read(&v.cache_path).unwrap();
        assert_eq!(Format::sniff(&bytes), Some(v.format));
        let d = image::load_from_memory(&bytes).unwrap();
        assert!(
            d.color().has_alpha(),
            "{} lost its transparency",
            v.file_name
        );
        let px = d.to_rgba8();
        assert_eq!(px.get_pixel(v.width - 1, 0)[3], 0, "{}", v.file_name);
        assert_eq!(px.get_pixel(0, 0)[3], 255, "{}", v.file_name);
    }
}

#[test]
fn small_image_is_never_upscaled() {
    let f = fixture();
    let src = write(&f.dir, "nho.jpg", &jpeg_bytes(&photo(300, 200)));
    let p = Processor::new(f.cache.clone(), Settings::default());
    let out = p.process(&src).unwrap();
    let got: Vec<(u32, u32, Format)> = out
        .variants
        .iter()
        .map(|v| (v.width, v.height, v.format))
        .collect();
    assert_eq!(
        got,
        vec![(300, 200, Format::Jpeg), (300, 200, Format::WebP)]
    );
}

#[test]
fn webp_can_be_turned_off() {
    let f = fixture();
    let src = write(&f.dir, "a.jpg", &jpeg_bytes(&photo(1000, 500)));
    let p = Processor::new(
        f.cache.clone(),
        Settings {
            webp: false,
            widths: vec![500],
            ..Settings::default()
        },
    );
    let out = p.process(&src).unwrap();
    let got: Vec<(u32, Format)> = out.variants.iter().map(|v| (v.width, v.format)).collect();
    assert_eq!(got, vec![(500, Format::Jpeg), (1000, Format::Jpeg)]);
    let html = picture_html(&out, "/a/", "x", None, true, "100vw");
    assert!(!html.contains("webp"), "{html}");
}

#[test]
fn colour_profile_is_kept_while_exif_is_dropped() {
    let f = fixture();
    let icc = b"fake-but-carried-icc-profile-bytes".to_vec();
    let bytes = with_icc(&with_exif(&jpeg_bytes(&photo(1200, 800)), 1), &icc);
    let src = write(&f.dir, "p3.jpg", &bytes);
    let out = Processor::new(f.cache.clone(), Settings::default())
        .process(&src)
        .unwrap();
    for v in &out.variants {
        let data = std::fs::read(&v.cache_path).unwrap();
        assert!(
            data.windows(icc.len()).any(|w| w == &icc[..]),
            "ICC profile missing from {}",
            v.file_name
        );
        assert!(exif_fields(&data).is_none(), "EXIF left in {}", v.file_name);
    }
}

#[test]
fn keeping_metadata_resets_orientation() {
    let f = fixture();
    let src = write(
        &f.dir,
        "giu.jpg",
        &with_exif(&jpeg_bytes(&photo(1200, 800)), 6),
    );
    let p = Processor::new(
        f.cache.clone(),
        Settings {
            strip_metadata: false,
            widths: vec![480],
            ..Settings::default()
        },
    );
    let out = p.process(&src).unwrap();
    assert_eq!((out.width, out.height), (800, 1200));
    for v in &out.variants {
        let data = std::fs::read(&v.cache_path).unwrap();
        let ex =
            exif_fields(&data).unwrap_or_else(|| panic!("EXIF should be kept in {}", v.file_name));
        let o = ex
            .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .and_then(|f| f.value.get_uint(0));
        assert_eq!(o, Some(1), "orientation reset in {}", v.file_name);
        assert!(ex
            .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some());
    }
}

#[test]
fn corrupt_and_unsupported_files_are_clear_errors() {
    let f = fixture();
    let p = Processor::new(f.cache.clone(), Settings::default());

    let good = jpeg_bytes(&photo(600, 400));
    let cut = write(&f.dir, "hong.jpg", &good[..good.len() / 3]);
    let mut garbage = good[..200].to_vec();
    garbage.extend(std::iter::repeat_n(0x55u8, 5000));
    let garbled = write(&f.dir, "rac.jpg", &garbage);
    for src in [&cut, &garbled] {
        match p.process(src) {
            Err(e @ ImageError::Corrupt { .. }) => {
                assert_eq!(e.path(), src.as_path());
                let vi = e.message(Lang::Vi);
                assert!(vi.contains(&src.display().to_string()), "{vi}");
                assert!(vi.contains("bị hỏng"), "{vi}");
                let en = e.message(Lang::En);
                assert!(en.contains("damaged"), "{en}");
                assert_eq!(e.to_string(), en);
            }
            other => panic!("{} should be corrupt, got {other:?}", src.display()),
        }
    }

    let heic = write(
        &f.dir,
        "IMG_0001.HEIC",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    );
    let text = write(&f.dir, "ghi-chu.jpg", "không phải ảnh".as_bytes());
    let empty = write(&f.dir, "rong.png", b"");
    // Only an `ftyp` box: libheif cannot read it (a HEIC cut off while copying); a build
    // without libheif says how to convert the photo instead.
    match p.process(&heic) {
        Err(e @ ImageError::Corrupt { .. }) if cfg!(feature = "heif") => {
            assert!(e.message(Lang::Vi).contains("IMG_0001.HEIC"));
        }
        Err(e @ ImageError::NoHeifDecoder { .. }) if !cfg!(feature = "heif") => {
            assert!(e.message(Lang::Vi).contains("Tương thích nhất"));
            assert!(e.message(Lang::En).contains("Most Compatible"));
        }
        other => panic!("a broken HEIC is an error, got {other:?}"),
    }
    assert!(matches!(
        p.process(&text),
        Err(ImageError::Unsupported { .. })
    ));
    assert!(matches!(p.process(&empty), Err(ImageError::Corrupt { .. })));
    match p.process(&f.dir.join("khong-co.jpg")) {
        Err(e @ ImageError::Read { .. }) => {
            assert!(
                e.message(Lang::Vi).contains("Không tìm thấy"),
                "{}",
                e.message(Lang::Vi)
            );
            assert!(e.message(Lang::En).contains("khong-co.jpg"));
        }
        other => panic!("missing file should be a read error, got {other:?}"),
    }
    assert!(matches!(
        image_meta(&f.dir.join("khong-co.jpg")),
        Err(ImageError::Read { .. })
    ));
    assert!(image_meta(&heic).is_err());
    assert_eq!(p.stats().processed, 0);
    // Nothing half-done was left in the cache.
    assert!(!f.cache.exists() || walk(&f.cache).is_empty());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn image_meta_reads_headers_and_applies_orientation() {
    let f = fixture();
    let src = phone_photo(&f);
    let m = image_meta(&src).unwrap();
    assert_eq!((m.width, m.height, m.format), (2000, 3000, Format::Jpeg));
    let upright = write(&f.dir, "b.jpg", &with_exif(&jpeg_bytes(&photo(64, 32)), 1));
    let m = image_meta(&upright).unwrap();
    assert_eq!((m.width, m.height), (64, 32));
    let mut png = Vec::new();
    image::RgbImage::new(10, 7)
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let m = image_meta(&write(&f.dir, "c.png", &png)).unwrap();
    assert_eq!((m.width, m.height, m.format), (10, 7, Format::Png));
    // A minimal GIF header is enough for its size.
    let gif = write(&f.dir, "d.gif", b"GIF89a\x40\x01\xf0\x00\x00\x00\x00;");
    let m = image_meta(&gif).unwrap();
    assert_eq!((m.width, m.height, m.format), (320, 240, Format::Gif));
}

#[test]
fn gif_is_published_unchanged() {
    let f = fixture();
    let bytes = b"GIF89a\x40\x01\xf0\x00\x00\x00\x00;".to_vec();
    let src = write(&f.dir, "Múa.gif", &bytes);
    let out = Processor::new(f.cache.clone(), Settings::default())
        .process(&src)
        .unwrap();
    assert_eq!(out.variants.len(), 1);
    let v = &out.variants[0];
    assert_eq!((v.width, v.height, v.format), (320, 240, Format::Gif));
    assert_eq!(v.file_name, format!("mua.320.{}.gif", &out.hash[..8]));
    assert_eq!(std::fs::read(&v.cache_path).unwrap(), bytes);
}

#[test]
fn picture_html_for_a_processed_photo() {
    let f = fixture();
    let src = phone_photo(&f);
    let out = Processor::new(f.cache.clone(), Settings::default())
        .process(&src)
        .unwrap();
    let html = picture_html(
        &out,
        "/bien-dao/le-chao-co/",
        "Học sinh chào cờ",
        None,
        true,
        "(max-width: 800px) 100vw, 800px",
    );
    let h = &out.hash[..8];
    for needle in [
        "<picture>".to_string(),
        format!("<source type=\"image/webp\" srcset=\"/bien-dao/le-chao-co/anh-le-chao-co.480.{h}.webp 480w,"),
        format!("/bien-dao/le-chao-co/anh-le-chao-co.2000.{h}.webp 2000w\""),
        format!("src=\"/bien-dao/le-chao-co/anh-le-chao-co.960.{h}.jpg\""),
        format!("/bien-dao/le-chao-co/anh-le-chao-co.1600.{h}.jpg 1600w"),
        "sizes=\"(max-width: 800px) 100vw, 800px\"".to_string(),
        "width=\"2000\" height=\"3000\"".to_string(),
        "alt=\"Học sinh chào cờ\"".to_string(),
        "loading=\"lazy\"".to_string(),
        "decoding=\"async\"".to_string(),
    ] {
        assert!(html.contains(&needle), "missing {needle} in {html}");
    }
}

#[test]
fn same_photo_from_many_threads_is_processed_once() {
    let f = fixture();
    let src = write(&f.dir, "chung.jpg", &jpeg_bytes(&photo(1700, 1000)));
    let p = Processor::new(f.cache.clone(), Settings::default());
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| p.process(&src))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect()
    });
    assert!(results.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(p.stats().processed, 1);
    assert_eq!(p.stats().reused, 3);
}

#[test]
fn incomplete_cache_entry_is_redone() {
    let f = fixture();
    let src = write(&f.dir, "a.jpg", &jpeg_bytes(&photo(1000, 600)));
    let p = Processor::new(f.cache.clone(), Settings::default());
    let first = p.process(&src).unwrap();
    // A variant deleted by hand (or lost): the entry is not trusted any more.
    std::fs::remove_file(&first.variants[0].cache_path).unwrap();
    let again = p.process(&src).unwrap();
    assert_eq!(p.stats().processed, 2);
    assert!(again.variants[0].cache_path.is_file());
    // An interrupted build: files written, meta.json (written last) missing.
    std::fs::remove_file(first.variants[0].cache_path.with_file_name("meta.json")).unwrap();
    p.process(&src).unwrap();
    assert_eq!(p.stats().processed, 3);
    // No temporary file is left behind by a completed entry.
    let dir = first.variants[0].cache_path.parent().unwrap();
    assert!(walk(dir).iter().all(|p| !p
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with(".tmp")));
}

#[test]
fn gc_removes_entries_this_build_did_not_use() {
    let f = fixture();
    let a = write(&f.dir, "a.jpg", &jpeg_bytes(&photo(600, 400)));
    let b = write(&f.dir, "b.jpg", &jpeg_bytes(&photo(700, 400)));
    let old = Processor::new(f.cache.clone(), Settings::default());
    let pa = old.process(&a).unwrap();
    old.process(&b).unwrap();
    // The next build only uses b.
    let build = Processor::new(f.cache.clone(), Settings::default());
    let pb = build.process(&b).unwrap();
    let stray = pb.variants[0].cache_path.with_file_name(".tmpXYZ");
    std::fs::write(&stray, b"half").unwrap();
    // Something else living in the cache folder is not an entry and is left alone.
    let other = f.cache.join("ab").join("links.json");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(&other, b"{}").unwrap();
    let report = build.gc().unwrap();
    assert_eq!(report.entries_removed, 1);
    assert!(report.bytes_freed > 0);
    assert!(!pa.variants[0].cache_path.exists());
    assert!(!stray.exists());
    assert!(other.exists());
    assert!(pb.variants.iter().all(|v| v.cache_path.is_file()));
    assert_eq!(build.process(&b).unwrap(), pb);
    assert_eq!(build.stats().reused, 2);
}

#[test]
fn parallel_build_with_repeated_photos_finishes_and_processes_each_once() {
    use rayon::prelude::*;
    let f = fixture();
    let a = write(&f.dir, "a.jpg", &jpeg_bytes(&photo(1000, 700)));
    let b = write(&f.dir, "b.jpg", &jpeg_bytes(&photo(900, 700)));
    // The same photo used by many pages, processed from rayon threads like the site build does.
    let jobs: Vec<&PathBuf> = (0..12).map(|i| if i % 3 == 0 { &b } else { &a }).collect();
    let p = Processor::new(f.cache.clone(), Settings::default());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let out: Vec<_> = pool.install(|| jobs.par_iter().map(|s| p.process(s).unwrap()).collect());
    assert_eq!(out.len(), 12);
    assert_eq!(p.stats().processed, 2);
    assert_eq!(p.stats().reused, 10);
}

#[test]
fn webp_and_grayscale_sources() {
    let f = fixture();
    // A static WebP stays WebP only (it is already the modern format).
    let mut webp = Vec::new();
    image::DynamicImage::ImageRgb8(photo(700, 300))
        .write_to(&mut Cursor::new(&mut webp), image::ImageFormat::WebP)
        .unwrap();
    let src = write(&f.dir, "banner.webp", &webp);
    let p = Processor::new(f.cache.clone(), Settings::default());
    let out = p.process(&src).unwrap();
    let got: Vec<(u32, Format)> = out.variants.iter().map(|v| (v.width, v.format)).collect();
    assert_eq!(got, vec![(480, Format::WebP), (700, Format::WebP)]);
    let html = picture_html(&out, "/", "Băng rôn", None, true, "100vw");
    assert!(!html.contains("<picture>"), "{html}");
    let h = &out.hash[..8];
    assert!(
        html.contains(&format!(
            "srcset=\"/banner.480.{h}.webp 480w, /banner.700.{h}.webp 700w\""
        )),
        "{html}"
    );

    // A black-and-white scan stays grey in JPEG and still gets a WebP copy.
    let grey = image::GrayImage::from_fn(900, 600, |x, y| image::Luma([((x + y) % 256) as u8]));
    let mut jpg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpg)
        .encode_image(&grey)
        .unwrap();
    let src = write(&f.dir, "thu-moi.jpg", &jpg);
    let out = p.process(&src).unwrap();
    assert_eq!(out.variants.len(), 4);
    for v in &out.variants {
        let d = image::load_from_memory(&std::fs::read(&v.cache_path).unwrap()).unwrap();
        assert_eq!((d.width(), d.height()), (v.width, v.height));
        if v.format == Format::Jpeg {
            assert_eq!(d.color(), image::ColorType::L8, "{}", v.file_name);
        }
    }
}

#[test]
fn template_resize_makes_share_pictures_and_thumbnails() {
    use images::ResizeOp;
    let f = fixture();
    let src = phone_photo(&f); // 2000x3000 once rotated, red block top-right
    let p = Processor::new(f.cache.clone(), Settings::default());

    let share = p.resize(&src, ResizeOp::Fill(1200, 630), None).unwrap();
    assert_eq!(
        (share.width, share.height, share.format),
        (1200, 630, Format::Jpeg)
    );
    let hash8 = &blake3::hash(&std::fs::read(&src).unwrap()).to_hex()[..8];
    assert_eq!(
        share.file_name,
        format!("anh-le-chao-co.fill-1200x630.{hash8}.jpg")
    );
    let bytes = std::fs::read(&share.cache_path).unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 630));
    assert!(
        exif_fields(&bytes).is_none(),
        "EXIF left in the share picture"
    );
    // The centre band was kept: the red corner block (top 10% of the height) is cropped away.
    let tr = img.to_rgb8().get_pixel(1197, 3).0;
    assert!(
        tr[0] < 200 || tr[1] > 60,
        "top-right should not be the red corner: {tr:?}"
    );
    assert_eq!(p.stats().processed, 1);

    // Again: found from the header alone, file untouched.
    let mtime = std::fs::metadata(&share.cache_path)
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        p.resize(&src, ResizeOp::Fill(1200, 630), None).unwrap(),
        share
    );
    assert_eq!(p.stats().reused, 1);
    assert_eq!(
        std::fs::metadata(&share.cache_path)
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );

    let thumb = p
        .resize(&src, ResizeOp::FitWidth(300), Some(Format::WebP))
        .unwrap();
    assert_eq!(
        (thumb.width, thumb.height, thumb.format),
        (300, 450, Format::WebP)
    );
    let d = image::load_from_memory(&std::fs::read(&thumb.cache_path).unwrap()).unwrap();
    assert_eq!((d.width(), d.height()), (300, 450));

    let big = p.resize(&src, ResizeOp::FitWidth(5000), None).unwrap();
    assert_eq!((big.width, big.height), (2000, 3000), "never upscaled");

    let cut = write(&f.dir, "cut.jpg", &std::fs::read(&src).unwrap()[..30_000]);
    assert!(matches!(
        p.resize(&cut, ResizeOp::Fit(100, 100), None),
        Err(ImageError::Corrupt { .. })
    ));
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny PNG whose header claims `w` x `h` RGBA pixels.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    png.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
    png.extend_from_slice(idat);
    png.extend_from_slice(&crc32(idat).to_be_bytes());
    png.extend_from_slice(&[0, 0, 0, 0]);
    png.extend_from_slice(b"IEND");
    png.extend_from_slice(&crc32(b"IEND").to_be_bytes());
    png
}

#[test]
fn decompression_bomb_is_refused_with_a_clear_error() {
    let f = fixture();
    let p = Processor::new(f.cache.clone(), Settings::default());
    // 40000 px wide (over the side limit), and 19000x19000 RGBA = 1.4 GB (over the memory limit).
    for (w, h) in [(40_000, 40_000), (19_000, 19_000)] {
        let src = write(&f.dir, &format!("bom-{w}.png"), &png_bomb(w, h));
        // The header alone is fine for its size.
        let m = image_meta(&src).unwrap();
        assert_eq!((m.width, m.height), (w, h));
        match p.process(&src) {
            Err(e @ ImageError::TooLarge { .. }) => {
                let vi = e.message(Lang::Vi);
                assert!(vi.contains("quá lớn") && vi.contains("bom-"), "{vi}");
            }
            other => panic!("{w}x{h}: expected TooLarge, got {other:?}"),
        }
    }
}
