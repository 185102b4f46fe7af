//! E911 (voice-apps-and-e911.md §3): emergency validation of `/addresses`, the validate
//! action, a number's `enable_emergency` action with provisioning that takes time, and what the
//! `update_emergency_settings` job does to one number (jobs.rs runs the job itself).
//!
//! Emergency validation (on `POST /addresses` with `validate_address` true, the default; on
//! `POST /addresses/actions/validate`; and on the address a number is enabled with) refuses:
//! * a country other than US, CA and PR (Unknown 5, decided: the only countries the sources
//!   name for E911); with `validate_address: false` such an address is created, but a number
//!   cannot use it;
//! * a missing `postal_code`, or one not shaped as the country's (US/PR `12345` or
//!   `12345-6789`, CA `A1A 1A1`), and a missing `administrative_area` (US, CA);
//! * an address a test names (`POST /_emulator/emergency {"reject": {"<street_address>":
//!   {"<field>": "<suggested value>", …}}}`): one error per field whose value differs from the
//!   suggestion. A refused create is a 422 whose `errors` carry, per field, `source.pointer`
//!   and the suggestion in `meta.suggested_value` (the sources document no shape beyond "the
//!   `errors` array includes a suggested value for each offending field"; decided here).
//!
//! Decisions on the Unknowns of §12, recorded here and in the emulator README:
//! * 1: an address that numbers use for emergency services cannot be deleted (422 naming them).
//! * 2: `enable_emergency` with `emergency_enabled: false` is refused (422): disabling is the
//!   bulk job's, the only documented way.
//! * 3: changing the address is `enable_emergency` again with the new id: `provisioning`, then
//!   `active` with the new address; no `deprovisioning` step.
//! * 4: `enable_emergency` answers 200 when the number is already `active` with that address
//!   (nothing to do), else 202 with `emergency_status` `provisioning`, which lasts for
//!   `provisioning_polls` reads of the number (any `GET /phone_numbers…`; default 1), then
//!   becomes `active`, or `provisioning-failed` for numbers a test names (`"fail": ["+1…"]`).
//!   `provisioning-failed` is terminal, with `emergency_enabled` false; no reason is reported.
//! * Disabling (the job) sets `emergency_enabled` false, `emergency_status` `disabled` and
//!   `emergency_address_id` null at once.
//! * 8: only an `/addresses` id can be a number's `emergency_address_id` (a dynamic emergency
//!   address id is refused as not an address).

use std::collections::BTreeMap;

use hyper::Method;
use serde_json::{Value as Json, json};

use super::{Outcome, invalid, not_found, out};
use crate::families::{Family, family};
use crate::spec::errors;
use crate::store::Store;

/// Countries whose addresses pass emergency validation (Unknown 5, decided).
pub const E911_COUNTRIES: &[&str] = &["US", "CA", "PR"];

/// Test settings (`POST /_emulator/emergency`) and numbers being provisioned.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Street addresses (compared ignoring case) refused, with the suggested value per field.
    pub reject: Vec<(String, serde_json::Map<String, Json>)>,
    /// Reads of a number that still answer `provisioning` after an enable.
    pub provisioning_polls: u32,
    /// Numbers (E.164 or id) whose provisioning fails.
    pub fail: Vec<String>,
    /// Number id → reads left before its provisioning ends.
    pending: BTreeMap<String, u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { reject: Vec::new(), provisioning_polls: 1, fail: Vec::new(), pending: BTreeMap::new() }
    }
}

impl Settings {
    /// Reads `{"reject": {...}, "provisioning_polls": N, "fail": [...]}`; members left out keep their value.
    pub fn update(&mut self, body: &Json) -> Result<(), String> {
        let Some(m) = body.as_object() else { return Err("expected a JSON object".into()) };
        for k in m.keys() {
            if !["reject", "provisioning_polls", "fail"].contains(&k.as_str()) {
                return Err(format!("unknown member {k:?} (known: reject, provisioning_polls, fail)"));
            }
        }
        if let Some(r) = m.get("reject") {
            let r = r.as_object().ok_or("reject must be an object of street_address → {field: suggested value}")?;
            let mut reject = Vec::new();
            for (street, fields) in r {
                let fields = fields.as_object().ok_or("each rejected address maps to an object of field → suggested value")?;
                reject.push((street.to_lowercase(), fields.clone()));
            }
            self.reject = reject;
        }
        if let Some(p) = m.get("provisioning_polls") {
            self.provisioning_polls = p.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or("provisioning_polls must be a whole number")?;
        }
        if let Some(f) = m.get("fail") {
            let f = f.as_array().ok_or("fail must be an array of numbers (E.164 or id)")?;
            self.fail = f.iter().filter_map(Json::as_str).map(str::to_string).collect();
        }
        Ok(())
    }

    pub fn to_json(&self) -> Json {
        let reject: serde_json::Map<String, Json> = self.reject.iter().map(|(k, v)| (k.clone(), Json::Object(v.clone()))).collect();
        json!({"reject": reject, "provisioning_polls": self.provisioning_polls, "fail": self.fail, "provisioning": self.pending.keys().collect::<Vec<_>>()})
    }
}

/// The fields emergency validation reads and suggests.
const ADDRESS_FIELDS: &[&str] = &["street_address", "extended_address", "locality", "administrative_area", "postal_code", "country_code"];

fn text<'a>(addr: &'a Json, k: &str) -> &'a str {
    addr[k].as_str().unwrap_or_default().trim()
}

fn postal_code_fits(country: &str, code: &str) -> bool {
    let b = code.as_bytes();
    match country {
        "US" | "PR" => {
            (b.len() == 5 && b.iter().all(u8::is_ascii_digit))
                || (b.len() == 10 && b[5] == b'-' && b[..5].iter().chain(&b[6..]).all(u8::is_ascii_digit))
        }
        "CA" => {
            let c: Vec<u8> = b.iter().copied().filter(|x| *x != b' ').map(|x| x.to_ascii_uppercase()).collect();
            c.len() == 6 && c.iter().enumerate().all(|(i, x)| if i % 2 == 0 { x.is_ascii_uppercase() } else { x.is_ascii_digit() })
        }
        _ => true,
    }
}

fn error(pointer: &str, detail: &str, suggested: Option<&Json>) -> Json {
    let mut e = json!({"code": "10015", "title": "Invalid address", "detail": detail, "source": {"pointer": pointer}});
    if let Some(v) = suggested {
        e["meta"] = json!({"suggested_value": v});
    }
    e
}

/// Emergency validation of an address (a stored one, or a validate request): the errors, and
/// the address as Telnyx would normalise it (with the suggestions).
pub fn validate(st: &Store, addr: &Json) -> (Vec<Json>, Json) {
    let mut errs = Vec::new();
    let country = text(addr, "country_code");
    let mut suggested = serde_json::Map::new();
    for k in ADDRESS_FIELDS {
        if !text(addr, k).is_empty() {
            suggested.insert((*k).to_string(), json!(text(addr, k)));
        }
    }
    if !E911_COUNTRIES.contains(&country) {
        errs.push(error("/country_code", &format!("Emergency services are not available for addresses in {country:?}."), None));
        return (errs, Json::Object(suggested));
    }
    let street = text(addr, "street_address").to_lowercase();
    if let Some((_, fields)) = st.emergency.reject.iter().find(|(s, _)| *s == street) {
        for (k, v) in fields {
            if addr[k.as_str()] != *v {
                let sent = addr[k.as_str()].as_str().unwrap_or_default();
                errs.push(error(
                    &format!("/{k}"),
                    &format!("{sent:?} could not be matched to a valid emergency address; suggested value: {v}."),
                    Some(v),
                ));
                suggested.insert(k.clone(), v.clone());
            }
        }
    }
    let postal = text(addr, "postal_code");
    if postal.is_empty() {
        errs.push(error("/postal_code", "postal_code is required for an emergency address.", None));
    } else if !postal_code_fits(country, postal) {
        errs.push(error("/postal_code", &format!("{postal:?} is not a postal code of {country}."), None));
    }
    if ["US", "CA"].contains(&country) && text(addr, "administrative_area").is_empty() {
        errs.push(error("/administrative_area", "administrative_area (state or province) is required for an emergency address.", None));
    }
    (errs, Json::Object(suggested))
}

/// A new address: named (Unknown 6), and valid for emergency use unless `validate_address` is false.
pub fn check_new_address(st: &Store, fam: &Family, obj: &Json) -> Result<(), Outcome> {
    if fam.name != "addresses" {
        return Ok(());
    }
    let person = !text(obj, "first_name").is_empty() && !text(obj, "last_name").is_empty();
    if !person && text(obj, "business_name").is_empty() {
        return Err(invalid("/business_name", "Invalid address", "An address must have either a first last name or a business name."));
    }
    if obj["validate_address"] == false {
        return Ok(());
    }
    let (errs, _) = validate(st, obj);
    if errs.is_empty() { Ok(()) } else { Err(out(422, json!({"errors": errs}))) }
}

/// The E911 endpoints: `POST /addresses/actions/validate`,
/// `POST /phone_numbers/{id}/actions/enable_emergency`; every `GET /phone_numbers…` first
/// moves provisioning on. `None`: not an E911 endpoint.
pub fn dispatch(st: &mut Store, method: &Method, segs: &[&str], body: &[u8]) -> Option<Outcome> {
    if segs.first() == Some(&"phone_numbers") && method == Method::GET {
        advance(st);
        return None;
    }
    let parsed = || -> Result<Json, Outcome> {
        if body.is_empty() {
            return Ok(json!({}));
        }
        serde_json::from_slice(body)
            .map_err(|e| out(400, errors("10002", "Invalid JSON", &format!("The request body is not valid JSON: {e}"), None)))
    };
    match (method, segs) {
        (&Method::POST, ["addresses", "actions", "validate"]) => Some(match parsed() {
            Ok(b) => validate_action(st, &b),
            Err(o) => o,
        }),
        (&Method::POST, ["phone_numbers", id, "actions", "enable_emergency"]) => Some(match parsed() {
            Ok(b) => enable(st, id, &b),
            Err(o) => o,
        }),
        _ => None,
    }
}

fn validate_action(st: &Store, body: &Json) -> Outcome {
    const REQUIRED: &[&str] = &["country_code", "street_address", "postal_code"];
    let Some(m) = body.as_object() else { return invalid("/", "Invalid request body", "The request body must be a JSON object.") };
    if let Some(k) = m.keys().find(|k| !ADDRESS_FIELDS.contains(&k.as_str())) {
        return invalid(&format!("/{k}"), "Unknown parameter", &format!("'{k}' is not a recognised parameter."));
    }
    if let Some((k, _)) = m.iter().find(|(_, v)| !v.is_string()) {
        return invalid(&format!("/{k}"), "Invalid value", &format!("'{k}' must be a string."));
    }
    if let Some(r) = REQUIRED.iter().find(|r| m.get(**r).is_none()) {
        return invalid(&format!("/{r}"), "Missing required parameter", &format!("The '{r}' parameter is required."));
    }
    let (errs, suggested) = validate(st, body);
    let result = if errs.is_empty() { "valid" } else { "invalid" };
    out(200, json!({"data": {"record_type": "address_validation", "result": result, "suggested": suggested, "errors": errs}}))
}

/// Why a number cannot use `address_id` for emergency services, if it cannot.
pub fn unusable_address(st: &Store, address_id: &str) -> Option<Outcome> {
    let Some(addr) = st.get("addresses", address_id) else {
        return Some(invalid(
            "/emergency_address_id",
            "The field is invalid.",
            &format!("{address_id:?} is not the id of an address of this account."),
        ));
    };
    let (errs, _) = validate(st, &addr);
    (!errs.is_empty()).then(|| {
        invalid(
            "/emergency_address_id",
            "The field is invalid.",
            "The address is not valid for emergency services (it was created without emergency validation and fails it).",
        )
    })
}

fn enable(st: &mut Store, id: &str, body: &Json) -> Outcome {
    let Some(number) = st.get("phone_numbers", id) else { return not_found("phone_numbers") };
    let Some(m) = body.as_object() else { return invalid("/", "Invalid request body", "The request body must be a JSON object.") };
    if let Some(k) = m.keys().find(|k| !["emergency_enabled", "emergency_address_id"].contains(&k.as_str())) {
        return invalid(&format!("/{k}"), "Unknown parameter", &format!("'{k}' is not a recognised parameter."));
    }
    let Some(enabled) = m.get("emergency_enabled").and_then(Json::as_bool) else {
        return invalid("/emergency_enabled", "Missing required parameter", "emergency_enabled (a boolean) is required.");
    };
    let Some(address_id) = m.get("emergency_address_id").and_then(Json::as_str) else {
        return invalid("/emergency_address_id", "Missing required parameter", "emergency_address_id (a string) is required.");
    };
    if !enabled {
        return invalid(
            "/emergency_enabled",
            "Invalid value",
            "This action only enables emergency services; disable them with POST /phone_numbers/jobs/update_emergency_settings.",
        );
    }
    if let Some(o) = unusable_address(st, address_id) {
        return o;
    }
    let done = number["emergency_status"] == "active" && number["emergency_address_id"] == address_id;
    if !done {
        start(st, id, address_id);
    }
    let (Some(fam), Some(obj)) = (family("phone_numbers"), st.get("phone_numbers", id)) else { return not_found("phone_numbers") };
    let Some(sub) = fam.sub_view else { return not_found("phone_numbers") };
    out(if done { 200 } else { 202 }, json!({"data": super::sub_view(st, fam, sub, &obj)}))
}

/// Starts provisioning emergency services on a number with an address.
pub fn start(st: &mut Store, id: &str, address_id: &str) {
    let Some(mut number) = st.get("phone_numbers", id) else { return };
    number["emergency_enabled"] = json!(true);
    number["emergency_address_id"] = json!(address_id);
    number["emergency_status"] = json!("provisioning");
    number["updated_at"] = json!(crate::store::now());
    st.replace("phone_numbers", id, number);
    let polls = st.emergency.provisioning_polls;
    st.emergency.pending.insert(id.to_string(), polls);
}

/// Disables emergency services on a number at once.
pub fn disable(st: &mut Store, id: &str) {
    let Some(mut number) = st.get("phone_numbers", id) else { return };
    number["emergency_enabled"] = json!(false);
    number["emergency_address_id"] = Json::Null;
    number["emergency_status"] = json!("disabled");
    number["updated_at"] = json!(crate::store::now());
    st.replace("phone_numbers", id, number);
    st.emergency.pending.remove(id);
}

/// One read of the numbers: provisioning that has no reads left ends, the rest count one down.
fn advance(st: &mut Store) {
    let pending: Vec<(String, u32)> = st.emergency.pending.iter().map(|(k, v)| (k.clone(), *v)).collect();
    for (id, left) in pending {
        if left > 0 {
            st.emergency.pending.insert(id, left - 1);
            continue;
        }
        st.emergency.pending.remove(&id);
        let Some(mut number) = st.get("phone_numbers", &id) else { continue };
        let fails = st.emergency.fail.iter().any(|f| *f == id || number["phone_number"] == f.as_str());
        number["emergency_status"] = json!(if fails { "provisioning-failed" } else { "active" });
        if fails {
            number["emergency_enabled"] = json!(false);
        }
        number["updated_at"] = json!(crate::store::now());
        st.replace("phone_numbers", &id, number);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::needless_pass_by_value)]
    use hyper::Method;
    use serde_json::{Value as Json, json};

    use crate::api::seed;
    use crate::api::tests::call;
    use crate::store::Store;

    fn address(extra: Json) -> Json {
        let mut a = json!({"first_name": "", "last_name": "", "business_name": "Acme", "street_address": "600 Congress Ave",
                           "locality": "Austin", "administrative_area": "TX", "postal_code": "78701", "country_code": "US"});
        for (k, v) in extra.as_object().unwrap() {
            a[k] = v.clone();
        }
        a
    }

    #[test]
    fn addresses_are_validated_for_emergency_use_with_suggestions() {
        let mut st = Store::default();
        let ok = call(&mut st, Method::POST, "/addresses", Some(address(json!({}))));
        assert_eq!((ok.status, ok.body["data"]["validate_address"].as_bool()), (200, Some(true)), "{}", ok.body);
        st.emergency
            .update(&json!({"reject": {"600 Congres Ave": {"street_address": "600 Congress Ave", "postal_code": "78701"}}}))
            .unwrap();
        let typo =
            call(&mut st, Method::POST, "/addresses", Some(address(json!({"street_address": "600 Congres Ave", "postal_code": "78702"}))));
        assert_eq!(typo.status, 422, "{}", typo.body);
        let errs = typo.body["errors"].as_array().unwrap();
        let got: Vec<(&str, &str)> =
            errs.iter().map(|e| (e["source"]["pointer"].as_str().unwrap(), e["meta"]["suggested_value"].as_str().unwrap())).collect();
        assert_eq!(got, [("/street_address", "600 Congress Ave"), ("/postal_code", "78701")]);
        let v = call(
            &mut st,
            Method::POST,
            "/addresses/actions/validate",
            Some(
                json!({"street_address": "600 Congres Ave", "postal_code": "78701", "country_code": "US", "locality": "Austin", "administrative_area": "TX"}),
            ),
        );
        assert_eq!((v.status, v.body["data"]["result"].as_str()), (200, Some("invalid")));
        assert_eq!(v.body["data"]["suggested"]["street_address"], "600 Congress Ave");
        let nameless = call(&mut st, Method::POST, "/addresses", Some(address(json!({"business_name": "", "first_name": "Ann"}))));
        assert_eq!((nameless.status, nameless.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/business_name")));
        let abroad = call(&mut st, Method::POST, "/addresses", Some(address(json!({"country_code": "GB", "postal_code": "SW1A 1AA"}))));
        assert_eq!((abroad.status, abroad.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/country_code")));
        let unvalidated =
            call(&mut st, Method::POST, "/addresses", Some(address(json!({"country_code": "GB", "validate_address": false}))));
        assert_eq!(unvalidated.status, 200, "{}", unvalidated.body);
        assert_eq!(call(&mut st, Method::POST, "/addresses", Some(address(json!({"country_code": "usa"})))).status, 422);
        assert_eq!(
            call(&mut st, Method::PATCH, &format!("/addresses/{}", ok.body["data"]["id"].as_str().unwrap()), Some(json!({}))).status,
            405
        );
    }

    #[test]
    fn enabling_provisions_over_reads_and_an_address_in_use_cannot_be_deleted() {
        let mut st = Store::default();
        let ids = seed(&mut st, &json!({"phone_numbers": [{"phone_number": "+13125550100"}, {"phone_number": "+13125550101"}]})).unwrap();
        let (n0, n1) = (ids["phone_numbers"][0].as_str().unwrap().to_string(), ids["phone_numbers"][1].as_str().unwrap().to_string());
        let a = call(&mut st, Method::POST, "/addresses", Some(address(json!({})))).body["data"]["id"].as_str().unwrap().to_string();
        st.emergency.update(&json!({"provisioning_polls": 1, "fail": ["+13125550101"]})).unwrap();
        let path = |n: &str| format!("/phone_numbers/{n}/actions/enable_emergency");
        let o = call(&mut st, Method::POST, &path(&n0), Some(json!({"emergency_enabled": true, "emergency_address_id": a})));
        assert_eq!((o.status, o.body["data"]["emergency"]["emergency_status"].as_str()), (202, Some("provisioning")), "{}", o.body);
        let status =
            |st: &mut Store, n: &str| call(st, Method::GET, &format!("/phone_numbers/{n}"), None).body["data"]["emergency_status"].clone();
        assert_eq!(status(&mut st, &n0), "provisioning");
        assert_eq!(status(&mut st, &n0), "active");
        let again = call(&mut st, Method::POST, &path(&n0), Some(json!({"emergency_enabled": true, "emergency_address_id": a})));
        assert_eq!(again.status, 200, "already active with that address");
        call(&mut st, Method::POST, &path(&n1), Some(json!({"emergency_enabled": true, "emergency_address_id": a})));
        status(&mut st, &n1);
        assert_eq!(status(&mut st, &n1), "provisioning-failed");
        let off = call(&mut st, Method::POST, &path(&n0), Some(json!({"emergency_enabled": false, "emergency_address_id": a})));
        assert_eq!(off.status, 422, "Unknown 2, decided: disabling is the job's");
        let bad = call(&mut st, Method::POST, &path(&n0), Some(json!({"emergency_enabled": true, "emergency_address_id": "123"})));
        assert_eq!(bad.body["errors"][0]["source"]["pointer"], "/emergency_address_id");
        let used = call(&mut st, Method::GET, "/addresses?filter[used_as_emergency]=true", None);
        assert_eq!(used.body["data"].as_array().unwrap().len(), 1);
        let del = call(&mut st, Method::DELETE, &format!("/addresses/{a}"), None);
        assert_eq!(del.status, 422, "{}", del.body);
        assert!(del.body["errors"][0]["detail"].as_str().unwrap().contains(&n0));
        // The job disables: the address is free again.
        let job = call(
            &mut st,
            Method::POST,
            "/phone_numbers/jobs/update_emergency_settings",
            Some(json!({"phone_numbers": ["+13125550100", "+13125550101"], "emergency_enabled": false})),
        );
        assert_eq!(job.status, 202, "{}", job.body);
        let done = call(&mut st, Method::GET, &format!("/phone_numbers/jobs/{}", job.body["data"]["id"].as_str().unwrap()), None);
        assert_eq!(done.body["data"]["status"], "completed");
        assert_eq!(status(&mut st, &n0), "disabled");
        assert_eq!(
            call(&mut st, Method::GET, "/addresses?filter[used_as_emergency]=false", None).body["data"].as_array().unwrap().len(),
            1
        );
        assert_eq!(call(&mut st, Method::DELETE, &format!("/addresses/{a}"), None).status, 200);
    }
}
