//! Resource identities (Terraform >= 1.12): what the engine sends, and the rules it keeps.

use super::Entry;
use super::messages::{DynamicValue, decode, encode};
use crate::diag::Diagnostics;
use crate::provider::Resource;
use crate::validate::show;
use crate::value::Value;

impl<C> Entry<dyn Resource<C>> {
    /// The identity of the object whose state is `state`, encoded; `None` when the resource
    /// has no identity or there is no object.
    pub(super) fn identity_of(&self, state: &Value) -> Result<Option<DynamicValue>, Diagnostics> {
        let Some((ident, ty)) = &self.identity else { return Ok(None) };
        if state.is_null() {
            return Ok(None);
        }
        Ok(Some(encode(&ident.of(state), ty, "identity")?))
    }

    /// An identity Terraform sent (null when absent or when the resource has none).
    pub(super) fn decode_identity(&self, data: Option<&DynamicValue>) -> Result<Value, Diagnostics> {
        match (&self.identity, data) {
            (Some((_, ty)), Some(dv)) => decode(Some(dv), ty, "identity"),
            _ => Ok(Value::Null),
        }
    }

    /// Errors for every attribute of the identity Terraform holds (`held`) that the object's
    /// identity (`now`) no longer matches: an identity names one object for its whole life
    /// (terraform-plugin-framework's rule; Terraform stores whatever it is given). Attributes
    /// Terraform holds as null (an identity recorded at import by id) may be filled in.
    pub(super) fn check_identity_kept(&self, held: &Value, now: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        let Some((ident, _)) = &self.identity else { return d };
        if held.is_null() || now.is_null() {
            return d;
        }
        for a in &ident.attributes {
            let (h, n) = (held.get(&a.name), now.get(&a.name));
            if !h.is_null() && h.is_known() && n.is_known() && h != n {
                d.error(
                    "Unexpected identity change",
                    format!(
                        "Terraform holds {} = {} as the identity of this {}, but the object now has {}. An identity names one object for its whole life: this is a bug in the provider, please report it.",
                        a.name,
                        show(h),
                        self.imp.type_name(),
                        show(n)
                    ),
                );
            }
        }
        d
    }

    /// Errors unless `state`'s identity is the one Terraform holds (none when the resource
    /// has no identity).
    pub(super) fn check_state_identity(&self, held: &Value, state: &Value) -> Diagnostics {
        match &self.identity {
            Some((ident, _)) => self.check_identity_kept(held, &ident.of(state)),
            None => Diagnostics::new(),
        }
    }

    /// An identity given for import: every attribute required for import must be set.
    pub(super) fn check_import_identity(&self, identity: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        let Some((ident, _)) = &self.identity else {
            d.error("Import by identity not supported", format!("{} has no resource identity: import it by id.", self.imp.type_name()));
            return d;
        };
        if identity.is_null() || !identity.is_wholly_known() {
            d.error("Invalid import identity", "The identity to import must be known (no values known only after apply).");
            return d;
        }
        for a in ident.attributes.iter().filter(|a| a.required_for_import) {
            if identity.get(&a.name).as_str().is_none_or(|s| s.trim().is_empty()) {
                d.error(
                    "Invalid import identity",
                    format!("The identity of a {} to import needs `{}`: {}", self.imp.type_name(), a.name, a.description),
                );
            }
        }
        d
    }
}
