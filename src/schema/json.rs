//! JSON Schemas (draft 2020-12) derived from the declarations, for editors and forms.
//!
//! A TOML file is checked against them as JSON: TOML dates become `"2016-04-26"` strings
//! (hence `format: date`), tables objects and arrays arrays.

use super::{Key, Kind, Type, LEDGER_KINDS};
use serde_json::{json, Map, Value};

/// The JSON Schema of a file kind: Chinese `title`/`description`, `required`, `enum`,
/// `format: date`; unknown keys are refused (`additionalProperties: false`), as `check` does.
/// Each object also lists its keys in declaration order under `x-order` (an annotation
/// validators ignore), for forms.
pub fn json_schema(kind: Kind) -> Value {
    let mut schema = object(kind.keys());
    let top = schema.as_object_mut().expect("object schema");
    let mut head = Map::new();
    head.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    head.insert("title".into(), json!(kind.title()));
    head.insert("description".into(), json!(kind.description()));
    head.append(top);
    if kind == Kind::List {
        head.insert("allOf".into(), Value::Array(ledger_rules()));
    }
    Value::Object(head)
}

/// The schema of a table with `keys`.
fn object(keys: &[Key]) -> Value {
    let mut props = Map::new();
    for k in keys {
        let mut p = of_type(k.ty, k.required);
        if let Some(o) = p.as_object_mut() {
            // Keys first, so that a reader sees the title before the type.
            let mut head = Map::new();
            head.insert("title".into(), json!(k.name));
            if !k.description.is_empty() {
                head.insert("description".into(), json!(k.description));
            }
            head.append(o);
            p = Value::Object(head);
        }
        props.insert(k.key.into(), p);
    }
    let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.key).collect();
    let mut o = Map::new();
    o.insert("type".into(), json!("object"));
    o.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        o.insert("required".into(), json!(required));
    }
    o.insert("additionalProperties".into(), json!(false));
    // JSON objects have no order; a form shows the keys in the order they are declared.
    o.insert("x-order".into(), json!(super::names(keys)));
    Value::Object(o)
}

/// A non-empty string: blank is as good as absent for a required key.
fn string(required: bool) -> Value {
    if required {
        json!({"type": "string", "minLength": 1, "pattern": "\\S"})
    } else {
        json!({"type": "string"})
    }
}

fn of_type(ty: Type, required: bool) -> Value {
    match ty {
        Type::String => string(required),
        Type::Blankable => string(false),
        Type::Strings => json!({
            "anyOf": [
                string(required),
                {"type": "array", "items": {"type": "string"}, "minItems": u8::from(required)},
            ]
        }),
        Type::Date => json!({"type": "string", "format": "date"}),
        Type::Int => json!({"type": "integer"}),
        Type::Count => json!({"type": "integer", "minimum": 0}),
        Type::Positive => json!({"type": "integer", "minimum": 1}),
        Type::Amount => json!({"type": "number", "minimum": 0}),
        Type::Bool => json!({"type": "boolean"}),
        Type::Enum(values) => json!({"type": "string", "enum": values}),
        Type::List(t) => json!({"type": "array", "items": of_type(*t, false)}),
        Type::Row(n) => json!({
            "type": "array",
            "items": {"type": "integer", "minimum": 0},
            "minItems": n,
            "maxItems": n,
        }),
        Type::Table(keys) => object(keys),
        Type::Tables(keys) => json!({"type": "array", "items": object(keys)}),
        Type::Map(t) => json!({"type": "object", "additionalProperties": of_type(*t, false)}),
        Type::LedgerItems => json!({"type": "array", "items": {"type": "object"}}),
    }
}

/// For each ledger kind: when `[list].kind` is it, the items have its columns.
fn ledger_rules() -> Vec<Value> {
    let mut rules: Vec<Value> = LEDGER_KINDS
        .iter()
        .map(|k| {
            let mut item = object(k.columns);
            if let Some(o) = item.as_object_mut() {
                o.insert("title".into(), json!(k.name));
            }
            json!({
                "if": kind_is(k.kind),
                "then": {"properties": {"items": {"items": item}}},
            })
        })
        .collect();
    // A custom list declares its columns; its items' values are strings or lists of strings.
    rules.push(json!({
        "if": kind_is("custom"),
        "then": {
            "properties": {
                "list": {"required": ["columns"]},
                "items": {"items": {"additionalProperties": of_type(Type::Strings, false)}},
            }
        },
    }));
    rules
}

/// The condition "`[list].kind` is `kind`".
fn kind_is(kind: &str) -> Value {
    json!({
        "properties": {"list": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}},
        "required": ["list"],
    })
}
