//! `telnyx_telephony_credential` — an on-demand SIP credential under a credential connection,
//! for SIP and WebRTC clients; and the ephemeral `telnyx_telephony_credential_token`, a JWT
//! minted from one. Endpoints: `POST|GET /telephony_credentials`,
//! `GET|PATCH|DELETE /telephony_credentials/{id}`, `POST /telephony_credentials/{id}/token`.
//!
//! Telnyx never returns `connection_id` (only `resource_id`, `connection:<id>`) or `tag`
//! (voice-apps-and-e911.md §9). `connection_id` is read back from `resource_id`, so import and
//! drift detection work; `tag` is kept from the configuration (after an import it is unknown
//! to the provider, null in state). Unknown 23, as decided here: a `connection_id` change
//! replaces the credential (whether PATCH moves a credential is not documented); removing
//! `expires_at` replaces it (the API admits no `null` and no action removes an expiry); a
//! credential created without `name` holds the name Telnyx gives it (optional+computed); a
//! removed `tag` is sent as `""`.

use async_trait::async_trait;
use serde_json::Value as Json;

use super::common::{created_at, id, record_type, updated_at};
use super::diagnostics::ToDiagnostics;
use super::list::{ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject, urlencode};
use crate::telnyx::client::Client;
use tfplug::plan::{ModifyRequest, ModifyResponse, PlanModifier};
use tfplug::schema::{bool, string};
use tfplug::validate::Validator;
use tfplug::{Ctx, EphemeralResource, Failure, Opened, Schema, Value};

#[derive(Debug)]
pub struct TelephonyCredential;

/// What `resource_id` starts with for a credential under a connection.
const CONNECTION_PREFIX: &str = "connection:";

/// Replaces the credential when the configuration removes its expiry (Unknown 23, decided:
/// the API admits no `null` and has no action that removes an expiry).
#[derive(Debug)]
struct ReplaceWhenRemoved;

impl PlanModifier for ReplaceWhenRemoved {
    fn description(&self) -> String {
        "Removing it replaces the credential.".into()
    }
    /// The attribute's own description says so.
    fn doc_note(&self, _attribute_description: &str) -> Option<String> {
        None
    }
    fn modify(&self, req: &ModifyRequest<'_>, resp: &mut ModifyResponse) {
        if !req.creating && req.planned.is_null() && !req.prior.is_null() {
            resp.requires_replace = true;
        }
    }
}

/// An RFC 3339 date-time (`2026-01-31T12:00:00Z`).
fn is_date_time(v: &Value) -> bool {
    v.as_str().and_then(crate::telnyx::timestamp::parse).is_some()
}

/// The same instant written two ways (`…00Z` and `…00.000Z`).
fn same_instant(a: &Value, b: &Value) -> bool {
    match (a.as_str().and_then(crate::telnyx::timestamp::parse), b.as_str().and_then(crate::telnyx::timestamp::parse)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

impl RestObject for TelephonyCredential {
    const TYPE_NAME: &'static str = "telnyx_telephony_credential";
    const PATH: &'static str = "/telephony_credentials";
    /// List items and `GET /telephony_credentials/{id}` are one schema (`TelephonyCredential`).
    const BATCH: Batch = Batch::Family;
    /// A new connection replaces the credential; PATCH never sends it.
    const UPDATE_OMIT: &'static [&'static str] = &["connection_id"];

    fn schema() -> Schema {
        Schema::new(
            "A telephony credential: an on-demand SIP user name and password under a credential connection, for SIP \
             devices and WebRTC clients (which may log in with a `telnyx_telephony_credential_token` JWT instead).",
        )
        .attr(id())
        .attr(string("connection_id").required().replace_on_change().desc(
            "Id of the credential connection the credential belongs to. Telnyx reports it only as `resource_id` \
             (`connection:<id>`), which the provider reads it back from. Changing it replaces the credential.",
        ))
        .attr(string("name").optional_computed().keep_state().desc("Name of the credential. Left out, Telnyx names it."))
        .attr(string("tag").optional().desc(
            "A tag to group credentials by (at most 1000 credentials per tag; the plural data source filters by it). \
             Telnyx never returns it: the provider keeps the configured value, cannot detect a change made outside \
             Terraform, and knows none after `terraform import`. Removing it sends an empty tag.",
        ))
        .attr(
            string("expires_at")
                .optional()
                .validate(Validator::Check { describe: "an RFC 3339 date-time such as `2026-01-31T12:00:00Z`", check: is_date_time })
                .equivalent(same_instant)
                .plan_modifier(ReplaceWhenRemoved)
                .desc("When the credential expires (RFC 3339). Telnyx offers no way to remove an expiry: removing it replaces the credential."),
        )
        .attr(string("resource_id").computed().keep_state().desc("What the credential belongs to: `connection:<connection_id>`."))
        .attr(bool("expired").computed().desc("Whether `expires_at` has passed."))
        .attr(string("sip_username").computed().keep_state().desc("SIP user name Telnyx generated."))
        .attr(
            string("sip_password").computed().keep_state().sensitive().desc("SIP password Telnyx generated. Sensitive, and kept in state."),
        )
        .attr(string("user_id").computed().keep_state().desc("Id of the Telnyx user that owns the credential."))
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    /// A removed `tag` is sent as `""` (Unknown 23, decided: the API admits no `null`; an empty
    /// tag is no tag).
    fn shape_body(_planned: &Value, body: &mut Json) {
        if let Some(tag) = body.get_mut("tag").filter(|t| t.is_null()) {
            *tag = Json::String(String::new());
        }
    }

    /// After an uncertain create: a credential with the configured name under the same
    /// connection, created since the first attempt.
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        let connection = planned.get("connection_id").as_str()?;
        let name = planned.get("name").as_str()?;
        Some(NaturalKey {
            filters: vec![
                ("filter[resource_id]".into(), format!("{CONNECTION_PREFIX}{connection}")),
                ("filter[name]".into(), name.to_string()),
            ],
            matches: vec![("name", Json::String(name.to_string()))],
        })
    }
}

impl Listed for TelephonyCredential {
    const NOUN: (&'static str, &'static str) = ("telephony credential", "telephony credentials");
    const LIST_TYPE_NAME: &'static str = "telnyx_telephony_credentials";
    const LIST_ATTR: &'static str = "telephony_credentials";
    const FILTERS: &'static [ListFilter] = &[
        ListFilter::text("tag", "filter[tag]", "Only credentials with this tag."),
        ListFilter::text("name", "filter[name]", "Only credentials with this name."),
        ListFilter::text("status", "filter[status]", "Only credentials with this status (values are not documented)."),
        ListFilter::text("resource_id", "filter[resource_id]", "Only credentials of this resource, e.g. `connection:<connection_id>`."),
        ListFilter::text("sip_username", "filter[sip_username]", "Only the credential with this SIP user name."),
    ];
    const KEY: &'static [(&'static str, &'static str)] = &[("sip_username", "sip_username")];

    /// Without `connection_id` and `tag`, which a listed or read credential never holds
    /// (`resource_id` names the connection).
    fn read_schema() -> Schema {
        let mut s = Self::schema();
        s.attributes.retain(|a| a.name != "connection_id" && a.name != "tag");
        s
    }

    /// `connection_id` as `resource_id` says (`connection:<id>`): Telnyx never returns it.
    fn combine(mut obj: Json, _sub: Option<&Json>) -> Json {
        let connection = obj.get("resource_id").and_then(Json::as_str).and_then(|r| r.strip_prefix(CONNECTION_PREFIX)).map(str::to_string);
        if let (Some(c), Some(m)) = (connection.filter(|c| !c.is_empty()), obj.as_object_mut()) {
            m.insert("connection_id".into(), Json::String(c));
        }
        obj
    }
}

/// Exported with `connection_id` read from `resource_id` (a reference to the exported credential
/// connection) and without `tag`, which Telnyx never returns (an imported credential holds none
/// in state either, so the plan stays empty).
impl super::Exported for TelephonyCredential {
    const LABEL_PREFIX: &'static str = "credential";

    /// Labelled by name (Telnyx names an unnamed credential after its creation time).
    fn export_name(obj: &Json) -> String {
        super::text_of(obj, "name")
    }
}

/// The ephemeral `telnyx_telephony_credential_token`: a JWT for a WebRTC client to log in as
/// the credential, minted at each plan and apply that uses it and never stored.
#[derive(Debug, Default)]
pub struct CredentialToken;

/// Its type name.
pub const TOKEN_TYPE_NAME: &str = "telnyx_telephony_credential_token";

#[async_trait]
impl EphemeralResource<Client> for CredentialToken {
    fn type_name(&self) -> &'static str {
        TOKEN_TYPE_NAME
    }
    fn schema(&self) -> Schema {
        Schema::new(
            "An access token (JWT) for a telephony credential: a WebRTC client logs in with it as the credential's \
             `sip_username`. Ephemeral (Terraform >= 1.10, OpenTofu >= 1.11): a new token is minted at every plan and \
             apply that uses it, and it is never written to plan or state. Telnyx keeps a token valid for 24 hours or \
             until the credential expires, whichever comes first; tokens cannot be revoked or read back.\n\n\
             Terraform < 1.10 and OpenTofu < 1.11 do not know `ephemeral` blocks and refuse the configuration. This provider \
             offers them no alternative on purpose (a token in a data source or resource would be stored in state): mint \
             tokens outside Terraform with `POST /telephony_credentials/{id}/token` (the SDKs' `create_token`), taking the \
             credential's id from the `telnyx_telephony_credential` resource.",
        )
        .attr(
            string("credential_id")
                .required()
                .length(1, usize::MAX)
                .desc("Id of the telephony credential (`telnyx_telephony_credential.<name>.id`)."),
        )
        .attr(string("token").computed().sensitive().desc("The JWT. Sensitive and ephemeral."))
    }
    async fn open(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Opened, Failure> {
        let id = config.get("credential_id").as_str().unwrap_or_default();
        let path = format!("{}/{}/token", TelephonyCredential::PATH, urlencode(id));
        let token = client
            .text_action(&ctx.stop, &path)
            .await
            .map_err(|e| Failure::new(e.to_diagnostics("create a token for", TelephonyCredential::TYPE_NAME, Some(id))))?;
        let mut result = config.clone();
        result.set("token", Value::string(token));
        Ok(Opened { result, renew_at: None, private: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_id_comes_from_resource_id() {
        let read = |o: serde_json::Value| TelephonyCredential::combine(o, None)["connection_id"].clone();
        assert_eq!(read(serde_json::json!({"resource_id": "connection:1234"})), "1234");
        assert_eq!(read(serde_json::json!({"resource_id": "connection:1234", "connection_id": "99"})), "1234");
        assert_eq!(read(serde_json::json!({"resource_id": "other:1", "connection_id": "99"})), "99");
    }

    #[test]
    fn expires_at_is_a_date_time() {
        assert!(is_date_time(&Value::string("2030-01-31T12:00:00Z")));
        assert!(is_date_time(&Value::string("2030-01-31T12:00:00.5+01:00")));
        assert!(!is_date_time(&Value::string("tomorrow")));
        assert!(same_instant(&Value::string("2030-01-31T12:00:00Z"), &Value::string("2030-01-31T12:00:00.000Z")));
    }
}
