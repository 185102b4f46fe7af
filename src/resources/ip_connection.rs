//! `telnyx_ip_connection` — a SIP connection authenticated by source IP address (the addresses
//! themselves are `telnyx_ip` records). Endpoints: `POST|GET /ip_connections`,
//! `GET|PATCH|DELETE /ip_connections/{id}`.
//!
//! Differences from the shared connection shape (see `connection.rs`): `transport_protocol`;
//! inbound default IP ids (update-only in the API: sent by a follow-up update after create) and
//! SIP subdomain; outbound IP authentication with its own methods.

use super::connection::{
    self, Shape, ani_override, clearable, ip_authentication, localization, outbound_channel_limit, server_default, sip_subdomain_settings,
};
use super::connection::{CONNECTION_FILTER_FIELDS, CONNECTION_KEY, FQDN, NAME_CONTAINS, PROFILE};
use super::list::{FilterField, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::PlanRequest;
use tfplug::plan::Planned;
use tfplug::schema::string;
use tfplug::{Diagnostics, Schema, Value};

#[derive(Debug)]
pub struct IpConnection;

impl RestObject for IpConnection {
    const TYPE_NAME: &'static str = "telnyx_ip_connection";
    const PATH: &'static str = "/ip_connections";
    /// List items and `GET /ip_connections/{id}` are one schema (`IpConnection`).
    const BATCH: Batch = Batch::Family;
    const CREATE_OMIT: &'static [&'static str] =
        &["conversation_persistence", "inbound.default_primary_ip_id", "inbound.default_secondary_ip_id", "inbound.default_tertiary_ip_id"];
    fn schema() -> Schema {
        connection::schema(Shape {
            description: "An IP connection: Telnyx accepts calls from, and sends calls to, the IP addresses (`telnyx_ip` records) of your SIP infrastructure.",
            connection_name: server_default(string("connection_name")).desc("Display name of the connection."),
            webhook_api_versions: &["1", "2"],
            webhook_api_versions_note: "",
            inbound: [connection::default_record_ids("ip"), sip_subdomain_settings(server_default)].concat(),
            outbound: [
                vec![ani_override(), outbound_channel_limit(clearable), localization(clearable)],
                ip_authentication(&["tech-prefixp-charge-info", "token"], clearable),
            ]
            .concat(),
            extra: vec![
                server_default(string("transport_protocol")).one_of(&["UDP", "TCP", "TLS"]).desc("SIP transport: `UDP`, `TCP` or `TLS`."),
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

impl Listed for IpConnection {
    const NOUN: (&'static str, &'static str) = ("IP connection", "IP connections");
    const LIST_TYPE_NAME: &'static str = "telnyx_ip_connections";
    const LIST_ATTR: &'static str = "ip_connections";
    const FILTERS: &'static [ListFilter] = &[NAME_CONTAINS, FQDN, PROFILE];
    const FILTER_FIELDS: &'static [(&'static str, FilterField)] = CONNECTION_FILTER_FIELDS;
    const KEY: &'static [(&'static str, &'static str)] = CONNECTION_KEY;
}

impl super::Exported for IpConnection {
    const LABEL_PREFIX: &'static str = "connection";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        super::connection::answered_defaults(
            serde_json::json!({
                "anchorsite_override": "Latency",
                "call_cost_in_webhooks": false,
                "default_on_hold_comfort_noise_enabled": true,
                "dtmf_type": "RFC 2833",
                "encode_contact_header_enabled": false,
                "inbound": {
                    "ani_number_format": "E.164-national",
                    "codecs": ["G722", "G711U", "G711A", "G729", "OPUS", "H.264"],
                    "dnis_number_format": "e164",
                    "generate_ringback_tone": false,
                    "isup_headers_enabled": false,
                    "prack_enabled": false,
                    "shaken_stir_enabled": false,
                    "sip_compact_headers_enabled": true,
                    "sip_region": "US",
                    "timeout_1xx_secs": 3,
                    "timeout_2xx_secs": 90
                },
                "jitter_buffer": {
                    "enable_jitter_buffer": false,
                    "jitterbuffer_msec_max": 200,
                    "jitterbuffer_msec_min": 60
                },
                "noise_suppression_details": {
                    "engine": "denoiser"
                },
                "onnet_t38_passthrough_enabled": false,
                "outbound": {
                    "ani_override": "",
                    "ani_override_type": "always",
                    "call_parking_enabled": false,
                    "generate_ringback_tone": false,
                    "instant_ringback_enabled": true,
                    "ip_authentication_method": "tech-prefixp-charge-info",
                    "t38_reinvite_source": "customer",
                    "tech_prefix": ""
                },
                "rtcp_settings": {
                    "capture_enabled": false,
                    "port": "rtp+1",
                    "report_frequency_secs": 5
                },
                "transport_protocol": "UDP",
                "webhook_api_version": "1",
                "webhook_event_failover_url": ""
            }),
            // What Telnyx answers for what the create leaves out (the emulator's, from the facts).
            serde_json::json!({"active": true, "conversation_persistence": false, "inbound": {"default_routing_method": "sequential", "sip_subdomain_receive_settings": "from_anyone"}}),
        )
    }
}
