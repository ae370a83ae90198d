//! The `gongkai` command: a thin layer over the library.

use clap::{Parser, Subcommand, ValueEnum};
use gongkai::diagnostics::{self, Diagnostic};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: rendering allocates many small strings and JSON values on every thread; the
/// system allocator spent a fifth of the render time in malloc/free (see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "政务公开网站生成器 — static site generator for government disclosure portals"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站 (build the site)
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory (default: [build].output of site-config.toml)
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long)]
        base_url: Option<String>,
        /// 不生成站内搜索索引 (skip the search index under search-index/)
        #[arg(long)]
        no_search: bool,
        /// 为文本文件生成 .gz 副本 (for nginx gzip_static)
        #[arg(long)]
        precompress: bool,
        /// 与线上网站的 gongkai.sha256 比较网址 (default: the output's own manifest)
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
    },
    /// 检查内容 (check content without writing)
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Warnings fail the check too
        #[arg(long)]
        strict: bool,
        /// 检查指标自查表: every inspection indicator with pass / warn / fail
        #[arg(long)]
        inspection: bool,
        /// Also write the 自查表 as a printable HTML page (outside the output directory)
        #[arg(long, value_name = "FILE", requires = "inspection")]
        html: Option<PathBuf>,
        /// 与线上网站的 gongkai.sha256 比较网址 (default: the output's own manifest)
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
    },
    /// 校验网站文件 (DIR matches its gongkai.sha256 exactly)
    Verify {
        dir: PathBuf,
        /// The manifest to check against (default: DIR/gongkai.sha256)
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
        /// DIR is a crawl of the site (wget -m): files it did not fetch are not errors
        #[arg(long)]
        mirror: bool,
    },
    /// 生成网站服务器配置 (web server configuration)
    Deploy {
        #[command(subcommand)]
        what: Deploy,
    },
    /// 本地预览 (live preview)
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// 新建文件 (scaffold a file or a site)
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Regenerates docs/codes.md, docs/zh/检查规则.md and docs/zh/内容格式.md from the code
    /// and schema declarations (for maintainers)
    #[command(hide = true)]
    Docs {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// 输出文件格式的 JSON Schema (for editors: taplo, Even Better TOML, forms)
    Schema {
        #[arg(value_parser = ["site-config", "policy", "interpretation", "page", "list", "report"])]
        kind: String,
    },
}

#[derive(Subcommand)]
enum Deploy {
    /// nginx 的 server { } 配置块（放在 http { } 中）
    Nginx {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory (default: [build].output of site-config.toml)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Where the site's files are on the server (default: the output directory)
        #[arg(long, value_name = "DIR")]
        docroot: Option<PathBuf>,
        /// listen address, repeatable (default: 80, or 443 ssl for https, on IPv4 and IPv6)
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Vec<String>,
    },
}

#[derive(Subcommand)]
enum New {
    /// 新建政策文件
    Policy {
        name: String,
        #[arg(long, default_value = "新政策文件")]
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// 新建政策解读
    Interpretation {
        name: String,
        /// 索引号 of the interpreted policy
        #[arg(long)]
        interprets: String,
        #[arg(long, default_value = "新政策解读")]
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// 新建清单或台账
    List {
        name: String,
        #[arg(long, default_value = "tasks")]
        kind: String,
        #[arg(long, default_value = "新清单")]
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// 新建网站
    Site {
        dir: PathBuf,
        #[arg(long, default_value = "某某市人民政府")]
        title: String,
    },
}

/// A progress bar on stderr for long builds and checks: drawn only when stderr is a terminal
/// and only once the work has taken a second; cleared before the summary line.
/// A stage of the profile: its name, when it began, and the process's CPU time then.
type Stage = (&'static str, std::time::Instant, std::time::Duration);

struct TermProgress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    terminal: bool,
    shown: std::sync::atomic::AtomicBool,
    /// `GONGKAI_PROFILE=1`: each stage's name and start, printed as a table at the end.
    profile: Option<std::sync::Mutex<Vec<Stage>>>,
}

impl TermProgress {
    fn new() -> TermProgress {
        TermProgress {
            bar: indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::hidden(),
            ),
            started: std::time::Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            shown: std::sync::atomic::AtomicBool::new(false),
            profile: std::env::var_os("GONGKAI_PROFILE")
                .filter(|v| !v.is_empty() && v != "0")
                .map(|_| std::sync::Mutex::new(Vec::new())),
        }
    }

    /// Starts drawing once the work has taken a second (never when not on a terminal).
    fn maybe_show(&self) {
        use std::sync::atomic::Ordering;
        if self.terminal
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= std::time::Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
            self.bar
                .enable_steady_tick(std::time::Duration::from_millis(200));
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
        if let Some(stages) = &self.profile {
            let stages = stages.lock().unwrap_or_else(|e| e.into_inner());
            let end = (std::time::Instant::now(), gongkai::process::cpu_time());
            for (i, (name, start, cpu)) in stages.iter().enumerate() {
                let (until, cpu_until) = stages.get(i + 1).map_or(end, |s| (s.1, s.2));
                eprintln!(
                    "阶段 {name}：{} 毫秒（CPU {} 毫秒）",
                    (until - *start).as_millis(),
                    cpu_until.saturating_sub(*cpu).as_millis()
                );
            }
        }
    }
}

impl gongkai::Progress for TermProgress {
    fn stage(&self, name: &'static str, total: u64) {
        if let Some(stages) = &self.profile {
            let mut stages = stages.lock().unwrap_or_else(|e| e.into_inner());
            stages.push((
                name,
                std::time::Instant::now(),
                gongkai::process::cpu_time(),
            ));
        }
        let style = if total > 0 {
            indicatif::ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {pos}/{len}（{elapsed}）",
            )
        } else {
            indicatif::ProgressStyle::with_template("{spinner} {prefix} …（{elapsed}）")
        };
        if let Ok(style) = style {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_prefix(name);
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.maybe_show();
    }

    fn advance(&self) {
        self.bar.inc(1);
        self.maybe_show();
    }
}

/// Runs `f` with a progress bar, cleared before `f`'s result is printed.
fn with_progress<T>(f: impl FnOnce(&TermProgress) -> T) -> T {
    let progress = TermProgress::new();
    let r = f(&progress);
    progress.finish();
    r
}

fn print_human(diags: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        eprint!("{}", d.render_human(color));
        eprintln!();
    }
}

fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    format!("{} 个错误，{} 个警告", errors, diags.len() - errors)
}

/// Writes the 自查表 page to `file`, which must not be inside the site's output directory
/// (the next build would publish it, or delete it).
fn write_self_check(
    root: &std::path::Path,
    site: &gongkai::model::Site,
    rows: &[gongkai::inspection::Row],
    file: &std::path::Path,
) -> Result<(), String> {
    let abs = |p: &std::path::Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Resolve what exists (symlinks, ..); keep the rest as written.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.file_name(), existing.parent()) {
                (Some(n), Some(parent)) => {
                    rest.push(n.to_os_string());
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut out = existing.canonicalize().unwrap_or(existing);
        out.extend(rest.iter().rev());
        out
    };
    let out_dir = abs(&root.join(&site.config.output));
    let target = abs(file);
    if target.starts_with(&out_dir) {
        return Err(format!(
            "自查表不能写入输出目录 {}：发布时会被一并公开。请写到输出目录之外，例如 --html inspection.html",
            out_dir.display()
        ));
    }
    std::fs::write(&target, gongkai::inspection::render_html(site, rows))
        .map_err(|e| format!("写入 {} 失败：{e}", target.display()))
}

fn main() -> ExitCode {
    gongkai::process::no_huge_pages();
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        gongkai::process::keep_freed_memory();
    }
    let opts = gongkai::validate::Options::from_env();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            no_search,
            precompress,
            previous,
        } => {
            let started = std::time::Instant::now();
            let bo = gongkai::BuildOptions {
                output,
                base_url,
                validate: opts,
                search: !no_search,
                precompress,
                previous,
            };
            match with_progress(|p| gongkai::build_with_progress(&root, &bo, p)) {
                Ok((stats, diags)) => {
                    print_human(&diags);
                    eprintln!(
                        "生成完成：{} 个页面，{} 个文件（{} 个已更新，{} 个未变，{} 个已删除），{}，用时 {:.2} 秒",
                        stats.pages,
                        stats.files,
                        stats.written,
                        stats.unchanged,
                        stats.removed,
                        summary(&diags),
                        started.elapsed().as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(gongkai::Error::Content(diags)) => {
                    print_human(&diags);
                    eprintln!("生成失败：{}；原有输出目录未改动", summary(&diags));
                    ExitCode::from(1)
                }
                Err(gongkai::Error::Load(e)) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(2)
                }
                Err(gongkai::Error::Output(d)) => {
                    print_human(std::slice::from_ref(&d));
                    eprintln!("生成失败：输出目录不可用；没有写入任何文件");
                    ExitCode::from(2)
                }
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Check {
            root,
            format,
            strict,
            inspection,
            html,
            previous,
        } => {
            let result = if inspection {
                with_progress(|p| gongkai::inspect_with_progress(&root, &opts, p))
                    .map(|(site, diags, rows)| (site, diags, Some(rows)))
            } else {
                with_progress(|p| gongkai::check_with_progress(&root, &opts, p))
                    .map(|(site, diags)| (site, diags, None))
            };
            match result {
                Ok((site, mut diags, rows)) => {
                    let out_dir = gongkai::output_dir(&root, &site, None);
                    diags.extend(gongkai::check_urls(&site, &out_dir, previous.as_deref()));
                    if let (Some(file), Some(rows)) = (&html, &rows) {
                        if let Err(e) = write_self_check(&root, &site, rows, file) {
                            eprintln!("错误：{e}");
                            return ExitCode::from(2);
                        }
                    }
                    match format {
                        Format::Human => {
                            print_human(&diags);
                            if let Some(rows) = &rows {
                                print!("{}", gongkai::inspection::render_human(&site, rows));
                            }
                            eprintln!("检查完成：{}", summary(&diags));
                        }
                        Format::Json => {
                            for r in rows.iter().flatten() {
                                println!("{}", r.to_json());
                            }
                            for d in &diags {
                                println!("{}", d.render_json());
                            }
                        }
                    }
                    let fail = diagnostics::has_errors(&diags) || (strict && !diags.is_empty());
                    if fail {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(gongkai::Error::Load(e)) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(2)
                }
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Verify {
            dir,
            manifest,
            mirror,
        } => verify(&dir, manifest, mirror),
        Command::Deploy {
            what:
                Deploy::Nginx {
                    root,
                    output,
                    docroot,
                    listen,
                },
        } => match gongkai::check(&root, &opts) {
            Ok((site, _)) => {
                let out_dir = gongkai::output_dir(&root, &site, output.as_deref());
                let docroot = docroot.unwrap_or_else(|| {
                    std::path::absolute(&out_dir).unwrap_or_else(|_| out_dir.clone())
                });
                match gongkai::deploy::nginx(&site, &out_dir, &docroot, &listen) {
                    Ok(conf) => {
                        print!("{conf}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("错误：{e}");
                        ExitCode::from(2)
                    }
                }
            }
            Err(e) => {
                eprintln!("错误：{e}");
                ExitCode::from(2)
            }
        },
        Command::Serve { root, bind, port } => {
            match gongkai::serve::run(gongkai::serve::Options { root, bind, port }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::New { what } => {
            let today = opts.build_date;
            let r = match what {
                New::Policy { name, title, root } => {
                    gongkai::scaffold::policy(&root, &name, &title, today)
                }
                New::Interpretation {
                    name,
                    interprets,
                    title,
                    root,
                } => gongkai::scaffold::interpretation(&root, &name, &title, &interprets, today),
                New::List {
                    name,
                    kind,
                    title,
                    root,
                } => gongkai::scaffold::list(&root, &name, &title, &kind, today),
                New::Site { dir, title } => gongkai::scaffold::site(&dir, &title, today),
            };
            match r {
                Ok(p) => {
                    eprintln!("已创建 {}", p.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Docs { root } => {
            let files = [
                ("docs/codes.md", gongkai::diagnostics::codes_md()),
                ("docs/zh/检查规则.md", gongkai::diagnostics::rules_zh()),
                ("docs/zh/内容格式.md", gongkai::schema::content_format_zh()),
            ];
            for (path, text) in files {
                let p = root.join(path);
                let written = p
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|_| std::fs::write(&p, text));
                if let Err(e) = written {
                    eprintln!("错误：写入 {} 失败：{e}", p.display());
                    return ExitCode::from(2);
                }
                eprintln!("已生成 {path}");
            }
            ExitCode::SUCCESS
        }
        Command::Schema { kind } => match gongkai::schema::Kind::parse(&kind) {
            Some(k) => {
                print!("{}", gongkai::schema::json_schema_text(k));
                ExitCode::SUCCESS
            }
            None => ExitCode::from(2),
        },
    }
}

/// `gongkai verify`: exit 0 when `dir` matches the manifest exactly, 1 naming every
/// difference, 2 when the manifest or the directory cannot be read.
fn verify(dir: &std::path::Path, manifest: Option<PathBuf>, mirror: bool) -> ExitCode {
    use gongkai::manifest::{self, Manifest};
    let path = manifest.unwrap_or_else(|| dir.join(manifest::FILE));
    let m = match Manifest::read(&path) {
        Ok(Some(m)) => m,
        Ok(None) => {
            eprintln!("错误：找不到清单文件 {}", path.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("错误：清单文件 {} 无法读取：{e}", path.display());
            return ExitCode::from(2);
        }
    };
    let r = match manifest::verify(dir, &m) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
    };
    for p in &r.changed {
        println!("已改动\t{p}");
    }
    for p in &r.added {
        println!("多出\t{p}");
    }
    if mirror {
        // A crawler fetches only what pages link to: files it did not fetch are not errors.
        eprintln!(
            "镜像中没有 {} 个清单文件（爬虫未抓取的文件不算错误）",
            r.missing.len()
        );
    } else {
        for p in &r.missing {
            println!("缺失\t{p}");
        }
    }
    let failed = !r.changed.is_empty() || !r.added.is_empty() || (!mirror && !r.missing.is_empty());
    if failed {
        eprintln!(
            "校验失败：{} 个文件已改动，{} 个文件缺失，{} 个多出的文件；{} 个文件一致",
            r.changed.len(),
            r.missing.len(),
            r.added.len(),
            r.ok
        );
        ExitCode::from(1)
    } else {
        eprintln!("校验通过：{} 个文件与清单一致", r.ok);
        ExitCode::SUCCESS
    }
}
