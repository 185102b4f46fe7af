//! Entry points of the fuzz targets in `fuzz/` (cargo fuzz, nightly), kept in the library so
//! that `tests/offline/fuzz_corpus.rs` replays the committed corpus through the very same code on
//! stable Rust. Each takes arbitrary bytes, must never panic, hang or allocate without bound,
//! and panics (an assertion) only where the provider itself is wrong.
//!
//! The first byte of an input picks what it is decoded against (modulo the number of
//! choices), so one target covers every schema the provider declares:
//! * [`msgpack_value`] — a request value against the provider's, every resource's and every
//!   data source's schema type, every resource identity's and every list resource `config`'s;
//!   what decodes must re-encode to bytes that decode to the same value, and validation must
//!   not panic;
//! * [`upgrade_state`] — UpgradeResourceState's raw JSON path for every resource, and
//!   UpgradeResourceIdentity's for every identity (the second byte picks the stored version);
//!   what it accepts must encode as the state (identity) type;
//! * [`api_response`] — a Telnyx answer read into state for every object family (the second
//!   byte picks one object, one list page, or an error answer): the state must fit the schema
//!   and a second read of the same answer must change nothing (refresh brings no diff).

use std::sync::{Arc, OnceLock};

use reqwest::StatusCode;
use serde_json::Value as Json;

use crate::provider::TelnyxProvider;
use crate::resources::diagnostics::ToDiagnostics;
use crate::resources::mapping::absorb;
use crate::telnyx::api;
use crate::telnyx::client::{Client, Envelope};
use crate::telnyx::error::{self, ApiError};
use crate::telnyx::timestamp;
use crate::telnyx::{pages, transport};
use tfplug::schema::{Attribute, Identity, Kind, Nesting, Schema};
use tfplug::server::{upgrade_identity_json, upgrade_json_state};
use tfplug::validate::validate_config;
use tfplug::{AttrPath, DataSource, Diagnostics, Provider, Resource, Type, Value, msgpack};

/// What declares a schema.
enum Owner {
    Provider,
    Resource(Arc<dyn Resource<Client>>),
    DataSource(Arc<dyn DataSource<Client>>),
    /// A resource's identity (ImportResourceState's identity, UpgradeResourceIdentity).
    Identity(Identity),
    /// A list resource's `config` block (ValidateListResourceConfig, ListResource).
    ListConfig,
}

/// One schema the provider declares, with its value type.
struct Declared {
    name: String,
    owner: Owner,
    schema: Schema,
    ty: Type,
}

/// Every schema: the provider's, then the resources', then the data sources', then each
/// resource's identity and list resource `config` (built once).
fn declared() -> &'static [Declared] {
    static ALL: OnceLock<Vec<Declared>> = OnceLock::new();
    ALL.get_or_init(|| {
        let provider = TelnyxProvider;
        let mut all = Vec::new();
        let mut add = |name: String, owner, schema: Schema| {
            let ty = match &owner {
                Owner::Identity(ident) => ident.ty(&schema),
                _ => schema.ty(),
            };
            all.push(Declared { name, owner, schema, ty });
        };
        add("provider".into(), Owner::Provider, provider.schema());
        for r in provider.resources() {
            add(r.type_name().into(), Owner::Resource(r.clone()), r.schema());
        }
        for d in provider.data_sources() {
            add(d.type_name().into(), Owner::DataSource(d.clone()), d.schema());
        }
        for r in provider.resources() {
            if let Some(ident) = r.identity() {
                add(format!("{} identity", r.type_name()), Owner::Identity(ident), r.schema());
            }
            if let Some(list) = r.list_schema() {
                add(format!("{} list", r.type_name()), Owner::ListConfig, list);
            }
        }
        all
    })
}

/// The names of every schema an input's first byte can pick, in order.
pub fn schema_names() -> Vec<&'static str> {
    declared().iter().map(|d| d.name.as_str()).collect()
}

/// The deepest nesting of values any declared schema allows (a string attribute is 2: the
/// object, then the string), for checking the decoding bounds against.
pub fn deepest_schema() -> usize {
    fn depth(t: &Type) -> usize {
        1 + match t {
            Type::List(e) | Type::Set(e) | Type::Map(e) => depth(e),
            Type::Object(a) => a.values().map(depth).max().unwrap_or(0),
            Type::Tuple(e) => e.iter().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    declared().iter().map(|d| depth(&d.ty)).max().unwrap_or(0)
}

/// What Terraform stores and asks to upgrade: each resource's state, then each identity.
fn upgradable() -> impl Iterator<Item = &'static Declared> {
    let all = declared().iter();
    all.clone().filter(|d| matches!(d.owner, Owner::Resource(_))).chain(all.filter(|d| matches!(d.owner, Owner::Identity(_))))
}

/// Splits off the first byte as an index into `n` choices.
fn pick(data: &[u8], n: usize) -> Option<(usize, &[u8])> {
    let (first, rest) = data.split_first()?;
    Some((usize::from(*first) % n.max(1), rest))
}

/// A msgpack request value against one declared schema type.
pub fn msgpack_value(data: &[u8]) {
    let all = declared();
    let Some((i, bytes)) = pick(data, all.len()) else { return };
    let d = &all[i];
    let Ok(v) = msgpack::decode(bytes, &d.ty) else { return };
    same_through_msgpack(d, &v, "a decoded value");
    // What ValidateResourceConfig (and its provider and data source twins) runs on it.
    if matches!(d.owner, Owner::Identity(_)) {
        return;
    }
    let mut diags = Diagnostics::new();
    validate_config(&d.schema.attributes, &v, &AttrPath::root(), &mut diags);
    if !diags.has_errors() {
        let _ = match &d.owner {
            Owner::Provider => TelnyxProvider.validate(&v),
            Owner::Resource(r) => r.validate(&v),
            Owner::DataSource(ds) => ds.validate(&v),
            Owner::Identity(_) | Owner::ListConfig => Diagnostics::new(),
        };
    }
}

/// Stored state JSON through UpgradeResourceState, for one resource, or a stored identity
/// through UpgradeResourceIdentity.
pub fn upgrade_state(data: &[u8]) {
    let all: Vec<&Declared> = upgradable().collect();
    let Some((i, rest)) = pick(data, all.len()) else { return };
    let Some((version, json)) = rest.split_first() else { return };
    let d = all[i];
    if let Owner::Identity(ident) = &d.owner {
        let version = i64::from(*version) % (ident.version + 2);
        let Ok(v) = upgrade_identity_json(ident, &d.ty, version, json) else { return };
        assert!(version <= ident.version, "{}: identity of a newer version {version} was accepted", d.name);
        same_through_msgpack(d, &v, "upgraded identity");
        return;
    }
    let Owner::Resource(imp) = &d.owner else { return };
    // Versions 0 ..= current + 1 (one newer than the provider knows, which must be refused).
    let version = i64::from(*version) % (d.schema.version + 2);
    let Ok(v) = upgrade_json_state(&**imp, &d.schema, &d.ty, version, json) else { return };
    assert!(version <= d.schema.version, "{}: state of a newer version {version} was accepted", d.name);
    same_through_msgpack(d, &v, "upgraded state");
}

/// `v` encodes as `d`'s type, and the bytes decode to `v` again.
fn same_through_msgpack(d: &Declared, v: &Value, what: &str) {
    let encoded = match msgpack::encode(v, &d.ty) {
        Ok(b) => b,
        Err(e) => panic!("{}: {what} does not encode: {e}", d.name),
    };
    match msgpack::decode(&encoded, &d.ty) {
        Ok(again) => assert!(again == *v, "{}: {what} changes through msgpack: {v:?} became {again:?}", d.name),
        Err(e) => panic!("{}: {what} does not decode once encoded: {e}", d.name),
    }
}

/// The attribute sets API objects are read into: each resource's and data source's own, and
/// the item attributes of every list of objects the provider fills from an API list.
fn absorbers() -> &'static [(&'static str, Vec<Attribute>, Type)] {
    static ALL: OnceLock<Vec<(&'static str, Vec<Attribute>, Type)>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = Vec::new();
        for d in declared().iter().filter(|d| matches!(d.owner, Owner::Resource(_) | Owner::DataSource(_))) {
            out.push((d.name.as_str(), d.schema.attributes.clone(), d.ty.clone()));
            for a in &d.schema.attributes {
                if let Kind::Nested(Nesting::List, children) = &a.kind {
                    out.push((d.name.as_str(), children.clone(), Schema::new("items").attrs(children.clone()).ty()));
                }
            }
        }
        out
    })
}

/// A Telnyx answer read into state, for one object family.
pub fn api_response(data: &[u8]) {
    let all = absorbers();
    let Some((i, rest)) = pick(data, all.len()) else { return };
    let Some((mode, body)) = rest.split_first() else { return };
    let (name, attrs, ty) = &all[i];
    let Ok(text) = std::str::from_utf8(body) else { return };
    match mode % 4 {
        // One object, in either envelope.
        m @ (0 | 1) => {
            let env = if m == 0 { Envelope::Data } else { Envelope::Bare };
            let Ok(json) = transport::parse_body(text) else { return };
            if let Ok(obj) = api::unwrap(json, env, "GET", "/fuzz") {
                read_twice(name, attrs, ty, &obj);
            }
        }
        // One page of a list.
        2 => {
            let Ok(json) = transport::parse_body(text) else { return };
            if let Ok(page) = pages::list_page(json, 1, "/fuzz") {
                for obj in &page.items {
                    read_twice(name, attrs, ty, obj);
                }
            }
        }
        // An error answer: its status from the next byte, its body after.
        _ => {
            let Some((status, text)) = text.split_at_checked(1) else { return };
            let status = StatusCode::from_u16(400 + u16::from(status.as_bytes()[0]) % 200).unwrap_or(StatusCode::BAD_REQUEST);
            let e = ApiError {
                kind: transport::kind_for(status, None),
                status: Some(status.as_u16()),
                method: "PATCH".into(),
                path: "/fuzz/1".into(),
                errors: error::items_of(text),
                message: String::new(),
            };
            let _ = e.to_diagnostics("update", name, Some("1"));
            let _ = e.to_string();
        }
    }
}

/// Reads `obj` into state as a read after an import does (no prior state), checks the state
/// fits the attributes' type, then reads it again over that state: nothing may change.
fn read_twice(name: &str, attrs: &[Attribute], ty: &Type, obj: &Json) {
    // What the create-recovery path reads from a listed object.
    if let Some(created) = obj.get("created_at").and_then(Json::as_str) {
        let _ = timestamp::parse(created);
    }
    let first = absorb(attrs, obj, &Value::Null);
    if let Err(e) = msgpack::encode(&first, ty) {
        panic!("{name}: state read from the API does not fit the schema: {e}");
    }
    let second = absorb(attrs, obj, &first);
    assert!(second == first, "{name}: reading the same answer again changed the state: {first:?} became {second:?}");
}

/// Starting inputs for a target (`msgpack_value`, `upgrade_state`, `api_response`), made from
/// the schemas themselves: for each, a null value, an example filling every attribute, and
/// (msgpack) the same with unknowns. `tests/offline/fuzz_corpus.rs` writes them out on request.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let with = |i: usize, mode: Option<u8>, body: &[u8]| {
        let mut out = vec![u8::try_from(i).unwrap_or(u8::MAX)];
        out.extend(mode);
        out.extend_from_slice(body);
        out
    };
    let mut out = Vec::new();
    match target {
        "msgpack_value" => {
            for (i, d) in declared().iter().enumerate() {
                for v in [Value::Null, Value::null_object(&d.ty), example(&d.ty, false), example(&d.ty, true)] {
                    if let Ok(b) = msgpack::encode(&v, &d.ty) {
                        out.push(with(i, None, &b));
                    }
                }
            }
        }
        "upgrade_state" => {
            for (i, d) in upgradable().enumerate() {
                let v = tfplug::json::to_json(&example(&d.ty, false)).to_string();
                out.push(with(i, Some(0), v.as_bytes()));
                out.push(with(i, Some(0), br#"{"id":"1","removed_attribute":true}"#));
            }
        }
        "api_response" => {
            for (i, (_, _, ty)) in absorbers().iter().enumerate() {
                let mut obj = tfplug::json::to_json(&example(ty, false));
                if let Some(o) = obj.as_object_mut() {
                    o.insert("created_at".into(), Json::from("2026-11-22T13:37:00.123+01:00"));
                    o.insert("record_type".into(), Json::from("fuzz"));
                }
                let one = serde_json::json!({ "data": obj }).to_string();
                out.push(with(i, Some(0), one.as_bytes()));
                out.push(with(i, Some(1), obj.to_string().as_bytes()));
                let page = serde_json::json!({ "data": [obj], "meta": { "page_number": 1, "total_pages": 2 } }).to_string();
                out.push(with(i, Some(2), page.as_bytes()));
            }
            let error =
                r#"{"errors":[{"code":"10015","title":"Invalid value","detail":"bad","source":{"pointer":"/inbound/channel_limit"}}]}"#;
            out.push(with(0, Some(3), format!("\x16{error}").as_bytes()));
        }
        _ => {}
    }
    out
}

/// A value of `ty` with every attribute and one element in every collection.
fn example(ty: &Type, unknown_leaves: bool) -> Value {
    match ty {
        _ if unknown_leaves && matches!(ty, Type::String | Type::Number | Type::Bool) => Value::unknown(),
        Type::Bool => Value::Bool(true),
        Type::Number => Value::int(5060),
        Type::String => Value::string("example"),
        Type::Dynamic => Value::Dynamic(Type::String, Box::new(Value::string("example"))),
        Type::List(t) => Value::List(vec![example(t, unknown_leaves)]),
        Type::Set(t) => Value::Set(vec![example(t, unknown_leaves)]),
        Type::Map(t) => Value::Map([("key".to_string(), example(t, unknown_leaves))].into()),
        Type::Object(attrs) => Value::Object(attrs.iter().map(|(k, t)| (k.clone(), example(t, unknown_leaves))).collect()),
        Type::Tuple(ts) => Value::Tuple(ts.iter().map(|t| example(t, unknown_leaves)).collect()),
    }
}
