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
    /// An enum whose create schema accepts more values than the update schema.
    OneOfByOp {
        create: &'static [&'static str],
        update: &'static [&'static str],
    },
    Range(i64, i64),
    /// `lo..=hi` and a multiple of `step`.
    Steps(i64, i64, i64),
    MinLen(usize),
    /// Length in characters within `min..=max`.
    Length(usize, usize),
    /// 4–32 ASCII letters and digits, a letter among the first five (credential `user_name`).
    UserName,
    /// An absolute URL with a scheme; `or_empty` also accepts `""`.
    Url {
        or_empty: bool,
    },
    /// Exactly this many ASCII digits, or `""`.
    DigitsOrEmpty(usize),
    /// A 2-letter country code, or `""`.
    CountryOrEmpty,
    /// An E.164 number, or `""`.
    E164OrEmpty,
    Uuid,
    Decimal,
    TimeOfDay,
    NonNegative,
    EachCountry,
    EachE164,
    /// An IPv4 address in dotted-quad form.
    Ipv4,
    /// An IPv4 or IPv6 network in CIDR notation, without host bits.
    Cidr,
    /// A DNS name: dot-separated labels of letters, digits, `-` and `_` (1–63 each, 253 in all).
    Hostname,
    /// A CNAM listing: letters, digits and spaces, at most 15 characters.
    Cnam,
    /// A family's own rule on a string: `check` decides, `expect` says what it wants.
    Check {
        check: fn(&str) -> bool,
        expect: &'static str,
    },
}

/// Random server-generated content of a read-only field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gen {
    None,
    /// Lower-case letters and digits of this length, starting with a letter.
    Token(usize),
    /// A [`Gen::Token`] followed by a fixed suffix (`abc123def456.uac.telnyx.com`).
    TokenThen(usize, &'static str),
}

/// Which requests may carry a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Create and update.
    Both,
    /// Create only (not in the update schema).
    CreateOnly,
    /// Update only (not in the create schema).
    UpdateOnly,
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
    /// A secret: returned in full on create and on an update that sets it, `********` otherwise.
    pub secret: bool,
    pub generated: Gen,
    /// `""` clears the field (stored and answered as null); `null` itself is refused.
    pub empty_clears: bool,
    /// Accepted in requests, never answered.
    pub write_only: bool,
}

pub const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        nullable: false,
        access: Access::Both,
        default: "",
        rule: Rule::None,
        secret: false,
        generated: Gen::None,
        empty_clears: false,
        write_only: false,
    }
}

/// `a` followed by `b`, in a constant: `concat::<{ A.len() + B.len() }>(A, B)`.
pub const fn concat<const N: usize>(a: &[Field], b: &[Field]) -> [Field; N] {
    let mut out = [f("", Kind::Bool); N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < b.len() {
        out[i + j] = b[j];
        j += 1;
    }
    out
}

/// The text that stands in for a secret on reads.
pub const MASK: &str = "********";

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
    pub const fn create_only(mut self) -> Self {
        self.access = Access::CreateOnly;
        self
    }
    pub const fn update_only(mut self) -> Self {
        self.access = Access::UpdateOnly;
        self
    }
    pub const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }
    pub const fn generated(mut self, g: Gen) -> Self {
        self.generated = g;
        self
    }
    pub const fn empty_clears(mut self) -> Self {
        self.empty_clears = true;
        self
    }
    pub const fn write_only(mut self) -> Self {
        self.write_only = true;
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
        match (f.access, op) {
            (Access::ReadOnly, _) => {
                return Err(Invalid { pointer, title: "Invalid parameter", detail: format!("'{k}' is read-only.") });
            }
            (Access::CreateOnly, Op::Update) => {
                return Err(Invalid { pointer, title: "Invalid parameter", detail: format!("'{k}' can only be set when creating.") });
            }
            (Access::UpdateOnly, Op::Create) => {
                return Err(Invalid {
                    pointer,
                    title: "Invalid parameter",
                    detail: format!("'{k}' cannot be set when creating; update the object instead."),
                });
            }
            _ => {}
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
    if f.empty_clears && v.as_str() == Some("") {
        return Ok(());
    }
    let ok = match f.rule {
        Rule::None => true,
        Rule::OneOf(vals) => vals.contains(&s),
        Rule::OneOfByOp { create, update } => if op == Op::Create { create } else { update }.contains(&s),
        Rule::Range(lo, hi) => v.as_i64().is_some_and(|i| (lo..=hi).contains(&i)),
        Rule::Steps(lo, hi, step) => v.as_i64().is_some_and(|i| (lo..=hi).contains(&i) && i % step == 0),
        Rule::MinLen(n) => s.chars().count() >= n,
        Rule::Length(lo, hi) => (lo..=hi).contains(&s.chars().count()),
        Rule::UserName => is_user_name(s),
        Rule::Url { or_empty } => (or_empty && s.is_empty()) || is_url(s),
        Rule::DigitsOrEmpty(n) => s.is_empty() || (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())),
        Rule::CountryOrEmpty => s.is_empty() || (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())),
        Rule::E164OrEmpty => s.is_empty() || is_e164(s),
        Rule::Uuid => is_uuid(s),
        Rule::Decimal => is_decimal(s),
        Rule::TimeOfDay => is_time(s),
        Rule::NonNegative => v.as_f64().is_some_and(|x| x >= 0.0),
        Rule::EachCountry => strs(v).all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())),
        Rule::EachE164 => strs(v).all(is_e164),
        Rule::Ipv4 => s.parse::<std::net::Ipv4Addr>().is_ok(),
        Rule::Cidr => is_cidr(s),
        Rule::Hostname => is_hostname(s),
        Rule::Cnam => s.chars().count() <= 15 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' '),
        Rule::Check { check, .. } => v.is_string() && check(s),
    };
    if ok {
        return Ok(());
    }
    let expect = match f.rule {
        Rule::OneOf(vals) => format!("one of {}", vals.join(", ")),
        Rule::OneOfByOp { create, update } => format!("one of {}", if op == Op::Create { create } else { update }.join(", ")),
        Rule::Range(lo, hi) => format!("between {lo} and {hi}"),
        Rule::Steps(lo, hi, step) => format!("a multiple of {step} between {lo} and {hi}"),
        Rule::MinLen(n) => format!("at least {n} characters long"),
        Rule::Length(lo, hi) => format!("{lo} to {hi} characters long"),
        Rule::UserName => "4 to 32 letters and digits, with a letter among the first five".into(),
        Rule::Url { or_empty: false } => "an absolute URL including a scheme such as https".into(),
        Rule::Url { or_empty: true } => "an absolute URL including a scheme such as https, or empty".into(),
        Rule::DigitsOrEmpty(n) => format!("exactly {n} digits, or empty"),
        Rule::CountryOrEmpty => "a 2-letter country code, or empty".into(),
        Rule::E164OrEmpty => "an E.164 number, or empty".into(),
        Rule::Uuid => "a UUID".into(),
        Rule::Decimal => "a decimal amount as a string".into(),
        Rule::TimeOfDay => "a time of day (HH:MM)".into(),
        Rule::NonNegative => "zero or more".into(),
        Rule::EachCountry => "a list of ISO 3166-1 alpha-2 country codes".into(),
        Rule::EachE164 => "a list of E.164 numbers".into(),
        Rule::Ipv4 => "an IPv4 address".into(),
        Rule::Cidr => "a network in CIDR notation without host bits (e.g. 203.0.113.0/24)".into(),
        Rule::Hostname => "a fully qualified domain name".into(),
        Rule::Cnam => "at most 15 letters, digits or spaces".into(),
        Rule::Check { expect, .. } => expect.into(),
        Rule::None => "valid".into(),
    };
    bad(format!("'{}' must be {expect}; got {v}.", f.name))
}

pub fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| (2..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

fn is_user_name(s: &str) -> bool {
    (4..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) && s.bytes().take(5).any(|b| b.is_ascii_alphabetic())
}

fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else { return false };
    let scheme_ok = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    scheme_ok && !rest.is_empty() && !rest.starts_with('/') && !s.chars().any(char::is_whitespace)
}

fn is_cidr(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else { return false };
    if bits.is_empty() || bits.len() > 3 || !bits.bytes().all(|b| b.is_ascii_digit()) || (bits.len() > 1 && bits.starts_with('0')) {
        return false;
    }
    let Ok(bits) = bits.parse::<u32>() else { return false };
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) if bits <= 32 => u32::from(a).checked_shl(bits).unwrap_or(0) == 0,
        Ok(std::net::IpAddr::V6(a)) if bits <= 128 => u128::from(a).checked_shl(bits).unwrap_or(0) == 0,
        _ => false,
    }
}

fn is_hostname(s: &str) -> bool {
    let name = s.strip_suffix('.').unwrap_or(s);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
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

/// A new object: defaults for every field, server-generated values (nested objects' too),
/// overlaid with the request.
pub fn build(fields: &[Field], body: &Json) -> Json {
    let mut out = defaults(fields);
    generate(&mut out, fields);
    apply(&mut out, fields, body);
    out
}

fn generate(out: &mut Json, fields: &[Field]) {
    for fl in fields {
        match (fl.generated, fl.kind) {
            (Gen::Token(n), _) => out[fl.name] = json!(token(n)),
            (Gen::TokenThen(n, suffix), _) => out[fl.name] = json!(format!("{}{suffix}", token(n))),
            (Gen::None, Kind::Object(inner)) => generate(&mut out[fl.name], inner),
            (Gen::None, _) => {}
        }
    }
}

fn token(n: usize) -> String {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n).map(|i| if i == 0 { fastrand::lowercase() } else { char::from(ALNUM[fastrand::usize(..ALNUM.len())]) }).collect()
}

/// Replaces every secret of `obj` (at any depth) by [`MASK`], except those named in `reveal`
/// (top-level names; a secret inside a nested object is revealed with its parent).
pub fn mask(obj: &mut Json, fields: &[Field], reveal: &[&str]) {
    for fl in fields {
        if fl.write_only {
            if let Some(o) = obj.as_object_mut() {
                o.remove(fl.name);
            }
            continue;
        }
        if reveal.contains(&fl.name) {
            continue;
        }
        let Some(v) = obj.get_mut(fl.name) else { continue };
        match fl.kind {
            Kind::Object(inner) => mask(v, inner, &[]),
            _ if fl.secret && v.as_str().is_some_and(|s| !s.is_empty()) => *v = json!(MASK),
            _ => {}
        }
    }
}

/// Whether a secret of `fl` (itself, or a member of the nested object it is) differs
/// between `before` and `after`: an update that changed it answers it in full.
pub fn secret_changed(fl: &Field, before: &Json, after: &Json) -> bool {
    match fl.kind {
        Kind::Object(inner) => inner.iter().any(|i| secret_changed(i, &before[fl.name], &after[fl.name])),
        _ => fl.secret && before.get(fl.name) != after.get(fl.name),
    }
}

/// The value at a dotted path (`outbound.outbound_voice_profile_id`); `Null` when absent.
pub fn at<'a>(obj: &'a Json, dotted: &str) -> &'a Json {
    static NULL: Json = Json::Null;
    dotted.split('.').try_fold(obj, |o, k| o.get(k)).unwrap_or(&NULL)
}

/// A documented rule between two fields of one object, checked on the object a request
/// would produce.
#[derive(Debug, Clone, Copy)]
pub enum Cross {
    /// `field` may hold `value` only while `other` holds the JSON `is`.
    OnlyWhen { field: &'static str, value: &'static str, other: &'static str, is: &'static str, why: &'static str },
    /// `field` must be null while `other` holds the string `value`.
    NotWith { field: &'static str, other: &'static str, value: &'static str, why: &'static str },
    /// While `field` is set (true, or a non-empty string), `other` must be set too.
    Requires { field: &'static str, other: &'static str, why: &'static str },
}

/// Whether a value counts as set: true, or a non-empty string.
fn is_set(v: &Json) -> bool {
    v.as_bool() == Some(true) || v.as_str().is_some_and(|s| !s.is_empty())
}

impl Cross {
    pub fn check(&self, obj: &Json) -> Result<(), Invalid> {
        let fail = |field: &str, why: &str| {
            Err(Invalid { pointer: format!("/{}", field.replace('.', "/")), title: "Invalid value", detail: why.to_string() })
        };
        match *self {
            Cross::OnlyWhen { field, value, other, is, why } => {
                let want: Json = serde_json::from_str(is).unwrap_or(Json::Null);
                if at(obj, field).as_str() == Some(value) && at(obj, other) != &want { fail(field, why) } else { Ok(()) }
            }
            Cross::Requires { field, other, why } => {
                if is_set(at(obj, field)) && !is_set(at(obj, other)) {
                    fail(field, why)
                } else {
                    Ok(())
                }
            }
            Cross::NotWith { field, other, value, why } => {
                if !at(obj, field).is_null() && at(obj, other).as_str() == Some(value) {
                    fail(field, why)
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// Applies a request to a stored object. Top-level fields not sent are kept; a nested
/// object that is sent replaces the stored one wholesale (missing fields revert to defaults),
/// except its read-only members, which no request can send (a generated SIP subdomain).
pub fn apply(stored: &mut Json, fields: &[Field], body: &Json) {
    let (Some(dst), Some(src)) = (stored.as_object_mut(), body.as_object()) else { return };
    for (k, v) in src {
        let Some(f) = fields.iter().find(|f| f.name == k) else { continue };
        let value = match (f.kind, v) {
            (Kind::Object(inner), Json::Object(_)) => {
                let mut new = build(inner, v);
                for ro in inner.iter().filter(|i| i.access == Access::ReadOnly) {
                    if let Some(kept) = dst.get(k.as_str()).and_then(|o| o.get(ro.name)) {
                        new[ro.name] = kept.clone();
                    }
                }
                new
            }
            (_, Json::String(s)) if f.empty_clears && s.is_empty() => Json::Null,
            _ => stored_form(f.rule, v),
        };
        dst.insert(k.clone(), value);
    }
}

/// The form the API stores (and answers) a value in, where the spec shows it rewrites what it
/// was sent: times of day in the long form of the spec's examples (`"08:00"` ->
/// `"08:00:00.00Z"`, reference §9.8/§10), decimal amounts with two decimals (`"100"` ->
/// `"100.00"`, like the documented `"100.00"`). Anything else as sent.
fn stored_form(rule: Rule, v: &Json) -> Json {
    let Some(s) = v.as_str() else { return v.clone() };
    match rule {
        Rule::TimeOfDay if is_time(s) => {
            let t = s.strip_suffix('Z').unwrap_or(s);
            let (main, frac) = t.split_once('.').unwrap_or((t, ""));
            let hms = if main.len() == 5 { format!("{main}:00") } else { main.to_string() };
            json!(format!("{hms}.{:0<2}Z", frac))
        }
        Rule::Decimal if is_decimal(s) => {
            let (i, f) = s.split_once('.').unwrap_or((s, ""));
            let i = i.trim_start_matches('0');
            json!(format!("{}.{:0<2}", if i.is_empty() { "0" } else { i }, f))
        }
        _ => v.clone(),
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

    #[test]
    fn times_and_amounts_are_stored_in_the_api_form() {
        let t = |x: &str| stored_form(Rule::TimeOfDay, &json!(x));
        assert_eq!(t("08:00"), "08:00:00.00Z");
        assert_eq!(t("20:30:15"), "20:30:15.00Z");
        assert_eq!(t("08:00:00.00Z"), "08:00:00.00Z");
        assert_eq!(t("08:00:00.5"), "08:00:00.50Z");
        let d = |x: &str| stored_form(Rule::Decimal, &json!(x));
        assert_eq!(d("100"), "100.00");
        assert_eq!(d("100.5"), "100.50");
        assert_eq!(d("0100.125"), "100.125");
        assert_eq!(d("0"), "0.00");
        assert_eq!(stored_form(Rule::None, &json!("08:00")), "08:00", "other fields as sent");
        assert_eq!(stored_form(Rule::Decimal, &json!(null)), json!(null));
        let fields = [f("limit", Kind::Str).rule(Rule::Decimal)];
        assert_eq!(build(&fields, &json!({"limit": "7"}))["limit"], "7.00");
    }
}
