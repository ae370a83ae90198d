//! Ledgers (清单、台账) as users see them: list pages, item pages, 台账 merging and 逾期, paging.

use crate::support::*;

fn items(path: &std::path::Path) -> Vec<toml::Table> {
    let t: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    t["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_table().unwrap().clone())
        .collect()
}

#[test]
fn demo_tasks_ledger_merges_cells_and_marks_overdue() {
    let site = TestSite::demo();
    assert_eq!(site.build().code, 0);
    let src = items(&site.path().join("content/lists/xinyang-2016-tasks.toml"));
    let html = site.read_out("lists/xinyang-2016-tasks/index.html");
    // Summary recounted from the TOML.
    let count = |s: &str| {
        src.iter()
            .filter(|i| i.get("status").and_then(|v| v.as_str()) == Some(s))
            .count()
    };
    assert!(
        html.contains(&format!("<dt>任务总数</dt><dd>{}</dd>", src.len())),
        "total"
    );
    assert!(html.contains(&format!("<dt>已完成</dt><dd>{}</dd>", count("已完成"))));
    assert!(html.contains(&format!("<dt>推进中</dt><dd>{}</dd>", count("推进中"))));
    // Consecutive equal 工作任务 cells are merged, as in the seed's table.
    assert!(
        html.contains("rowspan=\"2\" data-key=\"task\"")
            || html.contains("rowspan=\"3\" data-key=\"task\""),
        "no merged task cell"
    );
    // 完成时限 kept as written.
    assert!(html.contains(">2016年12月底<"));
    // Build date 2016-12-01 (tests' SOURCE_DATE_EPOCH): 7月/8月 deadlines not 已完成 are overdue,
    // 12月底 ones are not yet; 已完成 rows never are.
    let rows: Vec<&str> = html.split("<tr").skip(1).collect();
    let overdue_rows = rows
        .iter()
        .filter(|r| r.starts_with(" class=\"overdue\""))
        .count();
    // Pinned for the demo on 2016-12-01: the three rows whose dated deadline has passed and
    // that are not 已完成 (a count of 0 would let a broken overdue rule pass).
    assert_eq!(overdue_rows, 3, "overdue rows on 2016-12-01");
    assert!(
        html.contains("<dt>逾期</dt><dd>3</dd>"),
        "summary and marks agree"
    );
    for r in &rows {
        if r.starts_with(" class=\"overdue\"") {
            assert!(!r.contains(">已完成<"), "a 已完成 row is marked 逾期");
            assert!(
                !r.contains(">2016年12月31日<"),
                "a 12月底 row is overdue on 2016-12-01"
            );
        }
    }
    // Later build date: every row with a date and not 已完成 is overdue.
    let r = gongkai_env(
        &["build", "--output", "late"],
        site.path(),
        &[("SOURCE_DATE_EPOCH", "1514764800")],
    );
    assert_eq!(r.code, 0);
    let late =
        std::fs::read_to_string(site.path().join("late/lists/xinyang-2016-tasks/index.html"))
            .unwrap();
    assert!(
        late.contains("<dt>逾期</dt><dd>24</dd>"),
        "overdue on 2018-01-01"
    );
}

/// A task due on the build date is not overdue yet; due the day before, it is.
#[test]
fn due_on_the_build_date_is_not_overdue() {
    let site = TestSite::new();
    let item = |task: &str, due: &str| {
        format!("[[items]]\ntask = \"{task}\"\nrequirement = \"要求\"\nlead = \"市政府办\"\ndeadline = \"按期完成\"\ndue = {due}\nstatus = \"推进中\"\n\n")
    };
    site.write(
        "content/lists/tasks.toml",
        &format!(
            "[list]\ntitle = \"台账\"\nkind = \"tasks\"\nupdated = 2016-07-01\n\n{}{}{}",
            item("昨天到期", "2016-11-30"),
            item("今天到期", "2016-12-01"),
            item("明天到期", "2016-12-02"),
        ),
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read_out("lists/tasks/index.html");
    assert!(html.contains("<dt>逾期</dt><dd>1</dd>"), "{html}");
    let rows: Vec<&str> = html.split("<tr").skip(1).collect();
    let overdue: Vec<bool> = ["昨天到期", "今天到期", "明天到期"]
        .iter()
        .map(|t| {
            rows.iter()
                .find(|r| r.contains(t))
                .unwrap_or_else(|| panic!("no row {t}"))
                .starts_with(" class=\"overdue\"")
        })
        .collect();
    assert_eq!(overdue, [true, false, false]);
}

#[test]
fn power_items_have_stable_pages_by_code() {
    let site = TestSite::demo();
    assert_eq!(site.build().code, 0);
    let src = items(&site.path().join("content/lists/power-2016.toml"));
    let list = site.read_out("lists/power-2016/index.html");
    for it in &src {
        let code = it["code"].as_str().unwrap();
        let name = it["name"].as_str().unwrap();
        assert!(
            list.contains(&format!("href=\"/lists/power-2016/{code}/\"")),
            "{code} not linked"
        );
        let page = site.read_out(&format!("lists/power-2016/{code}/index.html"));
        assert!(page.contains(name));
        assert!(page.contains(&format!("<th scope=\"row\">事项编码</th><td>{code}</td>")));
        assert!(page.contains(&format!(
            "<th scope=\"row\">权力类型</th><td>{}</td>",
            it["type"].as_str().unwrap()
        )));
    }
    // Standard columns in order with Chinese headers.
    let heads: Vec<&str> = ["事项编码", "事项名称", "权力类型", "实施主体"].to_vec();
    let mut last = 0;
    for h in heads {
        let i = list
            .find(&format!(">{h}</th>"))
            .unwrap_or_else(|| panic!("no column {h}"));
        assert!(i > last, "{h} out of order");
        last = i;
    }
    let index = site.read_out("lists/index.html");
    for l in [
        "权力清单",
        "行政事业性收费目录清单",
        "随机抽查事项清单",
        "工作台账",
    ] {
        assert!(index.contains(l), "lists index lacks {l}");
    }
}

#[test]
fn a_long_list_is_paginated_and_downloads_hold_everything() {
    let site = TestSite::new();
    let mut t =
        String::from("[list]\ntitle = \"权力清单\"\nkind = \"power\"\nupdated = 2016-07-01\n");
    for i in 1..=250 {
        t.push_str(&format!(
            "\n[[items]]\ncode = \"XK-{i:04}\"\nname = \"事项{i}\"\ntype = \"行政许可\"\nbasis = \"《某法》\"\nsubject = \"市局\"\n"
        ));
    }
    site.write("content/lists/power.toml", &t);
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.exists_out("lists/power/page/2/index.html"));
    assert!(site.exists_out("lists/power/page/3/index.html"));
    assert!(!site.exists_out("lists/power/page/4/index.html"));
    let p1 = site.read_out("lists/power/index.html");
    assert_eq!(
        p1.matches("href=\"/lists/power/XK-").count(),
        100,
        "100 rows a page"
    );
    assert!(p1.contains("href=\"/lists/power/page/2/\""));
    assert!(site
        .read_out("lists/power/page/3/index.html")
        .contains("事项250<"));
    assert_eq!(site.read_out("lists/power.csv").lines().count(), 251);
    let json: serde_json::Value = serde_json::from_str(&site.read_out("lists/power.json")).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 250);
    assert!(site.exists_out("lists/power/XK-0250/index.html"));
}
