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
        super::connection::defaults(serde_json::json!({
            "conversation_persistence": false,
            "default_on_hold_comfort_noise_enabled": true,
            "inbound": {
                "sip_region": "US",
                "sip_subdomain_receive_settings": "from_anyone"
            },
            "outbound": {
                "instant_ringback_enabled": true,
                "ip_authentication_method": "tech-prefixp-charge-info",
                "t38_reinvite_source": "customer",
                "tech_prefix": ""
            },
            "transport_protocol": "UDP"
        }))
    }
}
