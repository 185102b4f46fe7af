//! The action `telnyx_check_registration` (Terraform >= 1.14): asks Telnyx for a credential or
//! UAC connection's SIP registration status (`POST /{connections}/{id}/actions/check_registration_status`,
//! the request of the registration status data sources, [`super::registration_status::check`])
//! and fails the apply, or warns, when the status is not `Registered`.

use async_trait::async_trait;

use super::registration_status::{CREDENTIAL, Target, UAC, check};
use crate::telnyx::client::Client;
use tfplug::schema::string;
use tfplug::{Action, Ctx, Diagnostic, Diagnostics, Failure, Progress, Schema, Value};

/// The only status that counts as registered.
pub const REGISTERED: &str = "Registered";

/// `telnyx_check_registration`.
#[derive(Debug, Default)]
pub struct CheckRegistration;

/// The connection kind `connection_type` names, with the words used in messages.
fn target(config: &Value) -> (&'static Target, &'static str) {
    match config.get("connection_type").as_str() {
        Some("uac_connection") => (&UAC, "UAC connection"),
        _ => (&CREDENTIAL, "credential connection"),
    }
}

#[async_trait]
impl Action<Client> for CheckRegistration {
    fn type_name(&self) -> &'static str {
        "telnyx_check_registration"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Asks Telnyx for the SIP registration status of a credential connection (a device or PBX registers with Telnyx) \
             or of a UAC connection (Telnyx registers with the PBX), and fails the apply — or only warns — when the status \
             is not `Registered`. Terraform ≥ 1.14 (OpenTofu and older Terraform: the data source \
             `telnyx_credential_connection_registration_status` in a `check` block does the same check). It changes nothing \
             and stores nothing in state; each invocation makes one API request.",
        )
        .attr(string("connection_id").required().length(1, 64).desc("Id of the connection to check."))
        .attr(
            string("connection_type")
                .optional()
                .one_of(&["credential_connection", "uac_connection"])
                .desc("The connection's kind: `credential_connection` (default) or `uac_connection`."),
        )
        .attr(string("on_unregistered").optional().one_of(&["error", "warning"]).desc(
            "What a status other than `Registered` (`Not Registered`, `Failed`, `Expired`, `Unregistered`, `Not Applicable`) \
             gives: `error` (default; the apply fails) or `warning` (the apply goes on).",
        ))
    }

    async fn invoke(&self, client: &Client, ctx: &Ctx, config: &Value, progress: &Progress) -> Result<Diagnostics, Failure> {
        let id = config.get("connection_id").as_str().unwrap_or_default();
        let (target, noun) = target(config);
        progress.report(format!("Asking Telnyx for the SIP registration status of {noun} {id}"));
        let obj = check(client, ctx, target, id).await?;
        let status = obj["status"].as_str().unwrap_or("(none)");
        progress.report(format!("{noun} {id}: {status}"));
        if status == REGISTERED {
            return Ok(Diagnostics::new());
        }
        let user = obj["sip_username"].as_str().map(|u| format!(" (SIP user name {u:?})")).unwrap_or_default();
        let advice = match target.path {
            "/uac_connections" => "Check the connection's `external_uac_settings` (proxy, username, password) and that the PBX answers.",
            _ => "Check that the device or PBX registers with this connection's user name and password.",
        };
        let summary = format!("{} not registered", capitalised(noun));
        let detail = format!(
            "Telnyx reports the SIP registration status of {noun} {id:?}{user} as {status:?}, not \"{REGISTERED}\". {advice} \
             With `on_unregistered = \"warning\"` this is reported without failing the apply."
        );
        Ok(match config.get("on_unregistered").as_str() {
            Some("warning") => Diagnostic::warning(summary, detail),
            _ => Diagnostic::error(summary, detail),
        }
        .into())
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_type_picks_the_endpoint() {
        let ty = CheckRegistration.schema().ty();
        let mut v = Value::null_object(&ty);
        assert_eq!(target(&v).0.path, "/credential_connections");
        v.set("connection_type", Value::string("uac_connection"));
        assert_eq!((target(&v).0.path, target(&v).1), ("/uac_connections", "UAC connection"));
        assert_eq!(capitalised("credential connection"), "Credential connection");
    }
}
