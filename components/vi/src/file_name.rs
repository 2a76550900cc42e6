//! URL-safe file names for what teachers upload or drop beside a post: "Kế hoạch tháng 9.PDF"
//! becomes "ke-hoach-thang-9.pdf", the same from a Mac's decomposed (NFD) name as from a
//! Windows one.
//!
//! Only ASCII letters, digits, `_` and `-` are kept in the stem (web hosts, FTP servers and zip
//! tools all agree on those), the extension is lower-cased, and a name Windows cannot save
//! (`CON`, `NUL`, `COM1`...) gets a suffix, since parents download these files.

/// The longest stem kept, in bytes: long names from Word titles make unreadable addresses and
/// some hosts cap a path's length.
const MAX_STEM: usize = 80;

/// Names Windows reserves for devices, whatever the extension.
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The URL-safe form of a file name (no folder): stem as in [`safe_file_stem`], extension in
/// lower case: "Ảnh lễ chào cờ 01.JPG" -> "anh-le-chao-co-01.jpg", "Kế hoạch.Docx" ->
/// "ke-hoach.docx", ".htaccess" -> "htaccess".
///
/// Different names may give the same safe name ("Ảnh.jpg", "anh.JPG"): callers that publish
/// several files side by side make them unique (e.g. with [`crate::unique_slug`] on the stem).
pub fn safe_file_name(name: &str) -> String {
    let (stem, ext) = split_extension(name);
    let stem = safe_file_stem(stem);
    let ext: String = crate::fold(ext)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{ext}")
    }
}

/// The URL-safe form of a name without its extension: folded like a page slug (no diacritics,
/// đ -> d, lower case), every run of other characters one `-`, at most 80 bytes, "file" when
/// nothing is left: "Đội_tuyển  2024!" -> "doi_tuyen-2024".
pub fn safe_file_stem(stem: &str) -> String {
    let mut out = crate::slug::dashed(stem, |c| c.is_ascii_alphanumeric() || c == '_');
    if out.len() > MAX_STEM {
        // Cut at a word boundary when there is one, so no half word is left.
        let cut = out[..MAX_STEM]
            .rfind('-')
            .filter(|&i| i > 0)
            .unwrap_or(MAX_STEM);
        out.truncate(cut);
    }
    if out.is_empty() {
        return "file".to_string();
    }
    if WINDOWS_RESERVED.contains(&out.as_str()) {
        out.push_str("-file");
    }
    out
}

/// `name` split into stem and extension (without the dot); a leading dot is not an extension,
/// nor is anything after a dot that holds no letter or digit.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 && name[i + 1..].chars().any(|c| c.is_alphanumeric()) => {
            (&name[..i], &name[i + 1..])
        }
        _ => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn vietnamese_names_become_url_safe() {
        assert_eq!(
            safe_file_name("Kế hoạch tháng 9.pdf"),
            "ke-hoach-thang-9.pdf"
        );
        assert_eq!(
            safe_file_name("Ảnh lễ chào cờ 01.JPG"),
            "anh-le-chao-co-01.jpg"
        );
        assert_eq!(
            safe_file_name("Đội_tuyển  2024!.Jpeg"),
            "doi_tuyen-2024.jpeg"
        );
        assert_eq!(safe_file_name("Lễ khai giảng.MOV"), "le-khai-giang.mov");
        assert_eq!(safe_file_name("ban-do.svg"), "ban-do.svg");
        assert_eq!(safe_file_name("IMG_0042.HEIC"), "img_0042.heic");
    }

    #[test]
    fn nfd_names_give_the_same_name() {
        let nfd: String = "Kế hoạch tháng 9.pdf".nfd().collect();
        assert_ne!(nfd, "Kế hoạch tháng 9.pdf");
        assert_eq!(safe_file_name(&nfd), "ke-hoach-thang-9.pdf");
    }

    #[test]
    fn odd_names_still_give_a_name() {
        assert_eq!(safe_file_name("!!!.jpg"), "file.jpg");
        assert_eq!(safe_file_name(".htaccess"), "htaccess");
        assert_eq!(safe_file_name("ghi chú"), "ghi-chu");
        assert_eq!(safe_file_name("bao-cao.tar.gz"), "bao-cao-tar.gz");
        assert_eq!(safe_file_name("ảnh."), "anh");
        assert_eq!(safe_file_name("学校.pdf"), "file.pdf");
        assert_eq!(safe_file_name("CON.txt"), "con-file.txt");
        assert_eq!(safe_file_name("Biên bản.đocx"), "bien-ban.docx");
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        let long = "Kế hoạch tổ chức các hoạt động tuyên truyền về chủ quyền biển đảo Việt Nam năm học 2025-2026 của trường.docx";
        let safe = safe_file_name(long);
        assert!(safe.ends_with(".docx"), "{safe}");
        let stem = safe.trim_end_matches(".docx");
        assert!(stem.len() <= MAX_STEM, "{safe}");
        assert!(!stem.ends_with('-'), "{safe}");
        assert!(stem.starts_with("ke-hoach-to-chuc"), "{safe}");
    }
}
