//! JSON encoding of cty values (state files, `RawState.json`, `DynamicValue.json`).
//!
//! JSON cannot carry unknowns. Objects decode leniently by default in one direction only:
//! [`decode_state`] drops attributes the current type no longer has, as state upgrades need.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::limits::{self, Budget};
use super::types::Type;
use super::value::{Number, Value};
use crate::json_bounds;

/// JSON that does not parse, or does not match the type it is decoded against.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JSON value at {path}: {message}")]
pub struct JsonError {
    /// Where in the value (`inbound.codecs[2]`), or `(root)`.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

/// How to treat object attributes the type does not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extra {
    /// An error: the value must fit the type exactly (a stored identity, [`decode`]).
    Reject,
    /// Left out: stored state may hold attributes removed since ([`decode_state`]).
    Drop,
}

/// Parses JSON text within the bounds of [`limits`]: text nesting deeper than
/// [`limits::MAX_JSON_NESTING`] or holding more than [`limits::MAX_VALUES`] values is refused
/// by a scan before anything is parsed or allocated (serde_json's own recursion limit is the
/// same; the scan words the error and bounds the memory a parse can take).
pub fn parse(bytes: &[u8]) -> Result<Json, JsonError> {
    let bounds = json_bounds::Bounds { nesting: limits::MAX_JSON_NESTING, values: limits::MAX_VALUES };
    json_bounds::parse(bytes, bounds).map_err(|message| JsonError { path: "(root)".into(), message })
}

/// Decodes JSON bytes against `ty`, rejecting unknown object attributes.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, JsonError> {
    from_json(&parse(bytes)?, ty, Extra::Reject)
}

/// Decodes stored state against the current type: attributes removed since are dropped,
/// attributes added since are null.
pub fn decode_state(bytes: &[u8], ty: &Type) -> Result<Value, JsonError> {
    from_json(&parse(bytes)?, ty, Extra::Drop)
}

/// Converts an already parsed JSON value, within the same bounds as the msgpack decoder
/// (nesting, value count, string length: see [`limits`]).
pub fn from_json(j: &Json, ty: &Type, extra: Extra) -> Result<Value, JsonError> {
    let mut path = String::new();
    conv(j, ty, extra, &mut path, &mut Budget::default())
}

fn conv(j: &Json, ty: &Type, extra: Extra, path: &mut String, budget: &mut Budget) -> Result<Value, JsonError> {
    let err = |path: &String, m: String| JsonError { path: if path.is_empty() { "(root)".into() } else { path.clone() }, message: m };
    budget.enter().map_err(|m| err(path, m))?;
    let v = bounded(j, ty, extra, path, budget);
    budget.leave();
    v
}

fn bounded(j: &Json, ty: &Type, extra: Extra, path: &mut String, budget: &mut Budget) -> Result<Value, JsonError> {
    let err = |path: &String, m: String| JsonError { path: if path.is_empty() { "(root)".into() } else { path.clone() }, message: m };
    if j.is_null() {
        return Ok(Value::Null);
    }
    match ty {
        Type::Dynamic => {
            let o = j.as_object().ok_or_else(|| err(path, "dynamic value must be {\"type\",\"value\"}".into()))?;
            let t = o.get("type").ok_or_else(|| err(path, "dynamic value lacks \"type\"".into()))?;
            let inner_ty = Type::from_json(t).map_err(|e| err(path, e.to_string()))?;
            let inner = conv(o.get("value").unwrap_or(&Json::Null), &inner_ty, extra, path, budget)?;
            Ok(Value::Dynamic(inner_ty, Box::new(inner)))
        }
        Type::Bool => match j {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            Json::String(s) if s == "true" || s == "false" => Ok(Value::Bool(s == "true")),
            _ => Err(err(path, format!("expected a bool, found {}", brief(j)))),
        },
        Type::Number => {
            let text = match j {
                Json::Number(n) => n.to_string(),
                Json::String(s) => s.clone(),
                _ => return Err(err(path, format!("expected a number, found {}", brief(j)))),
            };
            limits::check_len("a number", text.len()).map_err(|m| err(path, m))?;
            Number::parse(&text).map(Value::Number).ok_or_else(|| err(path, format!("invalid number {:?}", limits::brief(&text))))
        }
        Type::String => {
            let s = match j {
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                Json::Bool(b) => b.to_string(),
                _ => return Err(err(path, format!("expected a string, found {}", brief(j)))),
            };
            limits::check_len("a string", s.len()).map_err(|m| err(path, m))?;
            Ok(Value::String(s))
        }
        Type::List(et) | Type::Set(et) => {
            let a = j.as_array().ok_or_else(|| err(path, format!("expected an array, found {}", brief(j))))?;
            let mut items = Vec::with_capacity(limits::capacity(a.len()));
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                items.push(conv(x, et, extra, path, budget)?);
                path.truncate(len);
            }
            Ok(if matches!(ty, Type::List(_)) { Value::List(items) } else { Value::Set(items) })
        }
        Type::Tuple(ets) => {
            let a = j.as_array().ok_or_else(|| err(path, format!("expected an array, found {}", brief(j))))?;
            if a.len() != ets.len() {
                return Err(err(path, format!("tuple needs {} elements, got {}", ets.len(), a.len())));
            }
            let mut items = Vec::with_capacity(limits::capacity(a.len()));
            for (i, (x, et)) in a.iter().zip(ets).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                items.push(conv(x, et, extra, path, budget)?);
                path.truncate(len);
            }
            Ok(Value::Tuple(items))
        }
        Type::Map(et) => {
            let o = j.as_object().ok_or_else(|| err(path, format!("expected an object, found {}", brief(j))))?;
            let mut m = BTreeMap::new();
            for (k, x) in o {
                limits::check_len("a map key", k.len()).map_err(|m| err(path, m))?;
                let len = path.len();
                path.push_str(&format!("[{:?}]", limits::brief(k)));
                m.insert(k.clone(), conv(x, et, extra, path, budget)?);
                path.truncate(len);
            }
            Ok(Value::Map(m))
        }
        Type::Object(attrs) => {
            let o = j.as_object().ok_or_else(|| err(path, format!("expected an object, found {}", brief(j))))?;
            let mut m = BTreeMap::new();
            for (k, x) in o {
                let Some(at) = attrs.get(k) else {
                    if extra == Extra::Reject {
                        return Err(err(path, format!("unsupported attribute {:?}", limits::brief(k))));
                    }
                    continue;
                };
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                m.insert(k.clone(), conv(x, at, extra, path, budget)?);
                path.truncate(len);
            }
            budget.count(attrs.len() - m.len()).map_err(|m| err(path, m))?;
            for k in attrs.keys() {
                m.entry(k.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(m))
        }
    }
}

/// A JSON value as an error message quotes it: its kind or its start, never megabytes of it
/// (nor the work of writing them out).
fn brief(j: &Json) -> String {
    match j {
        Json::Array(_) => "an array".into(),
        Json::Object(_) => "an object".into(),
        Json::String(s) => format!("{:?}", limits::brief(s)),
        other => limits::brief(&other.to_string()).to_string(),
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
    fn nesting_200000_deep_is_refused_before_parsing() {
        let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        let e = parse(deep.as_bytes()).unwrap_err();
        assert!(e.message.contains("nested deeper than 127"), "{e}");
        let ty = Type::list(Type::String);
        assert!(decode_state(deep.as_bytes(), &ty).is_err());
        // Unclosed, inside an object, or inside a dynamic value's type: the same.
        let objects = format!("{}1", r#"{"a":"#.repeat(200_000));
        assert!(parse(objects.as_bytes()).unwrap_err().message.contains("nested deeper"));
        let typed = format!(r#"{{"type":{}"string","value":null}}"#, r#"["list","#.repeat(200_000));
        assert!(decode(typed.as_bytes(), &Type::Dynamic).is_err());
        // serde_json's own bound agrees: 127 brackets parse, 128 do not.
        let at = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(at(limits::MAX_JSON_NESTING).as_bytes()).is_ok());
        assert!(serde_json::from_str::<Json>(&at(limits::MAX_JSON_NESTING + 1)).is_err());
        // Brackets inside strings are text, not nesting.
        let text = format!(r#"["{}"]"#, "[{".repeat(200_000));
        assert!(parse(text.as_bytes()).is_ok());
    }

    #[test]
    fn value_nesting_is_bounded_like_msgpack() {
        let (mut ty, mut j) = (Type::String, Json::from("x"));
        for _ in 0..limits::MAX_DEPTH - 1 {
            ty = Type::list(ty);
            j = Json::Array(vec![j]);
        }
        assert!(from_json(&j, &ty, Extra::Reject).is_ok());
        let e = from_json(&Json::Array(vec![j]), &Type::list(ty), Extra::Reject).unwrap_err();
        assert!(e.message.contains("nested deeper than 64"), "{e}");
    }

    #[test]
    fn value_counts_and_string_lengths_are_bounded() {
        let many = format!("[{}0]", "0,".repeat(limits::MAX_VALUES));
        assert!(parse(many.as_bytes()).unwrap_err().message.contains("more than 1048576 values"));
        let ty = Type::list(Type::Number);
        let fits = format!("[{}0]", "0,".repeat(limits::MAX_VALUES - 2));
        assert_eq!(decode(fits.as_bytes(), &ty).unwrap().elements().map(<[Value]>::len), Some(limits::MAX_VALUES - 1));
        let over = format!("[{}0]", "0,".repeat(limits::MAX_VALUES - 1));
        assert!(decode(over.as_bytes(), &ty).unwrap_err().message.contains("values"));
        // An 8 MB string: refused as a string, a number or a map key.
        let long = "7".repeat(8 << 20);
        let e = decode(format!("\"{long}\"").as_bytes(), &Type::String).unwrap_err();
        assert!(e.message.contains("8388608 bytes is longer than the 1048576 allowed"), "{e}");
        assert!(decode(long.as_bytes(), &Type::String).is_err(), "a number written into a string attribute");
        assert!(decode(long.as_bytes(), &Type::Number).is_err());
        assert!(decode(format!("{{\"{long}\":\"v\"}}").as_bytes(), &Type::map(Type::String)).is_err());
        let limit = "a".repeat(limits::MAX_STRING_BYTES);
        assert!(decode(format!("\"{limit}\"").as_bytes(), &Type::String).is_ok());
    }

    #[test]
    fn errors_quote_values_briefly() {
        let long = format!("\"{}\"", "z".repeat(1 << 20));
        let e = decode(long.as_bytes(), &Type::Bool).unwrap_err();
        assert_eq!(e.message, format!("expected a bool, found {:?}", "z".repeat(80)));
        assert_eq!(decode(b"[1]", &Type::String).unwrap_err().message, "expected a string, found an array");
        assert_eq!(decode(b"true", &Type::list(Type::Bool)).unwrap_err().message, "expected an array, found true");
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
