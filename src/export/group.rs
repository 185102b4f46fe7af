//! `export --group-numbers`: numbers that share their routing are written as one
//! `telnyx_phone_numbers_routing` instead of one `telnyx_phone_number` each.
//!
//! A number joins a group when everything its own `telnyx_phone_number` block would hold is
//! what the routing resource manages: `connection_id` (set), `billing_group_id`,
//! `customer_reference` and `tags`. A number with anything else configured (voice settings,
//! emergency settings, …) stays a `telnyx_phone_number`, so the export still manages all of it.
//! Numbers with the same four values form a group; a group of fewer than [`MIN_GROUP`] numbers
//! stays as single numbers. Each routing is imported by its numbers (`+1…,+1…`), which gives
//! exactly the shared settings the block says: the round trip plans empty.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::Found;
use crate::resources::configuration::configuration;
use crate::resources::mapping::absorb;
use crate::resources::rest::RestObject;
use crate::resources::{Exporter, phone_number, phone_numbers_routing};
use tfplug::Value;

const NUMBER: &str = <phone_number::PhoneNumber as RestObject>::TYPE_NAME;

/// The fewest numbers written as a routing.
pub const MIN_GROUP: usize = 2;

/// What a `telnyx_phone_number` block may hold and still be part of a routing.
const ROUTED: &[&str] = &["phone_number", "connection_id", "billing_group_id", "customer_reference", "tags"];

/// The settings a group shares: connection, billing group, customer reference, sorted tags.
type Key = (String, String, String, Vec<String>);

/// `found` with the numbers that share their routing replaced by routings, appended last (they
/// reference connections, billing groups). Numbers keep their listing order.
pub(super) fn group(found: Vec<Found>) -> Vec<Found> {
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, f) in found.iter().enumerate() {
        if let Some(k) = key(&f.family, &f.obj) {
            groups.entry(k).or_default().push(i);
        }
    }
    groups.retain(|_, members| members.len() >= MIN_GROUP);
    let grouped: std::collections::HashSet<usize> = groups.values().flatten().copied().collect();
    // A routing's label is its connection's name (the connection's own label, mostly).
    let conn_name = |id: &str| {
        found
            .iter()
            .find(|f| f.family.type_name != NUMBER && f.obj.get("id").and_then(Json::as_str) == Some(id))
            .map(|f| (f.family.name)(&f.obj))
            .unwrap_or_default()
    };
    let routings: Vec<Found> = groups
        .iter()
        .map(|((conn, group, reference, tags), members)| {
            let numbers: Vec<&str> = members.iter().filter_map(|i| found[*i].obj.get("phone_number").and_then(Json::as_str)).collect();
            let mut obj =
                json!({"id": numbers.join(","), "phone_numbers": numbers, "connection_id": conn, "_connection_name": conn_name(conn)});
            if !group.is_empty() {
                obj["billing_group_id"] = json!(group);
            }
            if !reference.is_empty() {
                obj["customer_reference"] = json!(reference);
            }
            if !tags.is_empty() {
                obj["tags"] = json!(tags);
            }
            Found { family: phone_numbers_routing::exporter(), obj, label: String::new() }
        })
        .collect();
    found.into_iter().enumerate().filter(|(i, _)| !grouped.contains(i)).map(|(_, f)| f).chain(routings).collect()
}

/// The group of a listed number, if its block would hold only what a routing manages.
fn key(family: &Exporter, obj: &Json) -> Option<Key> {
    if family.type_name != NUMBER {
        return None;
    }
    let schema = (family.schema)();
    let state = absorb(&schema.attributes, obj, &Value::Null);
    let config = configuration(&schema, family.validate, &(family.defaults)(), &state);
    let written = config.entries().into_iter().flatten().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.as_str());
    if written.clone().any(|k| !ROUTED.contains(&k)) {
        return None;
    }
    let text = |k: &str| config.get(k).as_str().unwrap_or_default().to_string();
    let conn = text("connection_id");
    if conn.is_empty() {
        return None;
    }
    let mut tags: Vec<String> = config.get("tags").elements().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
    tags.sort();
    Some((conn, text("billing_group_id"), text("customer_reference"), tags))
}
