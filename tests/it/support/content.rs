//! Builders for the files of a test site — `site-config.toml`, policies, 解读, pages and
//! ledgers — filled with valid values, so that a test states only the fields it is about.
//!
//! Every builder keeps its keys in a fixed order and edits them in place, so the line of a key
//! does not move when another key changes: `Policy::base().set("written", "2016-02-30")` has
//! `written` on line 6 like the base policy.

/// Quotes `s` as a TOML basic string.
pub fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `key = value` lines; values are raw TOML.
#[derive(Clone, Debug, Default)]
struct Keys(Vec<(String, String)>);

impl Keys {
    fn of(pairs: &[(&str, &str)]) -> Keys {
        Keys(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// Replaces the value of `key` where it stands, or appends it.
    fn set(&mut self, key: &str, raw: &str) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(kv) => kv.1 = raw.to_string(),
            None => self.0.push((key.to_string(), raw.to_string())),
        }
    }

    /// Sets `key` on the line after `after` (moving nothing else but the lines below).
    fn insert_after(&mut self, after: &str, key: &str, raw: &str) {
        self.0.retain(|(k, _)| k != key);
        let i = self.0.iter().position(|(k, _)| k == after);
        let i = i.unwrap_or_else(|| panic!("no key `{after}`")) + 1;
        self.0.insert(i, (key.to_string(), raw.to_string()));
    }

    fn remove(&mut self, key: &str) {
        let before = self.0.len();
        self.0.retain(|(k, _)| k != key);
        assert!(self.0.len() < before, "no key `{key}` to remove");
    }

    /// Renames `key` where it stands (for a misspelt key on the line of the real one).
    fn rename(&mut self, key: &str, new: &str) {
        let kv = self.0.iter_mut().find(|(k, _)| k == key);
        kv.unwrap_or_else(|| panic!("no key `{key}` to rename")).0 = new.to_string();
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn render(&self, out: &mut String) {
        for (k, v) in &self.0 {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
}

/// `site-config.toml`: [`CONFIG`](super::CONFIG) (`[site]` with org_code `TESTORG`), then any
/// other table a test adds, each after a blank line (and its comment, if any).
#[derive(Clone, Debug)]
pub struct Config {
    site: Keys,
    tables: Vec<Table>,
}

#[derive(Clone, Debug)]
struct Table {
    name: String,
    comment: Option<String>,
    keys: Keys,
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

impl Config {
    pub fn new() -> Config {
        Config {
            site: Keys::of(&[
                ("title", "\"测试市人民政府\""),
                ("base_url", "\"https://test.gov.cn\""),
                ("host", "\"测试市人民政府办公室\""),
                ("site_code", "\"0000000001\""),
                ("icp", "\"测ICP备00000001号\""),
                ("police_record", "\"测公网安备00000000000001号\""),
                ("phone", "\"0000-1234567\""),
                ("address", "\"测试市人民路1号\""),
                ("org_code", "\"TESTORG\""),
            ]),
            tables: Vec::new(),
        }
    }

    /// `[site]` without the footer's keys (icp, police_record, phone, address): the five keys
    /// a site needs.
    pub fn short() -> Config {
        Config::new()
            .without("icp")
            .without("police_record")
            .without("phone")
            .without("address")
    }

    /// Sets a `[site]` key on the line after `after`.
    pub fn set_after(mut self, after: &str, key: &str, raw: &str) -> Config {
        self.site.insert_after(after, key, raw);
        self
    }

    /// Sets a `[site]` key to a raw TOML value (in place, or appended).
    pub fn set(mut self, key: &str, raw: &str) -> Config {
        self.site.set(key, raw);
        self
    }

    pub fn without(mut self, key: &str) -> Config {
        self.site.remove(key);
        self
    }

    /// Renames a `[site]` key on its own line.
    pub fn rename(mut self, key: &str, new: &str) -> Config {
        self.site.rename(key, new);
        self
    }

    /// Sets `key` of another table (`check`, `build`, `inspection` …), creating the table
    /// at the end of the file.
    pub fn table(mut self, table: &str, key: &str, raw: &str) -> Config {
        self.table_mut(table).keys.set(key, raw);
        self
    }

    /// An empty table (e.g. `[inspection]`, which turns the site rules on).
    pub fn empty_table(mut self, table: &str) -> Config {
        self.table_mut(table);
        self
    }

    /// A comment line (`# …`) above a table's header.
    pub fn comment(mut self, table: &str, text: &str) -> Config {
        self.table_mut(table).comment = Some(text.to_string());
        self
    }

    fn table_mut(&mut self, table: &str) -> &mut Table {
        let i = match self.tables.iter().position(|t| t.name == table) {
            Some(i) => i,
            None => {
                self.tables.push(Table {
                    name: table.to_string(),
                    comment: None,
                    keys: Keys::default(),
                });
                self.tables.len() - 1
            }
        };
        &mut self.tables[i]
    }

    pub fn render(&self) -> String {
        let mut out = String::from("[site]\n");
        self.site.render(&mut out);
        for t in &self.tables {
            out.push('\n');
            if let Some(c) = &t.comment {
                out.push_str(&format!("# {c}\n"));
            }
            out.push_str(&format!("[{}]\n", t.name));
            t.keys.render(&mut out);
        }
        out
    }
}

/// A Markdown document with TOML front matter: keys in order, then the body.
#[derive(Clone, Debug)]
struct Doc {
    rel: String,
    keys: Keys,
    body: String,
}

impl Doc {
    fn render(&self) -> String {
        let mut out = String::from("+++\n");
        self.keys.render(&mut out);
        out.push_str("+++\n\n");
        out.push_str(&self.body);
        out.push('\n');
        out
    }
}

/// Methods shared by the document builders.
macro_rules! doc_methods {
    () => {
        /// Sets a front-matter key to a raw TOML value (`"…"`, `2016-04-26`, `[…]`), in place
        /// or appended after the last key.
        pub fn set(mut self, key: &str, raw: &str) -> Self {
            self.doc.keys.set(key, raw);
            self
        }

        /// Sets a front-matter key to a string.
        pub fn set_str(self, key: &str, text: &str) -> Self {
            self.set(key, &toml_str(text))
        }

        pub fn without(mut self, key: &str) -> Self {
            self.doc.keys.remove(key);
            self
        }

        /// Renames a key on its own line (a misspelt key).
        pub fn rename(mut self, key: &str, new: &str) -> Self {
            self.doc.keys.rename(key, new);
            self
        }

        /// The Markdown body (a line after the front matter and a blank line).
        pub fn body(mut self, text: &str) -> Self {
            self.doc.body = text.to_string();
            self
        }

        /// The file's path in the site (relative to its root).
        pub fn at(mut self, rel: &str) -> Self {
            self.doc.rel = rel.to_string();
            self
        }

        pub fn rel(&self) -> &str {
            &self.doc.rel
        }

        /// The file's text.
        pub fn render(&self) -> String {
            self.doc.render()
        }
    };
}

/// A valid 主动公开 policy: 索引号 `TESTORG/2016-<serial>`, 发文字号 `测政办发〔2016〕<serial>号`,
/// written 2016-04-20, published 2016-04-26. Its file is `content/policies/2016/<x>.md` with
/// `x` = `a` for serial 1, `b` for 2 … (`p<serial>` past 26).
#[derive(Clone, Debug)]
pub struct Policy {
    doc: Doc,
}

impl Policy {
    pub fn new(serial: u32, title: &str) -> Policy {
        let stem = match serial {
            1..=26 => char::from(b'a' + (serial - 1) as u8).to_string(),
            _ => format!("p{serial}"),
        };
        Policy {
            doc: Doc {
                rel: format!("content/policies/2016/{stem}.md"),
                keys: Keys::of(&[
                    ("title", &toml_str(title)),
                    ("index_no", &format!("\"TESTORG/2016-{serial:05}\"")),
                    ("doc_no", &format!("\"测政办发〔2016〕{serial}号\"")),
                    ("issuer", "\"测试市人民政府办公室\""),
                    ("written", "2016-04-20"),
                    ("published", "2016-04-26"),
                    ("topic", "\"综合政务\\\\政务公开\""),
                    ("category", "\"政策文件\""),
                    ("disclosure", "\"主动公开\""),
                ]),
                body: format!("{title}的正文。"),
            },
        }
    }

    /// The base policy of every check case: serial 1, [`BASE_POLICY_TITLE`](super::BASE_POLICY_TITLE),
    /// `content/policies/2016/a.md`.
    pub fn base() -> Policy {
        Policy::new(1, super::BASE_POLICY_TITLE)
    }

    /// Moves the policy to another year: its folder, 索引号, 发文字号 and dates.
    pub fn year(mut self, year: i32) -> Policy {
        self.doc.rel = self.doc.rel.replace("/2016/", &format!("/{year}/"));
        for key in ["index_no", "doc_no", "written", "published"] {
            if let Some(v) = self.doc.keys.get(key) {
                let v = v.replace("2016", &year.to_string());
                self.doc.keys.set(key, &v);
            }
        }
        self
    }

    /// 公开方式 (`主动公开`, `依申请公开`, `不予公开`).
    pub fn disclosure(self, how: &str) -> Policy {
        self.set_str("disclosure", how)
    }

    doc_methods!();
}

/// A 解读 of one policy (by 索引号), published 2016-04-27, in
/// `content/interpretations/a-jiedu.md`.
#[derive(Clone, Debug)]
pub struct Interpretation {
    doc: Doc,
}

impl Interpretation {
    pub fn new(title: &str, interprets: &str) -> Interpretation {
        Interpretation {
            doc: Doc {
                rel: "content/interpretations/a-jiedu.md".to_string(),
                keys: Keys::of(&[
                    ("title", &toml_str(title)),
                    ("interprets", &format!("[{}]", toml_str(interprets))),
                    ("published", "2016-04-27"),
                ]),
                body: "解读正文。".to_string(),
            },
        }
    }

    /// The 解读 of the base policy (`TESTORG/2016-00001`).
    pub fn of_base() -> Interpretation {
        Interpretation::new(
            &format!("{}解读", super::BASE_POLICY_TITLE),
            "TESTORG/2016-00001",
        )
    }

    doc_methods!();
}

/// A page of `content/pages/<slug>.md` with a title and a line of body.
#[derive(Clone, Debug)]
pub struct Page {
    doc: Doc,
}

impl Page {
    pub fn new(slug: &str, title: &str) -> Page {
        Page {
            doc: Doc {
                rel: format!("content/pages/{slug}.md"),
                keys: Keys::of(&[("title", &toml_str(title))]),
                body: format!("{title}正文。"),
            },
        }
    }

    doc_methods!();
}

/// A ledger (`content/lists/<stem>.toml`): `[list]` keys, then `[[items]]` tables.
#[derive(Clone, Debug)]
pub struct List {
    rel: String,
    meta: Keys,
    items: Vec<Keys>,
}

impl List {
    /// A ledger of `kind` with a title, updated 2016-07-01, and no items.
    pub fn new(stem: &str, kind: &str, title: &str) -> List {
        List {
            rel: format!("content/lists/{stem}.toml"),
            meta: Keys::of(&[
                ("title", &toml_str(title)),
                ("kind", &toml_str(kind)),
                ("updated", "2016-07-01"),
            ]),
            items: Vec::new(),
        }
    }

    /// A 权力清单 with one valid 行政许可 item of the given code.
    pub fn power(stem: &str, code: &str) -> List {
        let mut list = List::new(stem, "power", "测试市权力清单");
        list.meta = Keys::of(&[
            ("title", "\"测试市权力清单\""),
            ("kind", "\"power\""),
            ("department", "\"测试市人民政府办公室\""),
            ("updated", "2016-07-01"),
        ]);
        list.item(&[
            ("code", &toml_str(code)),
            ("name", "\"建设工程规划许可证核发\""),
            ("type", "\"行政许可\""),
            ("basis", "\"《中华人民共和国城乡规划法》第四十条\""),
            ("subject", "\"测试市城乡规划局\""),
        ])
    }

    /// Sets a `[list]` key to a raw TOML value.
    pub fn set(mut self, key: &str, raw: &str) -> List {
        self.meta.set(key, raw);
        self
    }

    /// Adds an item: keys with raw TOML values.
    pub fn item(mut self, keys: &[(&str, &str)]) -> List {
        self.items.push(Keys::of(keys));
        self
    }

    pub fn at(mut self, rel: &str) -> List {
        self.rel = rel.to_string();
        self
    }

    pub fn rel(&self) -> &str {
        &self.rel
    }

    pub fn render(&self) -> String {
        let mut out = String::from("[list]\n");
        self.meta.render(&mut out);
        for item in &self.items {
            out.push_str("\n[[items]]\n");
            item.render(&mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_texts_are_the_classic_ones() {
        assert_eq!(Config::new().render(), super::super::CONFIG);
        assert_eq!(
            Policy::new(7, "甲").render(),
            "+++\ntitle = \"甲\"\nindex_no = \"TESTORG/2016-00007\"\ndoc_no = \"测政办发〔2016〕7号\"\nissuer = \"测试市人民政府办公室\"\nwritten = 2016-04-20\npublished = 2016-04-26\ntopic = \"综合政务\\\\政务公开\"\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\n+++\n\n甲的正文。\n"
        );
        assert_eq!(Policy::new(2, "乙").rel(), "content/policies/2016/b.md");
        assert_eq!(
            Config::new().table("check", "x", "1").render(),
            format!("{}\n[check]\nx = 1\n", super::super::CONFIG)
        );
    }

    #[test]
    fn edits_keep_every_other_line_in_place() {
        let text = Policy::base().set("written", "2016-02-30").render();
        assert_eq!(text.lines().nth(5), Some("written = 2016-02-30"));
        let text = Config::new().rename("address", "adress").render();
        assert_eq!(text.lines().nth(8), Some("adress = \"测试市人民路1号\""));
        let text = Policy::base().without("issuer").render();
        assert_eq!(text.lines().nth(4), Some("written = 2016-04-20"));
    }
}
