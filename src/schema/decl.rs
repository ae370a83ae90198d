//! The declarations themselves: every key of every file kind, with its allowed values.

use super::{opt, req, Key, Type};
use Type::*;

/// 公开方式: only 主动公开 is published.
pub const DISCLOSURES: &[&str] = &["主动公开", "依申请公开", "不予公开"];
/// 有效性 of a policy.
pub const VALIDITIES: &[&str] = &["现行有效", "已修改", "已废止", "已失效"];
/// 文件类型 of a policy (feeds Table 二 of the 年报).
pub const DOC_TYPES: &[&str] = &["规章", "行政规范性文件", "其他文件"];
/// 解读形式 of an interpretation.
pub const FORMS: &[&str] = &["文字", "图解", "视频", "音频", "访谈"];
/// 权力类型 of a 权力清单 item.
pub const POWER_TYPES: &[&str] = &[
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
];
/// 进展状态 of a 台账 task.
pub const STATUSES: &[&str] = &["未启动", "推进中", "已完成"];

const ALIASES: Key = opt(
    "aliases",
    "原网址",
    Strings,
    "本页以前的站内网址，例如 [\"/policies/2016/old-slug/\"]；每个旧网址生成一个跳转页",
);

// ---- site-config.toml ----

pub const SITE_SITE: &[Key] = &[
    req("title", "网站名称", String, "例如 信阳市人民政府"),
    req(
        "base_url",
        "网站网址",
        String,
        "网站首页的网址，例如 https://www.xinyang.gov.cn",
    ),
    opt("language", "语言", String, "默认 zh-CN"),
    opt("host", "主办单位", String, "默认与网站名称相同"),
    opt(
        "site_code",
        "网站标识码",
        String,
        "政府网站标识码（SiteIDCode）",
    ),
    opt("icp", "ICP备案号", String, "例如 豫ICP备05017362号"),
    opt(
        "police_record",
        "公安机关备案号",
        String,
        "例如 豫公网安备41150202000001号",
    ),
    opt("phone", "联系电话", String, ""),
    opt("address", "联系地址", String, ""),
    opt("email", "电子邮箱", String, ""),
    req(
        "org_code",
        "机构代码",
        String,
        "统一社会信用代码，每个索引号的第一段",
    ),
    opt(
        "kind",
        "网站类型",
        Enum(&["government", "department"]),
        "government（政府门户网站，默认）或 department（部门网站）",
    ),
    opt("description", "网站简介", String, ""),
    opt(
        "conac_id",
        "党政机关网站标识",
        String,
        "党政机关网站标识证书上的编号，只能包含英文字母、数字、- 和 _",
    ),
];
pub const SITE_BUILD: &[Key] = &[
    opt("theme", "主题", String, "默认 default"),
    opt("output", "输出目录", String, "默认 public"),
];
pub const SITE_CHECK: &[Key] = &[
    opt(
        "allow_personal_info",
        "允许个人信息",
        Bool,
        "为 true 时不检查身份证号、手机号",
    ),
    opt(
        "extra_workdays",
        "调休上班日",
        List(&Date),
        "国务院办公厅节假日安排中的调休上班日，计算工作日时使用",
    ),
    opt(
        "extra_holidays",
        "额外节假日",
        List(&Date),
        "内置日历没有的放假日期",
    ),
    opt(
        "media_hosts",
        "音视频网站",
        Strings,
        "允许嵌入音视频的站外主机名",
    ),
];
pub const SITE_INSPECTION: &[Key] = &[
    opt(
        "limits",
        "栏目更新期限",
        Map(&Positive),
        "栏目名 = 天数，例如 { \"工作动态\" = 14, \"政策文件\" = 183 }",
    ),
    opt("columns", "栏目", Strings, "检查指标中的栏目名"),
];
pub const SITE_CONFIG: &[Key] = &[
    req("site", "网站信息", Table(SITE_SITE), ""),
    opt("build", "生成设置", Table(SITE_BUILD), ""),
    opt("check", "检查设置", Table(SITE_CHECK), ""),
    opt(
        "inspection",
        "检查指标",
        Table(SITE_INSPECTION),
        "写了 [inspection] 时，check 也按检查指标检查栏目更新",
    ),
];

// ---- front matter ----

pub const ATTACHMENT: &[Key] = &[
    req("title", "附件名称", String, ""),
    req(
        "file",
        "文件",
        String,
        "static/ 下或与本文件同目录的文件，例如 /attachments/2016/a.pdf",
    ),
];

pub const POLICY: &[Key] = &[
    req("title", "标题", String, ""),
    req(
        "index_no",
        "索引号",
        String,
        "全站唯一，写作 <机构代码>/<年份>-<流水号>，例如 11411500005397436X/2016-00001",
    ),
    opt(
        "doc_no",
        "发文字号",
        String,
        "GB/T 9704 格式，例如 吉政办发〔2016〕24号",
    ),
    req("issuer", "发文机关", String, ""),
    opt("written", "成文日期", Date, ""),
    req("published", "发布日期", Date, "不能早于成文日期"),
    opt("topic", "主题分类", String, "例如 综合政务\\政务公开"),
    opt("genre", "体裁", String, "通知、意见、办法、决定……"),
    req(
        "category",
        "公开目录",
        String,
        "公开目录分类，例如 规划计划、政策文件、财政信息",
    ),
    req(
        "disclosure",
        "公开方式",
        Enum(DISCLOSURES),
        "只有主动公开的文件会发布",
    ),
    opt("validity", "有效性", Enum(VALIDITIES), "默认 现行有效"),
    opt(
        "doc_type",
        "文件类型",
        Enum(DOC_TYPES),
        "默认 其他文件；计入年报表二",
    ),
    opt(
        "validity_changed",
        "有效性变更日期",
        Date,
        "文件修改、废止或失效的日期；有效性不是现行有效时必填",
    ),
    opt(
        "replaced_by",
        "替代文件",
        String,
        "替代本文件的政策文件的索引号",
    ),
    opt("summary", "内容概述", String, "不写时取正文第一段"),
    opt(
        "attachments",
        "附件",
        Tables(ATTACHMENT),
        "写作 [{ title = \"…\", file = \"…\" }]",
    ),
    opt("effective", "施行日期", Date, "此前页面显示尚未生效"),
    opt("expires", "有效期至", Date, "此后文件视为已失效"),
    opt(
        "reg_no",
        "登记号",
        String,
        "规范性文件统一登记号，例如 豫政规〔2016〕007；行政规范性文件应填写",
    ),
    ALIASES,
];

pub const INTERPRETATION: &[Key] = &[
    req("title", "标题", String, ""),
    req(
        "interprets",
        "解读文件",
        Strings,
        "所解读政策文件的索引号（一个或多个），须为主动公开的文件",
    ),
    req(
        "published",
        "发布日期",
        Date,
        "应在所解读文件发布后 3 个工作日内",
    ),
    opt("form", "解读形式", Enum(FORMS), "默认 文字"),
    opt("interpreter", "解读机关", String, ""),
    opt("disclosure", "公开方式", Enum(DISCLOSURES), "默认 主动公开"),
    opt("summary", "内容概述", String, "不写时取正文第一段"),
    ALIASES,
];

pub const PAGE: &[Key] = &[
    req("title", "标题", String, ""),
    opt(
        "slug",
        "网址名",
        String,
        "只能包含英文字母、数字和 -；默认取文件名",
    ),
    opt("disclosure", "公开方式", Enum(DISCLOSURES), "默认 主动公开"),
    opt("summary", "内容概述", String, "不写时取正文第一段"),
    ALIASES,
];

// ---- ledgers ----

/// One kind of 清单 or 台账 and the columns of its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerKind {
    /// `kind = "…"` in `[list]`.
    pub kind: &'static str,
    /// Its Chinese name.
    pub name: &'static str,
    pub columns: &'static [Key],
}

/// A column of a `kind = "custom"` list.
pub const COLUMN: &[Key] = &[
    req("key", "字段名", String, "事项中使用的键，不能重复"),
    req("label", "列名", String, "表头显示的中文名"),
    opt("required", "必填", Bool, "默认 false"),
];

pub const LIST: &[Key] = &[
    req("title", "标题", String, ""),
    req(
        "kind",
        "清单类型",
        Enum(&[
            "power",
            "responsibility",
            "fees",
            "funds",
            "inspection",
            "intermediary",
            "services",
            "responses",
            "negative",
            "tasks",
            "custom",
        ]),
        "清单类型决定事项有哪些列；custom 时用 columns 声明",
    ),
    opt("department", "责任部门", String, ""),
    req("updated", "更新日期", Date, "页面显示的更新日期"),
    opt("description", "说明", String, ""),
    opt("year", "年度", Int, "默认取更新日期的年份"),
    opt(
        "columns",
        "列",
        Tables(COLUMN),
        "只用于 kind = \"custom\"：[{ key = \"name\", label = \"名称\", required = true }]",
    ),
    ALIASES,
];

pub const LIST_FILE: &[Key] = &[
    req("list", "清单信息", Table(LIST), ""),
    opt("items", "事项", LedgerItems, "每个 [[items]] 是一项"),
];

pub const LEDGER_KINDS: &[LedgerKind] = &[
    LedgerKind {
        kind: "power",
        name: "权力清单",
        columns: &[
            req("code", "事项编码", String, "用于事项网址，全清单唯一"),
            req("name", "事项名称", String, ""),
            req("type", "权力类型", Enum(POWER_TYPES), ""),
            req("basis", "实施依据", String, ""),
            req("subject", "实施主体", String, ""),
            opt("responsibilities", "责任事项", String, ""),
            opt("accountability", "追责情形", String, ""),
            opt("dept", "承办机构", String, ""),
        ],
    },
    LedgerKind {
        kind: "responsibility",
        name: "责任清单",
        columns: &[
            req("name", "事项名称", String, ""),
            req("duties", "职责", String, ""),
            req("dept", "责任部门", String, ""),
            opt("basis", "依据", String, ""),
            opt("accountability", "追责情形", String, ""),
        ],
    },
    LedgerKind {
        kind: "fees",
        name: "行政事业性收费目录清单",
        columns: &[
            req("dept", "部门", String, ""),
            req("name", "项目名称", String, ""),
            req("standard", "收费标准", String, ""),
            opt("fund_management", "资金管理方式", String, ""),
            req("basis", "政策依据", String, ""),
            opt("approval_level", "批准级次", String, ""),
            opt("enterprise_related", "涉企收费", Bool, ""),
        ],
    },
    LedgerKind {
        kind: "funds",
        name: "政府性基金目录清单",
        columns: &[
            req("name", "项目名称", String, ""),
            opt("fund_management", "资金管理方式", String, ""),
            req("basis", "政策依据", String, ""),
            opt("region", "征收地区", String, ""),
            opt("collection", "征收方式", String, ""),
            req("standard", "征收标准", String, ""),
        ],
    },
    LedgerKind {
        kind: "inspection",
        name: "随机抽查事项清单",
        columns: &[
            req("name", "抽查事项", String, ""),
            req("basis", "抽查依据", String, ""),
            req("subject", "抽查主体", String, ""),
            opt("target", "检查对象", String, ""),
            opt("content", "检查内容", String, ""),
            req("method", "抽查方式", String, ""),
            opt("ratio", "比例和频次", String, ""),
        ],
    },
    LedgerKind {
        kind: "intermediary",
        name: "中介服务事项清单",
        columns: &[
            req("name", "中介服务事项名称", String, ""),
            req("approval_item", "审批事项", String, ""),
            opt("approval_dept", "审批部门", String, ""),
            req("basis", "设定依据", String, ""),
            opt("provider", "实施机构", String, ""),
        ],
    },
    LedgerKind {
        kind: "services",
        name: "公共服务事项清单",
        columns: &[
            req("name", "事项名称", String, ""),
            req("basis", "设定依据", String, ""),
            opt("conditions", "申请条件", String, ""),
            opt("materials", "办理材料", Strings, ""),
            opt("location", "办理地点", String, ""),
            req("unit", "办理机构", String, ""),
            opt("fee", "收费标准", String, ""),
            opt("time_limit", "办理时限", String, ""),
            opt("hours", "办理时间", String, ""),
            opt("phone", "联系电话", String, ""),
            opt("process", "办理流程", String, ""),
        ],
    },
    LedgerKind {
        kind: "responses",
        name: "互动回应",
        columns: &[
            req("received", "收到日期", Date, ""),
            req("question", "留言内容", String, ""),
            opt("reply", "答复内容", String, ""),
            opt("replied", "答复日期", Date, ""),
            opt("dept", "答复单位", String, ""),
        ],
    },
    LedgerKind {
        kind: "negative",
        name: "负面清单",
        columns: &[
            req("category", "类别", String, ""),
            req("name", "事项名称", String, ""),
            opt("measures", "管理措施", String, ""),
            req("basis", "依据", String, ""),
        ],
    },
    LedgerKind {
        kind: "tasks",
        name: "工作台账",
        columns: &[
            opt("seq", "序号", String, ""),
            opt("group", "分组", String, ""),
            req("task", "工作任务", String, ""),
            req("requirement", "具体要求", String, ""),
            req("lead", "牵头单位", Strings, "一个或多个单位"),
            opt("channel", "公开载体", String, ""),
            req(
                "deadline",
                "完成时限",
                Blankable,
                "按原文填写，例如 2016年12月底前；可以留空",
            ),
            opt("due", "到期日期", Date, "不写时从完成时限推算"),
            opt("status", "进展状态", Enum(STATUSES), ""),
            opt("progress", "进展情况", String, ""),
        ],
    },
];

// ---- 年报 inputs ----

pub const REPORT_TEXT: &[Key] = &[
    opt("overview", "一、总体情况", String, "Markdown"),
    opt(
        "problems",
        "五、存在的主要问题及改进情况",
        String,
        "Markdown",
    ),
    opt("other", "六、其他需要报告的事项", String, "Markdown"),
];
/// 本年制发 / 本年废止 / 现行有效 given instead of counted from the policies.
pub const REPORT_OVERRIDE: &[Key] = &[
    opt("made", "本年制发件数", Count, ""),
    opt("repealed", "本年废止件数", Count, ""),
    opt("in_force", "现行有效件数", Count, ""),
];
pub const REPORT_ACTIVE: &[Key] = &[
    opt("licensing", "行政许可 本年处理决定数量", Count, ""),
    opt("punishment", "行政处罚 本年处理决定数量", Count, ""),
    opt("enforcement", "行政强制 本年处理决定数量", Count, ""),
    opt(
        "fees",
        "行政事业性收费 本年收费金额（单位：万元）",
        Amount,
        "",
    ),
    opt(
        "rules",
        "规章",
        Table(REPORT_OVERRIDE),
        "不写时从政策文件统计",
    ),
    opt(
        "normative",
        "行政规范性文件",
        Table(REPORT_OVERRIDE),
        "不写时从政策文件统计",
    ),
];
const APPLICANTS: &str = "7 列：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计";
const ROW7: Type = Row(7);
pub const REPORT_NOT_DISCLOSED: &[Key] = &[
    req("state_secret", "1.属于国家秘密", ROW7, APPLICANTS),
    req(
        "law_prohibited",
        "2.其他法律行政法规禁止公开",
        ROW7,
        APPLICANTS,
    ),
    req(
        "security_stability",
        "3.危及“三安全一稳定”",
        ROW7,
        APPLICANTS,
    ),
    req("third_party", "4.保护第三方合法权益", ROW7, APPLICANTS),
    req(
        "internal_affairs",
        "5.属于三类内部事务信息",
        ROW7,
        APPLICANTS,
    ),
    req("process_info", "6.属于四类过程性信息", ROW7, APPLICANTS),
    req("enforcement_files", "7.属于行政执法案卷", ROW7, APPLICANTS),
    req("query_matters", "8.属于行政查询事项", ROW7, APPLICANTS),
];
pub const REPORT_UNABLE: &[Key] = &[
    req("not_held", "1.本机关不掌握相关政府信息", ROW7, APPLICANTS),
    req(
        "needs_creation",
        "2.没有现成信息需要另行制作",
        ROW7,
        APPLICANTS,
    ),
    req("unclear", "3.补正后申请内容仍不明确", ROW7, APPLICANTS),
];
pub const REPORT_NOT_PROCESSED: &[Key] = &[
    req("petition", "1.信访举报投诉类申请", ROW7, APPLICANTS),
    req("repeated", "2.重复申请", ROW7, APPLICANTS),
    req("publications", "3.要求提供公开出版物", ROW7, APPLICANTS),
    req(
        "mass_repeated",
        "4.无正当理由大量反复申请",
        ROW7,
        APPLICANTS,
    ),
    req(
        "confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        ROW7,
        APPLICANTS,
    ),
];
pub const REPORT_OTHER: &[Key] = &[
    req(
        "no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ROW7,
        APPLICANTS,
    ),
    req(
        "no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ROW7,
        APPLICANTS,
    ),
    req("other", "3.其他", ROW7, APPLICANTS),
];
pub const REPORT_APPLICATIONS: &[Key] = &[
    req("new", "一、本年新收政府信息公开申请数量", ROW7, APPLICANTS),
    req(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        ROW7,
        APPLICANTS,
    ),
    req("disclosed", "三（一）予以公开", ROW7, APPLICANTS),
    req(
        "partially_disclosed",
        "三（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ROW7,
        APPLICANTS,
    ),
    req(
        "carried_forward",
        "四、结转下年度继续办理",
        ROW7,
        APPLICANTS,
    ),
    req(
        "not_disclosed",
        "三（三）不予公开",
        Table(REPORT_NOT_DISCLOSED),
        "",
    ),
    req("unable", "三（四）无法提供", Table(REPORT_UNABLE), ""),
    req(
        "not_processed",
        "三（五）不予处理",
        Table(REPORT_NOT_PROCESSED),
        "",
    ),
    req("other", "三（六）其他处理", Table(REPORT_OTHER), ""),
    opt(
        "total",
        "三（七）总计",
        ROW7,
        "不写时由（一）至（六）相加；写了则须等于其和",
    ),
];
const OUTCOMES: &str = "5 列：结果维持、结果纠正、其他结果、尚未审结、总计";
pub const REPORT_REVIEW: &[Key] = &[
    req("reconsideration", "行政复议", Row(5), OUTCOMES),
    req(
        "litigation_direct",
        "行政诉讼（未经复议直接起诉）",
        Row(5),
        OUTCOMES,
    ),
    req(
        "litigation_after_review",
        "行政诉讼（复议后起诉）",
        Row(5),
        OUTCOMES,
    ),
];
/// 政府网站工作年度报表 rows (国办函〔2018〕12号); rows the content can tell are counted when absent.
pub const REPORT_WEBSITE: &[Key] = &[
    opt("visitors", "独立用户访问总量（单位：个）", Int, ""),
    opt("visits", "网站总访问量（单位：次）", Int, ""),
    opt("published", "信息发布 总数（单位：条）", Int, ""),
    opt("overview_updates", "概况类信息更新量", Int, ""),
    opt("news_updates", "政务动态信息更新量", Int, ""),
    opt("catalog_updates", "信息公开目录信息更新量", Int, ""),
    opt("special_columns", "专栏专题 维护数量（单位：个）", Int, ""),
    opt(
        "new_special_columns",
        "专栏专题 新开设数量（单位：个）",
        Int,
        "",
    ),
    opt("interpretations", "解读信息发布总数（单位：条）", Int, ""),
    opt(
        "interpretation_materials",
        "其中：解读材料数量（单位：条）",
        Int,
        "",
    ),
    opt(
        "interpretation_products",
        "解读产品数量（单位：个）",
        Int,
        "",
    ),
    opt("media_comments", "媒体评论文章数量（单位：篇）", Int, ""),
    opt(
        "hot_responses",
        "回应公众关注热点或重大舆情数量（单位：次）",
        Int,
        "",
    ),
    opt("service_catalog", "是否发布服务事项目录", Bool, ""),
    opt("registered_users", "注册用户数（单位：个）", Int, ""),
    opt("service_items", "政务服务事项数量（单位：项）", Int, ""),
    opt(
        "online_items",
        "可全程在线办理政务服务事项数量（单位：项）",
        Int,
        "",
    ),
    opt(
        "cases",
        "办件量 总数（单位：件）",
        Int,
        "等于自然人办件量与法人办件量之和",
    ),
    opt("cases_person", "其中：自然人办件量（单位：件）", Int, ""),
    opt("cases_legal", "法人办件量（单位：件）", Int, ""),
    opt("unified_platform", "是否使用统一平台", Bool, ""),
    opt(
        "messages_received",
        "留言办理 收到留言数量（单位：条）",
        Int,
        "",
    ),
    opt("messages_done", "办结留言数量（单位：条）", Int, ""),
    opt("reply_days", "平均办理时间（单位：天）", String, ""),
    opt("messages_public", "公开答复数量（单位：条）", Int, ""),
    opt("surveys", "征集调查 征集调查期数（单位：期）", Int, ""),
    opt("survey_opinions", "收到意见数量（单位：条）", Int, ""),
    opt("survey_results", "公布调查结果期数（单位：期）", Int, ""),
    opt("interviews", "在线访谈 访谈期数（单位：期）", Int, ""),
    opt("interview_messages", "网民留言数量（单位：条）", Int, ""),
    opt("interview_answers", "答复网民提问数量（单位：条）", Int, ""),
    opt("smart_qa", "是否提供智能问答", Bool, ""),
    opt("assessments", "安全检测评估次数（单位：次）", Int, ""),
    opt("problems_found", "发现问题数量（单位：个）", Int, ""),
    opt(
        "problems_fixed",
        "问题整改数量（单位：个）",
        Int,
        "不能多于发现问题数量",
    ),
    opt("monitoring", "是否建立安全监测预警机制", Bool, ""),
    opt("drills", "是否开展应急演练", Bool, ""),
    opt("security_officer", "是否明确网站安全责任人", Bool, ""),
    opt("new_media", "是否有移动新媒体", Bool, ""),
    opt("weibo_name", "微博 名称", String, ""),
    opt("weibo_posts", "微博 信息发布量（单位：条）", Int, ""),
    opt("weibo_followers", "微博 关注量（单位：个）", Int, ""),
    opt("wechat_name", "微信 名称", String, ""),
    opt("wechat_posts", "微信 信息发布量（单位：条）", Int, ""),
    opt("wechat_subscribers", "微信 订阅数（单位：个）", Int, ""),
    opt("other_media", "其他移动新媒体", String, ""),
    opt("innovation", "创新发展", Strings, ""),
    opt("head", "单位负责人", String, ""),
    opt("reviewer", "审核人", String, ""),
    opt("filler", "填报人", String, ""),
    opt("phone", "联系电话", String, ""),
    opt("filled", "填报日期", Date, ""),
];
pub const REPORT: &[Key] = &[
    req(
        "year",
        "年度",
        Positive,
        "与文件名一致，例如 2016.toml 写 year = 2016",
    ),
    opt(
        "text",
        "正文",
        Table(REPORT_TEXT),
        "年报一、五、六部分的文字",
    ),
    opt(
        "active",
        "二、主动公开政府信息情况",
        Table(REPORT_ACTIVE),
        "",
    ),
    opt(
        "applications",
        "三、收到和处理政府信息公开申请情况",
        Table(REPORT_APPLICATIONS),
        "",
    ),
    opt(
        "review",
        "四、政府信息公开行政复议、行政诉讼情况",
        Table(REPORT_REVIEW),
        "",
    ),
    opt(
        "website",
        "政府网站工作年度报表",
        Table(REPORT_WEBSITE),
        "国办函〔2018〕12号；内容能统计的行不写时自动统计",
    ),
];
