//! Declarative field specifications of Telnyx objects, written from shared/telnyx-api, and
//! the strict validation, defaults and merge rules built on them.

use serde_json::{Map, Value as Json, json};

/// A field's JSON type.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Str,
    Int,
    Num,
    Bool,
    StrList,
    Object(&'static [Field]),
}

/// A documented constraint.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    None,
    OneOf(&'static [&'static str]),
    Range(i64, i64),
    MinLen(usize),
    Uuid,
    Decimal,
    TimeOfDay,
    NonNegative,
    EachCountry,
    EachE164,
}

/// Which requests may carry a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Create and update.
    Both,
    /// Returned only.
    ReadOnly,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
    pub access: Access,
    /// JSON text of the server default when the client does not send the field; "" = null.
    pub default: &'static str,
    pub rule: Rule,
}

pub const fn f(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, nullable: false, access: Access::Both, default: "", rule: Rule::None }
}

impl Field {
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }
    pub const fn default(mut self, json: &'static str) -> Self {
        self.default = json;
        self
    }
    pub const fn rule(mut self, r: Rule) -> Self {
        self.rule = r;
        self
    }
    pub const fn read_only(mut self) -> Self {
        self.access = Access::ReadOnly;
        self
    }

    pub fn default_value(&self) -> Json {
        match self.kind {
            Kind::Object(fields) if self.default.is_empty() => defaults(fields),
            _ if self.default.is_empty() => Json::Null,
            _ => serde_json::from_str(self.default).unwrap_or(Json::Null),
        }
    }
}

/// The default object of a field list.
pub fn defaults(fields: &[Field]) -> Json {
    Json::Object(fields.iter().map(|f| (f.name.to_string(), f.default_value())).collect())
}

/// A 422 finding: JSON pointer and message.
#[derive(Debug, Clone)]
pub struct Invalid {
    pub pointer: String,
    pub title: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
}

/// Validates a request body against the fields for `op`; `required` lists top-level fields
/// that must be present (and non-null).
pub fn validate(body: &Json, fields: &[Field], op: Op, required: &[&str]) -> Result<(), Invalid> {
    let Some(obj) = body.as_object() else {
        return Err(Invalid {
            pointer: "/".into(),
            title: "Invalid request body",
            detail: "The request body must be a JSON object.".into(),
        });
    };
    for r in required {
        if obj.get(*r).is_none_or(Json::is_null) {
            return Err(Invalid {
                pointer: format!("/{r}"),
                title: "Missing required parameter",
                detail: format!("The '{r}' parameter is required."),
            });
        }
    }
    check_object(obj, fields, op, "")
}

fn check_object(obj: &Map<String, Json>, fields: &[Field], op: Op, prefix: &str) -> Result<(), Invalid> {
    for (k, v) in obj {
        let pointer = format!("{prefix}/{k}");
        let Some(f) = fields.iter().find(|f| f.name == k) else {
            return Err(Invalid { pointer, title: "Unknown parameter", detail: format!("'{k}' is not a recognised parameter.") });
        };
        if f.access == Access::ReadOnly {
            return Err(Invalid { pointer, title: "Invalid parameter", detail: format!("'{k}' is read-only.") });
        }
        check_value(v, f, op, &pointer)?;
    }
    Ok(())
}

fn check_value(v: &Json, f: &Field, op: Op, pointer: &str) -> Result<(), Invalid> {
    let bad = |detail: String| Err(Invalid { pointer: pointer.to_string(), title: "Invalid value", detail });
    if v.is_null() {
        return if f.nullable { Ok(()) } else { bad(format!("'{}' may not be null.", f.name)) };
    }
    let type_ok = match f.kind {
        Kind::Str => v.is_string(),
        Kind::Int => v.is_i64() || v.is_u64(),
        Kind::Num => v.is_number(),
        Kind::Bool => v.is_boolean(),
        Kind::StrList => v.as_array().is_some_and(|a| a.iter().all(Json::is_string)),
        Kind::Object(_) => v.is_object(),
    };
    if !type_ok {
        let want = match f.kind {
            Kind::Str => "a string",
            Kind::Int => "an integer",
            Kind::Num => "a number",
            Kind::Bool => "a boolean",
            Kind::StrList => "an array of strings",
            Kind::Object(_) => "an object",
        };
        return bad(format!("'{}' must be {want}.", f.name));
    }
    if let Kind::Object(inner) = f.kind {
        if let Some(o) = v.as_object() {
            return check_object(o, inner, op, pointer);
        }
    }
    let s = v.as_str().unwrap_or("");
    let ok = match f.rule {
        Rule::None => true,
        Rule::OneOf(vals) => vals.contains(&s),
        Rule::Range(lo, hi) => v.as_i64().is_some_and(|i| (lo..=hi).contains(&i)),
        Rule::MinLen(n) => s.chars().count() >= n,
        Rule::Uuid => is_uuid(s),
        Rule::Decimal => is_decimal(s),
        Rule::TimeOfDay => is_time(s),
        Rule::NonNegative => v.as_f64().is_some_and(|x| x >= 0.0),
        Rule::EachCountry => strs(v).all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())),
        Rule::EachE164 => {
            strs(v).all(|c| c.strip_prefix('+').is_some_and(|d| (2..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())))
        }
    };
    if ok {
        return Ok(());
    }
    let expect = match f.rule {
        Rule::OneOf(vals) => format!("one of {}", vals.join(", ")),
        Rule::Range(lo, hi) => format!("between {lo} and {hi}"),
        Rule::MinLen(n) => format!("at least {n} characters long"),
        Rule::Uuid => "a UUID".into(),
        Rule::Decimal => "a decimal amount as a string".into(),
        Rule::TimeOfDay => "a time of day (HH:MM)".into(),
        Rule::NonNegative => "zero or more".into(),
        Rule::EachCountry => "a list of ISO 3166-1 alpha-2 country codes".into(),
        Rule::EachE164 => "a list of E.164 numbers".into(),
        Rule::None => "valid".into(),
    };
    bad(format!("'{}' must be {expect}; got {v}.", f.name))
}

fn strs(v: &Json) -> impl Iterator<Item = &str> {
    v.as_array().into_iter().flatten().filter_map(Json::as_str)
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_decimal(s: &str) -> bool {
    let (i, f) = s.split_once('.').unwrap_or((s, "0"));
    !i.is_empty() && !f.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) && f.bytes().all(|b| b.is_ascii_digit())
}

fn is_time(s: &str) -> bool {
    let s = s.strip_suffix('Z').unwrap_or(s);
    let main = s.split('.').next().unwrap_or("");
    let parts: Vec<&str> = main.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[0] < "24"
        && parts[1] < "60"
}

/// A new object: defaults for every field, overlaid with the request.
pub fn build(fields: &[Field], body: &Json) -> Json {
    let mut out = defaults(fields);
    apply(&mut out, fields, body);
    out
}

/// Applies a request to a stored object. Top-level fields not sent are kept; a nested
/// object that is sent replaces the stored one wholesale (missing fields revert to defaults).
pub fn apply(stored: &mut Json, fields: &[Field], body: &Json) {
    let (Some(dst), Some(src)) = (stored.as_object_mut(), body.as_object()) else { return };
    for (k, v) in src {
        let Some(f) = fields.iter().find(|f| f.name == k) else { continue };
        let value = match (f.kind, v) {
            (Kind::Object(inner), Json::Object(_)) => build(inner, v),
            _ => v.clone(),
        };
        dst.insert(k.clone(), value);
    }
}

/// The standard errors envelope.
pub fn errors(code: &str, title: &str, detail: &str, pointer: Option<&str>) -> Json {
    let mut e = json!({"code": code, "title": title, "detail": detail});
    if let Some(p) = pointer {
        e["source"] = json!({"pointer": p});
    }
    json!({"errors": [e]})
}

#[cfg(test)]
mod tests {
    use super::*;

    const INNER: &[Field] = &[f("a", Kind::Int).rule(Rule::Range(1, 5)).default("3"), f("b", Kind::Str).nullable()];
    const FIELDS: &[Field] = &[
        f("id", Kind::Str).read_only(),
        f("name", Kind::Str).rule(Rule::MinLen(3)),
        f("nested", Kind::Object(INNER)),
        f("once", Kind::Bool).default("false"),
    ];

    #[test]
    fn strict_validation_with_pointers() {
        let ok = json!({"name": "abc", "nested": {"a": 2}});
        assert!(validate(&ok, FIELDS, Op::Create, &["name"]).is_ok());
        let e = validate(&json!({"name": "abc", "nested": {"a": 9}}), FIELDS, Op::Create, &[]).unwrap_err();
        assert_eq!(e.pointer, "/nested/a");
        assert_eq!(validate(&json!({"id": "1"}), FIELDS, Op::Create, &[]).unwrap_err().pointer, "/id");
        assert_eq!(validate(&json!({"nested": {"zz": 1}}), FIELDS, Op::Update, &[]).unwrap_err().pointer, "/nested/zz");
        assert_eq!(validate(&json!({}), FIELDS, Op::Create, &["name"]).unwrap_err().pointer, "/name");
        assert_eq!(validate(&json!({"name": 5}), FIELDS, Op::Create, &[]).unwrap_err().pointer, "/name");
    }

    #[test]
    fn nested_objects_are_replaced_wholesale() {
        let mut o = build(FIELDS, &json!({"name": "abc", "nested": {"a": 1, "b": "x"}}));
        assert_eq!(o["once"], false);
        apply(&mut o, FIELDS, &json!({"nested": {"b": "y"}}));
        assert_eq!(o["nested"], json!({"a": 3, "b": "y"}));
        assert_eq!(o["name"], "abc");
    }
}
