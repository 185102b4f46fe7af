//! The reusable module `examples/modules/sip_trunk`, used twice by `examples/module-usage`:
//! `terraform init` from a filesystem mirror, apply, empty plan, destroy, through the real
//! `terraform` against the emulator; and
//! its input validation failing at plan with no API call.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf, copy_files, workspace_root};

/// A working directory holding the module and `main.tf`, initialised as users do: `terraform
/// init` installs the module and the provider (from the filesystem mirror, no dev overrides).
fn workspace(emu: &Emulator, main_tf: &str) -> Tf {
    let tf = Tf::installed(emu);
    copy_files(&workspace_root().join("examples/modules/sip_trunk"), &tf.path().join("modules/sip_trunk"));
    std::fs::write(tf.path().join("main.tf"), main_tf.replace("\"../modules/sip_trunk\"", "\"./modules/sip_trunk\"")).unwrap();
    tf.init();
    tf
}

#[test]
fn module_used_twice_applies_plans_empty_and_destroys() {
    let emu = Emulator::start_with(&["--seed", workspace_root().join("examples/emulator-seed.json").to_str().unwrap()]);
    let usage = std::fs::read_to_string(workspace_root().join("examples/module-usage/main.tf")).unwrap();
    let tf = workspace(&emu, &usage);
    tf.apply().assert_success();
    assert_eq!(emu.objects("outbound_voice_profiles").len(), 2);
    assert_eq!(emu.objects("credential_connections").len(), 1);
    assert_eq!(emu.objects("ip_connections").len(), 1);
    assert_eq!(emu.objects("ips").len(), 2);
    let conn = &emu.objects("credential_connections")[0];
    let profiles = emu.objects("outbound_voice_profiles");
    let hq_profile = profiles.iter().find(|p| p["name"] == "hq-pbx-outbound").unwrap();
    assert_eq!(conn["outbound"]["outbound_voice_profile_id"], hq_profile["id"]);
    assert_eq!(conn["inbound"]["channel_limit"], 30);
    // Each trunk routes its numbers; hq's are billed to the group.
    let group = emu.objects("billing_groups")[0]["id"].clone();
    let numbers = emu.objects("phone_numbers");
    let on = |n: &str| numbers.iter().find(|x| x["phone_number"] == n).unwrap().clone();
    for n in ["+13125550100", "+13125550101"] {
        assert_eq!((&on(n)["connection_id"], &on(n)["billing_group_id"]), (&conn["id"], &group), "{n}");
    }
    let dc = &emu.objects("ip_connections")[0];
    assert_eq!(on("+13125550102")["connection_id"], dc["id"]);
    // The number keeps a tag of its own beside the trunk's, and gets it back alone on destroy.
    assert_eq!(on("+13125550102")["tags"], serde_json::json!(["datacenter", "legacy"]));
    tf.assert_no_changes();

    let out = tf.run(&["output", "-json"]);
    out.assert_success();
    let j: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(j["hq_connection_id"]["value"], conn["id"]);
    assert_eq!(j["datacenter_ip_ids"]["value"].as_object().unwrap().len(), 2);
    assert_eq!(j["hq_numbers"]["value"], serde_json::json!(["+13125550100", "+13125550101"]));

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), emu.objects("phone_numbers").len(), "only the account's numbers are left");
    assert!(emu.objects("phone_numbers").iter().all(|n| n["connection_id"].is_null()), "unrouted");
    let legacy = emu.objects("phone_numbers").into_iter().find(|n| n["phone_number"] == "+13125550102").unwrap();
    assert_eq!(legacy["tags"], serde_json::json!(["legacy"]), "given back as found");
    assert_eq!(emu.count("POST", "/v2/phone_numbers/jobs/delete_phone_numbers"), 0, "never released");
    assert_eq!(emu.count("DELETE", "/v2/phone_numbers"), 0, "never released");
}

#[test]
fn module_inputs_are_validated_at_plan_time() {
    let emu = Emulator::start();
    let main = r#"
terraform {
  required_providers {
    telnyx = { source = "telnyx/telnyx" }
  }
}
provider "telnyx" {}
module "bad" {
  source       = "../modules/sip_trunk"
  name         = "Bad Name"
  kind          = "sip"
  destinations  = ["usa"]
  phone_numbers = ["3125550100"]
}
"#;
    let tf = workspace(&emu, main);
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let all = r.all();
    for needle in ["The name must be", "The kind must be one of", "two-letter upper-case country code", "E.164 form"] {
        assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
    }
    assert_eq!(emu.count("POST", "/v2/"), 0);
    assert_eq!(emu.count("GET", "/v2/"), 0);
}
