//! `terraform-provider-telnyx export` round trip through the real terraform binary: a realistic
//! account in the emulator (every resource type, > 60 objects, nested settings away from the
//! defaults, shared profiles, records on connections, routed numbers, awkward and duplicate
//! names) → export → `terraform fmt -check` → `terraform init` from a filesystem mirror and the
//! import blocks (Terraform >= 1.5), or `import.sh` (older) → `plan` is empty, with not one write
//! request in the whole round trip; then one edited attribute plans
//! exactly one in-place update; and every relation is a reference.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::process::Command;

use crate::support::{API_KEY, Emulator, Tf, provider_bin, terraform_at_least};
use reqwest::Method;
use serde_json::{Value as Json, json};

fn post(emu: &Emulator, path: &str, body: Json) -> String {
    let (st, b) = emu.api(Method::POST, path, Some(body));
    assert!(st == 200 || st == 201, "{path}: {st} {b}");
    let obj = if b.get("data").is_some() { &b["data"] } else { &b };
    obj["id"].as_str().unwrap().to_string()
}

fn patch(emu: &Emulator, path: &str, body: Json) {
    let (st, b) = emu.api(Method::PATCH, path, Some(body));
    assert_eq!(st, 200, "{path}: {b}");
}

/// Builds the account; returns how many objects it has.
pub(crate) fn account(emu: &Emulator) -> usize {
    let groups: Vec<String> =
        ["Ops & Billing", "Ops & Billing", "2026 trunks"].iter().map(|n| post(emu, "/billing_groups", json!({"name": n}))).collect();
    let mut profiles = Vec::new();
    for (i, name) in ["Office outbound", "Office outbound", "call-center (EU)", "9to5 profile", "Überseeisch", "plain"].iter().enumerate()
    {
        let mut body = json!({"name": name, "concurrent_call_limit": 10 + i, "whitelisted_destinations": ["US", "CA", "GB"]});
        if i % 2 == 0 {
            body["billing_group_id"] = json!(groups[i % 3]);
            body["call_recording"] = json!({"call_recording_type": "all", "call_recording_format": "mp3"});
            body["daily_spend_limit"] = json!("250.00");
            body["daily_spend_limit_enabled"] = json!(true);
        }
        profiles.push(post(emu, "/outbound_voice_profiles", body));
    }
    let mut connections = Vec::new();
    for i in 0..4 {
        connections.push(post(
            emu,
            "/credential_connections",
            json!({"connection_name": format!("PBX #{i}"), "user_name": format!("pbxuser{i}"), "password": format!("secret-pass-{i}"),
                   "inbound": {"channel_limit": 20 + i, "codecs": ["OPUS", "G711U"]},
                   "outbound": {"outbound_voice_profile_id": profiles[i % 2], "localization": "GB"}, "tags": ["pbx"]}),
        ));
    }
    let mut fqdn_conns = Vec::new();
    for (i, name) in ["sbc east", "sbc east", "SBC/West", "teams"].iter().enumerate() {
        fqdn_conns.push(post(
            emu,
            "/fqdn_connections",
            json!({"connection_name": name, "transport_protocol": "TCP", "anchorsite_override": "Chicago, IL",
                   "rtcp_settings": {"capture_enabled": true},
                   "outbound": {"outbound_voice_profile_id": profiles[2 + i % 2]}, "inbound": {"sip_region": "Europe"}}),
        ));
    }
    let mut ip_conns = Vec::new();
    for name in ["dc-1", "dc-2", "lab"] {
        ip_conns.push(post(
            emu,
            "/ip_connections",
            json!({"connection_name": name, "transport_protocol": "UDP", "jitter_buffer": {"enable_jitter_buffer": true},
                   "outbound": {"outbound_voice_profile_id": profiles[4]}}),
        ));
    }
    // Numbers may point at applications too (issue 20 point 4).
    let apps = [
        post(
            emu,
            "/call_control_applications",
            json!({"application_name": "IVR main", "webhook_event_url": "https://example.com/cc",
                   "outbound": {"outbound_voice_profile_id": profiles[1]}}),
        ),
        post(emu, "/texml_applications", json!({"friendly_name": "after hours", "voice_url": "https://example.com/texml"})),
    ];
    // A SIP credential under a credential connection (export writes connection_id from resource_id).
    post(emu, "/telephony_credentials", json!({"connection_id": connections[1], "name": "desk phone 7", "tag": "desks"}));
    let mut n = groups.len() + profiles.len() + connections.len() + fqdn_conns.len() + ip_conns.len() + apps.len() + 1;
    for i in 0..10 {
        let conn = &fqdn_conns[i % 4];
        let (kind, port) = if i == 9 { ("srv", None) } else { ("a", Some(5060 + i)) };
        let mut body = json!({"connection_id": conn, "fqdn": format!("sip{}.example.com", i % 5), "dns_record_type": kind});
        if let Some(p) = port {
            body["port"] = json!(p);
        }
        let id = post(emu, "/fqdns", body);
        if i == 0 {
            patch(emu, &format!("/fqdn_connections/{conn}"), json!({"inbound": {"default_primary_fqdn_id": id, "sip_region": "Europe"}}));
        }
        n += 1;
    }
    for i in 0..10 {
        post(
            emu,
            "/ips",
            json!({"connection_id": ip_conns[i % 3], "ip_address": format!("192.0.2.{}", 10 + i / 2), "port": 5060 + (i % 2)}),
        );
        n += 1;
    }
    for cidr in ["203.0.113.0/24", "198.51.100.0/25", "198.51.100.128/25", "2001:db8::/48", "192.0.2.0/28"] {
        post(emu, "/access_ip_ranges", json!({"cidr_block": cidr, "description": format!("office {cidr}")}));
        n += 1;
    }
    let numbers: Vec<Json> = (0..20).map(|i| json!({"phone_number": format!("+1312555{:04}", 100 + i)})).collect();
    let ids = emu.seed(&json!({"phone_numbers": numbers}));
    for (i, id) in ids["phone_numbers"].as_array().unwrap().iter().enumerate() {
        let id = id.as_str().unwrap();
        let conn = [&connections[..], &fqdn_conns[..], &ip_conns[..]].concat()[i % 11].clone();
        if i >= 18 {
            patch(emu, &format!("/phone_numbers/{id}"), json!({"connection_id": apps[i - 18]}));
        } else if i < 16 {
            let mut body = json!({"connection_id": conn, "tags": ["main", format!("desk-{i}")]});
            if i % 4 == 0 {
                body["billing_group_id"] = json!(groups[2]);
                body["customer_reference"] = json!(format!("ref {i}"));
            }
            patch(emu, &format!("/phone_numbers/{id}"), body);
        }
        if i % 5 == 0 {
            patch(
                emu,
                &format!("/phone_numbers/{id}/voice"),
                json!({"call_forwarding": {"call_forwarding_enabled": true, "forwards_to": "+13125559999", "forwarding_type": "on-failure"},
                       "media_features": {"t38_fax_gateway_enabled": true}}),
            );
        }
        n += 1;
    }
    n
}

pub(crate) fn export(emu: &Emulator, dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(provider_bin())
        .arg("export")
        .arg("--out")
        .arg(dir)
        .args(extra)
        .env("TELNYX_API_KEY", API_KEY)
        .env("TELNYX_BASE_URL", emu.base_url())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap()
}

/// Imports what `export` wrote into `tf` (a [`Tf::installed`] directory), as its README says:
/// Terraform >= 1.5 plans and applies the import blocks of imports.tf after `terraform init`
/// from the filesystem mirror; older Terraform, which cannot even init with imports.tf there,
/// runs import.sh (it sets imports.tf aside, runs init and `terraform import` per object).
pub(crate) fn import_exported(tf: &Tf, total: usize) {
    if terraform_at_least(1, 5) {
        tf.init();
        let r = tf.plan();
        assert_eq!(r.code, 2, "{}", r.all());
        let summary = format!("Plan: {total} to import, 0 to add, 0 to change, 0 to destroy.");
        assert!(r.stdout.contains(&summary), "{summary}:\n{}", r.stdout);
        let r = tf.apply();
        r.assert_success();
        assert!(
            r.stdout.contains(&format!("Apply complete! Resources: {total} imported, 0 added, 0 changed, 0 destroyed.")),
            "{}",
            r.stdout
        );
    } else {
        let r = tf.sh(&tf.path().join("import.sh"));
        assert_eq!(r.code, 0, "import.sh failed:\n{}", r.all());
        assert!(tf.path().join("imports.tf.disabled").is_file());
    }
}

pub(crate) fn writes(emu: &Emulator) -> Vec<(String, String)> {
    emu.requests().into_iter().filter(|(m, _, _)| m != "GET").map(|(m, p, _)| (m, p)).collect()
}

fn tf_files(tf: &Tf) -> BTreeMap<String, String> {
    std::fs::read_dir(tf.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tf"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap()))
        .collect()
}

#[test]
fn an_exported_account_imports_and_plans_empty_with_no_write() {
    let emu = Emulator::start();
    let total = account(&emu);
    assert!(total >= 60, "{total}");
    emu.clear_requests();

    let tf = Tf::installed(&emu);
    let out = export(&emu, tf.path(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("wrote {total} objects")), "{stderr}");
    assert!(stderr.contains("telnyx_phone_number") && stderr.contains("20 objects"), "progress per type:\n{stderr}");

    // No secret in clear text in any file written.
    for entry in std::fs::read_dir(tf.path()).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(!text.contains("secret-pass-"), "{} holds a password", entry.path().display());
    }
    let fmt = tf.run(&["fmt", "-check", "-recursive", "-no-color"]);
    assert_eq!(fmt.code, 0, "terraform fmt -check: files not in canonical form:\n{}", fmt.all());

    // Every relation is a reference: no id of an exported object appears literally, but the
    // default-record ids that would be a cycle (marked by a comment).
    let files = tf_files(&tf);
    let state = [
        "billing_groups",
        "outbound_voice_profiles",
        "credential_connections",
        "fqdn_connections",
        "ip_connections",
        "call_control_applications",
        "texml_applications",
        "telephony_credentials",
        "fqdns",
        "ips",
        "phone_numbers",
    ];
    let all_ids: Vec<String> = state.iter().flat_map(|f| emu.objects(f)).map(|o| o["id"].as_str().unwrap().to_string()).collect();
    for (name, text) in files.iter().filter(|(n, _)| n.as_str() != "imports.tf") {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            for id in &all_ids {
                if line.contains(&format!("\"{id}\"")) {
                    let cycle = line.trim_start().starts_with("default_") && i > 0 && lines[i - 1].contains("a reference would be a cycle");
                    assert!(cycle, "{name}: literal id instead of a reference: {line}");
                }
            }
        }
    }
    let numbers = &files["telnyx_phone_number.tf"];
    assert!(numbers.contains("= telnyx_credential_connection.pbx_0.id"), "{numbers}");
    assert!(numbers.contains("= telnyx_billing_group.group_2026_trunks.id"), "{numbers}");
    assert!(numbers.contains("connection_id = telnyx_call_control_application."), "a number on an application: {numbers}");
    assert!(numbers.contains("connection_id = telnyx_texml_application."), "{numbers}");
    let credentials = &files["telnyx_telephony_credential.tf"];
    assert!(credentials.contains("connection_id = telnyx_credential_connection.pbx_1.id"), "{credentials}");
    assert!(credentials.contains("\"desk_phone_7\"") && !credentials.contains("sip_password"), "{credentials}");
    let profiles = &files["telnyx_outbound_voice_profile.tf"];
    assert!(profiles.contains("\"office_outbound\"") && profiles.contains("\"office_outbound_2\""), "duplicate names:\n{profiles}");
    assert!(files["telnyx_fqdn_connection.tf"].contains("outbound_voice_profile_id = telnyx_outbound_voice_profile."), "shared profiles");
    assert!(!files["telnyx_fqdn_connection.tf"].contains("webhook_api_version"), "defaults left out");
    // Values Telnyx answers for what a create leaves out are defaults too (issue 24 point 10).
    for (file, text) in files.iter().filter(|(f, _)| f.ends_with("_connection.tf")) {
        for default in
            ["conversation_persistence", "bridge_generate_comfort_noise_on_cn", "noise_suppression ", "attenuation_limit", "active "]
        {
            assert!(!text.contains(default), "{file} writes the default `{default}`:\n{text}");
        }
    }

    import_exported(&tf, total);
    let r = tf.plan();
    assert_eq!(r.code, 0, "the plan after import is not empty:\n{}", r.all());
    assert!(writes(&emu).is_empty(), "write requests during the round trip: {:?}", writes(&emu));
    assert_eq!(tf.state_ids("telnyx_phone_number").len(), 20);

    // One attribute changed in the exported configuration: exactly that one in-place update.
    let path = tf.path().join("telnyx_ip_connection.tf");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("= \"dc-1\"\n", "= \"dc-1-renamed\"\n", 1);
    assert_ne!(edited, text, "{text}");
    std::fs::write(&path, edited).unwrap();
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", r.stdout);
    assert!(r.stdout.contains("~ connection_name") && r.stdout.contains("\"dc-1\" -> \"dc-1-renamed\""), "{}", r.stdout);
    assert!(writes(&emu).is_empty());
}

#[test]
fn export_filters_by_type_and_name_and_refuses_bad_arguments() {
    let emu = Emulator::start();
    account(&emu);
    let dir = tempfile::tempdir().unwrap();
    let out = export(&emu, dir.path(), &["--type", "fqdn_connection", "--name-contains", "SBC"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.path().join("telnyx_fqdn_connection.tf")).unwrap();
    assert_eq!(text.matches("resource \"telnyx_fqdn_connection\"").count(), 3, "{text}");
    assert!(!dir.path().join("telnyx_fqdn.tf").exists());
    // A profile outside the export stays a literal id.
    assert!(text.contains("outbound_voice_profile_id = \""), "{text}");
    // A second run into the same directory needs --force.
    let again = export(&emu, dir.path(), &[]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("--force"));
    let bad = export(&emu, dir.path(), &["--type", "nope", "--force"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown --type"));
    let usage = Command::new(provider_bin()).args(["export"]).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
}
