//! Attributes that many Telnyx objects share, declared once.

use tfplug::schema::{set, string};
use tfplug::types::Type;
use tfplug::{Attribute, Value};

/// The resource identity (Terraform ≥ 1.12) of an object named by its Telnyx id alone.
pub fn id_identity() -> tfplug::schema::Identity {
    tfplug::schema::Identity::new().required("id", ID_IDENTITY)
}

/// How the `id` identity attribute is described.
pub const ID_IDENTITY: &str = "Identifier Telnyx assigned to the object (what `terraform import` takes).";

/// The API id: set by Telnyx, stable for the object's life.
pub fn id() -> Attribute {
    string("id").computed().keep_state().desc("Identifier Telnyx assigned to the object; also the import id.")
}

pub fn record_type() -> Attribute {
    string("record_type").computed().keep_state().desc("Telnyx's type tag of the object.")
}

pub fn created_at() -> Attribute {
    string("created_at").computed().keep_state().desc("When the object was created (ISO 8601).")
}

/// Changes on every update, so it is unknown in any plan that changes the object.
pub fn updated_at() -> Attribute {
    string("updated_at").computed().desc("When the object was last updated (ISO 8601).")
}

/// Free-form tags; order carries no meaning. No server default: removing them clears them.
pub fn tags() -> Attribute {
    set("tags", Type::String).optional().desc("Tags for organising objects; order does not matter. Removing them clears them.")
}

/// ISO 3166-1 alpha-2: two upper-case letters.
pub fn is_country_code(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()))
}

/// The default `terraform-provider-telnyx export` gives the variable of a secret it cannot
/// write. It is never sent while `ignore_changes` holds the secret; a plan that would send it
/// (a create, or a change to it) fails, so it can never become a real, known password.
pub const EXPORT_PLACEHOLDER: &str = "SET-ME-exported-placeholder";

/// Errors for every secret (at any depth) the plan would send as [`EXPORT_PLACEHOLDER`].
pub fn placeholder_secrets(attrs: &[tfplug::Attribute], prior: &Value, planned: &Value, path: &tfplug::AttrPath) -> tfplug::Diagnostics {
    let mut d = tfplug::Diagnostics::new();
    for a in attrs {
        let (p, v) = (path.join(&a.name), planned.get(&a.name));
        if a.sensitive && v.as_str() == Some(EXPORT_PLACEHOLDER) && prior.get(&a.name) != v {
            d.push(
                tfplug::Diagnostic::error(
                    "Secret not set",
                    format!(
                        "`{p}` is the placeholder that `terraform-provider-telnyx export` writes for a secret Telnyx does not return. \
                         Set its variable (see variables.tf) before Terraform creates the object or changes `{p}`."
                    ),
                )
                .at(p.clone()),
            );
        } else if !a.children().is_empty() {
            d.extend(placeholder_secrets(a.children(), prior.get(&a.name), v, &p));
        }
    }
    d
}

/// Not both a secret `field` kept in state and its write-only variant `<field>_wo` in `obj`
/// (the configuration, or its nested object at `path`); `<field>_wo_version` only with
/// `<field>_wo`.
pub fn write_only_choice(obj: &Value, field: &str, path: &tfplug::AttrPath) -> tfplug::Diagnostics {
    let mut d = tfplug::Diagnostics::new();
    let (wo, version) = (format!("{field}_wo"), format!("{field}_wo_version"));
    let shown = |name: &str| if path.0.is_empty() { name.to_string() } else { format!("{path}.{name}") };
    if !obj.get(field).is_null() && !obj.get(&wo).is_null() {
        d.push(
            tfplug::Diagnostic::error(
                format!("Conflicting {field} arguments"),
                format!("Set either `{}` (kept in state) or `{}` (write-only, never stored), not both.", shown(field), shown(&wo)),
            )
            .at(path.join(&wo)),
        );
    }
    if !obj.get(&version).is_null() && obj.get(&wo).is_null() {
        d.push(
            tfplug::Diagnostic::error(
                format!("`{}` without `{}`", shown(&version), shown(&wo)),
                format!("`{version}` only says when to send `{wo}`: set `{wo}` too, or remove it."),
            )
            .at(path.join(&version)),
        );
    }
    d
}
