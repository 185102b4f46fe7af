//! `telnyx_phone_number` — the settings of a phone number the account already owns: its
//! routing (`connection_id`), billing group, tags, reference and voice settings.
//! Endpoints: `GET /phone_numbers` (with `filter[phone_number]`), `GET|PATCH /phone_numbers/{id}`,
//! `GET|PATCH /phone_numbers/{id}/voice`, `GET /phone_numbers/voice`.
//!
//! A number is bought or ported, never created through this API, and `DELETE
//! /phone_numbers/{id}` releases it. So this resource never sends either:
//! * create **adopts** the number named by `phone_number` (an error naming the attribute when
//!   the account does not own it, with no write sent) and applies the configuration;
//! * destroy gives the number back **unrouted**: one PATCH clearing `connection_id`,
//!   `billing_group_id`, `customer_reference` and `tags` (those the state holds); the number
//!   stays in the account with its voice settings, `external_pin` and `hd_voice_enabled`;
//! * the REST client itself refuses to send a number's DELETE or any ordering request
//!   (`telnyx::retry::never_sent`), whatever a resource asks.
//!
//! The number object and its voice settings are two views with two PATCHes: the voice
//! settings are the nested attribute `voice`, whose unset members keep what Telnyx holds
//! (nested objects are sent whole, so the API's replace-or-merge question never matters).
//! Clearing a routing field sends `""` (numbers-and-billing.md, unknown 1: the request schema
//! types these fields as non-nullable strings; the messaging endpoint documents `""` to
//! unassign).

use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::Value as Json;

use super::Exported as _;
use super::common::{created_at, id, record_type, tags, updated_at};
use super::diagnostics::ToDiagnostics;
use super::list::{FilterField, FilterKind, ListFilter, Listed, SubView};
use super::mapping::{absorb, request_body};
use super::outbound_voice_profile::is_e164;
use super::rest::{Batch, RestObject, SchemaCell, urlencode};
use crate::telnyx::batch::BatchRead;
use crate::telnyx::client::{Client, Envelope};
use crate::telnyx::error::ApiError;
use tfplug::schema::{Attribute, Identity, bool, nested, set, string};
use tfplug::types::Type;
use tfplug::validate::Validator;
use tfplug::{AttrPath, Ctx, Diagnostic, Diagnostics, Failure, ListedObject, Resource, Schema, Value};

/// The family's shape (schema, list filters); [`PhoneNumberResource`] is its resource.
#[derive(Debug)]
pub struct PhoneNumber;

/// Statuses of a number that has left the account: it reads as gone.
const GONE: &[&str] = &["deleted", "ported-out"];

/// Top-level settings a destroy clears (sent as `""`, or `[]` for `tags`).
const CLEARED_ON_DESTROY: &[&str] = &["connection_id", "billing_group_id", "customer_reference", "tags"];

/// Letters, digits and spaces, at most 15 characters (a CNAM listing).
fn is_cnam(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.chars().count() <= 15 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' '))
}

fn is_e164_or_empty(v: &Value) -> bool {
    v.as_str() == Some("") || is_e164(v)
}

fn voice() -> Attribute {
    voice_attribute(|a| a.optional_computed().keep_state()).desc(
        "The number's voice settings (`/phone_numbers/{id}/voice`). Members left out keep what Telnyx holds; \
         destroy leaves them as they are.",
    )
}

/// An attribute given its presence by a function (see [`voice_attribute`]).
trait Present {
    fn present(self, presence: fn(Attribute) -> Attribute) -> Attribute;
}

impl Present for Attribute {
    fn present(self, presence: fn(Attribute) -> Attribute) -> Attribute {
        presence(self)
    }
}

/// The voice settings as the nested attribute `voice`: the members `PATCH /phone_numbers/{id}/voice`
/// and the update job's `voice` take. `presence` makes `voice`, each nested object and each member
/// optional, computed or kept (shared with `telnyx_phone_numbers_routing`).
pub(crate) fn voice_attribute(presence: fn(Attribute) -> Attribute) -> Attribute {
    nested(
        "voice",
        vec![
            bool("tech_prefix_enabled").present(presence).desc("Whether a tech prefix is used for this number."),
            string("translated_number")
                .present(presence)
                .length(0, 32)
                .desc("Replaces the dialled number of inbound calls before they reach you (up to 32 characters); `\"\"` for none."),
            bool("caller_id_name_enabled").present(presence).desc("Whether the caller's name (CNAM) is looked up for inbound calls."),
            string("usage_payment_method")
                .present(presence)
                .one_of(&["pay-per-minute", "channel"])
                .desc("`pay-per-minute`, or `channel` (billed against the account's concurrent channels)."),
            string("inbound_call_screening")
                .present(presence)
                .one_of(&["disabled", "reject_calls", "flag_calls"])
                .desc("Screening of inbound calls (costs a monthly fee per number when not `disabled`)."),
            nested(
                "call_forwarding",
                vec![
                    bool("call_forwarding_enabled")
                        .present(presence)
                        .desc("Whether forwarding happens (when `forwards_to` and `forwarding_type` are set)."),
                    string("forwards_to")
                        .present(presence)
                        .validate(Validator::Check {
                            describe: "an E.164 number such as `+13125550100`, or `\"\"`",
                            check: is_e164_or_empty,
                        })
                        .desc("Number (E.164) inbound calls are forwarded to; `\"\"` for none."),
                    string("forwarding_type")
                        .present(presence)
                        .one_of(&["always", "on-failure"])
                        .desc("`always`, or `on-failure` (only when the call cannot reach the connection)."),
                ],
            )
            .present(presence)
            .desc("Forwarding of inbound calls."),
            nested(
                "cnam_listing",
                vec![
                    bool("cnam_listing_enabled")
                        .present(presence)
                        .desc("Whether the number's caller name is listed; needs `cnam_listing_details`."),
                    string("cnam_listing_details")
                        .present(presence)
                        .validate(Validator::Check { describe: "at most 15 letters, digits or spaces", check: is_cnam })
                        .desc("The listed caller name: at most 15 letters, digits or spaces; needs `cnam_listing_enabled = true`."),
                ],
            )
            .present(presence)
            .desc("Caller name (CNAM) listing of the number."),
            nested(
                "media_features",
                vec![
                    bool("rtp_auto_adjust_enabled")
                        .present(presence)
                        .desc("Whether the RTP destination follows the source of incoming RTP."),
                    bool("accept_any_rtp_packets_enabled")
                        .present(presence)
                        .desc("Whether RTP is accepted from any address and port on your side."),
                    bool("t38_fax_gateway_enabled").present(presence).desc("Whether a T.38 re-INVITE is accepted."),
                ],
            )
            .present(presence)
            .desc("Media handling of calls to the number."),
            nested(
                "call_recording",
                vec![
                    bool("inbound_call_recording_enabled").present(presence).desc("Whether every inbound call is recorded."),
                    string("inbound_call_recording_format").present(presence).one_of(&["wav", "mp3"]).desc("Recording file format."),
                    string("inbound_call_recording_channels")
                        .present(presence)
                        .one_of(&["single", "dual"])
                        .desc("`single`, or `dual` (the first leg on one channel, the rest on the other)."),
                ],
            )
            .present(presence)
            .desc("Recording of inbound calls."),
        ],
    )
    .present(presence)
}

impl RestObject for PhoneNumber {
    const TYPE_NAME: &'static str = "telnyx_phone_number";
    const PATH: &'static str = "/phone_numbers";
    /// List items and `GET /phone_numbers/{id}` are one schema (`PhoneNumberDetailed`), as
    /// are the voice listing's and `GET /phone_numbers/{id}/voice` (`PhoneNumberWithVoiceSettings`).
    const BATCH: Batch = Batch::By { attr: "connection_id", query: "filter[connection_id]" };

    fn schema() -> Schema {
        Schema::new(
            "The settings of a phone number the Telnyx account already owns: which connection it is routed to, its billing \
             group, tags, reference and voice settings. Creating this resource **adopts** the number (it never buys one: a \
             number the account does not own is an error); destroying it **gives the number back as it was found** (the \
             connection, billing group, customer reference, tags and emergency settings recorded in `found`; after an import, \
             unrouted and cleared); the number stays in the account with its voice settings, `external_pin` and \
             `hd_voice_enabled`. The provider never releases a number. Imports by id or by the E.164 number.",
        )
        .attr(id())
        .attr(
            string("phone_number")
                .required()
                .replace_on_change()
                .validate(Validator::Check { describe: "an E.164 number such as `+13125550100`", check: is_e164 })
                .desc("The number, in E.164 (`+13125550100`). It must already belong to the account."),
        )
        .attr(string("connection_id").optional().length(1, usize::MAX).desc(
            "Id of the connection inbound calls to the number are routed to: a SIP connection (credential, FQDN, IP) or \
             a Call Control or TeXML application (`telnyx_call_control_application.x.id`). Unset: the number is unrouted \
             (applying clears a connection it had).",
        ))
        .attr(
            string("billing_group_id")
                .optional()
                .validate(Validator::Uuid)
                .desc("UUID of the billing group (`telnyx_billing_group`) the number is billed to; unset for none."),
        )
        .attr(tags())
        .attr(string("customer_reference").optional().length(1, 255).desc("Free text for your own look-ups; unset for none."))
        .attr(string("external_pin").optional_computed().keep_state().sensitive().length(1, 64).desc(
            "PIN that a carrier winning a port-out request must give (where carriers cooperate). Unset: keeps what Telnyx holds; \
             destroy leaves it.",
        ))
        .attr(bool("hd_voice_enabled").optional_computed().keep_state().desc("Whether HD voice is enabled for the number."))
        .attr(voice())
        .attr(string("status").computed().keep_state().desc("Status of the number at Telnyx (`active`, `port-pending`, …)."))
        .attr(string("country_iso_alpha2").computed().keep_state().desc("ISO 3166-1 alpha-2 code of the number's country."))
        .attr(string("phone_number_type").computed().keep_state().desc("Kind of number (`local`, `toll_free`, `mobile`, …)."))
        .attr(string("source_type").computed().keep_state().desc("How the number came to the account: `number_order` or `port_request`."))
        .attr(bool("deletion_lock_enabled").computed().keep_state().desc("Whether the number is locked against release."))
        .attr(bool("emergency_enabled").optional_computed().keep_state().desc(
            "Whether emergency services (E911) are enabled, with the address `emergency_address_id`. Enabling waits while \
             Telnyx provisions them (`emergency_status` `provisioning`); `provisioning-failed` fails the apply. Setting \
             `emergency_address_id` alone implies `true`. Unset: keeps what Telnyx holds; destroy gives the number back \
             its emergency settings as it was found.",
        ))
        .attr(
            string("emergency_address_id")
                .optional_computed()
                .keep_state()
                .validate(Validator::Check {
                    describe: "the numeric id of an address (`telnyx_emergency_address.x.id`)",
                    check: is_address_id,
                })
                .desc(
                    "Id of the address (`telnyx_emergency_address`) emergency services use for this number. Required with \
                     `emergency_enabled = true`, not allowed with `false`. Changing it provisions the number again with the new address.",
                ),
        )
        .attr(
            string("emergency_status")
                .computed()
                .desc("Emergency provisioning status: `disabled`, `provisioning`, `active`, `deprovisioning` or `provisioning-failed`."),
        )
        .attr(string("purchased_at").computed().keep_state().desc("When the number was purchased (ISO 8601)."))
        .attr(
            nested(
                "found",
                vec![
                    string("connection_id").computed().desc("The connection the number was routed to."),
                    string("billing_group_id").computed().desc("The billing group it was billed to."),
                    string("customer_reference").computed().desc("Its customer reference."),
                    set("tags", Type::String).computed().desc("Its tags."),
                    bool("emergency_enabled").computed().desc("Whether emergency services were enabled."),
                    string("emergency_address_id").computed().desc("The address they used."),
                ],
            )
            .computed()
            .keep_state()
            .desc(
                "What the number held when this resource adopted it (its create): destroy gives the number back with these \
                 settings — its connection, billing group, customer reference, tags and emergency settings as they were — \
                 instead of clearing them. Null after an import (the configuration then declares what the number holds, and destroy clears \
                 it, as for any resource) and in state written before this attribute existed. A connection it gives the \
                 number back to must still exist: Telnyx refuses to delete a connection numbers use.",
            ),
        )
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    fn validate(config: &Value) -> Diagnostics {
        let mut d = emergency_arguments(config);
        d.extend(voice_checks(config));
        d
    }
}

/// The rules of `voice` the schema cannot state (the CNAM listing's two members go together).
pub(crate) fn voice_checks(config: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    let cnam = config.get("voice").get("cnam_listing");
    let (enabled, details) = (cnam.get("cnam_listing_enabled"), cnam.get("cnam_listing_details"));
    let path = |leaf: &str| AttrPath::attr("voice").join("cnam_listing").join(leaf);
    if enabled.as_bool() == Some(true) && details.as_str() == Some("") {
        d.push(
            Diagnostic::error(
                "Invalid CNAM listing",
                "`voice.cnam_listing.cnam_listing_enabled = true` needs a non-empty `cnam_listing_details`.",
            )
            .at(path("cnam_listing_details")),
        );
    }
    if enabled.as_bool() == Some(false) && details.as_str().is_some_and(|s| !s.is_empty()) {
        d.push(
            Diagnostic::error(
                "Invalid CNAM listing",
                "`voice.cnam_listing.cnam_listing_details` is listed only with `cnam_listing_enabled = true`.",
            )
            .at(path("cnam_listing_enabled")),
        );
    }
    d
}

/// An `/addresses` id: digits (`x-format: int64`, voice-apps-and-e911.md §1).
pub(crate) fn is_address_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| (1..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
}

/// `emergency_enabled = true` needs an address; `false` takes none (§3.5: "must be null or
/// omitted if emergency_enabled is false").
pub(crate) fn emergency_arguments(config: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    let (on, addr) = (config.get("emergency_enabled"), config.get("emergency_address_id"));
    let at = || AttrPath::attr("emergency_address_id");
    if on.as_bool() == Some(true) && addr.is_null() && !addr.is_unknown() {
        d.push(
            Diagnostic::error(
                "Missing emergency address",
                "`emergency_enabled = true` needs `emergency_address_id`: the address emergency services use (`telnyx_emergency_address.x.id`).",
            )
            .at(at()),
        );
    }
    if on.as_bool() == Some(false) && !addr.is_null() {
        d.push(
            Diagnostic::error(
                "Conflicting emergency settings",
                "`emergency_address_id` is set while `emergency_enabled = false`: remove the address, or enable emergency services.",
            )
            .at(at()),
        );
    }
    d
}

impl Listed for PhoneNumber {
    const NOUN: (&'static str, &'static str) = ("phone number", "phone numbers");
    const LIST_TYPE_NAME: &'static str = "telnyx_phone_numbers";
    const LIST_ATTR: &'static str = "phone_numbers";
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            arg: "phone_number_contains",
            query: "filter[phone_number]",
            kind: FilterKind::Digits(3),
            desc: "Only numbers whose digits contain these digits (at least three; a leading `+` is ignored). \
                   The exact E.164 number selects that number.",
        },
        ListFilter::text("connection_id", "filter[connection_id]", "Only numbers routed to this connection."),
        ListFilter::text("billing_group_id", "filter[billing_group_id]", "Only numbers billed to this billing group."),
        ListFilter::text("tag", "filter[tag]", "Only numbers that carry this tag."),
        ListFilter::text(
            "status",
            "filter[status]",
            "Only numbers in this status (`active`, `port-pending`, `purchase-pending`, `emergency-only`, …).",
        ),
        ListFilter::text("customer_reference", "filter[customer_reference]", "Only numbers with exactly this customer reference."),
        ListFilter::text(
            "country_iso_alpha2",
            "filter[country_iso_alpha2]",
            "Only numbers of this country (ISO 3166-1 alpha-2, e.g. `US`).",
        ),
        ListFilter {
            arg: "connection_name_contains",
            query: "filter[voice.connection_name][contains]",
            kind: FilterKind::TextAtLeast(3),
            desc: "Only numbers routed to a connection whose name contains this text, ignoring case (at least 3 characters).",
        },
        ListFilter::text(
            "number_type",
            "filter[number_type][eq]",
            "Only numbers of this type (`local`, `national`, `toll_free`, `mobile`, `shared_cost`).",
        ),
    ];
    const FILTER_FIELDS: &'static [(&'static str, FilterField)] = &[
        ("tag", FilterField::Member("tags")),
        // The connection's name is not part of the number's state: left to the API.
        ("connection_name_contains", FilterField::Unchecked),
        ("number_type", FilterField::Path("phone_number_type")),
    ];
    const KEY: &'static [(&'static str, &'static str)] = &[("phone_number", "phone_number_contains")];
    const SUB_VIEW: Option<SubView> = Some(SubView { attr: "voice", item_suffix: "/voice", list_path: VOICE_LIST });

    /// Without `found`, which only the resource records (what it gives back on destroy).
    fn read_schema() -> Schema {
        let mut s = Self::schema();
        s.attributes.retain(|a| a.name != "found");
        s
    }

    fn combine(number: Json, voice: Option<&Json>) -> Json {
        combine(number, voice)
    }
}

impl super::Exported for PhoneNumber {
    const LABEL_PREFIX: &'static str = "number";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        serde_json::json!({
            "emergency_enabled": false,
            "hd_voice_enabled": false,
            "voice": {
                "call_forwarding": {
                    "call_forwarding_enabled": true,
                    "forwarding_type": null,
                    "forwards_to": null
                },
                "call_recording": {
                    "inbound_call_recording_channels": "single",
                    "inbound_call_recording_enabled": false,
                    "inbound_call_recording_format": "wav"
                },
                "caller_id_name_enabled": false,
                "cnam_listing": {
                    "cnam_listing_details": null,
                    "cnam_listing_enabled": false
                },
                "inbound_call_screening": "disabled",
                "media_features": {
                    "accept_any_rtp_packets_enabled": false,
                    "rtp_auto_adjust_enabled": true,
                    "t38_fax_gateway_enabled": false
                },
                "tech_prefix_enabled": false,
                "translated_number": "",
                "usage_payment_method": "pay-per-minute"
            }
        })
    }

    /// A number being released (`deleted`, `ported-out`) is no longer the account's to manage.
    fn exports(obj: &Json) -> bool {
        !obj.get("status").and_then(Json::as_str).is_some_and(|s| GONE.contains(&s))
    }
}

/// The number object and its voice settings as one object shaped like the schema: the voice
/// view under `voice`, with the `caller_id_name_enabled` that only the number reports.
pub fn combine(mut number: Json, voice: Option<&Json>) -> Json {
    if let (Some(v), Some(obj)) = (voice, number.as_object_mut()) {
        let mut v = v.clone();
        if let (Some(vo), Some(c)) = (v.as_object_mut(), obj.get("caller_id_name_enabled")) {
            vo.insert("caller_id_name_enabled".into(), c.clone());
        }
        obj.insert("voice".into(), v);
    }
    number
}

/// The resource: adopt, route, unroute — never buy or release.
#[derive(Debug, Default)]
pub struct PhoneNumberResource {
    schema: SchemaCell,
}

/// Every number's voice settings, keyed by the number's id.
const VOICE_LIST: &str = "/phone_numbers/voice";

fn item(id: &str) -> String {
    format!("{}/{}", PhoneNumber::PATH, urlencode(id))
}

fn diag(e: &ApiError, verb: &str, id: Option<&str>) -> Failure {
    Failure::new(e.to_diagnostics(verb, PhoneNumber::TYPE_NAME, id))
}

/// The number `e164` as the account holds it; `None` when the account does not own it. Many
/// lookups of one process (a plan of 1,000 numbers) are answered from the account's listing,
/// fetched once ([`crate::telnyx::batch`], by `phone_number`); one it does not hold — and every
/// lookup when batching is off — goes through the list filter (its digits), matched exactly.
async fn find_owned(client: &Client, ctx: &Ctx, e164: &str) -> Result<Option<Json>, ApiError> {
    let lookup = format!("{}?phone_number={e164}", PhoneNumber::PATH);
    let listed = BatchRead { list_path: PhoneNumber::PATH, filters: Vec::new(), key: "phone_number", id: e164, object: lookup };
    let gone = |o: &Json| o.get("status").and_then(Json::as_str).is_some_and(|s| GONE.contains(&s));
    // A number this process has written is looked up afresh (the listing may predate it).
    let written = |o: &Json| o.get("id").and_then(Json::as_str).is_none_or(|id| client.has_written(&item(id)));
    if let Some(o) = client.read_batched(&ctx.stop, &listed).await.filter(|o| !gone(o) && !written(o)) {
        return Ok(Some(o));
    }
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    let items = client.list_all(&ctx.stop, PhoneNumber::PATH, &[("filter[phone_number]".to_string(), digits)]).await?;
    Ok(items.into_iter().find(|o| {
        o.get("phone_number").and_then(Json::as_str) == Some(e164)
            && !o.get("status").and_then(Json::as_str).is_some_and(|s| GONE.contains(&s))
    }))
}

fn not_owned(e164: &str) -> Failure {
    Diagnostic::error(
        "Phone number not in this Telnyx account",
        format!(
            "The account has no phone number {e164}. telnyx_phone_number manages the settings of numbers the account already owns; \
             it never buys one. Order or port the number at Telnyx first (or fix `phone_number`), then apply again."
        ),
    )
    .at(AttrPath::attr("phone_number"))
    .into()
}

/// The settings destroy gives back, from a number's state as found.
fn found_of(held: &Value) -> Value {
    Value::Object(CLEARED_ON_DESTROY.iter().chain(EMERGENCY).map(|f| ((*f).to_string(), held.get(f).clone())).collect())
}

/// The emergency settings destroy gives back (`found`).
const EMERGENCY: &[&str] = &["emergency_enabled", "emergency_address_id"];

/// How long an apply waits for emergency provisioning or the disabling job.
const EMERGENCY_TIMEOUT: Duration = Duration::from_secs(600);

const ENABLE: &str = "/actions/enable_emergency";
const EMERGENCY_JOB: &str = "/phone_numbers/jobs/update_emergency_settings";

/// What the emergency settings of a number must become, from what they are.
#[derive(Debug, PartialEq, Eq)]
enum EmergencyChange {
    None,
    Enable(String),
    Disable,
}

/// The change that brings `had` (a number's state) to `want`: enabling when it is not active
/// with that address (again after `provisioning-failed`), disabling when it is enabled or
/// on its way. Unknown 3, decided: another address is another `enable_emergency`.
fn emergency_change(had: &Value, want_on: Option<bool>, want_addr: Option<&str>) -> EmergencyChange {
    let status = had.get("emergency_status").as_str().unwrap_or_default();
    match (want_on, want_addr) {
        (Some(true), Some(a)) => {
            let active = had.get("emergency_enabled").as_bool() == Some(true) && status == "active";
            if active && had.get("emergency_address_id").as_str() == Some(a) {
                EmergencyChange::None
            } else {
                EmergencyChange::Enable(a.to_string())
            }
        }
        (Some(false), _) if had.get("emergency_enabled").as_bool() == Some(true) || ["provisioning", "active"].contains(&status) => {
            EmergencyChange::Disable
        }
        _ => EmergencyChange::None,
    }
}

fn emergency_failed(e164: &str, status: &str) -> Failure {
    Diagnostic::error(
        format!("Emergency services could not be enabled on {e164}"),
        format!(
            "Telnyx reports `emergency_status = \"{status}\"` for {e164}: it did not provision emergency services with the address \
             given. Check the address (`telnyx_emergency_address_validation`) and that the number can have emergency \
             services, then apply again (the next plan enables them again)."
        ),
    )
    .at(AttrPath::attr("emergency_enabled"))
    .into()
}

/// `v` with every unknown value inside it replaced by `known`'s value at the same place.
fn fill_unknown(v: &Value, known: &Value) -> Value {
    match v {
        Value::Unknown(_) => known.clone(),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), fill_unknown(x, known.get(k)))).collect()),
        other => other.clone(),
    }
}

impl PhoneNumberResource {
    fn attrs(&self) -> &[Attribute] {
        &self.schema.get(PhoneNumber::schema).attributes
    }

    fn voice_attrs(&self) -> &[Attribute] {
        self.attrs().iter().find(|a| a.name == "voice").map(Attribute::children).unwrap_or(&[])
    }

    /// Reads the number and its voice settings; `None` when it is not (or no longer) the account's.
    /// With `batch` (the state being refreshed), each view may come from its listing
    /// ([`crate::telnyx::batch`]): numbers narrowed by their connection, voice settings from
    /// the whole voice listing (it has no connection id filter).
    async fn fetch(client: &Client, ctx: &Ctx, id: &str, batch: Option<&Value>) -> Result<Option<Json>, ApiError> {
        let listed = |list_path, filters| BatchRead { list_path, filters, key: "id", id, object: item(id) };
        let numbers = batch.and_then(|state| PhoneNumber::BATCH.filters(state)).map(|filters| listed(PhoneNumber::PATH, filters));
        let Some(number) = client.read(&ctx.stop, &item(id), Envelope::Data, numbers.as_ref()).await? else { return Ok(None) };
        if number.get("status").and_then(Json::as_str).is_some_and(|s| GONE.contains(&s)) {
            return Ok(None);
        }
        let Some(voice) = Self::voice(client, ctx, id, batch.is_some()).await? else { return Ok(None) };
        Ok(Some(combine(number, Some(&voice))))
    }

    /// The number's voice settings; `batched`: possibly from the voice listing (the whole
    /// account's: it has no connection filter). `None`: the number is gone.
    async fn voice(client: &Client, ctx: &Ctx, id: &str, batched: bool) -> Result<Option<Json>, ApiError> {
        let listed = BatchRead { list_path: VOICE_LIST, filters: Vec::new(), key: "id", id, object: item(id) };
        client.read(&ctx.stop, &format!("{}/voice", item(id)), Envelope::Data, batched.then_some(&listed)).await
    }

    /// Brings the number from `prior` to `desired` (both whole states): the voice settings
    /// first (so the number's answer reports them), then the number's own settings; each only
    /// when something of it changes. Returns the number and its voice settings as Telnyx
    /// answered last.
    async fn converge(&self, client: &Client, ctx: &Ctx, id: &str, prior: &Value, desired: &Value, verb: &str) -> Result<Json, Failure> {
        let mut voice_json = None;
        let (want_voice, had_voice) = (desired.get("voice"), prior.get("voice"));
        if want_voice.is_wholly_known() && !want_voice.is_null() && want_voice != had_voice {
            let body = request_body(self.voice_attrs(), want_voice, had_voice, &[]);
            let path = format!("{}/voice", item(id));
            voice_json = Some(client.update(&ctx.stop, &path, &body, Envelope::Data).await.map_err(|e| diag(&e, verb, Some(id)))?);
        }
        // The emergency settings have endpoints of their own (below).
        let top: Vec<&Attribute> = self
            .attrs()
            .iter()
            .filter(|a| a.presence.is_configurable() && a.name != "voice" && !EMERGENCY.contains(&a.name.as_str()))
            .collect();
        let changed = top.iter().any(|a| desired.get(&a.name).is_known() && desired.get(&a.name) != prior.get(&a.name));
        let number = if changed {
            let mut body =
                request_body(self.attrs(), desired, prior, &["voice", "phone_number", "emergency_enabled", "emergency_address_id"]);
            if let Some(obj) = body.as_object_mut() {
                for v in obj.values_mut().filter(|v| v.is_null()) {
                    *v = Json::String(String::new());
                }
            }
            client.update(&ctx.stop, &item(id), &body, Envelope::Data).await
        } else {
            client.get(&ctx.stop, &item(id), Envelope::Data).await
        }
        .map_err(|e| diag(&e, verb, Some(id)))?;
        let e164 = number["phone_number"].as_str().unwrap_or_default().to_string();
        let change = emergency_change(prior, desired.get("emergency_enabled").as_bool(), desired.get("emergency_address_id").as_str());
        let number = match self.emergency(client, ctx, id, &e164, change).await? {
            Some(n) => n,
            None => number,
        };
        Ok(combine(number, voice_json.as_ref()))
    }

    /// Applies an emergency change to the number `id` (`e164`); returns the number as it is
    /// afterwards (`None`: nothing to do). Enabling waits while Telnyx provisions; disabling is
    /// the bulk job with this one number (the only documented way, Unknown 2), followed to its end.
    async fn emergency(&self, client: &Client, ctx: &Ctx, id: &str, e164: &str, change: EmergencyChange) -> Result<Option<Json>, Failure> {
        match change {
            EmergencyChange::None => Ok(None),
            EmergencyChange::Enable(address) => {
                let body = serde_json::json!({"emergency_enabled": true, "emergency_address_id": address});
                client
                    .create(&ctx.stop, &format!("{}{ENABLE}", item(id)), &body, Envelope::Data)
                    .await
                    .map_err(|e| diag(&e, "enable emergency services on", Some(id)))?;
                wait_provisioned(client, ctx, id, e164).await.map(Some)
            }
            EmergencyChange::Disable => {
                let body = serde_json::json!({"phone_numbers": [e164], "emergency_enabled": false});
                let jobs = vec![(body, vec![e164.to_string()])];
                let out = super::phone_numbers_routing::run_job_bodies(
                    client,
                    ctx,
                    EMERGENCY_JOB,
                    jobs,
                    EMERGENCY_TIMEOUT,
                    PhoneNumber::TYPE_NAME,
                )
                .await?;
                if let Some((_, why)) = out.failed.first() {
                    return Err(Diagnostic::error(
                        format!("Emergency services could not be disabled on {e164}"),
                        format!("Telnyx's job did not change {e164}: {why}."),
                    )
                    .at(AttrPath::attr("emergency_enabled"))
                    .into());
                }
                if !out.unfinished.is_empty() {
                    return Err(Diagnostic::error(
                        format!("Emergency services not yet disabled on {e164}"),
                        format!(
                            "Telnyx's job to disable emergency services on {e164} had not ended when the apply stopped waiting (Ctrl-C, or \
                             {} minutes). It goes on at Telnyx; the next plan reads where the number is.",
                            EMERGENCY_TIMEOUT.as_secs() / 60
                        ),
                    )
                    .into());
                }
                client.get(&ctx.stop, &item(id), Envelope::Data).await.map(Some).map_err(|e| diag(&e, "read", Some(id)))
            }
        }
    }
}

/// Reads the number with backoff while its `emergency_status` is `provisioning`; honours
/// Ctrl-C and [`EMERGENCY_TIMEOUT`]. Unknown 4, decided: `provisioning-failed` is final, an error.
async fn wait_provisioned(client: &Client, ctx: &Ctx, id: &str, e164: &str) -> Result<Json, Failure> {
    let started = Instant::now();
    let mut wait = Duration::from_millis(200);
    loop {
        let number = client.get(&ctx.stop, &item(id), Envelope::Data).await.map_err(|e| diag(&e, "read", Some(id)))?;
        match number["emergency_status"].as_str().unwrap_or_default() {
            "provisioning" | "deprovisioning" => {}
            s @ "provisioning-failed" => return Err(emergency_failed(e164, s)),
            _ => return Ok(number),
        }
        if started.elapsed() >= EMERGENCY_TIMEOUT || ctx.is_stopping() {
            return Err(Diagnostic::error(
                format!("Emergency services still provisioning on {e164}"),
                "Telnyx had not finished provisioning emergency services when the apply stopped waiting (Ctrl-C, or 10 minutes). \
                 It goes on at Telnyx; the next plan reads the number's `emergency_status`.",
            )
            .at(AttrPath::attr("emergency_status"))
            .into());
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = ctx.stop.cancelled() => {}
        }
        wait = (wait * 3 / 2).min(Duration::from_secs(5));
    }
}

#[async_trait]
impl Resource<Client> for PhoneNumberResource {
    fn type_name(&self) -> &'static str {
        PhoneNumber::TYPE_NAME
    }
    fn schema(&self) -> Schema {
        self.schema.get(PhoneNumber::schema).clone()
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        PhoneNumber::validate(config)
    }

    /// `emergency_address_id` alone enables emergency services; a change of the emergency
    /// settings leaves an unset `emergency_address_id` to Telnyx (disabling clears it).
    fn modify_plan(&self, req: &tfplug::PlanRequest<'_>, planned: &mut tfplug::plan::Planned) -> Diagnostics {
        let (c, p) = (req.config, &mut planned.state);
        if c.is_null() || p.is_null() {
            return Diagnostics::new();
        }
        if !c.get("emergency_address_id").is_null() && c.get("emergency_enabled").is_null() {
            p.set("emergency_enabled", Value::Bool(true));
        }
        let changed = EMERGENCY.iter().any(|k| p.get(k) != req.prior.get(k));
        if changed && c.get("emergency_address_id").is_null() {
            p.set("emergency_address_id", Value::unknown());
        }
        if changed {
            p.set("emergency_status", Value::unknown());
        }
        Diagnostics::new()
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::list_config_schema::<PhoneNumber>())
    }
    async fn list(&self, client: &Client, ctx: &Ctx, config: &Value, limit: usize) -> Result<Vec<ListedObject>, Failure> {
        super::list::list_states::<PhoneNumber>(client, ctx, config, limit, self.attrs()).await
    }

    fn generate_config(&self, state: &Value) -> Value {
        super::configuration::configuration(self.schema.get(PhoneNumber::schema), PhoneNumber::validate, &PhoneNumber::defaults(), state)
    }

    /// The Telnyx id, and the number (both fixed for the resource's life: a new number is a
    /// new resource).
    fn identity(&self) -> Option<Identity> {
        Some(super::common::id_identity().optional(
            "phone_number",
            "The number in E.164 (`+13125550100`). Optional for import; when given, it must be the number with that id.",
        ))
    }

    /// A number to adopt must be the account's: checked at plan (one listing request), so a
    /// number the account does not own fails the plan, naming `phone_number`, not the apply.
    /// A lookup that fails is left to apply (which looks again) rather than failing the plan.
    /// Also claims the number for this resource type: one a `telnyx_phone_numbers_routing`
    /// of the same configuration plans too is an error (see `claims`).
    async fn check_planned(&self, client: &Client, ctx: &Ctx, prior: &Value, planned: &Value) -> Diagnostics {
        let Some(e164) = planned.get("phone_number").as_str() else { return Diagnostics::new() };
        let mut d = super::claims::claim(client.instance(), [e164], &super::claims::Manager::Single, &AttrPath::attr("phone_number"));
        // A lookup that fails is left to apply, which looks again.
        if prior.is_null()
            && let Ok(None) = find_owned(client, ctx, e164).await
        {
            d.extend(not_owned(e164).diags);
        }
        d
    }

    /// Adopts the number: found by `phone_number` (no write at all when the account does not
    /// own it), then brought to the configuration from what it held.
    async fn create(&self, client: &Client, ctx: &Ctx, planned: &Value) -> Result<Value, Failure> {
        let e164 = planned.get("phone_number").as_str().unwrap_or_default().to_string();
        let found = find_owned(client, ctx, &e164).await.map_err(|e| diag(&e, "look up", None))?.ok_or_else(|| not_owned(&e164))?;
        let id = found.get("id").and_then(Json::as_str).unwrap_or_default().to_string();
        // The number as found (a listing's item is the number's own answer), with its voice
        // settings (from the voice listing when many numbers are adopted at once).
        let voice = Self::voice(client, ctx, &id, true).await.map_err(|e| diag(&e, "read", Some(&id)))?.ok_or_else(|| not_owned(&e164))?;
        let held = combine(found, Some(&voice));
        let as_found = absorb(self.attrs(), &held, &Value::Null);
        // Unset voice members keep what the number holds: every nested object is sent whole.
        let desired = fill_unknown(planned, &as_found);
        let answered = match self.converge(client, ctx, &id, &as_found, &desired, "adopt").await {
            Ok(a) => a,
            // The number is adopted whatever failed: in state (tainted) with what it held
            // before, so that its replacement or destroy gives that back.
            Err(f) => {
                let now = Self::fetch(client, ctx, &id, None).await.ok().flatten().unwrap_or(held);
                let mut state = absorb(self.attrs(), &now, &Value::Null);
                state.set("found", found_of(&as_found));
                return Err(f.with_state(state));
            }
        };
        let mut state = absorb(self.attrs(), &answered, &desired);
        state.set("found", found_of(&as_found));
        Ok(state)
    }

    async fn read(&self, client: &Client, ctx: &Ctx, state: &Value) -> Result<Option<Value>, Failure> {
        let id = state.get("id").as_str().unwrap_or_default().to_string();
        match Self::fetch(client, ctx, &id, Some(state)).await {
            Ok(Some(obj)) => Ok(Some(absorb(self.attrs(), &obj, state))),
            Ok(None) => Ok(None),
            Err(e) => Err(diag(&e, "read", Some(&id))),
        }
    }

    async fn update(&self, client: &Client, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        let id = prior.get("id").as_str().unwrap_or_default().to_string();
        let answered = self.converge(client, ctx, &id, prior, planned, "update").await.map_err(|f| f.with_state(prior.clone()))?;
        Ok(absorb(self.attrs(), &answered, planned))
    }

    /// Unroutes the number (never `DELETE`, which would release it).
    async fn delete(&self, client: &Client, ctx: &Ctx, state: &Value) -> Result<(), Failure> {
        let id = state.get("id").as_str().unwrap_or_default().to_string();
        let found = state.get("found");
        // Emergency settings back as found (left alone when not recorded: an import).
        if let Some(on) = found.get("emergency_enabled").as_bool() {
            let change = emergency_change(state, Some(on), found.get("emergency_address_id").as_str());
            let e164 = state.get("phone_number").as_str().unwrap_or_default();
            match self.emergency(client, ctx, &id, e164, change).await {
                Ok(_) => {}
                Err(f) if f.diags.iter().any(|d| d.detail.contains("HTTP 404")) => return Ok(()),
                Err(f) => return Err(f),
            }
        }
        let mut body = serde_json::Map::new();
        for field in CLEARED_ON_DESTROY {
            // Back to what the number held when adopted; cleared when that is unknown
            // (state from before `found`) or was nothing.
            let (held, back) = (state.get(field), found.get(field));
            let empty = |v: &Value| v.is_null() || matches!(v, Value::Set(xs) if xs.is_empty());
            if (empty(held) && empty(back)) || held == back {
                continue;
            }
            let value = match back {
                Value::Set(xs) => Json::Array(xs.iter().filter_map(Value::as_str).map(|t| Json::String(t.to_string())).collect()),
                Value::String(t) => Json::String(t.clone()),
                _ if *field == "tags" => Json::Array(Vec::new()),
                _ => Json::String(String::new()),
            };
            body.insert((*field).to_string(), value);
        }
        if body.is_empty() {
            return Ok(());
        }
        match client.update(&ctx.stop, &item(&id), &Json::Object(body), Envelope::Data).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(diag(&e, "unroute", Some(&id))),
        }
    }

    /// By identity: the id, checked against the number when the identity gives one too.
    async fn import_identity(&self, client: &Client, ctx: &Ctx, identity: &Value) -> Result<Value, Failure> {
        let id = identity.get("id").as_str().unwrap_or_default().trim().to_string();
        let mut state = self.import(client, ctx, &id).await?;
        if let Some(e164) = identity.get("phone_number").as_str() {
            let found = find_owned(client, ctx, e164).await.map_err(|e| diag(&e, "look up", None))?.ok_or_else(|| not_owned(e164))?;
            let found_id = found.get("id").and_then(Json::as_str).unwrap_or_default();
            if found_id != id {
                return Err(Diagnostic::error(
                    "Identity does not match",
                    format!("The identity names id {id:?} and number {e164}, but {e164} has id {found_id:?} in this account. Give the id of that number, or leave `phone_number` out."),
                )
                .into());
            }
            state.set("phone_number", Value::string(e164));
        }
        Ok(state)
    }

    /// By id, or by the E.164 number (`+13125550100`).
    async fn import(&self, client: &Client, ctx: &Ctx, id: &str) -> Result<Value, Failure> {
        let id = id.trim();
        let id = if id.starts_with('+') {
            let found = find_owned(client, ctx, id).await.map_err(|e| diag(&e, "look up", None))?.ok_or_else(|| not_owned(id))?;
            found.get("id").and_then(Json::as_str).unwrap_or_default().to_string()
        } else if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            id.to_string()
        } else {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!("Import a telnyx_phone_number by its Telnyx id or by the number in E.164 (`+13125550100`); got {id:?}."),
            )
            .into());
        };
        let mut v = Value::null_object(&self.schema.get(PhoneNumber::schema).ty());
        v.set("id", Value::string(&id));
        // An imported number's first read is its own, never from a listing.
        client.read_alone(&item(&id));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_and_its_voice_settings_read_as_one_object() {
        let number = serde_json::json!({"id": "1", "phone_number": "+13125550100", "caller_id_name_enabled": true, "connection_id": null});
        let voice = serde_json::json!({"id": "1", "record_type": "voice_settings", "cnam_listing": {"cnam_listing_enabled": false}});
        let s = absorb(&PhoneNumber::schema().attributes, &combine(number.clone(), Some(&voice)), &Value::Null);
        assert_eq!(s.get("voice").get("caller_id_name_enabled"), &Value::Bool(true));
        assert_eq!(s.get("voice").get("cnam_listing").get("cnam_listing_enabled"), &Value::Bool(false));
        assert_eq!(s.get("record_type"), &Value::Null, "the number's own record type is absent here");
        assert!(combine(number, None).get("voice").is_none());
    }

    #[test]
    fn unknowns_are_filled_from_what_the_number_holds() {
        let ty = PhoneNumber::schema().ty();
        let mut held = Value::null_object(&ty);
        held.set("connection_id", Value::string("c1"));
        let mut planned = Value::null_object(&ty);
        planned.set("id", Value::unknown());
        planned.set("connection_id", Value::string("c2"));
        let filled = fill_unknown(&planned, &held);
        assert_eq!(filled.get("connection_id"), &Value::string("c2"));
        assert!(filled.get("id").is_null());
    }

    fn number(enabled: bool, address: Option<&str>, status: &str) -> Value {
        let mut v = Value::null_object(&PhoneNumber::schema().ty());
        v.set("emergency_enabled", Value::Bool(enabled));
        v.set("emergency_address_id", address.map_or(Value::Null, Value::string));
        v.set("emergency_status", Value::string(status));
        v
    }

    #[test]
    fn emergency_changes_enable_again_change_address_and_disable_only_when_needed() {
        use EmergencyChange::{Disable, Enable, None as Nothing};
        let active = number(true, Some("1"), "active");
        assert_eq!(emergency_change(&active, Some(true), Some("1")), Nothing, "already active there");
        assert_eq!(emergency_change(&active, Some(true), Some("2")), Enable("2".into()), "Unknown 3: another address is another enable");
        assert_eq!(emergency_change(&number(false, Some("1"), "provisioning-failed"), Some(true), Some("1")), Enable("1".into()));
        assert_eq!(emergency_change(&number(true, Some("1"), "provisioning"), Some(true), Some("1")), Enable("1".into()));
        assert_eq!(emergency_change(&number(false, None, "disabled"), Some(true), Some("1")), Enable("1".into()), "drift: enabled again");
        assert_eq!(emergency_change(&active, Some(false), None), Disable);
        assert_eq!(emergency_change(&number(false, None, "disabled"), Some(false), None), Nothing);
        assert_eq!(emergency_change(&active, None, None), Nothing, "unset: left as Telnyx holds it");
    }

    #[test]
    fn emergency_arguments_are_checked_at_plan_naming_the_address() {
        let ty = PhoneNumber::schema().ty();
        let config = |j: Json| tfplug::json::from_json(&j, &ty, tfplug::json::Extra::Reject).unwrap();
        let paths = |j: Json| {
            emergency_arguments(&config(j)).iter().map(|d| d.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect::<Vec<_>>()
        };
        assert_eq!(paths(serde_json::json!({"phone_number": "+13125550100", "emergency_enabled": true})), ["emergency_address_id"]);
        assert_eq!(
            paths(serde_json::json!({"phone_number": "+13125550100", "emergency_enabled": false, "emergency_address_id": "1"})),
            ["emergency_address_id"]
        );
        assert!(
            paths(serde_json::json!({"phone_number": "+13125550100", "emergency_enabled": true, "emergency_address_id": "1"})).is_empty()
        );
        assert!(paths(serde_json::json!({"phone_number": "+13125550100", "emergency_address_id": "1"})).is_empty());
        for (id, ok) in
            [("1293384261075731499", true), ("0ccc7b54-4df3-4bca-a65a-3da1ecc777f1", false), ("", false), ("12345678901234567890", false)]
        {
            assert_eq!(is_address_id(&Value::string(id)), ok, "{id}");
        }
        emergency_arguments(&config(serde_json::json!({"phone_number": "+13125550100", "emergency_enabled": true})))
            .iter()
            .for_each(crate::resources::diagnostics::assert_reads_well);
        crate::resources::diagnostics::assert_reads_well(&emergency_failed("+13125550100", "provisioning-failed").diags[0]);
    }

    #[test]
    fn an_address_alone_enables_and_a_change_leaves_the_unset_address_to_telnyx() {
        use tfplug::plan::plan;
        let attrs = PhoneNumber::schema().attributes;
        let res = PhoneNumberResource::default();
        let ty = PhoneNumber::schema().ty();
        let mut prior = number(false, None, "disabled");
        prior.set("id", Value::string("7"));
        prior.set("phone_number", Value::string("+13125550100"));
        let mut cfg = Value::null_object(&ty);
        cfg.set("phone_number", Value::string("+13125550100"));
        cfg.set("emergency_address_id", Value::string("1"));
        let mut proposed = prior.clone();
        proposed.set("emergency_address_id", Value::string("1"));
        let mut p = plan(&attrs, &prior, &cfg, &proposed);
        assert!(res.modify_plan(&tfplug::PlanRequest { prior: &prior, config: &cfg }, &mut p).is_empty());
        assert_eq!(p.state.get("emergency_enabled"), &Value::Bool(true));
        assert!(p.state.get("emergency_status").is_unknown());
        // Disabling without an address: Telnyx decides what the address reads back as.
        let mut active = number(true, Some("1"), "active");
        active.set("id", Value::string("7"));
        active.set("phone_number", Value::string("+13125550100"));
        let mut off = Value::null_object(&ty);
        off.set("phone_number", Value::string("+13125550100"));
        off.set("emergency_enabled", Value::Bool(false));
        let mut proposed = active.clone();
        proposed.set("emergency_enabled", Value::Bool(false));
        let mut p = plan(&attrs, &active, &off, &proposed);
        res.modify_plan(&tfplug::PlanRequest { prior: &active, config: &off }, &mut p);
        assert!(p.state.get("emergency_address_id").is_unknown());
    }

    #[test]
    fn cnam_rules_name_the_attribute() {
        let ty = PhoneNumber::schema().ty();
        let config = |cnam: Json| {
            let j = serde_json::json!({"phone_number": "+13125550100", "voice": {"cnam_listing": cnam}});
            tfplug::json::from_json(&j, &ty, tfplug::json::Extra::Reject).unwrap()
        };
        let d = PhoneNumber::validate(&config(serde_json::json!({"cnam_listing_enabled": true, "cnam_listing_details": ""})));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path.as_ref().unwrap().to_string(), "voice.cnam_listing.cnam_listing_details");
        let d = PhoneNumber::validate(&config(serde_json::json!({"cnam_listing_enabled": false, "cnam_listing_details": "ACME"})));
        assert_eq!(d[0].path.as_ref().unwrap().to_string(), "voice.cnam_listing.cnam_listing_enabled");
        assert!(
            PhoneNumber::validate(&config(serde_json::json!({"cnam_listing_enabled": true, "cnam_listing_details": "ACME"}))).is_empty()
        );
    }
}
