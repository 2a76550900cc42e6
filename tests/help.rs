//! `--help` in the teacher's language: the real binary's help for every subcommand clap knows
//! (walked from the command itself, so a subcommand added without Vietnamese help fails here)
//! is Vietnamese by default, English when `--lang`, the locale or the site says `en`.
//! Issue case: 11.

#[allow(dead_code)]
#[path = "../src/cli.rs"]
mod cli;

use i18n::Lang;
use std::path::Path;
use std::process::Command;

/// Environment variables of one run.
type Env = Vec<(&'static str, &'static str)>;

/// Every command path clap knows in `lang` (`[]` is `bangtin` itself), depth first.
fn command_paths(lang: Lang) -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, at: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(at.clone());
        for sub in cmd.get_subcommands() {
            let mut path = at.clone();
            path.push(sub.get_name().to_string());
            walk(sub, path, out);
        }
    }
    let mut cmd = cli::command(lang);
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, Vec::new(), &mut out);
    out
}

/// `bangtin ARGS` in `dir` with no language in the environment but `env`; its stdout.
fn run(dir: &Path, args: &[String], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bangtin"));
    cmd.args(args).current_dir(dir);
    for var in ["BANGTIN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let o = cmd.output().expect("run bangtin");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Letters only Vietnamese text has (any of them marks a line as Vietnamese).
fn is_vietnamese_letter(c: char) -> bool {
    "ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
        .contains(c.to_lowercase().next().unwrap_or(c))
}

/// Fails unless every line of `help` is Vietnamese: headings, usage, each argument and
/// subcommand, and none of clap's English words or the command's English texts.
fn assert_vietnamese(help: &str, english: &[String], what: &str) {
    for word in [
        "Usage:",
        "Options:",
        "Arguments:",
        "Commands:",
        "[OPTIONS]",
        "<COMMAND>",
        "[default:",
        "Print help",
        "Print version",
    ] {
        assert!(!help.contains(word), "{what}: `{word}` in\n{help}");
    }
    for text in english.iter().filter(|t| !t.is_empty()) {
        assert!(
            !help.contains(text.as_str()),
            "{what}: English `{text}` in\n{help}"
        );
    }
    assert!(
        help.starts_with(|c: char| c.is_alphabetic()),
        "{what}: {help}"
    );
    for line in help.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.chars().any(is_vietnamese_letter),
            "{what}: this line is not Vietnamese: `{line}`\n{help}"
        );
    }
}

/// The English texts of a command: its description and its arguments' help.
fn english_texts(path: &[String]) -> Vec<String> {
    let mut cmd = cli::command(Lang::En);
    cmd.build();
    for name in path {
        cmd = cmd.find_subcommand(name).cloned().unwrap();
    }
    let mut texts: Vec<String> = cmd.get_about().map(|a| a.to_string()).into_iter().collect();
    texts.extend(
        cmd.get_arguments()
            .filter_map(|a| a.get_help().map(|h| h.to_string())),
    );
    texts
}

#[test]
fn every_subcommand_has_vietnamese_help() {
    let dir = tempfile::tempdir().unwrap();
    let paths = command_paths(Lang::Vi);
    let names: Vec<String> = paths.iter().map(|p| p.join(" ")).collect();
    for sub in [
        "build", "serve", "check", "new", "init", "import", "deploy", "report",
    ] {
        assert!(names.iter().any(|n| n == sub), "{sub} in {names:?}");
    }
    for path in &paths {
        let english = english_texts(path);
        for flag in ["--help", "-h"] {
            let mut args = path.clone();
            args.push(flag.to_string());
            let help = run(dir.path(), &args, &[]);
            assert_vietnamese(&help, &english, &args.join(" "));
        }
        // `bangtin help SUB` says the same.
        let mut args = vec!["help".to_string()];
        args.extend(path.iter().cloned());
        let help = run(dir.path(), &args, &[]);
        let mut direct = path.clone();
        direct.push("--help".into());
        assert_eq!(help, run(dir.path(), &direct, &[]), "{args:?}");
    }
    // A Vietnamese locale says the same.
    let help = run(dir.path(), &["--help".into()], &[("LANG", "vi_VN.UTF-8")]);
    assert_vietnamese(&help, &english_texts(&[]), "LANG=vi_VN.UTF-8");
}

#[test]
fn english_help_when_the_locale_the_option_or_the_site_says_en() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("config.toml"),
        "title = \"School\"\nbase_url = \"https://s.example\"\ndefault_language = \"en\"\n",
    )
    .unwrap();
    let site = site.to_string_lossy().into_owned();
    // clap's own `help` lists the commands again as its subcommands: `help build` is `build`.
    let paths = command_paths(Lang::En);
    for path in paths.iter().filter(|p| p.len() < 2 || p[0] != "help") {
        let english = english_texts(path);
        let about = english[0].clone();
        let ways: [(Vec<String>, Env); 4] = [
            (vec![], vec![("BANGTIN_LANG", "en")]),
            (vec![], vec![("LANG", "en_US.UTF-8")]),
            (vec!["--lang".into(), "en".into()], vec![]),
            (vec!["--root".into(), site.clone()], vec![]),
        ];
        for (before, env) in ways {
            let mut args = before.clone();
            args.extend(path.iter().cloned());
            // clap's own `help` takes no flags: `bangtin help help` is its help.
            args.push(if *path == ["help"] { "help" } else { "--help" }.into());
            let help = run(dir.path(), &args, &env);
            assert!(help.contains("Usage:"), "{args:?} {env:?}: {help}");
            assert!(help.contains(&about), "{args:?} {env:?}: {help}");
        }
    }
}
