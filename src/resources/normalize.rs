//! Semantic equality of values the Telnyx API may write differently from how they were sent
//! (used with `Attribute::equivalent`): the state keeps the configured form whenever the API
//! answers an equal value in another form.
//!
//! * Times of day (`calling_window.start_time` / `end_time`): the field descriptions say
//!   `HH:MM`, the spec's examples answer `"08:00:00.00Z"` (reference §10: unverified).
//! * Decimal amounts as strings (`daily_spend_limit`): `"100"` and `"100.00"` are one amount.

use tfplug::Value;

/// A UTC time of day as (hours, minutes, seconds, fraction digits without trailing zeros):
/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`, each optionally followed by `Z`.
fn time_of_day(s: &str) -> Option<(u8, u8, u8, &str)> {
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')).unwrap_or(s);
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (m, f.trim_end_matches('0')),
        Some(_) => return None,
        None => (s, ""),
    };
    let num = |p: &str| if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) { p.parse::<u8>().ok() } else { None };
    let parts: Vec<&str> = main.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] if frac.is_empty() && !s.contains('.') => (num(h)?, num(m)?, 0),
        [h, m, sec] => (num(h)?, num(m)?, num(sec)?),
        _ => return None,
    };
    (h < 24 && m < 60 && sec < 61).then_some((h, m, sec, frac))
}

/// Whether two strings are the same UTC time of day (`"08:00"` and `"08:00:00.00Z"`).
pub fn same_time_of_day(a: &Value, b: &Value) -> bool {
    match (a.as_str().and_then(time_of_day), b.as_str().and_then(time_of_day)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// A non-negative decimal string as (integer digits without leading zeros, fraction digits
/// without trailing zeros): `"0100.50"` -> (`"100"`, `"5"`).
fn decimal(s: &str) -> Option<(&str, &str)> {
    let (i, f) = s.split_once('.').unwrap_or((s, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if i.is_empty() || !digits(i) || !digits(f) || (s.contains('.') && f.is_empty()) {
        return None;
    }
    Some((i.trim_start_matches('0'), f.trim_end_matches('0')))
}

/// Whether two decimal strings are the same amount (`"100"`, `"100.0"` and `"100.00"`).
pub fn same_decimal(a: &Value, b: &Value) -> bool {
    match (a.as_str().and_then(decimal), b.as_str().and_then(decimal)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn times_of_day() {
        for (a, b) in [
            ("08:00", "08:00:00.00Z"),
            ("08:00", "08:00:00"),
            ("08:00", "08:00Z"),
            ("20:30", "20:30:00.000Z"),
            ("23:59:59.5Z", "23:59:59.50"),
        ] {
            assert!(same_time_of_day(&s(a), &s(b)), "{a} = {b}");
            assert!(same_time_of_day(&s(b), &s(a)), "{b} = {a}");
        }
        for (a, b) in [
            ("08:00", "08:01:00.00Z"),
            ("08:00", "08:00:01"),
            ("08:00", "20:00:00.00Z"),
            ("08:00:00.1Z", "08:00:00.01Z"),
            ("8:00", "08:00"),
            ("25:00", "25:00:00Z"),
            ("08:00", "not a time"),
            ("08:00.5", "08:00:00.5"),
            ("08:00:00.", "08:00"),
        ] {
            assert!(!same_time_of_day(&s(a), &s(b)), "{a} != {b}");
        }
        assert!(!same_time_of_day(&Value::Null, &s("08:00")));
        assert!(!same_time_of_day(&Value::int(8), &s("08:00")));
    }

    #[test]
    fn decimals() {
        for (a, b) in [("100", "100.00"), ("100.5", "100.50"), ("0100", "100.0"), ("0", "0.00"), ("0.10", "0.1")] {
            assert!(same_decimal(&s(a), &s(b)), "{a} = {b}");
            assert!(same_decimal(&s(b), &s(a)), "{b} = {a}");
        }
        for (a, b) in [("100", "10.00"), ("100", "1000"), ("100.01", "100.1"), ("1.", "1"), ("-1", "-1.0"), ("100", ""), ("0.1", ".1")] {
            assert!(!same_decimal(&s(a), &s(b)), "{a} != {b}");
        }
    }
}
