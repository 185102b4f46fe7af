//! Bulk phone-number jobs (`/phone_numbers/jobs…`, voice-apps-and-e911.md §4): asynchronous,
//! answered `202` with a `pending` job; the numbers change when the job ends, `duration_ms`
//! after it was made (`POST /_emulator/jobs`; default 0). Jobs run in the background as at
//! Telnyx, whether or not anyone polls them: a due job ends before the emulator serves the next
//! API request of any kind (a poll, a listing, a PATCH). Until then a poll answers
//! `in_progress` with every number under `pending_operations`.
//!
//! Each number is changed exactly as `PATCH /phone_numbers/{id}` (and `PATCH …/voice` for
//! `voice`) would change it, so a job passes and fails where the single requests do; a number
//! that fails lands in `failed_operations` with the errors that request would give. Tests
//! inject per-number failures with `POST /_emulator/jobs {"fail": {"+1312…": "detail"}}`.
//!
//! Decisions on the Unknowns of §12, recorded here and in the emulator README:
//! * 10: a job that ends is `completed`, with `failed_operations` for the numbers that failed;
//!   it is `failed` only when every number failed. No job `expire`s here.
//! * 11: `""` clears `connection_id`, `billing_group_id`, `customer_reference`, as the PATCH does.
//! * 12: `tags` replaces the list (as the PATCH does); `voice` is applied member by member as
//!   `PATCH …/voice` applies it (its nested objects replaced wholesale). `add_tags` /
//!   `remove_tags` are refused as unknown fields.
//! * 13: a request with both `phone_numbers` and `filter[…]` is refused (422): a client that
//!   means specific numbers must not depend on how Telnyx combines the two.
//! * §11, mixed ids and E.164 in one request: refused (422), as the documented example error says.
//! * §11, pending jobs per account: 20.
//!
//! `delete_phone_numbers` RELEASES the numbers when the job ends, as Telnyx does; it exists so
//! that a test can prove a client never sends it (the request log shows every request).

use serde_json::{Value as Json, json};

use super::{Outcome, invalid, list, not_found, out, update, update_sub_view};
use crate::families::{Filter, Match, family};
use crate::spec::{self, errors};
use crate::store::Store;

/// The store family jobs are kept in (never served as a family of its own).
pub const FAMILY: &str = "phone_numbers_jobs";
/// §4.4: at most 1000 numbers per request.
pub const MAX_NUMBERS: usize = 1000;
/// §11: plan for 20 pending or in-progress jobs per account.
pub const MAX_OPEN_JOBS: usize = 20;

/// Test settings (`POST /_emulator/jobs`).
#[derive(Debug, Default, Clone)]
pub struct Settings {
    /// How long a job runs before a poll can end it.
    pub duration_ms: u64,
    /// Numbers (E.164 or id) that fail in every job, with the error detail.
    pub fail: Vec<(String, String)>,
}

impl Settings {
    /// Reads `{"duration_ms": N, "fail": {"+1…": "detail", …}}`; members left out keep their value.
    pub fn update(&mut self, body: &Json) -> Result<(), String> {
        let Some(m) = body.as_object() else { return Err("expected a JSON object".into()) };
        for k in m.keys() {
            if !["duration_ms", "fail"].contains(&k.as_str()) {
                return Err(format!("unknown member {k:?} (known: duration_ms, fail)"));
            }
        }
        if let Some(d) = m.get("duration_ms") {
            self.duration_ms = d.as_u64().ok_or("duration_ms must be a whole number of milliseconds")?;
        }
        if let Some(f) = m.get("fail") {
            let f = f.as_object().ok_or("fail must be an object of number → error detail")?;
            self.fail =
                f.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("The phone number could not be updated.").to_string())).collect();
        }
        Ok(())
    }

    fn to_json(&self) -> Json {
        json!({"duration_ms": self.duration_ms, "fail": self.fail.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>()})
    }
}

/// The settings as the control endpoint answers them.
pub fn settings_json(st: &Store) -> Json {
    st.jobs.to_json()
}

const TYPES: &[&str] = &["update_emergency_settings", "delete_phone_numbers", "update_phone_numbers"];
const JOB_FILTERS: &[Filter] = &[Filter { key: "filter[type]", field: "type", how: Match::Exact }];

/// Fields of the update job's body besides `phone_numbers` (§4.1).
const UPDATE_FIELDS: &[&str] = &[
    "connection_id",
    "billing_group_id",
    "tags",
    "customer_reference",
    "external_pin",
    "hd_voice_enabled",
    "deletion_lock_enabled",
    "voice",
];

/// Fields of the emergency job's body besides `phone_numbers` (§3.5).
const EMERGENCY_FIELDS: &[&str] = &["emergency_enabled", "emergency_address_id"];

/// The emergency job's body (§3.5): `emergency_enabled` required; an address (one a number
/// can use) required when enabling, null or left out when disabling.
fn check_emergency(st: &Store, b: &serde_json::Map<String, Json>) -> Result<(), Outcome> {
    let Some(enabled) = b.get("emergency_enabled").and_then(Json::as_bool) else {
        return Err(invalid("/emergency_enabled", "Missing required field", "emergency_enabled (a boolean) must be present."));
    };
    match (enabled, b.get("emergency_address_id").filter(|v| !v.is_null())) {
        (true, None) => Err(invalid(
            "/emergency_address_id",
            "Missing required field",
            "emergency_address_id is required if emergency_enabled is true.",
        )),
        (true, Some(a)) => match a.as_str() {
            Some(a) => super::emergency::unusable_address(st, a).map_or(Ok(()), Err),
            None => Err(invalid("/emergency_address_id", "Invalid value", "emergency_address_id must be a string.")),
        },
        (false, Some(_)) => Err(invalid(
            "/emergency_address_id",
            "Invalid value",
            "emergency_address_id must be null or omitted if emergency_enabled is false.",
        )),
        (false, None) => Ok(()),
    }
}

/// Serves `/phone_numbers/jobs…` (`segs` without the leading `phone_numbers`, `jobs`).
pub fn dispatch(st: &mut Store, page_size_cap: Option<usize>, method: &hyper::Method, rest: &[&str], query: &str, body: &Json) -> Outcome {
    use hyper::Method;
    match (method, rest) {
        (&Method::GET, []) => {
            advance_all(st);
            if let Some(t) = super::parse_query(query).iter().find(|(k, _)| k == "filter[type]").map(|(_, v)| v.clone()) {
                if !TYPES.contains(&t.as_str()) {
                    return super::bad_parameter("filter[type]", &format!("filter[type] must be one of {}.", TYPES.join(", ")));
                }
            }
            // Newest first: the documented default sort is `-created_at`.
            let items: Vec<std::borrow::Cow<'_, Json>> = st.all(FAMILY).iter().rev().map(std::borrow::Cow::Borrowed).collect();
            let params = super::ListParams { filters: JOB_FILTERS, sorts: &["created_at"], default_page_size: 20 };
            list(st, page_size_cap, &params, items, query, |_, o| public(o))
        }
        (&Method::GET, [id]) => {
            let Some(job) = st.get(FAMILY, id) else { return not_found("phone numbers job") };
            let job = advance(st, job);
            out(200, json!({"data": public(job)}))
        }
        (&Method::POST, ["update_phone_numbers"]) => create(st, "update_phone_numbers", query, body),
        (&Method::POST, ["delete_phone_numbers"]) => create(st, "delete_phone_numbers", query, body),
        (&Method::POST, ["update_emergency_settings"]) => create(st, "update_emergency_settings", query, body),
        _ => super::method_not_allowed(method, "/phone_numbers/jobs"),
    }
}

/// The job as answered: internal members (`_…`) dropped.
fn public(mut job: Json) -> Json {
    if let Some(m) = job.as_object_mut() {
        m.retain(|k, _| !k.starts_with('_'));
    }
    job
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn create(st: &mut Store, kind: &str, query: &str, body: &Json) -> Outcome {
    let Some(b) = body.as_object() else { return invalid("/", "Invalid request body", "The request body must be a JSON object.") };
    if super::parse_query(query).iter().any(|(k, _)| k.starts_with("filter[")) && b.contains_key("phone_numbers") {
        return invalid(
            "/phone_numbers",
            "Invalid request",
            "Send either phone_numbers or filter parameters, not both (the emulator refuses the combination; see its README).",
        );
    }
    let allowed: &[&str] = match kind {
        "update_phone_numbers" => UPDATE_FIELDS,
        "update_emergency_settings" => EMERGENCY_FIELDS,
        _ => &[],
    };
    if let Some(k) = b.keys().find(|k| *k != "phone_numbers" && !allowed.contains(&k.as_str())) {
        return invalid(&format!("/{k}"), "Unknown field", &format!("{k} is not a field of this request."));
    }
    let Some(numbers) = b.get("phone_numbers").and_then(Json::as_array) else {
        return invalid("/phone_numbers", "Missing required field", "phone_numbers must be present.");
    };
    if numbers.is_empty() {
        return invalid("/phone_numbers", "Invalid value", "You must provide at least 1 phone number.");
    }
    if numbers.len() > MAX_NUMBERS {
        return invalid("/phone_numbers", "Invalid value", "1000 numbers is the maximum allowed.");
    }
    let Some(numbers) = numbers.iter().map(Json::as_str).collect::<Option<Vec<&str>>>() else {
        return invalid("/phone_numbers", "Invalid value", "Every phone number must be a string.");
    };
    let e164 = numbers.iter().filter(|n| n.starts_with('+')).count();
    if e164 != 0 && e164 != numbers.len() {
        return invalid(
            "/phone_numbers",
            "Invalid value",
            "You must specify either all phone numbers in the e164 format or all as phone number ids.",
        );
    }
    if e164 != 0 && numbers.iter().any(|n| !spec::is_e164(n)) {
        return invalid("/phone_numbers", "Invalid value", "Every phone number must be in E.164 format (+ and 1 to 15 digits).");
    }
    // The account's numbers by the form the request uses (E.164 or id), looked up once.
    let key = if e164 != 0 { "phone_number" } else { "id" };
    let owned: std::collections::HashMap<&str, &Json> =
        st.all("phone_numbers").iter().filter_map(|o| Some((o[key].as_str()?, o))).collect();
    let mut targets = Vec::with_capacity(numbers.len());
    for n in &numbers {
        match owned.get(n) {
            Some(obj) => targets.push((*obj).clone()),
            None => return invalid("/phone_numbers", "Invalid value", "You must own every number in the bulk request."),
        }
    }
    if kind == "update_phone_numbers" {
        if !UPDATE_FIELDS.iter().any(|f| b.contains_key(*f)) {
            return invalid("/updateable_fields", "Invalid value", "You must provide at least 1 updateable field.");
        }
        if let Err(o) = check_fields(body) {
            return o;
        }
        if let Some(g) = b.get("billing_group_id").and_then(Json::as_str).filter(|g| !g.is_empty()) {
            if st.get("billing_groups", g).is_none() {
                return out(
                    403,
                    errors(
                        "10010",
                        "Forbidden",
                        "The specified billing group either does not exist or is not part of your account",
                        Some("/billing_group_id"),
                    ),
                );
            }
        }
    }
    if kind == "update_emergency_settings" {
        if let Err(o) = check_emergency(st, b) {
            return o;
        }
    }
    advance_all(st);
    let open = st.all(FAMILY).iter().filter(|j| matches!(j["status"].as_str(), Some("pending" | "in_progress"))).count();
    if open >= MAX_OPEN_JOBS {
        return invalid("/phone_numbers", "Too many jobs", "You can have at most 20 pending or in progress jobs");
    }
    let now = crate::store::now();
    let submitted: Vec<Json> =
        numbers.iter().map(|n| if n.starts_with('+') { json!({"phone_number": n}) } else { json!({"id": n}) }).collect();
    let pending: Vec<Json> = targets.iter().map(|o| json!({"id": o["id"], "phone_number": o["phone_number"]})).collect();
    let mut parameters = body.clone();
    if let Some(m) = parameters.as_object_mut() {
        m.remove("phone_numbers");
    }
    let job = json!({
        "id": crate::store::new_uuid(),
        "record_type": "phone_numbers_job",
        "type": kind,
        "status": "pending",
        "etc": now,
        "phone_numbers": submitted,
        "successful_operations": [],
        "pending_operations": pending,
        "failed_operations": [],
        "parameters": parameters,
        "created_at": now,
        "updated_at": now,
        "_due_ms": now_ms() + st.jobs.duration_ms,
        "_request": body,
    });
    st.insert(FAMILY, job.clone());
    out(202, json!({"data": public(job)}))
}

/// Ends every due job (see the module comment); called before each API request.
pub fn advance_all(st: &mut Store) {
    let open: Vec<Json> = st.all(FAMILY).iter().filter(|j| j["status"] == "pending" || j["status"] == "in_progress").cloned().collect();
    for j in open {
        advance(st, j);
    }
}

/// Moves a job on: `pending` → `in_progress` at the first look, then to its end once due.
fn advance(st: &mut Store, mut job: Json) -> Json {
    let id = job["id"].as_str().unwrap_or_default().to_string();
    match job["status"].as_str() {
        Some("pending") | Some("in_progress") => {}
        _ => return job,
    }
    if job["_due_ms"].as_u64().unwrap_or(0) > now_ms() {
        if job["status"] == "pending" {
            job["status"] = json!("in_progress");
            job["updated_at"] = json!(crate::store::now());
            st.replace(FAMILY, &id, job.clone());
        }
        return job;
    }
    // The request without its (up to 1,000) numbers: what each number's part applies.
    let mut request = job["_request"].clone();
    if let Some(m) = request.as_object_mut() {
        m.remove("phone_numbers");
    }
    let targets: Vec<Json> = job["pending_operations"].as_array().cloned().unwrap_or_default();
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for t in targets {
        let (nid, number) = (t["id"].as_str().unwrap_or_default().to_string(), t["phone_number"].clone());
        match run_one(st, job["type"].as_str().unwrap_or_default(), &nid, number.as_str().unwrap_or_default(), &request) {
            Ok(()) => ok.push(json!({"id": nid, "phone_number": number})),
            Err(errs) => failed.push(json!({"id": nid, "phone_number": number, "errors": errs})),
        }
    }
    job["status"] = json!(if ok.is_empty() && !failed.is_empty() { "failed" } else { "completed" });
    job["successful_operations"] = Json::Array(ok);
    job["failed_operations"] = Json::Array(failed);
    job["pending_operations"] = json!([]);
    job["updated_at"] = json!(crate::store::now());
    st.replace(FAMILY, &id, job.clone());
    job
}

/// One number's part of a job: the errors it fails with, as the single request would give them.
fn run_one(st: &mut Store, kind: &str, id: &str, number: &str, request: &Json) -> Result<(), Json> {
    if let Some((_, detail)) = st.jobs.fail.iter().find(|(k, _)| k == id || k == number) {
        return Err(json!([{"code": "10015", "title": "The field is invalid.", "detail": detail}]));
    }
    let Some(fam) = family("phone_numbers") else { return Err(json!([{"code": "10005", "title": "Resource not found"}])) };
    if st.get("phone_numbers", id).is_none() {
        return Err(json!([{"code": "10005", "title": "Resource not found", "detail": "The phone number is no longer on the account."}]));
    }
    if kind == "delete_phone_numbers" {
        if st.get("phone_numbers", id).is_some_and(|o| o["deletion_lock_enabled"] == true) {
            return Err(json!([{"code": "10015", "title": "Deletion locked", "detail": "The phone number has deletion lock enabled."}]));
        }
        let o = super::delete(st, fam, id);
        return if o.status < 300 { Ok(()) } else { Err(o.body["errors"].clone()) };
    }
    if kind == "update_emergency_settings" {
        match request["emergency_address_id"].as_str().filter(|_| request["emergency_enabled"] == true) {
            Some(address) => match super::emergency::unusable_address(st, address) {
                Some(o) => return Err(o.body["errors"].clone()),
                None => super::emergency::start(st, id, address),
            },
            None => super::emergency::disable(st, id),
        }
        return Ok(());
    }
    let (patch, voice, lock) = split_request(request);
    if patch.as_object().is_some_and(|m| !m.is_empty()) {
        let o = update(st, fam, id, &patch);
        if o.status >= 300 {
            return Err(o.body["errors"].clone());
        }
    }
    if let (Some(v), Some(sub)) = (voice, fam.sub_view) {
        let o = update_sub_view(st, fam, sub, id, &v);
        if o.status >= 300 {
            return Err(pointed_under(o.body["errors"].clone(), "/voice"));
        }
    }
    if let Some(lock) = lock {
        if let Some(mut o) = st.get("phone_numbers", id) {
            o["deletion_lock_enabled"] = lock;
            st.replace("phone_numbers", id, o);
        }
    }
    Ok(())
}

/// An update job's body as the single requests it stands for: the number's PATCH body, the
/// voice PATCH body, and `deletion_lock_enabled` (settable only through this job, §4.1).
fn split_request(request: &Json) -> (Json, Option<Json>, Option<Json>) {
    let mut patch = request.clone();
    let Some(m) = patch.as_object_mut() else { return (json!({}), None, None) };
    m.remove("phone_numbers");
    let voice = m.remove("voice");
    let lock = m.remove("deletion_lock_enabled");
    (patch, voice, lock)
}

/// The request's fields checked once, before the job is made, as the single requests would
/// check them (types, enums, lengths): such an error is the whole request's, not a number's.
fn check_fields(body: &Json) -> Result<(), Outcome> {
    let Some(fam) = family("phone_numbers") else { return Ok(()) };
    let (patch, voice, lock) = split_request(body);
    if let Err(e) = spec::validate(&patch, fam.fields, spec::Op::Update, &[]) {
        return Err(invalid(&e.pointer, e.title, &e.detail));
    }
    if let (Some(v), Some(sub)) = (voice, fam.sub_view) {
        if !v.is_object() {
            return Err(invalid("/voice", "Invalid value", "voice must be an object."));
        }
        if let Err(e) = spec::validate(&v, sub.fields, spec::Op::Update, &[]) {
            return Err(invalid(&format!("/voice{}", e.pointer), e.title, &e.detail));
        }
    }
    if lock.is_some_and(|l| !l.is_boolean()) {
        return Err(invalid("/deletion_lock_enabled", "Invalid value", "deletion_lock_enabled must be a boolean."));
    }
    Ok(())
}

/// The voice PATCH's pointers, as members of the job's `voice`.
fn pointed_under(mut errs: Json, prefix: &str) -> Json {
    for e in errs.as_array_mut().into_iter().flatten() {
        if let Some(p) = e.pointer_mut("/source/pointer") {
            if let Some(s) = p.as_str() {
                *p = json!(format!("{prefix}{s}"));
            }
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::needless_pass_by_value)]
    use hyper::Method;
    use serde_json::{Value as Json, json};

    use crate::api::tests::call;
    use crate::api::{Outcome, seed};
    use crate::store::Store;

    /// An account with `n` numbers (+1312555xxxx), a billing group and an FQDN connection.
    fn account(n: usize) -> (Store, Vec<String>, String, String) {
        let mut st = Store::default();
        let numbers: Vec<Json> = (0..n).map(|i| json!({"phone_number": format!("+1312555{i:04}")})).collect();
        let ids = seed(&mut st, &json!({"billing_groups": [{"name": "ops"}], "phone_numbers": numbers})).unwrap();
        let group = ids["billing_groups"][0].as_str().unwrap().to_string();
        let c = call(&mut st, Method::POST, "/fqdn_connections", Some(json!({"connection_name": "trunk"})));
        assert_eq!(c.status, 201, "{}", c.body);
        let e164 = (0..n).map(|i| format!("+1312555{i:04}")).collect();
        (st, e164, c.body["data"]["id"].as_str().unwrap().to_string(), group)
    }

    fn number(st: &mut Store, e164: &str) -> Json {
        call(st, Method::GET, &format!("/phone_numbers?filter[phone_number]={}", &e164[1..]), None).body["data"][0].clone()
    }

    fn poll(st: &mut Store, id: &str) -> Json {
        let o = call(st, Method::GET, &format!("/phone_numbers/jobs/{id}"), None);
        assert_eq!(o.status, 200, "{}", o.body);
        o.body["data"].clone()
    }

    #[test]
    fn an_update_job_is_pending_then_changes_every_number_when_it_ends() {
        let (mut st, numbers, conn, group) = account(3);
        st.jobs.duration_ms = 300;
        let body = json!({"phone_numbers": numbers, "connection_id": conn, "billing_group_id": group, "tags": ["trunk"],
                          "voice": {"tech_prefix_enabled": true, "translated_number": "13125559999"}});
        let o = call(&mut st, Method::POST, "/phone_numbers/jobs/update_phone_numbers", Some(body));
        assert_eq!(o.status, 202, "{}", o.body);
        let job = &o.body["data"];
        assert_eq!(
            (job["status"].as_str(), job["type"].as_str(), job["record_type"].as_str()),
            (Some("pending"), Some("update_phone_numbers"), Some("phone_numbers_job"))
        );
        assert_eq!(job["pending_operations"].as_array().unwrap().len(), 3);
        assert!(job.get("_request").is_none(), "internal members are never answered");
        assert!(number(&mut st, &numbers[0])["connection_id"].is_null(), "nothing changes before the job ends");
        assert_eq!(poll(&mut st, job["id"].as_str().unwrap())["status"], "in_progress");
        // Due, it ends before the next request of any kind: nobody has to poll it.
        std::thread::sleep(std::time::Duration::from_millis(350));
        assert_eq!(number(&mut st, &numbers[0])["connection_id"].as_str(), Some(conn.as_str()), "ended in the background");
        st.jobs.duration_ms = 0;
        let done = poll(&mut st, job["id"].as_str().unwrap());
        assert_eq!(done["status"], "completed");
        assert_eq!(done["successful_operations"].as_array().unwrap().len(), 3);
        assert_eq!(done["pending_operations"], json!([]));
        for n in &numbers {
            let got = number(&mut st, n);
            assert_eq!((got["connection_id"].as_str(), got["billing_group_id"].as_str()), (Some(conn.as_str()), Some(group.as_str())));
            assert_eq!(got["tags"], json!(["trunk"]));
            let voice = call(&mut st, Method::GET, &format!("/phone_numbers/{}/voice", got["id"].as_str().unwrap()), None);
            assert_eq!(voice.body["data"]["translated_number"], "13125559999");
        }
        // "" clears, as the PATCH does (Unknown 11, decided).
        let o = call(
            &mut st,
            Method::POST,
            "/phone_numbers/jobs/update_phone_numbers",
            Some(json!({"phone_numbers": numbers, "connection_id": ""})),
        );
        poll(&mut st, o.body["data"]["id"].as_str().unwrap());
        assert!(number(&mut st, &numbers[1])["connection_id"].is_null());
    }

    #[test]
    fn a_job_runs_for_its_duration_and_injected_failures_are_per_number() {
        let (mut st, numbers, conn, _) = account(4);
        st.jobs
            .update(&json!({"duration_ms": 60_000, "fail": {numbers[2].clone(): "HD voice is not available for this number."}}))
            .unwrap();
        let o = call(
            &mut st,
            Method::POST,
            "/phone_numbers/jobs/update_phone_numbers",
            Some(json!({"phone_numbers": numbers, "connection_id": conn})),
        );
        let id = o.body["data"]["id"].as_str().unwrap().to_string();
        assert_eq!(poll(&mut st, &id)["status"], "in_progress");
        assert_eq!(poll(&mut st, &id)["pending_operations"].as_array().unwrap().len(), 4);
        st.jobs.duration_ms = 0;
        // Due now: rewind the job's end.
        let mut job = st.get(super::FAMILY, &id).unwrap();
        job["_due_ms"] = json!(0);
        st.replace(super::FAMILY, &id, job);
        let done = poll(&mut st, &id);
        assert_eq!(done["status"], "completed", "some numbers succeeded");
        assert_eq!(done["successful_operations"].as_array().unwrap().len(), 3);
        let failed = done["failed_operations"].as_array().unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0]["phone_number"], numbers[2]);
        assert_eq!(failed[0]["errors"][0]["detail"], "HD voice is not available for this number.");
        assert!(number(&mut st, &numbers[2])["connection_id"].is_null(), "a failed number is unchanged");
        assert_eq!(number(&mut st, &numbers[3])["connection_id"], conn.as_str());
    }

    #[test]
    fn requests_are_refused_as_the_documented_examples_say() {
        let (mut st, numbers, conn, _) = account(2);
        let post = |st: &mut Store, b: Json| call(st, Method::POST, "/phone_numbers/jobs/update_phone_numbers", Some(b));
        let detail = |o: &Outcome| o.body["errors"][0]["detail"].as_str().unwrap_or("").to_string();
        let id0 = number(&mut st, &numbers[0])["id"].as_str().unwrap().to_string();
        let o = post(&mut st, json!({"phone_numbers": [numbers[0], id0], "connection_id": conn}));
        assert_eq!((o.status, detail(&o).contains("all phone numbers in the e164 format")), (422, true));
        let o = post(&mut st, json!({"phone_numbers": ["+19995550000"], "connection_id": conn}));
        assert_eq!((o.status, detail(&o)), (422, "You must own every number in the bulk request.".to_string()));
        let o = post(&mut st, json!({"phone_numbers": []}));
        assert_eq!(detail(&o), "You must provide at least 1 phone number.");
        let many: Vec<String> = (0..1001).map(|i| format!("+1312555{i:04}")).collect();
        assert_eq!(detail(&post(&mut st, json!({"phone_numbers": many, "connection_id": conn}))), "1000 numbers is the maximum allowed.");
        let o = post(&mut st, json!({"phone_numbers": numbers}));
        assert_eq!((o.status, o.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/updateable_fields")));
        let o = post(&mut st, json!({"phone_numbers": numbers, "billing_group_id": "dc8e4d67-33a0-4b71-9e3b-0b8f2e2b9a11"}));
        assert_eq!((o.status, o.body["errors"][0]["code"].as_str()), (403, Some("10010")));
        let o = post(&mut st, json!({"phone_numbers": numbers, "add_tags": ["x"]}));
        assert_eq!((o.status, o.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/add_tags")));
        let o = post(&mut st, json!({"phone_numbers": numbers, "voice": {"usage_payment_method": "free"}}));
        assert_eq!((o.status, o.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/voice/usage_payment_method")));
        let o = call(
            &mut st,
            Method::POST,
            "/phone_numbers/jobs/update_phone_numbers?filter[tag]=x",
            Some(json!({"phone_numbers": numbers, "tags": []})),
        );
        assert_eq!(o.status, 422, "phone_numbers with a filter is refused (Unknown 13, decided)");
        // At most 20 open jobs.
        st.jobs.duration_ms = 60_000;
        for _ in 0..20 {
            assert_eq!(post(&mut st, json!({"phone_numbers": numbers, "tags": ["a"]})).status, 202);
        }
        let o = post(&mut st, json!({"phone_numbers": numbers, "tags": ["a"]}));
        assert_eq!((o.status, detail(&o)), (422, "You can have at most 20 pending or in progress jobs".to_string()));
        // Listed newest first, filtered by type.
        let l = call(&mut st, Method::GET, "/phone_numbers/jobs?filter[type]=update_phone_numbers&page[size]=5", None);
        assert_eq!((l.status, l.body["meta"]["total_results"].as_u64(), l.body["data"].as_array().unwrap().len()), (200, Some(20), 5));
        assert_eq!(call(&mut st, Method::GET, "/phone_numbers/jobs?filter[type]=nope", None).status, 422);
        assert_eq!(call(&mut st, Method::GET, "/phone_numbers/jobs/42587e44-0000-4000-8000-000000000000", None).status, 404);
    }

    #[test]
    fn the_release_job_releases_numbers_as_telnyx_does() {
        let (mut st, numbers, _, _) = account(2);
        let o = call(&mut st, Method::POST, "/phone_numbers/jobs/delete_phone_numbers", Some(json!({"phone_numbers": [numbers[0]]})));
        assert_eq!(o.status, 202, "{}", o.body);
        assert_eq!(poll(&mut st, o.body["data"]["id"].as_str().unwrap())["status"], "completed");
        assert!(number(&mut st, &numbers[0]).is_null(), "released: gone from the account");
        assert!(!number(&mut st, &numbers[1]).is_null());
    }
}
