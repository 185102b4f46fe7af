//! `telnyx_connection` — one connection of any type, by id, as the type-agnostic view
//! `GET /connections/{id}` returns it (the fields every connection type has).

use async_trait::async_trait;

use super::diagnostics::ToDiagnostics;
use super::rest::SchemaCell;

use super::mapping::absorb;
use crate::telnyx::client::{Client, Envelope};
use tfplug::schema::{Attribute, bool, set, string};
use tfplug::types::Type;
use tfplug::{Ctx, DataSource, Failure, Schema, Value};

/// The fields of the generic Connection object, read-only (shared with `telnyx_connections`).
pub fn view_attributes() -> Vec<Attribute> {
    vec![
        string("connection_name").computed().desc("Display name of the connection."),
        string("record_type").computed().desc(
            "Type of the connection: `credential_connection`, `fqdn_connection`, `ip_connection`, `call_control_application`, \
             `texml_application`, or another Telnyx connection type. An application's name is its `connection_name` here.",
        ),
        bool("active").computed().desc("Whether the connection can make and receive calls."),
        string("anchorsite_override").computed().desc("Media anchor site."),
        string("outbound_voice_profile_id").computed().desc("Id of the outbound voice profile the connection uses."),
        set("tags", Type::String).computed().desc("Tags of the connection."),
        string("webhook_api_version").computed().desc("Version of the webhook payloads."),
        string("webhook_event_url").computed().desc("URL that receives webhooks."),
        string("webhook_event_failover_url").computed().desc("Webhook URL used when `webhook_event_url` fails."),
        string("created_at").computed().desc("When the connection was created (ISO 8601)."),
        string("updated_at").computed().desc("When the connection was last updated (ISO 8601)."),
    ]
}

#[derive(Debug, Default)]
pub struct AnyConnection {
    schema: SchemaCell,
}

#[async_trait]
impl DataSource<Client> for AnyConnection {
    fn type_name(&self) -> &'static str {
        "telnyx_connection"
    }

    fn schema(&self) -> Schema {
        self.schema.get(build).clone()
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let id = config.get("id").as_str().unwrap_or_default();
        let path = format!("/connections/{}", super::rest::urlencode(id));
        let obj = client
            .get(&ctx.stop, &path, Envelope::Data)
            .await
            .map_err(|e| Failure::new(e.to_diagnostics("read", "telnyx_connection", Some(id))))?;
        Ok(absorb(&self.schema.get(build).attributes, &obj, config))
    }
}

/// The schema, built once (see [`SchemaCell`]).
fn build() -> Schema {
    Schema::new(
        "Looks up one connection of any type (credential, FQDN, IP, …) by id, with the fields all connection types share. \
         Use the type's own data source (e.g. `telnyx_ip_connection`) for its full settings.",
    )
    .attr(string("id").required().desc("Id of the connection."))
    .attrs(view_attributes())
}
