//! Dynamic E911 (`/dynamic_emergency_addresses`, `/dynamic_emergency_endpoints`,
//! voice-apps-and-e911.md §3.6, §3.7): what the declared families (`families.rs`) do not say.
//!
//! A new address or endpoint is `pending`. Telnyx validates it on its own time; here a pending
//! object settles at a read (`GET` of it, or a listing of its family) once it has been read
//! `pending_reads` times (default 1: the first read after the create still answers `pending`)
//! and `pending_ms` have passed since its create (default 0), as `POST /_emulator/dynamic_emergency`
//! sets. It then becomes `activated` and gets its SIP id (`sip_geolocation_id`, `sip_from_id`),
//! or `rejected` (no SIP id) when a value listed in `reject` is its `street_name` (an address)
//! or its `caller_name` or `callback_number` (an endpoint).
//!
//! Decisions on the Unknowns of §12, recorded here and in the emulator README:
//! * 7: no field limits beyond the documented types, required fields and country enum.
//! * 8: a dynamic emergency address is not an `/addresses` record (UUID ids, not int64): its
//!   id is never a number's `emergency_address_id`.
//! * 9: rejection as above; `pending` lasts as configured; an endpoint needs an existing,
//!   `activated` address (422 on `/dynamic_emergency_address_id` otherwise: "an id of a
//!   currently active dynamic emergency location"); an address that endpoints use cannot be
//!   deleted (422 naming them), pending and rejected objects can.
//!
//! A field the object does not have is answered as null, as every family here answers unset
//! fields (openapi/exceptions.json lists the difference from Telnyx's schema): a pending or
//! rejected object has no SIP id.

use serde_json::{Value as Json, json};

use super::{Outcome, invalid, parse_time};
use crate::families::Family;
use crate::store::Store;

pub const ADDRESSES: &str = "dynamic_emergency_addresses";
pub const ENDPOINTS: &str = "dynamic_emergency_endpoints";

/// Test settings (`POST /_emulator/dynamic_emergency`).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Reads that still answer `pending`.
    pub pending_reads: u64,
    /// How long after its create an object stays `pending` at least.
    pub pending_ms: u64,
    /// Values that make an object `rejected`.
    pub reject: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { pending_reads: 1, pending_ms: 0, reject: Vec::new() }
    }
}

impl Settings {
    /// Reads `{"pending_reads": N, "pending_ms": N, "reject": ["…"]}`; members left out keep
    /// their value.
    pub fn update(&mut self, body: &Json) -> Result<(), String> {
        let Some(m) = body.as_object() else { return Err("expected a JSON object".into()) };
        for k in m.keys() {
            if !["pending_reads", "pending_ms", "reject"].contains(&k.as_str()) {
                return Err(format!("unknown member {k:?} (known: pending_reads, pending_ms, reject)"));
            }
        }
        if let Some(n) = m.get("pending_reads") {
            self.pending_reads = n.as_u64().ok_or("pending_reads must be a whole number")?;
        }
        if let Some(n) = m.get("pending_ms") {
            self.pending_ms = n.as_u64().ok_or("pending_ms must be a whole number of milliseconds")?;
        }
        if let Some(r) = m.get("reject") {
            let r = r.as_array().ok_or("reject must be an array of strings")?;
            self.reject =
                r.iter().map(|v| v.as_str().map(str::to_string).ok_or("reject must be an array of strings")).collect::<Result<_, _>>()?;
        }
        Ok(())
    }

    pub fn to_json(&self) -> Json {
        json!({"pending_reads": self.pending_reads, "pending_ms": self.pending_ms, "reject": self.reject})
    }

    fn rejects(&self, fam: &str, obj: &Json) -> bool {
        let fields: &[&str] = if fam == ADDRESSES { &["street_name"] } else { &["caller_name", "callback_number"] };
        fields.iter().any(|f| obj[*f].as_str().is_some_and(|v| self.reject.iter().any(|r| r == v)))
    }
}

/// Whether `fam` is one of the two families.
pub fn serves(fam: &Family) -> bool {
    fam.name == ADDRESSES || fam.name == ENDPOINTS
}

/// A SIP id as Telnyx's examples look (`XYZ123`, `FXDFWEDF`): upper-case letters and digits.
fn sip_id() -> String {
    (0..10).map(|_| if fastrand::bool() { fastrand::uppercase() } else { fastrand::digit(10) }).collect()
}

/// A read of the family (`only`: of that object alone): each pending object read counts the
/// read and settles when its time has come.
pub fn advance(st: &mut Store, fam: &Family, only: Option<&str>) {
    if !serves(fam) {
        return;
    }
    let settings = st.dynamic_e911.clone();
    let now_text = crate::store::now();
    let now = parse_time(&now_text).unwrap_or_default();
    let pending: Vec<Json> =
        st.all(fam.name).iter().filter(|o| o["status"] == "pending" && only.is_none_or(|id| o["id"] == id)).cloned().collect();
    for mut o in pending {
        let reads = o["reads"].as_u64().unwrap_or_default() + 1;
        o["reads"] = json!(reads);
        let created = o["created_at"].as_str().and_then(parse_time).unwrap_or_default();
        let due = reads > settings.pending_reads && now.saturating_sub(created) >= i64::try_from(settings.pending_ms).unwrap_or(i64::MAX);
        if due {
            if settings.rejects(fam.name, &o) {
                o["status"] = json!("rejected");
            } else {
                o["status"] = json!("activated");
                o[if fam.name == ADDRESSES { "sip_geolocation_id" } else { "sip_from_id" }] = json!(sip_id());
            }
            o["updated_at"] = json!(now_text);
        }
        let id = o["id"].as_str().unwrap_or_default().to_string();
        st.replace(fam.name, &id, o);
    }
}

/// A new endpoint's address must be activated; the endpoint keeps its country (for the list's
/// `filter[country_code]`). The reference itself is checked with the family's `refs`.
pub fn on_create(st: &Store, fam: &Family, obj: &mut Json) -> Result<(), Outcome> {
    if fam.name != ENDPOINTS {
        return Ok(());
    }
    let id = obj["dynamic_emergency_address_id"].as_str().unwrap_or_default();
    let Some(address) = st.get(ADDRESSES, id) else {
        return Err(invalid("/dynamic_emergency_address_id", "Invalid reference", &format!("No dynamic emergency address has id {id:?}.")));
    };
    if address["status"] != "activated" {
        return Err(invalid(
            "/dynamic_emergency_address_id",
            "Address not active",
            &format!("The dynamic emergency address {id} is {}: an endpoint needs an activated address.", address["status"]),
        ));
    }
    obj["country_code"] = address["country_code"].clone();
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::api::dispatch;
    use hyper::Method;

    fn call(st: &mut Store, method: &Method, path: &str, body: Option<Json>) -> Outcome {
        let b = body.map(|b| serde_json::to_vec(&b).unwrap()).unwrap_or_default();
        dispatch(st, None, method, path, "", &b)
    }

    fn address(st: &mut Store, street: &str) -> Outcome {
        let body = json!({"house_number": "600", "street_name": street, "locality": "Austin", "administrative_area": "TX",
                          "postal_code": "78701", "country_code": "US"});
        call(st, &Method::POST, "/v2/dynamic_emergency_addresses", Some(body))
    }

    #[test]
    fn addresses_activate_after_a_read_or_are_rejected() {
        let mut st = Store::default();
        let o = address(&mut st, "Congress");
        assert_eq!(o.status, 201);
        let id = o.body["data"]["id"].as_str().unwrap().to_string();
        assert_eq!(o.body["data"]["status"], "pending");
        assert!(o.body["data"]["sip_geolocation_id"].is_null() && o.body["data"]["extended_address"].is_null());
        assert!(o.body["data"].get("reads").is_none());
        let path = format!("/v2/dynamic_emergency_addresses/{id}");
        assert_eq!(call(&mut st, &Method::GET, &path, None).body["data"]["status"], "pending");
        let got = call(&mut st, &Method::GET, &path, None).body;
        assert_eq!(got["data"]["status"], "activated");
        assert!(got["data"]["sip_geolocation_id"].as_str().is_some_and(|s| s.len() == 10));
        assert_eq!(call(&mut st, &Method::PATCH, &path, Some(json!({"locality": "Dallas"}))).status, 405);

        st.dynamic_e911.update(&json!({"reject": ["Nowhere"], "pending_reads": 0})).unwrap();
        let o = address(&mut st, "Nowhere");
        let bad = o.body["data"]["id"].as_str().unwrap().to_string();
        let got = call(&mut st, &Method::GET, &format!("/v2/dynamic_emergency_addresses/{bad}"), None).body;
        assert_eq!(got["data"]["status"], "rejected");
        assert!(got["data"]["sip_geolocation_id"].is_null());
        // The country enum and the required fields.
        let o = call(
            &mut st,
            &Method::POST,
            "/v2/dynamic_emergency_addresses",
            Some(json!({"house_number": "1", "street_name": "Main",
            "locality": "London", "administrative_area": "LDN", "postal_code": "SW1", "country_code": "GB"})),
        );
        assert_eq!((o.status, o.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/country_code")));
        assert!(st.dynamic_e911.update(&json!({"later": 1})).is_err());
    }

    #[test]
    fn endpoints_need_an_activated_address_which_cannot_then_be_deleted() {
        let mut st = Store::default();
        st.dynamic_e911.update(&json!({"pending_ms": 3_600_000})).unwrap();
        let id = address(&mut st, "Congress").body["data"]["id"].as_str().unwrap().to_string();
        let endpoint = |st: &mut Store, addr: &str| {
            call(
                st,
                &Method::POST,
                "/v2/dynamic_emergency_endpoints",
                Some(json!({"dynamic_emergency_address_id": addr,
                "callback_number": "+13125550100", "caller_name": "Desk 1"})),
            )
        };
        let o = endpoint(&mut st, &id);
        assert_eq!((o.status, o.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/dynamic_emergency_address_id")));
        assert_eq!(endpoint(&mut st, "0ccc7b54-4df3-4bca-a65a-3da1ecc777f1").status, 422);
        st.dynamic_e911.update(&json!({"pending_ms": 0, "pending_reads": 0})).unwrap();
        call(&mut st, &Method::GET, "/v2/dynamic_emergency_addresses", None);
        let o = endpoint(&mut st, &id);
        assert_eq!(o.status, 201, "{}", o.body);
        let eid = o.body["data"]["id"].as_str().unwrap().to_string();
        let got = call(&mut st, &Method::GET, &format!("/v2/dynamic_emergency_endpoints/{eid}"), None).body;
        assert_eq!(got["data"]["status"], "activated");
        assert!(got["data"]["sip_from_id"].is_string() && got["data"].get("country_code").is_none());
        let listed = dispatch(&mut st, None, &Method::GET, "/v2/dynamic_emergency_endpoints", "filter%5Bcountry_code%5D=CA", &[]);
        assert_eq!(listed.body["data"].as_array().unwrap().len(), 0);
        let listed = dispatch(&mut st, None, &Method::GET, "/v2/dynamic_emergency_endpoints", "filter%5Bcountry_code%5D=US", &[]);
        assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
        let o = call(&mut st, &Method::DELETE, &format!("/v2/dynamic_emergency_addresses/{id}"), None);
        assert_eq!(o.status, 422, "in use: {}", o.body);
        assert_eq!(call(&mut st, &Method::DELETE, &format!("/v2/dynamic_emergency_endpoints/{eid}"), None).status, 200);
        assert_eq!(call(&mut st, &Method::DELETE, &format!("/v2/dynamic_emergency_addresses/{id}"), None).status, 200);
    }
}
