//! The object families the emulator serves, as data: fields (from shared/telnyx-api),
//! envelopes, statuses, required fields, natural-key uniqueness and list filters.

use crate::spec::{Cross, Field, Gen, Kind, Rule, concat, f};

/// How a list filter matches a field.
#[derive(Debug, Clone, Copy)]
pub enum Match {
    /// Case-insensitive substring.
    Contains,
    /// Case-insensitive substring of at least this many characters (shorter: 422).
    ContainsAtLeast(usize),
    /// Exact, case-sensitive.
    Exact,
    /// Some object of `family` whose `link` field holds this object's id has `field` exactly
    /// equal to the value (e.g. a connection that has an FQDN record `fqdn`).
    Related { family: &'static str, link: &'static str },
    /// Case-insensitive prefix.
    StartsWith,
    /// Case-insensitive suffix.
    EndsWith,
    /// The field (a list of strings) has the value as one of its items (`filter[tag]`).
    Member,
    /// At least three digits, found in the field's digits (`filter[phone_number]`, unknown 3 of
    /// numbers-and-billing.md, decided: substring of the digits); a value with anything but
    /// digits matches nothing, fewer than three digits is a 422.
    Digits,
    /// Exact; the value `null` selects objects whose field is null (`filter[billing_group_id]`).
    ExactOrNull,
    /// Exact against any of the comma-separated values (`filter[country_iso_alpha2]=US,CA`).
    AnyOf,
    /// `true`: the field (a list) is empty; any other value is ignored (`filter[without_tags]`).
    EmptyIfTrue,
    /// The value names a field value through this table (`filter[source]=ported` selects
    /// `source_type` `port_request`); a value not in it is a 422.
    Named(&'static [(&'static str, &'static str)]),
    /// An integer equal to the value (a value that is not an integer: 422).
    Int,
    /// A date-time compared with the value, an ISO 8601 date-time (anything else: 422).
    Time(Cmp),
    /// `true`: some object of `family` holds this object's id in `link`; `false`: none does;
    /// anything else is a 422 (`filter[used_as_emergency]` of addresses).
    Referenced { family: &'static str, link: &'static str },
}

/// How a date-time filter compares the object's value with the query's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// Query key as sent on the wire, e.g. `filter[name][contains]`.
    pub key: &'static str,
    /// Dotted field path, e.g. `name` or `outbound.outbound_voice_profile_id`.
    pub field: &'static str,
    pub how: Match,
}

#[derive(Debug)]
pub struct Family {
    /// Path segment and state key, e.g. `outbound_voice_profiles`.
    pub name: &'static str,
    pub record_type: Option<&'static str>,
    pub fields: &'static [Field],
    /// Single objects without the `{"data": …}` wrapper.
    pub bare: bool,
    pub create_status: u16,
    pub required_create: &'static [&'static str],
    pub required_update: &'static [&'static str],
    /// Fields whose value must be unique across the family (natural keys).
    pub unique: &'static [&'static str],
    pub filters: &'static [Filter],
    /// `sort` values accepted (ascending names; `-` prefix for descending).
    pub sorts: &'static [&'static str],
    pub default_page_size: usize,
    /// Documented rules between fields, checked on the object a create or update produces.
    pub checks: &'static [Cross],
    /// Fields that must hold the id of an existing object elsewhere, each declared once, here
    /// on the referencing side, with what a delete of the referenced object does to it.
    pub refs: &'static [Ref],
    /// `POST /{name}/{id}/actions/{action}` endpoints.
    pub actions: &'static [Action],
    /// Whether `GET /{name}/{id}` exists (access IP ranges have none).
    pub retrieve: bool,
    /// Whether `PATCH /{name}/{id}` exists (access IP ranges have none).
    pub update: bool,
    /// Whether `POST /{name}` exists (phone numbers are bought through orders, never here).
    pub create: bool,
    /// Ids are UUIDs (billing groups) rather than 19-digit numbers.
    pub uuid_ids: bool,
    /// The status of a delete refused because other objects still reference this one.
    pub in_use_status: u16,
    /// A settings view of each object at `/{name}/{id}/{view}`, listed at `/{name}/{view}`
    /// (a phone number's voice settings).
    pub sub_view: Option<&'static SubView>,
    /// Fields of the object filled from elsewhere when it is answered: (field, dotted path in
    /// the stored object) — a phone number's `call_forwarding_enabled` from its voice settings.
    pub mirrors: &'static [(&'static str, &'static str)],
    /// Fields that name the connection a `connection_name` is read from when answered.
    pub connection_name_from: Option<&'static str>,
    /// Fields the answer of a delete that releases the object (no `POST`) leaves out: its
    /// final representation is another schema (`numbers_PhoneNumberDeletedDetailed`).
    pub released_without: &'static [&'static str],
    /// Rules on what a request sends, checked with the object it would produce.
    pub sent_checks: &'static [Sent],
    /// A server-side process that moves a field from one value to another: done for every
    /// object the first time the family is listed after the object's create answer.
    pub settles: Option<Settle>,
    /// Fields the server derives from a new object once its id and generated fields are set
    /// (a UAC connection's FQDN records).
    pub derive: Option<fn(&mut serde_json::Value)>,
}

/// A rule on a request body: sending `field` (non-null) is refused while the object the
/// request would produce has `other` equal to the string `value`.
#[derive(Debug, Clone, Copy)]
pub struct Sent {
    pub field: &'static str,
    pub other: &'static str,
    pub value: &'static str,
    pub why: &'static str,
}

/// `field` moves from `from` to `to` (access IP ranges: Cloudflare sync `pending` -> `added`).
#[derive(Debug, Clone, Copy)]
pub struct Settle {
    pub field: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

/// A reference between objects: the dotted `field` holds the id of an object of `family`.
#[derive(Debug, Clone, Copy)]
pub struct Ref {
    pub field: &'static str,
    /// The families the id may belong to (a phone number's `connection_id`: any connection).
    pub families: &'static [&'static str],
    /// The referenced object's field that must hold the referencing object's id (an IP
    /// attached to this very connection), if any.
    pub owned_via: Option<&'static str>,
    pub on_delete: OnDelete,
}

/// What deleting a referenced object does while a reference holds its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// The delete fails with 422 (an outbound voice profile still used by a connection).
    Refuse,
    /// The delete succeeds and sets the reference to null (a connection's default FQDN or IP:
    /// DELETE /fqdns and /ips document no 422, README §5).
    Clear,
    /// Nothing documented: the reference is left as it is.
    Keep,
}

impl Ref {
    const fn new(field: &'static str, families: &'static [&'static str], on_delete: OnDelete) -> Ref {
        Ref { field, families, owned_via: None, on_delete }
    }

    /// A reference to an object that must belong to the referencing one through `link`.
    const fn owned(field: &'static str, families: &'static [&'static str], link: &'static str, on_delete: OnDelete) -> Ref {
        Ref { field, families, owned_via: Some(link), on_delete }
    }
}

/// Every reference to objects of `family`, with the family that holds it.
pub fn refs_to(family: &str) -> impl Iterator<Item = (&'static Family, &'static Ref)> + '_ {
    FAMILIES.iter().flat_map(move |f| f.refs.iter().filter(move |r| r.families.contains(&family)).map(move |r| (f, r)))
}

/// An action on one object: its name and the result it computes from the stored object.
#[derive(Debug, Clone, Copy)]
pub struct Action {
    pub name: &'static str,
    pub run: fn(&serde_json::Value) -> serde_json::Value,
}

/// A settings view of each object of a family, stored inside the object under `name`:
/// `GET|PATCH /{family}/{id}/{name}` and `GET /{family}/{name}` (every object's view).
#[derive(Debug)]
pub struct SubView {
    pub name: &'static str,
    pub record_type: &'static str,
    pub fields: &'static [Field],
    /// Fields of the parent object the view reports too (read-only here).
    pub echo: &'static [&'static str],
    /// Fields a PATCH of the view accepts that the view never answers (they show on the
    /// parent: `caller_id_name_enabled`).
    pub write_only: &'static [&'static str],
    pub checks: &'static [Cross],
    pub filters: &'static [Filter],
    pub sorts: &'static [&'static str],
}

/// A read-only view over several families (`/connections`): each item projected to
/// `(output field, dotted source field)` pairs.
#[derive(Debug)]
pub struct View {
    pub name: &'static str,
    pub members: &'static [&'static str],
    /// (field, dotted path in the member object; `a|b`: the first of them that is not null).
    pub projection: &'static [(&'static str, &'static str)],
    pub filters: &'static [Filter],
    pub sorts: &'static [&'static str],
    pub default_page_size: usize,
}

const BASE: Family = Family {
    name: "",
    record_type: None,
    fields: &[],
    bare: false,
    create_status: 201,
    required_create: &[],
    required_update: &[],
    unique: &[],
    filters: &[],
    sorts: &[],
    default_page_size: 20,
    checks: &[],
    refs: &[],
    actions: &[],
    retrieve: true,
    update: true,
    sent_checks: &[],
    settles: None,
    create: true,
    uuid_ids: false,
    in_use_status: 422,
    sub_view: None,
    mirrors: &[],
    connection_name_from: None,
    released_without: &[],
    derive: None,
};

const CALL_RECORDING: &[Field] = &[
    f("call_recording_caller_phone_numbers", Kind::StrList).default("[]").rule(Rule::EachE164),
    f("call_recording_channels", Kind::Str).default("\"single\"").rule(Rule::OneOf(&["single", "dual"])),
    f("call_recording_format", Kind::Str).default("\"wav\"").rule(Rule::OneOf(&["wav", "mp3"])),
    f("call_recording_type", Kind::Str).default("\"none\"").rule(Rule::OneOf(&["all", "none", "by_caller_phone_number"])),
];

const CALLING_WINDOW: &[Field] = &[
    f("calls_per_cld", Kind::Int).nullable().rule(Rule::Range(0, i64::MAX)),
    f("end_time", Kind::Str).nullable().rule(Rule::TimeOfDay),
    f("start_time", Kind::Str).nullable().rule(Rule::TimeOfDay),
];

const OUTBOUND_VOICE_PROFILE: &[Field] = &[
    f("name", Kind::Str).rule(Rule::MinLen(3)),
    f("billing_group_id", Kind::Str).nullable().rule(Rule::Uuid),
    f("call_recording", Kind::Object(CALL_RECORDING)),
    f("calling_window", Kind::Object(CALLING_WINDOW)),
    // No documented limits: at most the account's own limit, which the emulator has none of.
    f("concurrent_call_limit", Kind::Int).nullable(),
    f("connections_count", Kind::Int).read_only().default("0"),
    // No documented default; the schema has no null: "0.00" (enforced only when enabled).
    f("daily_spend_limit", Kind::Str).default("\"0.00\"").rule(Rule::Decimal),
    f("daily_spend_limit_enabled", Kind::Bool).default("false"),
    f("enabled", Kind::Bool).default("true"),
    f("max_destination_rate", Kind::Num).rule(Rule::NonNegative),
    f("service_plan", Kind::Str).default("\"global\"").rule(Rule::OneOf(&["global"])),
    f("tags", Kind::StrList).default("[]"),
    f("traffic_type", Kind::Str).default("\"conversational\"").rule(Rule::OneOf(&["conversational"])),
    f("usage_payment_method", Kind::Str).default("\"rate-deck\"").rule(Rule::OneOf(&["rate-deck"])),
    f("whitelisted_destinations", Kind::StrList).default("[\"US\", \"CA\"]").rule(Rule::EachCountry),
];

// ---- SIP connections (credential, FQDN, IP) -------------------------------------------------

const ANCHORSITES: &[&str] = &[
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
const ROUTING: &[&str] = &["sequential", "round-robin"];
const SIP_REGIONS: &[&str] = &["US", "Europe", "Australia"];
const RECEIVE_SETTINGS: &[&str] = &["only_my_connections", "from_anyone"];
const TRANSPORTS: &[&str] = &["UDP", "TCP", "TLS"];
const ENGINES: &[&str] = &[
    "denoiser",
    "deep_filter_net",
    "deep_filter_net_large",
    "krisp_viva_tel",
    "krisp_viva_tel_lite",
    "krisp_viva_promodel",
    "krisp_viva_ss",
    "quail_voice_focus",
];

const RTCP_SETTINGS: &[Field] = &[
    f("capture_enabled", Kind::Bool).default("false"),
    f("port", Kind::Str).default("\"rtp+1\"").rule(Rule::OneOf(&["rtcp-mux", "rtp+1"])),
    f("report_frequency_secs", Kind::Int).default("5").rule(Rule::Range(5, 3000)),
];

const JITTER_BUFFER: &[Field] = &[
    f("enable_jitter_buffer", Kind::Bool).default("false"),
    f("jitterbuffer_msec_max", Kind::Int).default("200").rule(Rule::Range(40, 400)),
    f("jitterbuffer_msec_min", Kind::Int).default("60").rule(Rule::Range(40, 400)),
];

const NOISE_SUPPRESSION_DETAILS: &[Field] = &[
    f("attenuation_limit", Kind::Int).rule(Rule::Steps(0, 100, 10)),
    f("engine", Kind::Str).default("\"denoiser\"").rule(Rule::OneOf(ENGINES)),
];

/// `inbound` fields every connection type has.
const INBOUND_COMMON: &[Field] = &[
    f("ani_number_format", Kind::Str).default("\"E.164-national\"").rule(Rule::OneOf(&[
        "+E.164",
        "E.164",
        "+E.164-national",
        "E.164-national",
    ])),
    f("channel_limit", Kind::Int).nullable(),
    f("codecs", Kind::StrList).default("[\"G722\", \"G711U\", \"G711A\", \"G729\", \"OPUS\", \"H.264\"]"),
    f("dnis_number_format", Kind::Str).default("\"e164\"").rule(Rule::OneOf(&["+e164", "e164", "national", "sip_username"])),
    f("generate_ringback_tone", Kind::Bool).default("false"),
    f("isup_headers_enabled", Kind::Bool).default("false"),
    f("prack_enabled", Kind::Bool).default("false"),
    f("shaken_stir_enabled", Kind::Bool).default("false"),
    f("sip_compact_headers_enabled", Kind::Bool).default("true"),
    f("timeout_1xx_secs", Kind::Int).default("3").rule(Rule::Range(1, 120)),
    f("timeout_2xx_secs", Kind::Int).default("90").rule(Rule::Range(1, 600)),
];

const INBOUND_CREDENTIAL_ONLY: &[Field] = &[
    // As the FQDN connection's documented default: the schema has no null here.
    f("default_routing_method", Kind::Str).default("\"sequential\"").rule(Rule::OneOf(ROUTING)),
    f("simultaneous_ringing", Kind::Str).default("\"disabled\"").rule(Rule::OneOf(&["disabled", "enabled"])),
];
const INBOUND_FQDN_ONLY: &[Field] = &[
    f("default_primary_fqdn_id", Kind::Str).nullable(),
    f("default_routing_method", Kind::Str).nullable().default("\"sequential\"").rule(Rule::OneOf(ROUTING)),
    f("default_secondary_fqdn_id", Kind::Str).nullable(),
    f("default_tertiary_fqdn_id", Kind::Str).nullable(),
    f("sip_region", Kind::Str).default("\"US\"").rule(Rule::OneOf(SIP_REGIONS)),
    f("sip_subdomain", Kind::Str).nullable(),
    f("sip_subdomain_receive_settings", Kind::Str).default("\"from_anyone\"").rule(Rule::OneOf(RECEIVE_SETTINGS)),
];
/// IP connections: the three default IP ids exist only in the update schema.
const INBOUND_IP_ONLY: &[Field] = &[
    f("default_primary_ip_id", Kind::Str).update_only(),
    f("default_routing_method", Kind::Str).default("\"sequential\"").rule(Rule::OneOf(ROUTING)),
    f("default_secondary_ip_id", Kind::Str).update_only(),
    f("default_tertiary_ip_id", Kind::Str).update_only(),
    f("sip_region", Kind::Str).default("\"US\"").rule(Rule::OneOf(SIP_REGIONS)),
    f("sip_subdomain", Kind::Str),
    // As the FQDN connection's documented default: the schema has no null here.
    f("sip_subdomain_receive_settings", Kind::Str).default("\"from_anyone\"").rule(Rule::OneOf(RECEIVE_SETTINGS)),
];

const INBOUND_CREDENTIAL: &[Field] =
    &concat::<{ INBOUND_COMMON.len() + INBOUND_CREDENTIAL_ONLY.len() }>(INBOUND_COMMON, INBOUND_CREDENTIAL_ONLY);
const INBOUND_FQDN: &[Field] = &concat::<{ INBOUND_COMMON.len() + INBOUND_FQDN_ONLY.len() }>(INBOUND_COMMON, INBOUND_FQDN_ONLY);
const INBOUND_IP: &[Field] = &concat::<{ INBOUND_COMMON.len() + INBOUND_IP_ONLY.len() }>(INBOUND_COMMON, INBOUND_IP_ONLY);

/// `outbound` fields every connection type has, with the same defaults.
const OUTBOUND_COMMON: &[Field] = &[
    f("ani_override_type", Kind::Str).default("\"always\"").rule(Rule::OneOf(&["always", "normal", "emergency"])),
    f("call_parking_enabled", Kind::Bool).nullable().default("false"),
    f("generate_ringback_tone", Kind::Bool).default("false"),
    f("outbound_voice_profile_id", Kind::Str),
];

const OUTBOUND_CREDENTIAL_ONLY: &[Field] = &[
    f("ani_override", Kind::Str).default("\"\""),
    f("channel_limit", Kind::Int).nullable(),
    f("instant_ringback_enabled", Kind::Bool).default("true"),
    f("localization", Kind::Str).default("\"US\"").rule(Rule::CountryOrEmpty),
    f("t38_reinvite_source", Kind::Str).default("\"telnyx\"").rule(Rule::OneOf(T38_SOURCES)),
];
const OUTBOUND_FQDN_ONLY: &[Field] = &[
    f("ani_override", Kind::Str).default("\"\"").rule(Rule::E164OrEmpty),
    f("channel_limit", Kind::Int),
    f("encrypted_media", Kind::Str).nullable().rule(Rule::OneOf(&["SRTP"])),
    f("instant_ringback_enabled", Kind::Bool).default("false"),
    f("ip_authentication_method", Kind::Str)
        .default("\"ip-authentication\"")
        .rule(Rule::OneOf(&["credential-authentication", "ip-authentication"])),
    f("ip_authentication_token", Kind::Str),
    f("localization", Kind::Str).default("\"US\"").rule(Rule::CountryOrEmpty),
    f("t38_reinvite_source", Kind::Str).default("\"customer\"").rule(Rule::OneOf(T38_SOURCES)),
    f("tech_prefix", Kind::Str).default("\"\"").rule(Rule::DigitsOrEmpty(4)),
    f("timeout_1xx_secs", Kind::Int).default("3").rule(Rule::Range(1, 120)),
    f("timeout_2xx_secs", Kind::Int).default("90").rule(Rule::Range(1, 600)),
];
const OUTBOUND_IP_ONLY: &[Field] = &[
    f("ani_override", Kind::Str).default("\"\""),
    f("channel_limit", Kind::Int).nullable(),
    f("instant_ringback_enabled", Kind::Bool).default("true"),
    f("ip_authentication_method", Kind::Str)
        .default("\"tech-prefixp-charge-info\"")
        .rule(Rule::OneOf(&["tech-prefixp-charge-info", "token"])),
    f("ip_authentication_token", Kind::Str).nullable(),
    f("localization", Kind::Str).nullable().rule(Rule::CountryOrEmpty),
    f("t38_reinvite_source", Kind::Str).default("\"customer\"").rule(Rule::OneOf(T38_SOURCES)),
    f("tech_prefix", Kind::Str).default("\"\"").rule(Rule::DigitsOrEmpty(4)),
];

const OUTBOUND_CREDENTIAL: &[Field] =
    &concat::<{ OUTBOUND_COMMON.len() + OUTBOUND_CREDENTIAL_ONLY.len() }>(OUTBOUND_COMMON, OUTBOUND_CREDENTIAL_ONLY);
const OUTBOUND_FQDN: &[Field] = &concat::<{ OUTBOUND_COMMON.len() + OUTBOUND_FQDN_ONLY.len() }>(OUTBOUND_COMMON, OUTBOUND_FQDN_ONLY);
const OUTBOUND_IP: &[Field] = &concat::<{ OUTBOUND_COMMON.len() + OUTBOUND_IP_ONLY.len() }>(OUTBOUND_COMMON, OUTBOUND_IP_ONLY);

/// Top-level fields every connection type has. `webhook_event_url` is not nullable in the
/// create and update schemas of any connection type (README §9.3/9.4/9.6; only the read-only
/// `/connections` view calls it nullable), so `null` is refused and it cannot be cleared.
const CONNECTION_COMMON: &[Field] = &[
    f("active", Kind::Bool).default("true"),
    f("anchorsite_override", Kind::Str).default("\"Latency\"").rule(Rule::OneOf(ANCHORSITES)),
    f("android_push_credential_id", Kind::Str).nullable(),
    f("bridge_generate_comfort_noise_on_cn", Kind::Bool).default("false"),
    f("call_cost_in_webhooks", Kind::Bool).default("false"),
    f("connection_name", Kind::Str),
    f("conversation_persistence", Kind::Bool).default("false").update_only(),
    f("dtmf_type", Kind::Str).default("\"RFC 2833\"").rule(Rule::OneOf(&["RFC 2833", "Inband", "SIP INFO"])),
    f("encode_contact_header_enabled", Kind::Bool).default("false"),
    f("encrypted_media", Kind::Str).nullable().rule(Rule::OneOf(&["SRTP"])),
    f("ios_push_credential_id", Kind::Str).nullable(),
    f("jitter_buffer", Kind::Object(JITTER_BUFFER)),
    // No documented default; Telnyx answers "disabled" (issue 24).
    f("noise_suppression", Kind::Str).default("\"disabled\"").rule(Rule::OneOf(&["inbound", "outbound", "both", "disabled"])),
    f("noise_suppression_details", Kind::Object(NOISE_SUPPRESSION_DETAILS)),
    f("onnet_t38_passthrough_enabled", Kind::Bool).default("false"),
    f("rtcp_settings", Kind::Object(RTCP_SETTINGS)),
    f("tags", Kind::StrList).default("[]"),
    f("webhook_event_failover_url", Kind::Str).nullable().default("\"\"").rule(Rule::Url { or_empty: true }),
    f("webhook_event_url", Kind::Str).rule(Rule::Url { or_empty: false }),
    f("webhook_timeout_secs", Kind::Int).nullable().rule(Rule::Range(0, 30)),
];

const CREDENTIAL_ONLY: &[Field] = &[
    // The create/update schemas document false; the object schema says true.
    f("default_on_hold_comfort_noise_enabled", Kind::Bool).default("false"),
    f("inbound", Kind::Object(INBOUND_CREDENTIAL)),
    f("outbound", Kind::Object(OUTBOUND_CREDENTIAL)),
    f("password", Kind::Str).secret().rule(Rule::Length(8, 128)),
    // No documented default: "disabled", the schema's example and the safe reading.
    f("sip_uri_calling_preference", Kind::Str).default("\"disabled\"").rule(Rule::OneOf(&["disabled", "unrestricted", "internal"])),
    f("user_name", Kind::Str).rule(Rule::UserName),
    f("webhook_api_version", Kind::Str).default("\"1\"").rule(Rule::OneOfByOp { create: &["1", "2", "texml"], update: &["1", "2"] }),
];
const FQDN_ONLY: &[Field] = &[
    // Read-only switches Telnyx sets: false here (the schema has no null for them).
    f("adjust_dtmf_timestamp", Kind::Bool).read_only().default("false"),
    f("call_cost_enabled", Kind::Bool).read_only().default("false"),
    f("default_on_hold_comfort_noise_enabled", Kind::Bool).default("true"),
    f("ignore_dtmf_duration", Kind::Bool).read_only().default("false"),
    f("ignore_mark_bit", Kind::Bool).read_only().default("false"),
    f("inbound", Kind::Object(INBOUND_FQDN)),
    f("microsoft_teams_sbc", Kind::Bool).default("false").create_only(),
    f("outbound", Kind::Object(OUTBOUND_FQDN)),
    f("password", Kind::Str).read_only().secret().generated(Gen::Token(16)),
    f("rtp_pass_codecs_on_stream_change", Kind::Bool).read_only().default("false"),
    f("send_normalized_timestamps", Kind::Bool).read_only().default("false"),
    f("third_party_control_enabled", Kind::Bool).read_only().default("false"),
    f("transport_protocol", Kind::Str).default("\"UDP\"").rule(Rule::OneOf(TRANSPORTS)),
    f("txt_name", Kind::Str).read_only(),
    f("txt_ttl", Kind::Int).read_only(),
    f("txt_value", Kind::Str).read_only(),
    f("user_name", Kind::Str).read_only().generated(Gen::Token(12)),
    f("webhook_api_version", Kind::Str).default("\"1\"").rule(Rule::OneOf(&["1", "2"])),
];
const IP_ONLY: &[Field] = &[
    f("default_on_hold_comfort_noise_enabled", Kind::Bool).default("true"),
    f("inbound", Kind::Object(INBOUND_IP)),
    f("outbound", Kind::Object(OUTBOUND_IP)),
    f("transport_protocol", Kind::Str).default("\"UDP\"").rule(Rule::OneOf(TRANSPORTS)),
    f("webhook_api_version", Kind::Str).default("\"1\"").rule(Rule::OneOf(&["1", "2"])),
];

const CREDENTIAL_CONNECTION: &[Field] = &concat::<{ CONNECTION_COMMON.len() + CREDENTIAL_ONLY.len() }>(CONNECTION_COMMON, CREDENTIAL_ONLY);
const FQDN_CONNECTION: &[Field] = &concat::<{ CONNECTION_COMMON.len() + FQDN_ONLY.len() }>(CONNECTION_COMMON, FQDN_ONLY);
const IP_CONNECTION: &[Field] = &concat::<{ CONNECTION_COMMON.len() + IP_ONLY.len() }>(CONNECTION_COMMON, IP_ONLY);

/// The connection list filters (one consolidated schema for all four connection lists).
const CONNECTION_FILTERS: &[Filter] = &[
    Filter { key: "filter[connection_name][contains]", field: "connection_name", how: Match::ContainsAtLeast(3) },
    Filter { key: "filter[fqdn]", field: "fqdn", how: Match::Related { family: "fqdns", link: "connection_id" } },
    Filter { key: "filter[outbound_voice_profile_id]", field: "outbound.outbound_voice_profile_id", how: Match::Exact },
];
/// Credential and IP lists also honour the legacy name of the profile filter.
const CONNECTION_FILTERS_WITH_LEGACY: &[Filter] = &[
    Filter { key: "filter[connection_name][contains]", field: "connection_name", how: Match::ContainsAtLeast(3) },
    Filter { key: "filter[fqdn]", field: "fqdn", how: Match::Related { family: "fqdns", link: "connection_id" } },
    Filter { key: "filter[outbound_voice_profile_id]", field: "outbound.outbound_voice_profile_id", how: Match::Exact },
    Filter { key: "filter[outbound.outbound_voice_profile_id]", field: "outbound.outbound_voice_profile_id", how: Match::Exact },
];
const CONNECTION_SORTS: &[&str] = &["created_at", "connection_name", "active"];

const ENCRYPTION_NOT_WITH_TLS: Cross = Cross::NotWith {
    field: "encrypted_media",
    other: "transport_protocol",
    value: "TLS",
    why: "encrypted_media cannot be set when transport_protocol is TLS.",
};

/// What a credential connection's registration looks like: the emulator has no SIP side, so
/// no device is ever registered.
fn registration_status(conn: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "ip_address": null,
        "last_registration": null,
        "port": null,
        "record_type": "registration_status",
        "sip_username": conn["user_name"],
        "status": "Not Registered",
        "transport": null,
        "user_agent": null,
    })
}

/// The outbound voice profile a connection uses: a profile in use cannot be deleted.
const OVP_REF: Ref = Ref::new("outbound.outbound_voice_profile_id", &["outbound_voice_profiles"], OnDelete::Refuse);

// ---- addresses: FQDNs, IPs, access IP ranges -------------------------------------------------

const FQDN: &[Field] = &[
    f("connection_id", Kind::Str),
    f("dns_record_type", Kind::Str).rule(Rule::OneOf(&["a", "srv"])),
    f("fqdn", Kind::Str).rule(Rule::Hostname),
    // Nullable in request bodies; the object always holds a port (default 5060).
    f("port", Kind::Int).nullable().default("5060").rule(Rule::Range(0, 65_535)),
];

const IP: &[Field] = &[
    f("connection_id", Kind::Str),
    f("ip_address", Kind::Str).rule(Rule::Ipv4),
    f("port", Kind::Int).default("5060").rule(Rule::Range(0, 65_535)),
];

/// The owner of every access IP range (one account per emulator).
pub const USER_ID: &str = "\"3c8a5e0f-5b9e-4d0c-9d51-1f2d2e0b7a41\"";

const ACCESS_IP_RANGE: &[Field] = &[
    f("cidr_block", Kind::Str).rule(Rule::Cidr),
    f("description", Kind::Str).create_only(),
    f("status", Kind::Str).read_only().default("\"pending\""),
    f("user_id", Kind::Str).read_only().default(USER_ID),
];

const FQDN_FILTERS: &[Filter] = &[
    Filter { key: "filter[connection_id]", field: "connection_id", how: Match::Exact },
    Filter { key: "filter[fqdn]", field: "fqdn", how: Match::Exact },
    Filter { key: "filter[port]", field: "port", how: Match::Int },
    Filter { key: "filter[dns_record_type]", field: "dns_record_type", how: Match::Exact },
];

const IP_FILTERS: &[Filter] = &[
    Filter { key: "filter[connection_id]", field: "connection_id", how: Match::Exact },
    Filter { key: "filter[ip_address]", field: "ip_address", how: Match::Exact },
    Filter { key: "filter[port]", field: "port", how: Match::Int },
];

const ACCESS_IP_RANGE_FILTERS: &[Filter] = &[
    Filter { key: "filter[cidr_block]", field: "cidr_block", how: Match::Exact },
    Filter { key: "filter[cidr_block][startswith]", field: "cidr_block", how: Match::StartsWith },
    Filter { key: "filter[cidr_block][endswith]", field: "cidr_block", how: Match::EndsWith },
    Filter { key: "filter[cidr_block][contains]", field: "cidr_block", how: Match::Contains },
    Filter { key: "filter[created_at]", field: "created_at", how: Match::Time(Cmp::Eq) },
    Filter { key: "filter[created_at][gt]", field: "created_at", how: Match::Time(Cmp::Gt) },
    Filter { key: "filter[created_at][gte]", field: "created_at", how: Match::Time(Cmp::Gte) },
    Filter { key: "filter[created_at][lt]", field: "created_at", how: Match::Time(Cmp::Lt) },
    Filter { key: "filter[created_at][lte]", field: "created_at", how: Match::Time(Cmp::Lte) },
];

// ---- billing groups, phone numbers and their voice settings (numbers-and-billing.md) -------

/// The organization every billing group belongs to (one account per emulator).
pub const ORGANIZATION_ID: &str = "\"f1486bae-f067-460c-ad43-73a92848f902\"";

/// No documented limits on `name` (unknown 9): any string, duplicates allowed.
const BILLING_GROUP: &[Field] = &[
    f("name", Kind::Str),
    f("organization_id", Kind::Str).read_only().default(ORGANIZATION_ID),
    f("deleted_at", Kind::Str).read_only().nullable(),
];

const CALL_FORWARDING: &[Field] = &[
    f("call_forwarding_enabled", Kind::Bool).default("true"),
    // Unknown 6, decided: unset reads back as null; "" (blank: no forwarding) is kept as sent.
    f("forwards_to", Kind::Str).nullable().rule(Rule::E164OrEmpty),
    f("forwarding_type", Kind::Str).nullable().rule(Rule::OneOf(&["always", "on-failure"])),
];
const CNAM_LISTING: &[Field] =
    &[f("cnam_listing_enabled", Kind::Bool).default("false"), f("cnam_listing_details", Kind::Str).nullable().rule(Rule::Cnam)];
const MEDIA_FEATURES: &[Field] = &[
    f("rtp_auto_adjust_enabled", Kind::Bool).default("true"),
    f("accept_any_rtp_packets_enabled", Kind::Bool).default("false"),
    f("t38_fax_gateway_enabled", Kind::Bool).default("false"),
];
const INBOUND_CALL_RECORDING: &[Field] = &[
    f("inbound_call_recording_enabled", Kind::Bool).default("false"),
    f("inbound_call_recording_format", Kind::Str).default("\"wav\"").rule(Rule::OneOf(&["wav", "mp3"])),
    f("inbound_call_recording_channels", Kind::Str).default("\"single\"").rule(Rule::OneOf(&["single", "dual"])),
];
/// A number's voice settings (`PhoneNumberWithVoiceSettings` + the PATCH's
/// `caller_id_name_enabled`). Nested objects sent replace the stored ones (unknown 5, decided
/// as for connections: members left out go back to their defaults).
const VOICE_SETTINGS: &[Field] = &[
    f("tech_prefix_enabled", Kind::Bool).default("false"),
    // Unknown 14, decided: any string up to 32 characters.
    f("translated_number", Kind::Str).default("\"\"").rule(Rule::Length(0, 32)),
    f("caller_id_name_enabled", Kind::Bool).default("false"),
    f("call_forwarding", Kind::Object(CALL_FORWARDING)),
    f("cnam_listing", Kind::Object(CNAM_LISTING)),
    f("usage_payment_method", Kind::Str).default("\"pay-per-minute\"").rule(Rule::OneOf(&["pay-per-minute", "channel"])),
    f("media_features", Kind::Object(MEDIA_FEATURES)),
    f("call_recording", Kind::Object(INBOUND_CALL_RECORDING)),
    f("inbound_call_screening", Kind::Str).default("\"disabled\"").rule(Rule::OneOf(&["disabled", "reject_calls", "flag_calls"])),
];

pub const VOICE: SubView = SubView {
    name: "voice",
    record_type: "voice_settings",
    fields: VOICE_SETTINGS,
    echo: &["phone_number", "connection_id", "customer_reference"],
    write_only: &["caller_id_name_enabled"],
    checks: &[
        Cross::Requires {
            field: "cnam_listing.cnam_listing_enabled",
            other: "cnam_listing.cnam_listing_details",
            why: "cnam_listing_enabled requires cnam_listing_details to be set.",
        },
        Cross::Requires {
            field: "cnam_listing.cnam_listing_details",
            other: "cnam_listing.cnam_listing_enabled",
            why: "cnam_listing_details requires cnam_listing_enabled to be true.",
        },
    ],
    filters: &[
        Filter { key: "filter[phone_number]", field: "phone_number", how: Match::Digits },
        Filter { key: "filter[connection_name][contains]", field: "connection_name", how: Match::ContainsAtLeast(3) },
        Filter { key: "filter[customer_reference]", field: "customer_reference", how: Match::Exact },
        Filter { key: "filter[voice.usage_payment_method]", field: "usage_payment_method", how: Match::Exact },
    ],
    sorts: NUMBER_SORTS,
};

const NUMBER_STATUSES: &[&str] = &[
    "purchase-pending",
    "purchase-failed",
    "port-pending",
    "port-failed",
    "active",
    "deleted",
    "emergency-only",
    "ported-out",
    "port-out-pending",
    "requirement-info-pending",
    "requirement-info-under-review",
    "requirement-info-exception",
    "provision-pending",
];
pub const NUMBER_TYPES: &[&str] =
    &["local", "toll_free", "mobile", "national", "shared_cost", "landline", "tollfree", "shortcode", "longcode"];

/// `numbers_PhoneNumberDetailed`; writable fields are those of `UpdatePhoneNumberRequest`.
/// `connection_id`, `billing_group_id`, `customer_reference` and `external_pin` are cleared by
/// sending `""` (unknown 1, decided: the request schema types them as non-nullable strings,
/// and the messaging endpoint documents `""` for unassigning), and read back as null.
const PHONE_NUMBER: &[Field] = &[
    f("phone_number", Kind::Str).read_only(),
    f("country_iso_alpha2", Kind::Str).read_only(),
    f("status", Kind::Str).read_only().default("\"active\"").rule(Rule::OneOf(NUMBER_STATUSES)),
    f("tags", Kind::StrList).default("[]"),
    f("external_pin", Kind::Str).empty_clears().rule(Rule::Length(0, 64)),
    f("connection_id", Kind::Str).empty_clears(),
    f("connection_name", Kind::Str).read_only(),
    f("customer_reference", Kind::Str).empty_clears().rule(Rule::Length(0, 255)),
    f("billing_group_id", Kind::Str).empty_clears().rule(Rule::Uuid),
    f("messaging_profile_id", Kind::Str).read_only().nullable(),
    f("messaging_profile_name", Kind::Str).read_only().nullable(),
    // Newer than the spec (§4: [py] 4.189.0 only); no messaging here, so always null.
    f("messaging_campaign_id", Kind::Str).read_only().nullable(),
    f("emergency_enabled", Kind::Bool).read_only().default("false"),
    f("emergency_address_id", Kind::Str).read_only().nullable(),
    f("emergency_status", Kind::Str).read_only().default("\"disabled\""),
    f("call_forwarding_enabled", Kind::Bool).read_only(),
    f("cnam_listing_enabled", Kind::Bool).read_only(),
    f("caller_id_name_enabled", Kind::Bool).read_only(),
    f("call_recording_enabled", Kind::Bool).read_only(),
    f("t38_fax_gateway_enabled", Kind::Bool).read_only(),
    f("inbound_call_screening", Kind::Str).read_only(),
    f("hd_voice_enabled", Kind::Bool).default("false"),
    f("phone_number_type", Kind::Str).read_only().default("\"local\"").rule(Rule::OneOf(NUMBER_TYPES)),
    f("source_type", Kind::Str).read_only().nullable().default("\"number_order\""),
    f("deletion_lock_enabled", Kind::Bool).read_only().default("false"),
    f("purchased_at", Kind::Str).read_only(),
    f("activated_at", Kind::Str).read_only().nullable(),
    // Accepted by the PATCH, returned by nothing (section 5).
    f("address_id", Kind::Str).update_only().write_only(),
];

const NUMBER_SORTS: &[&str] = &["purchased_at", "phone_number", "connection_name", "usage_payment_method"];

const PHONE_NUMBER_FILTERS: &[Filter] = &[
    Filter { key: "filter[tag]", field: "tags", how: Match::Member },
    Filter { key: "filter[phone_number]", field: "phone_number", how: Match::Digits },
    Filter { key: "filter[status]", field: "status", how: Match::Exact },
    Filter { key: "filter[country_iso_alpha2]", field: "country_iso_alpha2", how: Match::AnyOf },
    Filter { key: "filter[connection_id]", field: "connection_id", how: Match::Exact },
    Filter { key: "filter[voice.connection_name][contains]", field: "connection_name", how: Match::ContainsAtLeast(3) },
    Filter { key: "filter[voice.connection_name][starts_with]", field: "connection_name", how: Match::StartsWith },
    Filter { key: "filter[voice.connection_name][ends_with]", field: "connection_name", how: Match::EndsWith },
    Filter { key: "filter[voice.connection_name][eq]", field: "connection_name", how: Match::Exact },
    Filter { key: "filter[voice.usage_payment_method]", field: "voice.usage_payment_method", how: Match::Exact },
    Filter { key: "filter[billing_group_id]", field: "billing_group_id", how: Match::ExactOrNull },
    Filter { key: "filter[emergency_address_id]", field: "emergency_address_id", how: Match::ExactOrNull },
    Filter { key: "filter[customer_reference]", field: "customer_reference", how: Match::Exact },
    Filter { key: "filter[number_type][eq]", field: "phone_number_type", how: Match::Exact },
    Filter { key: "filter[without_tags]", field: "tags", how: Match::EmptyIfTrue },
    Filter { key: "filter[source]", field: "source_type", how: Match::Named(&[("ported", "port_request"), ("purchased", "number_order")]) },
];

// ---- voice applications: Call Control and TeXML (voice-apps-and-e911.md §5, §6) ---------------

/// Call Control's anchor sites: `Chennai, IN`, without Vancouver and Frankfurt (§11).
const CALL_CONTROL_ANCHORSITES: &[&str] = &[
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

/// `inbound` of both application types. Unknown 16, decided: members are not typed nullable,
/// so `null` is refused; they are cleared by leaving them out of the `inbound` object sent,
/// which replaces the stored one (as for connections).
const APP_INBOUND: &[Field] = &[
    f("channel_limit", Kind::Int),
    f("shaken_stir_enabled", Kind::Bool).default("false"),
    // Unknown 22, decided: any string; no uniqueness across applications.
    f("sip_subdomain", Kind::Str),
    f("sip_subdomain_receive_settings", Kind::Str).default("\"from_anyone\"").rule(Rule::OneOf(RECEIVE_SETTINGS)),
];
const APP_OUTBOUND: &[Field] = &[f("channel_limit", Kind::Int), f("outbound_voice_profile_id", Kind::Str)];

/// `CallControlApplication`. Unknown 15, decided: `tags` is not in the create schema, so a create
/// that sends it is refused (422); an update sets it. Unknown 16, decided: the nullable
/// `webhook_event_failover_url` and `webhook_timeout_secs` are cleared with `null`.
const CALL_CONTROL_APPLICATION: &[Field] = &[
    f("active", Kind::Bool).default("true"),
    f("anchorsite_override", Kind::Str).default("\"Latency\"").rule(Rule::OneOf(CALL_CONTROL_ANCHORSITES)),
    f("application_name", Kind::Str),
    f("call_cost_in_webhooks", Kind::Bool).default("false"),
    f("dtmf_type", Kind::Str).default("\"RFC 2833\"").rule(Rule::OneOf(&["RFC 2833", "Inband", "SIP INFO"])),
    f("first_command_timeout", Kind::Bool).default("false"),
    f("first_command_timeout_secs", Kind::Int).default("30"),
    f("inbound", Kind::Object(APP_INBOUND)),
    f("outbound", Kind::Object(APP_OUTBOUND)),
    f("redact_dtmf_debug_logging", Kind::Bool).default("false"),
    f("tags", Kind::StrList).default("[]").update_only(),
    f("webhook_api_version", Kind::Str).default("\"1\"").rule(Rule::OneOf(&["1", "2"])),
    f("webhook_event_failover_url", Kind::Str).nullable().default("\"\"").rule(Rule::Url { or_empty: true }),
    f("webhook_event_url", Kind::Str).rule(Rule::Url { or_empty: false }),
    f("webhook_timeout_secs", Kind::Int).nullable().rule(Rule::Range(0, 30)),
];

/// `TexmlApplication`. Unknown 16, decided: `voice_fallback_url` and `status_callback` default
/// to null and are cleared with `null` (no source types them nullable; null is their default).
const TEXML_APPLICATION: &[Field] = &[
    f("active", Kind::Bool).default("true"),
    f("anchorsite_override", Kind::Str).default("\"Latency\"").rule(Rule::OneOf(ANCHORSITES)),
    f("call_cost_in_webhooks", Kind::Bool).default("false"),
    f("dtmf_type", Kind::Str).default("\"RFC 2833\"").rule(Rule::OneOf(&["RFC 2833", "Inband", "SIP INFO"])),
    f("first_command_timeout", Kind::Bool).default("false"),
    f("first_command_timeout_secs", Kind::Int).default("30"),
    f("friendly_name", Kind::Str),
    f("inbound", Kind::Object(APP_INBOUND)),
    f("outbound", Kind::Object(APP_OUTBOUND)),
    f("status_callback", Kind::Str).nullable().rule(Rule::Url { or_empty: false }),
    f("status_callback_method", Kind::Str).default("\"post\"").rule(Rule::OneOf(&["get", "post"])),
    f("tags", Kind::StrList).default("[]"),
    f("voice_fallback_url", Kind::Str).nullable().rule(Rule::Url { or_empty: false }),
    f("voice_method", Kind::Str).default("\"post\"").rule(Rule::OneOf(&["get", "post"])),
    f("voice_url", Kind::Str).rule(Rule::Url { or_empty: false }),
];

/// Unknown 14, decided: of the shared call-control filter, only the two members described for
/// applications filter them; the others are ignored like any unknown parameter.
const CALL_CONTROL_APPLICATION_FILTERS: &[Filter] = &[
    Filter { key: "filter[application_name][contains]", field: "application_name", how: Match::ContainsAtLeast(3) },
    Filter { key: "filter[outbound.outbound_voice_profile_id]", field: "outbound.outbound_voice_profile_id", how: Match::Exact },
];
const TEXML_APPLICATION_FILTERS: &[Filter] = &[
    Filter { key: "filter[friendly_name]", field: "friendly_name", how: Match::ContainsAtLeast(3) },
    Filter { key: "filter[outbound_voice_profile_id]", field: "outbound.outbound_voice_profile_id", how: Match::Exact },
];

// ---- UAC connections (voice-apps-and-e911.md §8) ----------------------------------------------
//
// Decisions on the Unknowns of voice-apps-and-e911.md §12 (also in the emulator README):
// * 18: `encrypted_media` is accepted whatever `external_uac_settings.transport` is (the
//   sources contradict each other and a UAC connection has no `transport_protocol`).
// * 19: the top-level `user_name` and `password` are optional, checked as a credential
//   connection's (4–32 letters and digits with a letter among the first five; 8–128
//   characters), not unique, and independent of `external_uac_settings`.
// * 20: both passwords are secrets: in full on create and on an update that changes them,
//   `********` on every other read (the newest rule, for every account).
// * 21: `registration_status` is one of the action's values; the emulator has no SIP side, so a
//   connection is `Not Registered` from its create on (`registration_status_updated_at`: its
//   creation time), and the action reports the same.

/// `external_uac_settings.username`: 4–32 characters, letters, digits, `-` and `_`, starting
/// with a letter or digit.
fn is_uac_username(s: &str) -> bool {
    (4..=32).contains(&s.len())
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `internal_uac_settings.destination_uri`: `userinfo@<subdomain.>sip.telnyx.com` (or
/// `sipdev.telnyx.com`), userinfo of letters, digits, `-` and `_`, no `sip:` prefix.
fn is_uac_destination_uri(s: &str) -> bool {
    let Some((user, host)) = s.split_once('@') else { return false };
    let user_ok = !user.is_empty() && user.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let sub = ["sip.telnyx.com", "sipdev.telnyx.com"]
        .iter()
        .find_map(|base| if host == *base { Some("") } else { host.strip_suffix(base).and_then(|h| h.strip_suffix('.')) });
    let sub_ok = sub.is_some_and(|sub| {
        sub.is_empty()
            || sub.split('.').all(|l| {
                !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') && !l.starts_with('-') && !l.ends_with('-')
            })
    });
    user_ok && sub_ok
}

const EXTERNAL_UAC_SETTINGS: &[Field] = &[
    f("auth_username", Kind::Str).nullable(),
    f("expiration_sec", Kind::Int).nullable().rule(Rule::Range(1, i64::MAX)),
    f("from_user", Kind::Str).nullable(),
    f("outbound_proxy", Kind::Str).nullable(),
    f("password", Kind::Str).secret(),
    f("proxy", Kind::Str),
    f("transport", Kind::Str).nullable().rule(Rule::OneOf(&["UDP", "TLS", "TCP"])),
    // [py] and [node] only: null is Telnyx's default User-Agent.
    f("user_agent", Kind::Str).nullable(),
    f("username", Kind::Str)
        .rule(Rule::Check { check: is_uac_username, expect: "4 to 32 letters, digits, '-' or '_', starting with a letter or digit" }),
];

const INTERNAL_UAC_SETTINGS: &[Field] = &[f("destination_uri", Kind::Str).rule(Rule::Check {
    check: is_uac_destination_uri,
    expect: "userinfo@<subdomain.>sip.telnyx.com (or sipdev.telnyx.com) without a sip: prefix, userinfo of letters, digits, '-' and '_'",
})];

const INBOUND_UAC_ONLY: &[Field] = &[
    // As the other connection types: the schema has no null here.
    f("default_routing_method", Kind::Str).default("\"sequential\"").rule(Rule::OneOf(ROUTING)),
    f("simultaneous_ringing", Kind::Str).default("\"disabled\"").rule(Rule::OneOf(&["disabled", "enabled"])),
    f("sip_region", Kind::Str).default("\"US\"").rule(Rule::OneOf(SIP_REGIONS)),
    // "generated by Telnyx and are not accepted as request parameters".
    f("sip_subdomain", Kind::Str).read_only().generated(Gen::Token(12)),
    f("sip_subdomain_receive_settings", Kind::Str).read_only().default("\"from_anyone\"").rule(Rule::OneOf(RECEIVE_SETTINGS)),
];
const INBOUND_UAC: &[Field] = &concat::<{ INBOUND_COMMON.len() + INBOUND_UAC_ONLY.len() }>(INBOUND_COMMON, INBOUND_UAC_ONLY);

/// `UacConnection`: the connection fields of §8.1 (no `conversation_persistence`, no
/// `transport_protocol`), the UAC settings and the read-only FQDN and registration fields.
const UAC_CONNECTION: &[Field] = &[
    f("active", Kind::Bool).default("true"),
    f("anchorsite_override", Kind::Str).default("\"Latency\"").rule(Rule::OneOf(ANCHORSITES)),
    f("android_push_credential_id", Kind::Str).nullable(),
    f("authentication", Kind::Str).read_only().default("\"uac-authentication\""),
    f("bridge_generate_comfort_noise_on_cn", Kind::Bool).default("false"),
    f("call_cost_in_webhooks", Kind::Bool).default("false"),
    f("connection_name", Kind::Str),
    // The request schemas document false, the object true: a new object holds true.
    f("default_on_hold_comfort_noise_enabled", Kind::Bool).default("true"),
    f("dtmf_type", Kind::Str).default("\"RFC 2833\"").rule(Rule::OneOf(&["RFC 2833", "Inband", "SIP INFO"])),
    f("encode_contact_header_enabled", Kind::Bool).default("false"),
    f("encrypted_media", Kind::Str).nullable().rule(Rule::OneOf(&["SRTP"])),
    f("external_uac_settings", Kind::Object(EXTERNAL_UAC_SETTINGS)),
    f("fqdn", Kind::Str).read_only().generated(Gen::TokenThen(12, ".uac.telnyx.com")),
    f("fqdn_outbound_authentication", Kind::Str).read_only().default("\"credential-authentication\""),
    f("inbound", Kind::Object(INBOUND_UAC)),
    f("internal_uac_settings", Kind::Object(INTERNAL_UAC_SETTINGS)),
    f("ios_push_credential_id", Kind::Str).nullable(),
    f("jitter_buffer", Kind::Object(JITTER_BUFFER)),
    // No documented default; as the other connection types.
    f("noise_suppression", Kind::Str).default("\"disabled\"").rule(Rule::OneOf(&["inbound", "outbound", "both", "disabled"])),
    f("noise_suppression_details", Kind::Object(NOISE_SUPPRESSION_DETAILS)),
    f("onnet_t38_passthrough_enabled", Kind::Bool).default("false"),
    f("outbound", Kind::Object(OUTBOUND_CREDENTIAL)),
    f("password", Kind::Str).secret().rule(Rule::Length(8, 128)),
    f("registration_status", Kind::Str).read_only().nullable().default("\"Not Registered\""),
    f("registration_status_updated_at", Kind::Str).read_only().nullable(),
    f("rtcp_settings", Kind::Object(RTCP_SETTINGS)),
    // No documented default: "disabled", as credential connections.
    f("sip_uri_calling_preference", Kind::Str).default("\"disabled\"").rule(Rule::OneOf(&["disabled", "unrestricted", "internal"])),
    f("tags", Kind::StrList).default("[]"),
    f("user_name", Kind::Str).rule(Rule::UserName),
    f("webhook_api_version", Kind::Str).default("\"1\"").rule(Rule::OneOfByOp { create: &["1", "2", "texml"], update: &["1", "2"] }),
    f("webhook_event_failover_url", Kind::Str).nullable().default("\"\"").rule(Rule::Url { or_empty: true }),
    f("webhook_event_url", Kind::Str).rule(Rule::Url { or_empty: false }),
    f("webhook_timeout_secs", Kind::Int).nullable().rule(Rule::Range(0, 30)),
];

/// `filter[fqdn]` on the UAC list is the connection's own generated FQDN, exact.
const UAC_FILTERS: &[Filter] = &[
    Filter { key: "filter[connection_name][contains]", field: "connection_name", how: Match::ContainsAtLeast(3) },
    Filter { key: "filter[fqdn]", field: "fqdn", how: Match::Exact },
    Filter { key: "filter[outbound_voice_profile_id]", field: "outbound.outbound_voice_profile_id", how: Match::Exact },
];

/// A new UAC connection's FQDN record (README §9.5's shape, port 5060, an A record) and the
/// time its registration status was set (Unknown 21).
fn uac_derive(obj: &mut serde_json::Value) {
    let now = obj["created_at"].clone();
    obj["registration_status_updated_at"] = now.clone();
    obj["fqdns"] = serde_json::json!([{
        "id": crate::store::new_id(),
        "connection_id": obj["id"],
        "fqdn": obj["fqdn"],
        "port": 5060,
        "dns_record_type": "a",
        "record_type": "fqdn",
        "created_at": now,
        "updated_at": now,
    }]);
}

/// What `check_registration_status` reports: the emulator has no SIP side (Unknown 21).
fn uac_registration_status(conn: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "ip_address": null,
        "last_registration": null,
        "port": null,
        "record_type": "registration_status",
        "sip_username": conn["external_uac_settings"]["username"],
        "status": conn["registration_status"],
        "transport": conn["external_uac_settings"]["transport"],
        "user_agent": null,
    })
}

// ---- dynamic E911 (voice-apps-and-e911.md §3.6, §3.7) ----------------------------------------

/// `DynamicEmergencyAddress`: no update, no nullable field, no documented limits (Unknown 7,
/// decided: any string). `sip_geolocation_id` is set on activation; `reads` counts the reads of
/// a pending object (never answered; see `api/dynamic_e911.rs` for the lifecycle).
const DYNAMIC_EMERGENCY_ADDRESS: &[Field] = &[
    f("house_number", Kind::Str),
    f("house_suffix", Kind::Str),
    f("street_pre_directional", Kind::Str),
    f("street_name", Kind::Str),
    f("street_suffix", Kind::Str),
    f("street_post_directional", Kind::Str),
    f("extended_address", Kind::Str),
    f("locality", Kind::Str),
    f("administrative_area", Kind::Str),
    f("postal_code", Kind::Str),
    f("country_code", Kind::Str).rule(Rule::OneOf(&["US", "CA", "PR"])),
    f("sip_geolocation_id", Kind::Str).read_only(),
    f("status", Kind::Str).read_only().default("\"pending\""),
    f("reads", Kind::Int).read_only().write_only().default("0"),
];

/// `DynamicEmergencyEndpoint`; `country_code` is its address's (for `filter[country_code]`),
/// never answered.
const DYNAMIC_EMERGENCY_ENDPOINT: &[Field] = &[
    f("dynamic_emergency_address_id", Kind::Str),
    f("callback_number", Kind::Str).rule(Rule::Check { check: crate::spec::is_e164, expect: "an E.164 number (+13125550100)" }),
    f("caller_name", Kind::Str),
    f("sip_from_id", Kind::Str).read_only(),
    f("status", Kind::Str).read_only().default("\"pending\""),
    f("country_code", Kind::Str).read_only().write_only(),
    f("reads", Kind::Int).read_only().write_only().default("0"),
];

const DYNAMIC_E911_FILTERS: &[Filter] = &[
    Filter {
        key: "filter[status]",
        field: "status",
        how: Match::Named(&[("pending", "pending"), ("activated", "activated"), ("rejected", "rejected")]),
    },
    Filter { key: "filter[country_code]", field: "country_code", how: Match::Exact },
];

// ---- E911: addresses (voice-apps-and-e911.md §3.2–3.4; api/emergency.rs) -----------------

/// `Address` / `AddressCreate`. No update endpoint exists, so nothing is ever changed after the
/// create. Unknown 7, decided: no length or character limits. Unknown 6, decided: the three
/// name fields must all be present (`required`), `""` satisfies that, and the address needs
/// either a first and a last name or a business name (api/emergency.rs).
const ADDRESS: &[Field] = &[
    f("first_name", Kind::Str),
    f("last_name", Kind::Str),
    f("business_name", Kind::Str),
    f("street_address", Kind::Str),
    f("extended_address", Kind::Str),
    f("locality", Kind::Str),
    f("administrative_area", Kind::Str),
    f("postal_code", Kind::Str),
    f("country_code", Kind::Str).rule(Rule::Check { check: is_country_code, expect: "an ISO 3166-1 alpha-2 country code such as US" }),
    f("neighborhood", Kind::Str),
    f("borough", Kind::Str),
    f("phone_number", Kind::Str),
    f("customer_reference", Kind::Str),
    f("address_book", Kind::Bool).default("true"),
    f("validate_address", Kind::Bool).default("true"),
];

/// Two upper-case letters.
fn is_country_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// §2: `filter[customer_reference]` alone is a case-insensitive substring match.
const ADDRESS_FILTERS: &[Filter] = &[
    Filter { key: "filter[customer_reference]", field: "customer_reference", how: Match::Contains },
    Filter { key: "filter[customer_reference][eq]", field: "customer_reference", how: Match::Exact },
    Filter { key: "filter[customer_reference][contains]", field: "customer_reference", how: Match::Contains },
    Filter { key: "filter[street_address][contains]", field: "street_address", how: Match::ContainsAtLeast(3) },
    // A number names its emergency address only while emergency is enabled on it (a disabled
    // number's `emergency_address_id` is null), so a number that names it is one that uses it.
    Filter {
        key: "filter[used_as_emergency]",
        field: "id",
        how: Match::Referenced { family: "phone_numbers", link: "emergency_address_id" },
    },
    Filter { key: "filter[address_book][eq]", field: "address_book", how: Match::Exact },
];

/// Every family whose ids a phone number's `connection_id` may hold, and that `/connections`
/// lists. Unknown 29 (voice-apps-and-e911.md), decided from its section 7: UAC connections, Call
/// Control and TeXML applications share the connection id space — a number is routed to one by
/// its id, and `/connections` ("irrespective of type") lists them. Unknown 17, decided: like a
/// connection, an application numbers still use cannot be deleted (422, the numbers named).
pub const CONNECTION_FAMILIES: &[&str] =
    &["credential_connections", "fqdn_connections", "ip_connections", "uac_connections", "call_control_applications", "texml_applications"];
// ---- telephony credentials (voice-apps-and-e911.md §9) ---------------------------------------

/// `connection_id` and `tag` are accepted but never answered (write-only); `resource_id`,
/// `expired` are derived when answered (api.rs); `tokens` records the access tokens issued
/// (never answered, visible in `/_emulator/state` for tests).
const TELEPHONY_CREDENTIAL: &[Field] = &[
    f("connection_id", Kind::Str).write_only(),
    f("tag", Kind::Str).write_only(),
    f("name", Kind::Str),
    // Unknown 23, decided: not nullable (the spec admits no null): a credential's expiry can
    // be moved but never removed; the provider replaces the credential instead.
    f("expires_at", Kind::Str),
    f("expired", Kind::Bool).read_only().default("false"),
    f("resource_id", Kind::Str).read_only(),
    f("sip_username", Kind::Str).read_only().generated(Gen::Token(29)),
    f("sip_password", Kind::Str).read_only().generated(Gen::Token(32)),
    f("user_id", Kind::Str).read_only().default("\"3fa85f64-5717-4562-b3fc-2c963f66afa6\""),
    f("tokens", Kind::StrList).read_only().write_only().default("[]"),
];

/// Unknown 23, decided: `filter[status]` is `active` or `expired`; the others match exactly.
const TELEPHONY_CREDENTIAL_FILTERS: &[Filter] = &[
    Filter { key: "filter[tag]", field: "tag", how: Match::Exact },
    Filter { key: "filter[name]", field: "name", how: Match::Exact },
    Filter { key: "filter[status]", field: "expired", how: Match::Named(&[("active", "false"), ("expired", "true")]) },
    Filter { key: "filter[resource_id]", field: "resource_id", how: Match::Exact },
    Filter { key: "filter[sip_username]", field: "sip_username", how: Match::Exact },
];

pub const FAMILIES: &[Family] = &[
    Family {
        name: "credential_connections",
        record_type: Some("credential_connection"),
        fields: CREDENTIAL_CONNECTION,
        required_create: &["connection_name", "password", "user_name"],
        unique: &["user_name"],
        filters: CONNECTION_FILTERS_WITH_LEGACY,
        sorts: CONNECTION_SORTS,
        default_page_size: 250,
        checks: &[Cross::OnlyWhen {
            field: "webhook_api_version",
            value: "texml",
            other: "outbound.call_parking_enabled",
            is: "true",
            why: "webhook_api_version 'texml' requires outbound.call_parking_enabled to be true.",
        }],
        refs: &[OVP_REF],
        actions: &[Action { name: "check_registration_status", run: registration_status }],
        ..BASE
    },
    Family {
        name: "fqdn_connections",
        record_type: Some("fqdn_connection"),
        fields: FQDN_CONNECTION,
        required_create: &["connection_name"],
        filters: CONNECTION_FILTERS,
        sorts: CONNECTION_SORTS,
        default_page_size: 250,
        checks: &[
            ENCRYPTION_NOT_WITH_TLS,
            Cross::NotWith {
                field: "outbound.encrypted_media",
                other: "transport_protocol",
                value: "TLS",
                why: "outbound.encrypted_media cannot be set when transport_protocol is TLS.",
            },
        ],
        refs: &[
            OVP_REF,
            Ref::owned("inbound.default_primary_fqdn_id", &["fqdns"], "connection_id", OnDelete::Clear),
            Ref::owned("inbound.default_secondary_fqdn_id", &["fqdns"], "connection_id", OnDelete::Clear),
            Ref::owned("inbound.default_tertiary_fqdn_id", &["fqdns"], "connection_id", OnDelete::Clear),
        ],
        ..BASE
    },
    Family {
        name: "ip_connections",
        record_type: Some("ip_connection"),
        fields: IP_CONNECTION,
        filters: CONNECTION_FILTERS_WITH_LEGACY,
        sorts: CONNECTION_SORTS,
        default_page_size: 250,
        checks: &[ENCRYPTION_NOT_WITH_TLS],
        refs: &[
            OVP_REF,
            Ref::owned("inbound.default_primary_ip_id", &["ips"], "connection_id", OnDelete::Clear),
            Ref::owned("inbound.default_secondary_ip_id", &["ips"], "connection_id", OnDelete::Clear),
            Ref::owned("inbound.default_tertiary_ip_id", &["ips"], "connection_id", OnDelete::Clear),
        ],
        ..BASE
    },
    Family {
        name: "outbound_voice_profiles",
        record_type: Some("outbound_voice_profile"),
        fields: OUTBOUND_VOICE_PROFILE,
        bare: false,
        create_status: 200,
        required_create: &["name"],
        required_update: &["name"],
        unique: &[], // names are not unique at Telnyx (shared/telnyx-api documents no such rule)
        filters: &[Filter { key: "filter[name][contains]", field: "name", how: Match::Contains }],
        sorts: &["enabled", "created_at", "name", "service_plan", "traffic_type", "usage_payment_method"],
        default_page_size: 20,
        ..BASE
    },
    Family {
        name: "fqdns",
        record_type: Some("fqdn"),
        fields: FQDN,
        required_create: &["connection_id", "dns_record_type", "fqdn"],
        filters: FQDN_FILTERS,
        default_page_size: 250,
        refs: &[Ref::new("connection_id", &["fqdn_connections"], OnDelete::Keep)],
        // README §9.5: 'a' with a port, 'srv' without one.
        sent_checks: &[Sent {
            field: "port",
            other: "dns_record_type",
            value: "srv",
            why: "port cannot be set when dns_record_type is 'srv' (SRV records carry their own ports); use 'a' to set a port.",
        }],
        ..BASE
    },
    Family {
        name: "ips",
        record_type: Some("ip"),
        fields: IP,
        required_create: &["ip_address"],
        required_update: &["ip_address"],
        filters: IP_FILTERS,
        default_page_size: 250,
        refs: &[Ref::new("connection_id", &["ip_connections"], OnDelete::Keep)],
        ..BASE
    },
    Family {
        name: "access_ip_ranges",
        record_type: None,
        fields: ACCESS_IP_RANGE,
        bare: true,
        create_status: 200,
        required_create: &["cidr_block"],
        unique: &["cidr_block"],
        filters: ACCESS_IP_RANGE_FILTERS,
        default_page_size: 20,
        retrieve: false,
        update: false,
        settles: Some(Settle { field: "status", from: "pending", to: "added" }),
        ..BASE
    },
    Family {
        name: "billing_groups",
        record_type: Some("billing_group"),
        fields: BILLING_GROUP,
        create_status: 200,
        default_page_size: 20,
        uuid_ids: true,
        // Unknown 9, decided: the documented 409 of a delete is a group still in use.
        in_use_status: 409,
        ..BASE
    },
    Family {
        name: "phone_numbers",
        record_type: Some("phone_number"),
        fields: PHONE_NUMBER,
        unique: &["phone_number"],
        filters: PHONE_NUMBER_FILTERS,
        sorts: NUMBER_SORTS,
        default_page_size: 20,
        create: false,
        // Unknown 10, decided: a connection or billing group that numbers use cannot be deleted.
        refs: &[
            Ref::new("connection_id", CONNECTION_FAMILIES, OnDelete::Refuse),
            Ref::new("billing_group_id", &["billing_groups"], OnDelete::Refuse),
            // Unknown 1 (voice-apps-and-e911.md), decided: an address numbers use for
            // emergency services cannot be deleted (422, the numbers named).
            Ref::new("emergency_address_id", &["addresses"], OnDelete::Refuse),
        ],
        sub_view: Some(&VOICE),
        mirrors: &[
            ("call_forwarding_enabled", "voice.call_forwarding.call_forwarding_enabled"),
            ("cnam_listing_enabled", "voice.cnam_listing.cnam_listing_enabled"),
            ("caller_id_name_enabled", "voice.caller_id_name_enabled"),
            ("call_recording_enabled", "voice.call_recording.inbound_call_recording_enabled"),
            ("t38_fax_gateway_enabled", "voice.media_features.t38_fax_gateway_enabled"),
            ("inbound_call_screening", "voice.inbound_call_screening"),
        ],
        connection_name_from: Some("connection_id"),
        // numbers-and-billing.md §4, deleted number: no country_iso_alpha2, emergency_status,
        // inbound_call_screening, source_type, nor the newer messaging_campaign_id (the SDK's
        // PhoneNumberDeleteResponse has none of them).
        released_without: &["country_iso_alpha2", "emergency_status", "inbound_call_screening", "source_type", "messaging_campaign_id"],
        ..BASE
    },
    Family {
        name: "call_control_applications",
        record_type: Some("call_control_application"),
        fields: CALL_CONTROL_APPLICATION,
        required_create: &["application_name", "webhook_event_url"],
        required_update: &["application_name", "webhook_event_url"],
        filters: CALL_CONTROL_APPLICATION_FILTERS,
        // The spec's sort enum names `connection_name` (the object has `application_name`): accepted.
        sorts: &["created_at", "connection_name", "active"],
        default_page_size: 20,
        refs: &[OVP_REF],
        ..BASE
    },
    Family {
        name: "texml_applications",
        record_type: Some("texml_application"),
        fields: TEXML_APPLICATION,
        required_create: &["friendly_name", "voice_url"],
        required_update: &["friendly_name", "voice_url"],
        filters: TEXML_APPLICATION_FILTERS,
        sorts: &["created_at", "friendly_name", "active"],
        default_page_size: 250,
        refs: &[OVP_REF],
        ..BASE
    },
    Family {
        name: "uac_connections",
        record_type: Some("uac_connection"),
        fields: UAC_CONNECTION,
        required_create: &["connection_name"],
        filters: UAC_FILTERS,
        sorts: CONNECTION_SORTS,
        default_page_size: 250,
        checks: &[Cross::OnlyWhen {
            field: "webhook_api_version",
            value: "texml",
            other: "outbound.call_parking_enabled",
            is: "true",
            why: "webhook_api_version 'texml' requires outbound.call_parking_enabled to be true.",
        }],
        refs: &[OVP_REF],
        actions: &[Action { name: "check_registration_status", run: uac_registration_status }],
        derive: Some(uac_derive),
        ..BASE
    },
    Family {
        name: "telephony_credentials",
        record_type: Some("credential"),
        fields: TELEPHONY_CREDENTIAL,
        required_create: &["connection_id"],
        filters: TELEPHONY_CREDENTIAL_FILTERS,
        default_page_size: 50,
        uuid_ids: true,
        // Unknown 23, decided: PATCH `connection_id` moves the credential (the update schema
        // has it); deleting the connection is not refused (nothing documented).
        refs: &[Ref::new("connection_id", &["credential_connections"], OnDelete::Keep)],
        ..BASE
    },
    Family {
        name: "dynamic_emergency_addresses",
        record_type: Some("dynamic_emergency_address"),
        fields: DYNAMIC_EMERGENCY_ADDRESS,
        required_create: &["house_number", "street_name", "locality", "administrative_area", "postal_code", "country_code"],
        filters: DYNAMIC_E911_FILTERS,
        default_page_size: 20,
        update: false,
        uuid_ids: true,
        ..BASE
    },
    Family {
        name: "dynamic_emergency_endpoints",
        record_type: Some("dynamic_emergency_endpoint"),
        fields: DYNAMIC_EMERGENCY_ENDPOINT,
        required_create: &["dynamic_emergency_address_id", "callback_number", "caller_name"],
        filters: DYNAMIC_E911_FILTERS,
        default_page_size: 20,
        // Unknown 9, decided: an address that endpoints use cannot be deleted (422 naming
        // them); an endpoint needs an activated address (api/dynamic_e911.rs).
        refs: &[Ref::new("dynamic_emergency_address_id", &["dynamic_emergency_addresses"], OnDelete::Refuse)],
        update: false,
        uuid_ids: true,
        ..BASE
    },
    Family {
        name: "addresses",
        record_type: Some("address"),
        fields: ADDRESS,
        create_status: 200,
        required_create: &["first_name", "last_name", "business_name", "street_address", "locality", "country_code"],
        filters: ADDRESS_FILTERS,
        sorts: &["created_at", "first_name", "last_name", "business_name", "street_address"],
        default_page_size: 20,
        update: false,
        ..BASE
    },
];

/// `/connections`: every connection of any type (SIP connections and applications), with the
/// fields the generic Connection object has.
pub const VIEWS: &[View] = &[View {
    name: "connections",
    members: CONNECTION_FAMILIES,
    projection: &[
        ("id", "id"),
        ("active", "active"),
        ("anchorsite_override", "anchorsite_override"),
        // An application's name is its connection name here.
        ("connection_name", "connection_name|application_name|friendly_name"),
        ("created_at", "created_at"),
        ("outbound_voice_profile_id", "outbound.outbound_voice_profile_id"),
        ("record_type", "record_type"),
        ("tags", "tags"),
        ("updated_at", "updated_at"),
        ("webhook_api_version", "webhook_api_version"),
        ("webhook_event_failover_url", "webhook_event_failover_url"),
        ("webhook_event_url", "webhook_event_url"),
    ],
    filters: &[
        Filter { key: "filter[connection_name][contains]", field: "connection_name", how: Match::ContainsAtLeast(3) },
        Filter { key: "filter[fqdn]", field: "fqdn", how: Match::Related { family: "fqdns", link: "connection_id" } },
        Filter { key: "filter[outbound_voice_profile_id]", field: "outbound_voice_profile_id", how: Match::Exact },
    ],
    sorts: CONNECTION_SORTS,
    default_page_size: 250,
}];

pub fn view(name: &str) -> Option<&'static View> {
    VIEWS.iter().find(|v| v.name == name)
}

pub fn family(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.name == name)
}
