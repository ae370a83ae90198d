//! `gongkai new`: scaffold a policy, interpretation, ledger or whole site with a fresh,
//! unique 索引号 and today's date.

use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum ScaffoldError {
    Exists(PathBuf),
    Io(PathBuf, std::io::Error),
    Load(crate::source::LoadError),
    BadName(String),
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaffoldError::Exists(p) => write!(f, "文件已存在，未覆盖：{}", p.display()),
            ScaffoldError::Io(p, e) => write!(f, "写入 {} 失败：{e}", p.display()),
            ScaffoldError::Load(e) => write!(f, "{e}"),
            ScaffoldError::BadName(n) => write!(f, "文件名不安全：{n}（只能用字母、数字、- 和 _）"),
        }
    }
}

impl std::error::Error for ScaffoldError {}

fn write_new(path: &Path, text: &str) -> Result<PathBuf, ScaffoldError> {
    if path.exists() {
        return Err(ScaffoldError::Exists(path.to_path_buf()));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ScaffoldError::Io(parent.to_path_buf(), e))?;
    }
    std::fs::write(path, text).map_err(|e| ScaffoldError::Io(path.to_path_buf(), e))?;
    Ok(path.to_path_buf())
}

fn check_name(name: &str) -> Result<(), ScaffoldError> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ScaffoldError::BadName(name.to_string()));
    }
    Ok(())
}

/// The next free 索引号 of the year: one past the highest serial used by any policy
/// (published or not).
pub fn next_index_no(org_code: &str, year: i32, used: &[String]) -> String {
    let prefix = format!("{org_code}/{year}-");
    let max = used
        .iter()
        .filter_map(|u| u.strip_prefix(&prefix))
        .filter_map(|s| s.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:05}", max + 1)
}

fn used_index_nos(root: &Path) -> Result<(String, String, Vec<String>), ScaffoldError> {
    let loaded = crate::source::load(root).map_err(ScaffoldError::Load)?;
    let used = loaded
        .docs
        .iter()
        .filter_map(|d| {
            d.table
                .get("index_no")
                .and_then(|v| v.as_str())
                .map(String::from)
        })
        .collect();
    Ok((
        loaded.config.org_code.clone(),
        loaded.config.host_or_title(),
        used,
    ))
}

pub fn policy(
    root: &Path,
    name: &str,
    title: &str,
    today: chrono::NaiveDate,
) -> Result<PathBuf, ScaffoldError> {
    check_name(name)?;
    let year = chrono::Datelike::year(&today);
    let (org, host, used) = used_index_nos(root)?;
    let ix = next_index_no(&org, year, &used);
    let text = format!(
        "+++\ntitle = \"{title}\"\nindex_no = \"{ix}\"\n# doc_no = \"X政办发〔{year}〕1号\"\nissuer = \"{host}\"\nwritten = {today}\npublished = {today}\ntopic = \"综合政务\\\\政务公开\"\ngenre = \"通知\"\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\nvalidity = \"现行有效\"\n+++\n\n正文。\n"
    );
    write_new(
        &root
            .join("content/policies")
            .join(year.to_string())
            .join(format!("{name}.md")),
        &text,
    )
}

pub fn interpretation(
    root: &Path,
    name: &str,
    title: &str,
    interprets: &str,
    today: chrono::NaiveDate,
) -> Result<PathBuf, ScaffoldError> {
    check_name(name)?;
    let text = format!(
        "+++\ntitle = \"{title}\"\ninterprets = [\"{interprets}\"]\npublished = {today}\nform = \"文字\"\ninterpreter = \"\"\n+++\n\n解读正文。\n"
    );
    write_new(
        &root
            .join("content/interpretations")
            .join(format!("{name}.md")),
        &text,
    )
}

pub fn list(
    root: &Path,
    name: &str,
    title: &str,
    kind: &str,
    today: chrono::NaiveDate,
) -> Result<PathBuf, ScaffoldError> {
    check_name(name)?;
    let item = match kind {
        "tasks" => "seq = \"1\"\ntask = \"\"\nrequirement = \"\"\nlead = [\"\"]\ndeadline = \"\"\nstatus = \"未启动\"\n",
        "power" => "code = \"\"\nname = \"\"\ntype = \"行政许可\"\nbasis = \"\"\nsubject = \"\"\n",
        _ => "name = \"\"\n",
    };
    let text = format!("[list]\ntitle = \"{title}\"\nkind = \"{kind}\"\ndepartment = \"\"\nupdated = {today}\n\n[[items]]\n{item}");
    write_new(
        &root.join("content/lists").join(format!("{name}.toml")),
        &text,
    )
}

/// A new, buildable site in `dir`.
pub fn site(dir: &Path, title: &str, today: chrono::NaiveDate) -> Result<PathBuf, ScaffoldError> {
    let year = chrono::Datelike::year(&today);
    let org = "000000000000000000";
    write_new(
        &dir.join("site-config.toml"),
        &format!(
            "[site]\ntitle = \"{title}\"\nbase_url = \"https://www.example.gov.cn\"\nlanguage = \"zh-CN\"\nhost = \"{title}办公室\"\nsite_code = \"\"\nicp = \"\"\npolice_record = \"\"\nphone = \"\"\naddress = \"\"\norg_code = \"{org}\"  # 统一社会信用代码：索引号的前缀\n# conac_id = \"\"  # 党政机关网站标识 id\n\n[build]\ntheme = \"default\"\noutput = \"public\"\n\n# 检查指标：栏目更新、空白栏目、办事指南要素等（docs/inspection.md）\n[inspection]\n# limits = {{ \"工作动态\" = 14 }}\n"
        ),
    )?;
    write_new(
        &dir.join(format!("content/policies/{year}/first.md")),
        &format!("+++\ntitle = \"第一份政策文件\"\nindex_no = \"{org}/{year}-00001\"\nissuer = \"{title}办公室\"\npublished = {today}\ncategory = \"政策文件\"\ndisclosure = \"主动公开\"\n+++\n\n正文。\n"),
    )?;
    write_new(
        &dir.join("content/pages/guide.md"),
        "+++\ntitle = \"政府信息公开指南\"\nslug = \"guide\"\n+++\n\n## 一、主动公开\n\n## 二、依申请公开\n\n## 三、联系方式\n",
    )?;
    // .taplo.toml and the schemas it names: editors check the TOML files as they type.
    for (path, text) in crate::schema::editor_files() {
        write_new(&dir.join(path), &text)?;
    }
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_index_is_one_past_the_highest() {
        let used = vec![
            "X/2016-00007".to_string(),
            "X/2016-00012".to_string(),
            "X/2015-00099".to_string(),
        ];
        assert_eq!(next_index_no("X", 2016, &used), "X/2016-00013");
        assert_eq!(next_index_no("X", 2017, &used), "X/2017-00001");
    }
}
