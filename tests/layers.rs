//! The import graph of every crate of the workspace: no circle between the files of a crate,
//! and in the crates of the build's stages no import that points up: `components/content`
//! (util -> diag -> config -> load -> model) and `components/site` over it (render -> write ->
//! pipeline, then fresh and session; see docs/ARCHITECTURE.md). Between the two crates Cargo
//! itself keeps the order: `site` depends on `content`, so nothing in `content` can name them.
//!
//! The graph is read from the sources: `crate::a::b` paths (in `use` lines and in code),
//! `super::x` paths, and `use child::...` of a module's own submodules; test modules
//! (`#[cfg(test)] mod ... {`) and comments are left out, since tests may look anywhere.
//! Run it alone with `cargo test --test layers`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module: its path from the crate root (`["render", "jobs"]`; empty for lib.rs/main.rs).
type Module = Vec<String>;

/// The crates of the build's stages, lowest first, each with its layers, lowest first: a module
/// may import from its own layer's lower files and from lower layers only. Top-level modules
/// not named here fail the test, so a new one must be given its place. `site` re-exports
/// `content`'s modules (`crate::load::...` still works there): those names are no files of
/// `site` and need no layer.
const STAGED_CRATES: &[(&str, &[&[&str]])] = &[
    (
        "content",
        &[&["util", "diag"], &["config"], &["load"], &["model"]],
    ),
    (
        "site",
        &[
            &["util"],
            &["render"],
            &["write"],
            &["options"],
            &["pipeline"],
            &["fresh"],
            &["session"],
        ],
    ),
];

/// The workspace's root folder.
fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every crate's `src` folder: `src/` of the binary and `components/*/src`.
fn crate_sources() -> Vec<(String, PathBuf)> {
    let root = workspace();
    let mut out = vec![("bangtin".to_string(), root.join("src"))];
    let mut comps: Vec<_> = fs::read_dir(root.join("components"))
        .expect("components/ is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("src").is_dir())
        .collect();
    comps.sort();
    for c in comps {
        let name = c
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        out.push((name, c.join("src")));
    }
    out
}

/// Every `.rs` file under `src`, by module.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir)
            .expect("source folder is readable")
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p.strip_prefix(src).unwrap_or(&p).with_extension("");
            let mut m: Module = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if m.last().is_some_and(|l| l == "mod") {
                m.pop();
            }
            if m == ["lib"] || m == ["main"] {
                m.clear();
            }
            // A file of `src/bin/` is a crate of its own: its imports are not this crate's.
            if m.first().is_some_and(|f| f == "bin") {
                continue;
            }
            out.insert(m, p);
        }
    }
    out
}

/// The text without comments and without `#[cfg(test)]` modules (brace-matched).
fn code_of(text: &str) -> String {
    let no_comments: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = String::new();
    let mut rest = no_comments.as_str();
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let is_mod = after["#[cfg(test)]".len()..]
            .trim_start()
            .starts_with("mod ");
        let Some(open) = after.find('{').filter(|_| is_mod) else {
            out.push_str("#[cfg(test)]");
            rest = &after["#[cfg(test)]".len()..];
            continue;
        };
        let mut depth = 0usize;
        let mut end = after.len();
        for (k, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The paths a file names, as segments from the crate root: `crate::a::b`, `super::x`, the
/// groups of `use crate::{a, b::c}`, and `use child::...` of the module's own submodules.
fn named_paths(module: &Module, code: &str, all: &BTreeMap<Module, PathBuf>) -> Vec<Module> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let segments = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = s;
        loop {
            let id = ident(rest);
            if id.is_empty() {
                break;
            }
            rest = &rest[id.len()..];
            out.push(id);
            match rest.strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        out
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                out.push(segments(item.trim()));
            }
        } else {
            out.push(segments(rest));
        }
    }
    for (i, _) in code.match_indices("super::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut base = module.clone();
        base.pop();
        let rest = &code[i + "super::".len()..];
        let mut names = Vec::new();
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            names.extend(inner.split(',').map(|s| segments(s.trim())));
        } else {
            names.push(segments(rest));
        }
        for n in names {
            let mut p = base.clone();
            p.extend(n);
            out.push(p);
        }
    }
    // `use child::x` / `pub use child::x` of a submodule of this module.
    for line in code.lines() {
        let t = line.trim_start();
        let Some(rest) = t
            .strip_prefix("pub use ")
            .or_else(|| t.strip_prefix("use "))
        else {
            continue;
        };
        let segs = segments(rest);
        if let Some(first) = segs.first() {
            let mut child = module.clone();
            child.push(first.clone());
            if all.contains_key(&child) {
                let mut p = module.clone();
                p.extend(segs);
                out.push(p);
            }
        }
    }
    out
}

/// Module -> the other modules of the crate it imports from (the longest module prefix of
/// each named path).
fn graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mods = modules(src);
    let mut g = BTreeMap::new();
    for (m, path) in &mods {
        let text = fs::read_to_string(path).expect("source file is readable");
        let code = code_of(&text);
        let mut edges = BTreeSet::new();
        for p in named_paths(m, &code, &mods) {
            for k in (1..=p.len()).rev() {
                let t = p[..k].to_vec();
                if mods.contains_key(&t) {
                    if &t != m {
                        edges.insert(t);
                    }
                    break;
                }
            }
        }
        g.insert(m.clone(), edges);
    }
    g
}

/// The circles of a graph: its strongly connected components of more than one module.
fn circles(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    // Kosaraju: finishing order on the graph, then components on the reversed graph.
    fn finish(
        v: &Module,
        g: &BTreeMap<Module, BTreeSet<Module>>,
        seen: &mut BTreeSet<Module>,
        order: &mut Vec<Module>,
    ) {
        if !seen.insert(v.clone()) {
            return;
        }
        for w in g.get(v).into_iter().flatten() {
            finish(w, g, seen, order);
        }
        order.push(v.clone());
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for v in g.keys() {
        finish(v, g, &mut seen, &mut order);
    }
    let mut rev: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (v, ws) in g {
        for w in ws {
            rev.entry(w.clone()).or_default().insert(v.clone());
        }
    }
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for v in order.iter().rev() {
        let mut comp = Vec::new();
        finish(v, &rev, &mut done, &mut comp);
        if comp.len() > 1 {
            comp.sort();
            out.push(comp);
        }
    }
    out
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("/")
    }
}

#[test]
fn no_crate_has_an_import_circle() {
    let mut found = Vec::new();
    for (krate, src) in crate_sources() {
        for c in circles(&graph(&src)) {
            let list: Vec<String> = c.iter().map(name).collect();
            found.push(format!("{krate}: {}", list.join(" <-> ")));
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

/// The upward imports of one crate, given its layers (lowest first).
fn upward_imports(krate: &str, layers: &[&[&str]]) -> Vec<String> {
    let layer_of = |m: &Module| -> Option<usize> {
        let top = m.first()?;
        layers.iter().position(|l| l.contains(&top.as_str()))
    };
    let g = graph(&workspace().join("components").join(krate).join("src"));
    let mut wrong = Vec::new();
    for (m, ws) in &g {
        if m.is_empty() {
            continue; // lib.rs re-exports from everywhere
        }
        let Some(from) = layer_of(m) else {
            wrong.push(format!(
                "{krate}: {}: no layer (add it to STAGED_CRATES)",
                name(m)
            ));
            continue;
        };
        for w in ws {
            match layer_of(w) {
                Some(to) if to > from => {
                    wrong.push(format!("{krate}: {} imports {} (upward)", name(m), name(w)))
                }
                None if !w.is_empty() => wrong.push(format!("{krate}: {}: no layer", name(w))),
                None => wrong.push(format!("{krate}: {} imports lib.rs", name(m))),
                _ => {}
            }
        }
    }
    wrong
}

#[test]
fn the_stage_crates_import_down_their_stages() {
    let wrong: Vec<String> = STAGED_CRATES
        .iter()
        .flat_map(|(krate, layers)| upward_imports(krate, layers))
        .collect();
    assert!(
        wrong.is_empty(),
        "upward imports in components/content or components/site:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_finds_a_circle_and_an_upward_import() {
    // The check itself, on a crate made for it: a circle a -> b -> a, and a low module that
    // names a high one.
    let dir = std::env::temp_dir().join(format!("bangtin-layers-{}", std::process::id()));
    let src = dir.join("src");
    fs::create_dir_all(src.join("util")).expect("temp folder");
    let write = |rel: &str, text: &str| fs::write(src.join(rel), text).expect("temp file");
    write(
        "lib.rs",
        "pub mod a;\npub mod b;\npub mod util;\npub mod session;\n",
    );
    write(
        "a.rs",
        "use crate::b::B;\n// crate::session in a comment is no import\n",
    );
    write("b.rs", "pub struct B;\nfn f() { super::a::g(); }\n");
    write("util/mod.rs", "pub mod x;\nuse x::Y;\n");
    write(
        "util/x.rs",
        "pub struct Y;\nfn f() -> crate::session::S { todo!() }\n",
    );
    write(
        "session.rs",
        "pub struct S;\n#[cfg(test)]\nmod tests {\n    use crate::a::*;\n}\n",
    );
    let g = graph(&src);
    let _ = fs::remove_dir_all(&dir);
    let m = |s: &str| -> Module { s.split('/').map(String::from).collect() };
    assert_eq!(circles(&g), vec![vec![m("a"), m("b")]]);
    assert!(g[&m("util")].contains(&m("util/x")), "use of a submodule");
    assert!(g[&m("util/x")].contains(&m("session")), "a path in code");
    assert!(!g[&m("a")].contains(&m("session")), "a comment");
    assert!(g[&m("session")].is_empty(), "a test module");
}
