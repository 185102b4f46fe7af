//! Values ↔ Telnyx JSON, driven by the schema. Attribute names are the API's JSON field names,
//! so the schema is the wire contract and no resource writes per-field glue.
//!
//! Request bodies ([`request_body`]): every configurable attribute whose planned value is
//! known and non-null; nested objects whole (planned values hold the prior values of
//! unconfigured leaves, so the API gets the complete desired object). On update, an
//! optional (non-computed) attribute removed from the configuration is cleared the way the
//! API accepts (shared/telnyx-api: most of these fields are not nullable):
//! * a collection (`tags`, phone number lists) is sent as `[]`;
//! * a top-level scalar is sent as `null` (only nullable fields are plain optional there);
//! * a member of a nested object is left out of the object: the whole object is sent and
//!   replaces the stored one, and `null` is refused for members such as
//!   `outbound.outbound_voice_profile_id` or the IP connection's `inbound.default_*_ip_id`.
//!
//! State from a response ([`absorb`]):
//! * a field the response carries sets the attribute (server defaults land in state);
//! * a field the response lacks keeps the prior value (never invent 0, false or "");
//! * a sensitive field that is absent, null or masked (`********`) keeps the prior value;
//! * a value equivalent to the prior one by the attribute's semantic equality
//!   (`Attribute::equivalent`) keeps the prior form;
//! * an empty collection (the API's form of "none") for an optional, non-computed attribute
//!   whose prior value is null stays null, so leaving it unset never diffs.

use serde_json::{Map, Value as Json};

use tfplug::json::{Extra, from_json, to_json};
use tfplug::schema::{Attribute, Kind, Nesting, Presence};
use tfplug::types::Type;
use tfplug::value::Value;

/// Builds a create (`prior` null) or update body. `omit` lists dotted attribute paths never
/// sent in this kind of request (e.g. create-only or update-only fields).
pub fn request_body(attrs: &[Attribute], planned: &Value, prior: &Value, omit: &[&str]) -> Json {
    Json::Object(body_object(attrs, planned, prior, omit, ""))
}

fn body_object(attrs: &[Attribute], planned: &Value, prior: &Value, omit: &[&str], prefix: &str) -> Map<String, Json> {
    let mut out = Map::new();
    for a in attrs {
        if !a.presence.is_configurable() || terraform_only(attrs, a) {
            continue;
        }
        let path = if prefix.is_empty() { a.name.clone() } else { format!("{prefix}.{}", a.name) };
        if omit.contains(&path.as_str()) {
            continue;
        }
        let v = planned.get(&a.name);
        let pr = prior.get(&a.name);
        match v {
            Value::Unknown(_) => {}
            // Clearing: the configuration dropped a value the object has.
            Value::Null if a.presence == Presence::Optional && !pr.is_null() && !prior.is_null() => {
                if is_collection(a) {
                    out.insert(a.name.clone(), Json::Array(Vec::new()));
                } else if prefix.is_empty() {
                    out.insert(a.name.clone(), Json::Null);
                }
            }
            Value::Null => {}
            Value::Object(_) if matches!(a.kind, Kind::Nested(Nesting::Single, _)) => {
                out.insert(a.name.clone(), Json::Object(body_object(a.children(), v, pr, omit, &path)));
            }
            other if other.is_wholly_known() => {
                out.insert(a.name.clone(), to_json(other));
            }
            _ => {}
        }
    }
    out
}

// ---- write-only arguments (Terraform >= 1.11) -----------------------------------------------
//
// A write-only attribute `x_wo` carries the API field `x` (e.g. `password_wo` → `password`)
// from the configuration alone; its optional companion `x_wo_version` (Terraform-only, never
// sent) says when to send it again: Terraform cannot tell a changed write-only value from an
// unchanged one, since both plan as null.

/// The write-only attribute `a` is the `_version` companion of, if any.
fn write_only_of<'a>(attrs: &'a [Attribute], a: &Attribute) -> Option<&'a Attribute> {
    let base = a.name.strip_suffix("_version")?;
    attrs.iter().find(|w| w.write_only && w.name == base)
}

/// A write-only attribute or its `_version` companion: never sent as such, never read from
/// the API (data sources leave them out).
pub fn terraform_only(attrs: &[Attribute], a: &Attribute) -> bool {
    a.write_only || write_only_of(attrs, a).is_some()
}

/// The API field a write-only attribute carries: its name without `_wo`.
pub fn write_only_field(a: &Attribute) -> &str {
    a.name.strip_suffix("_wo").unwrap_or(&a.name)
}

/// Adds the write-only values to send to a create (`prior` null) or update `body`, each under
/// its API field; returns the JSON paths it added. A top-level one is sent on create; on
/// update, when its `_version` companion changed, or when it replaces a stored value being
/// cleared (the stored attribute `x` moved to `x_wo`). One inside a nested attribute is sent
/// whenever the body carries that nested object: the object is sent whole and replaces the
/// stored one, so leaving the value out would clear it at Telnyx (its `_version` companion,
/// a member of the same object, makes a rotation change the object).
pub fn add_write_only(attrs: &[Attribute], config: &Value, prior: &Value, planned: &Value, body: &mut Json) -> Vec<Vec<String>> {
    let mut added = Vec::new();
    let Some(obj) = body.as_object_mut() else { return added };
    for a in attrs.iter().filter(|a| a.write_only) {
        let v = config.get(&a.name);
        if v.is_null() || !v.is_wholly_known() {
            continue;
        }
        let field = write_only_field(a);
        let version = format!("{}_version", a.name);
        let send = prior.is_null()
            || planned.get(&version) != prior.get(&version)
            || (!prior.get(field).is_null() && planned.get(field).is_null());
        if send {
            obj.insert(field.to_string(), to_json(v));
            added.push(vec![field.to_string()]);
        }
    }
    for a in attrs.iter().filter(|a| matches!(a.kind, Kind::Nested(Nesting::Single, _))) {
        let Some(inner) = obj.get_mut(&a.name).filter(|j| j.is_object()) else { continue };
        let children = a.children();
        for w in children.iter().filter(|w| w.write_only) {
            let v = config.get(&a.name).get(&w.name);
            if v.is_null() || !v.is_wholly_known() {
                continue;
            }
            if let Some(m) = inner.as_object_mut() {
                m.insert(write_only_field(w).to_string(), to_json(v));
                added.push(vec![a.name.clone(), write_only_field(w).to_string()]);
            }
        }
    }
    added
}

/// An API answer without the fields write-only values were sent as ([`add_write_only`]'s
/// paths): echoed back, they would land in the stored attribute of the same name (the one the
/// write-only value stands for).
pub fn without_paths(mut obj: Json, paths: &[Vec<String>]) -> Json {
    for path in paths {
        let Some((last, parents)) = path.split_last() else { continue };
        let mut at = Some(&mut obj);
        for p in parents {
            at = at.and_then(|j| j.get_mut(p.as_str()));
        }
        if let Some(m) = at.and_then(Json::as_object_mut) {
            m.remove(last);
        }
    }
    obj
}

/// `attrs` without the Terraform-only ones (write-only values and their `_version`
/// companions), at every level: what a data source or a list item shows.
pub fn without_terraform_only(attrs: Vec<Attribute>) -> Vec<Attribute> {
    let all = attrs.clone();
    attrs
        .into_iter()
        .filter(|a| !terraform_only(&all, a))
        .map(|mut a| {
            if let Kind::Nested(n, children) = a.kind {
                a.kind = Kind::Nested(n, without_terraform_only(children));
            }
            a
        })
        .collect()
}

/// A list or set attribute: "none" is the empty collection, not `null`.
fn is_collection(a: &Attribute) -> bool {
    matches!(a.ty(), Type::List(_) | Type::Set(_))
}

/// Whether an API string is a masked secret (`********`).
pub fn is_masked(j: &Json) -> bool {
    j.as_str().is_some_and(|s| !s.is_empty() && s.chars().all(|c| c == '*'))
}

/// Reads an API object into a state value shaped by `attrs`.
pub fn absorb(attrs: &[Attribute], api: &Json, prior: &Value) -> Value {
    let empty = Map::new();
    let obj = api.as_object().unwrap_or(&empty);
    let mut out = std::collections::BTreeMap::new();
    for a in attrs {
        let pr = prior.get(&a.name);
        let v = match obj.get(&a.name) {
            None => pr.clone(),
            Some(j) if a.sensitive && (j.is_null() || is_masked(j)) => pr.clone(),
            Some(Json::Null) => Value::Null,
            Some(Json::Array(items)) if items.is_empty() && a.presence == Presence::Optional && pr.is_null() => Value::Null,
            Some(j) => match &a.kind {
                Kind::Nested(Nesting::Single, children) if j.is_object() => absorb(children, j, pr),
                _ => match from_json(j, &a.ty(), Extra::Drop) {
                    // The same value in another form (`"08:00:00.00Z"` for `"08:00"`): keep ours.
                    Ok(v) if a.same_value(&v, pr) => pr.clone(),
                    Ok(v) => v,
                    Err(e) => {
                        tracing::warn!(attribute = %a.name, error = %e, "API value does not fit the schema; keeping the prior value");
                        pr.clone()
                    }
                },
            },
        };
        out.insert(a.name.clone(), v);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tfplug::schema::{int, nested, set, string};
    use tfplug::types::Type;

    fn attrs() -> Vec<Attribute> {
        vec![
            string("id").computed().desc("i"),
            string("name").required().desc("n"),
            string("note").optional().desc("n"),
            string("password").optional().sensitive().desc("p"),
            set("tags", Type::String).optional_computed().desc("t"),
            string("create_only").optional().desc("c"),
            nested("inbound", vec![int("channel_limit").optional_computed().desc("c"), int("timeout").optional_computed().desc("t")])
                .optional_computed()
                .desc("i"),
        ]
    }

    fn v(j: &Json) -> Value {
        let a = attrs();
        from_json(j, &tfplug::schema::Schema::new("x").attrs(a).ty(), Extra::Reject).unwrap()
    }

    #[test]
    fn create_body_sends_known_configured_values() {
        let planned =
            v(&json!({"id": null, "name": "n", "tags": null, "inbound": {"channel_limit": 5, "timeout": null}, "create_only": "x"}));
        let mut p = planned;
        p.set("id", Value::unknown());
        let b = request_body(&attrs(), &p, &Value::Null, &[]);
        assert_eq!(b, json!({"name": "n", "inbound": {"channel_limit": 5}, "create_only": "x"}));
        let b = request_body(&attrs(), &p, &Value::Null, &["create_only", "inbound.channel_limit"]);
        assert_eq!(b, json!({"name": "n", "inbound": {}}));
    }

    #[test]
    fn update_body_clears_removed_optional_values() {
        let prior = v(&json!({"id": "1", "name": "n", "note": "old", "tags": ["a"], "inbound": {"channel_limit": 5, "timeout": 3}}));
        let planned = v(&json!({"id": "1", "name": "n", "note": null, "tags": ["a"], "inbound": {"channel_limit": 6, "timeout": 3}}));
        let b = request_body(&attrs(), &planned, &prior, &[]);
        assert_eq!(b, json!({"name": "n", "note": null, "tags": ["a"], "inbound": {"channel_limit": 6, "timeout": 3}}));
    }

    /// Optional (clearable) attributes of the kinds the API holds: a top-level scalar, a
    /// top-level collection, and members of a nested object.
    fn clearable_attrs() -> Vec<Attribute> {
        vec![
            string("id").computed().desc("i"),
            string("note").optional().desc("n"),
            set("tags", Type::String).optional().desc("t"),
            nested(
                "outbound",
                vec![
                    string("profile_id").optional().desc("p"),
                    set("numbers", Type::String).optional().desc("n"),
                    int("limit").optional_computed().desc("l"),
                ],
            )
            .optional_computed()
            .desc("o"),
        ]
    }

    #[test]
    fn clearing_sends_what_the_api_accepts() {
        let attrs = clearable_attrs();
        let ty = tfplug::schema::Schema::new("x").attrs(attrs.clone()).ty();
        let val = |j: Json| from_json(&j, &ty, Extra::Reject).unwrap();
        let prior =
            val(json!({"id": "1", "note": "n", "tags": ["a"], "outbound": {"profile_id": "p1", "numbers": ["+13125550100"], "limit": 3}}));
        let planned = val(json!({"id": "1", "note": null, "tags": null, "outbound": {"profile_id": null, "numbers": null, "limit": 3}}));
        let b = request_body(&attrs, &planned, &prior, &[]);
        // Collections: `[]`; top-level scalars: null; nested members: left out of the whole object.
        assert_eq!(b, json!({"note": null, "tags": [], "outbound": {"numbers": [], "limit": 3}}));
        // Nothing to clear: nothing sent for the unset attributes.
        let b = request_body(&attrs, &planned, &planned, &[]);
        assert_eq!(b, json!({"outbound": {"limit": 3}}));
    }

    #[test]
    fn empty_api_collections_are_null_for_unset_optional_attributes() {
        let attrs = clearable_attrs();
        let ty = tfplug::schema::Schema::new("x").attrs(attrs.clone()).ty();
        let api = json!({"id": "1", "note": null, "tags": [], "outbound": {"profile_id": null, "numbers": [], "limit": null}});
        // Unset (null prior, or no prior at all after an import): stays null.
        for prior in [Value::Null, from_json(&json!({"id": "1", "tags": null}), &ty, Extra::Drop).unwrap()] {
            let s = absorb(&attrs, &api, &prior);
            assert_eq!(s.get("tags"), &Value::Null);
            assert_eq!(s.get("outbound").get("numbers"), &Value::Null);
        }
        // Configured as empty, or set: the API's value.
        let prior = from_json(&json!({"id": "1", "tags": [], "outbound": {"numbers": ["+13125550100"]}}), &ty, Extra::Drop).unwrap();
        let s = absorb(&attrs, &api, &prior);
        assert_eq!(s.get("tags"), &Value::Set(vec![]));
        assert_eq!(s.get("outbound").get("numbers"), &Value::Set(vec![]), "drift from a set value shows");
        let s = absorb(&attrs, &json!({"tags": ["x"]}), &Value::Null);
        assert_eq!(s.get("tags"), &Value::Set(vec![Value::string("x")]));
    }

    #[test]
    fn absorb_rules() {
        let prior = v(&json!({"id": "1", "name": "n", "password": "secret123", "note": "keep"}));
        let api = json!({"id": "1", "name": "N", "password": "********", "tags": [], "inbound": {"channel_limit": null, "timeout": 3}, "extra_field": 1});
        let s = absorb(&attrs(), &api, &prior);
        assert_eq!(s.get("name"), &Value::string("N"));
        assert_eq!(s.get("password"), &Value::string("secret123"));
        assert_eq!(s.get("note"), &Value::string("keep"));
        assert_eq!(s.get("tags"), &Value::Set(vec![]));
        assert_eq!(s.get("inbound").get("channel_limit"), &Value::Null);
        assert_eq!(s.get("inbound").get("timeout"), &Value::int(3));
        // A password missing from the response is carried too; a real new one is taken.
        let s2 = absorb(&attrs(), &json!({"password": "fresh-pass"}), &prior);
        assert_eq!(s2.get("password"), &Value::string("fresh-pass"));
        let s3 = absorb(&attrs(), &json!({"name": "n"}), &prior);
        assert_eq!(s3.get("password"), &Value::string("secret123"));
    }

    #[test]
    fn masked_secrets_inside_nested_objects_keep_the_prior_value() {
        let attrs = vec![
            nested(
                "outbound",
                vec![string("ip_authentication_token").optional().sensitive().desc("t"), int("channel_limit").optional().desc("c")],
            )
            .optional_computed()
            .desc("o"),
        ];
        let ty = tfplug::schema::Schema::new("x").attrs(attrs.clone()).ty();
        let prior = from_json(&json!({"outbound": {"ip_authentication_token": "tok-1", "channel_limit": 2}}), &ty, Extra::Reject).unwrap();
        for api in [json!({"outbound": {"ip_authentication_token": "****", "channel_limit": 3}}), json!({"outbound": {"channel_limit": 3}})]
        {
            let s = absorb(&attrs, &api, &prior);
            assert_eq!(s.get("outbound").get("ip_authentication_token"), &Value::string("tok-1"), "{api}");
            assert_eq!(s.get("outbound").get("channel_limit"), &Value::int(3));
        }
        // After an import there is nothing to carry: the secret stays null, never the mask.
        let imported = absorb(&attrs, &json!({"outbound": {"ip_authentication_token": "********"}}), &Value::Null);
        assert_eq!(imported.get("outbound").get("ip_authentication_token"), &Value::Null);
        assert!(is_masked(&json!("********")) && !is_masked(&json!("")) && !is_masked(&json!("a*b")));
    }

    #[test]
    fn an_equivalent_api_value_keeps_the_prior_form() {
        fn same_ignoring_case(a: &Value, b: &Value) -> bool {
            a.as_str().zip(b.as_str()).is_some_and(|(x, y)| x.eq_ignore_ascii_case(y))
        }
        let attrs = vec![
            string("start").optional_computed().equivalent(same_ignoring_case).desc("s"),
            nested("window", vec![string("end").optional_computed().equivalent(same_ignoring_case).desc("e")])
                .optional_computed()
                .desc("w"),
            string("plain").optional_computed().desc("p"),
        ];
        let ty = tfplug::schema::Schema::new("x").attrs(attrs.clone()).ty();
        let prior = from_json(&json!({"start": "ab", "window": {"end": "cd"}, "plain": "ef"}), &ty, Extra::Reject).unwrap();
        let s = absorb(&attrs, &json!({"start": "AB", "window": {"end": "CD"}, "plain": "EF"}), &prior);
        assert_eq!(s.get("start"), &Value::string("ab"), "equivalent: the prior form stays");
        assert_eq!(s.get("window").get("end"), &Value::string("cd"), "inside nested objects too");
        assert_eq!(s.get("plain"), &Value::string("EF"), "no equivalence declared: the API's value");
        // A real change, and reads with nothing to compare with, take the API's value.
        let s = absorb(&attrs, &json!({"start": "xy"}), &prior);
        assert_eq!(s.get("start"), &Value::string("xy"));
        let s = absorb(&attrs, &json!({"start": "AB"}), &Value::Null);
        assert_eq!(s.get("start"), &Value::string("AB"));
        let mut unknown = prior;
        unknown.set("start", Value::unknown());
        assert_eq!(absorb(&attrs, &json!({"start": "AB"}), &unknown).get("start"), &Value::string("AB"));
    }

    /// A write-only member of a nested object travels with that object whenever it is sent
    /// (the object replaces the stored one); a top-level one only on create, a version change
    /// or when it takes over from the stored attribute. Neither reaches state or data sources.
    #[test]
    fn write_only_values_at_both_levels() {
        let attrs = vec![
            string("name").required().desc("n"),
            string("password").optional().sensitive().desc("p"),
            string("password_wo").optional().write_only().desc("w"),
            int("password_wo_version").optional().desc("v"),
            nested(
                "pbx",
                vec![
                    string("username").optional().desc("u"),
                    string("password").optional().sensitive().desc("p"),
                    string("password_wo").optional().write_only().desc("w"),
                    int("password_wo_version").optional().desc("v"),
                ],
            )
            .optional_computed()
            .desc("x"),
        ];
        let ty = tfplug::schema::Schema::new("x").attrs(attrs.clone()).ty();
        let val = |j: Json| from_json(&j, &ty, Extra::Reject).unwrap();
        let config = val(json!({"name": "n", "password": null, "password_wo": "top-1", "password_wo_version": 1,
            "pbx": {"username": "u", "password": null, "password_wo": "pbx-1", "password_wo_version": 1}}));
        let state = val(json!({"name": "n", "password": null, "password_wo": null, "password_wo_version": 1,
            "pbx": {"username": "u", "password": null, "password_wo": null, "password_wo_version": 1}}));
        let mut body = request_body(&attrs, &state, &Value::Null, &[]);
        assert_eq!(body, json!({"name": "n", "pbx": {"username": "u"}}), "Terraform-only attributes are never sent as such");
        let added = add_write_only(&attrs, &config, &Value::Null, &state, &mut body);
        assert_eq!(body, json!({"name": "n", "password": "top-1", "pbx": {"username": "u", "password": "pbx-1"}}));
        let echoed = json!({"name": "n", "password": "top-1", "pbx": {"username": "u", "password": "pbx-1", "proxy": "p"}});
        assert_eq!(without_paths(echoed, &added), json!({"name": "n", "pbx": {"username": "u", "proxy": "p"}}));
        // An update of anything: the nested object is sent whole, with its password; the
        // top-level one only when its version changed.
        let mut renamed = state.clone();
        renamed.set("name", Value::string("m"));
        let mut body = request_body(&attrs, &renamed, &state, &[]);
        add_write_only(&attrs, &config, &state, &renamed, &mut body);
        assert_eq!(body, json!({"name": "m", "pbx": {"username": "u", "password": "pbx-1"}}));
        let mut rotated = state.clone();
        rotated.set("password_wo_version", Value::int(2));
        let mut body = request_body(&attrs, &rotated, &state, &[]);
        add_write_only(&attrs, &config, &state, &rotated, &mut body);
        assert_eq!(body["password"], "top-1");
        let shown: Vec<String> = without_terraform_only(attrs)
            .iter()
            .flat_map(|a| std::iter::once(a.name.clone()).chain(a.children().iter().map(|c| format!("{}.{}", a.name, c.name))))
            .collect();
        assert_eq!(shown, ["name", "password", "pbx", "pbx.username", "pbx.password"]);
    }
}
