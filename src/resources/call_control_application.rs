//! `telnyx_call_control_application` — an application whose calls Telnyx reports to a webhook
//! URL and which is driven by Call Control commands. Endpoints: `POST|GET /call_control_applications`,
//! `GET|PATCH|DELETE /call_control_applications/{id}` (voice-apps-and-e911.md §5).
//!
//! Telnyx's quirks, and what the provider does about them:
//! * `PATCH` requires `application_name` and `webhook_event_url` every time: the generic update
//!   sends the whole desired object, and both are required arguments, so every PATCH has them;
//! * `tags` is not in the create schema (Unknown 15, decided: rejected): tags set in the
//!   configuration are sent by a follow-up update right after the create (`CREATE_OMIT`);
//! * nullable values are cleared with `null` at the top level and by leaving the member out of
//!   the whole `inbound`/`outbound` object sent (Unknown 16, decided: a nested object sent
//!   replaces the stored one).
//!
//! The `inbound`/`outbound` objects and the attributes TeXML applications share are declared
//! here once (`texml_application.rs` uses them).

use super::common::{created_at, id, record_type, tags, updated_at};
use super::connection::{clearable, server_default};
use super::list::{FilterField, FilterKind, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::schema::{Attribute, bool, int, nested, string};
use tfplug::validate::Validator;
use tfplug::{Schema, Value};

#[derive(Debug)]
pub struct CallControlApplication;

/// Call Control's media anchor sites: `Chennai, IN`, and no `Vancouver, Canada` or
/// `Frankfurt, Germany` (unlike every other connection type, §11).
pub const ANCHORSITES: &[&str] = &[
    "Latency",
    "Chicago, IL",
    "Ashburn, VA",
    "San Jose, CA",
    "London, UK",
    "Chennai, IN",
    "Amsterdam, Netherlands",
    "Toronto, Canada",
    "Sydney, Australia",
];

fn is_url_or_empty(v: &Value) -> bool {
    v.as_str() == Some("") || Validator::Url.check(v)
}

/// `active`, `anchorsite_override` (from `anchorsites`), `call_cost_in_webhooks`, `dtmf_type`,
/// `first_command_timeout` and `first_command_timeout_secs`: what both application types have.
pub fn common(anchorsites: &'static [&'static str]) -> Vec<Attribute> {
    vec![
        server_default(bool("active")).desc("Whether the application can make and receive calls."),
        server_default(string("anchorsite_override")).one_of(anchorsites).desc(
            "Media anchor site: `Latency` lets Telnyx pick the site nearest to the caller; any other value (e.g. `\"Chicago, IL\"`) pins media there.",
        ),
        server_default(bool("call_cost_in_webhooks")).desc("Whether call-cost webhooks are sent for calls of this application."),
        server_default(string("dtmf_type"))
            .one_of(&["RFC 2833", "Inband", "SIP INFO"])
            .desc("How DTMF digits are sent: `RFC 2833`, `Inband` or `SIP INFO`."),
        server_default(bool("first_command_timeout"))
            .desc("Whether calls to the application's numbers are hung up when the first command times out."),
        server_default(int("first_command_timeout_secs")).desc("Seconds to wait for the first command before timing out."),
    ]
}

/// `inbound` (same members and texts for Call Control and TeXML applications).
pub fn inbound() -> Attribute {
    server_default(nested(
        "inbound",
        vec![
            clearable(int("channel_limit")).desc("Most inbound calls at once to the application's numbers; unset for no limit."),
            server_default(bool("shaken_stir_enabled")).desc("Whether SHAKEN/STIR data is included in the webhook of new inbound calls."),
            clearable(string("sip_subdomain")).desc(
                "SIP subdomain: `<sip_subdomain>.sip.telnyx.com` reaches the application from any SIP endpoint, as a phone number does \
                 (not over TLS); unset for none.",
            ),
            server_default(string("sip_subdomain_receive_settings"))
                .one_of(&["only_my_connections", "from_anyone"])
                .desc("Who may call the SIP subdomain: `only_my_connections` or `from_anyone`."),
        ],
    ))
    .desc(
        "Inbound call settings. Members left out keep the values Telnyx holds; a change sends the whole object. \
         To refer to a member, write `lookup(<address>.inbound, \"channel_limit\")`: Terraform before 1.2.7 rejects \
         `<address>.inbound.channel_limit`.",
    )
}

/// `outbound` (same members for Call Control and TeXML applications).
pub fn outbound() -> Attribute {
    server_default(nested(
        "outbound",
        vec![
            clearable(int("channel_limit")).desc("Most outbound calls at once; unset for no limit."),
            clearable(string("outbound_voice_profile_id")).desc(
                "Id of the outbound voice profile that governs outbound calls (e.g. `telnyx_outbound_voice_profile.x.id`); \
                 unset for none. Telnyx refuses to delete a profile an application uses.",
            ),
        ],
    ))
    .desc(
        "Outbound call settings. Members left out keep the values Telnyx holds; a change sends the whole object. \
         To refer to a member, write `lookup(<address>.outbound, \"outbound_voice_profile_id\")`.",
    )
}

/// The exact name, listed with the list's name filter (which needs 3 characters: shorter names
/// are matched over the full list).
pub fn name_key(planned: &Value, field: &'static str, filter: &ListFilter) -> Option<NaturalKey> {
    let name = planned.get(field).as_str()?;
    let filters = filter.query_for(&Value::string(name)).into_iter().collect();
    Some(NaturalKey { filters, matches: vec![(field, serde_json::Value::String(name.to_string()))] })
}

/// Where applications hold the outbound voice profile the profile filter tests.
pub const PROFILE_FIELD: &[(&str, FilterField)] = &[("outbound_voice_profile_id", FilterField::Path("outbound.outbound_voice_profile_id"))];

const NAME_CONTAINS: ListFilter = ListFilter {
    arg: "application_name_contains",
    query: "filter[application_name][contains]",
    kind: FilterKind::TextAtLeast(3),
    desc: "Only applications whose name contains this text, ignoring case (at least 3 characters).",
};
const PROFILE: ListFilter = ListFilter::text(
    "outbound_voice_profile_id",
    "filter[outbound.outbound_voice_profile_id]",
    "Only applications that use this outbound voice profile.",
);

impl RestObject for CallControlApplication {
    const TYPE_NAME: &'static str = "telnyx_call_control_application";
    const PATH: &'static str = "/call_control_applications";
    /// List items and `GET /call_control_applications/{id}` are one schema (`CallControlApplication`).
    const BATCH: Batch = Batch::Family;
    /// Not in the create schema (Unknown 15): sent by a follow-up update.
    const CREATE_OMIT: &'static [&'static str] = &["tags"];

    fn schema() -> Schema {
        Schema::new(
            "A Call Control application: Telnyx sends the events of its calls to `webhook_event_url` and takes Call Control \
             commands for them. Phone numbers are routed to it by its id.",
        )
        .attr(id())
        .attr(string("application_name").required().desc(
            "Name of the application. Telnyx does not require names to be unique; the data source finds an application by name only when exactly one has it.",
        ))
        .attrs(common(ANCHORSITES))
        .attr(server_default(bool("redact_dtmf_debug_logging")).desc("Whether DTMF digits are redacted in debug logs."))
        .attr(tags().desc(
            "Tags for organising applications; order does not matter. Removing them clears them. Telnyx accepts tags only on \
             update: when set at creation, the provider sends them in a follow-up update.",
        ))
        .attr(
            server_default(string("webhook_api_version"))
                .one_of(&["1", "2"])
                .desc("Version of the webhook payloads sent to `webhook_event_url`: `1` or `2`."),
        )
        .attr(
            server_default(string("webhook_event_failover_url"))
                .validate(Validator::Check { describe: "an absolute URL with a scheme (`https://…`), or empty", check: is_url_or_empty })
                .desc("Webhook URL used when `webhook_event_url` fails (with a scheme, e.g. `https://`); `\"\"` for none."),
        )
        .attr(
            string("webhook_event_url")
                .required()
                .validate(Validator::Url)
                .desc("URL that receives the application's call events (with a scheme, e.g. `https://`)."),
        )
        .attr(clearable(int("webhook_timeout_secs")).between(0, 30).desc("Seconds Telnyx waits for a webhook response (0–30); unset for Telnyx's default."))
        .attr(inbound())
        .attr(outbound())
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    /// After an uncertain create, the application made since the first attempt with exactly
    /// this name is adopted.
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        name_key(planned, "application_name", &NAME_CONTAINS)
    }
}

impl Listed for CallControlApplication {
    const NOUN: (&'static str, &'static str) = ("Call Control application", "Call Control applications");
    const LIST_TYPE_NAME: &'static str = "telnyx_call_control_applications";
    const LIST_ATTR: &'static str = "call_control_applications";
    const FILTERS: &'static [ListFilter] = &[NAME_CONTAINS, PROFILE];
    const FILTER_FIELDS: &'static [(&'static str, FilterField)] = PROFILE_FIELD;
    const KEY: &'static [(&'static str, &'static str)] = &[("application_name", "application_name_contains")];
}

/// Telnyx's documented defaults both application types share, with the type's own (`own`).
pub fn app_defaults(own: serde_json::Value) -> serde_json::Value {
    super::connection::merged(
        serde_json::json!({
            "active": true,
            "anchorsite_override": "Latency",
            "call_cost_in_webhooks": false,
            "dtmf_type": "RFC 2833",
            "first_command_timeout": false,
            "first_command_timeout_secs": 30,
            "inbound": {
                "shaken_stir_enabled": false,
                "sip_subdomain_receive_settings": "from_anyone"
            },
            "outbound": {}
        }),
        own,
    )
}

impl super::Exported for CallControlApplication {
    const LABEL_PREFIX: &'static str = "call_control_app";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        app_defaults(serde_json::json!({
            "redact_dtmf_debug_logging": false,
            "webhook_api_version": "1",
            "webhook_event_failover_url": ""
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::mapping::request_body;
    use tfplug::json::{Extra, from_json};

    fn planned(j: &serde_json::Value) -> Value {
        let ty = CallControlApplication::schema().ty();
        from_json(j, &ty, Extra::Reject).unwrap_or(Value::Null)
    }

    /// Every update body carries the two fields Telnyx's PATCH requires, even when only another
    /// field changed.
    #[test]
    fn updates_carry_the_required_fields() {
        let attrs = CallControlApplication::schema().attributes;
        let prior =
            planned(&serde_json::json!({"id": "1", "application_name": "app", "webhook_event_url": "https://e.example/h", "active": true}));
        let mut next = prior.clone();
        next.set("active", Value::Bool(false));
        let body = request_body(&attrs, &next, &prior, CallControlApplication::UPDATE_OMIT);
        assert_eq!(body["application_name"], "app");
        assert_eq!(body["webhook_event_url"], "https://e.example/h");
        assert_eq!(body["active"], false);
        let create = request_body(
            &attrs,
            &planned(&serde_json::json!({"application_name": "app", "webhook_event_url": "https://e.example/h", "tags": ["a"]})),
            &Value::Null,
            CallControlApplication::CREATE_OMIT,
        );
        assert!(create.get("tags").is_none(), "tags are not in the create schema: {create}");
    }

    #[test]
    fn anchorsites_differ_from_texml() {
        assert!(ANCHORSITES.contains(&"Chennai, IN"));
        assert!(!ANCHORSITES.contains(&"Vancouver, Canada") && !ANCHORSITES.contains(&"Frankfurt, Germany"));
        let key = CallControlApplication::natural_key(&planned(&serde_json::json!({"application_name": "ab"}))).map(|k| k.filters);
        assert_eq!(key, Some(Vec::new()), "names under 3 characters are matched over the full list");
    }
}
