//! Stored state and identities read into the current schema.

use crate::diag::{Diagnostic, Diagnostics};
use crate::json;
use crate::provider::Resource;
use crate::schema::{Identity, Schema};
use crate::types::Type;
use crate::value::Value;

/// UpgradeResourceIdentity's work: identity JSON stored at `version` read against the current
/// identity type. Version 0 is the only one so far: the JSON passes through, checked.
pub fn upgrade_identity_json(ident: &Identity, ty: &Type, version: i64, raw: &[u8]) -> Result<Value, Diagnostics> {
    if version > ident.version {
        return Err(Diagnostic::error(
            "Identity written by a newer provider",
            format!("The stored identity has version {version}, but this provider knows version {} at most. Use the provider version that wrote it, or a newer one.", ident.version),
        )
        .into());
    }
    let j = json::parse(raw).map_err(|err| {
        Diagnostics::from(Diagnostic::error("Malformed identity", format!("The stored identity is not valid JSON: {}", err.message)))
    })?;
    let v = json::from_json(&j, ty, json::Extra::Reject).map_err(|err| {
        Diagnostics::from(Diagnostic::error("Malformed identity", format!("The stored identity does not fit the identity schema: {err}")))
    })?;
    if v.is_null() {
        return Err(Diagnostic::error("Malformed identity", "The stored identity is null.").into());
    }
    for a in ident.attributes.iter().filter(|a| a.required_for_import) {
        if v.get(&a.name).is_null() {
            return Err(Diagnostic::error("Malformed identity", format!("The stored identity has no `{}`.", a.name)).into());
        }
    }
    Ok(v)
}

/// Refuses state written by a newer schema version than the resource's.
pub(super) fn check_state_version<C>(imp: &dyn Resource<C>, schema: &Schema, version: i64) -> Result<(), Diagnostics> {
    if version > schema.version {
        return Err(Diagnostic::error(
            "State written by a newer provider",
            format!(
                "The state of this {} has schema version {version}, but this provider knows version {} at most. Use the provider version that wrote it, or a newer one.",
                imp.type_name(),
                schema.version
            ),
        )
        .into());
    }
    Ok(())
}

/// UpgradeResourceState's JSON path: state JSON stored at schema `version`, parsed within the
/// decoding bounds, upgraded by the resource (older versions, and state another provider wrote
/// under the same type name), and read against the current type `ty` (attributes removed since
/// are dropped). What the RPC runs, public so that the fuzz targets
/// and tests drive the very same code.
pub fn upgrade_json_state<C>(imp: &dyn Resource<C>, schema: &Schema, ty: &Type, version: i64, raw: &[u8]) -> Result<Value, Diagnostics> {
    check_state_version(imp, schema, version)?;
    let mut j = json::parse(raw).map_err(|err| {
        Diagnostics::from(Diagnostic::error("Malformed state", format!("The stored state is not valid JSON: {}", err.message)))
    })?;
    j = imp.upgrade_state(version, j)?;
    json::from_json(&j, ty, json::Extra::Drop)
        .map_err(|err| Diagnostics::from(Diagnostic::error("Malformed state", format!("The stored state does not fit the schema: {err}"))))
}
