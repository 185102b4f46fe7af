//! `telnyx_fqdn_connection` — a SIP connection that Telnyx reaches by DNS name (the FQDN
//! records themselves are `telnyx_fqdn`). Endpoints: `POST|GET /fqdn_connections`,
//! `GET|PATCH|DELETE /fqdn_connections/{id}`.
//!
//! Differences from the shared connection shape (see `connection.rs`): `transport_protocol`,
//! create-only `microsoft_teams_sbc`, server-set credentials and media flags; inbound default
//! FQDN ids and SIP subdomain; outbound IP authentication, its own `encrypted_media` and
//! timeouts.

use super::connection::{
    self, Shape, ani_override, clearable, e164_or_empty, ip_authentication, localization, outbound_channel_limit, server_default,
    sip_subdomain_settings,
};
use super::connection::{CONNECTION_FILTER_FIELDS, CONNECTION_KEY, FQDN, NAME_CONTAINS, PROFILE};
use super::list::{FilterField, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::PlanRequest;
use tfplug::plan::Planned;
use tfplug::schema::{Attribute, bool, int, string};
use tfplug::{Diagnostics, Schema, Value};

#[derive(Debug)]
pub struct FqdnConnection;

/// A value Telnyx sets and the API does not let clients change.
fn server_set(a: Attribute, what: &str) -> Attribute {
    a.computed().keep_state().desc(what)
}

impl RestObject for FqdnConnection {
    const TYPE_NAME: &'static str = "telnyx_fqdn_connection";
    const PATH: &'static str = "/fqdn_connections";
    /// List items and `GET /fqdn_connections/{id}` are one schema (`FqdnConnection`; the password is masked in both).
    const BATCH: Batch = Batch::Family;
    const CREATE_OMIT: &'static [&'static str] = &["conversation_persistence"];
    const UPDATE_OMIT: &'static [&'static str] = &["microsoft_teams_sbc"];
    fn schema() -> Schema {
        connection::schema(Shape {
            description: "An FQDN connection: Telnyx sends and accepts calls for host names (`telnyx_fqdn` records) of your SIP infrastructure.",
            connection_name: string("connection_name").required().desc("Display name of the connection."),
            webhook_api_versions: &["1", "2"],
            webhook_api_versions_note: "",
            inbound: [
                connection::default_record_ids("fqdn"),
                sip_subdomain_settings(clearable),
            ]
            .concat(),
            outbound: [
                vec![
                    ani_override().validate(e164_or_empty()),
                    outbound_channel_limit(server_default),
                    clearable(string("encrypted_media"))
                        .one_of(&["SRTP"])
                        .desc("`SRTP` to encrypt media of outbound calls; unset for none. Cannot be combined with `transport_protocol = \"TLS\"`."),
                    localization(server_default),
                    server_default(int("timeout_1xx_secs")).between(1, 120).desc("Seconds to wait for a 1xx response on outbound calls (1–120)."),
                    server_default(int("timeout_2xx_secs")).between(1, 600).desc("Seconds to wait for a 2xx response on outbound calls (1–600)."),
                ],
                ip_authentication(&["credential-authentication", "ip-authentication"], server_default),
            ]
            .concat(),
            extra: vec![
                server_default(bool("microsoft_teams_sbc"))
                    .replace_on_change()
                    .desc("Whether the connection is a Microsoft Teams Direct Routing SBC. Telnyx takes it only when the connection is created."),
                server_default(string("transport_protocol")).one_of(&["UDP", "TCP", "TLS"]).desc("SIP transport: `UDP`, `TCP` or `TLS`."),
                server_set(bool("adjust_dtmf_timestamp"), "Whether Telnyx adjusts DTMF timestamps (set by Telnyx)."),
                server_set(bool("call_cost_enabled"), "Whether call cost is reported (set by Telnyx)."),
                server_set(bool("ignore_dtmf_duration"), "Whether DTMF durations are ignored (set by Telnyx)."),
                server_set(bool("ignore_mark_bit"), "Whether the RTP mark bit is ignored (set by Telnyx)."),
                server_set(bool("rtp_pass_codecs_on_stream_change"), "Whether codecs pass through on a stream change (set by Telnyx)."),
                server_set(bool("send_normalized_timestamps"), "Whether RTP timestamps are normalised (set by Telnyx)."),
                server_set(bool("third_party_control_enabled"), "Whether third-party call control is on (set by Telnyx)."),
                server_set(string("txt_name"), "Name of the DNS TXT record that proves ownership of the FQDNs."),
                server_set(int("txt_ttl"), "TTL of the DNS TXT record."),
                server_set(string("txt_value"), "Value of the DNS TXT record."),
                server_set(string("user_name"), "SIP user name Telnyx assigned to the connection."),
                server_set(string("password").sensitive(), "SIP password Telnyx assigned to the connection. Sensitive. Telnyx returns it in full only when the connection is created, so an imported connection has none in state."),
            ],
        })
    }

    fn validate(config: &Value) -> Diagnostics {
        connection::validate(config)
    }

    fn modify_plan(req: &PlanRequest<'_>, planned: &mut Planned) -> Diagnostics {
        connection::check_planned(req, planned)
    }

    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        connection::natural_key(planned, None)
    }
}

impl Listed for FqdnConnection {
    const NOUN: (&'static str, &'static str) = ("FQDN connection", "FQDN connections");
    const LIST_TYPE_NAME: &'static str = "telnyx_fqdn_connections";
    const LIST_ATTR: &'static str = "fqdn_connections";
    const FILTERS: &'static [ListFilter] = &[NAME_CONTAINS, FQDN, PROFILE];
    const FILTER_FIELDS: &'static [(&'static str, FilterField)] = CONNECTION_FILTER_FIELDS;
    const KEY: &'static [(&'static str, &'static str)] = CONNECTION_KEY;
}

impl super::Exported for FqdnConnection {
    const LABEL_PREFIX: &'static str = "connection";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        super::connection::defaults(serde_json::json!({
            "conversation_persistence": false,
            "default_on_hold_comfort_noise_enabled": true,
            "inbound": {
                "sip_region": "US",
                "sip_subdomain_receive_settings": "from_anyone"
            },
            "microsoft_teams_sbc": false,
            "outbound": {
                "instant_ringback_enabled": false,
                "ip_authentication_method": "ip-authentication",
                "localization": "US",
                "t38_reinvite_source": "customer",
                "tech_prefix": "",
                "timeout_1xx_secs": 3,
                "timeout_2xx_secs": 90
            },
            "transport_protocol": "UDP"
        }))
    }
}
