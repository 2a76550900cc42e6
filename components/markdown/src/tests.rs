//! Page-level tests of [`render`] with a small but real [`Host`].

use super::*;
use crate::text::count_words;
use serde_json::{Map, Value};

/// A site with two pages, a few shortcodes and one responsive image rule.
struct TestHost;

impl Host for TestHost {
    fn resolve_link(&self, target: &str) -> Option<String> {
        match target {
            "bien-dao/hoang-sa.md" => Some("/bien-dao/hoang-sa/".into()),
            "bien-dao/_index.md" => Some("/bien-dao/".into()),
            "anh/ban-do.jpg" => Some("/anh/ban-do.jpg".into()),
            _ => None,
        }
    }

    fn shortcode(
        &self,
        name: &str,
        args: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<String, String> {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        match name {
            "youtube" => match args.get("id").and_then(Value::as_str) {
                Some(id) => Ok(format!(
                    "<div class=\"video\" id=\"video-{id}\"><iframe src=\"https://www.youtube-nocookie.com/embed/{id}\" title=\"YouTube\"></iframe></div>"
                )),
                None => Err("missing argument id".into()),
            },
            "badge" => Ok(format!(
                "<span class=\"badge\">{}</span>",
                esc(args.get("text").and_then(Value::as_str).unwrap_or(""))
            )),
            "note" => Ok(format!("<aside class=\"note\">{}</aside>", esc(body.unwrap_or("")))),
            "url" => Ok("/tai-lieu/ke-hoach.pdf".into()),
            "args" => Ok(esc(&serde_json::to_string(args).map_err(|e| e.to_string())?)),
            other => Err(format!("no template shortcodes/{other}.html")),
        }
    }

    fn image(
        &self,
        src: &str,
        alt: &str,
        _title: &str,
        index: usize,
    ) -> Result<Option<String>, String> {
        if src.ends_with("hong.jpg") {
            return Err("file not found".into());
        }
        if let Some(stem) = src
            .strip_suffix(".jpg")
            .filter(|s| s.starts_with("/responsive/"))
        {
            return Ok(Some(format!(
                "<picture><source srcset=\"{stem}-800.webp\" type=\"image/webp\"><img src=\"{src}\" alt=\"{alt}\" data-index=\"{index}\"></picture>"
            )));
        }
        Ok(None)
    }
}

fn opts() -> Options {
    Options::default()
}

fn html(src: &str) -> String {
    render(src, &opts(), &TestHost).expect("renders").html
}

fn errors(src: &str) -> Vec<MdError> {
    render(src, &opts(), &TestHost).expect_err("should fail")
}

// ---------------------------------------------------------------- headings and TOC

#[test]
fn vietnamese_heading_ids() {
    let out = html("## Biển đảo Hoàng Sa, Trường Sa\n\n### Đường lên đỉnh núi\n");
    assert!(
        out.contains("<h2 id=\"bien-dao-hoang-sa-truong-sa\">Biển đảo Hoàng Sa, Trường Sa</h2>"),
        "{out}"
    );
    assert!(out.contains("<h3 id=\"duong-len-dinh-nui\">"), "{out}");
}

#[test]
fn nfd_heading_gets_the_same_id() {
    let nfc = html("# Hòa bình");
    let nfd = html("# Ho\u{0300}a bi\u{0300}nh");
    assert!(nfc.contains("id=\"hoa-binh\""), "{nfc}");
    assert!(nfd.contains("id=\"hoa-binh\""), "{nfd}");
}

#[test]
fn duplicate_headings_get_numbered_ids() {
    let r = render(
        "## Lịch sử\n\n## Lịch sử\n\n## Lịch sử\n",
        &opts(),
        &TestHost,
    )
    .unwrap();
    let ids: Vec<_> = r.toc.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["lich-su", "lich-su-1", "lich-su-2"]);
    assert_eq!(r.ids, ["lich-su", "lich-su-1", "lich-su-2"]);
}

#[test]
fn explicit_ids_win_and_generated_ids_avoid_them() {
    let r = render(
        "## Lịch sử\n\n## Khác {#lich-su}\n\n## Giới thiệu {#gioi-thieu .noi-bat}\n",
        &opts(),
        &TestHost,
    )
    .unwrap();
    let ids: Vec<_> = r.toc.iter().map(|h| h.id.as_str()).collect();
    // The second heading claims "lich-su" explicitly, so the first steps aside.
    assert_eq!(ids, ["lich-su-1", "lich-su", "gioi-thieu"]);
    assert!(
        r.html
            .contains("<h2 id=\"gioi-thieu\" class=\"noi-bat\">Giới thiệu</h2>"),
        "{}",
        r.html
    );
    assert_eq!(r.toc[2].title, "Giới thiệu");
}

#[test]
fn heading_without_letters_still_has_an_id() {
    let r = render("## !!!\n\n## ???\n", &opts(), &TestHost).unwrap();
    assert_eq!(r.ids, ["muc", "muc-1"]);
}

#[test]
fn toc_titles_are_plain_text_and_nested() {
    let src = "# Bài\n\n## Một *nhấn* `mã`\n\n### Một.1\n\n### Một.2\n\n#### Sâu\n\n## Hai [liên kết](https://a.vn)\n\n### Hai.1\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert_eq!(r.toc.len(), 1);
    let bai = &r.toc[0];
    assert_eq!(bai.level, 1);
    assert_eq!(bai.children.len(), 2);
    let mot = &bai.children[0];
    assert_eq!(mot.title, "Một nhấn mã");
    assert_eq!(mot.id, "mot-nhan-ma");
    assert_eq!(
        mot.children
            .iter()
            .map(|h| h.title.as_str())
            .collect::<Vec<_>>(),
        ["Một.1", "Một.2"]
    );
    assert_eq!(mot.children[1].children[0].title, "Sâu");
    assert_eq!(bai.children[1].title, "Hai liên kết");
    assert_eq!(bai.children[1].children[0].level, 3);
}

#[test]
fn toc_starting_deeper_keeps_later_shallower_headings_at_top() {
    let r = render("### Ba\n\n## Hai\n\n### Ba nữa\n", &opts(), &TestHost).unwrap();
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].title, "Ba");
    assert_eq!(r.toc[1].children[0].title, "Ba nữa");
}

// ---------------------------------------------------------------- summary

#[test]
fn summary_is_the_part_before_more() {
    let r = render(
        "Mở đầu **đậm**.\n\n<!-- more -->\n\nPhần sau.\n",
        &opts(),
        &TestHost,
    )
    .unwrap();
    assert_eq!(
        r.summary.as_deref(),
        Some("<p>Mở đầu <strong>đậm</strong>.</p>\n")
    );
    assert!(!r.html.contains("more"), "{}", r.html);
    assert!(r.html.contains("<p>Phần sau.</p>"));
    // The marker is not raw HTML to clean or report.
    assert!(r.removed_html.is_empty());
}

#[test]
fn summary_cut_inside_blocks_is_closed() {
    let r = render("- một\n- hai <!-- more --> ba\n- bốn\n", &opts(), &TestHost).unwrap();
    assert_eq!(
        r.summary.as_deref(),
        Some("<ul>\n<li>một</li>\n<li>hai </li>\n</ul>\n")
    );
    let r = render("> trích *dẫn <!-- more --> tiếp*\n", &opts(), &TestHost).unwrap();
    assert_eq!(
        r.summary.as_deref(),
        Some("<blockquote>\n<p>trích <em>dẫn </em></p>\n</blockquote>\n")
    );
}

#[test]
fn hugo_style_marker_and_crlf_sources() {
    let src = "# Tiêu đề\r\n\r\nMở đầu.\r\n\r\n<!--more-->\r\n\r\n{% note() %}\r\nGhi chú\r\n{% end %}\r\n\r\n[x](@/khong-co.md)\r\n";
    let errs = errors(src);
    assert_eq!(line_col(src, errs[0].offset), (11, 5));
    let ok = src.replace("@/khong-co.md", "@/bien-dao/hoang-sa.md");
    let r = render(&ok, &opts(), &TestHost).unwrap();
    assert_eq!(
        r.summary.as_deref(),
        Some("<h1>Tiêu đề</h1>\n<p>Mở đầu.</p>\n")
    );
    assert!(
        r.html.contains("<aside class=\"note\">Ghi chú</aside>"),
        "{}",
        r.html
    );
}

#[test]
fn serializes_for_templates() {
    let r = render("## Một\n\n### Hai\n", &opts(), &TestHost).unwrap();
    let v = serde_json::to_value(&r.toc).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"level": 2, "id": "mot", "title": "Một", "children": [
            {"level": 3, "id": "hai", "title": "Hai", "children": []}
        ]}])
    );
}

#[test]
fn summary_has_no_ids_or_footnote_marks() {
    let r = render(
        "## Giới thiệu\n\nMở đầu[^1].\n\n<!-- more -->\n\nSau.\n\n[^1]: Ghi chú.\n",
        &opts(),
        &TestHost,
    )
    .unwrap();
    assert_eq!(
        r.summary.as_deref(),
        Some("<h2>Giới thiệu</h2>\n<p>Mở đầu.</p>\n")
    );
    assert!(r.html.contains("<h2 id=\"gioi-thieu\">"));
}

#[test]
fn no_marker_no_summary() {
    assert_eq!(
        render("Chỉ một đoạn.\n", &opts(), &TestHost)
            .unwrap()
            .summary,
        None
    );
}

// ---------------------------------------------------------------- internal links

#[test]
fn internal_links_are_resolved() {
    let src = "Xem [Hoàng Sa](@/bien-dao/hoang-sa.md#lich-su) và [mục](@/bien-dao/_index.md).\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert!(
        r.html
            .contains("<a href=\"/bien-dao/hoang-sa/#lich-su\">Hoàng Sa</a>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<a href=\"/bien-dao/\">mục</a>"),
        "{}",
        r.html
    );
    assert_eq!(
        r.links,
        vec![
            InternalLink {
                target: "bien-dao/hoang-sa.md".into(),
                anchor: Some("lich-su".into()),
                offset: src.find("@/bien-dao/hoang-sa").unwrap(),
            },
            InternalLink {
                target: "bien-dao/_index.md".into(),
                anchor: None,
                offset: src.find("@/bien-dao/_index").unwrap(),
            },
        ]
    );
}

#[test]
fn percent_encoded_internal_links() {
    let r = render(
        "[a](@/bien-dao/ho%61ng-sa.md#l%E1%BB%8Bch-s%E1%BB%AD) [b](@/x%ZZ.md)\n",
        &opts(),
        &TestHost,
    );
    let errs = r.expect_err("x%ZZ.md does not exist");
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].kind,
        MdErrorKind::BrokenLink {
            target: "x%ZZ.md".into()
        }
    );
    let r = render(
        "[a](@/bien-dao/ho%61ng-sa.md#l%E1%BB%8Bch-s%E1%BB%AD)\n",
        &opts(),
        &TestHost,
    )
    .unwrap();
    assert_eq!(r.links[0].target, "bien-dao/hoang-sa.md");
    assert_eq!(r.links[0].anchor.as_deref(), Some("lịch-sử"));
    assert!(
        r.html
            .contains("href=\"/bien-dao/hoang-sa/#l%E1%BB%8Bch-s%E1%BB%AD\""),
        "{}",
        r.html
    );
}

#[test]
fn reference_links_and_images_resolve_too() {
    let src = "[bài][hs] ![bản đồ](@/anh/ban-do.jpg)\n\n[hs]: @/bien-dao/hoang-sa.md\n";
    let out = html(src);
    assert!(
        out.contains("<a href=\"/bien-dao/hoang-sa/\">bài</a>"),
        "{out}"
    );
    assert!(
        out.contains("<img src=\"/anh/ban-do.jpg\" alt=\"bản đồ\" decoding=\"async\">"),
        "{out}"
    );
}

#[test]
fn missing_internal_link_is_an_error_with_its_position() {
    let src = "# Tiêu đề\n\nĐọc thêm về [Trường Sa](@/bien-dao/truong-sa.md#dao).\n";
    let errs = errors(src);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].kind,
        MdErrorKind::BrokenLink {
            target: "bien-dao/truong-sa.md".into()
        }
    );
    assert_eq!(line_col(src, errs[0].offset), (3, 25));
    assert!(errs[0]
        .message(Lang::Vi)
        .contains("@/bien-dao/truong-sa.md"));
}

#[test]
fn all_errors_of_a_page_are_reported() {
    let src =
        "[a](@/khong-co.md)\n\n{{ khong_co() }}\n\n[b](@/cung-khong.md)\n\n![x](/anh/hong.jpg)\n";
    let errs = errors(src);
    let kinds: Vec<_> = errs.iter().map(|e| &e.kind).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(matches!(kinds[0], MdErrorKind::BrokenLink { target } if target == "khong-co.md"));
    assert!(matches!(kinds[1], MdErrorKind::ShortcodeFailed { name, .. } if name == "khong_co"));
    assert!(matches!(kinds[2], MdErrorKind::BrokenLink { target } if target == "cung-khong.md"));
    assert!(matches!(kinds[3], MdErrorKind::ImageFailed { src, .. } if src == "/anh/hong.jpg"));
    assert_eq!(line_col(src, errs[1].offset), (3, 1));
    assert_eq!(line_col(src, errs[2].offset), (5, 5));
    assert_eq!(line_col(src, errs[3].offset), (7, 1));
}

// ---------------------------------------------------------------- shortcodes

#[test]
fn inline_shortcode_stays_inside_its_paragraph() {
    let out = html("Tin {{ badge(text=\"mới\") }} hôm nay.\n");
    assert_eq!(
        out,
        "<p>Tin <span class=\"badge\">mới</span> hôm nay.</p>\n"
    );
}

#[test]
fn shortcode_alone_on_its_line_is_not_wrapped_in_p() {
    let out = html("Trước.\n{{ youtube(id=\"abc\") }}\nSau.\n");
    assert_eq!(
        out,
        "<p>Trước.</p>\n<div class=\"video\" id=\"video-abc\"><iframe src=\"https://www.youtube-nocookie.com/embed/abc\" title=\"YouTube\"></iframe></div>\n<p>Sau.</p>\n"
    );
}

#[test]
fn block_shortcode_gets_raw_body() {
    let src = "Mở đầu\n\n{% note() %}\nGhi **chú** <b>\n{% end %}\n\nKết.\n";
    let out = html(src);
    assert_eq!(
        out,
        "<p>Mở đầu</p>\n<aside class=\"note\">Ghi **chú** &lt;b&gt;</aside>\n<p>Kết.</p>\n"
    );
}

#[test]
fn block_shortcode_inside_a_list_item_stays_in_it() {
    let out = html("- một\n  {% note() %}ghi chú{% end %}\n- hai\n");
    assert!(
        out.contains("<li>\n<p>một</p>\n<aside class=\"note\">ghi chú</aside></li>"),
        "{out}"
    );
    assert!(out.contains("<li>\n<p>hai</p>\n</li>"), "{out}");
}

#[test]
fn block_shortcode_inside_a_quote() {
    let out = html("> Trích:\n> {% note() %}x{% end %}\n> tiếp\n");
    assert!(out.starts_with("<blockquote>\n<p>Trích:</p>\n<aside class=\"note\">x</aside>\n<p>tiếp</p>\n</blockquote>"), "{out}");
}

#[test]
fn nested_block_shortcodes_pair_up() {
    let out = html("{% note() %}a {% note() %}b{% end %} c{% end %}\n");
    assert_eq!(
        out,
        "<aside class=\"note\">a {% note() %}b{% end %} c</aside>"
    );
}

#[test]
fn shortcodes_in_table_cells_and_emphasis() {
    let out = html("| Lớp | Tin |\n|---|---|\n| 4A | {{ badge(text=\"mới\") }} |\n\n*{{ badge(text=\"x\") }}*\n");
    assert!(
        out.contains("<td><span class=\"badge\">mới</span></td>"),
        "{out}"
    );
    assert!(
        out.contains("<p><em><span class=\"badge\">x</span></em></p>"),
        "{out}"
    );
}

#[test]
fn block_shortcode_in_the_middle_of_text_is_inline() {
    let out = html("Chữ {% note() %}x{% end %} chữ.\n");
    assert_eq!(out, "<p>Chữ <aside class=\"note\">x</aside> chữ.</p>\n");
}

#[test]
fn shortcode_arguments_reach_the_host() {
    let out = html("{{ args(key=\"v\", n=3, flag=true, list=[\"a\",\"b\"]) }}\n");
    assert_eq!(
        out,
        "{&quot;flag&quot;:true,&quot;key&quot;:&quot;v&quot;,&quot;list&quot;:[&quot;a&quot;,&quot;b&quot;],&quot;n&quot;:3}"
            .replace("&quot;", "\"")
    );
}

#[test]
fn shortcodes_in_code_are_left_alone() {
    let src = "Viết `{{ youtube(id=\"x\") }}` để nhúng.\n\n```\n{% note() %}\n{{ badge() }}\n```\n\n    {{ badge() }}\n";
    let out = html(src);
    assert!(
        out.contains("<code>{{ youtube(id=\"x\") }}</code>"),
        "{out}"
    );
    assert!(
        out.contains("{% note() %}\n{{ badge() }}\n</code></pre>"),
        "{out}"
    );
    assert!(
        out.contains("<pre class=\"code\"><code>{{ badge() }}\n</code></pre>"),
        "{out}"
    );
    assert!(!out.contains("class=\"badge\""), "{out}");
}

#[test]
fn end_inside_code_does_not_close_a_block() {
    let out = html("{% note() %}\n```\n{% end %}\n```\n{% end %}\n");
    assert_eq!(out, "<aside class=\"note\">```\n{% end %}\n```</aside>");
}

#[test]
fn escaped_shortcodes_are_written_literally() {
    let out = html("Cú pháp: {{/* youtube(id=\"x\") */}} và {%/* note() */%}.\n");
    assert_eq!(
        out,
        "<p>Cú pháp: {{ youtube(id=\"x\") }} và {% note() %}.</p>\n"
    );
}

#[test]
fn curly_braces_that_are_not_shortcodes_are_text() {
    let out = html("Tập hợp {{1, 2}} và {% raw %} và {{ ten }}.\n");
    assert_eq!(out, "<p>Tập hợp {{1, 2}} và {% raw %} và {{ ten }}.</p>\n");
}

#[test]
fn shortcode_in_a_link_address() {
    let out = html("[Kế hoạch]({{ url() }})\n");
    assert_eq!(
        out,
        "<p><a href=\"/tai-lieu/ke-hoach.pdf\">Kế hoạch</a></p>\n"
    );
}

#[test]
fn shortcode_syntax_errors_point_at_the_problem() {
    let src = "Dòng một.\n\n{{ youtube(id=\"abc\" start=10) }}\n";
    let errs = errors(src);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].kind,
        MdErrorKind::ShortcodeSyntax {
            name: "youtube".into(),
            problem: SyntaxProblem::CommaOrParen
        }
    );
    assert_eq!(line_col(src, errs[0].offset), (3, 21));

    let errs = errors("{{ youtube(id=\"abc\") }\n");
    assert!(matches!(
        errs[0].kind,
        MdErrorKind::ShortcodeSyntax {
            problem: SyntaxProblem::CloseInline,
            ..
        }
    ));
    let errs = errors("{% note(a=) %}x{% end %}\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(matches!(
        errs[0].kind,
        MdErrorKind::ShortcodeSyntax {
            problem: SyntaxProblem::Value,
            ..
        }
    ));
}

#[test]
fn unclosed_block_and_stray_end_are_errors() {
    let src = "Một.\n\n{% note() %}\nkhông đóng\n";
    let errs = errors(src);
    assert_eq!(
        errs[0].kind,
        MdErrorKind::UnclosedShortcode {
            name: "note".into()
        }
    );
    assert_eq!(line_col(src, errs[0].offset), (3, 1));

    let src = "Một.\n{% end %}\n";
    let errs = errors(src);
    assert_eq!(errs[0].kind, MdErrorKind::StrayEnd);
    assert_eq!(line_col(src, errs[0].offset), (2, 1));
}

#[test]
fn host_errors_become_page_errors() {
    let errs = errors("{{ youtube() }}\n");
    assert_eq!(
        errs[0].kind,
        MdErrorKind::ShortcodeFailed {
            name: "youtube".into(),
            message: "missing argument id".into()
        }
    );
    assert!(errs[0].message(Lang::En).contains("missing argument id"));
}

#[test]
fn offsets_after_shortcodes_map_back_to_the_source() {
    let src =
        "{% note() %}\nmột\nhai\n{% end %}\nChữ {{ badge(text=\"x\") }} rồi [x](@/khong-co.md)\n";
    let errs = errors(src);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].offset, src.find("@/khong-co").unwrap());
    assert_eq!(line_col(src, errs[0].offset), (5, 35));
}

#[test]
fn shortcode_output_is_not_sanitized() {
    // The page has raw HTML, so it goes through the cleaner; the iframe from the
    // shortcode must survive, the author's script must not.
    let r = render(
        "<script>x()</script>\n\n{{ youtube(id=\"abc\") }}\n",
        &opts(),
        &TestHost,
    )
    .unwrap();
    assert!(
        r.html
            .contains("<iframe src=\"https://www.youtube-nocookie.com/embed/abc\""),
        "{}",
        r.html
    );
    assert!(!r.html.contains("<script"), "{}", r.html);
    assert!(r.ids.contains(&"video-abc".to_string()));
}

#[test]
fn placeholder_characters_are_found_by_their_bytes() {
    assert!(!has_placeholder_chars(""));
    assert!(!has_placeholder_chars("Biển đảo Hoàng Sa, Trường Sa"));
    assert!(!has_placeholder_chars("a\u{E002}b\u{EFFF}"));
    assert!(has_placeholder_chars("\u{E000}"));
    assert!(has_placeholder_chars("cuối\u{E001}"));
    assert!(has_placeholder_chars("\u{E002}ệ\u{E001}"));
}

#[test]
fn private_use_characters_in_the_source_are_not_taken_for_placeholders() {
    let out = html("a \u{E000}0\u{E001} b {{ badge(text=\"x\") }}\n");
    assert_eq!(
        out,
        "<p>a \u{FFFD}0\u{FFFD} b <span class=\"badge\">x</span></p>\n"
    );
}

// ---------------------------------------------------------------- raw HTML

#[test]
fn script_and_event_handlers_are_removed_and_reported() {
    let src = "Chào.\n\n<div onclick=\"steal()\" class=\"hop\">Nội dung</div>\n\nA <script>alert(1)</script> B\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert!(!r.html.contains("onclick"), "{}", r.html);
    assert!(!r.html.contains("alert"), "{}", r.html);
    assert!(
        r.html.contains("<div class=\"hop\">Nội dung</div>"),
        "{}",
        r.html
    );
    assert_eq!(
        r.removed_html,
        vec![
            Removed {
                offset: src.find("onclick").unwrap(),
                snippet: "onclick=\"steal()\"".into()
            },
            Removed {
                offset: src.find("<script").unwrap(),
                snippet: "<script>".into()
            },
        ]
    );
    assert!(r.removed_html[0].message(Lang::Vi).contains("unsafe_html"));
    // Script code is not part of the page's words.
    assert_eq!(words(&r.text), "Chào. Nội dung A B");
}

#[test]
fn removals_in_multi_line_html_blocks_point_at_the_right_line() {
    let src = "> <div>\n> <p onclick=\"x()\">a</p>\n> </div>\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert_eq!(r.removed_html.len(), 1);
    assert_eq!(r.removed_html[0].offset, src.find("onclick").unwrap());
    assert_eq!(line_col(src, r.removed_html[0].offset), (2, 6));
    assert!(!r.html.contains("onclick"));
}

#[test]
fn allowed_raw_html_survives_cleaning() {
    let src = "<details>\n<summary>Xem thêm</summary>\n\nNội dung *ẩn*.\n\n</details>\n\n<figure><img src=\"/a.jpg\" alt=\"A\"><figcaption>Chú thích</figcaption></figure>\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert!(r.removed_html.is_empty(), "{:?}", r.removed_html);
    assert!(
        r.html.contains(
            "<details>\n<summary>Xem thêm</summary>\n<p>Nội dung <em>ẩn</em>.</p>\n</details>"
        ),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<figcaption>Chú thích</figcaption>"),
        "{}",
        r.html
    );
}

#[test]
fn iframe_is_not_allowed_in_raw_html() {
    let src = "<iframe src=\"https://evil.example\"></iframe>\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert!(!r.html.contains("iframe"), "{}", r.html);
    assert_eq!(r.removed_html.len(), 1);
    assert_eq!(r.removed_html[0].offset, 0);
}

#[test]
fn unsafe_html_passes_through() {
    let o = Options {
        unsafe_html: true,
        ..opts()
    };
    let src = "<div onclick=\"x()\"><script>y()</script></div>\n\n[l](javascript:z())\n";
    let r = render(src, &o, &TestHost).unwrap();
    assert!(
        r.html
            .contains("<div onclick=\"x()\"><script>y()</script></div>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("href=\"javascript:z()\""), "{}", r.html);
    assert!(r.removed_html.is_empty());
}

#[test]
fn javascript_links_in_markdown_are_neutralised() {
    let src = "[bấm](javascript:alert(1)) [ổn](https://vnexpress.net)\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert!(r.html.contains("<a href=\"#\">bấm</a>"), "{}", r.html);
    assert!(
        r.html.contains("<a href=\"https://vnexpress.net\">ổn</a>"),
        "{}",
        r.html
    );
    assert_eq!(r.removed_html.len(), 1);
    assert_eq!(r.removed_html[0].snippet, "javascript:alert(1)");
}

#[test]
fn pages_without_raw_html_are_not_reparsed() {
    // No raw HTML: pulldown-cmark's output is kept byte for byte (XHTML-style <br />).
    let out = html("a  \nb\n");
    assert_eq!(out, "<p>a<br />\nb</p>\n");
}

#[test]
fn cleaned_pages_keep_markdown_features() {
    let src = "<b>x</b>\n\n## Tiêu đề\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] xong\n\nChú thích[^1].\n\n[^1]: Nguồn.\n\n```python\nx = 1\n```\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert!(r.removed_html.is_empty(), "{:?}", r.removed_html);
    for needle in [
        "<h2 id=\"tieu-de\">",
        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Bảng 1\">",
        "<th scope=\"col\" class=\"align-left\">a</th>",
        "<td class=\"align-right\">2</td>",
        "<input type=\"checkbox\" disabled checked>",
        "<sup class=\"footnote-reference\" id=\"fnref-1\"><a href=\"#fn-1\">1</a></sup>",
        "<div class=\"footnote-definition\" id=\"fn-1\">",
        "<pre class=\"code\" data-lang=\"python\"><code><span class=\"hl-source hl-python\">",
    ] {
        assert!(r.html.contains(needle), "missing {needle} in {}", r.html);
    }
}

// ---------------------------------------------------------------- code

#[test]
fn fenced_code_is_highlighted_with_classes() {
    let out = html("```python\ndef chao():\n    print(\"Xin chào\")\n```\n");
    assert!(
        out.starts_with(
            "<pre class=\"code\" data-lang=\"python\"><code><span class=\"hl-source hl-python\">"
        ),
        "{out}"
    );
    assert!(
        out.contains("<span class=\"hl-storage hl-type hl-function hl-python\">def</span>"),
        "{out}"
    );
    assert!(!out.contains("style="), "{out}");
}

#[test]
fn code_without_highlighting_or_language_is_plain() {
    let o = Options {
        highlight: false,
        ..opts()
    };
    let r = render("```python\nx = \"<a>\"\n```\n", &o, &TestHost).unwrap();
    assert_eq!(
        r.html,
        "<pre class=\"code\" data-lang=\"python\"><code>x = &quot;&lt;a&gt;&quot;\n</code></pre>\n"
    );
    let out = html("```khong-ro\n<a>\n```\n");
    assert_eq!(
        out,
        "<pre class=\"code\" data-lang=\"khong-ro\"><code>&lt;a&gt;\n</code></pre>\n"
    );
}

// ---------------------------------------------------------------- GFM extensions

#[test]
fn footnotes() {
    let src =
        "Câu một[^nguon] và hai[^2], lại một[^nguon].\n\n[^nguon]: Sách giáo khoa.\n[^2]: Báo.\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert!(r.html.contains("<sup class=\"footnote-reference\" id=\"fnref-nguon\"><a href=\"#fn-nguon\">1</a></sup>"), "{}", r.html);
    assert!(
        r.html
            .contains("<sup class=\"footnote-reference\"><a href=\"#fn-nguon\">1</a></sup>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<div class=\"footnote-definition\" id=\"fn-nguon\"><sup class=\"footnote-definition-label\">1</sup>"), "{}", r.html);
    assert!(
        r.html
            .contains("id=\"fn-2\"><sup class=\"footnote-definition-label\">2</sup>"),
        "{}",
        r.html
    );
    assert_eq!(r.ids, ["fnref-nguon", "fnref-2", "fn-nguon", "fn-2"]);
}

#[test]
fn task_lists() {
    let out = html("- [x] Nộp bài\n- [ ] Ôn tập\n");
    assert_eq!(
        out,
        "<ul>\n<li><input type=\"checkbox\" disabled checked> Nộp bài</li>\n<li><input type=\"checkbox\" disabled> Ôn tập</li>\n</ul>\n"
    );
}

#[test]
fn tables_scroll_and_have_column_headers() {
    let o = Options {
        lang: Lang::En,
        ..opts()
    };
    let r = render("| Lớp | Sĩ số |\n|---|:-:|\n| 4A | 35 |\n", &o, &TestHost).unwrap();
    assert_eq!(
        r.html,
        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table 1\">\n<table>\n<thead>\n<tr><th scope=\"col\">Lớp</th><th scope=\"col\" class=\"align-center\">Sĩ số</th></tr>\n</thead>\n<tbody>\n<tr><td>4A</td><td class=\"align-center\">35</td></tr>\n</tbody>\n</table>\n</div>\n"
    );
    assert_eq!(words(&r.text), "Lớp Sĩ số 4A 35");
}

#[test]
fn strikethrough_and_smart_punctuation() {
    assert_eq!(html("~~cũ~~ mới\n"), "<p><del>cũ</del> mới</p>\n");
    let o = Options {
        smart_punctuation: true,
        ..opts()
    };
    let r = render("\"Xin chào\" -- em...\n", &o, &TestHost).unwrap();
    assert_eq!(r.html, "<p>“Xin chào” – em…</p>\n");
    assert_eq!(html("\"a\"\n"), "<p>\"a\"</p>\n");
}

// ---------------------------------------------------------------- images

#[test]
fn images_default_to_lazy_loading_after_the_first() {
    let out =
        html("![Lễ khai giảng](/anh/1.jpg \"Năm học mới\")\n\n![Sân trường *đẹp*](/anh/2.jpg)\n");
    assert!(out.contains("<img src=\"/anh/1.jpg\" alt=\"Lễ khai giảng\" title=\"Năm học mới\" decoding=\"async\">"), "{out}");
    assert!(
        out.contains(
            "<img src=\"/anh/2.jpg\" alt=\"Sân trường đẹp\" loading=\"lazy\" decoding=\"async\">"
        ),
        "{out}"
    );
}

#[test]
fn host_can_replace_images() {
    let out = html("![a](/anh/0.jpg) ![Bản đồ](/responsive/ban-do.jpg)\n");
    assert!(out.contains("<picture><source srcset=\"/responsive/ban-do-800.webp\" type=\"image/webp\"><img src=\"/responsive/ban-do.jpg\" alt=\"Bản đồ\" data-index=\"1\"></picture>"), "{out}");
}

// ---------------------------------------------------------------- text, ids

#[test]
fn plain_text_and_word_count_skip_markup_and_code() {
    let src = "# Biển đảo\n\nEm **yêu** biển,\nyêu `đảo`.\n\n```python\nkhong_dem = 1\n```\n\n- một\n- hai\n\n<p>Chữ <b>HTML</b></p>\n\n{{ badge(text=\"không đếm\") }}\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert_eq!(
        words(&r.text),
        "Biển đảo Em yêu biển, yêu đảo. một hai Chữ HTML"
    );
    assert_eq!(r.word_count, 11);
}

#[test]
fn ids_cover_headings_footnotes_raw_html_and_shortcodes() {
    let src = "## A {#rieng}\n\n## B\n\nx[^n]\n\n[^n]: y\n\n<span id=\"moc\">z</span>\n\n{{ youtube(id=\"v1\") }}\n";
    let r = render(src, &opts(), &TestHost).unwrap();
    assert_eq!(r.ids, ["rieng", "b", "fnref-n", "fn-n", "moc", "video-v1"]);
}

#[test]
fn words_are_counted_like_split_whitespace() {
    for s in [
        "",
        "   ",
        "một",
        " Biển  đảo\tquê\nhương ",
        "a\u{00A0}b\u{2003}c\u{3000}d\u{0085}e\u{1680}f\u{202F}g",
        "Việt Nam ưu tiên dùng hàng Việt\u{200B}Nam",
        "ẻẽẹ ỳỷỹ ờởỡ",
    ] {
        assert_eq!(count_words(s), s.split_whitespace().count(), "{s:?}");
    }
}

#[test]
fn words_are_counted_like_split_whitespace_on_random_text() {
    let mixed: &[&str] = &[
        "a", "ế", "Việt", " ", "  ", "\n", "\t ", "\u{00A0}", "\u{2003}", "\u{3000}", "đ", "x y",
        "\u{201C}", "\u{1680}", "\u{0085}", "\u{000B}", "©",
    ];
    // Mostly words one space apart, as page text is: long clean stretches.
    let prose: &[&str] = &[
        "biển ",
        "đảo ",
        "Hoàng Sa ",
        "Trường Sa ",
        "quê hương ",
        "ệ",
        "  ",
        "\n",
        "\u{00A0}",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..4000 {
        let pieces = if round % 2 == 0 { mixed } else { prose };
        let mut s = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        for _ in 0..(seed >> 57) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        assert_eq!(count_words(&s), s.split_whitespace().count(), "{s:?}");
    }
}

#[test]
fn id_written_in_text_is_not_an_id() {
    let r = render(
        "Viết id=\"gia\" trong <b id=\"that\">HTML</b>.\n",
        &opts(),
        &TestHost,
    )
    .unwrap();
    assert_eq!(r.ids, ["that"]);
}

#[test]
fn render_is_usable_from_many_threads() {
    std::thread::scope(|s| {
        for i in 0..4 {
            s.spawn(move || {
                let src = format!("## Bài {i}\n\n```rust\nfn main() {{}}\n```\n\n<b>x</b>\n");
                let r = render(&src, &opts(), &TestHost).unwrap();
                assert!(r.html.contains(&format!("id=\"bai-{i}\"")));
                assert!(r.html.contains("hl-source"));
            });
        }
    });
}

#[test]
fn never_panics_on_odd_input() {
    // Deterministic pseudo-random pages made of the pieces the parsers care about.
    const PIECES: &[&str] = &[
        "{{",
        "{%",
        "}}",
        "%}",
        "(",
        ")",
        "=",
        "\"",
        "'",
        "`",
        "```\n",
        "~~~",
        "<",
        ">",
        "</",
        "script",
        "end",
        "note",
        "badge",
        "youtube",
        "id",
        "@/",
        "bien-dao/hoang-sa.md",
        "#",
        "[",
        "]",
        "![",
        "](",
        "\n",
        "\n\n",
        " ",
        "    ",
        "> ",
        "- ",
        "1. ",
        "| a |",
        "|---|",
        "ệ",
        "Đ",
        "*",
        "_",
        "<!-- more -->",
        "[^1]",
        "[^1]: ",
        "{#x}",
        "\r\n",
        "&amp;",
        "/*",
        "*/",
        ",",
        "[x] ",
        "\u{E000}",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..1500 {
        let len = (next() % 40) as usize;
        let page: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        for o in [
            opts(),
            Options {
                unsafe_html: true,
                ..opts()
            },
        ] {
            match render(&page, &o, &TestHost) {
                Ok(r) => {
                    assert_eq!(r.word_count, r.text.split_whitespace().count());
                    assert!(
                        !r.html.contains(placeholder::PH_OPEN),
                        "{page:?} -> {}",
                        r.html
                    );
                    for l in &r.links {
                        assert!(page[l.offset..].starts_with("@/"), "{page:?} {l:?}");
                    }
                }
                Err(errs) => {
                    assert!(!errs.is_empty());
                    for e in &errs {
                        assert!(e.offset <= page.len(), "{page:?} {e:?}");
                        let _ = line_col(&page, e.offset);
                        assert!(!e.message(Lang::En).is_empty());
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- full page

#[test]
fn full_page_snapshot() {
    let src = r#"Trường Tiểu học Bình An tổ chức **Tuần lễ biển đảo**.

<!-- more -->

## Hoạt động chính

1. Thi vẽ tranh "Biển đảo quê hương"
2. Kể chuyện về [Hoàng Sa](@/bien-dao/hoang-sa.md#lich-su)

{{ youtube(id="abc123") }}

### Kết quả

| Lớp | Giải |
|-----|-----:|
| 5A  | Nhất |

{% note() %}
Phụ huynh vui lòng *đón con* lúc 16 giờ.
{% end %}

![Học sinh lớp 5A](/anh/5a.jpg)

> Biển đảo là máu thịt của Tổ quốc.[^1]

[^1]: Lời thầy hiệu trưởng.
"#;
    let r = render(src, &opts(), &TestHost).unwrap();
    insta::assert_snapshot!("full_page_html", r.html);
    insta::assert_debug_snapshot!(
        "full_page_rest",
        (&r.summary, &r.toc, &r.ids, &r.links, &r.text, r.word_count)
    );
}

// ---------------------------------------------------------------- speed

/// Renders every `.md` file under `$BANGTIN_MD_CORPUS` (for example a corpus made by the
/// benchmark generator) and prints the time per page.
/// Run: `BANGTIN_MD_CORPUS=dir cargo test -p markdown --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_corpus() {
    let Some(dir) = std::env::var_os("BANGTIN_MD_CORPUS") else {
        eprintln!("set BANGTIN_MD_CORPUS to a folder of Markdown pages");
        return;
    };
    let mut pages = Vec::new();
    let mut todo = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("corpus folder").flatten() {
            let p = entry.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&p).expect("utf-8 page");
                // Drop the `+++` front matter: only the body is Markdown.
                let body = match text.strip_prefix("+++") {
                    Some(rest) => rest
                        .find("\n+++")
                        .map_or(rest, |e| &rest[e + 4..])
                        .to_string(),
                    None => text,
                };
                // BANGTIN_MD_RAW=1 adds raw HTML to every page, to time the cleaner.
                if std::env::var_os("BANGTIN_MD_RAW").is_some() {
                    pages.push(format!("<p class=\"x\">Chào</p>\n\n{body}"));
                } else {
                    pages.push(body);
                }
            }
        }
    }
    assert!(!pages.is_empty(), "no .md files in the corpus folder");
    struct BenchHost;
    impl Host for BenchHost {
        fn resolve_link(&self, target: &str) -> Option<String> {
            Some(format!("/{}", target.trim_end_matches(".md")))
        }
        fn shortcode(
            &self,
            name: &str,
            _: &Map<String, Value>,
            _: Option<&str>,
        ) -> Result<String, String> {
            Ok(format!("<div class=\"{name}\"></div>"))
        }
        fn image(&self, _: &str, _: &str, _: &str, _: usize) -> Result<Option<String>, String> {
            Ok(None)
        }
    }
    let rounds: u32 = std::env::var("BANGTIN_MD_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    // BANGTIN_MD_ONLY=plain times only rendering without highlighting (for profilers).
    let only_plain = std::env::var("BANGTIN_MD_ONLY").is_ok_and(|v| v == "plain");
    if !only_plain {
        // Warm up (loads the syntax set once, as a real build would).
        let _ = render("```python\nx = 1\n```\n", &opts(), &BenchHost);
    }
    let start = std::time::Instant::now();
    let mut words = 0;
    for _ in 0..if only_plain { 0 } else { rounds } {
        for p in &pages {
            words += render(p, &opts(), &BenchHost)
                .expect("corpus renders")
                .word_count;
        }
    }
    let per_page = start.elapsed() / (rounds as usize * pages.len()) as u32;
    let plain_opts = Options {
        highlight: false,
        ..opts()
    };
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for p in &pages {
            render(p, &plain_opts, &BenchHost).expect("corpus renders");
        }
    }
    let no_highlight = start.elapsed() / (rounds as usize * pages.len()) as u32;
    eprintln!("without highlighting: {no_highlight:?} per page");
    // For comparison: plain pulldown-cmark with the same extensions, nothing else.
    let start = std::time::Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        for p in &pages {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, Parser::new_ext(p, md_options(&opts())));
            bytes += html.len();
        }
    }
    let baseline = start.elapsed() / (rounds as usize * pages.len()) as u32;
    eprintln!(
        "{} pages x {rounds}: {:?} per page on one core ({} words per page); bare pulldown-cmark: {:?} ({} bytes)",
        pages.len(),
        per_page,
        words / (rounds as usize * pages.len()),
        baseline,
        bytes / (rounds as usize * pages.len())
    );
}

/// The words of a plain text, one space apart.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
