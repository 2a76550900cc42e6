//! bangtin: the command line. Parses arguments, picks the message language, runs one command.

mod cli;
mod desktop;
mod import_cmd;
mod scaffold;

// The build allocates many small strings on every thread; mimalloc is much faster at that than
// the system allocator (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cli::{Command, DeployArgs};
use i18n::{tr, Lang};
use site::{Diagnostic, Severity};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    if desktop::wanted() {
        return desktop::main(Lang::detect(None, Lang::Vi));
    }
    // The language is known before parsing, so that `--help` is in it too.
    let lang = cli::detect_lang(std::env::args_os().collect(), config_lang);
    let cli = cli::parse(lang);
    let result = match cli.command {
        None => serve_cmd(
            &cli.root,
            1111,
            std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            (false, false, None),
            (None, true),
            lang,
        ),
        Some(command) => run(command, &cli.root, lang),
    };
    exit_code(result)
}

/// Runs one command in the site folder `root`; `Err` is the message to print (maybe empty).
fn run(command: Command, root: &Path, lang: Lang) -> Result<(), String> {
    match command {
        Command::Serve {
            port,
            bind,
            drafts,
            future,
            desk_port,
            no_desk,
            poll,
        } => serve_cmd(
            root,
            port,
            bind,
            (drafts, future, poll),
            (desk_port, !no_desk),
            lang,
        ),
        Command::Check {
            external,
            drafts,
            format,
        } => check_cmd(root, external, drafts, &format, lang),
        Command::Build {
            output,
            drafts,
            future,
            base_url,
        } => build_cmd(root, output, drafts, future, base_url, lang),
        Command::New { section, title } => scaffold::new_post(root, &section, &title, lang),
        Command::Init { dir } => scaffold::init(&dir, lang),
        Command::Import {
            files,
            section,
            slug,
            draft,
        } => import_cmd::run(root, &files, section, slug, draft, lang),
        Command::Deploy(args) => deploy_cmd(root, args, lang),
        Command::Report {
            period,
            format,
            output,
            force,
            due,
        } => report_cmd(report::Options {
            root: root.to_path_buf(),
            period,
            format,
            output,
            force,
            due,
            lang,
        }),
    }
}

/// The exit code of a command's result, its message printed on failure.
fn exit_code(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The site's `default_language` in `<root>/config.toml`, if it names one.
fn config_lang(root: &Path) -> Option<Lang> {
    std::fs::read_to_string(root.join("config.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("default_language")
                .and_then(|v| v.as_str())
                .and_then(Lang::parse)
        })
}

/// Prints diagnostics grouped, errors first, a bounded number of warnings.
fn print_diagnostics(diags: &[Diagnostic], lang: Lang) {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
    // A template error repeats once per page rendered with it: say it once, with the count.
    let mut lines: Vec<(String, Severity, usize)> = Vec::new();
    for d in sorted {
        let line = d.render(lang);
        match lines.iter_mut().find(|(l, _, _)| *l == line) {
            Some(entry) => entry.2 += 1,
            None => lines.push((line, d.severity, 1)),
        }
    }
    let warnings = lines.iter().filter(|l| l.1 == Severity::Warning).count();
    let mut shown_warnings = 0;
    for (line, severity, count) in &lines {
        if *severity == Severity::Warning {
            shown_warnings += 1;
            if shown_warnings > 20 {
                continue;
            }
        }
        if *count > 1 {
            eprintln!(
                "{line} {}",
                tr!(lang, "(×{count} trang)", "(×{count} pages)")
            );
        } else {
            eprintln!("{line}");
        }
    }
    if warnings > 20 {
        eprintln!(
            "{}",
            tr!(
                lang,
                "... và {} cảnh báo khác (chạy `bangtin check` để xem hết)",
                "... and {} more warnings (run `bangtin check` to see all)",
                warnings - 20
            )
        );
    }
}

fn spinner() -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

fn run_build(
    root: &Path,
    output: Option<PathBuf>,
    drafts: bool,
    future: bool,
    base_url: Option<String>,
    lang: Lang,
    exits_after: bool,
) -> Result<site::Built, String> {
    let mut opts = site::Options::new(root, lang);
    opts.output = output;
    opts.drafts = drafts;
    opts.future = future;
    opts.base_url = base_url;
    opts.exits_after = exits_after;
    let pb = spinner();
    let progress = |step: &str| pb.set_message(step.to_string());
    let result = site::build(&opts, &progress);
    pb.finish_and_clear();
    match result {
        Ok(built) => {
            print_diagnostics(&built.warnings, lang);
            Ok(built)
        }
        Err(site::Failed(diags)) => {
            print_diagnostics(&diags, lang);
            let n = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            Err(tr!(
                lang,
                "Dựng trang thất bại: {n} lỗi. Thư mục kết quả cũ (nếu có) vẫn giữ nguyên.",
                "Build failed: {n} error(s). The previous output (if any) was left as it was."
            ))
        }
    }
}

fn build_cmd(
    root: &Path,
    output: Option<PathBuf>,
    drafts: bool,
    future: bool,
    base_url: Option<String>,
    lang: Lang,
) -> Result<(), String> {
    let out_display = output.clone().unwrap_or_else(|| root.join("public"));
    let built = run_build(root, output, drafts, future, base_url, lang, true)?;
    let ms = built.elapsed.as_millis();
    if built.up_to_date {
        eprintln!(
            "{}",
            tr!(
                lang,
                "Không có gì thay đổi từ lần dựng trước: {} tệp trong {} vẫn đúng, không cần dựng lại ({ms} ms).",
                "Nothing changed since the last build: the {} files in {} are up to date, nothing to rebuild ({ms} ms).",
                built.files,
                out_display.display()
            )
        );
        return Ok(());
    }
    eprintln!(
        "{}",
        tr!(
            lang,
            "Xong: {} trang, {} chuyên mục, {} tệp ({} tệp mới/đổi, {} giữ nguyên) vào {} trong {ms} ms.",
            "Done: {} pages, {} sections, {} files ({} new/changed, {} unchanged) into {} in {ms} ms.",
            built.pages,
            built.sections,
            built.files,
            built.stats.written,
            built.stats.unchanged,
            out_display.display()
        )
    );
    if built.images.0 + built.images.1 > 0 {
        eprintln!(
            "{}",
            tr!(
                lang,
                "Ảnh: {} ảnh xử lý mới, {} ảnh lấy từ bộ nhớ đệm.",
                "Images: {} processed, {} reused from the cache.",
                built.images.0,
                built.images.1
            )
        );
    }
    // The process ends now: freeing every page's text one by one would only delay the exit
    // (it holds no file or lock; the system takes the memory back at once).
    std::mem::forget(built);
    Ok(())
}

fn serve_cmd(
    root: &Path,
    port: u16,
    bind: std::net::IpAddr,
    (drafts, future, poll): (bool, bool, Option<std::time::Duration>),
    (desk_port, desk): (Option<u16>, bool),
    lang: Lang,
) -> Result<(), String> {
    let mut opts = serve::Options::new(root.to_path_buf(), lang);
    opts.port = port;
    opts.bind = bind;
    opts.drafts = drafts;
    opts.future = future;
    opts.desk_port = desk_port;
    opts.desk = desk;
    opts.poll = poll;
    serve::run(opts).map_err(|e| e.message(lang))
}

fn check_cmd(
    root: &Path,
    external: bool,
    drafts: bool,
    format: &str,
    lang: Lang,
) -> Result<(), String> {
    let opts = check::Options {
        root: root.to_path_buf(),
        lang,
        external,
        drafts,
    };
    let report = check::run(&opts);
    match format {
        "json" => println!("{}", report.render_json()),
        "text" => print!("{}", report.render_text(lang)),
        other => {
            return Err(tr!(
                lang,
                "định dạng không hỗ trợ: {other} (dùng text hoặc json)",
                "unsupported format: {other} (use text or json)"
            ))
        }
    }
    if report.has_errors() {
        Err(String::new())
    } else {
        Ok(())
    }
}

fn deploy_cmd(root: &Path, args: DeployArgs, lang: Lang) -> Result<(), String> {
    let output = root.join("public");
    // Checked before anything is built or sent: a script cannot answer the question.
    let ask = args.delete && !args.yes && !args.dry_run;
    if ask && !std::io::stdin().is_terminal() {
        return Err(tr!(
            lang,
            "--delete xoá cả tệp không do bangtin tải lên, nên cần xác nhận: chạy lệnh trong cửa sổ lệnh để được hỏi, hoặc thêm --yes",
            "--delete also removes files bangtin never uploaded, so it needs a confirmation: run it in a terminal to be asked, or add --yes"
        ));
    }
    if !args.no_build {
        run_build(root, None, false, false, None, lang, false)?;
    } else if !output.join("index.html").exists() {
        return Err(tr!(
            lang,
            "chưa có {} để tải lên; chạy `bangtin build` trước hoặc bỏ --no-build",
            "there is no {} to upload; run `bangtin build` first or drop --no-build",
            output.display()
        ));
    }
    if let Some(zip_path) = args.zip {
        let n = deploy::write_zip(&output, &zip_path).map_err(|e| e.message(lang))?;
        eprintln!("{}", tr!(lang, "Đã ghi {} ({n} tệp). Tải tệp này lên trang quản trị hosting và giải nén vào thư mục web.", "Wrote {} ({n} files). Upload it in the hosting control panel and extract it into the web folder.", zip_path.display()));
        return Ok(());
    }
    let config = site::Config::load(root, lang).map_err(|d| d.render(lang))?;
    let target_url = args.target.or(config.deploy.target.clone()).ok_or_else(|| {
        tr!(lang, "chưa có đích tải lên: thêm [deploy] target = \"ftp://tên@máy-chủ/public_html\" vào config.toml hoặc dùng --target", "no deploy target: add [deploy] target = \"ftp://user@host/public_html\" to config.toml or pass --target")
    })?;
    let target: deploy::Target = target_url
        .parse()
        .map_err(|e: deploy::DeployError| e.message(lang))?;
    let password = deploy_password(&target_url, args.dry_run, lang)?;
    let opts = deploy::Options {
        dry_run: args.dry_run,
        delete: args.delete,
        confirm: Some(confirm_deletion(ask, lang)),
        verify: args.verify,
        lang,
        progress: true,
        accept_invalid_certs: args.insecure || config.deploy.accept_invalid_certs,
        retries: 3,
        timeout: config
            .deploy
            .timeout
            .map_or(deploy::DEFAULT_IO_TIMEOUT, Duration::from_secs),
        cache_dir: Some(root.join(".bangtin-cache").join("deploy")),
        cancel: deploy::stop_on_ctrl_c(lang),
        on_file: None,
    };
    let summary =
        deploy::deploy(&output, &target, &password, &opts).map_err(|e| e.message(lang))?;
    eprintln!("{}", summary.message(lang));
    Ok(())
}

/// The deploy password: `BANGTIN_DEPLOY_PASSWORD`, else asked (none for a dry run).
fn deploy_password(target_url: &str, dry_run: bool, lang: Lang) -> Result<String, String> {
    match deploy::password_from_env() {
        Some(p) => Ok(p),
        None if dry_run => Ok(String::new()),
        None => rpassword::prompt_password(tr!(
            lang,
            "Mật khẩu cho {}: ",
            "Password for {}: ",
            target_url
        ))
        .map_err(|e| {
            tr!(
                lang,
                "không đọc được mật khẩu ({e}); đặt biến môi trường BANGTIN_DEPLOY_PASSWORD",
                "cannot read the password ({e}); set BANGTIN_DEPLOY_PASSWORD"
            )
        }),
    }
}

/// Lists the files `--delete` would remove and, when `ask`, waits for a yes on the terminal.
fn confirm_deletion(ask: bool, lang: Lang) -> deploy::Confirm {
    deploy::Confirm(std::sync::Arc::new(move |files: &[String]| {
        let n = files.len();
        eprintln!(
            "{}",
            tr!(
                lang,
                "Các tệp sau trên máy chủ không do bangtin tải lên và không có trong trang ({n} tệp):",
                "These files on the server were not uploaded by bangtin and are not in the site ({n} files):"
            )
        );
        for f in files {
            eprintln!("  - {f}");
        }
        if !ask {
            return true;
        }
        eprint!(
            "{}",
            tr!(
                lang,
                "Xoá {n} tệp này? Gõ c (có) rồi Enter để xoá, Enter để giữ lại: ",
                "Delete these {n} files? Type y and Enter to delete, Enter to keep them: "
            )
        );
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        matches!(
            answer.trim().to_lowercase().as_str(),
            "c" | "có" | "co" | "y" | "yes"
        )
    }))
}

fn report_cmd(opts: report::Options) -> Result<(), String> {
    let (message, stdout) = report::run(&opts)?;
    std::io::Write::write_all(&mut std::io::stdout(), &stdout).map_err(|e| e.to_string())?;
    if !message.is_empty() {
        eprintln!("{message}");
    }
    Ok(())
}
