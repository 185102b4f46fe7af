//! The emulator checked against Telnyx's own OpenAPI document: every `/v2` answer, and every
//! request body the emulator accepts, is validated against the vendored slice
//! (`openapi/telnyx-api-v2.json`, cut by `scripts/cut-openapi.py`) with the `jsonschema`
//! crate, JSON Schema 2020-12 with formats checked. What does not validate is recorded —
//! the answer is never changed — and served at `GET /_emulator/schema_violations`, minus the
//! documented exceptions (`openapi/exceptions.json`: where Telnyx is known to differ from its
//! own schema, each with its reason), which are listed apart.
//!
//! A request the emulator refuses (4xx) is not a violation: it cannot pass here and then fail
//! at Telnyx. Answers with a status the operation does not document (injected faults, 405)
//! and calls of operations the slice does not have are listed as `unchecked`.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde_json::{Value as Json, json};

const SLICE: &str = include_str!("../../openapi/telnyx-api-v2.json");
const EXCEPTIONS: &str = include_str!("../../openapi/exceptions.json");

/// One operation of the slice: method, path template split in segments (`None`: a parameter),
/// and the names of its request and response schemas.
#[derive(Debug)]
struct Operation {
    method: String,
    template: String,
    segments: Vec<Option<String>>,
    request: Option<String>,
    /// Status (or `default`) to schema name; `None`: documented without a JSON body.
    responses: BTreeMap<String, Option<String>>,
}

/// A documented difference between Telnyx and its schema.
#[derive(Debug, serde::Deserialize)]
struct Exception {
    /// `request` or `response`; absent: both.
    #[serde(default)]
    kind: Option<String>,
    /// `METHOD /template`; absent: every operation.
    #[serde(default)]
    operation: Option<String>,
    /// The last segments of the JSON pointer (`webhook_event_failover_url`,
    /// `inbound/sip_subdomain`), any of them; array indices read as `*`. Empty: any pointer.
    #[serde(default)]
    pointers: Vec<String>,
    /// The failing schema keyword (`format`, `type`, `enum`, `required`, ...).
    keyword: String,
    /// A mark the cutter put on the failing schema (`x-default-null`), if required.
    #[serde(default)]
    marker: Option<String>,
    reason: String,
}

struct Slice {
    operations: Vec<Operation>,
    schemas: HashMap<String, (Json, OnceLock<Result<jsonschema::Validator, String>>)>,
    exceptions: Vec<Exception>,
}

impl std::fmt::Debug for Slice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slice").field("operations", &self.operations.len()).field("schemas", &self.schemas.len()).finish()
    }
}

fn slice() -> &'static Result<Slice, String> {
    static SLICE_: OnceLock<Result<Slice, String>> = OnceLock::new();
    SLICE_.get_or_init(load)
}

fn load() -> Result<Slice, String> {
    let doc: Json = serde_json::from_str(SLICE).map_err(|e| format!("openapi/telnyx-api-v2.json: {e}"))?;
    let exceptions: Vec<Exception> = serde_json::from_str(EXCEPTIONS).map_err(|e| format!("openapi/exceptions.json: {e}"))?;
    let name = |v: &Json| v.as_str().map(str::to_string);
    let mut operations = Vec::new();
    for op in doc["operations"].as_array().into_iter().flatten() {
        let template = op["path"].as_str().unwrap_or_default().to_string();
        let segments =
            template.split('/').filter(|s| !s.is_empty()).map(|s| if s.starts_with('{') { None } else { Some(s.to_string()) }).collect();
        let responses = op["responses"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), name(v))).collect();
        operations.push(Operation {
            method: op["method"].as_str().unwrap_or_default().to_string(),
            template,
            segments,
            request: name(&op["request"]),
            responses,
        });
    }
    let schemas =
        doc["schemas"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), (v.clone(), OnceLock::new()))).collect::<HashMap<_, _>>();
    Ok(Slice { operations, schemas, exceptions })
}

impl Slice {
    /// The operation serving `method path` (`path` without `/v2`): literal segments win over
    /// parameters (`/phone_numbers/voice` is not `/phone_numbers/{id}`).
    fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.operations
            .iter()
            .filter(|o| o.method == method && o.segments.len() == segs.len())
            .filter(|o| o.segments.iter().zip(&segs).all(|(t, s)| t.as_deref().is_none_or(|t| t == *s)))
            .max_by_key(|o| o.segments.iter().filter(|t| t.is_some()).count())
    }

    fn validator(&self, name: &str) -> Result<&jsonschema::Validator, String> {
        let Some((schema, cell)) = self.schemas.get(name) else { return Err(format!("no schema {name:?} in the slice")) };
        cell.get_or_init(|| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(schema)
                .map_err(|e| format!("schema {name}: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// The documented exception a finding falls under: `schema` is the schema validated
    /// against, `schema_path` the failing keyword's place in it.
    fn exception(&self, kind: &str, operation: &str, pointer: &str, schema: &Json, schema_path: &str) -> Option<&Exception> {
        let (parent, keyword) = schema_path.rsplit_once('/').unwrap_or(("", schema_path));
        self.exceptions.iter().find(|e| {
            e.kind.as_deref().is_none_or(|k| k == kind)
                && e.operation.as_deref().is_none_or(|o| o == operation)
                && e.keyword == keyword
                && (e.pointers.is_empty() || e.pointers.iter().any(|p| ends_with_segments(pointer, p)))
                && e.marker.as_deref().is_none_or(|m| schema.pointer(parent).is_some_and(|s| s[m] == Json::Bool(true)))
        })
    }
}

/// Whether the pointer's last segments are `tail`'s (`/data/*/inbound/x` ends with `inbound/x`).
fn ends_with_segments(pointer: &str, tail: &str) -> bool {
    let p: Vec<&str> = pointer.split('/').filter(|s| !s.is_empty()).collect();
    let t: Vec<&str> = tail.split('/').filter(|s| !s.is_empty()).collect();
    t.len() <= p.len() && p[p.len() - t.len()..].iter().zip(&t).all(|(a, b)| b == &"*" || a == b)
}

/// A JSON pointer with array indices as `*`, so that one gap reads as one violation.
fn generic(pointer: &str) -> String {
    pointer.split('/').map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { "*" } else { s }).collect::<Vec<_>>().join("/")
}

/// One finding of one exchange.
#[derive(Debug, Clone)]
pub struct Finding {
    /// `violation`, `excepted`, `unchecked` or `refused`.
    class: &'static str,
    /// `request` or `response`.
    kind: &'static str,
    method: String,
    operation: String,
    path: String,
    status: u16,
    pointer: String,
    keyword: String,
    schema_path: String,
    message: String,
    reason: Option<String>,
}

/// Validates one exchange: the request body (when the request was accepted) and the answer.
/// `path` is the request path with its `/v2` prefix.
pub fn check(method: &str, path: &str, request: &[u8], status: u16, answer: &Json) -> Vec<Finding> {
    let slice = match slice() {
        Ok(s) => s,
        Err(e) => return vec![finding("violation", "response", method, path, path, status, "", "slice", "", e.clone())],
    };
    let rel = path.strip_prefix("/v2").unwrap_or(path);
    let Some(op) = slice.operation(method, rel) else {
        return vec![finding("unchecked", "response", method, path, path, status, "", "", "", "no such operation in the schema".into())];
    };
    let operation = format!("{} {}", op.method, op.template);
    let mut found = Vec::new();
    if let Some(name) = &op.request {
        if let Ok(body) = serde_json::from_slice::<Json>(if request.is_empty() { b"{}" } else { request }) {
            let class = if (200..300).contains(&status) { "violation" } else { "refused" };
            validate(slice, name, &body, "request", class, &operation, method, path, status, &mut found);
        }
    }
    let entry = op.responses.get(&status.to_string()).or_else(|| op.responses.get("default"));
    match entry {
        None => found.push(finding(
            "unchecked",
            "response",
            method,
            &operation,
            path,
            status,
            "",
            "",
            "",
            format!("status {status} is not documented for this operation"),
        )),
        Some(None) => {}
        Some(Some(name)) => validate(slice, name, answer, "response", "violation", &operation, method, path, status, &mut found),
    }
    found
}

#[allow(clippy::too_many_arguments)]
fn finding(
    class: &'static str,
    kind: &'static str,
    method: &str,
    operation: &str,
    path: &str,
    status: u16,
    pointer: &str,
    keyword: &str,
    schema_path: &str,
    message: String,
) -> Finding {
    Finding {
        class,
        kind,
        method: method.to_string(),
        operation: operation.to_string(),
        path: path.to_string(),
        status,
        pointer: pointer.to_string(),
        keyword: keyword.to_string(),
        schema_path: schema_path.to_string(),
        message,
        reason: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn validate(
    slice: &Slice,
    name: &str,
    instance: &Json,
    kind: &'static str,
    class: &'static str,
    operation: &str,
    method: &str,
    path: &str,
    status: u16,
    found: &mut Vec<Finding>,
) {
    let schema = slice.schemas.get(name).map_or(&Json::Null, |(s, _)| s);
    let validator = match slice.validator(name) {
        Ok(v) => v,
        Err(e) => {
            found.push(finding("violation", kind, method, operation, path, status, "", "schema", "", e));
            return;
        }
    };
    for e in validator.iter_errors(instance) {
        let pointer = generic(e.instance_path().as_str());
        let schema_path = e.schema_path().as_str().to_string();
        let keyword = schema_path.rsplit('/').next().unwrap_or_default().to_string();
        let mut message = e.to_string();
        if message.len() > 300 {
            let cut = (0..=300).rev().find(|i| message.is_char_boundary(*i)).unwrap_or(0);
            message.truncate(cut);
            message.push('…');
        }
        let mut f = finding(class, kind, method, operation, path, status, &pointer, &keyword, &schema_path, message);
        if class == "violation" {
            if let Some(x) = slice.exception(kind, operation, &pointer, schema, &f.schema_path) {
                f.class = "excepted";
                f.reason = Some(x.reason.clone());
            }
        }
        found.push(f);
    }
}

/// What makes two findings the same: class, kind, method, operation, status, pointer, schema path.
type Key = (String, String, String, String, u16, String, String);

/// Everything found since the emulator started (or the last `DELETE`), each distinct finding once with how often it was seen.
#[derive(Debug, Default)]
pub struct Findings {
    seen: BTreeMap<Key, (Finding, u64)>,
}

impl Findings {
    pub fn add(&mut self, found: Vec<Finding>) {
        for f in found {
            let key = (
                f.class.to_string(),
                f.kind.to_string(),
                f.method.clone(),
                f.operation.clone(),
                f.status,
                f.pointer.clone(),
                f.schema_path.clone(),
            );
            self.seen.entry(key).or_insert((f, 0)).1 += 1;
        }
    }

    /// The control endpoint's answer: `data` (the violations), `excepted`, `unchecked`, `refused`.
    pub fn to_json(&self) -> Json {
        let mut out = json!({"data": [], "excepted": [], "unchecked": [], "refused": []});
        for (f, count) in self.seen.values() {
            let class = if f.class == "violation" { "data" } else { f.class };
            let mut v = json!({
                "kind": f.kind,
                "method": f.method,
                "operation": f.operation,
                "path": f.path,
                "status": f.status,
                "pointer": f.pointer,
                "keyword": f.keyword,
                "schema_path": f.schema_path,
                "message": f.message,
                "count": count,
            });
            if let Some(r) = &f.reason {
                v["reason"] = json!(r);
            }
            if let Some(a) = out[class].as_array_mut() {
                a.push(v);
            }
        }
        out
    }

    pub fn clear(&mut self) {
        self.seen.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slice_loads_and_every_schema_compiles() {
        let s = slice().as_ref().unwrap();
        assert!(s.operations.len() > 40, "{s:?}");
        for name in s.schemas.keys() {
            s.validator(name).unwrap();
        }
        for op in &s.operations {
            for name in op.request.iter().chain(op.responses.values().flatten()) {
                assert!(s.schemas.contains_key(name), "{} {}: {name}", op.method, op.template);
            }
        }
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        let s = slice().as_ref().unwrap();
        assert_eq!(s.operation("GET", "/phone_numbers/voice").unwrap().template, "/phone_numbers/voice");
        assert_eq!(s.operation("GET", "/phone_numbers/123").unwrap().template, "/phone_numbers/{id}");
        assert_eq!(s.operation("GET", "/phone_numbers/jobs/9").unwrap().template, "/phone_numbers/jobs/{id}");
        assert!(s.operation("POST", "/phone_numbers").is_none());
    }

    #[test]
    fn a_null_where_the_schema_allows_none_is_a_violation() {
        let found = check("GET", "/v2/fqdns/1", b"", 200, &json!({"data": {"id": "1", "port": null}}));
        let f: Vec<_> = found.iter().filter(|f| f.class == "violation").collect();
        assert_eq!(f.len(), 1, "{found:?}");
        assert_eq!((f[0].pointer.as_str(), f[0].keyword.as_str()), ("/data/port", "type"));
        let found = check("GET", "/v2/fqdns", b"", 200, &json!({"data": [{"port": null}, {"port": "x"}]}));
        let mut fs = Findings::default();
        fs.add(found);
        assert_eq!(fs.to_json()["data"][0]["pointer"], "/data/*/port");
        assert_eq!(fs.to_json()["data"][0]["count"], 2);
    }

    /// Every family's create, read, list and update answers as the schema says (the gaps of
    /// issue 24: noise_suppression, attenuation_limit, sip_uri_calling_preference, an IP
    /// connection's sip_subdomain_receive_settings, the FQDN connection's read-only switches,
    /// outbound.ani_override, daily_spend_limit).
    #[test]
    fn fresh_objects_of_every_family_answer_as_the_schema_says() {
        use hyper::Method;
        let mut st = crate::store::Store::default();
        let mut found = Vec::new();
        let mut call = |st: &mut crate::store::Store, method: Method, path: &str, body: Json| {
            let bytes = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
            let o = crate::api::dispatch(st, None, &method, &format!("/v2{path}"), "", &bytes);
            found.extend(check(method.as_str(), &format!("/v2{path}"), &bytes, o.status, &o.body));
            o
        };
        let creates = [
            ("/outbound_voice_profiles", json!({"name": "ovp"})),
            ("/credential_connections", json!({"connection_name": "c", "user_name": "schema1", "password": "s3cret-pass"})),
            ("/fqdn_connections", json!({"connection_name": "f"})),
            ("/ip_connections", json!({"connection_name": "i"})),
            ("/billing_groups", json!({"name": "b"})),
            ("/access_ip_ranges", json!({"cidr_block": "203.0.113.0/24"})),
        ];
        for (path, body) in creates {
            let o = call(&mut st, Method::POST, path, body);
            assert!(o.status < 300, "{path}: {}", o.body);
            let data = if o.body.get("data").is_some() { &o.body["data"] } else { &o.body };
            let id = data["id"].as_str().unwrap().to_string();
            call(&mut st, Method::GET, path, Json::Null);
            if path != "/access_ip_ranges" {
                call(&mut st, Method::GET, &format!("{path}/{id}"), Json::Null);
            }
        }
        call(&mut st, Method::GET, "/connections", Json::Null);
        // Errors too (billing groups' integer `code` is a documented exception).
        call(&mut st, Method::GET, "/billing_groups/404", Json::Null);
        call(&mut st, Method::GET, "/fqdn_connections/404", Json::Null);
        let violations: Vec<_> = found.iter().filter(|f| f.class == "violation").collect();
        assert!(violations.is_empty(), "{violations:#?}");
    }

    #[test]
    fn documented_exceptions_are_listed_apart_with_their_reason() {
        let answer =
            json!({"data": {"inbound": {"channel_limit": null}, "outbound": {"channel_limit": null}, "webhook_event_failover_url": ""}});
        let found = check("GET", "/v2/ip_connections/1", b"", 200, &answer);
        assert!(found.iter().all(|f| f.class == "excepted" && f.reason.is_some()), "{found:?}");
        assert_eq!(found.len(), 3, "{found:?}");
        // The same null where the document has no null default is a violation.
        let found = check("GET", "/v2/ip_connections/1", b"", 200, &json!({"data": {"inbound": {"sip_region": null}}}));
        assert!(found.iter().any(|f| f.class == "violation"), "{found:?}");
    }

    #[test]
    fn refused_requests_and_undocumented_statuses_are_not_violations() {
        let found = check("POST", "/v2/fqdns", br#"{"port": "x"}"#, 422, &json!({"errors": []}));
        assert!(found.iter().all(|f| f.class != "violation"), "{found:?}");
        assert!(found.iter().any(|f| f.class == "refused"), "{found:?}");
        let found = check("POST", "/v2/fqdns", br#"{"port": "x"}"#, 201, &json!({"data": {}}));
        assert!(found.iter().any(|f| f.class == "violation" && f.kind == "request" && f.pointer == "/port"), "{found:?}");
        let found = check("GET", "/v2/fqdns", b"", 503, &json!({}));
        assert_eq!(found[0].class, "unchecked");
        assert!(ends_with_segments("/data/*/inbound/x", "inbound/x"));
        assert!(ends_with_segments("/data/inbound/x", "*/x"));
        assert!(!ends_with_segments("/x", "inbound/x"));
    }
}
