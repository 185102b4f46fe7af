//! Moving from the community provider (`petsinc/telnyx`, or its fork `edbo/telnyx`) as
//! `docs/guides/migrate.md` tells, the provider installed by `terraform init` from a filesystem
//! mirror (the `moved` test runs under dev overrides: Terraform must also find the community
//! provider the state names, which no mirror here holds): a state those providers wrote (their attribute names, zero
//! values, Go timestamps, numeric `connection_id`), `terraform state replace-provider`, the
//! configuration edited to this provider's names, a refresh-only apply → the plan is empty, with
//! no write request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf, terraform_at_least};
use reqwest::Method;
use serde_json::{Value as Json, json};

fn post(emu: &Emulator, path: &str, body: Json) -> String {
    let (st, b) = emu.api(Method::POST, path, Some(body));
    assert!(st == 200 || st == 201, "{path}: {st} {b}");
    b["data"]["id"].as_str().unwrap().to_string()
}

/// One resource instance of a state file, written by `provider`.
fn instance(provider: &str, type_name: &str, name: &str, attributes: Json, sensitive: Json) -> Json {
    let mut i = json!({"mode": "managed", "type": type_name, "name": name, "provider": format!("provider[\"{provider}\"]"),
                       "instances": [{"schema_version": 0}]});
    i["instances"][0]["attributes"] = attributes;
    i["instances"][0]["sensitive_attributes"] = sensitive;
    i
}

#[test]
fn community_state_moves_with_replace_provider_to_an_empty_plan() {
    let emu = Emulator::start();
    let group = post(&emu, "/billing_groups", json!({"name": "Main billing"}));
    let profile = post(
        &emu,
        "/outbound_voice_profiles",
        json!({"name": "office-outbound", "billing_group_id": group, "whitelisted_destinations": ["US", "CA"], "tags": ["office"]}),
    );
    let cred = post(
        &emu,
        "/credential_connections",
        json!({"connection_name": "office-sip", "user_name": "officesip01", "password": "s3cret-Pass",
               "outbound": {"outbound_voice_profile_id": profile}}),
    );
    let fqdn_conn = post(&emu, "/fqdn_connections", json!({"connection_name": "pbx-trunk", "transport_protocol": "TCP"}));
    let fqdn = post(&emu, "/fqdns", json!({"connection_id": fqdn_conn, "fqdn": "pbx.example.com", "port": 5060, "dns_record_type": "a"}));

    // What petsinc v2.2.3 writes (research of its set*State functions).
    let p = "registry.terraform.io/petsinc/telnyx";
    let go_time = "2025-09-24 14:03:11.123456 +0000 UTC";
    let resources = [
        instance(p, "telnyx_billing_group", "main", json!({"id": group, "name": "Main billing"}), json!([])),
        instance(
            p,
            "telnyx_outbound_voice_profile",
            "main",
            json!({"id": profile, "name": "office-outbound", "billing_group_id": group, "traffic_type": "conversational",
                   "service_plan": "global", "concurrent_call_limit": null, "enabled": true, "tags": ["office"],
                   "usage_payment_method": "rate-deck", "whitelisted_destinations": ["US", "CA"], "max_destination_rate": null,
                   "daily_spend_limit": "", "daily_spend_limit_enabled": false,
                   "call_recording": {"type": "none", "caller_phone_numbers": [], "channels": "single", "format": "wav"}}),
            json!([]),
        ),
        instance(
            p,
            "telnyx_credential_connection",
            "sip",
            json!({"id": cred, "connection_name": "office-sip", "username": "officesip01", "password": "s3cret-Pass", "active": true,
                   "anchorsite_override": "Latency", "default_on_hold_comfort_noise_enabled": true, "dtmf_type": "RFC 2833",
                   "encode_contact_header_enabled": false, "onnet_t38_passthrough_enabled": false, "microsoft_teams_sbc": false,
                   "webhook_event_url": "", "webhook_event_failover_url": "", "webhook_api_version": "1", "webhook_timeout_secs": 25,
                   "rtcp_settings": {"port": "rtp+1", "capture_enabled": false, "report_frequency_secs": 5},
                   "inbound": {"ani_number_format": "E.164-national", "dnis_number_format": "e164",
                               "codecs": ["G722", "G711U", "G711A", "G729", "OPUS", "H.264"], "default_routing_method": "sequential",
                               "channel_limit": 0, "generate_ringback_tone": false, "isup_headers_enabled": false, "prack_enabled": false,
                               "privacy_zone_enabled": false, "sip_compact_headers_enabled": false, "timeout_1xx_secs": 0,
                               "timeout_2xx_secs": 0, "shaken_stir_enabled": false},
                   "outbound": {"ani_override": "+12345678901", "ani_override_type": "always", "call_parking_enabled": false,
                                "channel_limit": 0, "generate_ringback_tone": false, "instant_ringback_enabled": false,
                                "localization": "US", "outbound_voice_profile_id": profile, "t38_reinvite_source": "customer"}}),
            json!([]),
        ),
        instance(
            p,
            "telnyx_fqdn_connection",
            "pbx",
            json!({"id": fqdn_conn, "connection_name": "pbx-trunk", "username": "pbxtrunk01", "password": "s3cret-Pass",
                   "transport_protocol": "TCP", "encrypted_media": "SRTP", "microsoft_teams_sbc": false, "webhook_event_url": "",
                   "sip_uri_calling_preference": "", "inbound": {"privacy_zone_enabled": false, "sip_region": "US"},
                   "outbound": {"ip_authentication_method": "token", "ip_authentication_token": ""}}),
            json!([[{"type": "get_attr", "value": "password"}]]),
        ),
        instance(
            p,
            "telnyx_fqdn",
            "pbx",
            json!({"id": fqdn, "connection_id": fqdn_conn.parse::<u64>().unwrap(), "fqdn": "pbx.example.com", "port": 5060,
                   "dns_record_type": "a", "created_at": go_time, "updated_at": go_time}),
            json!([]),
        ),
    ];
    // As users run it: the provider installed by `terraform init` from a filesystem mirror.
    let tf = Tf::installed(&emu);
    let state = json!({"version": 4, "terraform_version": "1.0.3", "serial": 3, "lineage": "5e7a3f7e-7c4b-4c1e-9d0a-6f1f2b7c9a11",
                       "outputs": {}, "resources": resources});
    std::fs::write(tf.path().join("terraform.tfstate"), serde_json::to_string_pretty(&state).unwrap()).unwrap();
    // The configuration after the guide's edits: `user_name`, no FQDN-connection credentials.
    tf.config(
        r#"provider "telnyx" {}
resource "telnyx_billing_group" "main" {
  name = "Main billing"
}
resource "telnyx_outbound_voice_profile" "main" {
  name                     = "office-outbound"
  billing_group_id         = telnyx_billing_group.main.id
  whitelisted_destinations = ["US", "CA"]
  tags                     = ["office"]
}
resource "telnyx_credential_connection" "sip" {
  connection_name = "office-sip"
  user_name       = "officesip01"
  password        = "s3cret-Pass"
  outbound = {
    outbound_voice_profile_id = telnyx_outbound_voice_profile.main.id
  }
}
resource "telnyx_fqdn_connection" "pbx" {
  connection_name    = "pbx-trunk"
  transport_protocol = "TCP"
}
resource "telnyx_fqdn" "pbx" {
  connection_id   = telnyx_fqdn_connection.pbx.id
  fqdn            = "pbx.example.com"
  dns_record_type = "a"
  port            = 5060
}"#,
    );
    emu.clear_requests();
    let r = tf.run(&["state", "replace-provider", "-auto-approve", "-no-color", p, "registry.terraform.io/telnyx/telnyx"]);
    r.assert_success();
    // The guide's step 5: `required_providers` names telnyx/telnyx (main.tf does), then init.
    tf.init();
    // The guide's next step: a refresh-only apply writes the state in this provider's shape
    // (attribute names, sensitivity); the API only reads.
    tf.run(&["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"]).assert_success();
    // Terraform before 1.2 plans an update of the FQDN connection with no attribute changed:
    // the community provider marked its (now read-only) password sensitive in the state, and
    // those Terraform versions treat a change of sensitivity alone as an update. Applying it
    // sends nothing to Telnyx; the state then carries this provider's marks.
    if !terraform_at_least(1, 2) {
        let plan = tf.plan();
        assert_eq!(plan.code, 2, "{}", plan.all());
        assert!(plan.stdout.contains("telnyx_fqdn_connection.pbx will be updated in-place"), "{}", plan.stdout);
        assert!(plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
        tf.apply().assert_success();
    }
    let plan = tf.plan();
    assert_eq!(plan.code, 0, "the plan after replace-provider is not empty:\n{}", plan.all());
    assert!(emu.requests().iter().all(|(m, _, _)| m == "GET"), "{:?}", emu.requests());
    // The state is this provider's now, in its own names.
    let c = tf.state_values("telnyx_credential_connection.sip");
    assert_eq!((c["user_name"].as_str(), c["connection_name"].as_str()), (Some("officesip01"), Some("office-sip")), "{c}");
    let f = tf.state_values("telnyx_fqdn.pbx");
    assert_eq!(f["connection_id"].as_str(), Some(fqdn_conn.as_str()), "{f}");
    assert!(!f["created_at"].as_str().unwrap_or_default().ends_with(" UTC"), "{f}");
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// A `moved` block from the community provider's resource to this provider's (Terraform >= 1.8:
/// MoveResourceState; the address must change, as a move to the same address is refused): the
/// object is read like an import, the plan after it is empty, nothing is written.
#[test]
fn newer_only_a_moved_block_brings_a_community_resource_over() {
    crate::support::require_terraform(1, 8);
    let emu = Emulator::start();
    let conn = post(&emu, "/fqdn_connections", json!({"connection_name": "pbx-trunk", "transport_protocol": "TCP"}));
    let p = "registry.terraform.io/petsinc/telnyx";
    let old = instance(
        p,
        "telnyx_fqdn_connection",
        "old",
        json!({"id": conn, "connection_name": "pbx-trunk", "username": "pbxtrunk01", "password": "s3cret-Pass",
               "transport_protocol": "TCP", "microsoft_teams_sbc": false, "sip_uri_calling_preference": "",
               "inbound": {"privacy_zone_enabled": false}, "created_at": "2025-09-24 14:03:11.123456 +0000 UTC"}),
        json!([]),
    );
    // Their provider's address is this build too (a dev override): Terraform must find the
    // provider the state names, and never calls it for the move.
    let tf = Tf::with_overrides(&emu, &["telnyx/telnyx", "petsinc/telnyx"]);
    let state = json!({"version": 4, "terraform_version": "1.8.0", "serial": 1, "lineage": "0c6f5a32-8a7e-4bb4-9a51-1f0e5e3c7d21",
                       "outputs": {}, "resources": [old]});
    std::fs::write(tf.path().join("terraform.tfstate"), serde_json::to_string_pretty(&state).unwrap()).unwrap();
    tf.config(
        r#"provider "telnyx" {}
resource "telnyx_fqdn_connection" "pbx" {
  connection_name    = "pbx-trunk"
  transport_protocol = "TCP"
}
moved {
  from = telnyx_fqdn_connection.old
  to   = telnyx_fqdn_connection.pbx
}"#,
    );
    emu.clear_requests();
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "the move itself is a change:\n{}", plan.all());
    assert!(plan.stdout.contains("has moved to telnyx_fqdn_connection.pbx"), "{}", plan.stdout);
    assert!(plan.stdout.contains("0 to add, 0 to change, 0 to destroy"), "{}", plan.stdout);
    tf.apply().assert_success();
    tf.assert_no_changes();
    assert!(emu.requests().iter().all(|(m, _, _)| m == "GET"), "{:?}", emu.requests());
    let s = tf.state_values("telnyx_fqdn_connection.pbx");
    assert_eq!(s["connection_name"], "pbx-trunk", "{s}");
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}
