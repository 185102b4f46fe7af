//! cty types and their compact JSON form (`"string"`, `["list","number"]`, `["object",{…}]`).
//!
//! Every value on the wire is decoded against one of these: msgpack alone cannot tell an
//! object from a map, or a list from a set.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value as Json;

/// A cty type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `bool`.
    Bool,
    /// `number`: arbitrary precision (see [`Number`](crate::value::Number)).
    Number,
    /// `string`.
    String,
    /// DynamicPseudoType: the concrete type travels with the value.
    Dynamic,
    /// An ordered list of one element type.
    List(Box<Type>),
    /// An unordered set of one element type.
    Set(Box<Type>),
    /// A map from strings to one element type.
    Map(Box<Type>),
    /// An object: named attributes, each of its own type.
    Object(BTreeMap<String, Type>),
    /// A tuple: a fixed sequence of element types.
    Tuple(Vec<Type>),
}

impl Type {
    /// A list of `t`.
    pub fn list(t: Type) -> Self {
        Type::List(Box::new(t))
    }
    /// A set of `t`.
    pub fn set(t: Type) -> Self {
        Type::Set(Box::new(t))
    }
    /// A map of `t`.
    pub fn map(t: Type) -> Self {
        Type::Map(Box::new(t))
    }
    /// An object of the named attribute types.
    pub fn object<I, K>(attrs: I) -> Self
    where
        I: IntoIterator<Item = (K, Type)>,
        K: Into<String>,
    {
        Type::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The element type of a list, set or map.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// Whether `dynamic` occurs anywhere inside this type.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Object(a) => a.values().any(Type::has_dynamic),
            Type::Tuple(e) => e.iter().any(Type::has_dynamic),
            _ => false,
        }
    }

    /// The type's compact JSON form, as Terraform reads it in `Schema.Attribute.type`.
    pub fn to_json(&self) -> Json {
        match self {
            Type::Bool => Json::from("bool"),
            Type::Number => Json::from("number"),
            Type::String => Json::from("string"),
            Type::Dynamic => Json::from("dynamic"),
            Type::List(t) => Json::Array(vec!["list".into(), t.to_json()]),
            Type::Set(t) => Json::Array(vec!["set".into(), t.to_json()]),
            Type::Map(t) => Json::Array(vec!["map".into(), t.to_json()]),
            Type::Object(attrs) => {
                let m = attrs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
                Json::Array(vec!["object".into(), Json::Object(m)])
            }
            Type::Tuple(elems) => Json::Array(vec!["tuple".into(), Json::Array(elems.iter().map(Type::to_json).collect())]),
        }
    }

    /// The bytes Terraform expects in `Schema.Attribute.type`.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses the compact JSON form. Optional-attribute lists on object types are accepted
    /// and ignored (they only matter for type constraints).
    pub fn from_json(j: &Json) -> Result<Type, TypeError> {
        match j {
            Json::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(TypeError(format!("unknown primitive type {other:?}"))),
            },
            Json::Array(parts) => {
                let kind = parts.first().and_then(Json::as_str).ok_or_else(|| TypeError("type array must start with a kind".into()))?;
                let arg = parts.get(1).ok_or_else(|| TypeError(format!("{kind} type needs an argument")))?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json(arg)?)),
                    "set" => Ok(Type::set(Type::from_json(arg)?)),
                    "map" => Ok(Type::map(Type::from_json(arg)?)),
                    "object" => {
                        let attrs = arg.as_object().ok_or_else(|| TypeError("object type needs a JSON object".into()))?;
                        let mut out = BTreeMap::new();
                        for (k, v) in attrs {
                            out.insert(k.clone(), Type::from_json(v)?);
                        }
                        Ok(Type::Object(out))
                    }
                    "tuple" => {
                        let elems = arg.as_array().ok_or_else(|| TypeError("tuple type needs a JSON array".into()))?;
                        Ok(Type::Tuple(elems.iter().map(Type::from_json).collect::<Result<_, _>>()?))
                    }
                    other => Err(TypeError(format!("unknown type kind {other:?}"))),
                }
            }
            other => Err(TypeError(format!("not a type: {other}"))),
        }
    }

    /// Parses a type from its JSON bytes, as the protocol carries schema types.
    pub fn from_json_bytes(b: &[u8]) -> Result<Type, TypeError> {
        let j: Json = super::json::parse(b).map_err(|e| TypeError(e.message))?;
        Type::from_json(&j)
    }

    /// A short human name used in error messages ("list of string").
    pub fn friendly(&self) -> String {
        match self {
            Type::Bool => "bool".into(),
            Type::Number => "number".into(),
            Type::String => "string".into(),
            Type::Dynamic => "any value".into(),
            Type::List(t) => format!("list of {}", t.friendly()),
            Type::Set(t) => format!("set of {}", t.friendly()),
            Type::Map(t) => format!("map of {}", t.friendly()),
            Type::Object(_) => "object".into(),
            Type::Tuple(_) => "tuple".into(),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// A type that could not be parsed from its JSON form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid type: {0}")]
pub struct TypeError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        let t = Type::object([
            ("a", Type::String),
            ("b", Type::list(Type::Number)),
            ("c", Type::map(Type::set(Type::Bool))),
            ("d", Type::Tuple(vec![Type::Dynamic, Type::String])),
        ]);
        let text = t.to_json().to_string();
        assert_eq!(
            text,
            r#"["object",{"a":"string","b":["list","number"],"c":["map",["set","bool"]],"d":["tuple",["dynamic","string"]]}]"#
        );
        assert_eq!(Type::from_json_bytes(text.as_bytes()).unwrap(), t);
    }

    #[test]
    fn optional_attribute_list_is_accepted() {
        let t = Type::from_json_bytes(br#"["object",{"a":"string"},["a"]]"#).unwrap();
        assert_eq!(t, Type::object([("a", Type::String)]));
    }

    #[test]
    fn rejects_garbage() {
        assert!(Type::from_json_bytes(br#""strin""#).is_err());
        assert!(Type::from_json_bytes(br#"["list"]"#).is_err());
        assert!(Type::from_json_bytes(br#"42"#).is_err());
    }
}
