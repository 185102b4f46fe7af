//! Static E911 through the real terraform binary against the emulator: telnyx_emergency_address
//! (refused with Telnyx's suggestions, replaced on any change, never deleted while numbers use
//! it), a number's emergency settings on telnyx_phone_number (enabled and provisioned, drift
//! repaired, given back as found on destroy), plan-time validation, the data sources.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::{Value as Json, json};

const NUMBERS: [&str; 3] = ["+13125550100", "+13125550101", "+13125550102"];

/// How the emulator's E911 behaves (`POST /_emulator/emergency`).
fn emergency(emu: &Emulator, settings: &Json) {
    let url = format!("{}/_emulator/emergency", emu.base_url().trim_end_matches("/v2"));
    let r = reqwest::blocking::Client::new().post(url).json(settings).send().unwrap();
    assert!(r.status().is_success(), "emergency settings refused: {}", r.text().unwrap_or_default());
}

/// Requests other than reads (the validate action is a read).
fn writes(emu: &Emulator) -> Vec<(String, String, u16)> {
    emu.requests().into_iter().filter(|(m, p, _)| m != "GET" && !p.ends_with("/addresses/actions/validate")).collect()
}

fn config(street: &str, address_ref: &str) -> String {
    with_numbers(&address(street), address_ref)
}

fn address(street: &str) -> String {
    format!(
        r#"
resource "telnyx_emergency_address" "hq" {{
  business_name       = "Acme HQ"
  street_address      = "{street}"
  extended_address    = "14th Floor"
  locality            = "Austin"
  administrative_area = "TX"
  postal_code         = "78701"
  country_code        = "US"
  customer_reference  = "e2e-hq"

  lifecycle {{
    create_before_destroy = true
  }}
}}
"#
    )
}

fn with_numbers(address: &str, address_ref: &str) -> String {
    let numbers: String = NUMBERS
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                r#"
resource "telnyx_phone_number" "n{i}" {{
  phone_number         = "{n}"
  emergency_enabled    = true
  emergency_address_id = {address_ref}
}}
"#
            )
        })
        .collect();
    format!(
        r#"
provider "telnyx" {{}}
{address}
{numbers}
data "telnyx_emergency_addresses" "used" {{
  used_as_emergency = "true"
  depends_on        = [telnyx_phone_number.n0]
}}

output "used" {{ value = [for a in data.telnyx_emergency_addresses.used.emergency_addresses : a.street_address] }}
"#
    )
}

#[test]
fn a_mistyped_address_fails_with_the_suggestions_and_no_number_is_touched() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": NUMBERS.iter().map(|n| json!({"phone_number": n})).collect::<Vec<_>>()}));
    emergency(&emu, &json!({"reject": {"600 Congres Ave": {"street_address": "600 Congress Ave", "locality": "Austin"}}}));
    let tf = Tf::new(&emu);
    tf.config(&config("600 Congres Ave", "telnyx_emergency_address.hq.id"));
    emu.clear_requests();
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stderr.contains("Address not valid for emergency services"), "{}", r.stderr);
    assert!(r.stderr.contains(r#"Telnyx suggests `street_address = "600 Congress Ave"`"#), "{}", r.stderr);
    // At the attribute: Terraform shows its line.
    assert!(r.stderr.contains(r#"street_address      = "600 Congres Ave""#), "{}", r.stderr);
    // The one write is the refused create; no number was touched.
    assert_eq!(writes(&emu), [("POST".to_string(), "/v2/addresses".to_string(), 422)]);
    for n in NUMBERS {
        assert_eq!(emu.number(n)["emergency_enabled"], false, "{n}");
    }
    assert!(emu.objects("addresses").is_empty());
}

#[test]
fn three_numbers_get_e911_drift_is_repaired_and_destroy_gives_them_back_as_found() {
    let emu = Emulator::start();
    // The third number already has E911 at an older address when Terraform adopts it.
    let old = emu.seed(&json!({"addresses": [{"business_name": "Old office", "first_name": "", "last_name": "", "street_address": "1 Main St",
                                             "locality": "Chicago", "administrative_area": "IL", "postal_code": "60601", "country_code": "US"}]}));
    let old = old["addresses"][0].as_str().unwrap().to_string();
    let numbers: Vec<Json> = NUMBERS
        .iter()
        .map(|n| {
            if *n == NUMBERS[2] {
                json!({"phone_number": n, "emergency_enabled": true, "emergency_address_id": old, "emergency_status": "active"})
            } else {
                json!({"phone_number": n})
            }
        })
        .collect();
    emu.seed(&json!({"phone_numbers": numbers}));
    emergency(&emu, &json!({"provisioning_polls": 2}));
    let tf = Tf::new(&emu);
    tf.config(&config("600 Congress Ave", "telnyx_emergency_address.hq.id"));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("4 added, 0 changed, 0 destroyed"), "{}", r.stdout);
    let hq = tf.state_values("telnyx_emergency_address.hq");
    let hq_id = hq["id"].as_str().unwrap().to_string();
    assert_eq!((hq["validate_address"].as_bool(), hq["address_book"].as_bool(), &hq["first_name"]), (Some(true), Some(true), &Json::Null));
    for n in NUMBERS {
        let o = emu.number(n);
        assert_eq!(
            (&o["emergency_enabled"], o["emergency_address_id"].as_str(), &o["emergency_status"]),
            (&json!(true), Some(hq_id.as_str()), &json!("active")),
            "{n}"
        );
    }
    assert_eq!(tf.state_values("telnyx_phone_number.n1")["emergency_status"], "active");
    assert_eq!(tf.state_values("telnyx_phone_number.n2")["found"]["emergency_address_id"], old.as_str());
    tf.assert_no_changes();
    let out = tf.run(&["output", "-json", "used"]);
    assert_eq!(serde_json::from_str::<Json>(&out.stdout).unwrap(), json!(["600 Congress Ave"]), "{}", out.all());

    // Disabled behind Terraform's back (the portal, the bulk job): the plan enables it again.
    let (st, job) = emu.api(
        Method::POST,
        "/phone_numbers/jobs/update_emergency_settings",
        Some(json!({"phone_numbers": [NUMBERS[0]], "emergency_enabled": false})),
    );
    assert_eq!(st, 202, "{job}");
    let (_, done) = emu.api(Method::GET, &format!("/phone_numbers/jobs/{}", job["data"]["id"].as_str().unwrap()), None);
    assert_eq!(done["data"]["status"], "completed");
    assert_eq!(emu.number(NUMBERS[0])["emergency_enabled"], false);
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("telnyx_phone_number.n0 will be updated in-place") && r.stdout.contains("1 to change"), "{}", r.stdout);
    emu.clear_requests();
    tf.apply().assert_success();
    assert_eq!(emu.number(NUMBERS[0])["emergency_status"], "active");
    let enables: Vec<_> = writes(&emu).into_iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert_eq!(enables.len(), 1, "{enables:?}");
    assert!(enables[0].ends_with("/actions/enable_emergency"), "{enables:?}");
    tf.assert_no_changes();

    // An address numbers still use is never deleted: the numbers keep its id (as a literal),
    // the resource goes: the delete is refused, naming the numbers, and nothing is deleted.
    tf.config(&with_numbers("", &format!("\"{hq_id}\"")));
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains("is still in use") && r.stderr.contains(NUMBERS[0]) && r.stderr.contains("Nothing was deleted"),
        "{}",
        r.stderr
    );
    assert!(emu.objects("addresses").iter().any(|a| a["id"] == hq_id.as_str()));
    tf.config(&config("600 Congress Ave", "telnyx_emergency_address.hq.id"));
    tf.assert_no_changes();
    // Imported by id: the same state, an empty plan.
    tf.state_rm("telnyx_emergency_address.hq").assert_success();
    tf.import("telnyx_emergency_address.hq", &hq_id).assert_success();
    assert_eq!(tf.state_values("telnyx_emergency_address.hq"), hq);
    tf.assert_no_changes();

    // Destroy: every number still owned, E911 as found: off, off, on at the old address.
    emu.clear_requests();
    tf.destroy().assert_success();
    let e = |n: &str| {
        let o = emu.number(n);
        (o["emergency_enabled"].clone(), o["emergency_address_id"].clone(), o["emergency_status"].clone(), o["status"].clone())
    };
    assert_eq!(e(NUMBERS[0]), (json!(false), Json::Null, json!("disabled"), json!("active")));
    assert_eq!(e(NUMBERS[1]), (json!(false), Json::Null, json!("disabled"), json!("active")));
    assert_eq!(e(NUMBERS[2]), (json!(true), json!(old), json!("active"), json!("active")));
    assert_eq!(emu.count("DELETE", "/v2/phone_numbers"), 0);
    assert_eq!(emu.objects("addresses").iter().map(|a| a["id"].clone()).collect::<Vec<_>>(), [json!(old)]);
}

#[test]
fn invalid_emergency_input_fails_at_plan_with_no_api_call() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cases = [
        (
            r#"resource "telnyx_emergency_address" "a" {
  business_name  = "Acme"
  street_address = "600 Congress Ave"
  locality       = "Austin"
  country_code   = "USA"
}"#,
            "country_code",
        ),
        (
            r#"resource "telnyx_emergency_address" "a" {
  first_name     = "Ann"
  street_address = "600 Congress Ave"
  locality       = "Austin"
  country_code   = "US"
}"#,
            "Missing name",
        ),
        (
            r#"resource "telnyx_phone_number" "n" {
  phone_number      = "+13125550100"
  emergency_enabled = true
}"#,
            "Missing emergency address",
        ),
        (
            r#"resource "telnyx_phone_number" "n" {
  phone_number         = "+13125550100"
  emergency_enabled    = false
  emergency_address_id = "123"
}"#,
            "Conflicting emergency settings",
        ),
        (
            r#"resource "telnyx_phone_number" "n" {
  phone_number         = "+13125550100"
  emergency_address_id = "a-uuid-is-no-address"
}"#,
            "numeric id of an address",
        ),
    ];
    for (body, want) in cases {
        tf.config(&format!("provider \"telnyx\" {{}}\n{body}\n"));
        emu.clear_requests();
        let r = tf.plan();
        assert_eq!(r.code, 1, "{body}\n{}", r.all());
        assert!(r.stderr.contains(want), "{want:?} missing:\n{}", r.stderr);
        assert!(emu.requests().is_empty(), "{body}: {:?}", emu.requests());
    }
}

#[test]
fn the_validation_data_source_reports_suggestions() {
    let emu = Emulator::start();
    emergency(&emu, &json!({"reject": {"600 congres ave": {"street_address": "600 Congress Ave"}}}));
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
data "telnyx_emergency_address_validation" "v" {
  street_address      = "600 Congres Ave"
  locality            = "Austin"
  administrative_area = "TX"
  postal_code         = "78701"
  country_code        = "US"
}
output "v" { value = data.telnyx_emergency_address_validation.v }
"#,
    );
    tf.apply().assert_success();
    let out: Json = serde_json::from_str(&tf.run(&["output", "-json", "v"]).stdout).unwrap();
    assert_eq!(out["result"], "invalid");
    assert_eq!(out["suggested"]["street_address"], "600 Congress Ave");
    assert_eq!(out["errors"][0]["pointer"], "/street_address");
    assert_eq!(emu.count("POST", "/v2/addresses/actions/validate"), 1);
    assert!(emu.objects("addresses").is_empty());
}

/// A `check` block (Terraform >= 1.5) with the validation data source: the plan warns with
/// Telnyx's suggestion before anything is created.
#[test]
fn newer_only_a_check_block_warns_about_an_address_before_it_is_created() {
    crate::support::require_terraform(1, 5);
    let emu = Emulator::start();
    emergency(&emu, &json!({"reject": {"600 congres ave": {"street_address": "600 Congress Ave"}}}));
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
check "hq_address" {
  data "telnyx_emergency_address_validation" "hq" {
    street_address = "600 Congres Ave"
    postal_code    = "78701"
    country_code   = "US"
    administrative_area = "TX"
  }
  assert {
    condition     = data.telnyx_emergency_address_validation.hq.result == "valid"
    error_message = "Telnyx suggests: ${data.telnyx_emergency_address_validation.hq.suggested.street_address}"
  }
}
"#,
    );
    let r = tf.plan();
    assert!(r.all().contains("Telnyx suggests: 600 Congress Ave"), "{}", r.all());
    assert!(writes(&emu).is_empty());
}

/// Export writes the addresses and each number's emergency settings, the address as a
/// reference; importing the result plans no change, with no write request.
#[test]
fn export_writes_addresses_and_numbers_emergency_settings_and_imports_to_an_empty_plan() {
    use crate::export::{export, import_exported};
    let emu = Emulator::start();
    emergency(&emu, &json!({"provisioning_polls": 0}));
    let ids = emu.seed(&json!({"phone_numbers": NUMBERS.iter().map(|n| json!({"phone_number": n})).collect::<Vec<_>>()}));
    let ids: Vec<&str> = ids["phone_numbers"].as_array().unwrap().iter().map(|i| i.as_str().unwrap()).collect();
    let mut addresses = Vec::new();
    for (street, names) in [
        ("600 Congress Ave", json!({"business_name": "Acme HQ", "first_name": "", "last_name": ""})),
        ("1 Main St", json!({"first_name": "Ann", "last_name": "Lee", "business_name": "", "customer_reference": "home office"})),
    ] {
        let mut body = json!({"street_address": street, "locality": "Austin", "administrative_area": "TX", "postal_code": "78701", "country_code": "US"});
        for (k, v) in names.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (st, b) = emu.api(Method::POST, "/addresses", Some(body));
        assert_eq!(st, 200, "{b}");
        addresses.push(b["data"]["id"].as_str().unwrap().to_string());
    }
    for (id, address) in [(ids[0], &addresses[0]), (ids[1], &addresses[1])] {
        let (st, b) = emu.api(
            Method::POST,
            &format!("/phone_numbers/{id}/actions/enable_emergency"),
            Some(json!({"emergency_enabled": true, "emergency_address_id": address})),
        );
        assert_eq!(st, 202, "{b}");
    }
    // Provisioning ends at the next read of the numbers.
    let (_, listed) = emu.api(Method::GET, "/phone_numbers", None);
    assert!(listed["data"].as_array().unwrap().iter().all(|n| n["emergency_status"] != "provisioning"), "{listed}");
    assert_eq!(emu.number(NUMBERS[1])["emergency_status"], "active");
    emu.clear_requests();

    let tf = Tf::installed(&emu);
    let out = export(&emu, tf.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = |f: &str| std::fs::read_to_string(tf.path().join(f)).unwrap();
    let addrs = read("telnyx_emergency_address.tf");
    assert_eq!(addrs.matches("resource \"telnyx_emergency_address\"").count(), 2, "{addrs}");
    assert!(!addrs.contains("validate_address") && !addrs.contains("address_book"), "defaults left out:\n{addrs}");
    assert!(addrs.contains("business_name") && !addrs.contains("first_name          = \"\""), "{addrs}");
    let numbers = read("telnyx_phone_number.tf");
    assert_eq!(numbers.matches("emergency_address_id = telnyx_emergency_address.").count(), 2, "{numbers}");
    assert_eq!(numbers.matches("emergency_enabled").count(), 2, "E911 off is the default, left out:\n{numbers}");
    import_exported(&tf, 5);
    let r = tf.plan();
    assert_eq!(r.code, 0, "the plan after import is not empty:\n{}", r.all());
    assert!(writes(&emu).is_empty(), "write requests during the round trip: {:?}", writes(&emu));
}

/// The SIP-trunk module with an emergency address of its own: every number of the trunk routed
/// with E911 at it; an empty plan; destroy leaves the numbers owned, unrouted, E911 off.
#[test]
fn the_sip_trunk_module_enables_e911_on_its_numbers() {
    use crate::support::{copy_files, workspace_root};
    let emu = Emulator::start_with(&["--seed", workspace_root().join("examples/emulator-seed.json").to_str().unwrap()]);
    let tf = Tf::installed(&emu);
    copy_files(&workspace_root().join("examples/modules/sip_trunk"), &tf.path().join("modules/sip_trunk"));
    tf.config(
        r#"
provider "telnyx" {}

module "hq" {
  source        = "./modules/sip_trunk"
  name          = "hq-e911"
  kind          = "fqdn"
  fqdns         = { "sbc.example.com" = 5060 }
  phone_numbers = ["+13125550100", "+13125550101"]
  emergency_address = {
    business_name       = "Example Corp"
    street_address      = "600 Congress Avenue"
    locality            = "Austin"
    administrative_area = "TX"
    postal_code         = "78701"
    country_code        = "US"
  }
}

output "hq" { value = module.hq }
"#,
    );
    // As users do: `terraform init` installs the module and the provider from the mirror.
    tf.init();
    tf.apply().assert_success();
    let address = emu.objects("addresses")[0]["id"].clone();
    let conn = emu.objects("fqdn_connections")[0]["id"].clone();
    for n in ["+13125550100", "+13125550101"] {
        let o = emu.number(n);
        assert_eq!((&o["connection_id"], &o["emergency_address_id"], &o["emergency_status"]), (&conn, &address, &json!("active")), "{n}");
    }
    let out: Json = serde_json::from_str(&tf.run(&["output", "-json", "hq"]).stdout).unwrap();
    assert_eq!(out["emergency_address_id"], address);
    assert_eq!(out["phone_numbers"], json!(["+13125550100", "+13125550101"]));
    tf.assert_no_changes();
    tf.destroy().assert_success();
    for n in ["+13125550100", "+13125550101"] {
        let o = emu.number(n);
        assert_eq!((&o["connection_id"], &o["emergency_enabled"], &o["status"]), (&Json::Null, &json!(false), &json!("active")), "{n}");
    }
    assert!(emu.objects("addresses").is_empty() && emu.objects("fqdn_connections").is_empty());
}

/// A number whose provisioning fails fails the apply, naming it; the next plan enables it
/// again. A changed address is replaced before the old one goes (create_before_destroy): the
/// numbers move to the new address, then the old one is deleted.
#[test]
fn provisioning_failed_names_the_number_and_a_changed_address_moves_the_numbers_first() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": NUMBERS.iter().map(|n| json!({"phone_number": n})).collect::<Vec<_>>()}));
    emergency(&emu, &json!({"fail": [NUMBERS[1]]}));
    let tf = Tf::new(&emu);
    tf.config(&config("600 Congress Ave", "telnyx_emergency_address.hq.id"));
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stderr.contains(&format!("Emergency services could not be enabled on {}", NUMBERS[1])), "{}", r.stderr);
    assert!(r.stderr.contains("provisioning-failed"), "{}", r.stderr);
    assert_eq!(emu.number(NUMBERS[0])["emergency_status"], "active");
    // Fixed at Telnyx: the next apply enables it again (the failed create is tainted and replaced).
    emergency(&emu, &json!({"fail": []}));
    tf.apply().assert_success();
    assert_eq!(emu.number(NUMBERS[1])["emergency_status"], "active");
    tf.assert_no_changes();

    let old = tf.state_values("telnyx_emergency_address.hq")["id"].as_str().unwrap().to_string();
    tf.config(&config("601 Congress Ave", "telnyx_emergency_address.hq.id"));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("1 added, 3 changed, 1 destroyed"), "{}", r.stdout);
    let new = tf.state_values("telnyx_emergency_address.hq")["id"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    for n in NUMBERS {
        assert_eq!(
            (emu.number(n)["emergency_address_id"].as_str(), emu.number(n)["emergency_status"].as_str()),
            (Some(new.as_str()), Some("active")),
            "{n}"
        );
    }
    assert_eq!(emu.objects("addresses").iter().map(|a| a["id"].as_str().unwrap().to_string()).collect::<Vec<_>>(), [new]);
    tf.assert_no_changes();
    tf.destroy().assert_success();
}
