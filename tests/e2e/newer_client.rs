//! What only a newer client can do, through the real newer Terraform (the second leg of
//! `scripts/test.sh`; every test here is `newer_only_…` and states the version it needs):
//! write-only passwords, and `terraform plan -generate-config-out` for every resource type.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::export::{account, export, writes};
use crate::support::{Emulator, Tf, copy_files, require_terraform, workspace_root};

/// `password_wo` (Terraform >= 1.11): sent to Telnyx on create, never in plan output, state or
/// the state file; rotated by changing `password_wo_version`, which sends the new password in
/// one in-place update; the plan after each apply is empty.
#[test]
fn newer_only_password_wo_is_sent_rotated_and_never_stored() {
    require_terraform(1, 11);
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let config = |password: &str, version: u32| {
        format!(
            "resource \"telnyx_credential_connection\" \"pbx\" {{\n  connection_name     = \"write-only\"\n  user_name           = \"writeonly1\"\n  \
             password_wo         = \"{password}\"\n  password_wo_version = {version}\n}}"
        )
    };
    tf.config(&config("first-secret-1", 1));
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.all());
    let apply = tf.apply();
    apply.assert_success();
    assert_eq!(emu.objects("credential_connections")[0]["password"], "first-secret-1");
    tf.assert_no_changes();

    // Rotation: a new value alone is invisible to Terraform; the version says when to send it.
    tf.config(&config("second-secret-2", 2));
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
    let rotate = tf.apply();
    rotate.assert_success();
    assert_eq!(emu.objects("credential_connections")[0]["password"], "second-secret-2");
    let patches = emu.request_log().into_iter().filter(|r| r["method"] == "PATCH").count();
    assert_eq!(patches, 1, "one update sends the new password");
    tf.assert_no_changes();

    let state = tf.state_values("telnyx_credential_connection.pbx");
    assert!(state["password_wo"].is_null() && state["password"].is_null(), "{state}");
    assert_eq!(state["password_wo_version"], 2);
    let state_file = std::fs::read_to_string(tf.path().join("terraform.tfstate")).unwrap();
    let show = tf.run(&["show", "-json"]);
    for (what, text) in
        [("plan", plan.all()), ("apply", apply.all()), ("rotation", rotate.all()), ("state file", state_file), ("show", show.all())]
    {
        for secret in ["first-secret-1", "second-secret-2"] {
            assert!(!text.contains(secret), "{secret} in the {what}:\n{text}");
        }
    }
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// `terraform plan -generate-config-out` (Terraform >= 1.5) writes configuration for imported
/// objects of every type. Terraform before 1.14 does not ask the provider (no
/// GenerateResourceConfig): it writes every optional attribute from the imported state, where a
/// credential connection's password (never returned by Telnyx) is null — which the provider
/// accepts for a connection that exists. The generated configuration imports every object and
/// then plans empty, with no write request.
#[test]
fn newer_only_generated_configuration_of_every_type_imports_and_plans_clean() {
    require_terraform(1, 5);
    let emu = Emulator::start();
    let total = account(&emu);
    let tf = Tf::installed(&emu);
    let out = export(&emu, tf.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Keep the import blocks and the provider requirement; the resource blocks are generated.
    let mut types = Vec::new();
    for e in std::fs::read_dir(tf.path()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("telnyx_") || name == "variables.tf" {
            types.push(name.trim_end_matches(".tf").to_string());
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    emu.clear_requests();
    tf.init();
    let generate = tf.run(&["plan", "-input=false", "-no-color", "-detailed-exitcode", "-generate-config-out=generated.tf"]);
    assert_eq!(generate.code, 2, "{}", generate.all());
    let summary = format!("Plan: {total} to import, 0 to add, 0 to change, 0 to destroy.");
    assert!(generate.stdout.contains(&summary), "{summary}:\n{}", generate.stdout);
    let generated = std::fs::read_to_string(tf.path().join("generated.tf")).unwrap();
    for t in types.iter().filter(|t| t.starts_with("telnyx_")) {
        assert!(generated.contains(&format!("resource \"{t}\"")), "{t} not generated:\n{generated}");
    }
    assert!(generated.contains("password = null # sensitive") || generated.contains("= null # sensitive"), "{generated}");
    tf.apply().assert_success();
    tf.assert_no_changes();
    assert!(writes(&emu).is_empty(), "{:?}", writes(&emu));
}

/// The SIP-trunk module's own tests (`examples/modules/sip_trunk/tests/`) as a module author
/// runs them: `terraform init` from the filesystem mirror, then `terraform test` — the mocked
/// plan- and apply-mode runs (`mock_provider`, Terraform >= 1.7) and the apply-mode runs against
/// the emulator, which `terraform test` cleans up: only the seeded numbers are left, unrouted.
#[test]
fn newer_only_the_sip_trunk_module_tests_pass_offline() {
    require_terraform(1, 7);
    let seed = workspace_root().join("examples/emulator-seed.json");
    let emu = Emulator::start_with(&["--seed", seed.to_str().unwrap()]);
    let tf = Tf::installed(&emu);
    let module = workspace_root().join("examples/modules/sip_trunk");
    copy_files(&module, tf.path());
    copy_files(&module.join("tests"), &tf.path().join("tests"));
    tf.init();
    let r = tf.run(&["test", "-no-color"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("Success! 10 passed, 0 failed."), "{}", r.stdout);
    for family in ["outbound_voice_profiles", "credential_connections", "fqdn_connections", "ip_connections", "fqdns", "ips"] {
        assert!(emu.objects(family).is_empty(), "{family} left behind: {:?}", emu.objects(family));
    }
    let numbers = emu.objects("phone_numbers");
    assert_eq!(numbers.len(), 4);
    assert!(numbers.iter().all(|n| n["connection_id"].is_null()), "{numbers:?}");
    let routed = emu.count("POST", "/v2/phone_numbers/jobs/update_phone_numbers");
    assert!(routed >= 2, "the emulator runs routed the numbers: {routed} jobs");
}
