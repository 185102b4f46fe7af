//! `telnyx_credential_connection` — a SIP connection whose devices register with a user name
//! and password. Endpoints: `POST|GET /credential_connections`,
//! `GET|PATCH|DELETE /credential_connections/{id}`.
//!
//! Differences from the shared connection shape (see `connection.rs`): `user_name`, `password`
//! and `sip_uri_calling_preference`; inbound `simultaneous_ringing`; outbound without IP
//! authentication. The password may come back masked (`********`) or not at all: state keeps
//! the configured value.

use super::connection::{self, Shape, ani_override, clearable, localization, outbound_channel_limit, server_default};
use super::connection::{CONNECTION_FILTER_FIELDS, CONNECTION_KEY, FQDN, NAME_CONTAINS, PROFILE};
use super::list::{FilterField, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::PlanRequest;
use tfplug::plan::Planned;
use tfplug::schema::{int, string};
use tfplug::validate::Validator;
use tfplug::{AttrPath, Diagnostic, Diagnostics, Schema, Value};

#[derive(Debug)]
pub struct CredentialConnection;

impl RestObject for CredentialConnection {
    const TYPE_NAME: &'static str = "telnyx_credential_connection";
    const PATH: &'static str = "/credential_connections";
    /// List items and `GET /credential_connections/{id}` are one schema (`CredentialConnection`; the password is masked in both).
    const BATCH: Batch = Batch::Family;
    const CREATE_OMIT: &'static [&'static str] = &["conversation_persistence"];
    fn schema() -> Schema {
        connection::schema(Shape {
            description: "A credential connection: SIP devices (PBXs, softphones) register with `user_name` and `password`.",
            connection_name: string("connection_name").required().desc("Display name of the connection."),
            webhook_api_versions: &["1", "2"],
            webhook_api_versions_note: " `texml` is not offered: Telnyx accepts it only when a credential connection is created, \
                 while its update schema and the connection it returns know only `1` and `2`, so a connection holding `texml` \
                 could neither be read back faithfully nor updated.",
            inbound: vec![
                server_default(string("simultaneous_ringing"))
                    .one_of(&["disabled", "enabled"])
                    .desc("Whether inbound calls ring every registered device at once."),
            ],
            outbound: vec![ani_override(), outbound_channel_limit(clearable), localization(server_default)],
            extra: vec![
                string("user_name")
                    .required()
                    .validate(Validator::Check {
                        describe: "4 to 32 letters and digits, with a letter among the first five",
                        check: connection::is_user_name,
                    })
                    .desc("SIP user name devices register with: 4–32 letters and digits, a letter among the first five. Unique across Telnyx."),
                string("password").optional().sensitive().length(8, 128).desc(
                    "SIP password devices register with (8–128 characters). Sensitive, and kept in state. Set this or \
                     `password_wo` to create a connection (an imported one keeps its password with neither). Telnyx may return it masked or not at all, \
                     so the provider keeps the configured value and cannot detect a password changed outside Terraform. \
                     After `terraform import` the password is unknown to the provider: the first apply sets it to the configured value.",
                ),
                string("password_wo").optional().write_only().length(8, 128).desc(
                    "The SIP password, **write-only** (Terraform ≥ 1.11, OpenTofu ≥ 1.11): sent to Telnyx but never stored in \
                     plan or state. Set this or `password`. It is sent when the connection is created, and again whenever \
                     `password_wo_version` changes (Terraform cannot see a change of a write-only value). Older Terraform \
                     refuses it at validation: use `password` there.",
                ),
                int("password_wo_version").optional().desc(
                    "Any number; change it to send `password_wo` again (to rotate the password). Stored in state; never sent to Telnyx.",
                ),
                server_default(string("sip_uri_calling_preference"))
                    .one_of(&["disabled", "unrestricted", "internal"])
                    .desc("Who may call this connection by SIP URI: `disabled`, `unrestricted` or `internal` (Telnyx users only)."),
            ],
        })
    }

    fn validate(config: &Value) -> Diagnostics {
        let mut d = connection::validate(config);
        d.extend(super::common::write_only_choice(config, "password", &AttrPath::root()));
        d
    }

    fn modify_plan(req: &PlanRequest<'_>, planned: &mut Planned) -> Diagnostics {
        let mut d = connection::check_planned(req, planned);
        d.extend(password_on_create(req));
        d
    }

    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        connection::natural_key(planned, Some("user_name"))
    }
}

/// Telnyx needs a password when a connection is created, and never again: a connection that
/// exists (imported, or configured by `-generate-config-out` from state, where the password
/// Telnyx never returns is null) plans with neither argument and keeps its password.
fn password_on_create(req: &PlanRequest<'_>) -> Diagnostics {
    let mut d = Diagnostics::new();
    let (c, p) = (req.config, req.prior);
    if p.is_null() && !c.is_null() && c.get("password").is_null() && c.get("password_wo").is_null() {
        d.push(
            Diagnostic::error(
                "Missing password",
                "A new credential connection needs a SIP password: set `password`, or `password_wo` (write-only, \
                 Terraform >= 1.11 / OpenTofu >= 1.11). An existing one (imported) keeps its own without either.",
            )
            .at(AttrPath::attr("password")),
        );
    }
    d
}

impl Listed for CredentialConnection {
    const NOUN: (&'static str, &'static str) = ("credential connection", "credential connections");
    const LIST_TYPE_NAME: &'static str = "telnyx_credential_connections";
    const LIST_ATTR: &'static str = "credential_connections";
    const FILTERS: &'static [ListFilter] = &[NAME_CONTAINS, FQDN, PROFILE];
    const FILTER_FIELDS: &'static [(&'static str, FilterField)] = CONNECTION_FILTER_FIELDS;
    const KEY: &'static [(&'static str, &'static str)] = CONNECTION_KEY;
}

impl super::Exported for CredentialConnection {
    const LABEL_PREFIX: &'static str = "connection";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> serde_json::Value {
        super::connection::defaults(serde_json::json!({
            "conversation_persistence": false,
            "default_on_hold_comfort_noise_enabled": false,
            "inbound": {
                "simultaneous_ringing": "disabled"
            },
            "outbound": {
                "instant_ringback_enabled": true,
                "localization": "US",
                "t38_reinvite_source": "telnyx"
            },
            "sip_uri_calling_preference": "disabled"
        }))
    }
}
