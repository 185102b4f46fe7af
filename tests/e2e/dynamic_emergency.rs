//! telnyx_dynamic_emergency_address and telnyx_dynamic_emergency_endpoint through the real
//! terraform binary against the emulator: `pending` → `activated` within one apply with the SIP
//! ids as outputs, replacement on any change, a pending object after an interrupted wait
//! (tainted, then untainted and waited for), a rejected address (deleted, nothing left),
//! import, data sources, plan-time validation, and the export round trip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::export::{export, import_exported, writes};
use std::io::Read as _;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::{Value as Json, json};

/// How the emulator settles dynamic E911 objects (`POST /_emulator/dynamic_emergency`).
fn settle(emu: &Emulator, settings: &Json) {
    let r = reqwest::blocking::Client::new().post(format!("{}/_emulator/dynamic_emergency", emu.url)).json(settings).send().unwrap();
    assert!(r.status().is_success(), "settings refused: {}", r.text().unwrap_or_default());
}

fn address(street: &str, extra: &str) -> String {
    format!(
        r#"
resource "telnyx_dynamic_emergency_address" "hq" {{
  house_number           = "600"
  street_pre_directional = "W"
  street_name            = "{street}"
  street_suffix          = "Ave"
  extended_address       = "Floor 3"
  locality               = "Austin"
  administrative_area    = "TX"
  postal_code            = "78701"
  country_code           = "US"
{extra}
}}
"#
    )
}

fn endpoint(caller: &str) -> String {
    format!(
        r#"
resource "telnyx_dynamic_emergency_endpoint" "desk" {{
  dynamic_emergency_address_id = telnyx_dynamic_emergency_address.hq.id
  callback_number              = "+13125550100"
  caller_name                  = "{caller}"
}}

output "sip_geolocation_id" {{ value = telnyx_dynamic_emergency_address.hq.sip_geolocation_id }}
output "sip_from_id" {{ value = telnyx_dynamic_emergency_endpoint.desk.sip_from_id }}
"#
    )
}

fn config(street: &str, extra: &str, caller: &str) -> String {
    format!("provider \"telnyx\" {{}}\n{}{}", address(street, extra), endpoint(caller))
}

/// Terraform's output as one line: diagnostics are boxed (`│ `) and wrapped.
fn flat(s: &str) -> String {
    s.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn only(emu: &Emulator, family: &str) -> Json {
    let objs = emu.objects(family);
    assert_eq!(objs.len(), 1, "{family}: {objs:?}");
    objs[0].clone()
}

fn outputs(tf: &Tf) -> Json {
    let r = tf.run(&["output", "-json", "-no-color"]);
    r.assert_success();
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn dynamic_e911_activates_in_one_apply_replaces_on_change_and_imports() {
    let emu = Emulator::start();
    // Each object answers `pending` to its first two reads: the apply must poll.
    settle(&emu, &json!({"pending_reads": 2}));
    let tf = Tf::new(&emu);
    tf.config(&config("Congress", "", "Jane Doe Desk Phone"));
    tf.apply().assert_success();
    let (addr, ep) = (only(&emu, "dynamic_emergency_addresses"), only(&emu, "dynamic_emergency_endpoints"));
    assert_eq!((addr["status"].as_str(), ep["status"].as_str()), (Some("activated"), Some("activated")));
    let (addr_id, ep_id) = (addr["id"].as_str().unwrap().to_string(), ep["id"].as_str().unwrap().to_string());
    assert!(emu.count("GET", &format!("/v2/dynamic_emergency_addresses/{addr_id}")) >= 3, "the create polled until activated");
    let out = outputs(&tf);
    assert_eq!(out["sip_geolocation_id"]["value"], addr["sip_geolocation_id"]);
    assert_eq!(out["sip_from_id"]["value"], ep["sip_from_id"]);
    let state = tf.state_values("telnyx_dynamic_emergency_endpoint.desk");
    assert_eq!((state["status"].as_str(), state["dynamic_emergency_address_id"].as_str()), (Some("activated"), Some(addr_id.as_str())));
    tf.assert_no_changes();

    // A new activation timeout changes nothing at Telnyx: an in-place update without a write.
    tf.config(&config("Congress", "  activation_timeout = \"2m\"", "Jane Doe Desk Phone"));
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
    emu.clear_requests();
    tf.apply().assert_success();
    assert!(writes(&emu).is_empty(), "{:?}", writes(&emu));
    tf.assert_no_changes();

    // A changed endpoint argument replaces the endpoint alone.
    tf.config(&config("Congress", "  activation_timeout = \"2m\"", "Front Desk"));
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(
        plan.stdout.contains("must be replaced") && plan.stdout.contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{}",
        plan.stdout
    );
    tf.apply().assert_success();
    let ep = only(&emu, "dynamic_emergency_endpoints");
    assert_ne!(ep["id"].as_str(), Some(ep_id.as_str()));
    assert_eq!((ep["caller_name"].as_str(), ep["status"].as_str()), (Some("Front Desk"), Some("activated")));
    tf.assert_no_changes();

    // A changed address replaces it and, through the reference, its endpoint (destroyed first:
    // an address in use cannot be deleted).
    tf.config(&config("Colorado", "  activation_timeout = \"2m\"", "Front Desk"));
    let plan = tf.plan();
    assert!(plan.stdout.contains("Plan: 2 to add, 0 to change, 2 to destroy."), "{}", plan.stdout);
    tf.apply().assert_success();
    let addr = only(&emu, "dynamic_emergency_addresses");
    assert_ne!(addr["id"].as_str(), Some(addr_id.as_str()));
    assert_eq!(addr["street_name"], "Colorado");
    assert_eq!(outputs(&tf)["sip_geolocation_id"]["value"], addr["sip_geolocation_id"]);
    tf.assert_no_changes();

    // Import by id: an empty plan.
    let ep_id = only(&emu, "dynamic_emergency_endpoints")["id"].as_str().unwrap().to_string();
    tf.state_rm("telnyx_dynamic_emergency_endpoint.desk").assert_success();
    tf.import("telnyx_dynamic_emergency_endpoint.desk", &ep_id).assert_success();
    // No resource change (the removed state took the output with it: that alone may differ).
    let plan = tf.plan();
    assert_ne!(plan.code, 1, "{}", plan.all());
    assert!(!plan.stdout.contains("Plan:"), "{}", plan.stdout);
    tf.apply().assert_success();
    tf.assert_no_changes();

    // The data sources: one by its SIP id, the list filtered by status.
    let lookups = r#"
data "telnyx_dynamic_emergency_address" "by_sip" { sip_geolocation_id = telnyx_dynamic_emergency_address.hq.sip_geolocation_id }
data "telnyx_dynamic_emergency_endpoints" "active" { status = "activated" }
output "found" { value = data.telnyx_dynamic_emergency_address.by_sip.id }
output "active" { value = [for e in data.telnyx_dynamic_emergency_endpoints.active.dynamic_emergency_endpoints : e.sip_from_id] }
"#;
    tf.config(&format!("{}{lookups}", config("Colorado", "  activation_timeout = \"2m\"", "Front Desk")));
    tf.apply().assert_success();
    let out = outputs(&tf);
    assert_eq!(out["found"]["value"], addr["id"]);
    assert_eq!(out["active"]["value"], json!([out["sip_from_id"]["value"]]));

    // Deleted behind Terraform's back: a create is planned.
    let (st, _) = emu.api(Method::DELETE, &format!("/dynamic_emergency_endpoints/{ep_id}"), None);
    assert_eq!(st, 200);
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn a_rejected_address_fails_and_leaves_nothing_a_pending_one_is_waited_for() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);

    // Rejected: the apply fails naming the object, which is deleted; nothing is in state, and
    // the endpoint is never attempted.
    settle(&emu, &json!({"reject": ["Nowhere"]}));
    tf.config(&config("Nowhere", "", "Desk"));
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    let all = flat(&r.all());
    assert!(all.contains("Telnyx rejected telnyx_dynamic_emergency_address"), "{}", r.all());
    assert!(all.contains("600 W Nowhere Ave"), "{}", r.all());
    assert!(all.contains("was deleted, so nothing is left behind"), "{}", r.all());
    assert_eq!(emu.object_count(), 0, "{:?}", emu.objects("dynamic_emergency_addresses"));
    assert_eq!(emu.count("DELETE", "/v2/dynamic_emergency_addresses/"), 1);
    assert_eq!(emu.count("POST", "/v2/dynamic_emergency_endpoints"), 0);
    let listed = tf.run(&["state", "list", "-no-color"]);
    assert!(listed.stdout.trim().is_empty(), "{}", listed.all());

    // Still pending when the wait ends: the apply fails, the object stays in state, tainted.
    settle(&emu, &json!({"reject": [], "pending_ms": 3_600_000}));
    tf.config(&config("Congress", "  activation_timeout = \"1s\"", "Desk"));
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(flat(&r.all()).contains("is not activated yet"), "{}", r.all());
    let addr = only(&emu, "dynamic_emergency_addresses");
    assert_eq!(addr["status"], "pending");
    let plan = tf.plan();
    assert!(plan.stdout.contains("is tainted, so must be replaced"), "{}", plan.stdout);

    // Untainted, the pending object found on refresh plans an update that waits for it.
    // (A saved plan: the apply does not refresh, so it is the update that sees it activate.)
    tf.run(&["untaint", "-no-color", "telnyx_dynamic_emergency_address.hq"]).assert_success();
    let plan = tf.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color", "-out=tfplan"]);
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(plan.stdout.contains("\"pending\" -> \"activated\""), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 1 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
    settle(&emu, &json!({"pending_ms": 0}));
    tf.run(&["apply", "-input=false", "-no-color", "tfplan"]).assert_success();
    let waited = only(&emu, "dynamic_emergency_addresses");
    assert_eq!((waited["id"].as_str(), waited["status"].as_str()), (addr["id"].as_str(), Some("activated")));
    assert_eq!(tf.state_values("telnyx_dynamic_emergency_address.hq")["sip_geolocation_id"], waited["sip_geolocation_id"]);
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// Ctrl-C during the wait for activation: the apply ends at once, and the pending object
/// is in state (tainted), not lost.
#[test]
fn interrupt_ends_the_wait_for_activation_and_keeps_the_object() {
    let emu = Emulator::start();
    settle(&emu, &json!({"pending_ms": 3_600_000}));
    let tf = Tf::new(&emu);
    tf.config(&config("Congress", "", "Desk"));
    let mut child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while emu.count("GET", "/v2/dynamic_emergency_addresses/") < 2 {
        assert!(Instant::now() < deadline, "the wait never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let interrupted = Instant::now();
    let st = Command::new("kill").args(["-INT", "--", &format!("-{}", child.id())]).status().unwrap();
    assert!(st.success());
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(interrupted.elapsed() < Duration::from_secs(60), "terraform did not exit after SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = interrupted.elapsed();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(took < Duration::from_secs(5), "the wait did not end on StopProvider: {took:?}\n{out}");
    assert!(!status.success());
    assert!(flat(&out).contains("is not activated yet"), "{out}");
    let addr = only(&emu, "dynamic_emergency_addresses");
    assert_eq!(tf.state_ids("telnyx_dynamic_emergency_address"), [addr["id"].as_str().unwrap().to_string()]);
    let plan = tf.plan();
    assert!(plan.stdout.contains("is tainted, so must be replaced"), "{}", plan.stdout);
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn invalid_dynamic_e911_input_fails_at_plan_without_an_api_call() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    for (bad, attr, why) in [
        (config("Congress", "", "Desk").replace("\"US\"", "\"GB\""), "country_code", "US"),
        (config("Congress", "", "Desk").replace("\"+13125550100\"", "\"312-555-0100\""), "callback_number", "E.164"),
        (config("Congress", "", "Desk").replace("house_number           = \"600\"", "house_number = \"\""), "house_number", "at least 1"),
        (config("Congress", "  activation_timeout = \"a while\"", "Desk"), "activation_timeout", "duration"),
        (config("Congress", "", "Desk").replace("  locality               = \"Austin\"\n", ""), "locality", "required"),
    ] {
        tf.config(&bad);
        let plan = tf.plan();
        assert_eq!(plan.code, 1, "{attr}: {}", plan.all());
        assert!(flat(&plan.all()).contains(attr) && flat(&plan.all()).contains(why), "{attr}: {}", plan.all());
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

#[test]
fn exported_dynamic_e911_imports_and_plans_empty() {
    let emu = Emulator::start();
    settle(&emu, &json!({"pending_reads": 0, "reject": ["Nowhere"]}));
    let post = |path: &str, body: Json| {
        let (st, b) = emu.api(Method::POST, path, Some(body));
        assert_eq!(st, 201, "{b}");
        let id = b["data"]["id"].as_str().unwrap().to_string();
        let (st, got) = emu.api(Method::GET, &format!("{path}/{id}"), None);
        assert_eq!((st, got["data"]["status"].as_str()), (200, Some("activated")));
        id
    };
    let hq = post(
        "/dynamic_emergency_addresses",
        json!({"house_number": "600", "street_name": "Congress", "street_suffix": "Ave", "locality": "Austin",
               "administrative_area": "TX", "postal_code": "78701", "country_code": "US"}),
    );
    let branch = post(
        "/dynamic_emergency_addresses",
        json!({"house_number": "1", "street_name": "Yonge", "extended_address": "Unit 5", "locality": "Toronto",
               "administrative_area": "ON", "postal_code": "M5E 1W7", "country_code": "CA"}),
    );
    for (addr, name, number) in
        [(&hq, "Jane Doe Desk Phone", "+13125550100"), (&hq, "Lobby", "+13125550101"), (&branch, "Front desk", "+14165550123")]
    {
        post("/dynamic_emergency_endpoints", json!({"dynamic_emergency_address_id": addr, "caller_name": name, "callback_number": number}));
    }
    // A rejected address is left out of the export.
    let (st, b) = emu.api(
        Method::POST,
        "/dynamic_emergency_addresses",
        Some(json!({"house_number": "9", "street_name": "Nowhere", "locality": "Austin", "administrative_area": "TX",
                    "postal_code": "78701", "country_code": "US"})),
    );
    assert_eq!(st, 201, "{b}");
    let (_, got) = emu.api(Method::GET, &format!("/dynamic_emergency_addresses/{}", b["data"]["id"].as_str().unwrap()), None);
    assert_eq!(got["data"]["status"], "rejected");
    emu.clear_requests();

    let tf = Tf::installed(&emu);
    let out = export(&emu, tf.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let endpoints = std::fs::read_to_string(tf.path().join("telnyx_dynamic_emergency_endpoint.tf")).unwrap();
    assert!(endpoints.contains("dynamic_emergency_address_id = telnyx_dynamic_emergency_address.location_600_congress.id"), "{endpoints}");
    assert!(endpoints.contains("\"jane_doe_desk_phone\"") && !endpoints.contains(&hq), "{endpoints}");
    let addresses = std::fs::read_to_string(tf.path().join("telnyx_dynamic_emergency_address.tf")).unwrap();
    assert!(!addresses.contains("activation_timeout") && !addresses.contains("sip_geolocation_id"), "{addresses}");
    assert!(!addresses.contains("Nowhere"), "a rejected address is not exported:\n{addresses}");
    import_exported(&tf, 5);
    let r = tf.plan();
    assert_eq!(r.code, 0, "the plan after import is not empty:\n{}", r.all());
    assert!(writes(&emu).is_empty(), "{:?}", writes(&emu));
}
