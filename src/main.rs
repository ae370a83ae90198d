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
        /// 不生成站内搜索索引 (skip the search index under pagefind/)
        #[arg(long)]
        no_search: bool,
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
struct TermProgress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    terminal: bool,
    shown: std::sync::atomic::AtomicBool,
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
    }
}

impl gongkai::Progress for TermProgress {
    fn stage(&self, name: &'static str, total: u64) {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let opts = gongkai::validate::Options::from_env();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            no_search,
        } => {
            let started = std::time::Instant::now();
            let bo = gongkai::BuildOptions {
                output,
                base_url,
                validate: opts,
                search: !no_search,
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
        } => match with_progress(|p| gongkai::check_with_progress(&root, &opts, p)) {
            Ok((_, diags)) => {
                match format {
                    Format::Human => {
                        print_human(&diags);
                        eprintln!("检查完成：{}", summary(&diags));
                    }
                    Format::Json => {
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
    }
}
