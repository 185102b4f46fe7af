//! `/v2/...` semantics: create, retrieve, update, delete and list for every family, strict
//! like the real API (statuses, envelopes, 422 with `source.pointer`, 404 envelopes).

use hyper::Method;
use serde_json::{Value as Json, json};

use crate::families::{Family, Match, family};
use crate::spec::{self, Op, errors};
use crate::store::Store;

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
    let segs: Vec<&str> = path.trim_start_matches("/v2").split('/').filter(|s| !s.is_empty()).collect();
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
    match (method, segs.len()) {
        (&Method::GET, 1) => list(st, page_size_cap, fam, query),
        (&Method::POST, 1) => match parsed() {
            Ok(b) => create(st, fam, &b),
            Err(o) => o,
        },
        (&Method::GET, 2) => match st.get(fam.name, segs[1]) {
            Some(o) => out(200, wrap(fam, present(st, fam, o))),
            None => not_found(fam.name),
        },
        (&Method::PATCH, 2) => match parsed() {
            Ok(b) => update(st, fam, segs[1], &b),
            Err(o) => o,
        },
        (&Method::DELETE, 2) => match st.remove(fam.name, segs[1]) {
            Some(o) => out(200, wrap(fam, present(st, fam, o))),
            None => not_found(fam.name),
        },
        _ => out(405, errors("10006", "Method not allowed", &format!("{method} is not supported on {path}."), None)),
    }
}

/// The object as the API returns it (read-only counters filled in).
fn present(st: &Store, fam: &Family, mut obj: Json) -> Json {
    if fam.name == "outbound_voice_profiles" {
        let id = obj["id"].as_str().unwrap_or("").to_string();
        let n = st.count_referencing("outbound.outbound_voice_profile_id", &id);
        obj["connections_count"] = json!(n);
    }
    obj
}

fn check_unique(st: &Store, fam: &Family, candidate: &Json, except_id: Option<&str>) -> Result<(), Outcome> {
    for key in fam.unique {
        let v = &candidate[*key];
        if v.is_null() {
            continue;
        }
        let clash = st.all(fam.name).iter().any(|o| &o[*key] == v && o["id"].as_str() != except_id);
        if clash {
            return Err(invalid(&format!("/{key}"), "Already in use", &format!("'{key}' {v} is already in use.")));
        }
    }
    Ok(())
}

fn create(st: &mut Store, fam: &Family, body: &Json) -> Outcome {
    if let Err(e) = spec::validate(body, fam.fields, Op::Create, fam.required_create) {
        return invalid(&e.pointer, e.title, &e.detail);
    }
    let mut obj = spec::build(fam.fields, body);
    let now = crate::store::now();
    obj["id"] = json!(crate::store::new_id());
    if let Some(rt) = fam.record_type {
        obj["record_type"] = json!(rt);
    }
    obj["created_at"] = json!(now);
    obj["updated_at"] = json!(now);
    if let Err(o) = check_unique(st, fam, &obj, None) {
        return o;
    }
    st.insert(fam.name, obj.clone());
    out(fam.create_status, wrap(fam, present(st, fam, obj)))
}

fn update(st: &mut Store, fam: &Family, id: &str, body: &Json) -> Outcome {
    let Some(mut obj) = st.get(fam.name, id) else { return not_found(fam.name) };
    if let Err(e) = spec::validate(body, fam.fields, Op::Update, fam.required_update) {
        return invalid(&e.pointer, e.title, &e.detail);
    }
    spec::apply(&mut obj, fam.fields, body);
    obj["updated_at"] = json!(crate::store::now());
    if let Err(o) = check_unique(st, fam, &obj, Some(id)) {
        return o;
    }
    st.replace(fam.name, id, obj.clone());
    out(200, wrap(fam, present(st, fam, obj)))
}

fn field_at<'a>(obj: &'a Json, dotted: &str) -> &'a Json {
    dotted.split('.').fold(obj, |o, k| &o[k])
}

fn list(st: &Store, page_size_cap: Option<usize>, fam: &Family, query: &str) -> Outcome {
    let q = parse_query(query);
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let page_number = match get("page[number]").map(str::parse::<usize>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        _ => {
            return out(
                422,
                json!({"errors": [{"code": "10015", "title": "Invalid value", "detail": "page[number] must be an integer of at least 1.", "source": {"parameter": "page[number]"}}]}),
            );
        }
    };
    let page_size = match get("page[size]").map(str::parse::<usize>) {
        None => fam.default_page_size,
        Some(Ok(n)) if (1..=250).contains(&n) => n,
        _ => {
            return out(
                422,
                json!({"errors": [{"code": "10015", "title": "Invalid value", "detail": "page[size] must be an integer from 1 to 250.", "source": {"parameter": "page[size]"}}]}),
            );
        }
    };
    let effective = page_size_cap.map_or(page_size, |cap| page_size.min(cap));
    let mut items: Vec<Json> = st.all(fam.name).to_vec();
    for flt in fam.filters {
        let Some(want) = get(flt.key) else { continue };
        items.retain(|o| {
            let v = field_at(o, flt.field);
            let s = match v {
                Json::String(s) => s.clone(),
                Json::Null => return false,
                other => other.to_string(),
            };
            match flt.how {
                Match::Contains => s.to_lowercase().contains(&want.to_lowercase()),
            }
        });
    }
    if let Some(sort) = get("sort") {
        let (desc, key) = match sort.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, sort),
        };
        if !fam.sorts.contains(&key) {
            return out(
                422,
                json!({"errors": [{"code": "10015", "title": "Invalid value", "detail": format!("sort must be one of {}.", fam.sorts.join(", ")), "source": {"parameter": "sort"}}]}),
            );
        }
        items.sort_by(|a, b| {
            let (x, y) = (a[key].to_string(), b[key].to_string());
            if desc { y.cmp(&x) } else { x.cmp(&y) }
        });
    }
    let total = items.len();
    let total_pages = total.div_ceil(effective).max(1);
    let page: Vec<Json> = items.into_iter().skip((page_number - 1) * effective).take(effective).map(|o| present(st, fam, o)).collect();
    out(
        200,
        json!({"data": page, "meta": {"page_number": page_number, "page_size": effective, "total_pages": total_pages, "total_results": total}}),
    )
}

#[cfg(test)]
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
}
