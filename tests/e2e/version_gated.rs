//! Configuration whose syntax depends on the client's version, through the real `terraform`:
//! a `check` block with a scoped registration status data source (Terraform ≥ 1.5, the check
//! that OpenTofu and Terraform before 1.14 have instead of the action
//! `telnyx_check_registration`), and references to a member of a nested attribute
//! (`x.outbound.outbound_voice_profile_id`: Terraform ≥ 1.2.7, hashicorp/terraform c886582252,
//! the v1.2 backport of 43100fbe39 "handle nested types in StaticValidateTraversal"; before
//! that, static validation reports "Unsupported attribute") with `lookup()`, the form every
//! version accepts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value as Json;

use crate::support::{Emulator, Tf, require_terraform, terraform_at_least, workspace_root};

const CHECK_EXAMPLE: &str = "examples/data-sources/telnyx_credential_connection_registration_status/check.tf";

#[test]
fn newer_only_a_check_block_warns_of_an_unregistered_connection_and_the_apply_succeeds() {
    require_terraform(1, 5);
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let check = std::fs::read_to_string(workspace_root().join(CHECK_EXAMPLE)).unwrap();
    tf.config(&format!(
        r#"
provider "telnyx" {{}}

resource "telnyx_credential_connection" "office_pbx" {{
  connection_name = "office-pbx"
  user_name       = "officepbx01"
  password        = "Change-me-0ffice-PBX"
}}

{check}"#
    ));
    let r = tf.apply();
    r.assert_success();
    let all = r.all();
    assert!(all.contains("Warning: Check block assertion failed"), "{all}");
    assert!(all.contains("No device has registered with office-pbx: Telnyx reports Not Registered."), "{all}");
    let id = tf.state_values("telnyx_credential_connection.office_pbx")["id"].as_str().unwrap().to_string();
    let checks = emu.count("POST", &format!("/v2/credential_connections/{id}/actions/check_registration_status"));
    assert!(checks >= 1, "the check asked Telnyx: {:?}", emu.requests());

    // Every later plan checks again and warns again; nothing else changes.
    let r = tf.plan();
    assert!(r.code == 0 || r.code == 2, "{}", r.all());
    assert!(r.all().contains("Check block assertion failed"), "{}", r.all());
    assert!(!r.stdout.contains("telnyx_credential_connection.office_pbx will be"), "{}", r.stdout);
    tf.destroy().assert_success();
    assert_eq!(emu.object_count() - emu.objects("phone_numbers").len(), 0);
}

/// A profile, an FQDN connection using it, and an IP connection given the FQDN connection's
/// profile through `reference`, with an output of the same value.
fn nested_reference_config(reference: &str) -> String {
    format!(
        r#"
provider "telnyx" {{}}

resource "telnyx_outbound_voice_profile" "p" {{
  name = "nested-ref-profile"
}}

resource "telnyx_fqdn_connection" "x" {{
  connection_name = "nested-ref-fqdn"
  outbound = {{
    outbound_voice_profile_id = telnyx_outbound_voice_profile.p.id
  }}
}}

resource "telnyx_ip_connection" "y" {{
  connection_name = "nested-ref-ip"
  outbound = {{
    outbound_voice_profile_id = {reference}
  }}
}}

output "profile" {{
  value = {reference}
}}
"#
    )
}

/// Applies, checks that the IP connection and the output got the profile's id, plans empty,
/// destroys.
fn apply_nested_reference(tf: &Tf, emu: &Emulator) {
    tf.apply().assert_success();
    let pid = tf.state_values("telnyx_outbound_voice_profile.p")["id"].as_str().unwrap().to_string();
    let ip = tf.state_values("telnyx_ip_connection.y");
    assert_eq!(ip["outbound"]["outbound_voice_profile_id"], pid.as_str());
    let out: Json = serde_json::from_str(&tf.run(&["output", "-json"]).assert_success().stdout).unwrap();
    assert_eq!(out["profile"]["value"], pid.as_str());
    let o = emu.objects("ip_connections");
    assert_eq!(o[0]["outbound"]["outbound_voice_profile_id"], pid.as_str());
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count() - emu.objects("phone_numbers").len(), 0);
}

/// Terraform ≥ 1.2.7 (the helper compares minor versions: 1.3 here) and OpenTofu.
#[test]
fn newer_only_a_nested_member_is_referenced_directly() {
    require_terraform(1, 3);
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(&nested_reference_config("telnyx_fqdn_connection.x.outbound.outbound_voice_profile_id"));
    apply_nested_reference(&tf, &emu);
}

/// `lookup()` reads the same member on every client; Terraform 1.0 rejects the direct
/// reference before any API call.
#[test]
fn lookup_reads_a_nested_member_on_every_client() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    if !terraform_at_least(1, 3) {
        tf.config(&nested_reference_config("telnyx_fqdn_connection.x.outbound.outbound_voice_profile_id"));
        let r = tf.plan();
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(r.all().contains("Unsupported attribute"), "{}", r.all());
        assert_eq!(emu.requests().len(), 0, "refused before any API call");
    }
    tf.config(&nested_reference_config(r#"lookup(telnyx_fqdn_connection.x.outbound, "outbound_voice_profile_id")"#));
    apply_nested_reference(&tf, &emu);
}
