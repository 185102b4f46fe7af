//! `telnyx_dynamic_emergency_endpoint` — a caller at a dynamic emergency address: callback
//! number and name, given a `sip_from_id` that a PBX sends as the caller of a 911 call
//! (voice-apps-and-e911.md §3.1, §3.7). Endpoints: `POST|GET /dynamic_emergency_endpoints`,
//! `GET|DELETE /dynamic_emergency_endpoints/{id}`.
//!
//! Like its address, it has no PATCH (every argument replaces it) and waits for `activated`
//! after a create: see [`Activated`](super::dynamic_emergency_address::Activated). Its address
//! must be activated first ("an id of a currently active dynamic emergency location"), which a
//! reference to the `telnyx_dynamic_emergency_address` resource gives: that create waits.

use serde_json::Value as Json;

use super::common::{created_at, id, record_type, updated_at};
use super::dynamic_emergency_address::{Activates, TIMEOUT, activation_timeout, list_filters, status};
use super::list::{FilterKind, ListFilter, Listed};
use super::rest::{NaturalKey, RestObject};
use super::{Exported, text_of};
use tfplug::schema::string;
use tfplug::validate::Validator;
use tfplug::{Schema, Value};

/// The family's shape (type name, path, schema, natural key).
#[derive(Debug)]
pub struct DynamicEmergencyEndpoint;

/// A valid phone number written in E.164 (`+13125550100`), as Google's libphonenumber (the
/// `phonenumber` crate) knows the numbering plans: canonical, no spaces, no extension.
pub fn is_callback_number(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    if !s.starts_with('+') {
        return false;
    }
    match phonenumber::parse(None, s) {
        Ok(n) => n.extension().is_none() && n.is_valid() && n.format().mode(phonenumber::Mode::E164).to_string() == s,
        Err(_) => false,
    }
}

impl RestObject for DynamicEmergencyEndpoint {
    const TYPE_NAME: &'static str = "telnyx_dynamic_emergency_endpoint";
    const PATH: &'static str = "/dynamic_emergency_endpoints";
    const UPDATE: bool = false;

    fn schema() -> Schema {
        Schema::new(
            "A dynamic emergency endpoint: a callback number and caller name at a dynamic emergency address. A PBX sends its \
             `sip_from_id` as the user part of the `From` or `P-Asserted-Identity` header of a 911 call. Telnyx validates it \
             after the create; an apply waits until it is `activated`. The API cannot change one: changing any argument \
             replaces it (delete, then create).",
        )
        .attr(id())
        .attr(
            string("dynamic_emergency_address_id")
                .required()
                .replace_on_change()
                .validate(Validator::Uuid)
                .desc("Id of the activated `telnyx_dynamic_emergency_address` where the caller is."),
        )
        .attr(
            string("callback_number")
                .required()
                .replace_on_change()
                .validate(Validator::Check { describe: "a valid phone number in E.164, such as `+13125550100`", check: is_callback_number })
                .desc("Number the emergency center calls back, in E.164 (`+13125550100`)."),
        )
        .attr(
            string("caller_name")
                .required()
                .replace_on_change()
                .length(1, usize::MAX)
                .desc("Name shown to the emergency center (`Jane Doe Desk Phone`)."),
        )
        .attr(activation_timeout())
        .attr(
            string("sip_from_id")
                .computed()
                .keep_state()
                .desc("The caller reference the PBX sends as the user part of `From` or `P-Asserted-Identity` in a 911 INVITE."),
        )
        .attr(status())
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    /// After an uncertain create: an endpoint with the same address, number and name, created
    /// since the first attempt (the list has no filter for them: all are listed).
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        let mut matches = Vec::new();
        for field in ["dynamic_emergency_address_id", "callback_number", "caller_name"] {
            matches.push((field, Json::String(planned.get(field).as_str()?.to_string())));
        }
        Some(NaturalKey { filters: Vec::new(), matches })
    }
}

const ENDPOINT_FILTERS: [ListFilter; 3] = list_filters(ListFilter {
    arg: "sip_from_id",
    query: "filter[sip_from_id]",
    kind: FilterKind::Local,
    desc: "Only the endpoint with this SIP From id. The API has no such filter: the provider lists the endpoints and keeps the match.",
});

impl Listed for DynamicEmergencyEndpoint {
    const NOUN: (&'static str, &'static str) = ("dynamic emergency endpoint", "dynamic emergency endpoints");
    const LIST_TYPE_NAME: &'static str = "telnyx_dynamic_emergency_endpoints";
    const LIST_ATTR: &'static str = "dynamic_emergency_endpoints";
    const FILTERS: &'static [ListFilter] = &ENDPOINT_FILTERS;
    const KEY: &'static [(&'static str, &'static str)] = &[("sip_from_id", "sip_from_id")];

    /// Without `activation_timeout`, which is the provider's, not Telnyx's.
    fn read_schema() -> Schema {
        let mut s = Self::schema();
        s.attributes.retain(|a| a.name != TIMEOUT);
        s
    }
}

/// Exported after its address, which `dynamic_emergency_address_id` references.
impl Exported for DynamicEmergencyEndpoint {
    const LABEL_PREFIX: &'static str = "endpoint";

    /// A rejected object is left out: it is no location a PBX can use, and its configuration
    /// would plan its replacement at once.
    fn exports(obj: &Json) -> bool {
        obj.get("status").and_then(Json::as_str) != Some("rejected")
    }

    /// Labelled by caller name (`jane_doe_desk_phone`).
    fn export_name(obj: &Json) -> String {
        text_of(obj, "caller_name")
    }
}

impl Activates for DynamicEmergencyEndpoint {
    fn describe(obj: &Json) -> String {
        format!(
            "caller {:?} with callback number {} at dynamic emergency address {}",
            text_of(obj, "caller_name"),
            text_of(obj, "callback_number"),
            text_of(obj, "dynamic_emergency_address_id")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplug::AttrPath;
    use tfplug::validate::validate_config;

    fn errors(j: &Json) -> Vec<String> {
        let schema = DynamicEmergencyEndpoint::schema();
        let config = tfplug::json::from_json(j, &schema.ty(), tfplug::json::Extra::Reject).unwrap();
        let mut d = tfplug::Diagnostics::new();
        validate_config(&schema.attributes, &config, &AttrPath::root(), &mut d);
        d.iter().filter(|x| x.is_error()).map(|x| x.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect()
    }

    fn valid() -> Json {
        serde_json::json!({"dynamic_emergency_address_id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f1",
                           "callback_number": "+13125550100", "caller_name": "Jane Doe Desk Phone"})
    }

    #[test]
    fn callback_numbers_are_valid_e164() {
        for ok in ["+13125550100", "+14165550123", "+17875550100", "+442079460000"] {
            assert!(is_callback_number(&Value::string(ok)), "{ok}");
        }
        for bad in ["3125550100", "+1 312 555 0100", "+1312555010", "+10005550100", "+13125550100;ext=2", "tel:+13125550100", "", "+"] {
            assert!(!is_callback_number(&Value::string(bad)), "{bad}");
        }
    }

    #[test]
    fn validation_names_the_attribute() {
        assert!(errors(&valid()).is_empty());
        for (field, bad) in [
            ("callback_number", "312-555-0100"),
            ("callback_number", "+1312555"),
            ("caller_name", ""),
            ("dynamic_emergency_address_id", "42"),
            (TIMEOUT, "a while"),
        ] {
            let mut j = valid();
            j[field] = bad.into();
            assert_eq!(errors(&j), [field], "{field} = {bad:?}");
        }
    }

    #[test]
    fn described_for_diagnostics() {
        let obj = valid();
        assert_eq!(
            DynamicEmergencyEndpoint::describe(&obj),
            "caller \"Jane Doe Desk Phone\" with callback number +13125550100 at dynamic emergency address 0ccc7b54-4df3-4bca-a65a-3da1ecc777f1"
        );
    }
}
