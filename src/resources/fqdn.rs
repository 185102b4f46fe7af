//! `telnyx_fqdn` — a DNS name attached to an FQDN connection: Telnyx resolves it (A or SRV
//! record) to reach the customer's SIP infrastructure. Endpoints: `POST|GET /fqdns`,
//! `GET|PATCH|DELETE /fqdns/{id}`. Every argument updates in place (`PATCH` accepts
//! `connection_id` too, so a record can move to another FQDN connection).

use super::common::{created_at, id, record_type, updated_at};
use super::list::{FilterKind, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::plan::Planned;
use tfplug::schema::{int, string};
use tfplug::validate::Validator;
use tfplug::{AttrPath, Diagnostic, Diagnostics, PlanRequest, Schema, Value};

#[derive(Debug)]
pub struct Fqdn;

/// The record types the API documents.
pub const DNS_RECORD_TYPES: &[&str] = &["a", "srv"];

/// A DNS name: dot-separated labels (1–63 characters of letters, digits, `-` and `_`, no `-`
/// at either end), 253 characters in all, an optional final dot.
pub fn is_hostname(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let name = s.strip_suffix('.').unwrap_or(s);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

impl RestObject for Fqdn {
    const TYPE_NAME: &'static str = "telnyx_fqdn";
    const PATH: &'static str = "/fqdns";
    /// List items and `GET /fqdns/{id}` are one schema (`Fqdn`); a connection's records list on their own.
    const BATCH: Batch = Batch::By { attr: "connection_id", query: "filter[connection_id]" };

    fn schema() -> Schema {
        Schema::new(
            "A host name attached to an FQDN connection (`telnyx_fqdn_connection`): Telnyx resolves it to send calls to, \
             and accept calls from, your SIP infrastructure.",
        )
        .attr(id())
        .attr(
            string("connection_id").required().desc(
                "Id of the FQDN connection the record belongs to. Changing it moves the record to another FQDN connection (in place).",
            ),
        )
        .attr(
            string("fqdn")
                .required()
                .validate(Validator::Check { describe: "a fully qualified domain name such as `sip.example.com`", check: is_hostname })
                .desc("The fully qualified domain name, e.g. `sip.example.com`."),
        )
        .attr(string("dns_record_type").required().one_of(DNS_RECORD_TYPES).desc(
            "How Telnyx resolves the name: `a` (an A record, with `port`) or `srv` (an SRV record, which carries its own ports; \
             `port` must then be unset).",
        ))
        .attr(int("port").optional_computed().keep_state().between(0, 65_535).desc(
            "Port Telnyx sends SIP to, for `a` records. Unset: Telnyx's value (5060 for a new record) is kept; when \
                 `dns_record_type` changes, the port Telnyx then holds is read back (an `srv` record carries none of its own). \
                 With `srv`, leave it unset: only a repeat of the port Telnyx reports for the record (as \
                 `terraform plan -generate-config-out` writes it) is accepted, and it is never sent.",
        ))
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    /// An SRV record takes no port, yet Telnyx reports one (kept in state): never sent back.
    fn shape_body(planned: &Value, body: &mut serde_json::Value) {
        if planned.get("dns_record_type").as_str() == Some("srv") {
            if let Some(o) = body.as_object_mut() {
                o.remove("port");
            }
        }
    }

    /// `port` keeps its value from plan to plan (`keep_state`), except when the record type
    /// changes and the configuration leaves `port` to Telnyx: then Telnyx decides it (an `srv`
    /// record takes no port), so it is planned unknown and read back after the update.
    ///
    /// An `srv` record takes no port: a configured one is refused, unless it repeats the port
    /// Telnyx reports for that same record (what `terraform plan -generate-config-out` writes
    /// from state), which is never sent.
    fn modify_plan(req: &PlanRequest<'_>, planned: &mut Planned) -> Diagnostics {
        let mut d = Diagnostics::new();
        let retyped = !req.prior.is_null() && planned.state.get("dns_record_type") != req.prior.get("dns_record_type");
        let port = req.config.get("port");
        if retyped && port.is_null() {
            planned.state.set("port", Value::unknown());
        }
        let held = !retyped && !req.prior.is_null() && req.prior.get("port") == port;
        if planned.state.get("dns_record_type").as_str() == Some("srv") && !port.is_null() && !port.is_unknown() && !held {
            d.push(
                Diagnostic::error(
                    "Invalid attribute combination",
                    "`port` cannot be set when `dns_record_type` is `srv`: an SRV record carries its own ports. \
                     Remove `port`, or use `dns_record_type = \"a\"`.",
                )
                .at(AttrPath::attr("port")),
            );
        }
        d
    }

    /// The same host name on the same connection.
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        NaturalKey::of(planned, &[("connection_id", "filter[connection_id]"), ("fqdn", "filter[fqdn]")])
    }
}

impl Listed for Fqdn {
    const NOUN: (&'static str, &'static str) = ("FQDN record", "FQDN records");
    const LIST_TYPE_NAME: &'static str = "telnyx_fqdns";
    const LIST_ATTR: &'static str = "fqdns";
    const FILTERS: &'static [ListFilter] = &[
        ListFilter::text("connection_id", "filter[connection_id]", "Only records of this FQDN connection."),
        ListFilter::text("fqdn", "filter[fqdn]", "Only records of exactly this host name (case-sensitive)."),
        ListFilter { arg: "port", query: "filter[port]", kind: FilterKind::Port, desc: "Only records with this port." },
        ListFilter::text("dns_record_type", "filter[dns_record_type]", "Only records of this DNS record type (`a` or `srv`)."),
    ];
    const KEY: &'static [(&'static str, &'static str)] = &[("fqdn", "fqdn"), ("connection_id", "connection_id")];
}

impl super::Exported for Fqdn {
    const LABEL_PREFIX: &'static str = "fqdn";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        serde_json::json!({
            "port": 5060
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        for ok in ["sip.example.com", "a.b", "_sip._udp.example.com", "sip.example.com.", "x"] {
            assert!(is_hostname(&Value::string(ok)), "{ok}");
        }
        let long = format!("{}.com", "a".repeat(64));
        for bad in ["", "bad host.com", "-a.example.com", "a..b", "a.-b-.c", ".", long.as_str()] {
            assert!(!is_hostname(&Value::string(bad)), "{bad}");
        }
    }

    #[test]
    fn port_is_kept_unless_the_record_type_changes() {
        use tfplug::plan::{check_plan, plan};
        let attrs = Fqdn::schema().attributes;
        let mut prior = Value::null_object(&Fqdn::schema().ty());
        for (k, v) in [("id", "1"), ("connection_id", "c"), ("fqdn", "sip.example.com"), ("dns_record_type", "a")] {
            prior.set(k, Value::string(v));
        }
        prior.set("port", Value::int(5080));
        for k in ["record_type", "created_at", "updated_at"] {
            prior.set(k, Value::string("x"));
        }
        let config = |fqdn: &str, t: &str| {
            let mut c = Value::null_object(&Fqdn::schema().ty());
            c.set("connection_id", Value::string("c"));
            c.set("fqdn", Value::string(fqdn));
            c.set("dns_record_type", Value::string(t));
            c
        };
        // Terraform's proposal: the configuration with the prior computed values.
        let proposed = |c: &Value| {
            let mut p = c.clone();
            for k in ["id", "port", "record_type", "created_at", "updated_at"] {
                if c.get(k).is_null() {
                    p.set(k, prior.get(k).clone());
                }
            }
            p
        };
        let run = |c: &Value| {
            let mut p = plan(&attrs, &prior, c, &proposed(c));
            let d = Fqdn::modify_plan(&PlanRequest { prior: &prior, config: c }, &mut p);
            assert!(d.is_empty() && check_plan(&attrs, &prior, c, &p.state).is_empty());
            p.state
        };
        let renamed = run(&config("sip2.example.com", "a"));
        assert_eq!(renamed.get("port"), &Value::int(5080), "another change keeps the port");
        assert!(renamed.get("updated_at").is_unknown());
        let srv = run(&config("sip.example.com", "srv"));
        assert!(srv.get("port").is_unknown(), "Telnyx decides the port of a record that became srv");
        let mut with_port = config("sip.example.com", "a");
        with_port.set("port", Value::int(5090));
        assert_eq!(run(&with_port).get("port"), &Value::int(5090));
        assert_eq!(run(&config("sip.example.com", "a")), prior, "nothing changed: nothing planned");
    }

    #[test]
    fn srv_records_take_no_port_but_the_one_telnyx_reports_may_be_repeated() {
        use tfplug::plan::plan;
        let attrs = Fqdn::schema().attributes;
        let cfg = |t: &str, port: Value| {
            let mut v = Value::null_object(&Fqdn::schema().ty());
            v.set("connection_id", Value::string("c"));
            v.set("fqdn", Value::string("sip.example.com"));
            v.set("dns_record_type", Value::string(t));
            v.set("port", port);
            v
        };
        let null = Value::null_object(&Fqdn::schema().ty());
        let mut srv_state = cfg("srv", Value::int(5060));
        srv_state.set("id", Value::string("1"));
        let mut a_state = srv_state.clone();
        a_state.set("dns_record_type", Value::string("a"));
        let errors = |prior: &Value, c: &Value| {
            let mut p = plan(&attrs, prior, c, c);
            let d = Fqdn::modify_plan(&PlanRequest { prior, config: c }, &mut p);
            d.iter().map(|e| e.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect::<Vec<_>>()
        };
        assert_eq!(errors(&null, &cfg("srv", Value::int(5060))), ["port"], "a new srv record with a port");
        assert_eq!(errors(&srv_state, &cfg("srv", Value::int(5070))), ["port"], "another port than Telnyx reports");
        assert_eq!(errors(&a_state, &cfg("srv", Value::int(5060))), ["port"], "a record becoming srv keeps no port");
        assert!(errors(&srv_state, &cfg("srv", Value::int(5060))).is_empty(), "the reported port, as generated config writes it");
        assert!(errors(&null, &cfg("srv", Value::Null)).is_empty());
        assert!(errors(&null, &cfg("a", Value::int(5060))).is_empty());
        assert!(errors(&null, &cfg("srv", Value::unknown())).is_empty(), "not known yet: left to the API");
    }
}
