//! `telnyx_texml_application` — an application whose calls Telnyx runs from TeXML (Telnyx's
//! TwiML-compatible XML) fetched from `voice_url`. Endpoints: `POST|GET /texml_applications`,
//! `GET|PATCH|DELETE /texml_applications/{id}` (voice-apps-and-e911.md §6).
//!
//! `PATCH` requires `friendly_name` and `voice_url` every time: both are required arguments
//! and the generic update sends the whole desired object. `voice_fallback_url` and
//! `status_callback` (default null, typed non-nullable) are cleared with `null` (Unknown 16,
//! decided); nested members by leaving them out of the whole object sent.

use super::call_control_application::{PROFILE_FIELD, common, inbound, name_key, outbound};
use super::common::{created_at, id, record_type, tags, updated_at};
use super::connection::{ANCHORSITES, clearable, server_default};
use super::list::{FilterField, FilterKind, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::schema::string;
use tfplug::validate::Validator;
use tfplug::{Schema, Value};

#[derive(Debug)]
pub struct TexmlApplication;

/// `filter[friendly_name]`: contains, ignoring case, at least 3 characters (§2).
const NAME_CONTAINS: ListFilter = ListFilter {
    arg: "friendly_name_contains",
    query: "filter[friendly_name]",
    kind: FilterKind::TextAtLeast(3),
    desc: "Only applications whose name contains this text, ignoring case (at least 3 characters).",
};
const PROFILE: ListFilter = ListFilter::text(
    "outbound_voice_profile_id",
    "filter[outbound_voice_profile_id]",
    "Only applications that use this outbound voice profile.",
);

fn method(name: &str, what: &str) -> tfplug::Attribute {
    server_default(string(name)).one_of(&["get", "post"]).desc(format!("HTTP method of requests to `{what}`: `get` or `post`."))
}

impl RestObject for TexmlApplication {
    const TYPE_NAME: &'static str = "telnyx_texml_application";
    const PATH: &'static str = "/texml_applications";
    /// List items and `GET /texml_applications/{id}` are one schema (`TexmlApplication`).
    const BATCH: Batch = Batch::Family;

    fn schema() -> Schema {
        Schema::new(
            "A TeXML application: Telnyx runs its calls from the TeXML (TwiML-compatible XML) that `voice_url` answers. \
             Phone numbers are routed to it by its id.",
        )
        .attr(id())
        .attr(string("friendly_name").required().desc(
            "Name of the application. Telnyx does not require names to be unique; the data source finds an application by name only when exactly one has it.",
        ))
        .attrs(common(ANCHORSITES))
        .attr(clearable(string("status_callback")).validate(Validator::Url).desc(
            "URL that receives call-progress events (with a scheme, e.g. `https://`); unset for none.",
        ))
        .attr(method("status_callback_method", "status_callback"))
        .attr(tags())
        .attr(clearable(string("voice_fallback_url")).validate(Validator::Url).desc(
            "URL Telnyx fetches TeXML from when `voice_url` answers with an error (with a scheme); unset for none.",
        ))
        .attr(method("voice_method", "voice_url"))
        .attr(string("voice_url").required().validate(Validator::Url).desc(
            "URL Telnyx fetches the TeXML instructions of each call from (with a scheme, e.g. `https://`).",
        ))
        .attr(inbound())
        .attr(outbound())
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    /// After an uncertain create, the application made since the first attempt with exactly
    /// this name is adopted.
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        name_key(planned, "friendly_name", &NAME_CONTAINS)
    }
}

/// The name filter has no `[contains]` in its wire form, which the provider's re-check would
/// read as an exact match: the API's answer is taken as it is for it.
const FILTER_FIELDS: &[(&str, FilterField)] = &[PROFILE_FIELD[0], ("friendly_name_contains", FilterField::Unchecked)];

impl Listed for TexmlApplication {
    const NOUN: (&'static str, &'static str) = ("TeXML application", "TeXML applications");
    const LIST_TYPE_NAME: &'static str = "telnyx_texml_applications";
    const LIST_ATTR: &'static str = "texml_applications";
    const FILTERS: &'static [ListFilter] = &[NAME_CONTAINS, PROFILE];
    const FILTER_FIELDS: &'static [(&'static str, FilterField)] = FILTER_FIELDS;
    const KEY: &'static [(&'static str, &'static str)] = &[("friendly_name", "friendly_name_contains")];
}

impl super::Exported for TexmlApplication {
    const LABEL_PREFIX: &'static str = "texml_app";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        super::call_control_application::app_defaults(serde_json::json!({
            "status_callback_method": "post",
            "voice_method": "post"
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texml_has_the_ten_anchorsites_and_no_webhook_fields() {
        let s = TexmlApplication::schema();
        let names: Vec<&str> = s.attributes.iter().map(|a| a.name.as_str()).collect();
        for absent in ["webhook_event_url", "webhook_api_version", "webhook_timeout_secs", "redact_dtmf_debug_logging"] {
            assert!(!names.contains(&absent), "{absent}");
        }
        assert!(ANCHORSITES.contains(&"Frankfurt, Germany") && !ANCHORSITES.contains(&"Chennai, IN"));
    }
}
