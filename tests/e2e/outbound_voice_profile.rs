//! telnyx_outbound_voice_profile through the real terraform binary against the emulator:
//! the full lifecycle, server defaults, validation, drift, import, the data source and
//! authentication errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::json;

const FULL: &str = r#"
provider "telnyx" {}

resource "telnyx_outbound_voice_profile" "p" {
  name                      = "e2e-full"
  billing_group_id          = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
  concurrent_call_limit     = 10
  daily_spend_limit         = "100.00"
  daily_spend_limit_enabled = true
  enabled                   = true
  max_destination_rate      = 0.25
  service_plan              = "global"
  traffic_type              = "conversational"
  usage_payment_method      = "rate-deck"
  tags                      = ["b", "a"]
  whitelisted_destinations  = ["US", "CA", "GB"]

  call_recording = {
    call_recording_type                 = "by_caller_phone_number"
    call_recording_caller_phone_numbers = ["+13125550100"]
    call_recording_channels             = "dual"
    call_recording_format               = "mp3"
  }

  calling_window = {
    start_time    = "08:00"
    end_time      = "20:00"
    calls_per_cld = 5
  }
}
"#;

#[test]
fn full_lifecycle() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);

    // Create with every argument, then the plan is empty.
    tf.config(FULL);
    tf.apply().assert_success();
    let profiles = emu.objects("outbound_voice_profiles");
    assert_eq!(profiles.len(), 1);
    let p = &profiles[0];
    assert_eq!(p["name"], "e2e-full");
    assert_eq!(p["concurrent_call_limit"], 10);
    assert_eq!(p["call_recording"]["call_recording_format"], "mp3");
    assert_eq!(p["calling_window"]["calls_per_cld"], 5);
    let id = p["id"].as_str().unwrap().to_string();
    tf.assert_no_changes();

    // Update in place: a nested field, a set, a scalar. Still the same object.
    tf.config(
        &FULL
            .replace("call_recording_format               = \"mp3\"", "call_recording_format               = \"wav\"")
            .replace("[\"b\", \"a\"]", "[\"a\", \"c\"]")
            .replace("concurrent_call_limit     = 10", "concurrent_call_limit     = 20"),
    );
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let p = &emu.objects("outbound_voice_profiles")[0];
    assert_eq!(p["id"], id.as_str());
    assert_eq!(p["call_recording"]["call_recording_format"], "wav");
    // The whole nested object was sent: the other nested fields kept their values.
    assert_eq!(p["call_recording"]["call_recording_channels"], "dual");
    assert_eq!(p["concurrent_call_limit"], 20);
    tf.assert_no_changes();

    // Removing an optional argument clears it on the server.
    let without_limit = FULL.replace("  concurrent_call_limit     = 10\n", "");
    tf.config(&without_limit);
    tf.apply().assert_success();
    assert!(emu.objects("outbound_voice_profiles")[0]["concurrent_call_limit"].is_null());
    tf.assert_no_changes();

    // Import: forget it, import by id, verify the state matches and the plan is empty.
    let before = tf.state_values("telnyx_outbound_voice_profile.p");
    tf.state_rm("telnyx_outbound_voice_profile.p").assert_success();
    tf.import("telnyx_outbound_voice_profile.p", &id).assert_success();
    let after = tf.state_values("telnyx_outbound_voice_profile.p");
    // An import has no configured form to keep: the times come back as Telnyx writes them,
    // which the plan takes as the configured "08:00" / "20:00" (no change, checked below).
    let mut before = before;
    before["calling_window"]["start_time"] = "08:00:00.00Z".into();
    before["calling_window"]["end_time"] = "20:00:00.00Z".into();
    assert_eq!(before, after, "import verify: state after import differs");
    tf.assert_no_changes();

    // Changed behind Terraform's back: the plan shows the update back.
    let (st, _) = emu.api(Method::PATCH, &format!("/outbound_voice_profiles/{id}"), Some(json!({"name": "e2e-full", "enabled": false})));
    assert_eq!(st, 200);
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("~ enabled") && r.stdout.contains("false -> true"), "{}", r.stdout);
    tf.apply().assert_success();
    assert_eq!(emu.objects("outbound_voice_profiles")[0]["enabled"], true);

    // Deleted behind Terraform's back: the plan shows a create.
    let (st, _) = emu.api(Method::DELETE, &format!("/outbound_voice_profiles/{id}"), None);
    assert_eq!(st, 200);
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("will be created"), "{}", r.stdout);
    tf.apply().assert_success();
    assert_eq!(emu.objects("outbound_voice_profiles").len(), 1);

    // Destroy: nothing left.
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn minimal_configuration_has_no_perpetual_diff() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config("provider \"telnyx\" {}\nresource \"telnyx_outbound_voice_profile\" \"p\" {\n  name = \"e2e-minimal\"\n}\n");
    tf.apply().assert_success();
    tf.assert_no_changes();
    // Server defaults landed in state.
    let v = tf.state_values("telnyx_outbound_voice_profile.p");
    assert_eq!(v["enabled"], true);
    assert_eq!(v["service_plan"], "global");
    assert!(v["whitelisted_destinations"].as_array().is_some_and(|a| !a.is_empty()));
    // A partly configured nested object stays quiet too.
    tf.config(
        "provider \"telnyx\" {}\nresource \"telnyx_outbound_voice_profile\" \"p\" {\n  name = \"e2e-minimal\"\n  call_recording = { call_recording_type = \"all\" }\n}\n",
    );
    tf.apply().assert_success();
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn invalid_configuration_fails_at_plan_without_api_calls() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_outbound_voice_profile" "p" {
  name                     = "ab"
  whitelisted_destinations = ["usa"]
  call_recording           = { call_recording_format = "ogg" }
  calling_window           = { start_time = "25:00" }
  billing_group_id         = "not-a-uuid"
}
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all();
    for attr in
        ["name", "whitelisted_destinations", "call_recording.call_recording_format", "calling_window.start_time", "billing_group_id"]
    {
        assert!(out.contains(&format!("`{attr}` must be")), "no error for {attr}:\n{out}");
    }
    assert_eq!(emu.count("POST", "/v2/"), 0);
    assert_eq!(emu.count("PATCH", "/v2/"), 0);
}

#[test]
fn data_source_by_name_and_by_id() {
    let emu = Emulator::start();
    let (st, created) =
        emu.api(Method::POST, "/outbound_voice_profiles", Some(json!({"name": "shared-profile", "concurrent_call_limit": 7})));
    assert_eq!(st, 200, "{created}");
    let id = created["data"]["id"].as_str().unwrap().to_string();
    let tf = Tf::new(&emu);
    tf.config(&format!(
        r#"
provider "telnyx" {{}}
data "telnyx_outbound_voice_profile" "by_name" {{ name = "shared-profile" }}
data "telnyx_outbound_voice_profile" "by_id" {{ id = "{id}" }}
output "id_by_name" {{ value = data.telnyx_outbound_voice_profile.by_name.id }}
output "limit_by_id" {{ value = data.telnyx_outbound_voice_profile.by_id.concurrent_call_limit }}
"#
    ));
    tf.apply().assert_success();
    let out = tf.run(&["output", "-json"]);
    let j: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(j["id_by_name"]["value"], id.as_str());
    assert_eq!(j["limit_by_id"]["value"], 7);

    // No match: a clear error.
    tf.config("provider \"telnyx\" {}\ndata \"telnyx_outbound_voice_profile\" \"x\" { name = \"nobody-has-this\" }\n");
    let r = tf.plan();
    assert_eq!(r.code, 1);
    assert!(r.all().contains("No telnyx_outbound_voice_profile found"), "{}", r.all());

    // Names are not unique at Telnyx: two matches are a clear error that lists both ids.
    let (st, second) = emu.api(Method::POST, "/outbound_voice_profiles", Some(json!({"name": "shared-profile"})));
    assert_eq!(st, 200, "{second}");
    let second = second["data"]["id"].as_str().unwrap().to_string();
    tf.config("provider \"telnyx\" {}\ndata \"telnyx_outbound_voice_profile\" \"x\" { name = \"shared-profile\" }\n");
    let r = tf.plan();
    assert_eq!(r.code, 1);
    let all = r.all();
    assert!(all.contains("Several telnyx_outbound_voice_profile objects match") && all.contains(&id) && all.contains(&second), "{all}");
}

#[test]
fn wrong_api_key_names_the_setting() {
    let emu = Emulator::start();
    let mut tf = Tf::new(&emu);
    tf.env("TELNYX_API_KEY", "wrong-key");
    tf.config("provider \"telnyx\" {}\nresource \"telnyx_outbound_voice_profile\" \"p\" { name = \"e2e-auth\" }\n");
    let r = tf.apply();
    assert_eq!(r.code, 1);
    let out = r.all();
    assert!(out.contains("Could not create telnyx_outbound_voice_profile"), "{out}");
    assert!(out.contains("Authentication failed") && out.contains("TELNYX_API_KEY"), "{out}");
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn tags_and_calling_window_members_clear_when_removed() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cfg = |extra: &str| {
        format!("provider \"telnyx\" {{}}\nresource \"telnyx_outbound_voice_profile\" \"p\" {{\n  name = \"e2e-clear\"\n{extra}}}\n")
    };
    // No documented upper bound on concurrent_call_limit: a large one is accepted.
    tf.config(&cfg(
        "  tags = [\"x\"]\n  concurrent_call_limit = 5000000\n  calling_window = { calls_per_cld = 7, start_time = \"08:00\", end_time = \"20:00\" }\n  call_recording = { call_recording_type = \"by_caller_phone_number\", call_recording_caller_phone_numbers = [\"+13125550100\"] }\n",
    ));
    tf.apply().assert_success();
    let p = || emu.objects("outbound_voice_profiles")[0].clone();
    assert_eq!(p()["tags"], json!(["x"]));
    assert_eq!(p()["calling_window"]["calls_per_cld"], 7);
    assert_eq!(p()["concurrent_call_limit"], 5_000_000);
    tf.assert_no_changes();

    // Removed: tags (sent as `[]`), the per-destination limit and the caller numbers (left out
    // of their whole objects). The API holds them as empty / null, and nothing diffs after.
    tf.config(&cfg(
        "  calling_window = { start_time = \"08:00\", end_time = \"20:00\" }\n  call_recording = { call_recording_type = \"all\" }\n",
    ));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let o = p();
    assert_eq!(o["tags"], json!([]), "{o}");
    assert!(o["calling_window"]["calls_per_cld"].is_null(), "{o}");
    assert!(o["calling_window"]["start_time"].is_string(), "{o}");
    assert_eq!(o["call_recording"]["call_recording_caller_phone_numbers"], json!([]), "{o}");
    assert!(o["concurrent_call_limit"].is_null(), "{o}");
    tf.assert_no_changes();
    let s = tf.state_values("telnyx_outbound_voice_profile.p");
    assert!(s["tags"].is_null() && s["calling_window"]["calls_per_cld"].is_null(), "{s}");
    assert!(s["call_recording"]["call_recording_caller_phone_numbers"].is_null(), "{s}");

    // A negative limit is refused at plan time, without API calls.
    tf.config(&cfg("  calling_window = { calls_per_cld = -1 }\n"));
    emu.clear_requests();
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("`calling_window.calls_per_cld` must be"), "{}", r.all());
    assert_eq!(emu.count("PATCH", "/v2/"), 0);
    tf.config(&cfg(""));
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// A connection that uses a profile changes nothing of the profile as Terraform sees it: the plan
/// right after applying both is empty and carries no "Objects have changed outside of Terraform"
/// note (the connection's create used to move the profile's `connections_count`, which Terraform
/// 1.0 reported as drift on every plan and destroy). The count stays on the data source, read
/// afresh each time; and no provider Terraform started left its socket behind.
#[test]
fn a_connection_using_the_profile_is_not_reported_as_a_change_outside_terraform() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}

resource "telnyx_outbound_voice_profile" "p" {
  name = "e2e-counted"
}

resource "telnyx_fqdn_connection" "c" {
  connection_name = "e2e-uses-counted"
  outbound        = { outbound_voice_profile_id = telnyx_outbound_voice_profile.p.id }
}

data "telnyx_outbound_voice_profile" "p" {
  id         = telnyx_outbound_voice_profile.p.id
  depends_on = [telnyx_fqdn_connection.c]
}

output "connections_count" {
  value = data.telnyx_outbound_voice_profile.p.connections_count
}
"#,
    );
    let notes = ["changed outside of Terraform", "has been changed", "Note: Objects have changed"];
    let apply = tf.apply();
    apply.assert_success();
    let plan = tf.plan();
    assert_eq!(plan.code, 0, "expected an empty plan:\n{}", plan.all());
    for note in notes {
        assert!(!plan.all().contains(note), "plan after apply reports {note:?}:\n{}", plan.all());
    }
    let out = tf.run(&["output", "-json", "connections_count"]);
    assert_eq!(out.assert_success().stdout.trim(), "1", "the data source counts the connection");
    let destroy = tf.destroy();
    destroy.assert_success();
    for note in notes {
        assert!(!destroy.all().contains(note), "destroy reports {note:?}:\n{}", destroy.all());
    }
    assert_eq!(emu.object_count(), 0);
    assert_eq!(tf.leftover_sockets(), Vec::<String>::new(), "a provider left its socket behind");
}
