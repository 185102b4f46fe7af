//! The object families the emulator serves, as data: fields (from shared/telnyx-api),
//! envelopes, statuses, required fields, natural-key uniqueness and list filters.

use crate::spec::{Field, Kind, Rule, f};

/// How a list filter matches a field.
#[derive(Debug, Clone, Copy)]
pub enum Match {
    /// Case-insensitive substring.
    Contains,
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
}

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
    f("concurrent_call_limit", Kind::Int).nullable().rule(Rule::Range(1, i64::MAX)),
    f("connections_count", Kind::Int).read_only().default("0"),
    f("daily_spend_limit", Kind::Str).rule(Rule::Decimal),
    f("daily_spend_limit_enabled", Kind::Bool).default("false"),
    f("enabled", Kind::Bool).default("true"),
    f("max_destination_rate", Kind::Num).rule(Rule::NonNegative),
    f("service_plan", Kind::Str).default("\"global\"").rule(Rule::OneOf(&["global"])),
    f("tags", Kind::StrList).default("[]"),
    f("traffic_type", Kind::Str).default("\"conversational\"").rule(Rule::OneOf(&["conversational"])),
    f("usage_payment_method", Kind::Str).default("\"rate-deck\"").rule(Rule::OneOf(&["rate-deck"])),
    f("whitelisted_destinations", Kind::StrList).default("[\"US\", \"CA\"]").rule(Rule::EachCountry),
];

pub const FAMILIES: &[Family] = &[Family {
    name: "outbound_voice_profiles",
    record_type: Some("outbound_voice_profile"),
    fields: OUTBOUND_VOICE_PROFILE,
    bare: false,
    create_status: 200,
    required_create: &["name"],
    required_update: &["name"],
    unique: &["name"],
    filters: &[Filter { key: "filter[name][contains]", field: "name", how: Match::Contains }],
    sorts: &["enabled", "created_at", "name", "service_plan", "traffic_type", "usage_payment_method"],
    default_page_size: 20,
}];

pub fn family(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.name == name)
}
