//! telnyx_phone_number and telnyx_billing_group through the real terraform binary against the
//! emulator: numbers the account owns (seeded: the API cannot create them) routed to
//! connections, moved, imported by E.164 number, drift, a number not owned, plan-time
//! validation, destroy that unroutes and never releases; billing group lifecycle; data sources.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::{Value as Json, json};

const NUMBERS: [&str; 3] = ["+13125550100", "+13125550101", "+13125550102"];

fn seed_numbers(emu: &Emulator) -> Vec<String> {
    let ids = emu.seed(&json!({"phone_numbers": NUMBERS.iter().map(|n| json!({"phone_number": n})).collect::<Vec<_>>()}));
    ids["phone_numbers"].as_array().unwrap().iter().map(|i| i.as_str().unwrap().to_string()).collect()
}

/// Writes (not sent by this provider to numbers): any POST, PATCH or DELETE of the log.
fn writes(emu: &Emulator) -> Vec<(String, String)> {
    emu.requests().into_iter().filter(|(m, _, _)| m != "GET").map(|(m, p, _)| (m, p)).collect()
}

fn trunk_config(second_on: &str, forward_to: &str) -> String {
    format!(
        r#"
provider "telnyx" {{}}

resource "telnyx_fqdn_connection" "main" {{ connection_name = "e2e-numbers-main" }}
resource "telnyx_fqdn_connection" "backup" {{ connection_name = "e2e-numbers-backup" }}
resource "telnyx_billing_group" "ops" {{ name = "e2e ops" }}

resource "telnyx_phone_number" "n0" {{
  phone_number     = "{n0}"
  connection_id    = telnyx_fqdn_connection.main.id
  billing_group_id = telnyx_billing_group.ops.id
  tags             = ["e2e", "main"]
  voice = {{
    call_forwarding = {{
      forwards_to     = "{forward_to}"
      forwarding_type = "on-failure"
    }}
  }}
}}

resource "telnyx_phone_number" "n1" {{
  phone_number     = "{n1}"
  connection_id    = telnyx_fqdn_connection.{second_on}.id
  billing_group_id = telnyx_billing_group.ops.id
}}

resource "telnyx_phone_number" "n2" {{
  phone_number       = "{n2}"
  connection_id      = telnyx_fqdn_connection.main.id
  customer_reference = "desk-2"
  voice = {{
    media_features = {{ t38_fax_gateway_enabled = true }}
  }}
}}
"#,
        n0 = NUMBERS[0],
        n1 = NUMBERS[1],
        n2 = NUMBERS[2],
    )
}

#[test]
fn numbers_are_routed_moved_imported_and_unrouted_never_released() {
    let emu = Emulator::start();
    let ids = seed_numbers(&emu);
    let tf = Tf::new(&emu);

    // Route three numbers with a billing group and changed voice settings.
    tf.config(&trunk_config("main", "+13125559999"));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("6 added, 0 changed, 0 destroyed"), "{}", r.stdout);
    let main = emu.objects("fqdn_connections").into_iter().find(|c| c["connection_name"] == "e2e-numbers-main").unwrap()["id"].clone();
    let group = emu.objects("billing_groups")[0]["id"].clone();
    let n0 = emu.number(NUMBERS[0]);
    assert_eq!((&n0["connection_id"], &n0["billing_group_id"], &n0["tags"]), (&main, &group, &json!(["e2e", "main"])));
    assert_eq!(
        n0["voice"]["call_forwarding"],
        json!({"call_forwarding_enabled": true, "forwards_to": "+13125559999", "forwarding_type": "on-failure"})
    );
    let n2 = emu.number(NUMBERS[2]);
    assert_eq!(n2["voice"]["media_features"]["t38_fax_gateway_enabled"], true);
    assert_eq!(n2["voice"]["media_features"]["rtp_auto_adjust_enabled"], true, "unset members keep what Telnyx held");
    assert_eq!(n2["customer_reference"], "desk-2");
    assert_eq!(tf.state_values("telnyx_phone_number.n0")["id"], ids[0].as_str());
    assert_eq!(tf.state_values("telnyx_phone_number.n1")["status"], "active");
    tf.assert_no_changes();

    // Move one number to another connection: exactly one in-place update.
    emu.clear_requests();
    tf.config(&trunk_config("backup", "+13125559999"));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let backup = emu.objects("fqdn_connections").into_iter().find(|c| c["connection_name"] == "e2e-numbers-backup").unwrap()["id"].clone();
    assert_eq!(emu.number(NUMBERS[1])["connection_id"], backup);
    assert_eq!(writes(&emu), [("PATCH".to_string(), format!("/v2/phone_numbers/{}", ids[1]))], "one PATCH of the number, no voice PATCH");
    tf.assert_no_changes();

    // A voice change: only the voice settings are patched.
    emu.clear_requests();
    tf.config(&trunk_config("backup", "+13125558888"));
    let r = tf.apply();
    assert!(r.assert_success().stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    assert_eq!(writes(&emu), [("PATCH".to_string(), format!("/v2/phone_numbers/{}/voice", ids[0]))]);
    assert_eq!(emu.number(NUMBERS[0])["voice"]["call_forwarding"]["forwards_to"], "+13125558888");
    tf.assert_no_changes();

    // Import by E.164 number: the same state (but `found`, which only an adoption records),
    // an empty plan.
    let without_found = |mut v: Json| {
        v.as_object_mut().unwrap().remove("found");
        v
    };
    let before = without_found(tf.state_values("telnyx_phone_number.n2"));
    tf.state_rm("telnyx_phone_number.n2").assert_success();
    tf.import("telnyx_phone_number.n2", NUMBERS[2]).assert_success();
    assert_eq!(without_found(tf.state_values("telnyx_phone_number.n2")), before);
    tf.assert_no_changes();
    // And by id.
    tf.state_rm("telnyx_phone_number.n2").assert_success();
    tf.import("telnyx_phone_number.n2", &ids[2]).assert_success();
    tf.assert_no_changes();

    // Routed elsewhere behind Terraform's back: the plan routes it back.
    let (st, body) = emu.api(Method::PATCH, &format!("/phone_numbers/{}", ids[2]), Some(json!({"connection_id": backup, "tags": ["x"]})));
    assert_eq!(st, 200, "{body}");
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("telnyx_phone_number.n2 will be updated in-place"), "{}", r.stdout);
    assert!(r.stdout.contains("1 to change"), "{}", r.stdout);
    tf.apply().assert_success();
    assert_eq!(emu.number(NUMBERS[2])["connection_id"], main);
    assert_eq!(emu.number(NUMBERS[2])["tags"], json!([]));
    tf.assert_no_changes();

    // Destroy: every number still in the account, unrouted, no number DELETE ever sent.
    emu.clear_requests();
    tf.destroy().assert_success();
    for n in NUMBERS {
        let o = emu.number(n);
        assert_eq!((&o["connection_id"], &o["billing_group_id"], &o["customer_reference"]), (&Json::Null, &Json::Null, &Json::Null), "{n}");
        assert_eq!(o["tags"], json!([]), "{n}");
        assert_eq!(o["status"], "active");
    }
    assert_eq!(emu.number(NUMBERS[0])["voice"]["call_forwarding"]["forwards_to"], "+13125558888", "voice settings stay");
    assert_eq!(emu.count("DELETE", "/v2/phone_numbers"), 0);
    assert!(emu.objects("fqdn_connections").is_empty() && emu.objects("billing_groups").is_empty());
}

#[test]
fn a_number_not_owned_fails_naming_phone_number_with_no_write() {
    let emu = Emulator::start();
    seed_numbers(&emu);
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_phone_number" "x" {
  phone_number = "+13125550199"
  tags         = ["nope"]
}
"#,
    );
    // The plan already fails (issue 24.7: it used to say "1 to add" and fail at apply),
    // pointing at the `phone_number` line.
    let plan = tf.plan();
    assert_eq!(plan.code, 1, "{}", plan.all());
    assert!(plan.stderr.contains("Phone number not in this Telnyx account") && plan.stderr.contains("+13125550199"), "{}", plan.stderr);
    assert!(plan.stderr.contains("phone_number = \"+13125550199\""), "the phone_number line: {}", plan.stderr);
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stderr.contains("Phone number not in this Telnyx account") && r.stderr.contains("+13125550199"), "{}", r.stderr);
    assert!(r.stderr.contains("phone_number"), "{}", r.stderr);
    assert!(writes(&emu).is_empty(), "{:?}", writes(&emu));
    assert!(tf.state_ids("telnyx_phone_number").is_empty());
}

#[test]
fn a_number_released_outside_terraform_fails_the_plan_clearly() {
    let emu = Emulator::start();
    let ids = seed_numbers(&emu);
    let tf = Tf::new(&emu);
    tf.config(&format!("provider \"telnyx\" {{}}\nresource \"telnyx_phone_number\" \"n\" {{ phone_number = \"{}\" }}\n", NUMBERS[0]));
    tf.apply().assert_success();
    tf.assert_no_changes();
    // Released by someone else (the portal): gone from the account.
    let (st, _) = emu.api(Method::DELETE, &format!("/phone_numbers/{}", ids[0]), None);
    assert_eq!(st, 200);
    // The refresh finds it gone; the create Terraform then plans fails at plan: the provider
    // never buys a number.
    emu.clear_requests();
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stderr.contains("never buys one"), "{}", r.stderr);
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stderr.contains("never buys one"), "{}", r.stderr);
    assert!(writes(&emu).is_empty());
}

#[test]
fn invalid_number_settings_fail_at_plan_naming_the_attribute() {
    let emu = Emulator::start();
    seed_numbers(&emu);
    let tf = Tf::new(&emu);
    let cases = [
        ("phone_number = \"3125550100\"", "phone_number"),
        ("phone_number = \"+13125550100\"\n  billing_group_id = \"not-a-uuid\"", "billing_group_id"),
        ("phone_number = \"+13125550100\"\n  voice = { usage_payment_method = \"per-call\" }", "usage_payment_method"),
        ("phone_number = \"+13125550100\"\n  voice = { call_forwarding = { forwarding_type = \"sometimes\" } }", "forwarding_type"),
        ("phone_number = \"+13125550100\"\n  voice = { call_forwarding = { forwards_to = \"555\" } }", "forwards_to"),
        (
            "phone_number = \"+13125550100\"\n  voice = { cnam_listing = { cnam_listing_details = \"Way Too Long For CNAM\" } }",
            "cnam_listing_details",
        ),
        (
            "phone_number = \"+13125550100\"\n  voice = { cnam_listing = { cnam_listing_enabled = true, cnam_listing_details = \"\" } }",
            "cnam_listing_details",
        ),
        (
            "phone_number = \"+13125550100\"\n  voice = { call_recording = { inbound_call_recording_format = \"ogg\" } }",
            "inbound_call_recording_format",
        ),
    ];
    emu.clear_requests();
    for (body, attr) in cases {
        tf.config(&format!("provider \"telnyx\" {{}}\nresource \"telnyx_phone_number\" \"n\" {{\n  {body}\n}}\n"));
        let r = tf.plan();
        assert_eq!(r.code, 1, "{body}: {}", r.all());
        assert!(r.stderr.contains(attr), "{body}: expected {attr} named:\n{}", r.stderr);
    }
    assert!(emu.requests().is_empty(), "no API call at plan: {:?}", emu.requests());
}

#[test]
fn billing_group_lifecycle_and_number_data_sources() {
    let emu = Emulator::start();
    seed_numbers(&emu);
    // More numbers than the data source reads one by one: their voice settings come from one listing.
    emu.seed(&json!({"phone_numbers": (0..9).map(|i| json!({"phone_number": format!("+1646555{i:04}")})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    let config = |name: &str| {
        format!(
            r#"
provider "telnyx" {{}}
resource "telnyx_billing_group" "g" {{ name = "{name}" }}
resource "telnyx_ip_connection" "c" {{ connection_name = "e2e-ds-conn" }}
resource "telnyx_phone_number" "n" {{
  phone_number     = "{n0}"
  connection_id    = telnyx_ip_connection.c.id
  billing_group_id = telnyx_billing_group.g.id
  tags             = ["ds"]
}}
data "telnyx_phone_numbers" "routed" {{
  connection_id = telnyx_ip_connection.c.id
  depends_on    = [telnyx_phone_number.n]
}}
data "telnyx_phone_numbers" "by_digits" {{
  phone_number_contains = "+1312555010"
  tag                   = "ds"
  depends_on            = [telnyx_phone_number.n]
}}
data "telnyx_phone_number" "one" {{
  phone_number = "{n0}"
  depends_on   = [telnyx_phone_number.n]
}}
data "telnyx_billing_group" "by_name" {{
  name       = "{name}"
  depends_on = [telnyx_billing_group.g]
}}
data "telnyx_billing_groups" "all" {{ depends_on = [telnyx_billing_group.g] }}
data "telnyx_phone_numbers" "all" {{ depends_on = [telnyx_phone_number.n] }}
output "all_forwarding" {{
  value = length([for n in data.telnyx_phone_numbers.all.phone_numbers : n if lookup(lookup(n.voice, "call_forwarding"), "call_forwarding_enabled")])
}}
output "routed" {{ value = [for n in data.telnyx_phone_numbers.routed.phone_numbers : n.phone_number] }}
output "by_digits" {{ value = [for n in data.telnyx_phone_numbers.by_digits.phone_numbers : n.phone_number] }}
# Terraform < 1.2.7 reads nested attribute members through lookup().
output "one_forwarding" {{ value = lookup(lookup(data.telnyx_phone_number.one.voice, "call_forwarding"), "call_forwarding_enabled") }}
output "one_group" {{ value = data.telnyx_phone_number.one.billing_group_id == telnyx_billing_group.g.id }}
output "group" {{ value = data.telnyx_billing_group.by_name.id == telnyx_billing_group.g.id }}
output "groups" {{ value = length(data.telnyx_billing_groups.all.billing_groups) }}
"#,
            n0 = NUMBERS[0]
        )
    };
    tf.config(&config("e2e group"));
    tf.apply().assert_success();
    let out = tf.run(&["output", "-json"]);
    let o: Json = serde_json::from_str(&out.assert_success().stdout).unwrap();
    assert_eq!(o["routed"]["value"], json!([NUMBERS[0]]));
    assert_eq!(o["by_digits"]["value"], json!([NUMBERS[0]]));
    assert_eq!(o["one_forwarding"]["value"], true, "voice settings read by the data source");
    assert_eq!(o["all_forwarding"]["value"], 12, "voice settings of 12 numbers joined from one listing");
    assert!(emu.requests().iter().any(|(m, p, _)| m == "GET" && p == "/v2/phone_numbers/voice"), "the voice listing was used");
    assert_eq!((&o["one_group"]["value"], &o["group"]["value"], &o["groups"]["value"]), (&json!(true), &json!(true), &json!(1)));
    tf.assert_no_changes();

    // Rename in place, then import, then drift (renamed outside Terraform). Without the data
    // sources and outputs: Terraform 1.0 drops outputs on `state rm`, so an import plan would
    // show them again.
    let id = emu.objects("billing_groups")[0]["id"].as_str().unwrap().to_string();
    let plain = |name: &str| {
        let c = config(name);
        c[..c.find("data \"telnyx_phone_numbers\"").unwrap()].to_string()
    };
    tf.config(&plain("e2e group renamed"));
    let r = tf.apply();
    assert!(r.assert_success().stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    assert_eq!(emu.objects("billing_groups")[0]["id"], id.as_str());
    tf.assert_no_changes();
    tf.state_rm("telnyx_billing_group.g").assert_success();
    tf.import("telnyx_billing_group.g", &id).assert_success();
    tf.assert_no_changes();
    let (st, _) = emu.api(Method::PATCH, &format!("/billing_groups/{id}"), Some(json!({"name": "portal name"})));
    assert_eq!(st, 200);
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("\"portal name\" -> \"e2e group renamed\""), "{}", r.stdout);
    tf.apply().assert_success();
    tf.assert_no_changes();

    tf.destroy().assert_success();
    assert!(emu.objects("billing_groups").is_empty());
    assert_eq!(emu.number(NUMBERS[0])["billing_group_id"], Json::Null);
}

/// Issue 24 point 8: a number adopted with a connection, billing group, reference and tags of
/// its own is given back exactly so on destroy (before: its tags and routing were cleared for
/// good); an imported number is cleared as before.
#[test]
fn destroy_gives_a_number_back_as_it_was_found() {
    let emu = Emulator::start();
    let ids = seed_numbers(&emu);
    let (st, conn) = emu.api(Method::POST, "/fqdn_connections", Some(json!({"connection_name": "legacy-pbx"})));
    assert_eq!(st, 201);
    let legacy = conn["data"]["id"].as_str().unwrap().to_string();
    let (st, group) = emu.api(Method::POST, "/billing_groups", Some(json!({"name": "legacy"})));
    assert_eq!(st, 200, "{group}");
    let group = group["data"]["id"].as_str().unwrap().to_string();
    let as_found = json!({"connection_id": legacy, "billing_group_id": group, "customer_reference": "old ref", "tags": ["legacy", "desk"]});
    let (st, _) = emu.api(Method::PATCH, &format!("/phone_numbers/{}", ids[0]), Some(as_found));
    assert_eq!(st, 200);

    let tf = Tf::new(&emu);
    tf.config(&format!(
        r#"provider "telnyx" {{}}
resource "telnyx_fqdn_connection" "new" {{
  connection_name = "new-trunk"
}}
resource "telnyx_phone_number" "n" {{
  phone_number  = "{}"
  connection_id = telnyx_fqdn_connection.new.id
  tags          = ["managed"]
}}"#,
        NUMBERS[0]
    ));
    tf.apply().assert_success();
    let n = emu.number(NUMBERS[0]);
    assert_eq!(
        (n["tags"].clone(), n["billing_group_id"].is_null(), n["customer_reference"].is_null()),
        (json!(["managed"]), true, true),
        "{n}"
    );
    tf.assert_no_changes();
    let found = tf.state_values("telnyx_phone_number.n")["found"].clone();
    assert_eq!(found["connection_id"].as_str(), Some(legacy.as_str()), "{found}");

    tf.destroy().assert_success();
    let n = emu.number(NUMBERS[0]);
    assert_eq!(n["connection_id"].as_str(), Some(legacy.as_str()), "routed back: {n}");
    assert_eq!(n["billing_group_id"].as_str(), Some(group.as_str()), "{n}");
    assert_eq!(n["customer_reference"], "old ref", "{n}");
    let mut tags: Vec<&str> = n["tags"].as_array().unwrap().iter().filter_map(Json::as_str).collect();
    tags.sort_unstable();
    assert_eq!(tags, ["desk", "legacy"], "{n}");
    assert_eq!(emu.count("DELETE", "/v2/phone_numbers") + emu.count("POST", "/v2/phone_numbers/jobs/delete_phone_numbers"), 0);

    // Imported: the configuration declares what the number holds, and destroy clears what it
    // declared, as for any resource (`found` is null).
    tf.config(&format!(
        "provider \"telnyx\" {{}}\nresource \"telnyx_phone_number\" \"n\" {{\n  phone_number = \"{}\"\n  tags = [\"imported\"]\n}}",
        NUMBERS[0]
    ));
    tf.import("telnyx_phone_number.n", NUMBERS[0]).assert_success();
    tf.apply().assert_success();
    assert_eq!(emu.number(NUMBERS[0])["tags"], json!(["imported"]));
    assert!(tf.state_values("telnyx_phone_number.n")["found"].is_null());
    tf.destroy().assert_success();
    let n = emu.number(NUMBERS[0]);
    assert_eq!((n["connection_id"].is_null(), n["tags"].clone()), (true, json!([])), "{n}");
}

/// Adopting many numbers looks them up in the account's listing (fetched once per provider
/// process), not with one filtered request each at plan and again at apply; the numbers are
/// found as they were (a number's own tag given back at destroy).
#[test]
fn many_numbers_are_adopted_from_the_account_listing() {
    let emu = Emulator::start();
    // 300 numbers: two pages of the account's listing; 40 of them adopted.
    let e164 = |i: usize| format!("+1415555{i:04}");
    let seed: Vec<Json> = (0..300)
        .map(|i| if i == 7 { json!({"phone_number": e164(i), "tags": ["own"]}) } else { json!({"phone_number": e164(i)}) })
        .collect();
    emu.seed(&json!({"phone_numbers": seed}));
    let list: Vec<String> = (0..40).map(|i| format!("\"{}\"", e164(i))).collect();
    let tf = Tf::new(&emu);
    tf.config(&format!(
        r#"
provider "telnyx" {{}}
resource "telnyx_fqdn_connection" "main" {{ connection_name = "e2e-adopt-many" }}
resource "telnyx_phone_number" "n" {{
  for_each      = toset([{}])
  phone_number  = each.value
  connection_id = telnyx_fqdn_connection.main.id
  tags          = ["adopted"]
}}
"#,
        list.join(", ")
    ));
    emu.clear_requests();
    tf.apply().assert_success();
    let conn = tf.state_values("telnyx_fqdn_connection.main")["id"].as_str().unwrap().to_string();
    assert!((0..40).all(|i| emu.number(&e164(i))["connection_id"] == conn.as_str()));
    assert_eq!(emu.number(&e164(7))["tags"], json!(["adopted"]));
    // One PATCH per number; lookups (plan and apply: a few alone, then the listing's pages)
    // and reads of voice settings (from their listing) in a handful of requests, not 3 x 40.
    assert_eq!(emu.count("PATCH", "/v2/phone_numbers/"), 40, "{:?}", emu.requests());
    let lookups = emu.count("GET", "/v2/phone_numbers") - emu.count("GET", "/v2/phone_numbers/");
    let reads = emu.count("GET", "/v2/phone_numbers/");
    assert!(lookups <= 10 && reads <= 12, "{lookups} lookups, {reads} reads: {:?}", emu.requests());
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert!((0..40).all(|i| emu.number(&e164(i))["connection_id"].is_null()));
    assert_eq!(emu.number(&e164(7))["tags"], json!(["own"]));
    assert_eq!(emu.objects("phone_numbers").len(), 300);
}
