//! Path rules: `/`-separated relative paths, the names an editor leaves behind, and the
//! folders a build reads or never reads.

use std::path::Path;

/// Relative path with `/` separators.
pub fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `%XX` escapes of an address decoded (as written in Markdown or HTML); an address whose escapes
/// are not UTF-8 stays as it was.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map_or_else(|_| s.to_string(), |d| d.into_owned())
}

/// Files an editor leaves behind; never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// Folders whose every file a build may read.
pub const INPUT_FOLDERS: [&str; 6] = ["content", "static", "templates", "i18n", "data", "themes"];

/// Extensions of the files `load_data` reads, wherever they are in the site folder.
pub const DATA_EXTENSIONS: [&str; 5] = ["toml", "yaml", "yml", "json", "csv"];

/// Version-control folders: never read by a build.
pub const VCS_FOLDERS: [&str; 3] = [".git", ".hg", ".svn"];

/// Folders of other tools, never read by a build outside the input folders.
pub const TOOL_FOLDERS: [&str; 2] = ["target", "node_modules"];

/// Whether the file `rel` (relative to the site folder, with `/`) lies in a folder a build
/// never reads (see [`is_unread_folder`]). `load_data` refuses such paths, so the no-change walk
/// need not go there (a site folder that is also a Rust or npm project holds thousands of files
/// there).
pub fn in_unread_folder(rel: &str) -> bool {
    rel.rsplit_once('/')
        .is_some_and(|(folder, _)| is_unread_folder(folder))
}

/// Whether the folder `rel` is one a build never reads: outside the input folders, a hidden
/// folder or another tool's (`target/`, `node_modules/`), or a folder inside one.
pub fn is_unread_folder(rel: &str) -> bool {
    let mut parts = rel.split('/').filter(|p| !p.is_empty()).peekable();
    if parts
        .peek()
        .is_some_and(|first| INPUT_FOLDERS.contains(first))
    {
        return false;
    }
    parts.any(|f| f.starts_with('.') || TOOL_FOLDERS.contains(&f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b.jpg"), "a b.jpg");
        assert_eq!(percent_decode("%E1%BA%A3nh.jpg"), "ảnh.jpg");
        assert_eq!(percent_decode("x%"), "x%");
        assert_eq!(percent_decode("%FF.jpg"), "%FF.jpg");
    }

    #[test]
    fn folders_of_other_tools_are_unread_outside_the_input_folders() {
        assert!(in_unread_folder("target/debug/x.json"));
        assert!(in_unread_folder(
            "tests/browser/node_modules/p/package.json"
        ));
        assert!(in_unread_folder(".github/workflows/ci.yml"));
        assert!(!in_unread_folder("lich.json"), "a file at the top");
        assert!(
            !in_unread_folder(".env.json"),
            "a hidden file, not a folder"
        );
        assert!(!in_unread_folder("extra/target.json"));
        assert!(
            !in_unread_folder("data/target/x.json"),
            "inside an input folder"
        );
        assert!(!in_unread_folder("static/node_modules/x.json"));
        assert!(!in_unread_folder("themes/t/.hidden/x.toml"));
    }
}
