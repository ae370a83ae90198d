//! The national format's rows and the keys of a report file, in the order of 国办公开办函〔2021〕30号.

/// Table 三 rows written directly under `[applications]`, before the result groups.
pub(super) const T3_HEAD: [(&str, &str); 2] = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
];
/// 三、本年度办理结果 (一) and (二).
pub(super) const T3_DIRECT: [(&str, &str); 2] = [
    ("disclosed", "（一）予以公开"),
    (
        "partially_disclosed",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
];
pub(super) type Group = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);
/// 三、本年度办理结果 (三) to (六): sub-table key, label, rows.
pub(super) const T3_GROUPS: [Group; 4] = [
    (
        "not_disclosed",
        "（三）不予公开",
        &[
            ("state_secret", "1.属于国家秘密"),
            ("law_prohibited", "2.其他法律行政法规禁止公开"),
            ("security_stability", "3.危及“三安全一稳定”"),
            ("third_party", "4.保护第三方合法权益"),
            ("internal_affairs", "5.属于三类内部事务信息"),
            ("process_info", "6.属于四类过程性信息"),
            ("enforcement_files", "7.属于行政执法案卷"),
            ("query_matters", "8.属于行政查询事项"),
        ],
    ),
    (
        "unable",
        "（四）无法提供",
        &[
            ("not_held", "1.本机关不掌握相关政府信息"),
            ("needs_creation", "2.没有现成信息需要另行制作"),
            ("unclear", "3.补正后申请内容仍不明确"),
        ],
    ),
    (
        "not_processed",
        "（五）不予处理",
        &[
            ("petition", "1.信访举报投诉类申请"),
            ("repeated", "2.重复申请"),
            ("publications", "3.要求提供公开出版物"),
            ("mass_repeated", "4.无正当理由大量反复申请"),
            ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        ],
    ),
    (
        "other",
        "（六）其他处理",
        &[
            (
                "no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ),
            (
                "no_fee",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ),
            ("other", "3.其他"),
        ],
    ),
];
pub(super) const T3_TOTAL: (&str, &str) = ("total", "（七）总计");
pub(super) const T3_RESULTS: &str = "三、本年度办理结果";
pub(super) const T3_FORWARD: (&str, &str) = ("carried_forward", "四、结转下年度继续办理");
/// Table 四 rows under `[review]`.
pub(super) const T4_ROWS: [(&str, &str); 3] = [
    ("reconsideration", "行政复议"),
    ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
    ("litigation_after_review", "行政诉讼（复议后起诉）"),
];

/// `website` is the 政府网站工作年度报表 (`crate::website`).
pub(super) const TOP_KEYS: &[&str] = &[
    "year",
    "text",
    "active",
    "applications",
    "review",
    "website",
];
pub(super) const TEXT_KEYS: &[&str] = &["overview", "problems", "other"];
pub(super) const ACTIVE_KEYS: &[&str] = &[
    "licensing",
    "punishment",
    "enforcement",
    "fees",
    "rules",
    "normative",
];
pub(super) const OVERRIDE_KEYS: &[&str] = &["made", "repealed", "in_force"];
