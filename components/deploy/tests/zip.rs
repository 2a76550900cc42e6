//! `bangtin deploy --zip`: the archive holds the site, with Vietnamese names, written atomically.

mod common;

use std::fs;
use std::io::Read;

use deploy::write_zip;
use unicode_normalization::UnicodeNormalization;

fn read_zip(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().to_string(), bytes)
        })
        .collect()
}

#[test]
fn zip_holds_every_file_with_utf8_names() {
    let site = tempfile::tempdir().unwrap();
    common::make_site(site.path());
    let nfd: String = "tài-liệu/thời-khoá-biểu.pdf".nfd().collect();
    common::write(site.path(), &nfd, b"%PDF");
    let out = tempfile::tempdir().unwrap();
    let zip_path = out.path().join("dist").join("site.zip");

    let n = write_zip(site.path(), &zip_path).unwrap();
    assert_eq!(n as usize, common::SITE_FILES + 1);
    let entries = read_zip(&zip_path);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"tin-tuc/khai-giang/ảnh-trường.jpg"),
        "{names:?}"
    );
    assert!(
        names.contains(&"tài-liệu/thời-khoá-biểu.pdf"),
        "names are NFC: {names:?}"
    );
    assert!(names.iter().all(|n| !n.contains('\\')));
    let local = common::tree(site.path());
    for (name, bytes) in &entries {
        let key: String = local
            .keys()
            .find(|k| k.nfc().collect::<String>() == *name)
            .unwrap()
            .clone();
        assert_eq!(&local[&key], bytes, "{name}");
    }
    // Only the archive is left: no temporary file beside it.
    let beside: Vec<_> = fs::read_dir(zip_path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, [std::ffi::OsString::from("site.zip")]);
}

#[test]
fn zip_inside_the_output_does_not_contain_itself_and_replaces_the_old_one() {
    let site = tempfile::tempdir().unwrap();
    common::make_site(site.path());
    let zip_path = site.path().join("site.zip");
    fs::write(&zip_path, b"old archive").unwrap();
    let n = write_zip(site.path(), &zip_path).unwrap();
    assert_eq!(n as usize, common::SITE_FILES);
    let names: Vec<String> = read_zip(&zip_path).into_iter().map(|(n, _)| n).collect();
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".zip") || n.ends_with(".tmp")),
        "{names:?}"
    );
}

#[test]
fn zip_of_a_missing_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_zip(&dir.path().join("public"), &dir.path().join("a.zip")).unwrap_err();
    assert!(err.message(i18n::Lang::En).contains("bangtin build"));
    assert!(!dir.path().join("a.zip").exists());
}
