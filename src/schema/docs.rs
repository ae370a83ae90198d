//! `docs/zh/内容格式.md`: every key of every file kind with its 中文名, type and whether it is
//! required, generated from the declarations.

use super::{Key, Kind, Type, LEDGER_KINDS};
use std::fmt::Write as _;

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// One table of keys under `heading`, then the tables under it; `path` is the table's
/// dotted name in the file (empty at the top).
fn table(out: &mut String, heading: &str, path: &str, keys: &[Key]) {
    let _ = writeln!(
        out,
        "\n{heading}\n\n| 字段 | 中文名 | 类型 | 必填 | 说明 |\n| --- | --- | --- | --- | --- |"
    );
    for k in keys {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            k.key,
            k.name,
            escape(&k.ty.label()),
            if k.required { "是" } else { "否" },
            escape(k.description)
        );
    }
    for k in keys {
        let sub_path = if path.is_empty() {
            k.key.to_string()
        } else {
            format!("{path}.{}", k.key)
        };
        match k.ty {
            Type::Table(sub) => table(
                out,
                &format!("#### `[{sub_path}]` {}", k.name),
                &sub_path,
                sub,
            ),
            Type::Tables(sub) => table(
                out,
                &format!("#### `[[{sub_path}]]` {}", k.name),
                &sub_path,
                sub,
            ),
            _ => {}
        }
    }
}

/// The whole page.
pub fn content_format_zh() -> String {
    let mut out = String::from(
        "# 内容格式\n\n\
         <!-- 由 gongkai 生成（src/schema/），请勿手改：运行 `gongkai docs` 重新生成。 -->\n\n\
         网站的全部内容都写在文本文件里：Markdown 文件开头 `+++` 之间的 TOML 字段，以及 TOML 文件。\
         字段名用英文，页面上显示中文名。下表列出每种文件的每个字段；不在表中的字段是错误\
         （[E-UNKNOWN-KEY](检查规则.md#E-UNKNOWN-KEY)），缺少必填字段也是错误\
         （[E-MISSING-KEY](检查规则.md#E-MISSING-KEY)）。日期写作 TOML 日期，不加引号：`published = 2016-04-26`。\n\n\
         编辑器可以用 `gongkai schema <类型>` 输出的 JSON Schema 在输入时检查这些文件。\n",
    );
    for kind in Kind::ALL {
        let _ = write!(
            out,
            "\n## {}（`gongkai schema {}`）\n\n{}\n",
            kind.title(),
            kind.name(),
            kind.description()
        );
        let heading = match kind {
            Kind::SiteConfig | Kind::List | Kind::Report => "### 文件顶层",
            _ => "### 头部字段",
        };
        table(&mut out, heading, "", kind.keys());
        if kind == Kind::List {
            let _ = writeln!(
                out,
                "\n### 各类清单的事项（`[[items]]`）\n\n\
                 `[list]` 的 `kind` 决定事项有哪些列；`kind = \"custom\"` 的清单用 `columns` 自己声明列。"
            );
            for l in LEDGER_KINDS {
                table(
                    &mut out,
                    &format!("#### {}（kind = \"{}\"）", l.name, l.kind),
                    "items",
                    l.columns,
                );
            }
        }
    }
    out
}
