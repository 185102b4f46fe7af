//! `telnyx_credential_connection_registration_status` — whether a SIP device is registered
//! on a credential connection, from
//! `POST /credential_connections/{id}/actions/check_registration_status`.

use async_trait::async_trait;

use super::diagnostics::ToDiagnostics;
use super::rest::SchemaCell;

use super::mapping::absorb;
use crate::telnyx::client::{Client, Envelope};
use tfplug::schema::{int, string};
use tfplug::{Ctx, DataSource, Failure, Schema, Value};

#[derive(Debug, Default)]
pub struct RegistrationStatus {
    schema: SchemaCell,
}

const TYPE_NAME: &str = "telnyx_credential_connection_registration_status";

#[async_trait]
impl DataSource<Client> for RegistrationStatus {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.schema.get(build).clone()
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let id = config.get("id").as_str().unwrap_or_default();
        let path = format!("/credential_connections/{}/actions/check_registration_status", super::rest::urlencode(id));
        let obj = client
            .action(&ctx.stop, &path, Envelope::Data)
            .await
            .map_err(|e| Failure::new(e.to_diagnostics("check the registration of", "telnyx_credential_connection", Some(id))))?;
        Ok(absorb(&self.schema.get(build).attributes, &obj, config))
    }
}

/// The schema, built once (see [`SchemaCell`]).
fn build() -> Schema {
    Schema::new("The SIP registration status of a credential connection, checked when Terraform reads it.")
        .attr(string("id").required().desc("Id of the credential connection."))
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
