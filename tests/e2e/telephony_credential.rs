//! telnyx_telephony_credential and the ephemeral telnyx_telephony_credential_token, through
//! the real terraform binary against the emulator: the lifecycle under a credential
//! connection, import (connection_id read back from resource_id), out-of-band deletion,
//! plan-time validation, and a token handed to a provisioner without reaching plan or state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf, require_terraform};
use reqwest::Method;
use serde_json::Value as Json;

const CONNECTION: &str = r#"
provider "telnyx" {}

resource "telnyx_credential_connection" "c" {
  connection_name = "e2e-webrtc"
  user_name       = "e2ewebrtc01"
  password        = "Sup3r-Secret-Passw0rd"
}
"#;

fn config(credential: &str) -> String {
    format!(
        "{CONNECTION}\nresource \"telnyx_telephony_credential\" \"t\" {{\n  connection_id = telnyx_credential_connection.c.id\n{credential}\n}}\n"
    )
}

fn credentials(emu: &Emulator) -> Vec<Json> {
    emu.objects("telephony_credentials")
}

#[test]
fn telephony_credential_lifecycle() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(&config("  name = \"agent-1\"\n  tag = \"webrtc\"\n  expires_at = \"2099-01-01T00:00:00Z\""));
    tf.apply().assert_success();
    let stored = credentials(&emu);
    assert_eq!(stored.len(), 1);
    let conn_id = emu.objects("credential_connections")[0]["id"].as_str().unwrap().to_string();
    let id = stored[0]["id"].as_str().unwrap().to_string();
    assert_eq!((stored[0]["connection_id"].as_str(), stored[0]["tag"].as_str()), (Some(conn_id.as_str()), Some("webrtc")));
    let state = tf.state_values("telnyx_telephony_credential.t");
    assert_eq!(state["resource_id"], format!("connection:{conn_id}"));
    assert_eq!((state["expired"].as_bool(), state["tag"].as_str()), (Some(false), Some("webrtc")));
    assert_eq!(state["sip_password"], stored[0]["sip_password"]);
    tf.assert_no_changes();

    // In place: name, tag and a later expiry.
    tf.config(&config("  name = \"agent-2\"\n  tag = \"webrtc-2\"\n  expires_at = \"2099-06-01T00:00:00Z\""));
    tf.apply().assert_success();
    let stored = credentials(&emu);
    assert_eq!((stored.len(), stored[0]["id"].as_str()), (1, Some(id.as_str())), "updated in place");
    assert_eq!((stored[0]["name"].as_str(), stored[0]["tag"].as_str()), (Some("agent-2"), Some("webrtc-2")));
    tf.assert_no_changes();

    // Removing the expiry replaces the credential (Unknown 23: the API cannot remove one).
    tf.config(&config("  name = \"agent-2\"\n  tag = \"webrtc-2\""));
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    tf.apply().assert_success();
    let stored = credentials(&emu);
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0]["id"].as_str(), Some(id.as_str()));
    let id = stored[0]["id"].as_str().unwrap().to_string();
    tf.assert_no_changes();

    // Removing the tag sends an empty one.
    tf.config(&config("  name = \"agent-2\""));
    tf.apply().assert_success();
    assert_eq!(credentials(&emu)[0]["tag"], "");
    tf.assert_no_changes();

    // Import: connection_id comes back from resource_id; the tag is unknown to the provider,
    // so the imported configuration leaves it out.
    tf.state_rm("telnyx_telephony_credential.t").assert_success();
    tf.config(&config("  name = \"agent-2\""));
    tf.import("telnyx_telephony_credential.t", &id).assert_success();
    assert_eq!(tf.state_values("telnyx_telephony_credential.t")["connection_id"], conn_id.as_str());
    tf.assert_no_changes();

    // Deleted behind Terraform's back: a create is planned.
    let (st, _) = emu.api(Method::DELETE, &format!("/telephony_credentials/{id}"), None);
    assert_eq!(st, 200);
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn telephony_credential_minimal_and_invalid() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    // Invalid: fails at plan, before any API call.
    tf.config(&config("  expires_at = \"next tuesday\""));
    let plan = tf.plan();
    assert_eq!(plan.code, 1, "{}", plan.all());
    assert!(plan.all().contains("expires_at"), "{}", plan.all());
    assert!(plan.all().contains("RFC 3339"), "{}", plan.all());
    assert_eq!(emu.count("POST", "/v2/") + emu.count("PATCH", "/v2/") + emu.count("GET", "/v2/"), 0);

    // Minimal: Telnyx names it; no perpetual diff.
    tf.config(&config(""));
    tf.apply().assert_success();
    let stored = credentials(&emu);
    assert_eq!(stored[0]["name"], stored[0]["created_at"]);
    assert_eq!(tf.state_values("telnyx_telephony_credential.t")["name"], stored[0]["name"]);
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// Terraform >= 1.10: the token feeds a `local-exec` provisioner (a script configuring a
/// WebRTC client), which Terraform permits for ephemeral values; it reaches neither the plan
/// output nor the state.
#[test]
fn newer_only_token_reaches_the_provisioner_and_nothing_else() {
    require_terraform(1, 10);
    let emu = Emulator::start();
    let mut tf = Tf::new(&emu);
    let body = format!(
        "{}\n{}",
        config("  name = \"agent-jwt\""),
        r#"
ephemeral "telnyx_telephony_credential_token" "jwt" {
  credential_id = telnyx_telephony_credential.t.id
}

resource "terraform_data" "client" {
  triggers_replace = [telnyx_telephony_credential.t.id]

  provisioner "local-exec" {
    command = "printf '%s' \"$TELNYX_JWT\" > jwt.txt"
    environment = {
      TELNYX_JWT = ephemeral.telnyx_telephony_credential_token.jwt.token
    }
  }
}
"#
    );
    tf.config(&body);
    let plan = tf.run(&["plan", "-input=false", "-no-color", "-out=tfplan"]);
    plan.assert_success();
    let apply = tf.run(&["apply", "-input=false", "-no-color", "tfplan"]);
    apply.assert_success();
    let second = tf.plan();
    assert_eq!(second.code, 0, "{}", second.all());

    let tokens: Vec<String> = credentials(&emu)[0]["tokens"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    assert!(!tokens.is_empty(), "the emulator issued no token");
    assert!(emu.count("POST", "/v2/telephony_credentials/") >= 1);
    let handed = std::fs::read_to_string(tf.path().join("jwt.txt")).unwrap();
    assert!(tokens.contains(&handed), "the provisioner got {handed:?}, not an issued token");
    assert_eq!(handed.split('.').count(), 3);

    let show = tf.run(&["show", "-json", "-no-color"]);
    show.assert_success();
    let state_file = std::fs::read_to_string(tf.path().join("terraform.tfstate")).unwrap();
    let saved_plan = tf.run(&["show", "-json", "-no-color", "tfplan"]);
    for t in &tokens {
        for (what, text) in [
            ("plan output", plan.all()),
            ("apply output", apply.all()),
            ("second plan", second.all()),
            ("show -json", show.stdout.clone()),
            ("state file", state_file.clone()),
            ("saved plan", saved_plan.all()),
        ] {
            assert!(!text.contains(t.as_str()), "the token is in the {what}");
        }
    }

    // At trace level too (Terraform's and the provider's logs): a new token for a replaced
    // client, and nowhere in the output.
    tf.env("TF_LOG", "TRACE");
    let traced = tf.run(&["apply", "-auto-approve", "-input=false", "-no-color", "-replace=terraform_data.client"]);
    traced.assert_success();
    assert!(traced.all().contains("[TRACE]"), "TF_LOG=TRACE did not take effect");
    assert!(traced.all().contains("OpenEphemeralResource"), "the trace shows the ephemeral resource opened");
    let issued: Vec<Json> = credentials(&emu)[0]["tokens"].as_array().unwrap().clone();
    assert!(issued.len() > tokens.len(), "the traced apply opened the token again");
    for t in issued {
        assert!(!traced.all().contains(t.as_str().unwrap()), "the token is in the trace output");
    }
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}
