//! `telnyx_outbound_voice_profile` — outbound calling policy (destinations, limits, spend
//! caps, recording) that connections reference through `outbound.outbound_voice_profile_id`.
//! Endpoints: `POST|GET /outbound_voice_profiles`, `GET|PATCH|DELETE /outbound_voice_profiles/{id}`.

use super::common::{created_at, id, is_country_code, record_type, tags, updated_at};
use super::list::{ListFilter, Listed};
use super::normalize::{same_decimal, same_time_of_day};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::schema::{bool, int, nested, number, set, string};
use tfplug::types::Type;
use tfplug::validate::Validator;
use tfplug::{Schema, Value};

#[derive(Debug)]
pub struct OutboundVoiceProfile;

/// A whole number of 0 or more (the request schemas' `minimum: 0`; no maximum is documented).
fn is_non_negative_int(v: &Value) -> bool {
    v.as_number().is_some_and(|n| n.as_f64() >= 0.0 && n.as_f64().fract() == 0.0)
}

/// E.164: `+` and 2 to 15 digits.
pub fn is_e164(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.strip_prefix('+').is_some_and(|d| (2..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())))
}

impl RestObject for OutboundVoiceProfile {
    const TYPE_NAME: &'static str = "telnyx_outbound_voice_profile";
    const PATH: &'static str = "/outbound_voice_profiles";
    /// List items and `GET /outbound_voice_profiles/{id}` are one schema (`OutboundVoiceProfile`).
    const BATCH: Batch = Batch::Family;
    fn schema() -> Schema {
        Schema::new(
            "An outbound voice profile: the policy for outbound calls of the connections that reference it \
             (allowed destinations, concurrency and spend limits, recording, calling window).",
        )
        .attr(id())
        .attr(string("name").required().length(3, usize::MAX).desc("Profile name (at least 3 characters). Telnyx does not require names to be unique; the data source finds a profile by name only when exactly one has it."))
        .attr(
            string("billing_group_id")
                .optional()
                .validate(Validator::Uuid)
                .desc("UUID of the billing group that outbound calls are billed to; unset for none."),
        )
        .attr(
            int("concurrent_call_limit").optional().desc(
                "Most outbound calls in progress at once, across every connection using this profile; it may not exceed the \
                 account's own concurrent call limit (Telnyx checks). Unset means no limit.",
            ),
        )
        .attr(
            string("daily_spend_limit")
                .optional_computed()
                .keep_state()
                .validate(Validator::Decimal)
                .equivalent(same_decimal)
                .desc("Daily spend limit in USD, as a decimal string (e.g. `\"100.00\"`). Enforced when `daily_spend_limit_enabled` is true."),
        )
        .attr(bool("daily_spend_limit_enabled").optional_computed().keep_state().desc("Whether `daily_spend_limit` is enforced."))
        .attr(bool("enabled").optional_computed().keep_state().desc("Whether the profile can be used for outbound calls."))
        .attr(
            number("max_destination_rate")
                .optional_computed()
                .keep_state()
                .validate(Validator::Check {
                    describe: "a non-negative number within the range of a JSON number (below 1.8e308)",
                    check: |v| v.as_number().is_some_and(|n| n.as_f64() >= 0.0 && n.as_f64().is_finite()),
                })
                .desc("Highest per-minute rate (USD) a destination may cost; calls to dearer destinations are refused."),
        )
        .attr(string("service_plan").optional_computed().keep_state().one_of(&["global"]).desc("Service plan. Only `global` exists."))
        .attr(tags())
        .attr(string("traffic_type").optional_computed().keep_state().one_of(&["conversational"]).desc("Traffic type. Only `conversational` exists."))
        .attr(
            string("usage_payment_method")
                .optional_computed()
                .keep_state()
                .one_of(&["rate-deck"])
                .desc("How usage is paid for. Only `rate-deck` exists."),
        )
        .attr(
            set("whitelisted_destinations", Type::String)
                .optional_computed()
                .keep_state()
                .validate(Validator::Each(Box::new(Validator::Check { describe: "an ISO 3166-1 alpha-2 country code such as `US`", check: is_country_code })))
                .desc("Countries (ISO 3166-1 alpha-2 codes) outbound calls may reach. Telnyx defaults to `US` and `CA`."),
        )
        .attr(
            nested(
                "call_recording",
                vec![
                    set("call_recording_caller_phone_numbers", Type::String)
                        .optional()
                        .validate(Validator::Each(Box::new(Validator::Check { describe: "an E.164 number such as `+13125550100`", check: is_e164 })))
                        .desc("Caller numbers (E.164) whose calls are recorded when `call_recording_type` is `by_caller_phone_number`; unset for none."),
                    string("call_recording_channels")
                        .optional_computed()
                        .keep_state()
                        .one_of(&["single", "dual"])
                        .desc("`single` (mono) or `dual` (each leg on its own channel)."),
                    string("call_recording_format").optional_computed().keep_state().one_of(&["wav", "mp3"]).desc("Recording file format."),
                    string("call_recording_type")
                        .optional_computed()
                        .keep_state()
                        .one_of(&["all", "none", "by_caller_phone_number"])
                        .desc("Which outbound calls are recorded."),
                ],
            )
            .optional_computed()
            .keep_state()
            .desc("Recording of outbound calls. Unset members with a Telnyx default keep the values Telnyx holds; unset caller numbers mean none."),
        )
        .attr(
            nested(
                "calling_window",
                vec![
                    int("calls_per_cld")
                        .optional()
                        .validate(Validator::Check { describe: "a whole number of 0 or more", check: is_non_negative_int })
                        .desc("Most calls per destination number (CLD) within the window (0 or more); unset for no limit."),
                    string("end_time")
                        .optional()
                        .validate(Validator::TimeOfDay)
                        .equivalent(same_time_of_day)
                        .desc("End of the window, UTC time of day (`HH:MM`); unset for none."),
                    string("start_time")
                        .optional()
                        .validate(Validator::TimeOfDay)
                        .equivalent(same_time_of_day)
                        .desc("Start of the window, UTC time of day (`HH:MM`); unset for none."),
                ],
            )
            .optional_computed()
            .keep_state()
            .desc(
                "Time window (beta) within which outbound calls may be placed. Its members have no Telnyx default: removing one \
                 clears it (removing the whole object keeps what Telnyx holds).",
            ),
        )
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        NaturalKey::of(planned, &[("name", "filter[name][contains]")])
    }
}

impl OutboundVoiceProfile {
    /// The profile as its data sources read it: the resource's attributes and
    /// `connections_count`. The count is not on the resource: creating or deleting a connection
    /// that uses the profile moves it, and Terraform would report that as a change made outside
    /// Terraform on the next plan. A data source is read afresh on every plan instead.
    pub fn read_schema() -> Schema {
        <Self as RestObject>::schema().attr(
            int("connections_count")
                .computed()
                .desc("Number of connections using this profile, as Telnyx counts them when the data source is read."),
        )
    }
}

impl Listed for OutboundVoiceProfile {
    const NOUN: (&'static str, &'static str) = ("outbound voice profile", "outbound voice profiles");
    const LIST_TYPE_NAME: &'static str = "telnyx_outbound_voice_profiles";
    const LIST_ATTR: &'static str = "outbound_voice_profiles";
    const FILTERS: &'static [ListFilter] =
        &[ListFilter::text("name_contains", "filter[name][contains]", "Only profiles whose name contains this text, ignoring case.")];
    const KEY: &'static [(&'static str, &'static str)] = &[("name", "name_contains")];

    fn read_schema() -> Schema {
        OutboundVoiceProfile::read_schema()
    }
}

impl super::Exported for OutboundVoiceProfile {
    const LABEL_PREFIX: &'static str = "profile";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        serde_json::json!({
            "call_recording": {
                "call_recording_channels": "single",
                "call_recording_format": "wav"
            },
            "calling_window": {},
            "daily_spend_limit_enabled": false,
            "enabled": true,
            "service_plan": "global",
            "traffic_type": "conversational",
            "usage_payment_method": "rate-deck",
            "whitelisted_destinations": ["US", "CA"]
        })
    }
}
