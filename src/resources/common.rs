//! Attributes that many Telnyx objects share, declared once.

use crate::tfplug::schema::{set, string};
use crate::tfplug::types::Type;
use crate::tfplug::{Attribute, Value};

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
