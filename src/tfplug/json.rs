//! JSON encoding of cty values (state files, `RawState.json`, `DynamicValue.json`).
//!
//! JSON cannot carry unknowns. Objects decode leniently by default in one direction only:
//! [`decode_state`] drops attributes the current type no longer has, as state upgrades need.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::types::Type;
use super::value::{Number, Value};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JSON value at {path}: {message}")]
pub struct JsonError {
    pub path: String,
    pub message: String,
}

/// How to treat object attributes the type does not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extra {
    Reject,
    Drop,
}

/// Decodes JSON bytes against `ty`, rejecting unknown object attributes.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, JsonError> {
    let j: Json = serde_json::from_slice(bytes).map_err(|e| JsonError { path: "(root)".into(), message: e.to_string() })?;
    from_json(&j, ty, Extra::Reject)
}

/// Decodes stored state against the current type: attributes removed since are dropped,
/// attributes added since are null.
pub fn decode_state(bytes: &[u8], ty: &Type) -> Result<Value, JsonError> {
    let j: Json = serde_json::from_slice(bytes).map_err(|e| JsonError { path: "(root)".into(), message: e.to_string() })?;
    from_json(&j, ty, Extra::Drop)
}

/// Converts an already parsed JSON value.
pub fn from_json(j: &Json, ty: &Type, extra: Extra) -> Result<Value, JsonError> {
    let mut path = String::new();
    conv(j, ty, extra, &mut path)
}

fn conv(j: &Json, ty: &Type, extra: Extra, path: &mut String) -> Result<Value, JsonError> {
    let err = |path: &String, m: String| JsonError { path: if path.is_empty() { "(root)".into() } else { path.clone() }, message: m };
    if j.is_null() {
        return Ok(Value::Null);
    }
    match ty {
        Type::Dynamic => {
            let o = j.as_object().ok_or_else(|| err(path, "dynamic value must be {\"type\",\"value\"}".into()))?;
            let t = o.get("type").ok_or_else(|| err(path, "dynamic value lacks \"type\"".into()))?;
            let inner_ty = Type::from_json(t).map_err(|e| err(path, e.to_string()))?;
            let inner = conv(o.get("value").unwrap_or(&Json::Null), &inner_ty, extra, path)?;
            Ok(Value::Dynamic(inner_ty, Box::new(inner)))
        }
        Type::Bool => match j {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            Json::String(s) if s == "true" || s == "false" => Ok(Value::Bool(s == "true")),
            _ => Err(err(path, format!("expected a bool, found {j}"))),
        },
        Type::Number => match j {
            Json::Number(n) => {
                let text = n.to_string();
                Number::parse(&text).map(Value::Number).ok_or_else(|| err(path, format!("invalid number {text}")))
            }
            Json::String(s) => Number::parse(s).map(Value::Number).ok_or_else(|| err(path, format!("invalid number {s:?}"))),
            _ => Err(err(path, format!("expected a number, found {j}"))),
        },
        Type::String => match j {
            Json::String(s) => Ok(Value::String(s.clone())),
            Json::Number(n) => Ok(Value::String(n.to_string())),
            Json::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(err(path, format!("expected a string, found {j}"))),
        },
        Type::List(et) | Type::Set(et) => {
            let a = j.as_array().ok_or_else(|| err(path, format!("expected an array, found {j}")))?;
            let mut items = Vec::with_capacity(a.len());
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                items.push(conv(x, et, extra, path)?);
                path.truncate(len);
            }
            Ok(if matches!(ty, Type::List(_)) { Value::List(items) } else { Value::Set(items) })
        }
        Type::Tuple(ets) => {
            let a = j.as_array().ok_or_else(|| err(path, format!("expected an array, found {j}")))?;
            if a.len() != ets.len() {
                return Err(err(path, format!("tuple needs {} elements, got {}", ets.len(), a.len())));
            }
            let mut items = Vec::with_capacity(a.len());
            for (i, (x, et)) in a.iter().zip(ets).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                items.push(conv(x, et, extra, path)?);
                path.truncate(len);
            }
            Ok(Value::Tuple(items))
        }
        Type::Map(et) => {
            let o = j.as_object().ok_or_else(|| err(path, format!("expected an object, found {j}")))?;
            let mut m = BTreeMap::new();
            for (k, x) in o {
                let len = path.len();
                path.push_str(&format!("[{k:?}]"));
                m.insert(k.clone(), conv(x, et, extra, path)?);
                path.truncate(len);
            }
            Ok(Value::Map(m))
        }
        Type::Object(attrs) => {
            let o = j.as_object().ok_or_else(|| err(path, format!("expected an object, found {j}")))?;
            let mut m = BTreeMap::new();
            for (k, x) in o {
                let Some(at) = attrs.get(k) else {
                    if extra == Extra::Reject {
                        return Err(err(path, format!("unsupported attribute {k:?}")));
                    }
                    continue;
                };
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                m.insert(k.clone(), conv(x, at, extra, path)?);
                path.truncate(len);
            }
            for k in attrs.keys() {
                m.entry(k.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(m))
        }
    }
}

/// Encodes a wholly known value as JSON (unknowns become null).
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null | Value::Unknown(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => number_to_json(n),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(m) | Value::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Value::Dynamic(t, inner) => {
            let mut o = serde_json::Map::new();
            o.insert("type".into(), t.to_json());
            o.insert("value".into(), to_json(inner));
            Json::Object(o)
        }
    }
}

/// A cty number as a JSON number (exact: big numbers keep all their digits).
pub fn number_to_json(n: &Number) -> Json {
    match n {
        Number::Int(i) => Json::from(*i),
        Number::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        Number::Big(s) => serde_json::from_str::<serde_json::Number>(s).map(Json::Number).unwrap_or_else(|_| Json::String(s.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_decode_drops_removed_and_fills_added() {
        let ty = Type::object([("id", Type::String), ("port", Type::Number), ("tags", Type::set(Type::String))]);
        let v = decode_state(br#"{"id":"7","port":5060,"old":"x"}"#, &ty).unwrap();
        assert_eq!(v.get("id"), &Value::string("7"));
        assert_eq!(v.get("port"), &Value::int(5060));
        assert_eq!(v.get("tags"), &Value::Null);
        assert!(decode(br#"{"old":1}"#, &ty).is_err());
    }

    #[test]
    fn big_numbers_stay_exact() {
        let v = decode(b"123456789012345678901234567890", &Type::Number).unwrap();
        assert_eq!(v, Value::Number(Number::Big("123456789012345678901234567890".into())));
        assert_eq!(to_json(&v).to_string(), "123456789012345678901234567890");
    }

    #[test]
    fn round_trip() {
        let ty = Type::object([("a", Type::list(Type::Number)), ("d", Type::Dynamic)]);
        let v = Value::Object(
            [
                ("a".to_string(), Value::List(vec![Value::int(1), Value::Number(Number::Float(2.5))])),
                ("d".to_string(), Value::Dynamic(Type::String, Box::new(Value::string("x")))),
            ]
            .into(),
        );
        let j = to_json(&v);
        assert_eq!(from_json(&j, &ty, Extra::Reject).unwrap(), v);
    }
}
