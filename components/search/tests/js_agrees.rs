//! The browser script and the index builder must see words the same way: the same exact
//! form, the same folded form, the same word boundaries. Otherwise a word on the page could
//! not be found by typing it.

mod common;

use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Words and phrases that exercise tone placement, case, folding and odd letters.
const SAMPLES: &[&str] = &[
    "biển",
    "đảo",
    "BIỂN ĐẢO",
    "Biển Đảo",
    "biến",
    "biên",
    "hoà",
    "hòa",
    "HOÀ",
    "Hoà Bình",
    "thuỷ",
    "thủy",
    "THUỶ",
    "Thuỷ lợi",
    "khoẻ",
    "khỏe",
    "hoá học",
    "xoã",
    "luỹ tre",
    "tuỳ ý",
    "oà",
    "(thuỷ)",
    "hoà.",
    "hoà-bình",
    "hoàng",
    "hòang",
    "toán",
    "khuyến",
    "huỳnh",
    "ngoài",
    "khoảng",
    "xoáy",
    "quý",
    "quả",
    "Quỳ",
    "quẻ",
    "quỵ",
    "hoa",
    "thuy",
    "tuế",
    "người",
    "NGƯỜI",
    "giữ",
    "già",
    "gìn",
    "Trường Sa",
    "Hoàng Sa",
    "đường",
    "Đường",
    "ĐƯỜNG",
    "ăâêôơư",
    "ĂÂÊÔƠƯ",
    "àáảãạ",
    "ằắẳẵặ",
    "ầấẩẫậ",
    "èéẻẽẹ",
    "ềếểễệ",
    "ìíỉĩị",
    "òóỏõọ",
    "ồốổỗộ",
    "ờớởỡợ",
    "ùúủũụ",
    "ừứửữự",
    "ỳýỷỹỵ",
    "ÀÁẢÃẠ",
    "ỲÝỶỸỴ",
    "Café",
    "naïve",
    "Noël",
    "İstanbul",
    "Straße",
    "ǅ",
    "中文",
    "Ελληνικά",
    "Ωμέγα",
    "Москва",
    "йод",
    "2024",
    "TP.HCM",
    "can't",
    "3.14",
    "e-mail",
    "GD&ĐT",
    "53/PGDĐT",
    "a_b",
    "x",
    "",
    "uỷ ban",
    "ủy ban",
    "Tỉnh uỷ",
    "hoè",
    "loè loẹt",
    "khuya",
    "khuỷu",
];

fn js(requests: Vec<Value>) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    common::node(dir.path(), &Value::from(requests))
}

#[test]
fn exact_and_folded_forms_agree_with_rust() {
    let mut inputs: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
    // The same words typed in NFD (as macOS keyboards and some editors do).
    inputs.extend(SAMPLES.iter().map(|s| s.nfd().collect::<String>()));
    let answers = js(inputs.iter().map(|s| json!({ "norm": s })).collect());
    let mut wrong = Vec::new();
    for (input, a) in inputs.iter().zip(&answers) {
        let (lower, fold) = (
            search::text::lower(input),
            search::text::fold(&search::text::lower(input)),
        );
        let js_fold = a["fold"].as_str().expect("fold");
        // The script folds the exact form of each word, like the index.
        let js_fold_of_lower = &a["fold_lower"];
        if a["lower"] != lower.as_str() || js_fold_of_lower != fold.as_str() {
            wrong.push(format!(
                "{input:?}: rust ({lower:?}, {fold:?}) js ({}, {js_fold_of_lower})",
                a["lower"]
            ));
        }
        assert_eq!(
            js_fold,
            search::text::fold(input),
            "fold of {input:?} as written"
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

const TEXTS: &[&str] = &[
    "Biển đảo quê hương: Hoàng Sa, Trường Sa là của Việt Nam!",
    "Căn cứ Kế hoạch số 53/PGDĐT ngày 15/01/2024 của Phòng GD&ĐT.",
    "TP.HCM, e-mail: truong@example.edu.vn — “Em yêu biển” (lớp 4A).",
    "Năm 2024: 1.000 học sinh; 3,5 ha; can't; l'école; 10:30",
    "Hello, World… «Bonjour» 中文字 한국어 ελληνικά",
    "hoà-bình / thuỷ_lợi … ‘trích dẫn’",
];

fn check_boundaries(env: &[(&str, &str)]) {
    let mut inputs: Vec<String> = TEXTS.iter().map(|s| s.to_string()).collect();
    inputs.extend(TEXTS.iter().map(|s| s.nfd().collect::<String>()));
    let dir = tempfile::tempdir().expect("temp dir");
    let requests: Vec<Value> = inputs.iter().map(|s| json!({ "norm": s })).collect();
    let answers = common::node_env(dir.path(), &Value::from(requests), env);
    for (text, a) in inputs.iter().zip(&answers) {
        let rust: Vec<&str> = text.unicode_words().collect();
        assert_eq!(a["words"], json!(rust), "{text}");
    }
}

#[test]
fn word_boundaries_agree_with_rust() {
    check_boundaries(&[]);
}

#[test]
fn word_boundaries_agree_without_intl_segmenter() {
    // Browsers without Intl.Segmenter (Firefox before 125) use the script's regex.
    check_boundaries(&[("SEARCH_NO_SEGMENTER", "1")]);
}
