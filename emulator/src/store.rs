//! In-memory objects per family, in creation order; ids and timestamps.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value as Json;

#[derive(Debug, Default)]
pub struct Store {
    families: BTreeMap<&'static str, Vec<Json>>,
    /// Per family, each object's position in `families` by its `id`.
    index: BTreeMap<&'static str, HashMap<String, usize>>,
    /// How bulk phone-number jobs behave (`POST /_emulator/jobs`).
    pub jobs: crate::api::jobs::Settings,
    /// How dynamic E911 objects settle (`POST /_emulator/dynamic_emergency`).
    pub dynamic_e911: crate::api::dynamic_e911::Settings,
    /// How E911 validation and provisioning behave (`POST /_emulator/emergency`).
    pub emergency: crate::api::emergency::Settings,
}

impl Store {
    pub fn all(&self, family: &str) -> &[Json] {
        self.families.get(family).map(Vec::as_slice).unwrap_or(&[])
    }
    /// The object `id` of `family`, borrowed.
    pub fn find(&self, family: &str, id: &str) -> Option<&Json> {
        let i = *self.index.get(family)?.get(id)?;
        self.families.get(family)?.get(i)
    }
    pub fn get(&self, family: &str, id: &str) -> Option<Json> {
        self.find(family, id).cloned()
    }
    pub fn insert(&mut self, family: &'static str, obj: Json) {
        let objects = self.families.entry(family).or_default();
        if let Some(id) = obj["id"].as_str() {
            self.index.entry(family).or_default().insert(id.to_string(), objects.len());
        }
        objects.push(obj);
    }
    pub fn replace(&mut self, family: &str, id: &str, obj: Json) {
        let Some(i) = self.index.get(family).and_then(|ix| ix.get(id)).copied() else { return };
        if let Some(slot) = self.families.get_mut(family).and_then(|v| v.get_mut(i)) {
            *slot = obj;
        }
    }
    pub fn remove(&mut self, family: &str, id: &str) -> Option<Json> {
        let i = self.index.get_mut(family)?.remove(id)?;
        let v = self.families.get_mut(family)?;
        let obj = v.remove(i);
        // Objects after it moved down by one.
        if let Some(ix) = self.index.get_mut(family) {
            for pos in ix.values_mut().filter(|p| **p > i) {
                *pos -= 1;
            }
        }
        Some(obj)
    }
    /// Every object, grouped by family (the control endpoint's view).
    pub fn dump(&self) -> Json {
        Json::Object(self.families.iter().map(|(k, v)| (k.to_string(), Json::Array(v.clone()))).collect())
    }
}

/// A fresh 19-digit numeric id, as the API's int64-like ids look.
pub fn new_id() -> String {
    fastrand::u64(1_000_000_000_000_000_000..=9_223_372_036_854_775_807).to_string()
}

/// A fresh random (version 4) UUID, as billing group ids look.
pub fn new_uuid() -> String {
    let (a, b) = (fastrand::u64(..), fastrand::u64(..));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// Seconds added to the real clock for every timestamp the emulator writes: a server clock
/// that is ahead (positive) or behind (negative), or objects made "long ago" in tests.
static CLOCK_OFFSET_SECS: AtomicI64 = AtomicI64::new(0);

pub fn set_clock_offset(secs: i64) {
    CLOCK_OFFSET_SECS.store(secs, Ordering::Relaxed);
}

pub fn clock_offset() -> i64 {
    CLOCK_OFFSET_SECS.load(Ordering::Relaxed)
}

/// Now, ISO 8601 UTC with milliseconds: `2026-11-22T13:37:00.123Z`.
pub fn now() -> String {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64 + CLOCK_OFFSET_SECS.load(Ordering::Relaxed);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z", rem / 3600, rem % 3600 / 60, rem % 60, d.subsec_millis())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Store;
    use serde_json::json;

    #[test]
    fn objects_are_found_by_id_after_replacements_and_removals() {
        let mut st = Store::default();
        for i in 0..5 {
            st.insert("ips", json!({"id": i.to_string(), "n": i}));
        }
        st.replace("ips", "3", json!({"id": "3", "n": 30}));
        assert_eq!(st.remove("ips", "1").unwrap()["n"], 1);
        assert!(st.get("ips", "1").is_none() && st.remove("ips", "1").is_none());
        // Those after the removed one moved down and are still found.
        assert_eq!(
            [st.find("ips", "0"), st.find("ips", "3"), st.find("ips", "4")].map(|o| o.unwrap()["n"].clone()),
            [json!(0), json!(30), json!(4)]
        );
        st.replace("ips", "4", json!({"id": "4", "n": 40}));
        assert_eq!(st.all("ips").iter().map(|o| o["n"].clone()).collect::<Vec<_>>(), [json!(0), json!(2), json!(30), json!(40)]);
        assert!(st.find("other", "0").is_none());
    }
}
