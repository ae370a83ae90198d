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
            match gongkai::build(&root, &bo) {
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
        } => match gongkai::check(&root, &opts) {
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
