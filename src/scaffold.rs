//! `bangtin new` and `bangtin init`: create files for the user, never over existing ones.

use i18n::{tr, Lang};
use std::fs;
use std::io::Write;
use std::path::Path;

/// Writes a file only if it does not exist yet.
fn create_new(path: &Path, text: &str, lang: Lang) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| {
            tr!(
                lang,
                "không tạo được thư mục {}: {e}",
                "cannot create folder {}: {e}",
                parent.display()
            )
        })?;
    }
    let mut f = fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            tr!(lang, "{} đã có; bangtin không ghi đè. Hãy chọn tiêu đề/tên khác hoặc sửa tệp đó.", "{} already exists; bangtin does not overwrite it. Choose another title/name or edit that file.", path.display())
        } else {
            tr!(lang, "không tạo được {}: {e}", "cannot create {}: {e}", path.display())
        }
    })?;
    f.write_all(text.as_bytes()).map_err(|e| {
        tr!(
            lang,
            "không ghi được {}: {e}",
            "cannot write {}: {e}",
            path.display()
        )
    })
}

/// The front matter template of a new post, commented for teachers.
pub fn post_template(title: &str, date: chrono::NaiveDate) -> String {
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"+++
title = "{title}"
date = {date}
# Một câu tóm tắt, hiện khi chia sẻ lên Zalo/Facebook (A one-sentence summary for sharing):
description = ""
# Bỏ dòng dưới (hoặc đặt false) khi bài đã sẵn sàng đăng (remove when ready to publish):
draft = true

[taxonomies]
tags = []
# chuyen_de = ["Biển đảo"]
+++

Viết đoạn mở đầu ở đây. Phần trước dòng `<!-- more -->` là tóm tắt hiện ở trang danh sách.

<!-- more -->

## Nội dung

Ảnh: chép ảnh vào cùng thư mục và ghi mô tả ảnh (alt) cho người khiếm thị:
`![Học sinh chào cờ đầu tuần](anh-chao-co.jpg)`
"#,
        date = date.format("%Y-%m-%d")
    )
}

/// `bangtin new SECTION "TITLE"`: content/SECTION/<slug>.md with today's date.
pub fn new_post(root: &Path, section: &str, title: &str, lang: Lang) -> Result<(), String> {
    let title = vi::nfc(title.trim());
    let slug = vi::slugify(&title);
    if slug.is_empty() {
        return Err(tr!(
            lang,
            "tiêu đề trống; ví dụ: bangtin new bien-dao \"Em yêu biển đảo quê hương\"",
            "the title is empty; for example: bangtin new bien-dao \"Our seas and islands\""
        ));
    }
    let section = section.trim_matches(|c| c == '/' || c == '\\');
    if section
        .split(['/', '\\'])
        .any(|p| p == ".." || p.is_empty())
    {
        return Err(tr!(
            lang,
            "tên chuyên mục không hợp lệ: {section}",
            "invalid section name: {section}"
        ));
    }
    let content = root.join("content");
    let dir = content.join(section);
    if !dir.join("_index.md").exists() {
        let mut known: Vec<String> = fs::read_dir(&content)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.path().join("_index.md").exists())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        known.sort();
        return Err(tr!(
            lang,
            "không có chuyên mục content/{section}/ (thiếu _index.md). Các chuyên mục hiện có: {}",
            "there is no section content/{section}/ (no _index.md). Existing sections: {}",
            known.join(", ")
        ));
    }
    let path = dir.join(format!("{slug}.md"));
    let today = chrono::Local::now().date_naive();
    create_new(&path, &post_template(&title, today), lang)?;
    println!("{}", path.display());
    eprintln!(
        "{}",
        tr!(
            lang,
            "Đã tạo bài mới (đang là bản nháp: draft = true). Xem thử: bangtin serve --drafts",
            "Created a new post (a draft: draft = true). Preview: bangtin serve --drafts"
        )
    );
    Ok(())
}

fn copy_bundled(dir: &include_dir::Dir<'_>, to: &Path, lang: Lang) -> Result<(), String> {
    for f in dir.files() {
        let target = to.join(f.path());
        create_new(&target, "", lang)?;
        fs::write(&target, f.contents()).map_err(|e| {
            tr!(
                lang,
                "không ghi được {}: {e}",
                "cannot write {}: {e}",
                target.display()
            )
        })?;
    }
    for d in dir.dirs() {
        copy_bundled(d, to, lang)?;
    }
    Ok(())
}

/// One section a new site starts with: folder, (title, description) in Vietnamese and English.
struct Section {
    slug: &'static str,
    vi: (&'static str, &'static str),
    en: (&'static str, &'static str),
}

/// The sections of a school's foreign-information plan, in the order of its tasks, then news.
const SECTIONS: [Section; 9] = [
    Section {
        slug: "quang-ba-dia-phuong",
        vi: (
            "Quảng bá hình ảnh, tiềm năng, thế mạnh địa phương",
            "Bài viết giới thiệu hình ảnh quê hương, con người, lịch sử, văn hóa và thành tựu phát triển của địa phương.",
        ),
        en: (
            "Our homeland: its image, potential and strengths",
            "Articles introducing our homeland: its people, history, culture and development.",
        ),
    },
    Section {
        slug: "quyen-con-nguoi",
        vi: (
            "Bảo đảm quyền con người",
            "Truyền thông về bảo đảm quyền con người: an sinh xã hội, chăm lo đời sống Nhân dân, tinh thần đoàn kết, tương thân tương ái.",
        ),
        en: (
            "Human rights",
            "Communicating how human rights are ensured: social welfare, care for people's lives, solidarity and mutual help.",
        ),
    },
    Section {
        slug: "hoi-nhap-quoc-te",
        vi: (
            "Sự kiện hội nhập quốc tế",
            "Thông tin về các sự kiện hội nhập quốc tế nổi bật, cơ hội và thách thức của hội nhập.",
        ),
        en: (
            "International integration",
            "News and explanations of major events in Vietnam's international integration, its opportunities and challenges.",
        ),
    },
    Section {
        slug: "bien-dao",
        vi: (
            "Chủ quyền biển, đảo và biên giới",
            "Tuyên truyền chủ quyền biển, đảo và biên giới lãnh thổ của Việt Nam, chủ quyền đối với hai quần đảo Hoàng Sa và Trường Sa.",
        ),
        en: (
            "Seas, islands and borders",
            "Vietnam's sovereignty over its seas, islands and land borders, including the Hoang Sa (Paracel) and Truong Sa (Spratly) archipelagos.",
        ),
    },
    Section {
        slug: "thong-tin-chinh-thong",
        vi: (
            "Thông tin chính thống",
            "Cung cấp thông tin chính thống, kịp thời giải thích, làm rõ và phản bác thông tin sai lệch trên không gian mạng.",
        ),
        en: (
            "Official information",
            "Official information from the school, and clear explanations that correct false information online.",
        ),
    },
    Section {
        slug: "cong-dong-asean",
        vi: (
            "Cộng đồng ASEAN",
            "Tuyên truyền, quảng bá về Cộng đồng ASEAN và các mục tiêu của Cộng đồng Văn hóa - Xã hội ASEAN.",
        ),
        en: (
            "The ASEAN Community",
            "Introducing the ASEAN Community and the goals of the ASEAN Socio-Cultural Community.",
        ),
    },
    Section {
        slug: "hang-viet-nam",
        vi: (
            "Người Việt Nam ưu tiên dùng hàng Việt Nam",
            "Cuộc vận động “Người Việt Nam ưu tiên dùng hàng Việt Nam” trong cán bộ, giáo viên, nhân viên, học sinh và phụ huynh.",
        ),
        en: (
            "Vietnamese people prefer Vietnamese goods",
            "The campaign “Vietnamese people prefer Vietnamese goods” among staff, pupils and parents.",
        ),
    },
    Section {
        slug: "ke-hoach",
        vi: (
            "Kế hoạch",
            "Các kế hoạch thông tin đối ngoại của nhà trường, đăng nguyên văn kèm bảng nhiệm vụ.",
        ),
        en: (
            "Plans",
            "The school's foreign information plans, published as issued, with their task tables.",
        ),
    },
    Section {
        slug: "tin-tuc",
        vi: (
            "Tin tức",
            "Tin hoạt động của nhà trường.",
        ),
        en: (
            "News",
            "News from our school.",
        ),
    },
];

/// `bangtin init DIR`: creates the site, then says what to type next.
pub fn init(dir: &Path, lang: Lang) -> Result<(), String> {
    create_site(dir, lang)?;
    eprintln!(
        "{}",
        tr!(
            lang,
            "Đã tạo trang web mới trong {}, với các chuyên mục của kế hoạch (tiếng Việt và tiếng Anh): {}. Viết bài mới: bangtin new bien-dao \"Tiêu đề\". Xem trước: cd {} && bangtin serve",
            "Created a new site in {}, with the plan's sections (Vietnamese and English): {}. Write a post: bangtin new bien-dao \"Title\". Preview: cd {} && bangtin serve",
            dir.display(),
            SECTIONS.iter().map(|s| s.slug).collect::<Vec<_>>().join(", "),
            dir.display()
        )
    );
    Ok(())
}

/// A working site with the bundled theme, in a new or empty folder; prints nothing, so the
/// double-click start can say its own next step (it starts the preview itself).
pub fn create_site(dir: &Path, lang: Lang) -> Result<(), String> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut r| r.next().is_some())
            .unwrap_or(true)
    {
        return Err(tr!(
            lang,
            "{} đã có và không trống; chọn một thư mục mới để không ghi đè lên tệp của bạn",
            "{} exists and is not empty; choose a new folder so none of your files are overwritten",
            dir.display()
        ));
    }
    let theme_dir = dir
        .join("themes")
        .join(site::load::theme::BUNDLED_THEME_NAME);
    copy_bundled(&site::load::theme::BUNDLED_THEME, &theme_dir, lang)?;
    create_new(
        &dir.join("config.toml"),
        r#"# Cấu hình trang web (site settings). Đổi base_url thành địa chỉ thật của trường.
title = "Trường Tiểu học"
description = "Trang thông tin của nhà trường"
base_url = "https://example.edu.vn"
default_language = "vi"
theme = "truong"

[languages.en]
title = "Primary School"
description = "News from our school"

[[taxonomies]]
name = "tags"

[[taxonomies]]
name = "chuyen_de"

[search]
enabled = true

[extra]
school_name = "Trường Tiểu học"
"#,
        lang,
    )?;
    create_new(&dir.join("content/_index.md"), "+++\ntitle = \"Trang chủ\"\nsort_by = \"date\"\npaginate_by = 10\n+++\n\nChào mừng đến với trang thông tin của nhà trường.\n", lang)?;
    create_new(&dir.join("content/_index.en.md"), "+++\ntitle = \"Home\"\nsort_by = \"date\"\npaginate_by = 10\n+++\n\nWelcome to our school's news site.\n", lang)?;
    for (i, sec) in SECTIONS.iter().enumerate() {
        let folder = dir.join("content").join(sec.slug);
        for (file, (title, description)) in [("_index.md", sec.vi), ("_index.en.md", sec.en)] {
            let text = format!(
                "+++\ntitle = \"{title}\"\ndescription = \"{description}\"\nsort_by = \"date\"\npaginate_by = 10\nweight = {}\n+++\n",
                i + 1
            );
            create_new(&folder.join(file), &text, lang)?;
        }
    }
    let today = chrono::Local::now().date_naive();
    let first = post_template("Bài viết đầu tiên", today).replace("draft = true\n", "");
    create_new(
        &dir.join("content/tin-tuc/bai-viet-dau-tien.md"),
        &first,
        lang,
    )?;
    fs::create_dir_all(dir.join("static")).map_err(|e| e.to_string())?;
    Ok(())
}
