//! `/v2/...` semantics: create, retrieve, update, delete and list for every family, strict
//! like the real API (statuses, envelopes, 422 with `source.pointer`, 404 envelopes).

use std::borrow::Cow;

use hyper::Method;
use serde_json::{Value as Json, json};

use crate::families::{self, Cmp, Family, Filter, Match, OnDelete, SubView, View, family, view};
use crate::spec::{self, Op, errors};
use crate::store::Store;

pub mod dynamic_e911;
pub mod emergency;
pub mod jobs;

pub struct Outcome {
    pub status: u16,
    pub body: Json,
}

fn out(status: u16, body: Json) -> Outcome {
    Outcome { status, body }
}

fn not_found(what: &str) -> Outcome {
    out(404, errors("10005", "Resource not found", &format!("The requested {what} could not be found."), None))
}

fn invalid(pointer: &str, title: &str, detail: &str) -> Outcome {
    out(422, errors("10015", title, detail, Some(pointer)))
}

fn wrap(f: &Family, obj: Json) -> Json {
    if f.bare { obj } else { json!({"data": obj}) }
}

/// Decodes `application/x-www-form-urlencoded`-style query text.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Serves one `/v2/...` call against the store. The caller holds the state lock for the whole
/// call, so nothing in here locks (and nothing can deadlock).
pub fn dispatch(st: &mut Store, page_size_cap: Option<usize>, method: &Method, path: &str, query: &str, body: &[u8]) -> Outcome {
    // Bulk jobs run in the background: what is due has ended before anything is served.
    jobs::advance_all(st);
    let segs: Vec<&str> = path.trim_start_matches("/v2").split('/').filter(|s| !s.is_empty()).collect();
    if let Some(v) = segs.first().and_then(|s| view(s)) {
        return match (method, segs.len()) {
            (&Method::GET, 1) => {
                let items = view_items(st, v).into_iter().map(Cow::Owned).collect();
                let params = ListParams { filters: v.filters, sorts: v.sorts, default_page_size: v.default_page_size };
                list(st, page_size_cap, &params, items, query, |_, o| o)
            }
            (&Method::GET, 2) => match view_items(st, v).into_iter().find(|o| o["id"] == segs[1]) {
                Some(o) => out(200, json!({"data": o})),
                None => not_found("connection"),
            },
            _ => method_not_allowed(method, path),
        };
    }
    if let Some(o) = emergency::dispatch(st, method, &segs, body) {
        return o;
    }
    if segs.len() >= 2 && segs[0] == "phone_numbers" && segs[1] == "jobs" {
        let parsed = if body.is_empty() { Ok(json!({})) } else { serde_json::from_slice::<Json>(body) };
        return match parsed {
            Ok(b) => jobs::dispatch(st, page_size_cap, method, &segs[2..], query, &b),
            Err(e) => out(400, errors("10002", "Invalid JSON", &format!("The request body is not valid JSON: {e}"), None)),
        };
    }
    let Some(fam) = segs.first().and_then(|s| family(s)) else {
        return not_found("resource");
    };
    let parsed = || -> Result<Json, Outcome> {
        if body.is_empty() {
            return Ok(json!({}));
        }
        serde_json::from_slice(body)
            .map_err(|e| out(400, errors("10002", "Invalid JSON", &format!("The request body is not valid JSON: {e}"), None)))
    };
    if let Some(sub) = fam.sub_view {
        match (method, segs.len()) {
            (&Method::GET, 2) if segs[1] == sub.name => {
                // Listed with the connection name, which the view filters on but does not answer.
                let items = st
                    .all(fam.name)
                    .iter()
                    .map(|o| {
                        let mut v = sub_view(st, fam, sub, o);
                        v["connection_name"] = enrich(st, fam, o.clone())["connection_name"].clone();
                        Cow::Owned(v)
                    })
                    .collect();
                let params = ListParams { filters: sub.filters, sorts: sub.sorts, default_page_size: fam.default_page_size };
                return list(st, page_size_cap, &params, items, query, |_, mut o| {
                    if let Some(m) = o.as_object_mut() {
                        m.remove("connection_name");
                    }
                    o
                });
            }
            (&Method::GET, 3) if segs[2] == sub.name => {
                return match st.get(fam.name, segs[1]) {
                    Some(o) => out(200, json!({"data": sub_view(st, fam, sub, &o)})),
                    None => not_found(fam.name),
                };
            }
            (&Method::PATCH, 3) if segs[2] == sub.name => {
                return match parsed() {
                    Ok(b) => update_sub_view(st, fam, sub, segs[1], &b),
                    Err(o) => o,
                };
            }
            _ => {}
        }
    }
    match (method, segs.len()) {
        (&Method::GET, 1) => {
            settle(st, fam);
            dynamic_e911::advance(st, fam, None);
            let params = ListParams { filters: fam.filters, sorts: fam.sorts, default_page_size: fam.default_page_size };
            // Objects are enriched (a copy each) only when a filter or the sort reads a field
            // enrichment derives; otherwise the listing filters the stored objects in place and
            // enriches just the page it answers.
            let all = st.all(fam.name);
            let items = if reads_derived(fam, &params, query) {
                all.iter().map(|o| Cow::Owned(enrich(st, fam, o.clone()))).collect()
            } else {
                all.iter().map(Cow::Borrowed).collect()
            };
            list(st, page_size_cap, &params, items, query, |st, o| answer(fam, enrich(st, fam, o), &[]))
        }
        (&Method::POST, 1) if !fam.create => method_not_allowed(method, path),
        (&Method::POST, 1) => match parsed() {
            Ok(b) => create(st, fam, &b),
            Err(o) => o,
        },
        (&Method::GET | &Method::PATCH, 2) if !(if *method == Method::GET { fam.retrieve } else { fam.update }) => {
            method_not_allowed(method, path)
        }
        (&Method::GET, 2) => {
            dynamic_e911::advance(st, fam, Some(segs[1]));
            match st.get(fam.name, segs[1]) {
                Some(o) => out(200, wrap(fam, present(st, fam, o, &[]))),
                None => not_found(fam.name),
            }
        }
        (&Method::PATCH, 2) => match parsed() {
            Ok(b) => update(st, fam, segs[1], &b),
            Err(o) => o,
        },
        (&Method::DELETE, 2) => delete(st, fam, segs[1]),
        (&Method::POST, 3) if fam.name == "telephony_credentials" && segs[2] == "token" => credential_token(st, fam, segs[1]),
        (&Method::POST, 4) if segs[2] == "actions" => match fam.actions.iter().find(|a| a.name == segs[3]) {
            Some(action) => match st.get(fam.name, segs[1]) {
                Some(o) => out(200, json!({"data": (action.run)(&o)})),
                None => not_found(fam.name),
            },
            None => not_found("action"),
        },
        _ => method_not_allowed(method, path),
    }
}

fn method_not_allowed(method: &Method, path: &str) -> Outcome {
    out(405, errors("10006", "Method not allowed", &format!("{method} is not supported on {path}."), None))
}

/// The object as the API returns it: read-only counters filled in, secrets masked except the
/// top-level fields named in `reveal`.
fn present(st: &Store, fam: &Family, obj: Json, reveal: &[&str]) -> Json {
    answer(fam, enrich(st, fam, obj), reveal)
}

/// Whether the listing's filters or sort read a field that [`enrich`] derives.
fn reads_derived(fam: &Family, params: &ListParams, query: &str) -> bool {
    let mut derived: Vec<&str> = fam.mirrors.iter().map(|(field, _)| *field).collect();
    if fam.connection_name_from.is_some() {
        derived.push("connection_name");
    }
    derived.extend(match fam.name {
        "outbound_voice_profiles" => &["connections_count"][..],
        "telephony_credentials" => &["resource_id", "expired"][..],
        _ => &[],
    });
    let q = parse_query(query);
    let derives = |field: &str| derived.contains(&field.split('.').next().unwrap_or(field));
    let filtered = params.filters.iter().any(|f| q.iter().any(|(k, _)| k == f.key) && derives(f.field));
    let sorted = q.iter().any(|(k, v)| k == "sort" && derives(v.trim_start_matches('-')));
    filtered || sorted
}

/// The stored object with the fields the API derives from elsewhere: a profile's
/// `connections_count`, a number's `connection_name` and the flags mirrored from its voice
/// settings. List filters test this form (a number's connection name, its voice settings).
fn enrich(st: &Store, fam: &Family, mut obj: Json) -> Json {
    if fam.name == "outbound_voice_profiles" {
        obj["connections_count"] = json!(referencing(st, fam, obj["id"].as_str().unwrap_or_default(), OnDelete::Refuse).len());
    }
    if let Some(field) = fam.connection_name_from {
        let name = obj[field].as_str().and_then(|id| connection(st, id)).map_or(Json::Null, |c| {
            ["connection_name", "application_name", "friendly_name"]
                .iter()
                .map(|f| c[*f].clone())
                .find(|v| !v.is_null())
                .unwrap_or_default()
        });
        obj["connection_name"] = name;
    }
    for (field, path) in fam.mirrors {
        obj[*field] = spec::at(&obj, path).clone();
    }
    if fam.name == "telephony_credentials" {
        credential_view(&mut obj);
    }
    obj
}

/// A telephony credential as answered: `resource_id` from its connection, `expired` from
/// `expires_at` and the emulator clock (no expiry: `expires_at` null, see exceptions.json).
fn credential_view(obj: &mut Json) {
    obj["resource_id"] = json!(format!("connection:{}", obj["connection_id"].as_str().unwrap_or_default()));
    let now = parse_time(&crate::store::now());
    let expires = obj["expires_at"].as_str().and_then(parse_time);
    obj["expired"] = json!(matches!((expires, now), (Some(e), Some(n)) if e <= n));
}

/// A telephony credential's `expires_at` must be a date-time.
fn check_credential(fam: &Family, obj: &Json) -> Result<(), Outcome> {
    if fam.name != "telephony_credentials" {
        return Ok(());
    }
    match &obj["expires_at"] {
        Json::String(s) if parse_time(s).is_none() => {
            Err(invalid("/expires_at", "Invalid value", "expires_at must be an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)."))
        }
        _ => Ok(()),
    }
}

/// `POST /telephony_credentials/{id}/token`: 201 with a JWT-shaped string (answered as
/// `text/plain`), recorded in the credential's `tokens`.
fn credential_token(st: &mut Store, fam: &Family, id: &str) -> Outcome {
    use base64::Engine as _;
    let Some(mut obj) = st.get(fam.name, id) else { return not_found(fam.name) };
    let b64 = |j: Json| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(j.to_string());
    let claims = json!({"sub": obj["sip_username"], "iss": "telnyx_telephony", "iat": parse_time(&crate::store::now()).unwrap_or_default() / 1000, "jti": crate::store::new_uuid()});
    let sig: String = (0..43).map(|_| fastrand::alphanumeric()).collect();
    let jwt = format!("{}.{}.{sig}", b64(json!({"alg": "HS512", "typ": "JWT"})), b64(claims));
    if let Some(list) = obj["tokens"].as_array_mut() {
        list.push(json!(jwt));
    } else {
        obj["tokens"] = json!([jwt]);
    }
    st.replace(fam.name, id, obj);
    out(201, Json::String(jwt))
}

/// What is answered of an enriched object: secrets masked (but those in `reveal`), write-only
/// fields and stored sub-views left out.
fn answer(fam: &Family, mut obj: Json, reveal: &[&str]) -> Json {
    spec::mask(&mut obj, fam.fields, reveal);
    if let (Some(sub), Some(o)) = (fam.sub_view, obj.as_object_mut()) {
        o.remove(sub.name);
    }
    obj
}

/// A connection of any kind by id.
fn connection<'a>(st: &'a Store, id: &str) -> Option<&'a Json> {
    crate::families::CONNECTION_FAMILIES.iter().find_map(|f| st.find(f, id))
}

/// The settings view of a stored object (a number's voice settings).
fn sub_view(st: &Store, fam: &Family, sub: &SubView, obj: &Json) -> Json {
    let whole = enrich(st, fam, obj.clone());
    let mut v = json!({"id": whole["id"], "record_type": sub.record_type});
    for name in sub.echo {
        v[*name] = whole[*name].clone();
    }
    if let (Some(dst), Some(src)) = (v.as_object_mut(), whole[sub.name].as_object()) {
        for (k, x) in src {
            if !sub.write_only.contains(&k.as_str()) {
                dst.insert(k.clone(), x.clone());
            }
        }
    }
    // The voice view's emergency object: the number's emergency fields (reported, not settable).
    if sub.name == "voice" {
        v["emergency"] = json!({
            "emergency_enabled": whole["emergency_enabled"],
            "emergency_address_id": whole["emergency_address_id"],
            "emergency_status": whole["emergency_status"],
        });
    }
    v
}

/// Loads objects into the store as they are (the `--seed` file and `POST /_emulator/seed`):
/// `{"<family>": [object, ...], ...}`, families in the order given. Each object gets the
/// family's defaults for what it leaves out, an id, timestamps and its record type; phone
/// numbers (which no API call can create) need `phone_number` in E.164 and get their country,
/// purchase time and default voice settings. Returns the new ids per family.
pub fn seed(st: &mut Store, body: &Json) -> Result<Json, String> {
    let Some(families) = body.as_object() else { return Err("a seed is a JSON object of family names to arrays of objects".into()) };
    let mut made = serde_json::Map::new();
    for (name, objects) in families {
        let fam = family(name).ok_or_else(|| format!("unknown family {name:?}"))?;
        let objects = objects.as_array().ok_or_else(|| format!("{name}: expected an array of objects"))?;
        let mut ids = Vec::new();
        for (i, given) in objects.iter().enumerate() {
            let given = given.as_object().ok_or_else(|| format!("{name}[{i}]: expected an object"))?;
            let mut obj = spec::defaults(fam.fields);
            let now = stamp_new(fam, &mut obj);
            if let Some(sub) = fam.sub_view {
                obj[sub.name] = spec::defaults(sub.fields);
            }
            if fam.name == "phone_numbers" {
                let number = given.get("phone_number").and_then(Json::as_str).unwrap_or_default();
                if !spec::is_e164(number) {
                    return Err(format!("{name}[{i}]: phone_number must be an E.164 number such as +13125550100, got {number:?}"));
                }
                obj["country_iso_alpha2"] = json!(country_of(number));
                obj["purchased_at"] = json!(now);
                obj["activated_at"] = json!(now);
            }
            // Nested objects given in part (`inbound`, `voice`, `voice.call_forwarding`): the
            // rest keep their defaults.
            for (k, v) in given {
                merge(&mut obj[k.as_str()], v);
            }
            fill_defaults_of_engine(&mut obj);
            check_unique(st, fam, &obj, None).map_err(|o| format!("{name}[{i}]: {}", o.body["errors"][0]["detail"]))?;
            ids.push(obj["id"].clone());
            st.insert(fam.name, obj);
        }
        made.insert(name.clone(), Json::Array(ids));
    }
    Ok(Json::Object(made))
}

/// Overlays `given` on `base`: objects member by member (at any depth), anything else replaced.
fn merge(base: &mut Json, given: &Json) {
    match (base, given) {
        (Json::Object(b), Json::Object(g)) => {
            for (k, v) in g {
                merge(b.entry(k.clone()).or_insert(Json::Null), v);
            }
        }
        (b, g) => *b = g.clone(),
    }
}

/// Defaults that depend on another field: a connection's noise suppression attenuation limit
/// follows its engine (0 for `denoiser`, 100 for `quail_voice_focus`, 80 for the others, as
/// the schema's description of `attenuation_limit` says).
fn fill_defaults_of_engine(obj: &mut Json) {
    let Some(details) = obj.get_mut("noise_suppression_details").and_then(Json::as_object_mut) else { return };
    if details.get("attenuation_limit").is_some_and(|v| !v.is_null()) {
        return;
    }
    let limit = match details.get("engine").and_then(Json::as_str) {
        Some("denoiser") | None => 0,
        Some("quail_voice_focus") => 100,
        Some(_) => 80,
    };
    details.insert("attenuation_limit".into(), json!(limit));
}

/// The country of an E.164 number, for the few calling codes seeds use; `US` otherwise.
fn country_of(number: &str) -> &'static str {
    const CODES: &[(&str, &str)] =
        &[("+1", "US"), ("+44", "GB"), ("+49", "DE"), ("+33", "FR"), ("+31", "NL"), ("+61", "AU"), ("+353", "IE"), ("+34", "ES")];
    CODES.iter().filter(|(p, _)| number.starts_with(p)).max_by_key(|(p, _)| p.len()).map_or("US", |(_, c)| c)
}

fn update_sub_view(st: &mut Store, fam: &Family, sub: &SubView, id: &str, body: &Json) -> Outcome {
    let Some(mut obj) = st.get(fam.name, id) else { return not_found(fam.name) };
    if body.as_object().is_none_or(serde_json::Map::is_empty) {
        return invalid("/", "Invalid request body", "The request body must be a non-empty JSON object.");
    }
    if let Err(e) = spec::validate(body, sub.fields, Op::Update, &[]) {
        return invalid(&e.pointer, e.title, &e.detail);
    }
    let mut settings = obj.get(sub.name).cloned().unwrap_or_else(|| spec::defaults(sub.fields));
    spec::apply(&mut settings, sub.fields, body);
    for c in sub.checks {
        if let Err(e) = c.check(&settings) {
            return invalid(&e.pointer, e.title, &e.detail);
        }
    }
    obj[sub.name] = settings;
    obj["updated_at"] = json!(crate::store::now());
    st.replace(fam.name, id, obj.clone());
    out(200, json!({"data": sub_view(st, fam, sub, &obj)}))
}

/// Every member object of a view, projected, oldest first.
fn view_items(st: &Store, v: &View) -> Vec<Json> {
    let mut items: Vec<&Json> = v.members.iter().flat_map(|m| st.all(m)).collect();
    items.sort_by(|a, b| a["created_at"].as_str().cmp(&b["created_at"].as_str()));
    items
        .into_iter()
        .map(|o| {
            // The first alternative the member has that is not null; a field no alternative of
            // which the member has at all (a TeXML application's `webhook_api_version`) is left
            // out rather than answered null.
            let field = |src: &str| {
                let held: Vec<&Json> = src.split('|').filter_map(|p| p.split('.').try_fold(o, |v, k| v.get(k))).collect();
                (!held.is_empty()).then(|| held.iter().find(|v| !v.is_null()).map_or(Json::Null, |v| (*v).clone()))
            };
            Json::Object(v.projection.iter().filter_map(|(name, src)| Some((name.to_string(), field(src)?))).collect())
        })
        .collect()
}

/// The family's server-side process (access IP ranges: the Cloudflare sync) completes for
/// every object created before this list.
fn settle(st: &mut Store, fam: &Family) {
    let Some(s) = fam.settles else { return };
    let pending: Vec<Json> = st.all(fam.name).iter().filter(|o| o[s.field] == s.from).cloned().collect();
    for mut o in pending {
        o[s.field] = json!(s.to);
        o["updated_at"] = json!(crate::store::now());
        let id = o["id"].as_str().unwrap_or_default().to_string();
        st.replace(fam.name, &id, o);
    }
}

/// The family's rules on what a request sends, with the object it would produce.
fn check_sent(fam: &Family, body: &Json, obj: &Json) -> Result<(), Outcome> {
    for c in fam.sent_checks {
        let sent = body.get(c.field).is_some_and(|v| !v.is_null());
        if sent && spec::at(obj, c.other).as_str() == Some(c.value) {
            return Err(invalid(&format!("/{}", c.field.replace('.', "/")), "Invalid value", c.why));
        }
    }
    Ok(())
}

/// A field the object may not be sent while `other` holds `value` (an SRV record's port):
/// when an update turns the object that way without sending it, it holds its server default
/// again, like an object created that way (README §9.5: SRV records carry no port).
fn reset_refused_fields(fam: &Family, body: &Json, before: &Json, obj: &mut Json) {
    for c in fam.sent_checks {
        let sent = body.get(c.field).is_some_and(|v| !v.is_null());
        let turned = spec::at(obj, c.other).as_str() == Some(c.value) && spec::at(before, c.other).as_str() != Some(c.value);
        if turned && !sent {
            if let Some(fl) = fam.fields.iter().find(|f| f.name == c.field) {
                obj[c.field] = fl.default_value();
            }
        }
    }
}

fn check_unique(st: &Store, fam: &Family, candidate: &Json, except_id: Option<&str>) -> Result<(), Outcome> {
    // An update is checked for the values it changes (one stored object per id, indexed).
    let stored = except_id.and_then(|id| st.find(fam.name, id));
    for key in fam.unique {
        let v = &candidate[*key];
        if v.is_null() || stored.is_some_and(|s| &s[*key] == v) {
            continue;
        }
        let clash = st.all(fam.name).iter().any(|o| &o[*key] == v && o["id"].as_str() != except_id);
        if clash {
            return Err(invalid(&format!("/{key}"), "Already in use", &format!("'{key}' {v} is already in use.")));
        }
    }
    Ok(())
}

/// The documented cross-field rules of the object a request would produce, and the
/// references the request sends (a reference it does not send is not its concern: an update
/// of the name never fails because of a default IP that has since moved elsewhere).
fn check_object(st: &Store, fam: &Family, body: &Json, obj: &Json) -> Result<(), Outcome> {
    for c in fam.checks {
        c.check(obj).map_err(|e| invalid(&e.pointer, e.title, &e.detail))?;
    }
    for r in fam.refs {
        let Some(want) = spec::at(body, r.field).as_str().filter(|w| !w.is_empty()) else { continue };
        let target = r.families.iter().find_map(|f| st.get(f, want));
        let ok = match (&target, r.owned_via) {
            (Some(t), Some(link)) => t[link] == obj["id"],
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !ok {
            let whose = if r.owned_via.is_some() { " attached to this object" } else { "" };
            return Err(invalid(
                &format!("/{}", r.field.replace('.', "/")),
                "Invalid reference",
                &format!("'{}' must be the id of an existing {} record{whose}; got {want:?}.", r.field, r.families.join(" or ")),
            ));
        }
    }
    Ok(())
}

/// What the server sets on a new object: its id (a UUID or a 19-digit number), record type and
/// timestamps. Returns the timestamp.
fn stamp_new(fam: &Family, obj: &mut Json) -> String {
    let now = crate::store::now();
    obj["id"] = json!(if fam.uuid_ids { crate::store::new_uuid() } else { crate::store::new_id() });
    if let Some(rt) = fam.record_type {
        obj["record_type"] = json!(rt);
    }
    obj["created_at"] = json!(now);
    obj["updated_at"] = json!(now);
    now
}

fn create(st: &mut Store, fam: &Family, body: &Json) -> Outcome {
    if let Err(e) = spec::validate(body, fam.fields, Op::Create, fam.required_create) {
        return invalid(&e.pointer, e.title, &e.detail);
    }
    let mut obj = spec::build(fam.fields, body);
    fill_defaults_of_engine(&mut obj);
    let now = stamp_new(fam, &mut obj);
    // Unknown 23, decided: a credential created without a name is named after its creation time.
    if fam.name == "telephony_credentials" && obj["name"].is_null() {
        obj["name"] = json!(now);
    }
    if let Some(derive) = fam.derive {
        derive(&mut obj);
    }
    if let Err(o) = check_sent(fam, body, &obj)
        .and_then(|()| check_credential(fam, &obj))
        .and_then(|()| check_object(st, fam, body, &obj))
        .and_then(|()| check_unique(st, fam, &obj, None))
        .and_then(|()| dynamic_e911::on_create(st, fam, &mut obj))
        .and_then(|()| emergency::check_new_address(st, fam, &obj))
    {
        return o;
    }
    st.insert(fam.name, obj.clone());
    // A create answers with every secret in full.
    let all: Vec<&str> = fam.fields.iter().map(|f| f.name).collect();
    out(fam.create_status, wrap(fam, present(st, fam, obj, &all)))
}

fn update(st: &mut Store, fam: &Family, id: &str, body: &Json) -> Outcome {
    let Some(mut obj) = st.get(fam.name, id) else { return not_found(fam.name) };
    if let Err(e) = spec::validate(body, fam.fields, Op::Update, fam.required_update) {
        return invalid(&e.pointer, e.title, &e.detail);
    }
    let before = obj.clone();
    spec::apply(&mut obj, fam.fields, body);
    fill_defaults_of_engine(&mut obj);
    reset_refused_fields(fam, body, &before, &mut obj);
    obj["updated_at"] = json!(crate::store::now());
    if let Err(o) = check_sent(fam, body, &obj)
        .and_then(|()| check_credential(fam, &obj))
        .and_then(|()| check_object(st, fam, body, &obj))
        .and_then(|()| check_unique(st, fam, &obj, Some(id)))
    {
        return o;
    }
    st.replace(fam.name, id, obj.clone());
    // An update answers in full with the secrets it changed.
    let changed: Vec<&str> = fam.fields.iter().filter(|f| spec::secret_changed(f, &before, &obj)).map(|f| f.name).collect();
    out(200, wrap(fam, present(st, fam, obj, &changed)))
}

fn delete(st: &mut Store, fam: &Family, id: &str) -> Outcome {
    if st.get(fam.name, id).is_none() {
        return not_found(fam.name);
    }
    let users = referencing(st, fam, id, OnDelete::Refuse);
    if !users.is_empty() {
        return out(
            fam.in_use_status,
            errors(
                "10015",
                "Object in use",
                &format!(
                    "This object is referenced by {} other object(s) ({}); remove those references first.",
                    users.len(),
                    users.join(", ")
                ),
                None,
            ),
        );
    }
    clear_references(st, fam, id);
    let answered = st.get(fam.name, id).map(|o| present(st, fam, o, &[]));
    st.remove(fam.name, id);
    match answered {
        // A phone number's delete releases it: the answer is its final form.
        Some(mut o) if !fam.create => {
            o["status"] = json!("deleted");
            if let Some(m) = o.as_object_mut() {
                for k in fam.released_without {
                    m.remove(*k);
                }
            }
            out(200, wrap(fam, o))
        }
        Some(o) => out(200, wrap(fam, o)),
        None => not_found(fam.name),
    }
}

/// The ids of objects whose references with this delete rule hold `id`, an object of `fam`.
fn referencing(st: &Store, fam: &Family, id: &str, rule: OnDelete) -> Vec<String> {
    families::refs_to(fam.name)
        .filter(|(_, r)| r.on_delete == rule)
        .flat_map(|(holder, r)| st.all(holder.name).iter().filter(move |o| spec::at(o, r.field).as_str() == Some(id)))
        .filter_map(|o| o["id"].as_str().map(str::to_string))
        .collect()
}

/// Clears (sets to null) every reference elsewhere to `id` that a delete clears.
fn clear_references(st: &mut Store, fam: &Family, id: &str) {
    for (holder, r) in families::refs_to(fam.name).filter(|(_, r)| r.on_delete == OnDelete::Clear) {
        let holders: Vec<Json> = st.all(holder.name).iter().filter(|o| spec::at(o, r.field).as_str() == Some(id)).cloned().collect();
        for mut o in holders {
            if let Some(slot) = r.field.split('.').try_fold(&mut o, |o, k| o.get_mut(k)) {
                *slot = Json::Null;
            }
            o["updated_at"] = json!(crate::store::now());
            let oid = o["id"].as_str().unwrap_or_default().to_string();
            st.replace(holder.name, &oid, o);
        }
    }
}

fn bad_parameter(parameter: &str, detail: &str) -> Outcome {
    out(422, json!({"errors": [{"code": "10015", "title": "Invalid value", "detail": detail, "source": {"parameter": parameter}}]}))
}

/// How a list endpoint filters, sorts and pages.
struct ListParams {
    filters: &'static [Filter],
    sorts: &'static [&'static str],
    default_page_size: usize,
}

fn list(
    st: &Store,
    page_size_cap: Option<usize>,
    params: &ListParams,
    mut items: Vec<Cow<'_, Json>>,
    query: &str,
    show: impl Fn(&Store, Json) -> Json,
) -> Outcome {
    let q = parse_query(query);
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let page_number = match get("page[number]").map(str::parse::<usize>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        _ => return bad_parameter("page[number]", "page[number] must be an integer of at least 1."),
    };
    let page_size = match get("page[size]").map(str::parse::<usize>) {
        None => params.default_page_size,
        Some(Ok(n)) if (1..=250).contains(&n) => n,
        _ => return bad_parameter("page[size]", "page[size] must be an integer from 1 to 250."),
    };
    let effective = page_size_cap.map_or(page_size, |cap| page_size.min(cap));
    for flt in params.filters {
        let Some(want) = get(flt.key) else { continue };
        if let Match::ContainsAtLeast(n) = flt.how {
            if want.chars().count() < n {
                return bad_parameter(flt.key, &format!("{} must be at least {n} characters long.", flt.key));
            }
        }
        if matches!(flt.how, Match::Digits) && want.chars().filter(char::is_ascii_digit).count() < 3 {
            return bad_parameter(flt.key, &format!("{} requires at least three digits.", flt.key));
        }
        let want_int = want.parse::<i64>().ok();
        if matches!(flt.how, Match::Int) && want_int.is_none() {
            return bad_parameter(flt.key, &format!("{} must be an integer.", flt.key));
        }
        if let Match::Named(names) = flt.how {
            if !names.iter().any(|(n, _)| *n == want) {
                let allowed: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                return bad_parameter(flt.key, &format!("{} must be one of {}.", flt.key, allowed.join(", ")));
            }
        }
        if matches!(flt.how, Match::Referenced { .. }) && !["true", "false"].contains(&want) {
            return bad_parameter(flt.key, &format!("{} must be true or false.", flt.key));
        }
        let want_time = parse_time(want);
        if matches!(flt.how, Match::Time(_)) && want_time.is_none() {
            return bad_parameter(flt.key, &format!("{} must be an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z).", flt.key));
        }
        items.retain(|o| match flt.how {
            Match::Related { family, link } => st.all(family).iter().any(|r| r[link] == o["id"] && r[flt.field].as_str() == Some(want)),
            Match::Int => spec::at(o, flt.field).as_i64().is_some() && spec::at(o, flt.field).as_i64() == want_int,
            Match::Member => spec::at(o, flt.field).as_array().is_some_and(|a| a.iter().any(|x| x.as_str() == Some(want))),
            // Non-numerical characters give no results (numbers-and-billing.md section 2).
            Match::Digits => {
                want.bytes().all(|b| b.is_ascii_digit())
                    && spec::at(o, flt.field)
                        .as_str()
                        .is_some_and(|n| n.chars().filter(char::is_ascii_digit).collect::<String>().contains(want))
            }
            Match::ExactOrNull if want == "null" => spec::at(o, flt.field).is_null(),
            Match::AnyOf => spec::at(o, flt.field).as_str().is_some_and(|v| want.split(',').any(|w| w == v)),
            Match::EmptyIfTrue => want != "true" || spec::at(o, flt.field).as_array().is_some_and(Vec::is_empty),
            Match::Named(names) => names.iter().any(|(n, v)| {
                let have = spec::at(o, flt.field);
                *n == want && (have.as_str() == Some(*v) || matches!((have, *v), (Json::Bool(true), "true") | (Json::Bool(false), "false")))
            }),
            Match::Referenced { family, link } => st.all(family).iter().any(|r| r[link] == o["id"]) == (want == "true"),
            Match::Time(cmp) => match (spec::at(o, flt.field).as_str().and_then(parse_time), want_time) {
                (Some(have), Some(want)) => match cmp {
                    Cmp::Eq => have == want,
                    Cmp::Gt => have > want,
                    Cmp::Gte => have >= want,
                    Cmp::Lt => have < want,
                    Cmp::Lte => have <= want,
                },
                _ => false,
            },
            how => {
                let s = match spec::at(o, flt.field) {
                    Json::String(s) => s.clone(),
                    Json::Null => return false,
                    other => other.to_string(),
                };
                let (low, w) = (s.to_lowercase(), want.to_lowercase());
                match how {
                    Match::Exact | Match::ExactOrNull => s == want,
                    Match::StartsWith => low.starts_with(&w),
                    Match::EndsWith => low.ends_with(&w),
                    _ => low.contains(&w),
                }
            }
        });
    }
    if let Some(sort) = get("sort") {
        let (desc, key) = match sort.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, sort),
        };
        if !params.sorts.contains(&key) {
            return bad_parameter("sort", &format!("sort must be one of {}.", params.sorts.join(", ")));
        }
        items.sort_by(|a, b| {
            let (x, y) = (a[key].to_string(), b[key].to_string());
            if desc { y.cmp(&x) } else { x.cmp(&y) }
        });
    }
    let total = items.len();
    let total_pages = total.div_ceil(effective).max(1);
    let page: Vec<Json> = items.into_iter().skip((page_number - 1) * effective).take(effective).map(|o| show(st, o.into_owned())).collect();
    out(
        200,
        json!({"data": page, "meta": {"page_number": page_number, "page_size": effective, "total_pages": total_pages, "total_results": total}}),
    )
}

/// An ISO 8601 date-time (`2026-01-31T12:00:00Z`, optional fraction, `Z` or `±HH:MM`) as
/// milliseconds since 1970-01-01 UTC.
fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().ok() } else { None }
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d, h, mi, sec) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        millis = frac[..n].chars().chain("000".chars()).take(3).collect::<String>().parse::<i64>().ok()?;
        rest = &frac[n..];
    }
    let offset_min = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || !matches!(rb[0], b'+' | b'-') || rb[3] != b':' {
                return None;
            }
            let oh: i64 = rest[1..3].parse().ok()?;
            let om: i64 = rest[4..6].parse().ok()?;
            if oh > 23 || om > 59 {
                return None;
            }
            if rb[0] == b'-' { -(oh * 60 + om) } else { oh * 60 + om }
        }
    };
    // Days from the civil date (proleptic Gregorian).
    let (yy, mm) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy.rem_euclid(400);
    let doy = (153 * mm + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60) * 1000) + millis)
}

#[cfg(test)]
#[allow(clippy::needless_pass_by_value)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query("filter%5Bname%5D%5Bcontains%5D=a+b%2Fc&page[size]=5&x");
        assert_eq!(q[0], ("filter[name][contains]".to_string(), "a b/c".to_string()));
        assert_eq!(q[1], ("page[size]".to_string(), "5".to_string()));
        assert_eq!(q[2], ("x".to_string(), String::new()));
        assert_eq!(decode("100%"), "100%");
    }

    /// One request to the API, `path` with its query (`/phone_numbers?page[size]=1`).
    pub(crate) fn call(st: &mut Store, method: Method, path: &str, body: Option<Json>) -> Outcome {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        dispatch(st, None, &method, &format!("/v2{path}"), query, &bytes)
    }

    fn pointer(o: &Outcome) -> &str {
        o.body["errors"][0]["source"]["pointer"].as_str().unwrap_or("")
    }

    fn credential(st: &mut Store, user: &str, extra: Json) -> Json {
        let mut body = json!({"connection_name": format!("conn-{user}"), "user_name": user, "password": "s3cret-pass"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let o = call(st, Method::POST, "/credential_connections", Some(body));
        assert_eq!(o.status, 201, "{}", o.body);
        o.body["data"].clone()
    }

    #[test]
    fn credential_connection_defaults_and_password_masking() {
        let mut st = Store::default();
        let c = credential(&mut st, "alice1", json!({}));
        let id = c["id"].as_str().unwrap().to_string();
        assert_eq!(c["record_type"], "credential_connection");
        assert_eq!(c["password"], "s3cret-pass", "a create answers with the password in full");
        assert_eq!(c["inbound"]["timeout_2xx_secs"], 90);
        assert_eq!(c["outbound"]["t38_reinvite_source"], "telnyx");
        assert_eq!(c["rtcp_settings"]["port"], "rtp+1");
        assert_eq!(c["webhook_event_failover_url"], "");
        assert!(c["webhook_event_url"].is_null());
        let got = call(&mut st, Method::GET, &format!("/credential_connections/{id}"), None);
        assert_eq!(got.body["data"]["password"], spec::MASK);
        let listed = call(&mut st, Method::GET, "/credential_connections", None);
        assert_eq!(listed.body["data"][0]["password"], spec::MASK);
        let patched = call(&mut st, Method::PATCH, &format!("/credential_connections/{id}"), Some(json!({"active": false})));
        assert_eq!(patched.body["data"]["password"], spec::MASK, "an update that leaves the password answers masked");
        let patched = call(&mut st, Method::PATCH, &format!("/credential_connections/{id}"), Some(json!({"password": "s3cret-pass"})));
        assert_eq!(patched.body["data"]["password"], spec::MASK, "sending the same password changes nothing");
        let patched = call(&mut st, Method::PATCH, &format!("/credential_connections/{id}"), Some(json!({"password": "n3w-password"})));
        assert_eq!(patched.body["data"]["password"], "n3w-password");
        assert_eq!(st.get("credential_connections", &id).unwrap()["password"], "n3w-password", "stored in full");
    }

    #[test]
    fn credential_connection_validation_with_pointers() {
        let mut st = Store::default();
        credential(&mut st, "alice1", json!({}));
        let cases = [
            (json!({"connection_name": "x", "user_name": "alice1", "password": "s3cret-pass"}), "/user_name"),
            (json!({"connection_name": "x", "user_name": "1234a", "password": "s3cret-pass"}), ""),
            (json!({"connection_name": "x", "user_name": "123456", "password": "s3cret-pass"}), "/user_name"),
            (json!({"connection_name": "x", "user_name": "ab_cd", "password": "s3cret-pass"}), "/user_name"),
            (json!({"connection_name": "x", "user_name": "bob12", "password": "short"}), "/password"),
            (json!({"connection_name": "x", "user_name": "bob12"}), "/password"),
            (
                json!({"connection_name": "x", "user_name": "bob13", "password": "s3cret-pass", "inbound": {"channel_limit": "ten"}}),
                "/inbound/channel_limit",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob14", "password": "s3cret-pass", "inbound": {"timeout_1xx_secs": 121}}),
                "/inbound/timeout_1xx_secs",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob15", "password": "s3cret-pass", "inbound": {"sip_region": "US"}}),
                "/inbound/sip_region",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob16", "password": "s3cret-pass", "anchorsite_override": "Chicago"}),
                "/anchorsite_override",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob17", "password": "s3cret-pass", "webhook_event_url": "example.com/hook"}),
                "/webhook_event_url",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob18", "password": "s3cret-pass", "webhook_timeout_secs": 31}),
                "/webhook_timeout_secs",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob19", "password": "s3cret-pass", "rtcp_settings": {"report_frequency_secs": 4}}),
                "/rtcp_settings/report_frequency_secs",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob20", "password": "s3cret-pass", "noise_suppression_details": {"attenuation_limit": 35}}),
                "/noise_suppression_details/attenuation_limit",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob21", "password": "s3cret-pass", "conversation_persistence": true}),
                "/conversation_persistence",
            ),
            (
                json!({"connection_name": "x", "user_name": "bob22", "password": "s3cret-pass", "webhook_api_version": "texml"}),
                "/webhook_api_version",
            ),
        ];
        for (body, want) in cases {
            let o = call(&mut st, Method::POST, "/credential_connections", Some(body.clone()));
            if want.is_empty() {
                assert_eq!(o.status, 201, "{body} -> {}", o.body);
            } else {
                assert_eq!((o.status, pointer(&o)), (422, want), "{body} -> {}", o.body);
            }
        }
        // texml is a create-only value, and only with call parking.
        let c = credential(&mut st, "carol1", json!({"webhook_api_version": "texml", "outbound": {"call_parking_enabled": true}}));
        let o = call(
            &mut st,
            Method::PATCH,
            &format!("/credential_connections/{}", c["id"].as_str().unwrap()),
            Some(json!({"webhook_api_version": "texml"})),
        );
        assert_eq!((o.status, pointer(&o)), (422, "/webhook_api_version"));
    }

    #[test]
    fn nested_objects_are_replaced_wholesale_on_update() {
        let mut st = Store::default();
        let c = credential(&mut st, "dave1", json!({"inbound": {"channel_limit": 10, "timeout_1xx_secs": 7}}));
        let id = c["id"].as_str().unwrap();
        let o = call(&mut st, Method::PATCH, &format!("/credential_connections/{id}"), Some(json!({"inbound": {"channel_limit": 20}})));
        assert_eq!(o.body["data"]["inbound"]["channel_limit"], 20);
        assert_eq!(o.body["data"]["inbound"]["timeout_1xx_secs"], 3, "a nested field not sent reverts to its default");
    }

    #[test]
    fn fqdn_and_ip_connection_rules() {
        let mut st = Store::default();
        let o = call(&mut st, Method::POST, "/fqdn_connections", Some(json!({})));
        assert_eq!((o.status, pointer(&o)), (422, "/connection_name"));
        let o = call(&mut st, Method::POST, "/fqdn_connections", Some(json!({"connection_name": "f1", "microsoft_teams_sbc": true})));
        assert_eq!(o.status, 201, "{}", o.body);
        let f = o.body["data"].clone();
        assert!(f["password"].as_str().is_some_and(|p| p.len() == 16), "generated and in full on create");
        assert!(f["user_name"].as_str().is_some_and(|u| !u.is_empty()));
        assert_eq!(f["outbound"]["instant_ringback_enabled"], false);
        assert_eq!(f["inbound"]["default_routing_method"], "sequential");
        let fid = f["id"].as_str().unwrap();
        let got = call(&mut st, Method::GET, &format!("/fqdn_connections/{fid}"), None);
        assert_eq!(got.body["data"]["password"], spec::MASK);
        let o = call(&mut st, Method::PATCH, &format!("/fqdn_connections/{fid}"), Some(json!({"microsoft_teams_sbc": false})));
        assert_eq!((o.status, pointer(&o)), (422, "/microsoft_teams_sbc"));
        let o = call(
            &mut st,
            Method::PATCH,
            &format!("/fqdn_connections/{fid}"),
            Some(json!({"transport_protocol": "TLS", "encrypted_media": "SRTP"})),
        );
        assert_eq!((o.status, pointer(&o)), (422, "/encrypted_media"));
        let o = call(&mut st, Method::PATCH, &format!("/fqdn_connections/{fid}"), Some(json!({"outbound": {"tech_prefix": "12a4"}})));
        assert_eq!((o.status, pointer(&o)), (422, "/outbound/tech_prefix"));
        let o = call(&mut st, Method::PATCH, &format!("/fqdn_connections/{fid}"), Some(json!({"password": "x"})));
        assert_eq!((o.status, pointer(&o)), (422, "/password"), "read-only on FQDN connections");

        // IP connections: nothing required; default IP ids only by update, and only of IPs on the connection.
        let o = call(&mut st, Method::POST, "/ip_connections", Some(json!({})));
        assert_eq!(o.status, 201);
        let iid = o.body["data"]["id"].as_str().unwrap().to_string();
        assert!(o.body["data"]["outbound"]["localization"].is_null());
        let o = call(&mut st, Method::POST, "/ip_connections", Some(json!({"inbound": {"default_primary_ip_id": "1"}})));
        assert_eq!((o.status, pointer(&o)), (422, "/inbound/default_primary_ip_id"));
        let o = call(&mut st, Method::PATCH, &format!("/ip_connections/{iid}"), Some(json!({"inbound": {"default_primary_ip_id": "77"}})));
        assert_eq!((o.status, pointer(&o)), (422, "/inbound/default_primary_ip_id"), "{}", o.body);
        st.insert("ips", json!({"id": "77", "connection_id": iid, "ip_address": "192.0.2.1"}));
        st.insert("ips", json!({"id": "78", "connection_id": "other", "ip_address": "192.0.2.2"}));
        let o = call(&mut st, Method::PATCH, &format!("/ip_connections/{iid}"), Some(json!({"inbound": {"default_primary_ip_id": "77"}})));
        assert_eq!(o.status, 200, "{}", o.body);
        let o = call(&mut st, Method::PATCH, &format!("/ip_connections/{iid}"), Some(json!({"inbound": {"default_primary_ip_id": "78"}})));
        assert_eq!(o.status, 422, "an IP of another connection is refused");
    }

    #[test]
    fn default_ip_and_fqdn_references_are_checked_when_sent_and_cleared_with_their_record() {
        let mut st = Store::default();
        let ic = id_of(&call(&mut st, Method::POST, "/ip_connections", Some(json!({"connection_name": "ic"}))));
        let other = id_of(&call(&mut st, Method::POST, "/ip_connections", Some(json!({"connection_name": "other"}))));
        let ip =
            |st: &mut Store, addr: &str| id_of(&call(st, Method::POST, "/ips", Some(json!({"connection_id": ic, "ip_address": addr}))));
        let (a, b) = (ip(&mut st, "192.0.2.1"), ip(&mut st, "192.0.2.2"));
        let path = format!("/ip_connections/{ic}");
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"inbound": {"default_primary_ip_id": a, "default_secondary_ip_id": b}})));
        assert_eq!(o.status, 200, "{}", o.body);
        // `null` is not accepted for these ids (not nullable); leaving one out of the whole
        // `inbound` object clears it.
        let o =
            call(&mut st, Method::PATCH, &path, Some(json!({"inbound": {"default_primary_ip_id": a, "default_secondary_ip_id": null}})));
        assert_eq!((o.status, pointer(&o)), (422, "/inbound/default_secondary_ip_id"));
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"inbound": {"default_primary_ip_id": a}})));
        assert_eq!(o.status, 200, "{}", o.body);
        assert!(o.body["data"]["inbound"]["default_secondary_ip_id"].is_null());
        // The record moves to another connection: the stale default does not block updates
        // that do not send it, while sending it is refused.
        let o = call(&mut st, Method::PATCH, &format!("/ips/{a}"), Some(json!({"ip_address": "192.0.2.1", "connection_id": other})));
        assert_eq!(o.status, 200, "{}", o.body);
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"connection_name": "renamed"})));
        assert_eq!(o.status, 200, "an update that does not send the reference: {}", o.body);
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"inbound": {"default_primary_ip_id": a}})));
        assert_eq!((o.status, pointer(&o)), (422, "/inbound/default_primary_ip_id"));
        // Deleting a default IP succeeds (DELETE /ips documents no 422) and clears the default.
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"inbound": {"default_primary_ip_id": b, "default_tertiary_ip_id": b}})));
        assert_eq!(o.status, 200, "{}", o.body);
        let o = call(&mut st, Method::DELETE, &format!("/ips/{b}"), None);
        assert_eq!(o.status, 200, "{}", o.body);
        let c = st.get("ip_connections", &ic).unwrap();
        assert!(c["inbound"]["default_primary_ip_id"].is_null() && c["inbound"]["default_tertiary_ip_id"].is_null(), "{c}");
        assert_eq!(c["inbound"]["sip_region"], "US", "the rest of inbound is untouched");
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"connection_name": "again"})));
        assert_eq!(o.status, 200, "{}", o.body);

        // FQDN connections: the same for default FQDN ids (nullable there: null clears too).
        let fc = id_of(&call(&mut st, Method::POST, "/fqdn_connections", Some(json!({"connection_name": "fc"}))));
        let fqdn = |st: &mut Store, name: &str| {
            id_of(&call(st, Method::POST, "/fqdns", Some(json!({"connection_id": fc, "fqdn": name, "dns_record_type": "a"}))))
        };
        let (f1, f2) = (fqdn(&mut st, "a.example.com"), fqdn(&mut st, "b.example.com"));
        let fpath = format!("/fqdn_connections/{fc}");
        let o = call(
            &mut st,
            Method::PATCH,
            &fpath,
            Some(json!({"inbound": {"default_primary_fqdn_id": f1, "default_secondary_fqdn_id": f2}})),
        );
        assert_eq!(o.status, 200, "{}", o.body);
        let o = call(
            &mut st,
            Method::PATCH,
            &fpath,
            Some(json!({"inbound": {"default_primary_fqdn_id": f1, "default_secondary_fqdn_id": null}})),
        );
        assert_eq!(o.status, 200, "{}", o.body);
        let o = call(&mut st, Method::DELETE, &format!("/fqdns/{f1}"), None);
        assert_eq!(o.status, 200, "{}", o.body);
        assert!(st.get("fqdn_connections", &fc).unwrap()["inbound"]["default_primary_fqdn_id"].is_null());
    }

    #[test]
    fn webhook_event_url_is_not_nullable_and_limits_are_the_documented_ones() {
        let mut st = Store::default();
        let o = call(&mut st, Method::POST, "/ip_connections", Some(json!({"webhook_event_url": null})));
        assert_eq!((o.status, pointer(&o)), (422, "/webhook_event_url"));
        let c = credential(&mut st, "hook01", json!({"webhook_event_url": "https://example.com/h"}));
        let id = c["id"].as_str().unwrap();
        let o = call(&mut st, Method::PATCH, &format!("/credential_connections/{id}"), Some(json!({"webhook_event_url": null})));
        assert_eq!((o.status, pointer(&o)), (422, "/webhook_event_url"));
        assert_eq!(st.get("credential_connections", id).unwrap()["webhook_event_url"], "https://example.com/h");
        // concurrent_call_limit: nullable, no documented bounds; calls_per_cld: at least 0.
        let o = call(&mut st, Method::POST, "/outbound_voice_profiles", Some(json!({"name": "big", "concurrent_call_limit": 5_000_000})));
        assert_eq!(o.status, 200, "{}", o.body);
        let pid = id_of(&o);
        let o = call(
            &mut st,
            Method::PATCH,
            &format!("/outbound_voice_profiles/{pid}"),
            Some(json!({"name": "big", "concurrent_call_limit": null})),
        );
        assert_eq!(o.status, 200, "{}", o.body);
        let o = call(
            &mut st,
            Method::PATCH,
            &format!("/outbound_voice_profiles/{pid}"),
            Some(json!({"name": "big", "calling_window": {"calls_per_cld": -1}})),
        );
        assert_eq!((o.status, pointer(&o)), (422, "/calling_window/calls_per_cld"));
    }

    #[test]
    fn referenced_profile_cannot_be_deleted() {
        let mut st = Store::default();
        let p = call(&mut st, Method::POST, "/outbound_voice_profiles", Some(json!({"name": "profile"})));
        let pid = p.body["data"]["id"].as_str().unwrap().to_string();
        let c = credential(&mut st, "erin1", json!({"outbound": {"outbound_voice_profile_id": pid}}));
        let got = call(&mut st, Method::GET, &format!("/outbound_voice_profiles/{pid}"), None);
        assert_eq!(got.body["data"]["connections_count"], 1);
        let o = call(&mut st, Method::DELETE, &format!("/outbound_voice_profiles/{pid}"), None);
        assert_eq!(o.status, 422);
        assert!(o.body["errors"][0]["detail"].as_str().unwrap().contains(c["id"].as_str().unwrap()));
        assert_eq!(call(&mut st, Method::DELETE, &format!("/credential_connections/{}", c["id"].as_str().unwrap()), None).status, 200);
        assert_eq!(call(&mut st, Method::DELETE, &format!("/outbound_voice_profiles/{pid}"), None).status, 200);
        // A connection can only use a profile that exists.
        let body = json!({"connection_name": "c-x", "user_name": "erin2", "password": "s3cret-pass", "outbound": {"outbound_voice_profile_id": pid}});
        let o = call(&mut st, Method::POST, "/credential_connections", Some(body));
        assert_eq!((o.status, pointer(&o)), (422, "/outbound/outbound_voice_profile_id"), "{}", o.body);
        let o = call(&mut st, Method::POST, "/ip_connections", Some(json!({"outbound": {"outbound_voice_profile_id": "1"}})));
        assert_eq!((o.status, pointer(&o)), (422, "/outbound/outbound_voice_profile_id"), "{}", o.body);
    }

    #[test]
    fn connections_view_lists_filters_and_gets() {
        let mut st = Store::default();
        let p = call(&mut st, Method::POST, "/outbound_voice_profiles", Some(json!({"name": "profile"})));
        let pid = p.body["data"]["id"].as_str().unwrap().to_string();
        let c = credential(&mut st, "frank1", json!({"connection_name": "alpha-cred", "outbound": {"outbound_voice_profile_id": pid}}));
        let f = call(&mut st, Method::POST, "/fqdn_connections", Some(json!({"connection_name": "beta-fqdn"}))).body["data"].clone();
        call(&mut st, Method::POST, "/ip_connections", Some(json!({"connection_name": "Alpha-ip"})));
        st.insert("fqdns", json!({"id": "5", "connection_id": f["id"], "fqdn": "sip.example.com"}));
        let all = call(&mut st, Method::GET, "/connections", None);
        assert_eq!(all.body["meta"]["total_results"], 3);
        let first = &all.body["data"][0];
        assert_eq!(first["record_type"], "credential_connection");
        assert_eq!(first["outbound_voice_profile_id"], pid.as_str());
        assert!(first.get("password").is_none() && first.get("inbound").is_none(), "only the generic fields");
        let names = |o: &Outcome| {
            o.body["data"].as_array().unwrap().iter().map(|x| x["connection_name"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            names(&call(&mut st, Method::GET, "/connections?filter[connection_name][contains]=ALPHA", None)),
            ["alpha-cred", "Alpha-ip"]
        );
        assert_eq!(call(&mut st, Method::GET, "/connections?filter[connection_name][contains]=al", None).status, 422);
        assert_eq!(
            names(&call(&mut st, Method::GET, &format!("/connections?filter[outbound_voice_profile_id]={pid}"), None)),
            ["alpha-cred"]
        );
        assert_eq!(names(&call(&mut st, Method::GET, "/connections?filter[fqdn]=sip.example.com", None)), ["beta-fqdn"]);
        assert_eq!(names(&call(&mut st, Method::GET, "/connections?sort=-connection_name", None)), ["beta-fqdn", "alpha-cred", "Alpha-ip"]);
        assert_eq!(names(&call(&mut st, Method::GET, "/connections?page[size]=1&page[number]=2", None)), ["beta-fqdn"]);
        assert_eq!(
            names(&call(&mut st, Method::GET, &format!("/credential_connections?filter[outbound.outbound_voice_profile_id]={pid}"), None)),
            ["alpha-cred"]
        );
        let one = call(&mut st, Method::GET, &format!("/connections/{}", f["id"].as_str().unwrap()), None);
        assert_eq!(one.body["data"]["record_type"], "fqdn_connection");
        assert_eq!(call(&mut st, Method::GET, "/connections/404", None).status, 404);
        assert_eq!(call(&mut st, Method::POST, "/connections", Some(json!({}))).status, 405);
        let _ = c;
    }

    #[test]
    fn registration_status_action() {
        let mut st = Store::default();
        let c = credential(&mut st, "gina1", json!({}));
        let o = call(
            &mut st,
            Method::POST,
            &format!("/credential_connections/{}/actions/check_registration_status", c["id"].as_str().unwrap()),
            None,
        );
        assert_eq!(o.status, 200);
        assert_eq!(o.body["data"]["record_type"], "registration_status");
        assert_eq!(o.body["data"]["sip_username"], "gina1");
        assert_eq!(o.body["data"]["status"], "Not Registered");
        assert_eq!(call(&mut st, Method::POST, "/credential_connections/1/actions/check_registration_status", None).status, 404);
        assert_eq!(
            call(&mut st, Method::POST, &format!("/credential_connections/{}/actions/nope", c["id"].as_str().unwrap()), None).status,
            404
        );
    }

    fn id_of(o: &Outcome) -> String {
        let d = if o.body.get("data").is_some() { &o.body["data"] } else { &o.body };
        d["id"].as_str().unwrap().to_string()
    }

    #[test]
    fn fqdns_need_an_fqdn_connection_and_follow_the_record_type_rule() {
        let mut st = Store::default();
        let fc = id_of(&call(&mut st, Method::POST, "/fqdn_connections", Some(json!({"connection_name": "f"}))));
        let ic = id_of(&call(&mut st, Method::POST, "/ip_connections", Some(json!({}))));
        let body = |conn: &str, extra: Json| {
            let mut b = json!({"connection_id": conn, "fqdn": "sip.example.com", "dns_record_type": "a"});
            for (k, v) in extra.as_object().unwrap() {
                b[k] = v.clone();
            }
            b
        };
        let o = call(&mut st, Method::POST, "/fqdns", Some(body(&fc, json!({}))));
        assert_eq!(o.status, 201, "{}", o.body);
        assert_eq!(o.body["data"]["port"], 5060);
        assert_eq!(o.body["data"]["record_type"], "fqdn");
        let id = id_of(&o);
        for (b, want) in [
            (body(&ic, json!({})), "/connection_id"),
            (body("404", json!({})), "/connection_id"),
            (body(&fc, json!({"dns_record_type": "cname"})), "/dns_record_type"),
            (body(&fc, json!({"dns_record_type": "srv", "port": 5061})), "/port"),
            (body(&fc, json!({"port": 70000})), "/port"),
            (body(&fc, json!({"fqdn": "bad host"})), "/fqdn"),
            (json!({"connection_id": fc, "fqdn": "x.example.com"}), "/dns_record_type"),
        ] {
            let o = call(&mut st, Method::POST, "/fqdns", Some(b.clone()));
            assert_eq!((o.status, pointer(&o)), (422, want), "{b} -> {}", o.body);
        }
        let o = call(&mut st, Method::POST, "/fqdns", Some(body(&fc, json!({"dns_record_type": "srv", "port": null}))));
        assert_eq!(o.status, 201, "srv without a port: {}", o.body);
        // Moving to another FQDN connection is allowed; to an IP connection it is not.
        let fc2 = id_of(&call(&mut st, Method::POST, "/fqdn_connections", Some(json!({"connection_name": "g"}))));
        let o = call(&mut st, Method::PATCH, &format!("/fqdns/{id}"), Some(json!({"connection_id": fc2, "port": 5070})));
        assert_eq!((o.status, &o.body["data"]["connection_id"]), (200, &json!(fc2)), "{}", o.body);
        let o = call(&mut st, Method::PATCH, &format!("/fqdns/{id}"), Some(json!({"connection_id": ic})));
        assert_eq!((o.status, pointer(&o)), (422, "/connection_id"));
        let o = call(&mut st, Method::PATCH, &format!("/fqdns/{id}"), Some(json!({"dns_record_type": "srv", "port": 5060})));
        assert_eq!((o.status, pointer(&o)), (422, "/port"));
        // Turned into an SRV record (no port sent): the record's 5070 gives way to the default.
        let o = call(&mut st, Method::PATCH, &format!("/fqdns/{id}"), Some(json!({"dns_record_type": "srv"})));
        assert_eq!((o.status, &o.body["data"]["port"]), (200, &json!(5060)), "{}", o.body);
        let o = call(&mut st, Method::PATCH, &format!("/fqdns/{id}"), Some(json!({"dns_record_type": "a", "port": 5070})));
        assert_eq!((o.status, &o.body["data"]["port"]), (200, &json!(5070)), "{}", o.body);
        // Filters, including the integer one.
        let listed = |st: &mut Store, q: &str| call(st, Method::GET, &format!("/fqdns?{q}"), None);
        assert_eq!(listed(&mut st, "filter[port]=5070").body["meta"]["total_results"], 1);
        assert_eq!(listed(&mut st, "filter[port]=5070&filter[connection_id]=1").body["meta"]["total_results"], 0);
        assert_eq!(listed(&mut st, "filter[dns_record_type]=srv").body["meta"]["total_results"], 1);
        assert_eq!(listed(&mut st, "filter[fqdn]=SIP.example.com").body["meta"]["total_results"], 0, "exact, case-sensitive");
        assert_eq!(listed(&mut st, "filter[port]=abc").status, 422);
        // The connection list filter[fqdn] finds the connection holding the record.
        let o = call(&mut st, Method::GET, "/fqdn_connections?filter[fqdn]=sip.example.com", None);
        assert_eq!(o.body["meta"]["total_results"], 2);
    }

    #[test]
    fn ips_need_an_ip_connection_when_attached() {
        let mut st = Store::default();
        let ic = id_of(&call(&mut st, Method::POST, "/ip_connections", Some(json!({}))));
        let fc = id_of(&call(&mut st, Method::POST, "/fqdn_connections", Some(json!({"connection_name": "f"}))));
        let o = call(&mut st, Method::POST, "/ips", Some(json!({"connection_id": ic, "ip_address": "192.0.2.1"})));
        assert_eq!((o.status, &o.body["data"]["port"]), (201, &json!(5060)), "{}", o.body);
        let id = id_of(&o);
        let o = call(&mut st, Method::POST, "/ips", Some(json!({"ip_address": "192.0.2.2"})));
        assert_eq!(o.status, 201, "connection_id is optional: {}", o.body);
        for (b, want) in [
            (json!({"connection_id": fc, "ip_address": "192.0.2.3"}), "/connection_id"),
            (json!({"connection_id": ic, "ip_address": "192.0.2.300"}), "/ip_address"),
            (json!({"connection_id": ic, "ip_address": "192.0.2.3", "port": -1}), "/port"),
            (json!({"connection_id": ic}), "/ip_address"),
        ] {
            let o = call(&mut st, Method::POST, "/ips", Some(b.clone()));
            assert_eq!((o.status, pointer(&o)), (422, want), "{b} -> {}", o.body);
        }
        let o = call(&mut st, Method::PATCH, &format!("/ips/{id}"), Some(json!({"port": 5070})));
        assert_eq!((o.status, pointer(&o)), (422, "/ip_address"), "PATCH requires ip_address");
        let o = call(&mut st, Method::PATCH, &format!("/ips/{id}"), Some(json!({"ip_address": "192.0.2.9", "port": 5070})));
        assert_eq!(o.status, 200);
        let o = call(&mut st, Method::GET, &format!("/ips?filter[connection_id]={ic}&filter[port]=5070"), None);
        assert_eq!(o.body["data"][0]["ip_address"], "192.0.2.9");
    }

    #[test]
    fn access_ip_ranges_are_bare_unique_settle_and_have_no_retrieve_or_update() {
        let mut st = Store::default();
        let o = call(&mut st, Method::POST, "/access_ip_ranges", Some(json!({"cidr_block": "203.0.113.0/24", "description": "office"})));
        assert_eq!(o.status, 200, "{}", o.body);
        assert!(o.body.get("data").is_none(), "bare object");
        assert_eq!(o.body["status"], "pending");
        assert!(o.body.get("record_type").is_none());
        assert!(o.body["user_id"].as_str().is_some_and(|u| !u.is_empty()));
        let id = id_of(&o);
        for (b, want) in [
            (json!({"cidr_block": "203.0.113.0/24"}), "/cidr_block"),
            (json!({"cidr_block": "203.0.113.1/24"}), "/cidr_block"),
            (json!({"cidr_block": "203.0.113.0"}), "/cidr_block"),
            (json!({"description": "x"}), "/cidr_block"),
            (json!({"cidr_block": "198.51.100.0/24", "status": "added"}), "/status"),
        ] {
            let o = call(&mut st, Method::POST, "/access_ip_ranges", Some(b.clone()));
            assert_eq!((o.status, pointer(&o)), (422, want), "{b} -> {}", o.body);
        }
        call(&mut st, Method::POST, "/access_ip_ranges", Some(json!({"cidr_block": "2001:db8::/32"})));
        assert_eq!(call(&mut st, Method::GET, &format!("/access_ip_ranges/{id}"), None).status, 405);
        assert_eq!(call(&mut st, Method::PATCH, &format!("/access_ip_ranges/{id}"), Some(json!({}))).status, 405);
        let o = call(&mut st, Method::GET, "/access_ip_ranges?filter[cidr_block]=203.0.113.0/24", None);
        assert_eq!(o.body["data"][0]["status"], "added", "synced once listed");
        let n =
            |st: &mut Store, q: &str| call(st, Method::GET, &format!("/access_ip_ranges?{q}"), None).body["meta"]["total_results"].clone();
        assert_eq!(n(&mut st, "filter[cidr_block][startswith]=203."), 1);
        assert_eq!(n(&mut st, "filter[cidr_block][endswith]=/32"), 1);
        assert_eq!(n(&mut st, "filter[cidr_block][contains]=DB8"), 1);
        assert_eq!(n(&mut st, "filter[created_at][gt]=2000-01-01T00:00:00Z"), 2);
        assert_eq!(n(&mut st, "filter[created_at][lt]=2000-01-01T00:00:00%2B01:00"), 0);
        assert_eq!(call(&mut st, Method::GET, "/access_ip_ranges?filter[created_at][gt]=yesterday", None).status, 422);
        let o = call(&mut st, Method::DELETE, &format!("/access_ip_ranges/{id}"), None);
        assert_eq!((o.status, o.body["cidr_block"].as_str()), (200, Some("203.0.113.0/24")));
        assert_eq!(call(&mut st, Method::DELETE, &format!("/access_ip_ranges/{id}"), None).status, 404);
    }

    /// Unknowns 29 and 17: a number routed to a Call Control or TeXML application by its id;
    /// `/connections` lists applications under their names; an application in use stays.
    #[test]
    fn numbers_are_routed_to_applications_which_connections_lists() {
        let mut st = Store::default();
        let ids = seed(&mut st, &json!({"phone_numbers": [{"phone_number": "+13125550100"}]})).unwrap();
        let num = ids["phone_numbers"][0].as_str().unwrap().to_string();
        let body = json!({"application_name": "ivr", "webhook_event_url": "https://example.com/hook"});
        let cc = call(&mut st, Method::POST, "/call_control_applications", Some(body)).body["data"]["id"].clone();
        let body = json!({"friendly_name": "texml-ivr", "voice_url": "https://example.com/texml"});
        let tx = call(&mut st, Method::POST, "/texml_applications", Some(body)).body["data"]["id"].clone();
        let path = format!("/phone_numbers/{num}");
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"connection_id": cc})));
        assert_eq!((o.status, &o.body["data"]["connection_name"]), (200, &json!("ivr")));
        let listed = call(&mut st, Method::GET, "/connections", None).body["data"].clone();
        let names: Vec<(&str, &str)> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["record_type"].as_str().unwrap(), c["connection_name"].as_str().unwrap()))
            .collect();
        assert_eq!(names, [("call_control_application", "ivr"), ("texml_application", "texml-ivr")]);
        assert_eq!(call(&mut st, Method::GET, &format!("/connections/{}", tx.as_str().unwrap()), None).status, 200);
        assert_eq!(call(&mut st, Method::DELETE, &format!("/call_control_applications/{}", cc.as_str().unwrap()), None).status, 422);
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"connection_id": tx})));
        assert_eq!((o.status, &o.body["data"]["connection_name"]), (200, &json!("texml-ivr")));
        assert_eq!(call(&mut st, Method::DELETE, &format!("/call_control_applications/{}", cc.as_str().unwrap()), None).status, 200);
        assert_eq!(call(&mut st, Method::DELETE, &format!("/texml_applications/{}", tx.as_str().unwrap()), None).status, 422);
    }

    #[test]
    fn phone_numbers_are_seeded_patched_cleared_and_released_never_created() {
        let mut st = Store::default();
        let ids = seed(
            &mut st,
            &json!({"billing_groups": [{"name": "ops"}], "phone_numbers": [{"phone_number": "+13125550100"}, {"phone_number": "+442071838750", "tags": ["uk"]}]}),
        )
        .unwrap();
        let (num, group) = (ids["phone_numbers"][0].as_str().unwrap().to_string(), ids["billing_groups"][0].as_str().unwrap().to_string());
        assert!(seed(&mut st, &json!({"phone_numbers": [{"phone_number": "+13125550100"}]})).is_err(), "numbers are unique");
        assert!(seed(&mut st, &json!({"phone_numbers": [{"phone_number": "3125550100"}]})).is_err(), "E.164 only");
        assert_eq!(call(&mut st, Method::POST, "/phone_numbers", Some(json!({"phone_number": "+13125550199"}))).status, 405);
        let n = |st: &mut Store, q: &str| call(st, Method::GET, &format!("/phone_numbers?{q}"), None).body["meta"]["total_results"].clone();
        assert_eq!(n(&mut st, "filter[phone_number]=5550100"), 1);
        assert_eq!(n(&mut st, "filter[phone_number]=%2B13125550100"), 0, "non-numerical characters give no results");
        assert_eq!(call(&mut st, Method::GET, "/phone_numbers?filter[phone_number]=12", None).status, 422);
        assert_eq!(n(&mut st, "filter[tag]=uk"), 1);
        assert_eq!(n(&mut st, "filter[country_iso_alpha2]=GB,CA"), 1);
        assert_eq!(n(&mut st, "filter[billing_group_id]=null"), 2);

        let conn = call(&mut st, Method::POST, "/fqdn_connections", Some(json!({"connection_name": "trunk"}))).body["data"]["id"].clone();
        let path = format!("/phone_numbers/{num}");
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"connection_id": conn, "billing_group_id": group, "tags": ["a"]})));
        assert_eq!((o.status, &o.body["data"]["connection_name"]), (200, &json!("trunk")));
        assert_eq!(n(&mut st, &format!("filter[billing_group_id]={group}")), 1);
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"connection_id": "404"})));
        assert_eq!((o.status, pointer(&o)), (422, "/connection_id"));
        assert_eq!(call(&mut st, Method::PATCH, &path, Some(json!({"connection_id": null}))).status, 422, "cleared with \"\", not null");
        // In use: neither the connection nor the billing group can go.
        assert_eq!(call(&mut st, Method::DELETE, &format!("/fqdn_connections/{}", conn.as_str().unwrap()), None).status, 422);
        assert_eq!(call(&mut st, Method::DELETE, &format!("/billing_groups/{group}"), None).status, 409);
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"connection_id": "", "billing_group_id": "", "tags": []})));
        assert_eq!((&o.body["data"]["connection_id"], &o.body["data"]["billing_group_id"]), (&Json::Null, &Json::Null));
        assert_eq!(call(&mut st, Method::DELETE, &format!("/billing_groups/{group}"), None).status, 200);

        // Voice settings: nested objects replace, the number mirrors them.
        let voice = format!("{path}/voice");
        let o = call(&mut st, Method::PATCH, &voice, Some(json!({"cnam_listing": {"cnam_listing_enabled": true}})));
        assert_eq!((o.status, pointer(&o)), (422, "/cnam_listing/cnam_listing_enabled"));
        let o = call(
            &mut st,
            Method::PATCH,
            &voice,
            Some(json!({"media_features": {"t38_fax_gateway_enabled": true}, "caller_id_name_enabled": true})),
        );
        assert_eq!(
            o.body["data"]["media_features"],
            json!({"rtp_auto_adjust_enabled": true, "accept_any_rtp_packets_enabled": false, "t38_fax_gateway_enabled": true})
        );
        assert!(o.body["data"].get("caller_id_name_enabled").is_none(), "write-only in the voice view");
        let o = call(&mut st, Method::GET, &path, None);
        assert_eq!((&o.body["data"]["t38_fax_gateway_enabled"], &o.body["data"]["caller_id_name_enabled"]), (&json!(true), &json!(true)));
        assert!(o.body["data"].get("voice").is_none());
        assert_eq!(
            call(&mut st, Method::GET, "/phone_numbers/voice?filter[phone_number]=5550100", None).body["data"][0]["id"],
            num.as_str()
        );

        // DELETE releases the number: gone from the account.
        let o = call(&mut st, Method::DELETE, &path, None);
        assert_eq!((o.status, &o.body["data"]["status"]), (200, &json!("deleted")));
        assert!(o.body["data"].get("country_iso_alpha2").is_none(), "not in the deleted number's schema");
        assert_eq!(call(&mut st, Method::GET, &path, None).status, 404);
    }

    #[test]
    fn a_partial_nested_object_in_a_seed_keeps_the_family_defaults_for_the_rest() {
        let mut st = Store::default();
        let conn = json!({"connection_name": "c", "user_name": "seed1", "password": "s3cret-pass", "inbound": {"channel_limit": 30}});
        let number = json!({"phone_number": "+13125550100", "voice": {"call_forwarding": {"forwards_to": "+13125550199"}}});
        let ids = seed(&mut st, &json!({"credential_connections": [conn], "phone_numbers": [number]})).unwrap();
        let c = st.get("credential_connections", ids["credential_connections"][0].as_str().unwrap()).unwrap();
        assert_eq!(c["inbound"]["channel_limit"], 30);
        assert_eq!(c["inbound"]["timeout_2xx_secs"], 90, "the rest of inbound keeps its defaults: {c}");
        assert_eq!(c["inbound"]["sip_compact_headers_enabled"], true, "{c}");
        let n = st.get("phone_numbers", ids["phone_numbers"][0].as_str().unwrap()).unwrap();
        assert_eq!(n["voice"]["call_forwarding"]["forwards_to"], "+13125550199");
        assert_eq!(n["voice"]["call_forwarding"]["call_forwarding_enabled"], true, "{n}");
    }

    #[test]
    fn date_times() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(parse_time("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_time("2000-03-01T00:00:00Z"), Some(951_868_800_000));
        let now = crate::store::now();
        assert!(parse_time(&now).is_some(), "{now}");
        assert_eq!(parse_time("2000-13-01T00:00:00Z"), None);
        assert_eq!(parse_time("2000-01-01"), None);
    }

    /// Call Control applications (voice-apps-and-e911.md §5): 201, required fields on create
    /// and on every update, defaults, the per-type anchor sites, tags only on update (Unknown 15),
    /// `null` clearing the nullable fields (Unknown 16), filters with their 3-character rule.
    #[test]
    fn call_control_applications_follow_the_documented_quirks() {
        let mut st = Store::default();
        let path = "/call_control_applications";
        let body = json!({"application_name": "router", "webhook_event_url": "https://example.com/hook"});
        for missing in ["application_name", "webhook_event_url"] {
            let mut b = body.clone();
            b.as_object_mut().unwrap().remove(missing);
            let o = call(&mut st, Method::POST, path, Some(b));
            assert_eq!((o.status, pointer(&o)), (422, format!("/{missing}").as_str()));
        }
        let mut with_tags = body.clone();
        with_tags["tags"] = json!(["a"]);
        let o = call(&mut st, Method::POST, path, Some(with_tags));
        assert_eq!((o.status, pointer(&o)), (422, "/tags"), "tags are not in the create schema");
        for (field, value) in [
            ("anchorsite_override", json!("Frankfurt, Germany")),
            ("webhook_timeout_secs", json!(31)),
            ("webhook_event_url", json!("example.com/hook")),
            ("webhook_api_version", json!("texml")),
        ] {
            let mut b = body.clone();
            b[field] = value;
            let o = call(&mut st, Method::POST, path, Some(b));
            assert_eq!((o.status, pointer(&o)), (422, format!("/{field}").as_str()), "{}", o.body);
        }
        let mut chennai = body;
        chennai["anchorsite_override"] = json!("Chennai, IN");
        chennai["webhook_timeout_secs"] = json!(25);
        chennai["inbound"] = json!({"channel_limit": 4, "sip_subdomain": "router"});
        let o = call(&mut st, Method::POST, path, Some(chennai));
        assert_eq!(o.status, 201, "{}", o.body);
        let a = &o.body["data"];
        assert_eq!(a["record_type"], "call_control_application");
        assert_eq!(a["webhook_api_version"], "1");
        assert_eq!(a["webhook_event_failover_url"], "");
        assert_eq!(a["first_command_timeout_secs"], 30);
        assert_eq!(a["inbound"]["sip_subdomain_receive_settings"], "from_anyone");
        assert_eq!(a["tags"], json!([]));
        let id = id_of(&o);
        let item = format!("{path}/{id}");

        // PATCH without the required fields: 422, nothing changed.
        let o = call(&mut st, Method::PATCH, &item, Some(json!({"active": false})));
        assert_eq!((o.status, pointer(&o)), (422, "/application_name"));
        let o = call(&mut st, Method::PATCH, &item, Some(json!({"application_name": "router", "active": false})));
        assert_eq!((o.status, pointer(&o)), (422, "/webhook_event_url"));
        assert_eq!(st.get("call_control_applications", &id).unwrap()["active"], true);
        let o = call(
            &mut st,
            Method::PATCH,
            &item,
            Some(
                json!({"application_name": "router", "webhook_event_url": "https://example.com/hook", "active": false, "tags": ["b"], "webhook_timeout_secs": null, "inbound": {"sip_subdomain": "router"}}),
            ),
        );
        assert_eq!(o.status, 200, "{}", o.body);
        let a = &o.body["data"];
        assert_eq!((&a["active"], &a["tags"]), (&json!(false), &json!(["b"])));
        assert!(a["webhook_timeout_secs"].is_null(), "null clears a nullable field");
        assert!(a["inbound"]["channel_limit"].is_null(), "a member left out of the object sent is cleared: {a}");
        let o = call(
            &mut st,
            Method::PATCH,
            &item,
            Some(
                json!({"application_name": "router", "webhook_event_url": "https://example.com/hook", "inbound": {"channel_limit": null}}),
            ),
        );
        assert_eq!((o.status, pointer(&o)), (422, "/inbound/channel_limit"), "nested members are not nullable");

        // Filters: name contains (3 characters at least), profile; default page size 20.
        let p = call(&mut st, Method::POST, "/outbound_voice_profiles", Some(json!({"name": "apps-profile"})));
        let pid = id_of(&p);
        let o = call(
            &mut st,
            Method::POST,
            path,
            Some(
                json!({"application_name": "other", "webhook_event_url": "https://example.com/h", "outbound": {"outbound_voice_profile_id": pid}}),
            ),
        );
        assert_eq!(o.status, 201, "{}", o.body);
        let ids =
            |o: &Outcome| o.body["data"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        let o = call(&mut st, Method::GET, &format!("{path}?filter[application_name][contains]=ROUT"), None);
        assert_eq!(ids(&o), std::slice::from_ref(&id));
        let o = call(&mut st, Method::GET, &format!("{path}?filter[application_name][contains]=ro"), None);
        assert_eq!(o.status, 422);
        let o = call(&mut st, Method::GET, &format!("{path}?filter[outbound.outbound_voice_profile_id]={pid}"), None);
        assert_eq!(ids(&o).len(), 1);
        let o = call(&mut st, Method::GET, path, None);
        assert_eq!(o.body["meta"]["page_size"], 20, "{}", o.body["meta"]);
        assert_eq!(call(&mut st, Method::GET, &format!("{path}?sort=-connection_name"), None).status, 200);
        // The profile is referenced: its delete is refused.
        assert_eq!(call(&mut st, Method::DELETE, &format!("/outbound_voice_profiles/{pid}"), None).status, 422);
        let o = call(&mut st, Method::DELETE, &item, None);
        assert_eq!((o.status, o.body["data"]["id"].as_str()), (200, Some(id.as_str())));
    }

    /// TeXML applications (§6): required `friendly_name` and `voice_url` on create and update,
    /// the 10 anchor sites, lower-case methods, tags on create, the `filter[friendly_name]`
    /// contains filter, page size 250.
    #[test]
    fn texml_applications_follow_the_documented_quirks() {
        let mut st = Store::default();
        let path = "/texml_applications";
        let body = json!({"friendly_name": "texml-app", "voice_url": "https://example.com/texml"});
        for missing in ["friendly_name", "voice_url"] {
            let mut b = body.clone();
            b.as_object_mut().unwrap().remove(missing);
            let o = call(&mut st, Method::POST, path, Some(b));
            assert_eq!((o.status, pointer(&o)), (422, format!("/{missing}").as_str()));
        }
        for (field, value) in [
            ("anchorsite_override", json!("Chennai, IN")),
            ("voice_method", json!("POST")),
            ("status_callback", json!("example.com/status")),
            ("webhook_event_url", json!("https://example.com/hook")),
        ] {
            let mut b = body.clone();
            b[field] = value;
            let o = call(&mut st, Method::POST, path, Some(b));
            assert_eq!((o.status, pointer(&o)), (422, format!("/{field}").as_str()), "{}", o.body);
        }
        let mut full = body;
        full["tags"] = json!(["t"]);
        full["anchorsite_override"] = json!("Frankfurt, Germany");
        full["voice_fallback_url"] = json!("https://example.com/fallback");
        let o = call(&mut st, Method::POST, path, Some(full));
        assert_eq!(o.status, 201, "{}", o.body);
        let a = &o.body["data"];
        assert_eq!((&a["tags"], &a["voice_method"], &a["status_callback_method"]), (&json!(["t"]), &json!("post"), &json!("post")));
        assert!(a["status_callback"].is_null());
        let id = id_of(&o);
        let item = format!("{path}/{id}");
        let o = call(&mut st, Method::PATCH, &item, Some(json!({"voice_method": "get"})));
        assert_eq!((o.status, pointer(&o)), (422, "/friendly_name"));
        let o = call(&mut st, Method::PATCH, &item, Some(json!({"friendly_name": "texml-app", "voice_method": "get"})));
        assert_eq!((o.status, pointer(&o)), (422, "/voice_url"));
        let o = call(
            &mut st,
            Method::PATCH,
            &item,
            Some(
                json!({"friendly_name": "texml-app", "voice_url": "https://example.com/texml", "voice_method": "get", "voice_fallback_url": null}),
            ),
        );
        assert_eq!(o.status, 200, "{}", o.body);
        assert!(o.body["data"]["voice_fallback_url"].is_null(), "null clears it (Unknown 16)");
        let o = call(&mut st, Method::GET, &format!("{path}?filter[friendly_name]=ML-A"), None);
        assert_eq!(o.body["data"].as_array().map(Vec::len), Some(1), "contains, ignoring case");
        assert_eq!(call(&mut st, Method::GET, &format!("{path}?filter[friendly_name]=ml"), None).status, 422);
        let o = call(&mut st, Method::GET, path, None);
        assert_eq!(o.body["meta"]["page_size"], 250, "{}", o.body["meta"]);
    }

    fn uac(st: &mut Store, body: Json) -> Outcome {
        call(st, Method::POST, "/uac_connections", Some(body))
    }

    /// voice-apps-and-e911.md §8: only `connection_name` is required; Telnyx generates the FQDN,
    /// its FQDN record and the inbound SIP subdomain, which no request may send.
    #[test]
    fn uac_connection_create_generates_fqdn_and_subdomain() {
        let mut st = Store::default();
        assert_eq!(pointer(&uac(&mut st, json!({}))), "/connection_name");
        let o = uac(&mut st, json!({"connection_name": "pbx"}));
        assert_eq!(o.status, 201, "{}", o.body);
        let c = &o.body["data"];
        assert_eq!(c["record_type"], "uac_connection");
        let fqdn = c["fqdn"].as_str().unwrap();
        assert!(fqdn.ends_with(".uac.telnyx.com") && fqdn.len() == 12 + ".uac.telnyx.com".len(), "{fqdn}");
        assert_eq!(c["fqdns"][0]["fqdn"], fqdn);
        assert_eq!(c["fqdns"][0]["connection_id"], c["id"]);
        assert_eq!(c["fqdns"][0]["port"], 5060);
        assert_eq!(c["authentication"], "uac-authentication");
        assert_eq!(c["fqdn_outbound_authentication"], "credential-authentication");
        assert_eq!(c["default_on_hold_comfort_noise_enabled"], true, "the object's default, not the request's");
        assert_eq!(c["registration_status"], "Not Registered");
        assert_eq!(c["registration_status_updated_at"], c["created_at"]);
        let sub = c["inbound"]["sip_subdomain"].as_str().unwrap().to_string();
        assert_eq!(sub.len(), 12);
        assert_eq!(c["inbound"]["sip_subdomain_receive_settings"], "from_anyone");
        let id = c["id"].as_str().unwrap().to_string();
        for (body, at) in [
            (json!({"connection_name": "pbx", "inbound": {"sip_subdomain": "mine"}}), "/inbound/sip_subdomain"),
            (
                json!({"connection_name": "pbx", "inbound": {"sip_subdomain_receive_settings": "from_anyone"}}),
                "/inbound/sip_subdomain_receive_settings",
            ),
            (json!({"connection_name": "pbx", "fqdn": "x.uac.telnyx.com"}), "/fqdn"),
            (json!({"connection_name": "pbx", "registration_status": "Registered"}), "/registration_status"),
        ] {
            let o = uac(&mut st, body);
            assert_eq!((o.status, pointer(&o)), (422, at), "{}", o.body);
        }
        // A sent `inbound` replaces the stored one but keeps the generated subdomain.
        let o = call(&mut st, Method::PATCH, &format!("/uac_connections/{id}"), Some(json!({"inbound": {"sip_region": "Europe"}})));
        assert_eq!(o.status, 200, "{}", o.body);
        assert_eq!(o.body["data"]["inbound"]["sip_subdomain"], sub.as_str());
        assert_eq!(o.body["data"]["inbound"]["sip_region"], "Europe");
        assert_eq!(o.body["data"]["fqdn"], fqdn);
    }

    /// The UAC settings' documented formats, the top-level user name and password (Unknown 19),
    /// `texml` only on create with call parking.
    #[test]
    fn uac_connection_validation() {
        let mut st = Store::default();
        let good = |x: Json| {
            let mut b = json!({"connection_name": "pbx"});
            for (k, v) in x.as_object().unwrap() {
                b[k] = v.clone();
            }
            b
        };
        for (x, at) in [
            (json!({"external_uac_settings": {"username": "abc"}}), "/external_uac_settings/username"),
            (json!({"external_uac_settings": {"username": "-abcd"}}), "/external_uac_settings/username"),
            (json!({"external_uac_settings": {"username": "ab.cd"}}), "/external_uac_settings/username"),
            (json!({"external_uac_settings": {"username": "a".repeat(33)}}), "/external_uac_settings/username"),
            (json!({"external_uac_settings": {"transport": "SCTP"}}), "/external_uac_settings/transport"),
            (json!({"external_uac_settings": {"expiration_sec": 0}}), "/external_uac_settings/expiration_sec"),
            (json!({"internal_uac_settings": {"destination_uri": "sip:alice@sip.telnyx.com"}}), "/internal_uac_settings/destination_uri"),
            (json!({"internal_uac_settings": {"destination_uri": "alice@example.com"}}), "/internal_uac_settings/destination_uri"),
            (json!({"internal_uac_settings": {"destination_uri": "al ice@sip.telnyx.com"}}), "/internal_uac_settings/destination_uri"),
            (json!({"user_name": "12345a"}), "/user_name"),
            (json!({"password": "short"}), "/password"),
            (json!({"anchorsite_override": "Chennai, IN"}), "/anchorsite_override"),
            (json!({"webhook_api_version": "texml"}), "/webhook_api_version"),
        ] {
            let o = uac(&mut st, good(x.clone()));
            assert_eq!((o.status, pointer(&o)), (422, at), "{x}: {}", o.body);
        }
        for x in [
            json!({"external_uac_settings": {"username": "pbx_user-1", "transport": "TLS", "expiration_sec": 1}}),
            json!({"internal_uac_settings": {"destination_uri": "alice_1@sip.telnyx.com"}}),
            json!({"internal_uac_settings": {"destination_uri": "bob@acme.sip.telnyx.com"}}),
            json!({"internal_uac_settings": {"destination_uri": "bob@acme.sipdev.telnyx.com"}}),
            json!({"webhook_api_version": "texml", "outbound": {"call_parking_enabled": true}}),
            json!({"encrypted_media": "SRTP", "external_uac_settings": {"transport": "UDP"}}),
        ] {
            let o = uac(&mut st, good(x.clone()));
            assert_eq!(o.status, 201, "{x}: {}", o.body);
        }
        let id = id_of(&uac(&mut st, good(json!({}))));
        let o = call(&mut st, Method::PATCH, &format!("/uac_connections/{id}"), Some(json!({"webhook_api_version": "texml"})));
        assert_eq!((o.status, pointer(&o)), (422, "/webhook_api_version"), "texml is create-only");
    }

    /// Unknown 20: both passwords are in full on create and on an update that changes them,
    /// masked on every other read; the registration action reports the object's status.
    #[test]
    fn uac_connection_passwords_are_masked_and_registration_is_reported() {
        let mut st = Store::default();
        let ext = json!({"username": "pbxuser", "password": "ext-secret", "proxy": "pbx.example.com", "transport": "TLS"});
        let o = uac(&mut st, json!({"connection_name": "pbx", "password": "top-secret", "external_uac_settings": ext}));
        assert_eq!(o.body["data"]["password"], "top-secret");
        assert_eq!(o.body["data"]["external_uac_settings"]["password"], "ext-secret");
        let id = id_of(&o);
        let path = format!("/uac_connections/{id}");
        let got = call(&mut st, Method::GET, &path, None).body["data"].clone();
        assert_eq!((got["password"].as_str(), got["external_uac_settings"]["password"].as_str()), (Some(spec::MASK), Some(spec::MASK)));
        let listed = call(&mut st, Method::GET, "/uac_connections", None).body["data"][0].clone();
        assert_eq!(
            (listed["password"].as_str(), listed["external_uac_settings"]["password"].as_str()),
            (Some(spec::MASK), Some(spec::MASK))
        );
        // An update that leaves them as they are answers them masked; one that changes one reveals it.
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"external_uac_settings": ext, "active": false})));
        assert_eq!(o.body["data"]["external_uac_settings"]["password"], spec::MASK);
        let mut ext2 = ext;
        ext2["password"] = json!("new-secret");
        let o = call(&mut st, Method::PATCH, &path, Some(json!({"external_uac_settings": ext2})));
        assert_eq!(o.body["data"]["external_uac_settings"]["password"], "new-secret");
        assert_eq!(o.body["data"]["password"], spec::MASK);
        let o = call(&mut st, Method::POST, &format!("{path}/actions/check_registration_status"), None);
        assert_eq!(o.status, 200);
        assert_eq!(o.body["data"]["status"], "Not Registered");
        assert_eq!(o.body["data"]["sip_username"], "pbxuser");
        assert_eq!(o.body["data"]["transport"], "TLS");
        assert_eq!(call(&mut st, Method::POST, "/uac_connections/1/actions/check_registration_status", None).status, 404);
    }

    /// The list: name filter of at least 3 characters, the exact FQDN, the profile; sorts; a
    /// profile in use cannot be deleted.
    #[test]
    fn uac_connection_list_filters_and_profile_reference() {
        let mut st = Store::default();
        let p = call(&mut st, Method::POST, "/outbound_voice_profiles", Some(json!({"name": "ovp"})));
        let pid = id_of(&p);
        let a = uac(&mut st, json!({"connection_name": "alpha-pbx", "outbound": {"outbound_voice_profile_id": pid}})).body["data"].clone();
        uac(&mut st, json!({"connection_name": "beta-pbx"}));
        assert_eq!(uac(&mut st, json!({"connection_name": "x", "outbound": {"outbound_voice_profile_id": "999"}})).status, 422);
        let count = |st: &mut Store, q: &str| {
            let o = call(st, Method::GET, &format!("/uac_connections?{q}"), None);
            assert_eq!(o.status, 200, "{q}: {}", o.body);
            o.body["data"].as_array().unwrap().iter().map(|c| c["connection_name"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        };
        assert_eq!(count(&mut st, "filter[connection_name][contains]=PBX&sort=-connection_name"), ["beta-pbx", "alpha-pbx"]);
        assert_eq!(call(&mut st, Method::GET, "/uac_connections?filter[connection_name][contains]=px", None).status, 422);
        let fqdn = a["fqdn"].as_str().unwrap();
        assert_eq!(count(&mut st, &format!("filter[fqdn]={fqdn}")), ["alpha-pbx"]);
        assert!(count(&mut st, &format!("filter[fqdn]={}", fqdn.to_uppercase())).is_empty(), "exact, case-sensitive");
        assert_eq!(count(&mut st, &format!("filter[outbound_voice_profile_id]={pid}")), ["alpha-pbx"]);
        let o = call(&mut st, Method::GET, "/uac_connections", None);
        assert_eq!(o.body["meta"]["page_size"], 250);
        assert_eq!(call(&mut st, Method::DELETE, &format!("/outbound_voice_profiles/{pid}"), None).status, 422);
        let o = call(&mut st, Method::DELETE, &format!("/uac_connections/{}", a["id"].as_str().unwrap()), None);
        assert_eq!(o.status, 200);
        assert_eq!(o.body["data"]["connection_name"], "alpha-pbx");
        assert_eq!(call(&mut st, Method::DELETE, &format!("/outbound_voice_profiles/{pid}"), None).status, 200);
    }
}

#[cfg(test)]
mod telephony_credential_tests {
    use super::*;

    /// One call, its exchange checked against the OpenAPI slice (no violation).
    fn call(st: &mut Store, method: &Method, path: &str, body: Option<Json>) -> Outcome {
        let (p, query) = path.split_once('?').unwrap_or((path, ""));
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let o = dispatch(st, None, method, &format!("/v2{p}"), query, &bytes);
        let found = crate::server::schema::check(method.as_str(), &format!("/v2{p}"), &bytes, o.status, &o.body);
        let bad: Vec<String> = found.iter().map(|f| format!("{f:?}")).filter(|f| f.contains("class: \"violation\"")).collect();
        assert!(bad.is_empty(), "{method} {path}: {bad:?}");
        o
    }

    fn connection(st: &mut Store) -> String {
        let body = json!({"connection_name": "creds", "user_name": "credconn1", "password": "s3cret-pass"});
        let o = call(st, &Method::POST, "/credential_connections", Some(body));
        assert_eq!(o.status, 201, "{}", o.body);
        o.body["data"]["id"].as_str().unwrap_or_default().to_string()
    }

    #[test]
    fn create_read_update_filter_delete() {
        let mut st = Store::default();
        let conn = connection(&mut st);
        // connection_id is required, and must name a credential connection.
        let o = call(&mut st, &Method::POST, "/telephony_credentials", Some(json!({"name": "x"})));
        assert_eq!((o.status, o.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/connection_id")));
        let o = call(&mut st, &Method::POST, "/telephony_credentials", Some(json!({"connection_id": "123"})));
        assert_eq!(o.status, 422, "{}", o.body);
        let o = call(&mut st, &Method::POST, "/telephony_credentials", Some(json!({"connection_id": conn, "expires_at": "next week"})));
        assert_eq!((o.status, o.body["errors"][0]["source"]["pointer"].as_str()), (422, Some("/expires_at")));

        let body = json!({"connection_id": conn, "name": "alice", "tag": "team-a", "expires_at": "2099-01-01T00:00:00Z"});
        let o = call(&mut st, &Method::POST, "/telephony_credentials", Some(body));
        assert_eq!(o.status, 201, "{}", o.body);
        let c = o.body["data"].clone();
        let id = c["id"].as_str().unwrap_or_default().to_string();
        assert_eq!(c["resource_id"], format!("connection:{conn}"));
        assert_eq!((c["record_type"].as_str(), c["expired"].as_bool()), (Some("credential"), Some(false)));
        assert!(c["sip_username"].as_str().is_some_and(|s| s.len() == 29) && c["sip_password"].as_str().is_some_and(|s| s.len() == 32));
        for hidden in ["connection_id", "tag", "tokens"] {
            assert!(c.get(hidden).is_none(), "{hidden} is never answered");
        }

        // Without a name: named after its creation time; no expiry: `expires_at` null.
        let o = call(&mut st, &Method::POST, "/telephony_credentials", Some(json!({"connection_id": conn})));
        let other = o.body["data"].clone();
        assert_eq!(other["name"], other["created_at"]);
        assert_eq!(other.get("expires_at"), Some(&Json::Null));

        // An expiry in the past: expired.
        let o = call(&mut st, &Method::PATCH, &format!("/telephony_credentials/{id}"), Some(json!({"expires_at": "2001-01-01T00:00:00Z"})));
        assert_eq!((o.status, o.body["data"]["expired"].as_bool()), (200, Some(true)), "{}", o.body);
        // No null: an expiry cannot be removed (Unknown 23).
        let o = call(&mut st, &Method::PATCH, &format!("/telephony_credentials/{id}"), Some(json!({"expires_at": null})));
        assert_eq!(o.status, 422, "{}", o.body);

        let count = |st: &mut Store, q: &str| {
            call(st, &Method::GET, &format!("/telephony_credentials?{q}"), None).body["data"].as_array().map_or(0, Vec::len)
        };
        assert_eq!(count(&mut st, ""), 2);
        assert_eq!(count(&mut st, "filter[tag]=team-a"), 1);
        assert_eq!(count(&mut st, "filter[name]=alice"), 1);
        assert_eq!(count(&mut st, "filter[status]=expired"), 1);
        assert_eq!(count(&mut st, "filter[status]=active"), 1);
        assert_eq!(count(&mut st, &format!("filter[resource_id]=connection:{conn}")), 2);
        assert_eq!(count(&mut st, &format!("filter[sip_username]={}", c["sip_username"].as_str().unwrap_or_default())), 1);
        let page = call(&mut st, &Method::GET, "/telephony_credentials", None);
        assert_eq!(page.body["meta"]["page_size"], 50);

        assert_eq!(call(&mut st, &Method::DELETE, &format!("/telephony_credentials/{id}"), None).status, 200);
        assert_eq!(call(&mut st, &Method::GET, &format!("/telephony_credentials/{id}"), None).status, 404);
    }

    #[test]
    fn token_is_a_jwt_answered_as_text() {
        let mut st = Store::default();
        let conn = connection(&mut st);
        let o = call(&mut st, &Method::POST, "/telephony_credentials", Some(json!({"connection_id": conn})));
        let id = o.body["data"]["id"].as_str().unwrap_or_default().to_string();
        let o = call(&mut st, &Method::POST, &format!("/telephony_credentials/{id}/token"), None);
        assert_eq!(o.status, 201);
        let jwt = o.body.as_str().unwrap_or_default().to_string();
        assert_eq!(jwt.split('.').count(), 3, "{jwt}");
        assert!(jwt.starts_with("eyJ"), "{jwt}");
        // Recorded for tests, never answered.
        assert_eq!(st.get("telephony_credentials", &id).map(|c| c["tokens"].clone()), Some(json!([jwt])));
        assert!(call(&mut st, &Method::GET, &format!("/telephony_credentials/{id}"), None).body["data"].get("tokens").is_none());
        assert_eq!(call(&mut st, &Method::POST, "/telephony_credentials/nope/token", None).status, 404);
    }
}
