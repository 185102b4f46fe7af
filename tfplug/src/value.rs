//! The cty value model: what Terraform sends and expects, decoded against a [`Type`].

use std::collections::BTreeMap;
use std::fmt;

use super::types::Type;

/// A cty value. Its type is not stored (except inside `dynamic` slots): codecs and the
/// planner always work against the schema's [`Type`].
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Null: absent, unset.
    #[default]
    Null,
    /// Not known until apply. `refinement` keeps the raw payload of a refined unknown
    /// (msgpack extension 12) so that it can be passed back byte for byte.
    Unknown(Unknown),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list's elements, in order.
    List(Vec<Value>),
    /// Order carries no meaning; equality ignores it.
    Set(Vec<Value>),
    /// A map's entries.
    Map(BTreeMap<String, Value>),
    /// An object's attributes (absent ones read as null).
    Object(BTreeMap<String, Value>),
    /// A tuple's elements, in order.
    Tuple(Vec<Value>),
    /// A value in a `dynamic` slot, with the concrete type it was sent with.
    Dynamic(Type, Box<Value>),
}

/// An unknown value, optionally refined by a newer Terraform core.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unknown {
    /// The refinement's raw msgpack payload, passed back unchanged; `None` for a plain unknown.
    pub refinement: Option<Vec<u8>>,
}

impl Value {
    /// An unrefined unknown.
    pub fn unknown() -> Value {
        Value::Unknown(Unknown::default())
    }
    /// A string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }
    /// A whole-number value.
    pub fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    /// Whether the value is unknown (at this level).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }
    /// Known at this level (it may still contain unknowns inside).
    pub fn is_known(&self) -> bool {
        !self.is_unknown()
    }

    /// Known all the way down.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().all(Value::is_wholly_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    /// An attribute of an object value; `Null` for a null object or a missing attribute.
    pub fn get(&self, name: &str) -> &Value {
        match self {
            Value::Object(m) => m.get(name).unwrap_or(&NULL),
            Value::Dynamic(_, v) => v.get(name),
            _ => &NULL,
        }
    }

    /// Mutable access to an attribute of an object value.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) => m.get_mut(name),
            _ => None,
        }
    }

    /// Sets an attribute of an object value (no-op on anything else).
    pub fn set(&mut self, name: &str, v: Value) {
        if let Value::Object(m) = self {
            m.insert(name.to_string(), v);
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The number, if this is a whole number within `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }
    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    /// Elements of a list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }
    /// Attributes of an object, or entries of a map.
    pub fn entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(m) | Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A null value shaped by `ty`: every object attribute present and null.
    pub fn null_object(ty: &Type) -> Value {
        match ty {
            Type::Object(attrs) => Value::Object(attrs.keys().map(|k| (k.clone(), Value::Null)).collect()),
            _ => Value::Null,
        }
    }
}

static NULL: Value = Value::Null;

impl PartialEq for Value {
    /// cty equality: numbers by value, sets without order, unknowns equal to unknowns.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Unknown(a), Value::Unknown(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => set_eq(a, b),
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a == b,
            (Value::Dynamic(ta, a), Value::Dynamic(tb, b)) => ta == tb && a == b,
            _ => false,
        }
    }
}

fn set_eq(a: &[Value], b: &[Value]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    'outer: for x in a {
        for (i, y) in b.iter().enumerate() {
            if !used[i] && x == y {
                used[i] = true;
                continue 'outer;
            }
        }
        return false;
    }
    true
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

/// A cty number. Kept canonical so that derived equality is value equality:
/// an integral value that fits `i64` is always `Int`, any other finite value that an `f64`
/// holds exactly is `Float`, and everything else is the normalised decimal text in `Big`.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    /// An integral value within `i64`.
    Int(i64),
    /// A finite (or infinite) value an `f64` holds exactly, not integral within `i64`.
    Float(f64),
    /// Any other value, as normalised decimal text (no exponent, no trailing fraction zeros).
    Big(String),
}

impl Number {
    /// The canonical number for an `f64`.
    pub fn from_f64(f: f64) -> Number {
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            Number::Int(f as i64)
        } else {
            Number::Float(f)
        }
    }

    /// The canonical number for a `u64`.
    pub fn from_u64(u: u64) -> Number {
        match i64::try_from(u) {
            Ok(i) => Number::Int(i),
            // Past i64: a float where an f64 holds it exactly (2^63, 2^64 − 2^11 …), else text.
            Err(_) => Number::parse(&u.to_string()).unwrap_or_else(|| Number::Big(u.to_string())),
        }
    }

    /// Parses decimal text (as Terraform sends big or precise numbers, and as JSON state holds them).
    pub fn parse(text: &str) -> Option<Number> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        if let Ok(i) = t.parse::<i64>() {
            return Some(Number::Int(i));
        }
        let f: f64 = t.parse().ok()?;
        if !f.is_finite() {
            return if t.eq_ignore_ascii_case("inf") || t.eq_ignore_ascii_case("+inf") || t.eq_ignore_ascii_case("-inf") {
                Some(Number::Float(f))
            } else {
                // Too large for f64: keep the exact text.
                Some(Number::Big(normalise_decimal(t)?))
            };
        }
        let norm = normalise_decimal(t)?;
        // An integer that fits i64, however it is spelt (`1011114471114100000`, `10111144711141E5`):
        // its f64 may be off (past 2^53), the text is not.
        if let Ok(i) = norm.parse::<i64>() {
            return Some(Number::Int(i));
        }
        let n = Number::from_f64(f);
        // Keep exactness: unless the f64 is exactly the decimal (0.25 is, 0.1 is not), keep the
        // text. Terraform sends such numbers as text and compares what comes back by exact value.
        let exact = match &n {
            Number::Int(i) => i.to_string() == norm,
            Number::Float(f) => is_exactly(*f, &norm),
            Number::Big(s) => *s == norm,
        };
        if exact { Some(n) } else { Some(Number::Big(norm)) }
    }

    /// The value, if integral within `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The nearest `f64` (NaN for text no `f64` parses, which canonical numbers never are).
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Big(s) => s.parse().unwrap_or(f64::NAN),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Big(s) => f.write_str(s),
        }
    }
}

/// Whether `f`, the f64 nearest to the decimal `norm` (as [`normalise_decimal`] writes it), is
/// exactly that decimal. An f64 whose lowest set bit is 2^-e has exactly e fractional digits:
/// unless that is the decimal's count, they differ (0.1 against its f64's 55 digits), and if it
/// is, the f64 written with e digits is its exact value, compared digit by digit. This never
/// writes more digits than the decimal has.
fn is_exactly(f: f64, norm: &str) -> bool {
    let digits = norm.split_once('.').map_or(0, |(_, fraction)| fraction.len());
    digits == binary_fraction_digits(f) as usize && normalise_decimal(&format!("{f:.digits$}")).is_some_and(|w| w == norm)
}

/// How many fractional decimal digits an f64 has when written out exactly.
fn binary_fraction_digits(f: f64) -> u32 {
    if f == 0.0 || !f.is_finite() {
        return 0;
    }
    let bits = f.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 { (fraction, -1074) } else { (fraction | (1 << 52), biased - 1075) };
    let lowest = exponent + mantissa.trailing_zeros() as i32;
    if lowest >= 0 { 0 } else { lowest.unsigned_abs() }
}

/// The largest decimal exponent a number's text may have.
const MAX_DECIMAL_EXPONENT: i64 = 4096;

/// Plain decimal text without exponent, sign-normalised, trailing fraction zeros removed.
fn normalise_decimal(t: &str) -> Option<String> {
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let digits: String = format!("{int_part}{frac_part}");
    // The position of the decimal point in `digits`. Beyond any value an attribute can mean
    // (f64 ends near 1e308 and 1e-324), or beyond i64: refused rather than written out digit
    // by digit.
    let point = i64::try_from(int_part.len()).ok()?.checked_add(exp)?;
    if !(-MAX_DECIMAL_EXPONENT..=MAX_DECIMAL_EXPONENT).contains(&point) {
        return None;
    }
    let (ip, fp) = if point <= 0 {
        (String::from("0"), format!("{}{}", "0".repeat((-point) as usize), digits))
    } else if point as usize >= digits.len() {
        (format!("{}{}", digits, "0".repeat(point as usize - digits.len())), String::new())
    } else {
        (digits[..point as usize].to_string(), digits[point as usize..].to_string())
    };
    let ip = ip.trim_start_matches('0');
    let ip = if ip.is_empty() { "0" } else { ip };
    let fp = fp.trim_end_matches('0');
    // Written out, no longer than any other text a decoder accepts (so that what one codec
    // decodes, the other can too).
    if ip.len() + fp.len() + 2 > super::limits::MAX_STRING_BYTES {
        return None;
    }
    let mut out = String::new();
    if neg && !(ip == "0" && fp.is_empty()) {
        out.push('-');
    }
    out.push_str(ip);
    if !fp.is_empty() {
        out.push('.');
        out.push_str(fp);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_canonical() {
        assert_eq!(Number::from_f64(3.0), Number::Int(3));
        assert_eq!(Number::parse("3"), Some(Number::Int(3)));
        assert_eq!(Number::parse("3.0"), Some(Number::Int(3)));
        assert_eq!(Number::parse("3e2"), Some(Number::Int(300)));
        assert_eq!(Number::parse("0.5"), Some(Number::Float(0.5)));
        // cty's rule: a number is a float64 only where the float64 is exactly that number; 0.1 is
        // not (Terraform sends it as text and expects the same exact value back).
        assert_eq!(Number::parse("0.1"), Some(Number::Big("0.1".into())));
        assert_eq!(Number::parse("1.10"), Some(Number::Big("1.1".into())));
        assert_eq!(Number::parse("0.1000000000000000055511151231257827021181583404541015625"), Some(Number::Float(0.1)));
        assert_eq!(Number::parse("0.125"), Some(Number::Float(0.125)));
        assert!(matches!(Number::parse("1e300"), Some(Number::Big(b)) if b.len() == 301));
        assert_eq!(Number::parse("1e999999999"), None, "refused, not written out");
        assert_eq!(Number::parse("-2.5e-3"), Some(Number::Big("-0.0025".into())));
        assert_eq!(Number::parse("-0.0078125"), Some(Number::Float(-0.0078125)));
        assert_eq!(Number::parse("4e-324"), Some(Number::Big(format!("0.{}4", "0".repeat(323)))));
        assert_eq!(binary_fraction_digits(0.1), 55);
        assert_eq!(binary_fraction_digits(0.5), 1);
        assert_eq!(binary_fraction_digits(1e300), 0);
        assert_eq!(binary_fraction_digits(f64::from_bits(1)), 1074);
        // The digit-count rule agrees with writing the f64 out in full (every f64 has at most
        // 1074 fractional digits), over decimals of every shape.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..4_000 {
            let digits = next() % 10u64.pow(1 + (next() % 17) as u32);
            let exp = (next() % 60) as i32 - 40;
            let text = format!("{digits}e{exp}");
            let (Some(norm), Ok(f)) = (normalise_decimal(&text), text.parse::<f64>()) else { continue };
            let full = normalise_decimal(&format!("{f:.1100}")).unwrap();
            assert_eq!(is_exactly(f, &norm), full == norm, "{text}");
        }
        assert_eq!(Number::parse("123456789012345678901234567890"), Some(Number::Big("123456789012345678901234567890".into())));
        assert_eq!(Number::parse("0.10000000000000000000001"), Some(Number::Big("0.10000000000000000000001".into())));
        assert_eq!(Number::from_u64(u64::MAX), Number::Big("18446744073709551615".into()));
        assert_eq!(Number::parse("abc"), None);
        assert_eq!(Number::parse("-0"), Some(Number::Int(0)));
    }

    /// Found by fuzzing: the same number took two forms, so a value changed through a round
    /// trip. `10111144711141E005` (upgrade_state: state JSON) read as `Big` while its plain text
    /// reads as `Int`; a msgpack uint64 past i64 (msgpack_value) read as `Big` while its text
    /// reads as `Float`. Each number has one form, whatever its spelling.
    #[test]
    fn one_form_whatever_the_spelling() {
        let int = Some(Number::Int(1_011_114_471_114_100_000));
        assert_eq!(Number::parse("10111144711141E005"), int);
        assert_eq!(Number::parse("1011114471114100000"), int);
        assert_eq!(Number::parse("1011114471114100000.000"), int);
        let big = 14_171_525_794_173_550_592u64;
        assert_eq!(Number::from_u64(big), Number::Float(big as f64));
        assert_eq!(Number::parse(&big.to_string()), Some(Number::from_u64(big)));
        assert_eq!(Number::from_u64(1 << 63), Number::Float((1u64 << 63) as f64));
        assert_eq!(Number::from_u64(u64::MAX), Number::Big(u64::MAX.to_string()));
    }

    /// An exponent near the i64 bounds is refused (or read) cleanly, never an overflow: the
    /// decimal point's position `digits before the point + exponent` once overflowed i64 on
    /// `1e9223372036854775807` (a panic in debug builds, a wrap in release ones).
    #[test]
    fn exponents_near_the_i64_bounds() {
        assert_eq!(Number::parse("1e9223372036854775807"), None);
        assert_eq!(Number::parse("12.5e9223372036854775807"), None);
        assert_eq!(Number::parse("-1e-9223372036854775808"), None);
        assert_eq!(Number::parse("1e9223372036854775806"), None);
        assert_eq!(Number::parse("0e9223372036854775807"), None);
        assert_eq!(Number::parse("1e9223372036854775808"), None, "exponent past i64");
        assert_eq!(Number::parse("1e4095"), Some(Number::Big(format!("1{}", "0".repeat(4095)))));
    }

    #[test]
    fn set_equality_ignores_order() {
        let a = Value::Set(vec!["a".into(), "b".into()]);
        let b = Value::Set(vec!["b".into(), "a".into()]);
        assert_eq!(a, b);
        let c = Value::List(vec!["a".into(), "b".into()]);
        let d = Value::List(vec!["b".into(), "a".into()]);
        assert_ne!(c, d);
        assert_ne!(Value::Set(vec!["a".into(), "a".into()]), Value::Set(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn wholly_known() {
        let v = Value::Object([("a".to_string(), Value::List(vec![Value::unknown()]))].into());
        assert!(v.is_known());
        assert!(!v.is_wholly_known());
    }
}
