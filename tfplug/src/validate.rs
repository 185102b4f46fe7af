//! Attribute validators, and the walk that runs them over a configuration.
//!
//! Validators are data (not closures) where they can be, so documentation can describe them.
//! Unknown and null values are never validated: Terraform validates again once they are known.

use std::net::{IpAddr, Ipv4Addr};

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::{Attribute, Kind, Nesting};
use super::types::Type;
use super::value::Value;

#[derive(Clone, Debug)]
pub enum Validator {
    /// A string equal to one of these (compared verbatim).
    OneOf(Vec<String>),
    /// A whole number.
    Integer,
    /// A number within `min..=max`.
    IntRange { min: i64, max: i64 },
    /// A number that is a multiple of this.
    MultipleOf(i64),
    /// String length in characters, or number of elements of a collection.
    Length { min: usize, max: usize },
    /// An IPv4 address in dotted-quad form.
    Ipv4,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// An IPv4 or IPv6 network in CIDR notation with no host bits set (`203.0.113.0/24`).
    Cidr,
    /// An absolute URL with an http or https scheme.
    Url,
    /// A UUID (8-4-4-4-12 hex digits).
    Uuid,
    /// A non-negative decimal amount written as a string ("100", "12.50").
    Decimal,
    /// A time of day, `HH:MM` or `HH:MM:SS` with an optional fraction and `Z`.
    TimeOfDay,
    /// No two equal elements in a list.
    Unique,
    /// Every element of a list or set satisfies the inner validator.
    Each(Box<Validator>),
    /// A custom check; `describe` says what is expected, for errors and docs.
    Check { describe: &'static str, check: fn(&Value) -> bool },
}

impl Validator {
    /// What the validator expects of a value of type `ty`, as a sentence fragment ("one of
    /// `a`, `b`", "8 to 128 characters long").
    pub fn describe(&self, ty: &Type) -> String {
        let unit = match ty {
            Type::String => " characters",
            Type::Map(_) | Type::Object(_) => " entries",
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => " elements",
            _ => "",
        };
        match self {
            Validator::OneOf(vs) => {
                let list: Vec<String> = vs.iter().map(|v| format!("`{v}`")).collect();
                format!("one of {}", list.join(", "))
            }
            Validator::Integer => "a whole number within the 64-bit integer range".into(),
            Validator::IntRange { min, max } => format!("between {min} and {max}"),
            Validator::MultipleOf(m) => format!("a multiple of {m}"),
            Validator::Length { min, max } if min == max => format!("exactly {min}{unit} long"),
            Validator::Length { min, max } if *max == usize::MAX => format!("at least {min}{unit} long"),
            Validator::Length { min, max } => format!("{min} to {max}{unit} long"),
            Validator::Ipv4 => "an IPv4 address".into(),
            Validator::IpAddress => "an IP address".into(),
            Validator::Cidr => "a network in CIDR notation without host bits (e.g. `203.0.113.0/24`)".into(),
            Validator::Url => "an absolute URL with a scheme (`https://…`)".into(),
            Validator::Uuid => "a UUID".into(),
            Validator::Decimal => "a non-negative decimal amount as a string (e.g. `\"100.00\"`)".into(),
            Validator::TimeOfDay => "a UTC time of day (`HH:MM` or `HH:MM:SS`)".into(),
            Validator::Unique => "free of duplicates".into(),
            Validator::Each(inner) => {
                format!("a collection whose every element is {}", inner.describe(ty.element().unwrap_or(&Type::Dynamic)))
            }
            Validator::Check { describe, .. } => (*describe).to_string(),
        }
    }

    /// Checks a known, non-null value.
    pub fn check(&self, v: &Value) -> bool {
        match self {
            Validator::OneOf(vs) => v.as_str().is_some_and(|s| vs.iter().any(|x| x == s)),
            Validator::Integer => v.as_number().is_some_and(|n| n.as_i64().is_some()),
            Validator::IntRange { min, max } => match v.as_number() {
                Some(n) => {
                    let f = n.as_f64();
                    f >= *min as f64 && f <= *max as f64
                }
                None => false,
            },
            Validator::MultipleOf(m) => v.as_i64().is_some_and(|i| *m != 0 && i % m == 0),
            Validator::Length { min, max } => {
                let n = match v {
                    Value::String(s) => s.chars().count(),
                    other => match other.elements() {
                        Some(e) => e.len(),
                        None => match other.entries() {
                            Some(m) => m.len(),
                            None => return false,
                        },
                    },
                };
                n >= *min && n <= *max
            }
            Validator::Ipv4 => v.as_str().is_some_and(|s| s.parse::<Ipv4Addr>().is_ok()),
            Validator::IpAddress => v.as_str().is_some_and(|s| s.parse::<IpAddr>().is_ok()),
            Validator::Cidr => v.as_str().is_some_and(is_cidr),
            Validator::Url => v.as_str().is_some_and(is_url),
            Validator::Uuid => v.as_str().is_some_and(is_uuid),
            Validator::Decimal => v.as_str().is_some_and(is_decimal),
            Validator::TimeOfDay => v.as_str().is_some_and(is_time_of_day),
            Validator::Unique => match v.elements() {
                // Unknown elements may still turn out distinct: only known ones can clash.
                Some(e) => e.iter().enumerate().all(|(i, x)| !x.is_wholly_known() || !e[..i].contains(x)),
                None => false,
            },
            Validator::Each(inner) => match v.elements() {
                Some(e) => e.iter().all(|x| x.is_unknown() || x.is_null() || inner.check(x)),
                None => false,
            },
            Validator::Check { check, .. } => check(v),
        }
    }
}

fn is_cidr(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else { return false };
    let Ok(bits) = bits.parse::<u8>() else { return false };
    if bits.to_string().len() != s.len() - addr.len() - 1 {
        return false; // no leading zeros or signs
    }
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) if bits <= 32 => {
            let n = u32::from(a);
            bits == 32 || n & (u32::MAX >> bits) == 0
        }
        Ok(IpAddr::V6(a)) if bits <= 128 => {
            let n = u128::from(a);
            bits == 128 || n & (u128::MAX >> bits) == 0
        }
        _ => false,
    }
}

fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else { return false };
    let scheme_ok = matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https");
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    scheme_ok && !host.is_empty() && !s.chars().any(char::is_whitespace)
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_decimal(s: &str) -> bool {
    let (i, f) = s.split_once('.').unwrap_or((s, ""));
    !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) && f.bytes().all(|b| b.is_ascii_digit()) && !(s.contains('.') && f.is_empty())
}

fn is_time_of_day(s: &str) -> bool {
    let s = s.strip_suffix('Z').unwrap_or(s);
    let (main, frac) = s.split_once('.').unwrap_or((s, "0"));
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let parts: Vec<&str> = main.split(':').collect();
    if !(parts.len() == 2 || parts.len() == 3) || !parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let n = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    n(0) < 24 && n(1) < 60 && n(2) < 60
}

/// Runs every attribute's validators over a configuration value. The value of a sensitive
/// attribute (or of anything inside one) never appears in a message: only what was expected.
pub fn validate_config(attrs: &[Attribute], config: &Value, path: &AttrPath, diags: &mut Diagnostics) {
    validate_attrs(attrs, config, path, false, diags);
}

fn validate_attrs(attrs: &[Attribute], config: &Value, path: &AttrPath, inside_sensitive: bool, diags: &mut Diagnostics) {
    for a in attrs {
        let p = path.join(&a.name);
        let v = config.get(&a.name);
        if v.is_null() || v.is_unknown() {
            continue;
        }
        let sensitive = inside_sensitive || a.sensitive;
        for val in &a.validators {
            if !val.check(v) {
                let expected = val.describe(&a.ty());
                let detail = if sensitive {
                    format!("`{p}` must be {expected} (the value is sensitive and not shown).")
                } else {
                    format!("`{p}` must be {expected}; got {}.", show_attribute(a, v))
                };
                diags.push(Diagnostic::error("Invalid attribute value", detail).at(p.clone()));
            }
        }
        if let Kind::Nested(nesting, children) = &a.kind {
            match nesting {
                Nesting::Single => validate_attrs(children, v, &p, sensitive, diags),
                Nesting::List | Nesting::Set => {
                    for (i, item) in v.elements().unwrap_or(&[]).iter().enumerate() {
                        // Set elements cannot be addressed: point at the set itself.
                        let ip = if *nesting == Nesting::List { p.index(i) } else { p.clone() };
                        validate_attrs(children, item, &ip, sensitive, diags);
                    }
                }
                Nesting::Map => {
                    for (k, item) in v.entries().into_iter().flatten() {
                        validate_attrs(children, item, &p.key(k), sensitive, diags);
                    }
                }
            }
        }
    }
}

/// What messages print in place of a sensitive value.
pub const SENSITIVE: &str = "(sensitive value)";

/// [`show`] for a value of attribute `a`: a sensitive attribute, or a sensitive member of a
/// nested one, reads as [`SENSITIVE`].
pub fn show_attribute(a: &Attribute, v: &Value) -> String {
    show(&redact(a, v))
}

/// `v` (a value of attribute `a`) with every sensitive part replaced by [`SENSITIVE`].
fn redact(a: &Attribute, v: &Value) -> Value {
    if v.is_null() || v.is_unknown() {
        return v.clone();
    }
    if a.sensitive {
        return Value::String(SENSITIVE.into());
    }
    let Kind::Nested(_, children) = &a.kind else { return v.clone() };
    let object = |o: &Value| match o {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), children.iter().find(|c| &c.name == k).map_or_else(|| x.clone(), |c| redact(c, x))))
                .collect(),
        ),
        other => other.clone(),
    };
    match v {
        Value::Object(_) => object(v),
        Value::List(items) => Value::List(items.iter().map(object).collect()),
        Value::Set(items) => Value::Set(items.iter().map(object).collect()),
        Value::Map(m) => Value::Map(m.iter().map(|(k, x)| (k.clone(), object(x))).collect()),
        other => other.clone(),
    }
}

/// A short rendering of a value for error messages. Never for a value that may be sensitive:
/// use [`show_attribute`].
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Unknown(_) => "(known after apply)".into(),
        other => super::json::to_json(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{int, nested, string};

    #[test]
    fn validators() {
        assert!(Validator::Cidr.check(&"203.0.113.0/24".into()));
        assert!(!Validator::Cidr.check(&"203.0.113.1/24".into()));
        assert!(!Validator::Cidr.check(&"203.0.113.0/33".into()));
        assert!(!Validator::Cidr.check(&"203.0.113.0".into()));
        assert!(Validator::Cidr.check(&"2001:db8::/32".into()));
        assert!(Validator::Url.check(&"https://example.com/hook".into()));
        assert!(!Validator::Url.check(&"example.com/hook".into()));
        assert!(!Validator::Url.check(&"ftp://example.com".into()));
        assert!(Validator::Ipv4.check(&"192.0.2.1".into()));
        assert!(!Validator::Ipv4.check(&"192.0.2.256".into()));
        assert!(Validator::Uuid.check(&"6a09cdc3-8948-47f0-aa62-74ac943d6c58".into()));
        assert!(!Validator::Uuid.check(&"6a09cdc3".into()));
        assert!(Validator::Decimal.check(&"100.00".into()));
        assert!(!Validator::Decimal.check(&"-1".into()));
        assert!(!Validator::Decimal.check(&"1.".into()));
        assert!(Validator::TimeOfDay.check(&"08:00".into()));
        assert!(Validator::TimeOfDay.check(&"20:00:00.00Z".into()));
        assert!(!Validator::TimeOfDay.check(&"25:00".into()));
        assert!(Validator::MultipleOf(10).check(&Value::int(30)));
        assert!(!Validator::MultipleOf(10).check(&Value::int(35)));
        assert!(!Validator::Integer.check(&Value::Number(crate::value::Number::Float(1.5))));
        assert!(Validator::Unique.check(&Value::List(vec!["a".into(), "b".into()])));
        assert!(!Validator::Unique.check(&Value::List(vec!["a".into(), "a".into()])));
        assert!(Validator::Unique.check(&Value::List(vec![Value::unknown(), Value::unknown(), "a".into()])), "unknowns may differ");
    }

    #[test]
    fn walk_names_nested_attributes_and_skips_unknowns() {
        let attrs = vec![
            string("name").required().length(3, 10).desc("n"),
            nested("inbound", vec![int("timeout_1xx_secs").optional_computed().between(1, 120).desc("t")]).optional_computed().desc("i"),
        ];
        let cfg = Value::Object(
            [
                ("name".to_string(), Value::unknown()),
                ("inbound".to_string(), Value::Object([("timeout_1xx_secs".to_string(), Value::int(500))].into())),
            ]
            .into(),
        );
        let mut d = Diagnostics::new();
        validate_config(&attrs, &cfg, &AttrPath::root(), &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path.as_ref().unwrap().to_string(), "inbound.timeout_1xx_secs");
        assert!(d[0].detail.contains("between 1 and 120; got 500"), "{}", d[0].detail);
    }
}
