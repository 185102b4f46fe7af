//! ISO 8601 / RFC 3339 timestamps as Telnyx writes them (`2026-11-22T13:37:00.123Z`,
//! `2026-11-22T13:37:00+01:00`), turned into Unix time — enough to compare an object's
//! `created_at` with the moment a request was sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)` (a space instead of `T` too).
pub fn parse(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    // Every well-formed timestamp is ASCII; anything else could put a byte index below inside a
    // character.
    if s.len() < 19 || !s.is_ascii() {
        return None;
    }
    let (date, rest) = s.split_at(10);
    let sep = rest.as_bytes()[0];
    if sep != b'T' && sep != b't' && sep != b' ' {
        return None;
    }
    let mut d = date.split('-');
    let (y, mo, da) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    let time = &rest[1..9];
    let mut t = time.split(':');
    let (h, mi, se) = (num(t.next()?)?, num(t.next()?)?, num(t.next()?)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&da) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut tail = &rest[9..];
    let mut nanos: u32 = 0;
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let mut f = frac[..digits.min(9)].to_string();
        while f.len() < 9 {
            f.push('0');
        }
        nanos = f.parse().ok()?;
        tail = &frac[digits..];
    }
    let offset_secs = match tail {
        "Z" | "z" => 0,
        _ => {
            let sign = match tail.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hhmm = tail[1..].replace(':', "");
            if hhmm.len() != 4 {
                return None;
            }
            sign * (num(&hhmm[..2])? * 3600 + num(&hhmm[2..])? * 60)
        }
    };
    let secs = days_from_civil(y, mo, da) * 86_400 + h * 3600 + mi * 60 + se - offset_secs;
    let secs = u64::try_from(secs).ok()?;
    Some(UNIX_EPOCH + Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (api_response): a multi-byte character across byte 10 (or inside the
    /// offset) made slicing panic while reading a listed object's `created_at`.
    #[test]
    fn non_ascii_is_refused_not_a_panic() {
        for s in [
            "2026-11[2\u{26b}13:37:00.123+]01:00",
            "2026-11-22T13:37:00+1\u{e9}2",
            "2026-11-2\u{e9}T13:37:00Z",
            "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
        assert!(parse("2026-11-22T13:37:00+01:00").is_some());
    }

    fn unix(s: &str) -> Option<f64> {
        parse(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64())
    }

    #[test]
    fn forms() {
        assert_eq!(unix("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(unix("2000-03-01T00:00:00Z"), Some(951_868_800.0));
        assert_eq!(unix("2026-11-22T13:37:00.123Z"), Some(1_795_354_620.123));
        assert_eq!(unix("2026-11-22T14:37:00+01:00"), unix("2026-11-22T13:37:00Z"));
        assert_eq!(unix("2026-11-22T08:07:00-0530"), unix("2026-11-22T13:37:00Z"));
        assert_eq!(unix("2026-11-22 13:37:00Z"), unix("2026-11-22T13:37:00Z"));
        assert_eq!(unix("2024-02-29T00:00:00.5Z"), Some(1_709_164_800.5));
    }

    #[test]
    fn garbage() {
        for s in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-11-22T25:00:00Z",
            "2026-11-22T13:37:00",
            "2026-11-22T13:37:00.Z",
            "2026-11-22T13:37:00+1",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
