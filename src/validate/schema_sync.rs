//! Tests that the parsers which do not yet read `crate::schema` agree with it: the ledger
//! kinds' columns, the enums of the model, and the keys each parser accepts.

use crate::schema::{self, Key, Kind, Type};
use crate::source::{RawData, SourceFile};
use chrono::NaiveDate;

/// A value of every declared key (valid in type, not always in content).
fn sample(keys: &[Key]) -> toml::Table {
    keys.iter()
        .filter(|k| !matches!(k.ty, Type::LedgerItems))
        .map(|k| (k.key.to_string(), value(k.ty)))
        .collect()
}

fn value(ty: Type) -> toml::Value {
    use toml::Value as V;
    match ty {
        Type::String | Type::Strings => V::String("x".into()),
        Type::Blankable => V::String(String::new()),
        Type::Date => V::Datetime("2016-04-26".parse().expect("a date")),
        Type::Int | Type::Count | Type::Positive | Type::Amount => V::Integer(1),
        Type::Bool => V::Boolean(true),
        Type::Enum(values) => V::String(values[0].into()),
        Type::List(t) => V::Array(vec![value(*t)]),
        Type::Row(n) => V::Array(vec![V::Integer(0); n]),
        Type::Table(keys) => V::Table(sample(keys)),
        Type::Tables(keys) => V::Array(vec![V::Table(sample(keys))]),
        Type::Map(t) => V::Table([("a".to_string(), value(*t))].into_iter().collect()),
        Type::LedgerItems => V::Array(Vec::new()),
    }
}

fn raw(path: &str, stem: &str, table: toml::Table) -> RawData {
    let text = toml::to_string(&table).expect("serializable");
    RawData::new(
        SourceFile {
            path: path.into(),
            text: text.into(),
        },
        stem.into(),
        table,
    )
}

fn unknown_keys(diags: &[crate::diagnostics::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.code == "E-UNKNOWN-KEY")
        .map(|d| d.message.clone())
        .collect()
}

fn demo_config() -> crate::config::Config {
    let text = include_str!("../../site-config.toml");
    crate::config::parse("site-config.toml", text)
        .0
        .expect("the demo's config")
}

#[test]
fn ledger_kinds_match_the_ledger_module() {
    use crate::model::ledger::ColType;
    assert_eq!(
        schema::LEDGER_KINDS.len(),
        crate::model::ledger::KINDS.len()
    );
    for (s, (kind, name, cols)) in schema::LEDGER_KINDS.iter().zip(crate::model::ledger::KINDS) {
        assert_eq!((s.kind, s.name), (*kind, *name));
        assert_eq!(s.columns.len(), cols.len(), "{kind}");
        for (k, (key, label, required, ty, _)) in s.columns.iter().zip(cols.iter()) {
            assert_eq!(
                (k.key, k.name, k.required),
                (*key, *label, *required),
                "{kind}"
            );
            let same = match (k.ty, ty) {
                (Type::String, ColType::Text) => true,
                // 完成时限 may be blank, as the seeds have it.
                (Type::Blankable, ColType::Text) => *key == "deadline",
                (Type::Strings, ColType::TextList) => true,
                (Type::Date, ColType::Date) => true,
                (Type::Bool, ColType::Bool) => true,
                (Type::Enum(a), ColType::Choice(b)) => a == *b,
                _ => false,
            };
            assert!(same, "{kind}.{key}: {:?} vs {ty:?}", k.ty);
        }
    }
    assert_eq!(schema::POWER_TYPES, crate::model::ledger::POWER_TYPES);
    assert_eq!(schema::STATUSES, crate::model::ledger::STATUSES);
}

#[test]
fn enums_match_the_model() {
    let forms: Vec<&str> = crate::model::FORMS.iter().map(|f| f.0).collect();
    assert_eq!(schema::FORMS, forms.as_slice());
    for v in schema::VALIDITIES {
        let parsed = crate::model::Validity::parse(v).expect("a validity");
        assert_eq!(parsed.label(), *v);
    }
}

#[test]
fn website_keys_match_the_website_module() {
    assert_eq!(
        schema::names(schema::REPORT_WEBSITE),
        crate::validate::website::keys()
    );
}

#[test]
fn site_config_accepts_exactly_the_declared_keys() {
    let mut t = sample(Kind::SiteConfig.keys());
    let (_, diags) = crate::config::parse(
        "site-config.toml",
        &toml::to_string(&t).expect("serializable"),
    );
    assert_eq!(unknown_keys(&diags), Vec::<String>::new());
    if let Some(toml::Value::Table(site)) = t.get_mut("site") {
        site.insert("titel".into(), toml::Value::String("x".into()));
    }
    let (_, diags) = crate::config::parse(
        "site-config.toml",
        &toml::to_string(&t).expect("serializable"),
    );
    assert_eq!(unknown_keys(&diags).len(), 1);
}

#[test]
fn ledgers_accept_exactly_the_declared_columns() {
    let date = NaiveDate::from_ymd_opt(2016, 7, 1).expect("a date");
    for kind in schema::LEDGER_KINDS {
        let mut list = sample(schema::LIST);
        list.remove("columns");
        list.insert("kind".into(), toml::Value::String(kind.kind.into()));
        let mut t = toml::Table::new();
        t.insert("list".into(), toml::Value::Table(list));
        t.insert(
            "items".into(),
            toml::Value::Array(vec![toml::Value::Table(sample(kind.columns))]),
        );
        let (_, diags) =
            crate::validate::ledger::build(&raw("content/lists/x.toml", "x", t.clone()), date);
        assert_eq!(unknown_keys(&diags), Vec::<String>::new(), "{}", kind.kind);
        if let Some(toml::Value::Array(items)) = t.get_mut("items") {
            if let Some(toml::Value::Table(item)) = items.first_mut() {
                item.insert("nmae".into(), toml::Value::String("x".into()));
            }
        }
        let (_, diags) = crate::validate::ledger::build(&raw("content/lists/x.toml", "x", t), date);
        assert_eq!(unknown_keys(&diags).len(), 1, "{}", kind.kind);
    }
}

#[test]
fn reports_accept_exactly_the_declared_keys() {
    let config = demo_config();
    let date = NaiveDate::from_ymd_opt(2017, 1, 1).expect("a date");
    let mut t = sample(Kind::Report.keys());
    t.insert("year".into(), toml::Value::Integer(2016));
    let (_, diags) = crate::validate::report::build_all(
        &[raw("content/reports/2016.toml", "2016", t.clone())],
        &[],
        &config,
        date,
    );
    assert_eq!(unknown_keys(&diags), Vec::<String>::new());
    for table in ["text", "active", "applications", "review"] {
        let mut t = t.clone();
        if let Some(toml::Value::Table(sub)) = t.get_mut(table) {
            sub.insert("zzz".into(), toml::Value::Integer(0));
        }
        let (_, diags) = crate::validate::report::build_all(
            &[raw("content/reports/2016.toml", "2016", t)],
            &[],
            &config,
            date,
        );
        assert_eq!(unknown_keys(&diags).len(), 1, "[{table}]: {diags:?}");
    }
    let content = crate::validate::website::Content {
        policies: &[],
        interpretations: &[],
        lists: &[],
    };
    let (_, diags) = crate::validate::website::build_all(
        &[raw("content/reports/2016.toml", "2016", t.clone())],
        &config,
        &content,
    );
    assert_eq!(unknown_keys(&diags), Vec::<String>::new());
    if let Some(toml::Value::Table(sub)) = t.get_mut("website") {
        sub.insert("zzz".into(), toml::Value::Integer(0));
    }
    let (_, diags) = crate::validate::website::build_all(
        &[raw("content/reports/2016.toml", "2016", t)],
        &config,
        &content,
    );
    assert_eq!(unknown_keys(&diags).len(), 1, "{diags:?}");
}
