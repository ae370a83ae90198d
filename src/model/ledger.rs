//! Ledger values (清单 and 台账): the kinds and their columns, items and cell values.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a column's values are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ColType {
    Text,
    /// A string or a list of strings (shown joined with 、).
    TextList,
    Date,
    Bool,
    /// One of the values in `choices`.
    Choice(&'static [&'static str]),
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub required: bool,
    #[serde(skip)]
    pub ty: ColType,
    /// Shown in the list table (long texts only on the item page).
    pub in_table: bool,
}

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
pub const STATUSES: &[&str] = &["未启动", "推进中", "已完成"];

/// (kind, 中文名, columns as (key, label, required, type, in_table)).
pub type Schema = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, bool, ColType, bool)],
);

use ColType::*;
pub const KINDS: &[Schema] = &[
    (
        "power",
        "权力清单",
        &[
            ("code", "事项编码", true, Text, true),
            ("name", "事项名称", true, Text, true),
            ("type", "权力类型", true, Choice(POWER_TYPES), true),
            ("basis", "实施依据", true, Text, false),
            ("subject", "实施主体", true, Text, true),
            ("responsibilities", "责任事项", false, Text, false),
            ("accountability", "追责情形", false, Text, false),
            ("dept", "承办机构", false, Text, true),
        ],
    ),
    (
        "responsibility",
        "责任清单",
        &[
            ("name", "事项名称", true, Text, true),
            ("duties", "职责", true, Text, true),
            ("dept", "责任部门", true, Text, true),
            ("basis", "依据", false, Text, false),
            ("accountability", "追责情形", false, Text, false),
        ],
    ),
    (
        "fees",
        "行政事业性收费目录清单",
        &[
            ("dept", "部门", true, Text, true),
            ("name", "项目名称", true, Text, true),
            ("standard", "收费标准", true, Text, true),
            ("fund_management", "资金管理方式", false, Text, true),
            ("basis", "政策依据", true, Text, false),
            ("approval_level", "批准级次", false, Text, true),
            ("enterprise_related", "涉企收费", false, Bool, true),
        ],
    ),
    (
        "funds",
        "政府性基金目录清单",
        &[
            ("name", "项目名称", true, Text, true),
            ("fund_management", "资金管理方式", false, Text, true),
            ("basis", "政策依据", true, Text, false),
            ("region", "征收地区", false, Text, true),
            ("collection", "征收方式", false, Text, true),
            ("standard", "征收标准", true, Text, true),
        ],
    ),
    (
        "inspection",
        "随机抽查事项清单",
        &[
            ("name", "抽查事项", true, Text, true),
            ("basis", "抽查依据", true, Text, false),
            ("subject", "抽查主体", true, Text, true),
            ("target", "检查对象", false, Text, true),
            ("content", "检查内容", false, Text, false),
            ("method", "抽查方式", true, Text, true),
            ("ratio", "比例和频次", false, Text, true),
        ],
    ),
    (
        "intermediary",
        "中介服务事项清单",
        &[
            ("name", "中介服务事项名称", true, Text, true),
            ("approval_item", "审批事项", true, Text, true),
            ("approval_dept", "审批部门", false, Text, true),
            ("basis", "设定依据", true, Text, false),
            ("provider", "实施机构", false, Text, true),
        ],
    ),
    (
        "services",
        "公共服务事项清单",
        &[
            ("name", "事项名称", true, Text, true),
            ("basis", "设定依据", true, Text, false),
            ("conditions", "申请条件", false, Text, false),
            ("materials", "办理材料", false, TextList, false),
            ("location", "办理地点", false, Text, true),
            ("unit", "办理机构", true, Text, true),
            ("fee", "收费标准", false, Text, true),
            ("time_limit", "办理时限", false, Text, true),
            ("hours", "办理时间", false, Text, false),
            ("phone", "联系电话", false, Text, true),
            ("process", "办理流程", false, Text, false),
        ],
    ),
    (
        "responses",
        "互动回应",
        &[
            ("received", "收到日期", true, Date, true),
            ("question", "留言内容", true, Text, true),
            ("reply", "答复内容", false, Text, false),
            ("replied", "答复日期", false, Date, true),
            ("dept", "答复单位", false, Text, true),
        ],
    ),
    (
        "negative",
        "负面清单",
        &[
            ("category", "类别", true, Text, true),
            ("name", "事项名称", true, Text, true),
            ("measures", "管理措施", false, Text, true),
            ("basis", "依据", true, Text, false),
        ],
    ),
    (
        "tasks",
        "工作台账",
        &[
            ("seq", "序号", false, Text, true),
            ("group", "分组", false, Text, false),
            ("task", "工作任务", true, Text, true),
            ("requirement", "具体要求", true, Text, true),
            ("lead", "牵头单位", true, TextList, true),
            ("channel", "公开载体", false, Text, false),
            ("deadline", "完成时限", true, Text, true),
            ("due", "到期日期", false, Date, false),
            ("status", "进展状态", false, Choice(STATUSES), true),
            ("progress", "进展情况", false, Text, false),
        ],
    ),
];

/// 中文名 of a kind given by its slug; `清单` for `custom` or an unknown one.
pub fn kind_label(kind: &str) -> &'static str {
    LedgerKind::parse(kind).map_or("清单", LedgerKind::label)
}

/// Which ledger a file is (`kind` in `[list]`). Serialized as its slug, the value written in
/// the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LedgerKind {
    Power,
    Responsibility,
    Fees,
    Funds,
    Inspection,
    Intermediary,
    Services,
    Responses,
    Negative,
    Tasks,
    /// Columns declared by the file itself.
    Custom,
}

impl LedgerKind {
    /// In the order of [`KINDS`], `Custom` last.
    pub const ALL: [LedgerKind; 11] = [
        LedgerKind::Power,
        LedgerKind::Responsibility,
        LedgerKind::Fees,
        LedgerKind::Funds,
        LedgerKind::Inspection,
        LedgerKind::Intermediary,
        LedgerKind::Services,
        LedgerKind::Responses,
        LedgerKind::Negative,
        LedgerKind::Tasks,
        LedgerKind::Custom,
    ];
    /// Its schema in [`KINDS`]; `None` for `Custom`.
    pub fn schema(self) -> Option<&'static Schema> {
        KINDS.get(self as usize)
    }
    /// The value of `kind` in the file, e.g. `power`.
    pub fn slug(self) -> &'static str {
        self.schema().map_or("custom", |k| k.0)
    }
    /// 中文名, e.g. 权力清单; `清单` for a custom one.
    pub fn label(self) -> &'static str {
        self.schema().map_or("清单", |k| k.1)
    }
    pub fn parse(s: &str) -> Option<LedgerKind> {
        LedgerKind::ALL.into_iter().find(|k| k.slug() == s)
    }
}

impl Serialize for LedgerKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

impl PartialEq<&str> for LedgerKind {
    fn eq(&self, other: &&str) -> bool {
        self.slug() == *other
    }
}

impl PartialEq<LedgerKind> for &str {
    fn eq(&self, other: &LedgerKind) -> bool {
        *self == other.slug()
    }
}

/// How many items the ledgers of `kind` hold together (e.g. the 办事服务 count of the
/// 年度报表 and of the inspection pre-flight).
pub fn item_count(lists: &[std::sync::Arc<Ledger>], kind: LedgerKind) -> usize {
    lists
        .iter()
        .filter(|l| l.kind == kind)
        .map(|l| l.items.len())
        .sum()
}

/// One cell's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    List(Vec<String>),
    Bool(bool),
    Date(NaiveDate),
}

impl Value {
    /// How the cell is shown and exported to CSV.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::List(l) => l.join("、"),
            Value::Bool(true) => "是".into(),
            Value::Bool(false) => "否".into(),
            Value::Date(d) => super::cn_date(*d),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// 1-based position in the file.
    pub position: usize,
    /// URL segment: the 事项编码 where the kind has one, else the position.
    pub slug: String,
    pub values: BTreeMap<String, Value>,
    /// Tasks only: due date (from `due`, else parsed from the deadline text).
    pub due: Option<NaiveDate>,
    /// Tasks only: past due at the build date and not 已完成.
    pub overdue: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TaskSummary {
    pub total: usize,
    pub done: usize,
    pub in_progress: usize,
    pub not_started: usize,
    pub overdue: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub source: String,
    pub stem: String,
    pub url: String,
    pub title: String,
    pub kind: LedgerKind,
    pub kind_label: String,
    pub department: Option<String>,
    pub updated: NaiveDate,
    pub description: Option<String>,
    pub columns: Vec<Column>,
    pub items: Vec<Item>,
    pub summary: Option<TaskSummary>,
    /// Old URLs of the ledger page (`aliases` in `[list]`).
    pub aliases: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_schema_table() {
        assert_eq!(LedgerKind::ALL.len(), KINDS.len() + 1);
        for (k, schema) in LedgerKind::ALL.iter().zip(KINDS) {
            assert_eq!(k.slug(), schema.0);
            assert_eq!(LedgerKind::parse(schema.0), Some(*k));
        }
        assert_eq!(LedgerKind::parse("custom"), Some(LedgerKind::Custom));
        assert_eq!(LedgerKind::Custom.label(), "清单");
        assert_eq!(LedgerKind::Tasks.label(), "工作台账");
        assert_eq!(LedgerKind::parse("nope"), None);
        assert_eq!(kind_label("nope"), "清单");
        assert!(LedgerKind::Services == "services" && "tasks" == LedgerKind::Tasks);
        let j = serde_json::to_string(&LedgerKind::Responses).unwrap();
        assert_eq!(j, "\"responses\"");
    }

    #[test]
    fn item_count_sums_the_ledgers_of_one_kind() {
        let ledger = |kind: LedgerKind, n: usize| {
            std::sync::Arc::new(Ledger {
                source: String::new(),
                stem: String::new(),
                url: String::new(),
                title: String::new(),
                kind,
                kind_label: kind.label().into(),
                department: None,
                updated: NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(),
                description: None,
                columns: Vec::new(),
                items: (1..=n)
                    .map(|i| Item {
                        position: i,
                        slug: i.to_string(),
                        values: BTreeMap::new(),
                        due: None,
                        overdue: false,
                    })
                    .collect(),
                summary: None,
                aliases: Vec::new(),
            })
        };
        let lists = [
            ledger(LedgerKind::Services, 2),
            ledger(LedgerKind::Power, 5),
            ledger(LedgerKind::Services, 3),
        ];
        assert_eq!(item_count(&lists, LedgerKind::Services), 5);
        assert_eq!(item_count(&lists, LedgerKind::Responses), 0);
    }
}
