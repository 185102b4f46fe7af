//! `telnyx_ip` — an IPv4 address (and port) attached to an IP connection: Telnyx accepts calls
//! from it and sends calls to it. Endpoints: `POST|GET /ips`, `GET|PATCH|DELETE /ips/{id}`.
//! Every argument updates in place (`PATCH` takes `connection_id` too; it requires
//! `ip_address`, which the update always sends).

use serde_json::json;

use super::common::{created_at, id, record_type, updated_at};
use super::list::{FilterKind, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::Schema;
use tfplug::Value;
use tfplug::schema::{int, string};
use tfplug::validate::Validator;

#[derive(Debug)]
pub struct Ip;

impl RestObject for Ip {
    const TYPE_NAME: &'static str = "telnyx_ip";
    const PATH: &'static str = "/ips";
    /// List items and `GET /ips/{id}` are one schema (`Ip`); a connection's records list on their own.
    const BATCH: Batch = Batch::By { attr: "connection_id", query: "filter[connection_id]" };

    fn schema() -> Schema {
        Schema::new(
            "An IP address attached to an IP connection (`telnyx_ip_connection`): Telnyx accepts calls from it and sends calls to it.",
        )
        .attr(id())
        .attr(
            string("connection_id")
                .required()
                .desc("Id of the IP connection the address belongs to. Changing it moves the address to another IP connection (in place)."),
        )
        .attr(string("ip_address").required().validate(Validator::Ipv4).desc("The IPv4 address, e.g. `192.0.2.10`."))
        .attr(
            int("port")
                .optional_computed()
                .keep_state()
                .between(0, 65_535)
                .desc("Port of the SIP endpoint at this address. Unset: Telnyx's value (5060 for a new address) is kept."),
        )
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    /// The same address (and port, when configured) on the same connection.
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        let mut key = NaturalKey::of(planned, &[("connection_id", "filter[connection_id]"), ("ip_address", "filter[ip_address]")])?;
        if let Some(port) = planned.get("port").as_i64() {
            key.matches.push(("port", json!(port)));
        }
        Some(key)
    }
}

impl Listed for Ip {
    const NOUN: (&'static str, &'static str) = ("IP address record", "IP address records");
    const LIST_TYPE_NAME: &'static str = "telnyx_ips";
    const LIST_ATTR: &'static str = "ips";
    const FILTERS: &'static [ListFilter] = &[
        ListFilter::text("connection_id", "filter[connection_id]", "Only addresses of this IP connection."),
        ListFilter::text("ip_address", "filter[ip_address]", "Only records of exactly this IP address."),
        ListFilter { arg: "port", query: "filter[port]", kind: FilterKind::Port, desc: "Only records with this port." },
    ];
    const KEY: &'static [(&'static str, &'static str)] =
        &[("ip_address", "ip_address"), ("connection_id", "connection_id"), ("port", "port")];
}

impl super::Exported for Ip {
    const LABEL_PREFIX: &'static str = "ip";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        serde_json::json!({
            "port": 5060
        })
    }

    /// The address, and the port where it is not SIP's 5060.
    fn export_name(obj: &serde_json::Value) -> String {
        let name = super::text_of(obj, "ip_address");
        match obj.get("port").and_then(serde_json::Value::as_i64) {
            Some(p) if p != 5060 => format!("{name}_{p}"),
            _ => name,
        }
    }
}
