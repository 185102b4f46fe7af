//! The configuration that states an object: what GenerateResourceConfig answers, and what
//! `export` writes before it turns ids into references and secrets into variables.
//!
//! Computed-only attributes go, optional ones that are unset go, optional+computed ones equal
//! to Telnyx's documented default ([`super::Exported::defaults`]) go (left out, they keep what
//! Telnyx holds, so the plan stays empty either way), and anything the resource's own
//! validation would refuse at plan time goes when leaving it out keeps it. Secrets stay as the
//! state holds them: the caller decides what to do with them.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use tfplug::json::to_json;
use tfplug::schema::{Attribute, Kind, Nesting, Presence};
use tfplug::validate::validate_config;
use tfplug::{AttrPath, Diagnostics, Schema, Value};

/// The state cut down to what the configuration states (see the module comment): what
/// GenerateResourceConfig answers (Terraform ≥ 1.14, `-generate-config-out`) and `export`
/// writes, for a resource with `schema`, cross-attribute `validate` and Telnyx's documented
/// `defaults` ([`super::Exported::defaults`]).
pub fn configuration(schema: &Schema, validate: fn(&Value) -> Diagnostics, defaults: &Json, state: &Value) -> Value {
    let mut config = keep(&schema.attributes, state, defaults);
    // What the resource would refuse at plan time (a port on an SRV record, values the API
    // holds outside the documented ranges): left out where leaving it out keeps it.
    for _ in 0..16 {
        let mut diags = Diagnostics::new();
        validate_config(&schema.attributes, &config, &AttrPath::root(), &mut diags);
        diags.extend(validate(&config));
        let removable: Vec<String> = diags
            .iter()
            .filter_map(|d| d.path.as_ref().map(ToString::to_string))
            .map(|p| p.split('[').next().unwrap_or_default().to_string())
            .filter(|p| presence_at(&schema.attributes, p).is_some_and(|pr| pr == Presence::OptionalComputed))
            .collect();
        if removable.is_empty() {
            break;
        }
        for p in removable {
            clear_at(&mut config, &p);
        }
    }
    config
}

/// The configurable attributes worth writing, others null.
fn keep(attrs: &[Attribute], state: &Value, defaults: &Json) -> Value {
    let mut out = BTreeMap::new();
    for a in attrs {
        let v = state.get(&a.name);
        let d = defaults.get(&a.name);
        let kept = match (&a.kind, a.presence) {
            (_, Presence::Computed) => Value::Null,
            _ if a.write_only => Value::Null,
            (_, _) if a.sensitive => v.clone(),
            (Kind::Nested(Nesting::Single, children), _) if matches!(v, Value::Object(_)) => {
                let inner = keep(children, v, d.unwrap_or(&Json::Null));
                let any = matches!(&inner, Value::Object(m) if m.values().any(|x| !x.is_null()));
                if any { inner } else { Value::Null }
            }
            (_, Presence::Required) => v.clone(),
            (_, Presence::Optional) if is_empty(v) => Value::Null,
            (_, Presence::Optional) => v.clone(),
            (_, Presence::OptionalComputed) if d.is_some_and(|d| same(v, d, a)) => Value::Null,
            (_, Presence::OptionalComputed) => v.clone(),
        };
        out.insert(a.name.clone(), kept);
    }
    Value::Object(out)
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Unknown(_)) || matches!(v, Value::List(x) | Value::Set(x) if x.is_empty())
}

/// Whether a state value is the documented default (numbers by value, sets in any order).
fn same(v: &Value, d: &Json, a: &Attribute) -> bool {
    let j = to_json(v);
    match (&j, d) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) if matches!(v, Value::Set(_)) => x.len() == y.len() && x.iter().all(|e| y.contains(e)),
        _ => {
            j == *d
                || a.equivalent.is_some_and(|eq| tfplug::json::from_json(d, &a.ty(), tfplug::json::Extra::Drop).is_ok_and(|dv| eq(v, &dv)))
        }
    }
}

fn presence_at(attrs: &[Attribute], dotted: &str) -> Option<Presence> {
    let (head, rest) = dotted.split_once('.').unwrap_or((dotted, ""));
    let a = attrs.iter().find(|a| a.name == head)?;
    if rest.is_empty() { Some(a.presence) } else { presence_at(a.children(), rest) }
}

fn clear_at(v: &mut Value, dotted: &str) {
    let (head, rest) = dotted.split_once('.').unwrap_or((dotted, ""));
    if let Value::Object(m) = v {
        if let Some(x) = m.get_mut(head) {
            if rest.is_empty() {
                *x = Value::Null;
            } else {
                clear_at(x, rest);
            }
        }
    }
}
