//! The URL-safe names a page bundle's (or a section's) files are published under, and the
//! warnings about files too heavy for a school's host.
//!
//! "Kế hoạch tháng 9.pdf" is published as `ke-hoach-thang-9.pdf`: spaces, diacritics and
//! upper-case extensions make addresses that break in chat apps and on case-sensitive hosts.
//! Two files whose safe names meet ("Ảnh.jpg" and "anh.jpg") never overwrite each other: a file
//! whose name is already safe keeps it, the others take the next free `-1`, `-2`... in the
//! order of their original names, so every build gives the same names.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::load::content::Content;
use crate::util::paths::{percent_decode, slash_path};
use i18n::{tr, Lang};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One published file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFile {
    /// The source file, relative to the site root.
    pub source: PathBuf,
    /// Its path inside the bundle as named on disk (`/`-separated, NFC).
    pub original: String,
    /// Its URL-safe path inside the bundle, e.g. `tai-lieu/ke-hoach-thang-9.pdf`.
    pub name: String,
}

/// The published names of one bundle's files.
#[derive(Debug, Clone, Default)]
pub struct Published {
    files: Vec<PublishedFile>,
}

impl Published {
    /// The names of `assets` (relative to the site root): paths inside `bundle` (a page
    /// bundle's folder) when given, else file names (a section's files sit beside its page).
    pub fn new(bundle: Option<&Path>, assets: &[PathBuf]) -> Self {
        let mut files: Vec<PublishedFile> = assets
            .iter()
            .map(|a| {
                let inside = bundle
                    .and_then(|b| a.strip_prefix(b).ok())
                    .map(slash_path)
                    .unwrap_or_else(|| {
                        a.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    });
                PublishedFile {
                    source: a.clone(),
                    original: vi::nfc_owned(inside),
                    name: String::new(),
                }
            })
            .collect();
        files.sort_by(|a, b| a.original.cmp(&b.original).then(a.source.cmp(&b.source)));
        files.dedup_by(|a, b| a.source == b.source);
        // The page itself is published as index.html beside its files.
        let mut taken: HashSet<String> = HashSet::from(["index.html".to_string()]);
        for f in &mut files {
            let safe = images::assets::url_path(&f.original);
            if safe == f.original && taken.insert(safe.clone()) {
                f.name = safe;
            }
        }
        for f in files.iter_mut().filter(|f| f.name.is_empty()) {
            f.name = unique_file(&images::assets::url_path(&f.original), &mut taken);
        }
        Published { files }
    }

    /// Every file with its names, in the order of their original names.
    pub fn files(&self) -> &[PublishedFile] {
        &self.files
    }

    /// The published path (inside the bundle) of a source file (relative to the site root).
    pub fn name_of(&self, source: &Path) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.source == source)
            .map(|f| f.name.as_str())
    }

    /// `html` with the `href`, `src` and `poster` addresses that name a renamed file of the
    /// bundle as written (raw HTML in the Markdown: `<a href="Kế hoạch.pdf">`) changed to its
    /// published name; `None` when nothing changes. Markdown links are rewritten as they are
    /// rendered; this catches the rest.
    pub fn rewrite_html(&self, html: &str) -> Option<String> {
        if self.files.iter().all(|f| f.name == f.original) {
            return None;
        }
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        let mut changed = false;
        while let Some(at) = next_address(rest) {
            let (before, value_on) = rest.split_at(at);
            let end = value_on.find('"').unwrap_or(value_on.len());
            let value = &value_on[..end];
            out.push_str(before);
            match self.renamed(value) {
                Some(name) => {
                    out.push_str(&name);
                    changed = true;
                }
                None => out.push_str(value),
            }
            rest = &value_on[end..];
        }
        out.push_str(rest);
        changed.then_some(out)
    }

    /// The published address for an address as written, when it names a renamed file.
    fn renamed(&self, value: &str) -> Option<String> {
        let cut = value.find(['?', '#']).unwrap_or(value.len());
        let (path, suffix) = value.split_at(cut);
        let path = percent_decode(path);
        let name = self.name_of_original(&path)?;
        (name != path.trim_start_matches("./")).then(|| format!("{name}{suffix}"))
    }

    /// The published path of the file named `original` inside the bundle (NFC compared).
    pub fn name_of_original(&self, original: &str) -> Option<&str> {
        let want = vi::nfc(original.trim_start_matches("./"));
        self.files
            .iter()
            .find(|f| f.original == want)
            .map(|f| f.name.as_str())
    }
}

/// Where the value of the next `href="`, `src="` or `poster="` attribute starts in `html`.
fn next_address(html: &str) -> Option<usize> {
    [" href=\"", " src=\"", " poster=\""]
        .iter()
        .filter_map(|a| html.find(a).map(|i| i + a.len()))
        .min()
}

/// `want` if free, else the first free `stem-1.ext`, `stem-2.ext`... in the same folder; the
/// result is added to `taken`.
fn unique_file(want: &str, taken: &mut HashSet<String>) -> String {
    if taken.insert(want.to_string()) {
        return want.to_string();
    }
    let (dir, name) = match want.rfind('/') {
        Some(i) => (&want[..=i], &want[i + 1..]),
        None => ("", want),
    };
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (1u64..)
        .map(|n| format!("{dir}{stem}-{n}{ext}"))
        .find(|c| taken.insert(c.clone()))
        .unwrap_or_default()
}

/// A warning for each video and document of the site's pages and sections over its size
/// budget (`[check] max_video_mb`, `max_document_mb`): a 200 MB video must never go up to the
/// school's host without a word.
pub fn heavy_files(config: &Config, root: &Path, content: &Content, lang: Lang) -> Vec<Diagnostic> {
    use images::assets::{human_size, Kind};
    let mut assets: Vec<&PathBuf> = content
        .pages
        .iter()
        .flat_map(|p| &p.assets)
        .chain(content.sections.iter().flat_map(|s| &s.assets))
        .collect();
    assets.sort();
    assets.dedup();
    let comma = lang == Lang::Vi;
    let mut out = Vec::new();
    for a in assets {
        let kind = Kind::of(a);
        let limit_mb = match kind {
            Kind::Video => config.check.max_video_mb,
            Kind::Document => config.check.max_document_mb,
            _ => continue,
        };
        let Ok(meta) = std::fs::metadata(root.join(a)) else {
            continue;
        };
        if limit_mb == 0 || meta.len() <= limit_mb * 1_000_000 {
            continue;
        }
        let size = human_size(meta.len(), comma);
        let name = a
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let message = if kind == Kind::Video {
            tr!(
                lang,
                "video `{name}` nặng {size}, quá giới hạn {limit_mb} MB ([check] max_video_mb): tải lên chậm và làm đầy máy chủ của trường. Hãy đưa video lên YouTube rồi chèn vào bài bằng mã ngắn {{{{ youtube(id=\"MÃ_VIDEO\", title=\"...\") }}}} và xóa tệp này khỏi thư mục bài",
                "video `{name}` is {size}, over the limit of {limit_mb} MB ([check] max_video_mb): it uploads slowly and fills the school's host. Put the video on YouTube, show it in the page with the shortcode {{{{ youtube(id=\"VIDEO_ID\", title=\"...\") }}}} and remove this file from the page's folder"
            )
        } else {
            tr!(
                lang,
                "tài liệu `{name}` nặng {size}, quá giới hạn {limit_mb} MB ([check] max_document_mb): phụ huynh tải bằng điện thoại sẽ rất lâu. Hãy nén hoặc xuất lại tệp nhỏ hơn (PDF: Lưu thành PDF với ảnh nén), hoặc tách thành nhiều tệp",
                "document `{name}` is {size}, over the limit of {limit_mb} MB ([check] max_document_mb): parents on a phone wait long to download it. Compress it or export a smaller file (PDF: save as PDF with compressed images), or split it"
            )
        };
        out.push(Diagnostic::warning(a.as_path(), 0, 0, message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(bundle: &str, files: &[&str]) -> Vec<(String, String)> {
        let assets: Vec<PathBuf> = files.iter().map(|f| Path::new(bundle).join(f)).collect();
        Published::new(Some(Path::new(bundle)), &assets)
            .files()
            .iter()
            .map(|f| (f.original.clone(), f.name.clone()))
            .collect()
    }

    #[test]
    fn names_are_url_safe_and_lower_case() {
        let got = names(
            "content/tin-tuc/le",
            &["Kế hoạch tháng 9.pdf", "Ảnh/Chào cờ.JPG", "ban-do.svg"],
        );
        assert_eq!(
            got,
            vec![
                ("Kế hoạch tháng 9.pdf".into(), "ke-hoach-thang-9.pdf".into()),
                ("ban-do.svg".into(), "ban-do.svg".into()),
                ("Ảnh/Chào cờ.JPG".into(), "anh/chao-co.jpg".into()),
            ]
        );
    }

    #[test]
    fn collisions_never_overwrite_a_file_already_safe() {
        // The safe one keeps its name whatever the order on disk.
        for order in [
            ["Anh.JPG", "anh.jpg", "ẢNH.jpg"],
            ["ẢNH.jpg", "anh.jpg", "Anh.JPG"],
        ] {
            let got = names("b", &order);
            let by_name = |o: &str| got.iter().find(|g| g.0 == o).unwrap().1.clone();
            assert_eq!(by_name("anh.jpg"), "anh.jpg");
            assert_eq!(by_name("Anh.JPG"), "anh-1.jpg");
            assert_eq!(by_name("ẢNH.jpg"), "anh-2.jpg");
        }
        assert_eq!(
            names("b", &["Index.HTML"]),
            vec![("Index.HTML".into(), "index-1.html".into())],
            "never over the page itself"
        );
    }

    #[test]
    fn raw_html_addresses_are_rewritten() {
        let p = Published::new(
            Some(Path::new("b")),
            &[PathBuf::from("b/Kế hoạch.pdf"), PathBuf::from("b/ok.pdf")],
        );
        let html = r#"<a href="Kế hoạch.pdf#p2">x</a> <a href="ok.pdf">y</a> <img src="./K%E1%BA%BF%20ho%E1%BA%A1ch.pdf" alt="">"#;
        assert_eq!(
            p.rewrite_html(html).unwrap(),
            r#"<a href="ke-hoach.pdf#p2">x</a> <a href="ok.pdf">y</a> <img src="ke-hoach.pdf" alt="">"#
        );
        assert_eq!(p.rewrite_html(r#"<a href="khac.pdf">"#), None);
    }

    #[test]
    fn sections_use_file_names() {
        let p = Published::new(None, &[PathBuf::from("content/ke-hoach/Kế Hoạch.PDF")]);
        assert_eq!(
            p.name_of(Path::new("content/ke-hoach/Kế Hoạch.PDF")),
            Some("ke-hoach.pdf")
        );
        assert_eq!(p.name_of_original("./Kế Hoạch.PDF"), Some("ke-hoach.pdf"));
    }
}
