//! Attribute validators, and the walk that runs them over a configuration.
//!
//! A validator is anything that implements [`AttributeValidator`] (terraform-plugin-framework's
//! `schema/validator` idea, one trait for every value type since values here are dynamic): the
//! built-in checks are the variants of [`Validator`], plain data so that messages and docs can
//! describe them, and a resource adds its own by implementing the trait, without touching this
//! crate. Unknown and null values are never validated: Terraform validates again once they are
//! known.
//!
//! The walk recurses into nested attributes: into a single nested object by name, a list's
//! elements by index (`rules[2].name`) and a map's by key. A set element has no address in the
//! protocol (tfplugin6's `AttributePath` steps are an attribute name, a string key or an integer
//! index; terraform-plugin-go drops its value-keyed step for the same reason), so a diagnostic
//! inside a set points at the set attribute, and its detail names the member as
//! `numbers[…].name`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::{Attribute, Kind, Nesting};
use super::types::Type;
use super::value::Value;

/// A check of one attribute's configured value. `Send + Sync` because schemas are shared by
/// the server's tasks; `Debug` so that schemas print.
pub trait AttributeValidator: Send + Sync + fmt::Debug {
    /// What a valid value is, as a fragment completing "must be …" (Markdown), for an attribute
    /// of type `ty`: "one of `a`, `b`", "8 to 128 characters long".
    fn description(&self, ty: &Type) -> String;

    /// Checks `req.value` (known and not null), adding to `diags` what is wrong with it.
    /// [`ValidateRequest::invalid`] builds the usual error, which never shows a sensitive value.
    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics);

    /// Whether the check only restates what the attribute's type promises (the whole-number
    /// check that [`int`](crate::schema::int) adds). Validators never run on a computed-only
    /// attribute, and [`Schema::check`](crate::schema::Schema::check) reports one there unless
    /// this is true.
    fn restates_type(&self) -> bool {
        false
    }
}

/// What a validator is asked to check: one attribute's known, non-null configured value.
#[derive(Debug)]
pub struct ValidateRequest<'a> {
    /// Where diagnostics point: the attribute's path, or the enclosing set's (see the module
    /// documentation).
    pub path: &'a AttrPath,
    /// The attribute's full path as messages name it (`numbers[…].name` inside a set).
    pub shown_path: &'a str,
    /// The attribute's schema.
    pub attribute: &'a Attribute,
    /// The value to check: known and not null.
    pub value: &'a Value,
    /// Whether the attribute, or an attribute enclosing it, is sensitive: then no message may
    /// show the value.
    pub sensitive: bool,
}

impl ValidateRequest<'_> {
    /// The usual error for a value that is not `expected` (a fragment as
    /// [`AttributeValidator::description`] writes it): "`path` must be `expected`; got `value`.",
    /// without the value when it is sensitive.
    pub fn invalid(&self, expected: &str) -> Diagnostic {
        let p = self.shown_path;
        let detail = if self.sensitive {
            format!("`{p}` must be {expected} (the value is sensitive and not shown).")
        } else {
            format!("`{p}` must be {expected}; got {}.", show_attribute(self.attribute, self.value))
        };
        Diagnostic::error("Invalid attribute value", detail).at(self.path.clone())
    }
}

/// The built-in validators, as data: each variant is one check, described by
/// [`Validator::describe`] and run by [`Validator::check`]; all of them implement
/// [`AttributeValidator`] through this enum.
#[derive(Clone, Debug)]
pub enum Validator {
    /// A string equal to one of these (compared verbatim).
    OneOf(Vec<String>),
    /// A whole number.
    Integer,
    /// A number within `min..=max`.
    IntRange {
        /// The smallest valid number.
        min: i64,
        /// The largest valid number.
        max: i64,
    },
    /// A number that is a multiple of this.
    MultipleOf(i64),
    /// String length in characters, or number of elements of a collection.
    Length {
        /// The smallest valid length.
        min: usize,
        /// The largest valid length (`usize::MAX`: no bound).
        max: usize,
    },
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
    Check {
        /// What a valid value is, completing "must be …".
        describe: &'static str,
        /// Whether a known, non-null value is valid.
        check: fn(&Value) -> bool,
    },
}

impl AttributeValidator for Validator {
    fn description(&self, ty: &Type) -> String {
        self.describe(ty)
    }
    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        if !self.check(req.value) {
            diags.push(req.invalid(&self.describe(&req.attribute.ty())));
        }
    }
    fn restates_type(&self) -> bool {
        matches!(self, Validator::Integer)
    }
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

/// Runs every attribute's validators over a configuration value, at every depth (see the
/// module documentation for the paths). The value of a sensitive attribute (or of anything
/// inside one) never appears in a message: only what was expected.
pub fn validate_config(attrs: &[Attribute], config: &Value, path: &AttrPath, diags: &mut Diagnostics) {
    let at = Where { path: path.clone(), shown: path.to_string(), in_set: false };
    validate_attrs(attrs, config, &at, false, diags);
}

/// Where the walk is: the diagnostic path (which stops at a set), the path messages name, and
/// whether the walk is inside a set element.
struct Where {
    path: AttrPath,
    shown: String,
    in_set: bool,
}

impl Where {
    fn step(&self, path: impl FnOnce(&AttrPath) -> AttrPath, shown: &str) -> Where {
        Where {
            path: if self.in_set { self.path.clone() } else { path(&self.path) },
            shown: format!("{}{shown}", self.shown),
            in_set: self.in_set,
        }
    }
    fn attr(&self, name: &str) -> Where {
        let dot = if self.shown.is_empty() { "" } else { "." };
        self.step(|p| p.join(name), &format!("{dot}{name}"))
    }
    fn index(&self, i: usize) -> Where {
        self.step(|p| p.index(i), &format!("[{i}]"))
    }
    fn key(&self, k: &str) -> Where {
        self.step(|p| p.key(k), &format!("[{k:?}]"))
    }
    fn set_element(&self) -> Where {
        Where { path: self.path.clone(), shown: format!("{}[…]", self.shown), in_set: true }
    }
}

fn validate_attrs(attrs: &[Attribute], config: &Value, at: &Where, inside_sensitive: bool, diags: &mut Diagnostics) {
    for a in attrs {
        let v = config.get(&a.name);
        if v.is_null() || v.is_unknown() {
            continue;
        }
        let at = at.attr(&a.name);
        let sensitive = inside_sensitive || a.sensitive;
        let req = ValidateRequest { path: &at.path, shown_path: &at.shown, attribute: a, value: v, sensitive };
        for val in &a.validators {
            val.validate(&req, diags);
        }
        if let Kind::Nested(nesting, children) = &a.kind {
            match nesting {
                Nesting::Single => validate_attrs(children, v, &at, sensitive, diags),
                Nesting::List => {
                    for (i, item) in v.elements().unwrap_or(&[]).iter().enumerate() {
                        validate_attrs(children, item, &at.index(i), sensitive, diags);
                    }
                }
                Nesting::Set => {
                    let element = at.set_element();
                    for item in v.elements().unwrap_or(&[]) {
                        validate_attrs(children, item, &element, sensitive, diags);
                    }
                }
                Nesting::Map => {
                    for (k, item) in v.entries().into_iter().flatten() {
                        validate_attrs(children, item, &at.key(k), sensitive, diags);
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

    /// A validator a resource defines itself, outside this crate's own.
    #[derive(Debug)]
    struct StartsWith(&'static str);

    impl AttributeValidator for StartsWith {
        fn description(&self, _ty: &Type) -> String {
            format!("a string starting with `{}`", self.0)
        }
        fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
            if !req.value.as_str().is_some_and(|s| s.starts_with(self.0)) {
                diags.push(req.invalid(&self.description(&req.attribute.ty())));
            }
        }
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn a_validator_of_its_own_runs_inside_list_and_set_elements() {
        use crate::schema::{nested_list, nested_set};
        let attrs = vec![
            nested_list(
                "rules",
                vec![string("number").required().validate(StartsWith("+")).desc("n"), int("weight").optional().between(1, 9).desc("w")],
            )
            .required()
            .length(1, 5)
            .desc("r"),
            nested_set(
                "members",
                vec![
                    string("name").required().length(1, 3).desc("n"),
                    string("pin").optional().sensitive().validate(StartsWith("0")).desc("p"),
                ],
            )
            .optional()
            .desc("m"),
        ];
        let rule = |n: &str, w: i64| obj(&[("number", n.into()), ("weight", Value::int(w))]);
        let member = |n: &str, pin: &str| obj(&[("name", n.into()), ("pin", pin.into())]);
        let cfg = obj(&[
            ("rules", Value::List(vec![rule("+1", 1), rule("2", 12), obj(&[("number", Value::unknown()), ("weight", Value::Null)])])),
            ("members", Value::Set(vec![member("ann", "01"), member("bobby", "99")])),
        ]);
        let mut d = Diagnostics::new();
        validate_config(&attrs, &cfg, &AttrPath::root(), &mut d);
        let found: Vec<(String, &str)> =
            d.iter().map(|x| (x.path.as_ref().map(ToString::to_string).unwrap_or_default(), x.detail.as_str())).collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(found[0].0, "rules[1].number");
        assert_eq!(found[0].1, "`rules[1].number` must be a string starting with `+`; got \"2\".");
        assert_eq!(found[1].0, "rules[1].weight");
        // Inside a set the path stops at the set; the detail names the member.
        assert_eq!(found[2].0, "members");
        assert!(found[2].1.starts_with("`members[…].name` must be 1 to 3 characters long"), "{}", found[2].1);
        assert_eq!(found[3].0, "members");
        assert_eq!(found[3].1, "`members[…].pin` must be a string starting with `0` (the value is sensitive and not shown).");
        assert_eq!(d[0].path, Some(AttrPath::attr("rules").index(1).join("number")));
    }
}
