//! What the three SIP connection types (credential, FQDN, IP) share, written once: the
//! top-level attributes, the nested objects `rtcp_settings`, `jitter_buffer` and
//! `noise_suppression_details`, the `inbound`/`outbound` attributes every type has, and the
//! plan-time checks. Each type's file declares only its differences in a [`Shape`].
//!
//! Presence follows what the API can hold (shared/telnyx-api):
//! * a field with a server default, or one the API does not accept as `null`, is
//!   Optional+Computed and keeps its state ([`server_default`]): leaving it out never diffs,
//!   and removing it from the configuration leaves the last value in place;
//! * a field without a server default that the API can clear is Optional ([`clearable`]):
//!   removing it from the configuration clears it on the server (see `resources::mapping` for
//!   how: `null`, `[]`, or left out of its nested object).
//! * nested objects are Optional+Computed with such leaves, so a partly configured object
//!   never diffs, and an update sends the whole desired object.

use serde_json::json;

use super::common::{created_at, id, is_country_code, record_type, tags, updated_at};
use super::list::{FilterField, FilterKind, ListFilter};
use super::rest::NaturalKey;
use tfplug::diag::AttrPath;
use tfplug::plan::Planned;
use tfplug::schema::{Attribute, bool, int, list, nested, string};
use tfplug::types::Type;
use tfplug::validate::Validator;
use tfplug::{Diagnostic, Diagnostics, PlanRequest, Schema, Value};

/// A field with a server default (or one `null` cannot clear): unset means "what Telnyx has".
pub fn server_default(a: Attribute) -> Attribute {
    a.optional_computed().keep_state()
}

/// A field without a server default: unset means unset, and removing it clears it.
pub fn clearable(a: Attribute) -> Attribute {
    a.optional()
}

// ---- value checks -----------------------------------------------------------------------

/// Media anchor sites, verbatim (several contain a comma and a space).
pub const ANCHORSITES: &[&str] = &[
    "Latency",
    "Chicago, IL",
    "Ashburn, VA",
    "San Jose, CA",
    "Sydney, Australia",
    "Amsterdam, Netherlands",
    "London, UK",
    "Toronto, Canada",
    "Vancouver, Canada",
    "Frankfurt, Germany",
];

const T38_SOURCES: &[&str] = &["telnyx", "customer", "disabled", "passthru", "caller-passthru", "callee-passthru"];

fn is_url_or_empty(v: &Value) -> bool {
    v.as_str() == Some("") || Validator::Url.check(v)
}

fn is_country_or_empty(v: &Value) -> bool {
    v.as_str() == Some("") || is_country_code(v)
}

fn is_four_digits_or_empty(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.is_empty() || (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())))
}

fn is_e164_or_empty(v: &Value) -> bool {
    v.as_str() == Some("") || super::outbound_voice_profile::is_e164(v)
}

/// Credential `user_name`: 4–32 letters and digits, a letter among the first five.
pub fn is_user_name(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        (4..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) && s.bytes().take(5).any(|b| b.is_ascii_alphabetic())
    })
}

// ---- per-type differences ----------------------------------------------------------------

/// One connection type's differences from the shared shape.
#[derive(Debug)]
pub struct Shape {
    pub description: &'static str,
    /// `connection_name`: required for credential and FQDN connections, optional for IP.
    pub connection_name: Attribute,
    pub webhook_api_versions: &'static [&'static str],
    /// Why the type offers these `webhook_api_version` values (appended to the description).
    pub webhook_api_versions_note: &'static str,
    /// The type's own `inbound` members (besides [`inbound_common`]).
    pub inbound: Vec<Attribute>,
    /// The type's own `outbound` members (besides [`outbound_common`]).
    pub outbound: Vec<Attribute>,
    /// The type's own top-level attributes.
    pub extra: Vec<Attribute>,
}

/// Terraform 1.0 checks references statically against the attribute's declared type, which a
/// nested attribute does not have there, so `x.inbound.channel_limit` fails to validate.
/// How to refer to a member of the nested attribute `attr` (`member` as the example).
fn member_references(attr: &str, member: &str) -> String {
    format!(
        "To refer to a member, write `lookup(<address>.{attr}, \"{member}\")`: Terraform before 1.2.7 rejects references of the \
         form `<address>.{attr}.{member}`."
    )
}

/// The full schema of a connection type.
pub fn schema(shape: Shape) -> Schema {
    let Shape { description, connection_name, webhook_api_versions, webhook_api_versions_note, inbound, outbound, extra } = shape;
    Schema::new(description)
        .attr(id())
        .attr(connection_name)
        .attr(server_default(bool("active")).desc("Whether the connection can make and receive calls."))
        .attr(server_default(string("anchorsite_override")).one_of(ANCHORSITES).desc(
            "Media anchor site: `Latency` lets Telnyx pick the nearest site; any other value (e.g. `\"Chicago, IL\"`) pins media there.",
        ))
        .attr(
            clearable(string("android_push_credential_id")).desc("Id of an Android push credential for WebRTC clients of this connection."),
        )
        .attr(
            server_default(bool("bridge_generate_comfort_noise_on_cn"))
                .desc("Whether Telnyx generates silent RTP toward the other leg when comfort-noise packets arrive during hold."),
        )
        .attr(server_default(bool("call_cost_in_webhooks")).desc("Whether call-cost webhooks are sent for this connection."))
        .attr(server_default(bool("conversation_persistence")).desc(
            "Whether conversation history of calls on this connection is kept. Telnyx accepts it only on update: \
             when set at creation, the provider sends it in a follow-up update.",
        ))
        .attr(
            server_default(bool("default_on_hold_comfort_noise_enabled"))
                .desc("Whether comfort noise is generated while a call is on hold."),
        )
        .attr(
            server_default(string("dtmf_type"))
                .one_of(&["RFC 2833", "Inband", "SIP INFO"])
                .desc("How DTMF digits are sent: `RFC 2833`, `Inband` or `SIP INFO`."),
        )
        .attr(server_default(bool("encode_contact_header_enabled")).desc("Whether the Contact header of outbound calls is encoded."))
        .attr(
            clearable(string("encrypted_media"))
                .one_of(&["SRTP"])
                .desc("`SRTP` to encrypt media; unset for none. Cannot be combined with `transport_protocol = \"TLS\"`."),
        )
        .attr(clearable(string("ios_push_credential_id")).desc("Id of an iOS push credential for WebRTC clients of this connection."))
        .attr(
            server_default(string("noise_suppression"))
                .one_of(&["inbound", "outbound", "both", "disabled"])
                .desc("Which call legs get noise suppression: `inbound`, `outbound`, `both` or `disabled`."),
        )
        .attr(server_default(bool("onnet_t38_passthrough_enabled")).desc("Whether T.38 fax passes through between Telnyx connections."))
        .attr(tags())
        .attr(
            server_default(string("webhook_api_version"))
                .one_of(webhook_api_versions)
                .desc(format!("Version of the webhook payloads sent to `webhook_event_url`.{webhook_api_versions_note}")),
        )
        .attr(
            server_default(string("webhook_event_failover_url"))
                .validate(Validator::Check { describe: "an absolute URL with a scheme (`https://…`), or empty", check: is_url_or_empty })
                .desc("Webhook URL used when `webhook_event_url` fails; `\"\"` for none."),
        )
        .attr(server_default(string("webhook_event_url")).validate(Validator::Url).desc(
            "URL that receives call-control webhooks (with a scheme, e.g. `https://`). Telnyx accepts neither `null` nor an empty \
             value here, so there is no way to clear it: removing it from the configuration keeps the URL Telnyx holds.",
        ))
        .attr(clearable(int("webhook_timeout_secs")).between(0, 30).desc("Seconds Telnyx waits for a webhook response (0–30)."))
        .attrs(extra)
        .attr(server_default(nested("inbound", [inbound_common(), inbound].concat())).desc(format!(
            "Inbound call settings. Members left out keep the values Telnyx holds; a change sends the whole object. {}",
            member_references("inbound", "channel_limit")
        )))
        .attr(server_default(nested("outbound", [outbound_common(), outbound].concat())).desc(format!(
            "Outbound call settings. Members left out keep the values Telnyx holds; a change sends the whole object. {}",
            member_references("outbound", "outbound_voice_profile_id")
        )))
        .attr(rtcp_settings())
        .attr(jitter_buffer())
        .attr(noise_suppression_details())
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
}

// ---- shared nested objects -----------------------------------------------------------------

pub fn rtcp_settings() -> Attribute {
    server_default(nested(
        "rtcp_settings",
        vec![
            server_default(bool("capture_enabled")).desc("Whether RTCP packets are captured."),
            server_default(string("port")).one_of(&["rtcp-mux", "rtp+1"]).desc("RTCP port: `rtcp-mux` (shared with RTP) or `rtp+1`."),
            server_default(int("report_frequency_secs")).between(5, 3000).desc("Seconds between RTCP reports (5–3000)."),
        ],
    ))
    .desc("RTCP settings.")
}

pub fn jitter_buffer() -> Attribute {
    server_default(nested(
        "jitter_buffer",
        vec![
            server_default(bool("enable_jitter_buffer")).desc("Whether the jitter buffer is on."),
            server_default(int("jitterbuffer_msec_max")).between(40, 400).desc("Largest buffer in milliseconds (40–400)."),
            server_default(int("jitterbuffer_msec_min")).between(40, 400).desc("Smallest buffer in milliseconds (40–400)."),
        ],
    ))
    .desc("Jitter buffer for media from the connection.")
}

pub fn noise_suppression_details() -> Attribute {
    server_default(nested(
        "noise_suppression_details",
        vec![
            server_default(int("attenuation_limit"))
                .between(0, 100)
                .validate(Validator::MultipleOf(10))
                .desc("Most attenuation applied, 0–100 in steps of 10."),
            server_default(string("engine"))
                .one_of(&[
                    "denoiser",
                    "deep_filter_net",
                    "deep_filter_net_large",
                    "krisp_viva_tel",
                    "krisp_viva_tel_lite",
                    "krisp_viva_promodel",
                    "krisp_viva_ss",
                    "quail_voice_focus",
                ])
                .desc("Noise suppression engine."),
        ],
    ))
    .desc("Noise suppression engine settings (see `noise_suppression` for which legs).")
}

/// `inbound` members every connection type has.
pub fn inbound_common() -> Vec<Attribute> {
    vec![
        server_default(string("ani_number_format"))
            .one_of(&["+E.164", "E.164", "+E.164-national", "E.164-national"])
            .desc("Format of the caller number (ANI) on inbound calls."),
        clearable(int("channel_limit")).desc("Most inbound calls at once; unset for no limit."),
        server_default(list("codecs", Type::String)).desc("Codecs offered on inbound calls, in order of preference."),
        server_default(string("default_routing_method"))
            .one_of(&["sequential", "round-robin"])
            .desc("How inbound calls are spread over the connection's endpoints: `sequential` or `round-robin`."),
        server_default(string("dnis_number_format"))
            .one_of(&["+e164", "e164", "national", "sip_username"])
            .desc("Format of the called number (DNIS) on inbound calls."),
        server_default(bool("generate_ringback_tone")).desc("Whether Telnyx plays ringback to the caller on inbound calls."),
        server_default(bool("isup_headers_enabled")).desc("Whether ISUP headers are sent on inbound calls."),
        server_default(bool("prack_enabled")).desc("Whether PRACK (reliable provisional responses) is used."),
        server_default(bool("shaken_stir_enabled")).desc("Whether SHAKEN/STIR identity headers are sent on inbound calls."),
        server_default(bool("sip_compact_headers_enabled")).desc("Whether compact SIP headers are used."),
        server_default(int("timeout_1xx_secs"))
            .between(1, 120)
            .desc("Seconds to wait for a 1xx response before trying the next endpoint (1–120)."),
        server_default(int("timeout_2xx_secs")).between(1, 600).desc("Seconds to wait for a 2xx response before giving up (1–600)."),
    ]
}

/// `outbound` members every connection type has.
pub fn outbound_common() -> Vec<Attribute> {
    vec![
        server_default(string("ani_override_type"))
            .one_of(&["always", "normal", "emergency"])
            .desc("When `ani_override` applies: `always`, `normal` or `emergency` calls."),
        server_default(bool("call_parking_enabled")).desc("Whether outbound calls can be parked."),
        server_default(bool("generate_ringback_tone")).desc("Whether Telnyx plays ringback to the caller on outbound calls."),
        server_default(bool("instant_ringback_enabled")).desc("Whether ringback starts at once, before the far end rings."),
        clearable(string("outbound_voice_profile_id")).desc(
            "Id of the outbound voice profile that governs outbound calls (e.g. `telnyx_outbound_voice_profile.x.id`); \
             unset for none, and removing it detaches the connection from its profile. \
             Telnyx refuses to delete a profile while a connection references it, and Terraform destroys a removed profile \
             before it updates the connections that used it unless the profile has `lifecycle { create_before_destroy = true }`: \
             give profiles that setting to move connections to another profile, or detach them, and delete the old profile in the same apply.",
        ),
        server_default(string("t38_reinvite_source")).one_of(T38_SOURCES).desc("Which side sends the T.38 re-INVITE for fax."),
    ]
}

// ---- members only some types have ------------------------------------------------------------

/// Outbound `channel_limit`: clearable where its default is null (credential, IP).
pub fn outbound_channel_limit(a: fn(Attribute) -> Attribute) -> Attribute {
    a(int("channel_limit")).desc("Most outbound calls at once.")
}

/// Outbound `localization` (a country code whose dialling rules apply).
pub fn localization(a: fn(Attribute) -> Attribute) -> Attribute {
    a(string("localization"))
        .validate(Validator::Check { describe: "a 2-letter country code such as `US`, or empty", check: is_country_or_empty })
        .desc("Country (ISO 3166-1 alpha-2) whose dialling rules apply to numbers without a country code; empty tries US then GB.")
}

/// Inbound `sip_region`, `sip_subdomain`, `sip_subdomain_receive_settings` (FQDN and IP).
pub fn sip_subdomain_settings(subdomain: fn(Attribute) -> Attribute) -> Vec<Attribute> {
    vec![
        server_default(string("sip_region")).one_of(&["US", "Europe", "Australia"]).desc("Region where inbound SIP is handled."),
        subdomain(string("sip_subdomain")).desc("SIP subdomain (`<sip_subdomain>.sip.telnyx.com`) that reaches this connection."),
        server_default(string("sip_subdomain_receive_settings"))
            .one_of(&["only_my_connections", "from_anyone"])
            .desc("Who may call the SIP subdomain: `only_my_connections` or `from_anyone`."),
    ]
}

/// Outbound `ip_authentication_method`, `ip_authentication_token` and `tech_prefix` (FQDN and IP).
pub fn ip_authentication(methods: &[&str], token: fn(Attribute) -> Attribute) -> Vec<Attribute> {
    vec![
        server_default(string("ip_authentication_method")).one_of(methods).desc("How outbound calls authenticate."),
        token(string("ip_authentication_token")).sensitive().desc(
            "Token that authenticates outbound calls when the method uses one. Sensitive: masked in plans and never logged. \
                 Terraform 1.0 does not carry the mark into expressions that read it out of `outbound` (an output of \
                 `outbound.ip_authentication_token` or of the whole `outbound` is printed): declare such outputs `sensitive = true`.",
        ),
        server_default(string("tech_prefix"))
            .validate(Validator::Check { describe: "exactly 4 digits, or empty", check: is_four_digits_or_empty })
            .desc("Technical prefix (4 digits) that identifies this connection's outbound calls; empty for none."),
    ]
}

/// Outbound `ani_override` (FQDN connections document it as an E.164 number).
pub fn ani_override() -> Attribute {
    server_default(string("ani_override")).desc("Caller number (ANI) that replaces the one sent, per `ani_override_type`.")
}

/// An E.164 number or empty.
pub fn e164_or_empty() -> Validator {
    Validator::Check { describe: "an E.164 number such as `+13125550100`, or empty", check: is_e164_or_empty }
}

// ---- plan-time checks ----------------------------------------------------------------------

/// The attributes that `transport_protocol = "TLS"` excludes and `v` sets.
fn tls_clashes(v: &Value) -> Vec<AttrPath> {
    if v.get("transport_protocol").as_str() != Some("TLS") {
        return Vec::new();
    }
    [AttrPath::attr("encrypted_media"), AttrPath::attr("outbound").join("encrypted_media")]
        .into_iter()
        .filter(|p| {
            let x = p.attr_names().iter().fold(v, |v, n| v.get(n));
            !x.is_null() && !x.is_unknown()
        })
        .collect()
}

/// Documented rules between attributes: `encrypted_media` (and, for FQDN connections,
/// `outbound.encrypted_media`) cannot be set while `transport_protocol` is `TLS`.
pub fn validate(config: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    for p in tls_clashes(config) {
        d.push(
            Diagnostic::error(
                "Invalid attribute combination",
                format!("`{p}` cannot be set while `transport_protocol` is \"TLS\": TLS connections do not support SRTP here. Remove `{p}` or choose UDP or TCP."),
            )
            .at(p.clone()),
        );
    }
    d
}

/// The same rule on the planned object, where values the configuration leaves unset keep
/// what the connection holds now and may clash with what it sets. A clash the configuration
/// alone shows was reported by [`validate`] already.
pub fn check_planned(req: &PlanRequest<'_>, planned: &Planned) -> Diagnostics {
    let mut d = Diagnostics::new();
    if !tls_clashes(req.config).is_empty() {
        return d;
    }
    for p in tls_clashes(&planned.state) {
        d.push(
            Diagnostic::error(
                "Invalid attribute combination",
                format!(
                    "With this configuration the connection would have `{p}` set while `transport_protocol` is \"TLS\", which Telnyx refuses: \
                     what the configuration leaves unset keeps the connection's current value. Set `transport_protocol` to \"UDP\" or \"TCP\" \
                     to keep SRTP, or configure `{p}` away (an `outbound` block without `encrypted_media` clears it)."
                ),
            )
            .at(p.clone()),
        );
    }
    d
}

/// Natural key: the exact `connection_name` (and, for credential connections, `user_name`).
pub fn natural_key(planned: &Value, also: Option<&'static str>) -> Option<NaturalKey> {
    let name = planned.get("connection_name").as_str()?;
    let mut matches = vec![("connection_name", json!(name))];
    if let Some(field) = also {
        matches.push((field, json!(planned.get(field).as_str()?)));
    }
    // The name filter needs 3 characters: shorter names are matched over the full list.
    let filters = NAME_CONTAINS.query_for(&Value::string(name)).into_iter().collect();
    Some(NaturalKey { filters, matches })
}

/// `inbound.default_{primary,secondary,tertiary}_<record>_id` of FQDN (`record` = `fqdn`) and
/// IP (`ip`) connections: the address records inbound calls try first, second and third.
pub fn default_record_ids(record: &str) -> Vec<Attribute> {
    let label = record.to_uppercase();
    [("primary", "first"), ("secondary", "second"), ("tertiary", "third")]
        .into_iter()
        .map(|(which, order)| {
            clearable(string(&format!("default_{which}_{record}_id"))).desc(format!(
                "Id of the {label} record (of this connection) that inbound calls try {order}; unset for none. \
                 It cannot refer to a `telnyx_{record}` of this connection in the same configuration (the {label} needs the \
                 connection's id and the connection would need the {label}'s: a dependency cycle): set it to the literal id, \
                 or from a second configuration. Deleting the {label} record clears it."
            ))
        })
        .collect()
}

// ---- the connection lists' filters (credential, FQDN and IP connections, and `telnyx_connections`)

/// The connection lists' name filter (also how a connection is found by its name).
pub const NAME_CONTAINS: ListFilter = ListFilter {
    arg: "connection_name_contains",
    query: "filter[connection_name][contains]",
    kind: FilterKind::TextAtLeast(3),
    desc: "Only connections whose name contains this text, ignoring case (at least 3 characters).",
};
/// Sent under the name the current spec and SDK use for all four connection lists (reference
/// §10; the 2025 spec named it `filter[outbound.outbound_voice_profile_id]` on the credential
/// and IP lists, and §11 cannot say which a server honours): the provider checks each listed
/// connection's `outbound.outbound_voice_profile_id` as well.
pub const PROFILE: ListFilter = ListFilter::text(
    "outbound_voice_profile_id",
    "filter[outbound_voice_profile_id]",
    "Only connections that use this outbound voice profile.",
);
pub const FQDN: ListFilter = ListFilter::text(
    "fqdn",
    "filter[fqdn]",
    "Only connections with an FQDN record (`telnyx_fqdn`) of exactly this host name (case-sensitive). \
     FQDN records belong to FQDN connections only, so on the other connection lists this matches nothing.",
);
/// Where connections hold what the filters test: the profile inside `outbound`; FQDN
/// host names in the FQDN records that point at the connection.
pub const CONNECTION_FILTER_FIELDS: &[(&str, FilterField)] = &[
    ("outbound_voice_profile_id", FilterField::Path("outbound.outbound_voice_profile_id")),
    ("fqdn", FilterField::Linked { list: "/fqdns", link: "connection_id" }),
];

/// A connection is looked up by its exact `connection_name` (listed with the name filter).
pub const CONNECTION_KEY: &[(&str, &str)] = &[("connection_name", "connection_name_contains")];

/// A connection family's export defaults: what every connection type holds when a create
/// leaves it out — Telnyx's documented defaults, and the values Telnyx answers for fields it
/// documents none for (`active`, `noise_suppression`, …; the emulator's, from the facts) —
/// with the family's own (`own`) merged over them.
pub fn defaults(own: serde_json::Value) -> serde_json::Value {
    let every = json!({
        "active": true,
        "anchorsite_override": "Latency",
        "bridge_generate_comfort_noise_on_cn": false,
        "call_cost_in_webhooks": false,
        "dtmf_type": "RFC 2833",
        "encode_contact_header_enabled": false,
        "inbound": {
            "ani_number_format": "E.164-national",
            "codecs": [
                "G722",
                "G711U",
                "G711A",
                "G729",
                "OPUS",
                "H.264"
            ],
            "default_routing_method": "sequential",
            "dnis_number_format": "e164",
            "generate_ringback_tone": false,
            "isup_headers_enabled": false,
            "prack_enabled": false,
            "shaken_stir_enabled": false,
            "sip_compact_headers_enabled": true,
            "timeout_1xx_secs": 3,
            "timeout_2xx_secs": 90
        },
        "jitter_buffer": {
            "enable_jitter_buffer": false,
            "jitterbuffer_msec_max": 200,
            "jitterbuffer_msec_min": 60
        },
        "noise_suppression": "disabled",
        "noise_suppression_details": {
            "attenuation_limit": 0,
            "engine": "denoiser"
        },
        "onnet_t38_passthrough_enabled": false,
        "outbound": {
            "ani_override": "",
            "ani_override_type": "always",
            "call_parking_enabled": false,
            "generate_ringback_tone": false
        },
        "rtcp_settings": {
            "capture_enabled": false,
            "port": "rtp+1",
            "report_frequency_secs": 5
        },
        "webhook_api_version": "1",
        "webhook_event_failover_url": ""
    });
    merged(every, own)
}

/// `base` with `more` merged in (nested objects member by member).
pub fn merged(mut base: serde_json::Value, more: serde_json::Value) -> serde_json::Value {
    match (&mut base, more) {
        (serde_json::Value::Object(b), serde_json::Value::Object(m)) => {
            for (k, v) in m {
                let slot = b.entry(k).or_insert(serde_json::Value::Null);
                *slot = merged(std::mem::take(slot), v);
            }
            base
        }
        (_, more) => more,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_checks() {
        assert!(is_user_name(&"alice1".into()));
        assert!(is_user_name(&"1234a".into()));
        assert!(!is_user_name(&"12345a".into()), "no letter among the first five");
        assert!(!is_user_name(&"abc".into()));
        assert!(!is_user_name(&"ab_cd".into()));
        assert!(!is_user_name(&"a".repeat(33).as_str().into()));
        assert!(is_four_digits_or_empty(&"".into()) && is_four_digits_or_empty(&"1234".into()));
        assert!(!is_four_digits_or_empty(&"123".into()) && !is_four_digits_or_empty(&"12a4".into()));
        assert!(is_country_or_empty(&"".into()) && is_country_or_empty(&"GB".into()) && !is_country_or_empty(&"gb".into()));
        assert!(is_url_or_empty(&"".into()) && is_url_or_empty(&"https://x.example/h".into()) && !is_url_or_empty(&"x.example".into()));
        assert!(is_e164_or_empty(&"+13125550100".into()) && !is_e164_or_empty(&"3125550100".into()));
    }

    #[test]
    fn encrypted_media_is_refused_with_tls() {
        let obj = |pairs: &[(&str, Value)]| Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect());
        let outbound = obj(&[("encrypted_media", "SRTP".into())]);
        let tls = obj(&[("transport_protocol", "TLS".into()), ("encrypted_media", "SRTP".into()), ("outbound", outbound.clone())]);
        let d = validate(&tls);
        let paths: Vec<String> = d.iter().filter_map(|x| x.path.as_ref().map(ToString::to_string)).collect();
        assert_eq!(paths, ["encrypted_media", "outbound.encrypted_media"]);
        let udp = obj(&[("transport_protocol", "UDP".into()), ("encrypted_media", "SRTP".into()), ("outbound", outbound)]);
        assert!(validate(&udp).is_empty());
        let unknown = obj(&[("transport_protocol", "TLS".into()), ("encrypted_media", Value::unknown()), ("outbound", Value::Null)]);
        assert!(validate(&unknown).is_empty(), "unknown values are checked once known");

        // Planned values kept from the connection (unset in the configuration) clash too, and
        // are reported once: by `check_planned` only when the configuration alone shows nothing.
        let config = obj(&[("transport_protocol", "TLS".into()), ("encrypted_media", Value::Null), ("outbound", Value::Null)]);
        let kept = obj(&[("encrypted_media", "SRTP".into())]);
        let planned = Planned {
            state: obj(&[("transport_protocol", "TLS".into()), ("encrypted_media", Value::Null), ("outbound", kept)]),
            requires_replace: Vec::new(),
        };
        let req = PlanRequest { prior: &planned.state, config: &config };
        let d = check_planned(&req, &planned);
        let paths: Vec<String> = d.iter().filter_map(|x| x.path.as_ref().map(ToString::to_string)).collect();
        assert_eq!(paths, ["outbound.encrypted_media"]);
        let req = PlanRequest { prior: &planned.state, config: &tls };
        assert!(check_planned(&req, &planned).is_empty(), "already reported by validate");
    }
}
