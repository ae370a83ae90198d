//! The one declaration of every file kind's keys (type, 中文名, description, required), from
//! which the parsers' known-key lists, the JSON Schemas for editors and the docs are derived.
//!
//! A low module: it imports only std, serde and serde_json, so that every stage may use it.

mod decl;
mod docs;
mod json;

pub use decl::{
    LedgerKind, ATTACHMENT, COLUMN, DISCLOSURES, DOC_TYPES, FORMS, INTERPRETATION, LEDGER_KINDS,
    LIST, LIST_FILE, PAGE, POLICY, POWER_TYPES, REPORT, REPORT_ACTIVE, REPORT_APPLICATIONS,
    REPORT_OVERRIDE, REPORT_REVIEW, REPORT_TEXT, REPORT_WEBSITE, SITE_BUILD, SITE_CHECK,
    SITE_CONFIG, SITE_INSPECTION, SITE_SITE, STATUSES, VALIDITIES,
};
pub use docs::content_format_zh;
pub use json::json_schema;

/// The schema of `kind` as `gongkai schema <kind>` prints it (pretty JSON and a newline):
/// the bytes `gongkai new site` writes under `schemas/`.
pub fn json_schema_text(kind: Kind) -> String {
    let mut s = serde_json::to_string_pretty(&json_schema(kind)).unwrap_or_default();
    s.push('\n');
    s
}

/// The kinds editors validate as whole TOML files, with the files they apply to
/// (taplo `include` globs, relative to the site root).
pub const TAPLO_RULES: [(Kind, &[&str]); 3] = [
    (Kind::SiteConfig, &["site-config.toml"]),
    (
        Kind::List,
        &["content/lists/*.toml", "content/lists/**/*.toml"],
    ),
    (Kind::Report, &["content/reports/*.toml"]),
];

/// Where a site keeps the schema of `kind` (`schemas/<kind>.schema.json`).
pub fn schema_file(kind: Kind) -> String {
    format!("schemas/{}.schema.json", kind.name())
}

/// The site's `.taplo.toml`: each rule ties files to their schema under `schemas/`, so that
/// taplo and Even Better TOML check them as you type.
pub fn taplo_toml() -> String {
    let mut s = String::from(
        "# taplo / Even Better TOML：按 schemas/ 下的 JSON Schema 校验站点文件（gongkai new site 生成）。\n\
         # 重新生成某个 schema：gongkai schema <类型> > schemas/<类型>.schema.json\n",
    );
    for (kind, include) in TAPLO_RULES {
        let globs: Vec<String> = include.iter().map(|g| format!("\"{g}\"")).collect();
        s.push_str(&format!(
            "\n# {}\n[[rule]]\ninclude = [{}]\n\n[rule.schema]\npath = \"./{}\"\n",
            kind.title(),
            globs.join(", "),
            schema_file(kind)
        ));
    }
    s
}

/// The files `gongkai new site` writes for editors' tools: `.taplo.toml` and the schemas it
/// names, as (path relative to the site root, contents).
pub fn editor_files() -> Vec<(String, String)> {
    let mut files = vec![(".taplo.toml".to_string(), taplo_toml())];
    for (kind, _) in TAPLO_RULES {
        files.push((schema_file(kind), json_schema_text(kind)));
    }
    files
}

/// A kind of file a site is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `site-config.toml`.
    SiteConfig,
    /// 政策文件 front matter (`content/policies/**/*.md`).
    Policy,
    /// 政策解读 front matter (`content/interpretations/**/*.md`).
    Interpretation,
    /// A free page's front matter (`content/pages/**/*.md`).
    Page,
    /// A 清单 or 台账 (`content/lists/**/*.toml`).
    List,
    /// 年报 inputs (`content/reports/<year>.toml`).
    Report,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::SiteConfig,
        Kind::Policy,
        Kind::Interpretation,
        Kind::Page,
        Kind::List,
        Kind::Report,
    ];

    /// The name on the command line (`gongkai schema policy`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::SiteConfig => "site-config",
            Kind::Policy => "policy",
            Kind::Interpretation => "interpretation",
            Kind::Page => "page",
            Kind::List => "list",
            Kind::Report => "report",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The Chinese name of the kind.
    pub fn title(self) -> &'static str {
        match self {
            Kind::SiteConfig => "站点配置（site-config.toml）",
            Kind::Policy => "政策文件",
            Kind::Interpretation => "政策解读",
            Kind::Page => "页面",
            Kind::List => "清单",
            Kind::Report => "政府信息公开工作年度报告数据",
        }
    }

    /// What files of this kind are and where they live.
    pub fn description(self) -> &'static str {
        match self {
            Kind::SiteConfig => "站点根目录下的 site-config.toml：网站名称、网址、机构代码和生成设置。",
            Kind::Policy => "content/policies/ 下每个政策文件 Markdown 文件开头 +++ 之间的 TOML 字段。",
            Kind::Interpretation => {
                "content/interpretations/ 下每个政策解读 Markdown 文件开头 +++ 之间的 TOML 字段。"
            }
            Kind::Page => "content/pages/ 下每个页面 Markdown 文件开头 +++ 之间的 TOML 字段。",
            Kind::List => "content/lists/ 下的清单或台账 TOML 文件：[list] 表和 [[items]] 事项。",
            Kind::Report => {
                "content/reports/<年份>.toml：年报中内容无法给出的数据（文字部分、依申请公开数量、复议诉讼数量等）。"
            }
        }
    }

    /// The keys at the top of a file of this kind (for front matter: the front matter's keys).
    pub fn keys(self) -> &'static [Key] {
        match self {
            Kind::SiteConfig => SITE_CONFIG,
            Kind::Policy => POLICY,
            Kind::Interpretation => INTERPRETATION,
            Kind::Page => PAGE,
            Kind::List => LIST_FILE,
            Kind::Report => REPORT,
        }
    }
}

/// What a key's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A string.
    String,
    /// A string that must be written but may be left blank (a 台账's 完成时限 as the seeds
    /// have it).
    Blankable,
    /// A string, or a list of strings.
    Strings,
    /// A TOML date without time (`2016-04-26`).
    Date,
    /// An integer.
    Int,
    /// An integer ≥ 0 (a count).
    Count,
    /// An integer ≥ 1.
    Positive,
    /// An integer or a decimal number ≥ 0 (an amount).
    Amount,
    /// `true` or `false`.
    Bool,
    /// A string that must be one of the values.
    Enum(&'static [&'static str]),
    /// A list of values of one type.
    List(&'static Type),
    /// A list of exactly this many counts (one row of a 年报 table).
    Row(usize),
    /// A table with the keys given.
    Table(&'static [Key]),
    /// An array of tables (`[[items]]`, `[{ … }, …]`) with the keys given.
    Tables(&'static [Key]),
    /// A table from names chosen by the writer to values of one type.
    Map(&'static Type),
    /// A ledger's `[[items]]`: tables whose keys the `kind` of `[list]` gives
    /// ([`LEDGER_KINDS`], or the `columns` of a custom list).
    LedgerItems,
}

impl Type {
    /// The type in Chinese, for docs.
    pub fn label(self) -> String {
        match self {
            Type::String => "字符串".into(),
            Type::Blankable => "字符串（可以留空）".into(),
            Type::Strings => "字符串或字符串数组".into(),
            Type::Date => "日期".into(),
            Type::Int => "整数".into(),
            Type::Count => "非负整数".into(),
            Type::Positive => "正整数".into(),
            Type::Amount => "非负数".into(),
            Type::Bool => "布尔值".into(),
            Type::Enum(values) => format!("可选值：{}", values.join("、")),
            Type::List(t) => format!("{}数组", t.label()),
            Type::Row(n) => format!("{n} 个非负整数的数组"),
            Type::Table(_) => "表".into(),
            Type::Tables(_) => "表数组".into(),
            Type::Map(t) => format!("表（名称 = {}）", t.label()),
            Type::LedgerItems => "表数组（列由清单类型决定）".into(),
        }
    }
}

/// One key of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key as written in the file.
    pub key: &'static str,
    /// Its Chinese name (shown on pages and in forms).
    pub name: &'static str,
    pub ty: Type,
    pub required: bool,
    /// What it means, in Chinese (may be empty).
    pub description: &'static str,
}

/// A required key.
pub const fn req(
    key: &'static str,
    name: &'static str,
    ty: Type,
    description: &'static str,
) -> Key {
    Key {
        key,
        name,
        ty,
        required: true,
        description,
    }
}

/// An optional key.
pub const fn opt(
    key: &'static str,
    name: &'static str,
    ty: Type,
    description: &'static str,
) -> Key {
    Key {
        key,
        name,
        ty,
        required: false,
        description,
    }
}

/// The key names of a table, in declaration order (the allowed keys of the unknown-key check).
pub fn names(keys: &[Key]) -> Vec<&'static str> {
    keys.iter().map(|k| k.key).collect()
}

/// The declaration of `key` in `keys`.
pub fn find(keys: &'static [Key], key: &str) -> Option<&'static Key> {
    keys.iter().find(|k| k.key == key)
}

/// The sub-table declared under `key` (a [`Type::Table`] or [`Type::Tables`]).
pub fn sub(keys: &'static [Key], key: &str) -> &'static [Key] {
    match find(keys, key).map(|k| k.ty) {
        Some(Type::Table(t) | Type::Tables(t)) => t,
        _ => &[],
    }
}

/// The ledger kind named `kind` (not `custom`).
pub fn ledger_kind(kind: &str) -> Option<&'static LedgerKind> {
    LEDGER_KINDS.iter().find(|k| k.kind == kind)
}

#[cfg(test)]
mod tests;
