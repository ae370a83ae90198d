//! The check cases — one per rule — by name: builder calls over the base site where a case is
//! a field or a line, or the folder `tests/fixtures/invalid/<name>/` where the file itself is
//! the point (encodings, invisible characters, copied files, several lines of one body).

use super::*;

/// The site of check case `name`: built here, or laid out from its fixture folder.
pub fn invalid_case(name: &str) -> TestSite {
    built_case(name).unwrap_or_else(|| fixture_site(&format!("invalid/{name}")))
}

/// The base policy with a new body (line 13).
fn body(text: &str) -> TestSite {
    TestSite::base().policy(Policy::base().body(text))
}

/// The base policy with one front-matter key set to a raw TOML value.
fn key(key: &str, raw: &str) -> TestSite {
    TestSite::base().policy(Policy::base().set(key, raw))
}

fn config(config: Config) -> TestSite {
    TestSite::base().config(config)
}

/// The 解读 of the base policy with one key set to a raw TOML value.
fn interpretation(key: &str, raw: &str) -> TestSite {
    TestSite::base().interpretation(Interpretation::of_base().set(key, raw))
}

/// A page `guide` titled 信息公开指南 with a `slug`.
fn guide(slug: &str) -> Page {
    Page::new("guide", "信息公开指南")
        .set_str("slug", slug)
        .body("指南正文。")
}

/// A second policy that collides with an output path of the site.
fn policy_at(rel: &str) -> TestSite {
    TestSite::base().policy(
        Policy::new(2, BASE_POLICY_TITLE)
            .set_str("doc_no", "测政办发〔2016〕1号")
            .at(rel),
    )
}

/// A site of `tests/fixtures/inspection/<name>/` (content only) with its config.
pub fn inspection_site(name: &str) -> TestSite {
    let config = match name {
        "columns" => Config::short()
            .comment(
                "inspection",
                "财政信息 has no default limit: the site sets one.",
            )
            .table("inspection", "limits", "{ \"财政信息\" = 200 }"),
        "guide" => Config::short().empty_table("inspection"),
        "responses" | "validity-dates" => Config::short(),
        "website-report" => Config::short()
            .set_after("site_code", "icp", "\"测ICP备00000001号\"")
            .empty_table("inspection"),
        _ => panic!("no inspection fixture {name}"),
    };
    let dir = fixture(&format!("inspection/{name}"));
    assert!(dir.is_dir(), "fixture inspection/{name} is missing");
    TestSite::copy_of(&dir).config(config)
}

/// The check cases made with builders; `None` for those kept as fixture folders.
pub fn built_case(name: &str) -> Option<TestSite> {
    let site = match name {
        // Front matter.
        "missing-key" => TestSite::base().policy(Policy::base().without("issuer")),
        "unknown-key" => key("summery", "\"本文件的概述。\""),
        "invalid-date" => key("written", "2016-02-30"),
        "date-as-string" => key("published", "\"2016-04-26\""),
        "date-order" => TestSite::base().policy(
            Policy::base()
                .set("written", "2016-04-26")
                .set("published", "2016-04-20"),
        ),
        "empty-value" => key("issuer", "\"  \""),
        "invalid-value" => key("disclosure", "\"部分公开\""),
        "wrong-type" => key("title", "2016"),
        "toml-syntax" => key("title", "\"测试市政务公开工作要点"),
        // A zero-width space, written as a TOML escape.
        "title-invisible" => key("title", "\"\\u200B\""),
        "index-no-prefix" => key("index_no", "\"OTHERORG/2016-00001\""),
        "index-no-format" => key("index_no", "\"TESTORG/abc\""),
        "doc-no-format" => key("doc_no", "\"测政办发(2016)1号\""),
        "late-publication" => key("written", "2016-03-01"),
        "future-published" => TestSite::base().policy(
            Policy::base()
                .without("written")
                .set("published", "2061-04-26"),
        ),
        // site-config.toml.
        "config-unknown-key" => config(Config::new().rename("address", "adress")),
        "config-base-url" => config(Config::new().set("base_url", "\"test.gov.cn\"")),
        "config-missing-theme" => config(Config::new().table("build", "theme", "\"fancy\"")),
        "personal-data-config" => {
            config(Config::new().set("phone", "\"0000-1234567 138&nbsp;1234&nbsp;5678\""))
        }
        // A department with a 2015 policy and no 2015 report.
        "report-missing" => TestSite::base()
            .config(Config::new().set("kind", "\"department\""))
            .policy(Policy::new(1, "测试市2015年政务公开工作要点").year(2015)),
        // References between documents.
        "duplicate-index-no" => TestSite::base()
            .policy(Policy::new(2, "测试市另一个文件").set_str("index_no", "TESTORG/2016-00001")),
        // Full-width digits and a Unicode hyphen: the same 索引号 to a reader.
        "duplicate-index-no-folded" => TestSite::base().policy(
            Policy::new(2, BASE_POLICY_TITLE).set_str("index_no", "TESTORG/２０１６‐０００01"),
        ),
        "interprets-unknown" => interpretation("interprets", "[\"TESTORG/2016-09999\"]"),
        "interprets-duplicate" => interpretation(
            "interprets",
            "[\"TESTORG/2016-00001\", \"TESTORG/2016-00001\"]",
        ),
        "interprets-non-public" => TestSite::base()
            .policy(Policy::new(2, "测试市依申请公开文件").disclosure("依申请公开"))
            .interpretation(
                Interpretation::new(&format!("{BASE_POLICY_TITLE}解读"), "TESTORG/2016-00002")
                    .at("content/interpretations/b-jiedu.md"),
            ),
        "validity-without-date" => key("validity", "\"已废止\""),
        "replaced-by-self" => key("replaced_by", "\"TESTORG/2016-00001\""),
        "replaced-by-unknown" => key("replaced_by", "\"TESTORG/2017-00001\""),
        "replaced-by-cycle" => key("replaced_by", "\"TESTORG/2016-00002\"")
            .policy(Policy::new(2, BASE_POLICY_TITLE).set_str("replaced_by", "TESTORG/2016-00001")),
        "attachment-missing" => key(
            "attachments",
            "[{ title = \"附件1\", file = \"fujian1.pdf\" }]",
        ),
        "interpretation-early" => interpretation("published", "2001-04-27"),
        // Published Fri 2016-09-30, interpreted Tue 2016-10-11: the 4th working day after.
        "late-interpretation" => late_interpretation(),
        // Links and personal data in the body.
        "broken-link" => body("本文件依据[上位文件](../2015/missing.md)制定。"),
        "broken-absolute-link" => body("详见[办事指南](/nowhere/)。"),
        "unsafe-url" => body("[点此](javascript:alert(1))"),
        "personal-id" => body("联系人身份证号：11010519491231002X。"),
        // Output paths.
        "unsafe-slug" => TestSite::base().page(guide("../etc")),
        "slug-reserved" => TestSite::base().page(guide("policies")),
        "slug-duplicate" => TestSite::base().page(guide("guide")).page(
            Page::new("zhinan", "指南")
                .set_str("slug", "guide")
                .body("指南正文。"),
        ),
        "url-conflict-feed" => policy_at("content/policies/atom.xml.md"),
        "url-conflict-facet" => policy_at("content/policies/by-year/2016.md"),
        "url-conflict-ledger" => TestSite::base()
            .list(List::power("power-2016", "TEST-XK-001"))
            .list(List::power("power-2016.csv", "TEST-XK-001")),
        "url-conflict-code" => TestSite::base().list(List::power("power-2016", "index.html")),
        _ => return None,
    };
    Some(site)
}

/// The base policy published Fri 2016-09-30 (written 09-28) and its 解读 on `interpreted`.
fn interpreted_on(interpreted: &str) -> TestSite {
    TestSite::base()
        .policy(
            Policy::base()
                .set("written", "2016-09-28")
                .set("published", "2016-09-30"),
        )
        .interpretation(Interpretation::of_base().set("published", interpreted))
}

fn late_interpretation() -> TestSite {
    interpreted_on("2016-10-11")
}

/// A 解读 on the 3rd working day after its policy: Fri 2016-09-30 → Mon 2016-10-10 counts
/// Sat 8 and Sun 9 (调休 working days) and Mon 10; the 国庆 holiday does not count.
pub fn interpretation_on_the_third_working_day() -> TestSite {
    interpreted_on("2016-10-10")
}
