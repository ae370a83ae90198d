//! `site-config.toml`: read into a resolved [`Config`] with defaults applied.

use crate::diagnostics::{Code, Diagnostic};
use crate::fields::Fields;
use chrono::NaiveDate;

/// Whether the site belongs to a government (年报 due 31 March) or a department (31 January).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SiteKind {
    Government,
    Department,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Config {
    pub title: String,
    /// Without a trailing slash, e.g. `https://www.xinyang.gov.cn`.
    pub base_url: String,
    pub language: String,
    pub host: String,
    pub site_code: String,
    pub icp: String,
    pub police_record: String,
    pub phone: String,
    pub address: String,
    pub email: String,
    pub org_code: String,
    pub description: String,
    pub kind: SiteKind,
    pub theme: String,
    pub output: String,
    pub check: CheckConfig,
    /// `[site] conac_id`: 党政机关网站标识 id (empty when the site has none).
    pub conac_id: String,
    /// `[inspection]`: present when the site asks `check` for the 检查指标 site rules.
    pub inspection: Option<InspectionConfig>,
}

/// `[inspection]` in site-config.toml.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct InspectionConfig {
    /// 栏目更新 limits in days, by column name (overriding the defaults by name).
    pub limits: std::collections::BTreeMap<String, i64>,
    /// Declared 公开目录 categories: each must have content (空白栏目).
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CheckConfig {
    /// Allow 身份证号 / mobile numbers in published text (e.g. a site that must publish them).
    pub allow_personal_info: bool,
    pub extra_workdays: Vec<NaiveDate>,
    pub extra_holidays: Vec<NaiveDate>,
    /// Hosts whose `<video>`, `<audio>`, `<iframe>` and images survive sanitizing.
    pub media_hosts: Vec<String>,
}

impl Config {
    /// Host part of the base URL (SiteDomain).
    pub fn domain(&self) -> &str {
        let s = self
            .base_url
            .split_once("://")
            .map(|(_, r)| r)
            .unwrap_or(&self.base_url);
        s.split('/').next().unwrap_or(s)
    }
}

const SITE_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "host",
    "site_code",
    "icp",
    "police_record",
    "phone",
    "address",
    "email",
    "org_code",
    "kind",
    "description",
    "conac_id",
];
const BUILD_KEYS: &[&str] = &["theme", "output"];
const CHECK_KEYS: &[&str] = &[
    "allow_personal_info",
    "extra_workdays",
    "extra_holidays",
    "media_hosts",
];
const INSPECTION_KEYS: &[&str] = &["limits", "columns"];

/// Parses the text of `site-config.toml`. Returns the config when it is usable, and every
/// problem found.
pub fn parse(path: &str, text: &str) -> (Option<Config>, Vec<Diagnostic>) {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return (None, vec![crate::tomlpos::toml_error(path, text, 0, &e)]),
    };
    let mut diags = Vec::new();
    let empty = toml::Table::new();
    let section = |name: &str, diags: &mut Vec<Diagnostic>| -> toml::Table {
        match table.get(name) {
            Some(toml::Value::Table(t)) => t.clone(),
            Some(_) => {
                diags.push(
                    Diagnostic::new(Code::Config, format!("`{name}` 应为表 [{name}]")).at(
                        path,
                        text,
                        text.find(name).unwrap_or(0),
                    ),
                );
                empty.clone()
            }
            None => empty.clone(),
        }
    };
    for key in table.keys() {
        if !["site", "build", "check", "inspection"].contains(&key.as_str()) {
            diags.push(
                Diagnostic::new(Code::UnknownKey, format!("未知配置节 `[{key}]`"))
                    .at(path, text, text.find(key.as_str()).unwrap_or(0))
                    .with_hint("可用配置节：[site]、[build]、[check]、[inspection]"),
            );
        }
    }
    let site_t = section("site", &mut diags);
    let build_t = section("build", &mut diags);
    let check_t = section("check", &mut diags);
    let inspection_t = table
        .get("inspection")
        .map(|_| section("inspection", &mut diags));
    let region = |name: &str| -> std::ops::Range<usize> {
        // A missing section has no keys to point at; its missing keys are reported at 1:1.
        let Some(start) = text.find(&format!("[{name}]")) else {
            return 0..0;
        };
        let end = text[start + 1..]
            .find("\n[")
            .map(|i| start + 1 + i)
            .unwrap_or(text.len());
        start..end
    };

    let mut f = Fields::new(path, text, region("site"), &site_t).with_label("[site]".into());
    let title = f.string("title", true);
    let base_url = f.string("base_url", true);
    let language = f
        .string("language", false)
        .unwrap_or_else(|| "zh-CN".into());
    let host = f.string("host", false).unwrap_or_default();
    let site_code = f.string("site_code", false).unwrap_or_default();
    let icp = f.string("icp", false).unwrap_or_default();
    let police_record = f.string("police_record", false).unwrap_or_default();
    let phone = f.string("phone", false).unwrap_or_default();
    let address = f.string("address", false).unwrap_or_default();
    let email = f.string("email", false).unwrap_or_default();
    let org_code = f.string("org_code", true);
    let description = f.string("description", false).unwrap_or_default();
    let conac_id = f.string("conac_id", false).unwrap_or_default();
    if !conac_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        f.error(
            Code::Config,
            "conac_id",
            format!(
                "conac_id 只能包含英文字母、数字、- 和 _：{}",
                conac_id.escape_debug()
            ),
            Some("例如 conac_id = \"bm41000001\"（党政机关网站标识证书上的编号）".into()),
        );
    }
    let kind = match f
        .one_of("kind", false, &["government", "department"])
        .as_deref()
    {
        Some("department") => SiteKind::Department,
        _ => SiteKind::Government,
    };
    let base_url = match base_url {
        Some(u) => match normalize_base_url(&u) {
            Ok(n) => Some(n),
            Err(why) => {
                f.error(
                    Code::Config,
                    "base_url",
                    format!("base_url 不可用（{why}）：{}", u.escape_debug()),
                    Some("例如 base_url = \"https://www.xinyang.gov.cn\"".into()),
                );
                // The error stops every build; the rest of the config is still checked.
                Some(u)
            }
        },
        None => None,
    };
    diags.extend(f.finish(SITE_KEYS));

    let mut f = Fields::new(path, text, region("build"), &build_t).with_label("[build]".into());
    let theme = f.string("theme", false).unwrap_or_else(|| "default".into());
    let output = f.string("output", false).unwrap_or_else(|| "public".into());
    if !crate::paths::is_safe_segment(&theme) {
        f.error(
            Code::UnsafePath,
            "theme",
            format!("主题名不安全：{theme}"),
            Some("主题名只能是字母、数字和 -".into()),
        );
    }
    diags.extend(f.finish(BUILD_KEYS));

    let mut f = Fields::new(path, text, region("check"), &check_t).with_label("[check]".into());
    let allow_personal_info = f.boolean("allow_personal_info").unwrap_or(false);
    let dates = |f: &mut Fields, key: &str| -> Vec<NaiveDate> {
        match check_t.get(key) {
            None => Vec::new(),
            Some(toml::Value::Array(a)) => a
                .iter()
                .filter_map(|v| match v {
                    toml::Value::Datetime(dt) => dt.date.and_then(|d| {
                        NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
                    }),
                    _ => {
                        f.error(Code::WrongType, key, format!("`{key}` 应为日期数组"), None);
                        None
                    }
                })
                .collect(),
            Some(_) => {
                f.error(Code::WrongType, key, format!("`{key}` 应为日期数组"), None);
                Vec::new()
            }
        }
    };
    let extra_workdays = dates(&mut f, "extra_workdays");
    let extra_holidays = dates(&mut f, "extra_holidays");
    let media_hosts = f.string_list("media_hosts", false).unwrap_or_default();
    diags.extend(f.finish(CHECK_KEYS));
    // [site] values (电话, 地址 …) are shown on every page.
    if !allow_personal_info {
        diags.extend(crate::privacy::personal_data(path, text));
    }

    let inspection = inspection_t.map(|t| {
        let mut f =
            Fields::new(path, text, region("inspection"), &t).with_label("[inspection]".into());
        let mut limits = std::collections::BTreeMap::new();
        match t.get("limits") {
            None => {}
            Some(toml::Value::Table(lt)) => {
                for (name, v) in lt {
                    match v.as_integer() {
                        Some(days) if days > 0 => {
                            limits.insert(name.clone(), days);
                        }
                        _ => f.error(
                            Code::WrongType,
                            "limits",
                            format!("栏目“{name}”的更新期限应为正整数（天数）"),
                            Some("例如 limits = { \"工作动态\" = 14, \"政策文件\" = 183 }".into()),
                        ),
                    }
                }
            }
            Some(_) => f.error(
                Code::WrongType,
                "limits",
                "`limits` 应为表：栏目名 = 天数".into(),
                Some("例如 limits = { \"工作动态\" = 14, \"政策文件\" = 183 }".into()),
            ),
        }
        let columns = f.string_list("columns", false).unwrap_or_default();
        diags.extend(f.finish(INSPECTION_KEYS));
        InspectionConfig { limits, columns }
    });

    let config = match (title, base_url, org_code) {
        (Some(title), Some(base_url), Some(org_code)) => Some(Config {
            title,
            base_url,
            language,
            host,
            site_code,
            icp,
            police_record,
            phone,
            address,
            email,
            org_code,
            description,
            kind,
            theme,
            output,
            check: CheckConfig {
                allow_personal_info,
                extra_workdays,
                extra_holidays,
                media_hosts,
            },
            conac_id,
            inspection,
        }),
        _ => None,
    };
    (config, diags)
}

/// The site's address as every output file uses it: parsed as a browser parses it (WHATWG
/// URL), `http` or `https` only, with a host and without user, password, query or fragment;
/// returned in its normal form (host lower-cased and punycoded) without a trailing slash, so
/// it holds no whitespace, quote or angle bracket.
pub fn normalize_base_url(u: &str) -> Result<String, String> {
    if u != u.trim() || u.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("含有空白或控制字符".into());
    }
    let parsed = url::Url::parse(u).map_err(|e| format!("不是网址：{e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "应以 https:// 或 http:// 开头，而不是 {}:",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("缺少域名".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("不能含有用户名或密码".into());
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("不能含有 ? 或 #".into());
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

impl Config {
    /// 主办单位, or the site title when none is configured.
    pub fn host_or_title(&self) -> String {
        if self.host.is_empty() {
            self.title.clone()
        } else {
            self.host.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_defaults() {
        let (c, d) = parse(
            "site-config.toml",
            "[site]\ntitle = \"某市\"\nbase_url = \"https://a.gov.cn/\"\norg_code = \"X\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let c = c.unwrap();
        assert_eq!(c.base_url, "https://a.gov.cn");
        assert_eq!(c.domain(), "a.gov.cn");
        assert_eq!(c.output, "public");
        assert_eq!(c.kind, SiteKind::Government);
    }

    #[test]
    fn base_url_is_a_web_address_in_normal_form() {
        assert_eq!(
            normalize_base_url("https://WWW.Xinyang.gov.cn/").as_deref(),
            Ok("https://www.xinyang.gov.cn")
        );
        assert_eq!(
            normalize_base_url("https://a.gov.cn/sub/").as_deref(),
            Ok("https://a.gov.cn/sub")
        );
        // Quotes and brackets in the path come out percent-encoded, as a browser sends them.
        assert_eq!(
            normalize_base_url("https://a.gov.cn/\"><x>").as_deref(),
            Ok("https://a.gov.cn/%22%3E%3Cx%3E")
        );
        for bad in [
            "javascript:alert(1)",
            "JavaScript://a.gov.cn/%0aalert(1)",
            "ftp://a.gov.cn",
            "https://",
            "https://a.gov.cn\nSitemap: https://evil.example",
            " https://a.gov.cn",
            "https://user:pw@a.gov.cn",
            "https://a.gov.cn/?q=1",
            "a.gov.cn",
        ] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_keys_are_errors_with_lines() {
        let text = "[site]\ntitle = \"某市\"\nbase_url = \"https://a.gov.cn\"\norg_code = \"X\"\ntitel = \"y\"\n[build]\noutptu = \"x\"\n";
        let (_, d) = parse("site-config.toml", text);
        let got: Vec<_> = d.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(got, vec![("E-UNKNOWN-KEY", 5), ("E-UNKNOWN-KEY", 7)]);
    }
}
