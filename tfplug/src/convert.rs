//! Typed conversion between [`Value`]s and Rust structs, through serde.
//!
//! The bridge is cty's own JSON mapping: null and unknown become `None`, objects become
//! structs, sets and lists become `Vec`/`BTreeSet`. Going back, the schema type shapes the
//! value (every object attribute present).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::diag::Diagnostic;
use super::json::{Extra, from_json, to_json};
use super::types::Type;
use super::value::Value;

/// Reads a typed model out of a value. Unknown values read as `None`.
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, Diagnostic> {
    serde_json::from_value(to_json(v)).map_err(|e| {
        Diagnostic::error(
            "Internal error: unexpected value shape",
            format!("Could not read the value as {}: {e}", std::any::type_name::<T>()),
        )
    })
}

/// Builds a value of type `ty` from a typed model. Fields the type lacks are an error.
pub fn to_value<T: Serialize>(model: &T, ty: &Type) -> Result<Value, Diagnostic> {
    let j = serde_json::to_value(model).map_err(|e| Diagnostic::error("Internal error: model not serialisable", e.to_string()))?;
    from_json(&j, ty, Extra::Reject).map_err(|e| Diagnostic::error("Internal error: model does not match the schema", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeSet;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Inner {
        limit: Option<i64>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Model {
        id: Option<String>,
        name: String,
        tags: Option<BTreeSet<String>>,
        inbound: Option<Inner>,
        rate: Option<f64>,
    }

    #[test]
    fn model_round_trip() {
        let ty = Type::object([
            ("id", Type::String),
            ("name", Type::String),
            ("tags", Type::set(Type::String)),
            ("inbound", Type::object([("limit", Type::Number)])),
            ("rate", Type::Number),
        ]);
        let m = Model {
            id: None,
            name: "x".into(),
            tags: Some(["b".to_string(), "a".to_string()].into()),
            inbound: Some(Inner { limit: Some(4) }),
            rate: Some(0.25),
        };
        let v = to_value(&m, &ty).unwrap();
        assert_eq!(v.get("inbound").get("limit"), &Value::int(4));
        assert_eq!(v.get("tags"), &Value::Set(vec!["a".into(), "b".into()]));
        let back: Model = from_value(&v).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn unknown_reads_as_none_and_bad_shapes_are_errors() {
        let v = Value::Object([("id".to_string(), Value::unknown()), ("name".to_string(), "n".into())].into());
        #[derive(Deserialize)]
        struct Small {
            id: Option<String>,
            name: String,
        }
        let s: Small = from_value(&v).unwrap();
        assert!(s.id.is_none());
        assert_eq!(s.name, "n");
        assert!(from_value::<Small>(&Value::Object(Default::default())).is_err());
    }
}
