//! The SIP registration status data sources, from `POST /{connections}/{id}/actions/check_registration_status`:
//! `telnyx_credential_connection_registration_status` (whether a SIP device is registered on a
//! credential connection) and `telnyx_uac_connection_registration_status` (whether Telnyx is
//! registered to the PBX of a UAC connection). Both answer the same `registration_status` object.

use async_trait::async_trait;

use super::diagnostics::ToDiagnostics;
use super::rest::SchemaCell;

use super::mapping::absorb;
use crate::telnyx::client::{Client, Envelope};
use tfplug::schema::{int, string};
use tfplug::{Ctx, DataSource, Failure, Schema, Value};

/// Which connections a registration status data source checks.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The data source's type name.
    pub type_name: &'static str,
    /// The connection family's collection path.
    pub path: &'static str,
    /// The connection's resource type (named in errors).
    pub resource: &'static str,
    /// The data source's description.
    pub description: &'static str,
}

/// Credential connections: a SIP device registers with Telnyx.
pub const CREDENTIAL: Target = Target {
    type_name: "telnyx_credential_connection_registration_status",
    path: "/credential_connections",
    resource: "telnyx_credential_connection",
    description: "The SIP registration status of a credential connection, checked when Terraform reads it.",
};

/// UAC connections: Telnyx registers with the PBX.
pub const UAC: Target = Target {
    type_name: "telnyx_uac_connection_registration_status",
    path: "/uac_connections",
    resource: "telnyx_uac_connection",
    description: "The live SIP registration status of a UAC connection (Telnyx's registration to the PBX of its \
                  `external_uac_settings`), checked when Terraform reads it.",
};

#[derive(Debug)]
pub struct RegistrationStatus {
    target: Target,
    schema: SchemaCell,
}

/// The credential connections' data source.
impl Default for RegistrationStatus {
    fn default() -> Self {
        RegistrationStatus { target: CREDENTIAL, schema: SchemaCell::default() }
    }
}

impl RegistrationStatus {
    /// The UAC connections' data source.
    pub fn uac() -> Self {
        RegistrationStatus { target: UAC, schema: SchemaCell::default() }
    }

    fn built(&self) -> &Schema {
        self.schema.get(|| build(&self.target))
    }
}

#[async_trait]
impl DataSource<Client> for RegistrationStatus {
    fn type_name(&self) -> &'static str {
        self.target.type_name
    }

    fn schema(&self) -> Schema {
        self.built().clone()
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let obj = check(client, ctx, &self.target, config.get("id").as_str().unwrap_or_default()).await?;
        Ok(absorb(&self.built().attributes, &obj, config))
    }
}

/// The registration status object of connection `id` of `target`'s kind, as Telnyx answers
/// `POST /{connections}/{id}/actions/check_registration_status`; an API error as diagnostics.
pub async fn check(client: &Client, ctx: &Ctx, target: &Target, id: &str) -> Result<serde_json::Value, Failure> {
    let path = format!("{}/{}/actions/check_registration_status", target.path, super::rest::urlencode(id));
    client
        .action(&ctx.stop, &path, Envelope::Data)
        .await
        .map_err(|e| Failure::new(e.to_diagnostics("check the registration of", target.resource, Some(id))))
}

/// The schema, built once (see [`SchemaCell`]).
fn build(target: &Target) -> Schema {
    let noun = target.resource.strip_prefix("telnyx_").unwrap_or(target.resource).replace('_', " ");
    Schema::new(target.description)
        .attr(string("id").required().desc(format!("Id of the {noun}.")))
        .attr(
            string("status")
                .computed()
                .desc("Registration state: `Not Applicable`, `Not Registered`, `Failed`, `Expired`, `Registered` or `Unregistered`."),
        )
        .attr(string("sip_username").computed().desc("SIP user name of the registration."))
        .attr(string("ip_address").computed().desc("Source IP address of the registration."))
        .attr(int("port").computed().desc("Source port of the registration."))
        .attr(string("transport").computed().desc("Transport of the registration (e.g. UDP, TCP)."))
        .attr(string("user_agent").computed().desc("User-Agent of the registered device."))
        .attr(string("last_registration").computed().desc("When the device last registered (ISO 8601)."))
        .attr(string("record_type").computed().desc("Telnyx's type tag of the result (`registration_status`)."))
}
