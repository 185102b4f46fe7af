//! telnyx_phone_numbers_routing through the real terraform binary against the emulator: many
//! owned numbers routed to one connection by bulk jobs (one job per change), refreshed from the
//! connection's listing, drift planned back, per-number job failures named and finished by the
//! next apply, a number not owned refused before any write, import by connection id and by
//! numbers, destroy that gives every number back as found and never releases one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::{Value as Json, json};

fn e164(i: usize) -> String {
    format!("+1312555{i:04}")
}

fn config(numbers: &[String], extra: &str) -> String {
    let list: Vec<String> = numbers.iter().map(|n| format!("\"{n}\"")).collect();
    format!(
        r#"
provider "telnyx" {{}}

resource "telnyx_fqdn_connection" "trunk" {{ connection_name = "e2e-routing" }}
resource "telnyx_billing_group" "ops" {{ name = "e2e routing ops" }}

resource "telnyx_phone_numbers_routing" "trunk" {{
  phone_numbers    = [{}]
  connection_id    = telnyx_fqdn_connection.trunk.id
  billing_group_id = telnyx_billing_group.ops.id
  tags             = ["trunk"]
  {extra}
}}
"#,
        list.join(", ")
    )
}

/// POSTs of the job endpoint, and any request that would release a number.
fn job_posts(emu: &Emulator) -> usize {
    emu.count("POST", "/v2/phone_numbers/jobs/update_phone_numbers")
}

fn no_release(emu: &Emulator) {
    let released: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|(m, p, _)| (m == "DELETE" && p.starts_with("/v2/phone_numbers")) || p.contains("delete_phone_numbers"))
        .collect();
    assert!(released.is_empty(), "a release was sent: {released:?}");
}

#[test]
fn many_numbers_are_routed_by_jobs_kept_in_step_and_given_back_as_found() {
    let emu = Emulator::start();
    // 40 numbers; +13125550000 carries a tag of its own, which it keeps throughout.
    let seed: Vec<Json> = (0..40)
        .map(|i| if i == 0 { json!({"phone_number": e164(i), "tags": ["legacy"]}) } else { json!({"phone_number": e164(i)}) })
        .collect();
    emu.seed(&json!({"phone_numbers": seed}));
    let tf = Tf::new(&emu);
    let first: Vec<String> = (0..30).map(e164).collect();

    // 30 numbers: one job, and one more for the number whose own tag it keeps (a job's tags
    // replace a number's: Unknown 12, decided so in the emulator).
    tf.config(&config(&first, ""));
    emu.clear_requests();
    tf.apply().assert_success();
    assert_eq!(job_posts(&emu), 2, "{:?}", emu.requests());
    let conn = tf.state_values("telnyx_fqdn_connection.trunk")["id"].as_str().unwrap().to_string();
    let group = tf.state_values("telnyx_billing_group.ops")["id"].as_str().unwrap().to_string();
    for n in &first {
        let o = emu.number(n);
        assert_eq!((o["connection_id"].as_str(), o["billing_group_id"].as_str()), (Some(conn.as_str()), Some(group.as_str())), "{n}");
    }
    assert_eq!(emu.number(&e164(0))["tags"], json!(["legacy", "trunk"]));
    assert_eq!(emu.number(&e164(1))["tags"], json!(["trunk"]));
    // The refresh reads the connection's numbers from its listing, not one request per number.
    emu.clear_requests();
    tf.assert_no_changes();
    let reads = emu.count("GET", "/v2/phone_numbers");
    assert!(reads <= 4, "{reads} reads of numbers: {:?}", emu.requests());

    // Add 5, remove 5: one job each way; the removed are unrouted and bare again.
    let second: Vec<String> = std::iter::once(0).chain(6..35).map(e164).collect();
    tf.config(&config(&second, ""));
    emu.clear_requests();
    tf.apply().assert_success();
    assert_eq!(job_posts(&emu), 2, "{:?}", emu.requests());
    tf.assert_no_changes();
    let gone = emu.number(&e164(1));
    assert_eq!((gone["connection_id"].as_str(), gone["billing_group_id"].as_str(), gone["tags"].clone()), (None, None, json!([])));
    assert!(emu.number(&e164(5))["connection_id"].is_null());
    assert_eq!(emu.number(&e164(34))["connection_id"], conn.as_str());

    // A number moved out of band shows in the plan and is routed back.
    let moved = emu.number(&e164(10));
    let (status, _) =
        emu.api(Method::PATCH, &format!("/phone_numbers/{}", moved["id"].as_str().unwrap()), Some(json!({"connection_id": ""})));
    assert_eq!(status, 200);
    let plan = tf.plan();
    assert!(plan.stdout.contains("1 to change") && plan.stdout.contains(&e164(10)), "{}", plan.all());
    tf.apply().assert_success();
    assert_eq!(emu.number(&e164(10))["connection_id"], conn.as_str());
    tf.assert_no_changes();

    // A job in which 3 numbers fail: those are named, the rest are in state, and the next
    // apply sends only the three.
    let third: Vec<String> = std::iter::once(0).chain(6..40).map(e164).collect();
    let failing = [e164(36), e164(37), e164(38)];
    emu.jobs(
        &json!({"fail": {failing[0].clone(): "HD voice is not available", failing[1].clone(): "HD voice is not available", failing[2].clone(): "HD voice is not available"}}),
    );
    tf.config(&config(&third, ""));
    let r = tf.apply();
    assert_ne!(r.code, 0, "{}", r.all());
    for n in &failing {
        assert!(r.all().contains(&format!("Could not route {n}")), "{}", r.all());
    }
    let held: Vec<String> = tf.state_values("telnyx_phone_numbers_routing.trunk")["phone_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(held.contains(&e164(35)) && held.contains(&e164(39)) && !held.iter().any(|n| failing.contains(n)), "{held:?}");
    emu.jobs(&json!({"fail": {}}));
    emu.clear_requests();
    tf.apply().assert_success();
    let sent: Vec<_> = emu.requests().into_iter().filter(|(m, p, _)| m == "POST" && p.contains("/jobs/")).collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(emu.number(&e164(37))["connection_id"], conn.as_str());
    tf.assert_no_changes();

    // Import by connection id, then by numbers: both plan clean.
    tf.state_rm("telnyx_phone_numbers_routing.trunk").assert_success();
    tf.import("telnyx_phone_numbers_routing.trunk", &conn).assert_success();
    tf.assert_no_changes();
    tf.state_rm("telnyx_phone_numbers_routing.trunk").assert_success();
    let by_numbers: Vec<String> = std::iter::once(0).chain(6..40).map(e164).collect();
    tf.import("telnyx_phone_numbers_routing.trunk", &by_numbers.join(",")).assert_success();
    tf.assert_no_changes();

    // Destroy: every number still owned, unrouted, its own tags kept; nothing released.
    tf.destroy().assert_success();
    let numbers = emu.objects("phone_numbers");
    assert_eq!(numbers.len(), 40);
    assert!(numbers.iter().all(|o| o["connection_id"].is_null() && o["billing_group_id"].is_null()), "{numbers:?}");
    assert!(numbers.iter().all(|o| o["tags"] == json!([]) || o["phone_number"] == e164(0)), "{numbers:?}");
    assert_eq!(emu.number(&e164(0))["tags"], json!(["legacy"]), "its own tag survives import and destroy");
    no_release(&emu);
}

/// Numbers moved out of band to another connection (one with new tags too) and routed back
/// are given back at destroy as they were first found, not to where they were moved.
#[test]
fn a_number_routed_back_after_drift_is_given_back_as_first_found() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": [{"phone_number": e164(0)}, {"phone_number": e164(1), "tags": ["legacy"]}]}));
    let tf = Tf::new(&emu);
    tf.config(&config(&[e164(0), e164(1)], ""));
    tf.apply().assert_success();
    let conn = tf.state_values("telnyx_fqdn_connection.trunk")["id"].as_str().unwrap().to_string();
    let (s, other) = emu.api(Method::POST, "/fqdn_connections", Some(json!({"connection_name": "elsewhere"})));
    assert_eq!(s, 201, "{other}");
    let other = other["data"]["id"].as_str().unwrap().to_string();
    for (i, tags) in [(0, json!(["moved"])), (1, json!(["legacy", "moved"]))] {
        let id = emu.number(&e164(i))["id"].as_str().unwrap().to_string();
        let (s, b) = emu.api(Method::PATCH, &format!("/phone_numbers/{id}"), Some(json!({"connection_id": other, "tags": tags})));
        assert_eq!(s, 200, "{b}");
    }
    let plan = tf.plan();
    assert!(plan.stdout.contains("1 to change") && plan.stdout.contains(&e164(0)) && plan.stdout.contains(&e164(1)), "{}", plan.all());
    tf.apply().assert_success();
    assert_eq!(emu.number(&e164(0))["connection_id"], conn.as_str());
    assert_eq!(emu.number(&e164(1))["connection_id"], conn.as_str());
    tf.assert_no_changes();

    tf.destroy().assert_success();
    let (a, b) = (emu.number(&e164(0)), emu.number(&e164(1)));
    assert_eq!((a["connection_id"].as_str(), a["tags"].clone()), (None, json!([])), "given back unrouted, as first found: {a}");
    assert_eq!((b["connection_id"].as_str(), b["tags"].clone()), (None, json!(["legacy"])), "its own tag, as first found: {b}");
    no_release(&emu);
}

#[test]
fn a_number_the_account_does_not_own_is_refused_before_any_write() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": [{"phone_number": e164(1)}]}));
    let tf = Tf::new(&emu);
    tf.config(&config(&[e164(1), "+13125559999".to_string()], ""));
    let r = tf.apply();
    assert_ne!(r.code, 0);
    assert!(r.all().contains("does not own +13125559999"), "{}", r.all());
    assert_eq!(job_posts(&emu), 0);
    assert!(emu.number(&e164(1))["connection_id"].is_null());
    tf.destroy().assert_success();
    no_release(&emu);
}

#[test]
fn invalid_numbers_fail_at_plan_without_api_calls() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(&config(&["3125550100".to_string()], r#"job_timeout = "soon""#));
    let r = tf.plan();
    assert_ne!(r.code, 0);
    assert!(r.all().contains("phone_numbers") && r.all().contains("E.164"), "{}", r.all());
    assert!(r.all().contains("job_timeout"), "{}", r.all());
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

#[test]
fn data_sources_read_the_routings_of_the_account() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": (0..4).map(|i| json!({"phone_number": e164(i)})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    let routed: Vec<String> = (0..3).map(e164).collect();
    let data = r#"
  }

data "telnyx_phone_numbers_routing" "trunk" {
  connection_id = telnyx_phone_numbers_routing.trunk.connection_id
  depends_on    = [telnyx_phone_numbers_routing.trunk]
}

data "telnyx_phone_numbers_routings" "all" {
  depends_on = [telnyx_phone_numbers_routing.trunk]
}

output "routed" {
  value = sort(data.telnyx_phone_numbers_routing.trunk.phone_numbers)
}

output "per_connection" {
  value = { for r in data.telnyx_phone_numbers_routings.all.routings : r.connection_id => length(r.phone_numbers) }
}

output "shared_group" {
  value = data.telnyx_phone_numbers_routing.trunk.billing_group_id
"#;
    // The extra text closes the resource block early and opens the outputs (config() appends "}").
    tf.config(&config(&routed, data));
    tf.apply().assert_success();
    let out: Json = serde_json::from_str(&tf.run(&["output", "-json"]).assert_success().stdout).unwrap();
    assert_eq!(out["routed"]["value"], json!(routed));
    let conn = tf.state_values("telnyx_fqdn_connection.trunk")["id"].as_str().unwrap().to_string();
    assert_eq!(out["per_connection"]["value"], json!({conn: 3}));
    assert_eq!(out["shared_group"]["value"], tf.state_values("telnyx_billing_group.ops")["id"]);
    tf.destroy().assert_success();
}

#[test]
fn a_job_that_outlasts_job_timeout_loses_nothing_and_the_next_apply_finishes() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": (0..5).map(|i| json!({"phone_number": e164(i)})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    let numbers: Vec<String> = (0..5).map(e164).collect();
    emu.jobs(&json!({"duration_ms": 600_000}));
    tf.config(&config(&numbers, r#"job_timeout = "2s""#));
    // A create that did not finish warns (an error would taint the resource, and its
    // replacement would unroute what the jobs did change) and records every number; the
    // refresh before the next plan drops those the job has not changed yet.
    let r = tf.apply();
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.all().contains("Jobs did not end") && r.all().contains("job_timeout"), "{}", r.all());
    emu.jobs(&json!({"duration_ms": 0}));
    let plan = tf.plan();
    assert!(plan.stdout.contains("1 to change") && !plan.stdout.contains("replace"), "{}", plan.all());
    tf.apply().assert_success();
    tf.assert_no_changes();
    assert!(numbers.iter().all(|n| !emu.number(n)["connection_id"].is_null()));
    tf.destroy().assert_success();
    no_release(&emu);
}

#[test]
fn a_thousand_numbers_take_a_handful_of_requests_and_plan_clean() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": (0..1000).map(|i| json!({"phone_number": e164(i)})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    let all: Vec<String> = (0..1000).map(e164).collect();
    tf.config(&config(&all, ""));
    emu.clear_requests();
    tf.apply().assert_success();
    let log = emu.requests();
    let polls = log.iter().filter(|(m, p, _)| m == "GET" && p.starts_with("/v2/phone_numbers/jobs/")).count();
    // The connection and the group, 4 pages of the account's numbers, one job; then job polls.
    assert!(log.len() - polls <= 10, "{} requests besides {polls} job polls: {log:?}", log.len() - polls);
    assert_eq!(job_posts(&emu), 1);
    let conn = tf.state_values("telnyx_fqdn_connection.trunk")["id"].as_str().unwrap().to_string();
    assert!(emu.objects("phone_numbers").iter().all(|o| o["connection_id"] == conn.as_str()));
    emu.clear_requests();
    tf.assert_no_changes();
    let reads = emu.count("GET", "/v2/phone_numbers");
    assert!(reads <= 8, "{reads} reads of numbers for a refresh: {:?}", emu.requests());
    tf.destroy().assert_success();
    assert!(emu.objects("phone_numbers").iter().all(|o| o["connection_id"].is_null()));
    assert_eq!(emu.objects("phone_numbers").len(), 1000);
    no_release(&emu);
}

/// Ctrl-C while a job runs, on create and on update: terraform exits at once, every number
/// of the interrupted job is recorded, the job finishes at Telnyx on its own, and the next plan
/// is empty — no number lost, no job sent twice; destroy gives them all back.
#[test]
fn ctrl_c_mid_job_loses_nothing_and_sends_nothing_twice() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": (0..15).map(|i| json!({"phone_number": e164(i)})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    let job_runs = std::time::Duration::from_secs(4);
    emu.jobs(&json!({"duration_ms": job_runs.as_millis() as u64}));
    for (step, count) in [("create", 10), ("update", 15)] {
        let numbers: Vec<String> = (0..count).map(e164).collect();
        tf.config(&config(&numbers, ""));
        let before = job_posts(&emu);
        let child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while job_posts(&emu) == before {
            assert!(std::time::Instant::now() < deadline, "{step}: the job was never sent");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let sent = std::time::Instant::now();
        let (took, status, out) = crate::faults::interrupt(child);
        assert!(took < std::time::Duration::from_secs(3), "{step}: the job wait did not end on Ctrl-C: {took:?}\n{out}");
        assert!(!status.success(), "{step}: {out}");
        assert!(out.contains("Jobs did not end"), "{step}: {out}");
        let recorded = tf.state_values("telnyx_phone_numbers_routing.trunk")["phone_numbers"].as_array().unwrap().len();
        assert_eq!(recorded, count, "{step}: every number of the interrupted job is in state");
        // The job ends at Telnyx on its own; the refresh then finds every number in place.
        std::thread::sleep(job_runs.saturating_sub(sent.elapsed()) + std::time::Duration::from_millis(200));
        tf.assert_no_changes();
        assert_eq!(job_posts(&emu), before + 1, "{step}: one job, never sent again");
        let conn = tf.state_values("telnyx_fqdn_connection.trunk")["id"].as_str().unwrap().to_string();
        assert!(numbers.iter().all(|n| emu.number(n)["connection_id"] == conn.as_str()), "{step}");
    }
    emu.jobs(&json!({"duration_ms": 0}));
    tf.destroy().assert_success();
    assert!(emu.objects("phone_numbers").iter().all(|o| o["connection_id"].is_null()));
    assert_eq!(emu.objects("phone_numbers").len(), 15);
    no_release(&emu);
}

/// A number both a `telnyx_phone_number` and this resource manage (a documented mistake) fails
/// the plan, naming the number, before anything is sent; a number in one place plans clean.
#[test]
fn a_number_managed_by_both_resources_fails_the_plan() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": (0..3).map(|i| json!({"phone_number": e164(i)})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    let numbers: Vec<String> = (0..3).map(e164).collect();
    let single = |n: &str| {
        format!(
            "resource \"telnyx_phone_number\" \"one\" {{\n  phone_number  = \"{n}\"\n  connection_id = telnyx_fqdn_connection.trunk.id\n}}\n"
        )
    };
    tf.config(&format!("{}{}", config(&numbers, ""), single(&numbers[2])));
    emu.clear_requests();
    let r = tf.plan();
    assert_ne!(r.code, 0, "{}", r.all());
    assert!(r.all().contains("Phone number managed twice") && r.all().contains(&numbers[2]), "{}", r.all());
    let writes: Vec<_> = emu.requests().into_iter().filter(|(m, _, _)| m != "GET").collect();
    assert!(writes.is_empty(), "{writes:?}");
    // Routed in one place only: fine.
    tf.config(&format!("{}{}", config(&numbers[..2], ""), single(&numbers[2])));
    tf.apply().assert_success();
    tf.assert_no_changes();
    tf.destroy().assert_success();
    no_release(&emu);
}

/// `export --group-numbers`: numbers that share their routing (and set nothing else) become one
/// `telnyx_phone_numbers_routing` per group, referencing their connection and billing group;
/// a number with settings of its own, a lone one and an unrouted one stay `telnyx_phone_number`.
/// Installed through `terraform init` from the mirror and imported as the README says: the
/// plan after import is empty, with no write request.
#[test]
fn export_group_numbers_writes_routings_that_import_and_plan_empty() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": (0..13).map(|i| json!({"phone_number": e164(i)})).collect::<Vec<_>>()}));
    let (_, conn) = emu.api(Method::POST, "/v2/fqdn_connections", Some(json!({"connection_name": "Main SBC"})));
    let conn = conn["data"]["id"].as_str().unwrap().to_string();
    let (_, other) = emu.api(Method::POST, "/v2/fqdn_connections", Some(json!({"connection_name": "Backup SBC"})));
    let other = other["data"]["id"].as_str().unwrap().to_string();
    let (_, group) = emu.api(Method::POST, "/v2/billing_groups", Some(json!({"name": "Ops"})));
    let group = group["data"]["id"].as_str().unwrap().to_string();
    for i in 0..13 {
        let body = match i {
            0..=7 => json!({"connection_id": conn, "billing_group_id": group, "tags": ["trunk"], "customer_reference": "hq"}),
            8..=10 => json!({"connection_id": conn}),
            11 => json!({"connection_id": other}),
            _ => continue,
        };
        let id = emu.number(&e164(i))["id"].as_str().unwrap().to_string();
        let (status, _) = emu.api(Method::PATCH, &format!("/v2/phone_numbers/{id}"), Some(body));
        assert_eq!(status, 200);
        if i == 10 {
            let voice =
                json!({"call_forwarding": {"call_forwarding_enabled": true, "forwards_to": "+13125559999", "forwarding_type": "always"}});
            assert_eq!(emu.api(Method::PATCH, &format!("/v2/phone_numbers/{id}/voice"), Some(voice)).0, 200);
        }
    }
    emu.clear_requests();
    let tf = Tf::installed(&emu);
    let out = crate::export::export(&emu, tf.path(), &["--group-numbers"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // 2 connections, 1 billing group, 2 routings (8 and 2 numbers), 3 single numbers.
    assert!(stderr.contains("wrote 8 objects"), "{stderr}");
    let routing = std::fs::read_to_string(tf.path().join("telnyx_phone_numbers_routing.tf")).unwrap();
    assert_eq!(routing.matches("resource \"telnyx_phone_numbers_routing\"").count(), 2, "{routing}");
    assert!(routing.contains("resource \"telnyx_phone_numbers_routing\" \"main_sbc\""), "{routing}");
    assert!(routing.contains("connection_id      = telnyx_fqdn_connection.main_sbc.id"), "{routing}");
    assert!(routing.contains("billing_group_id   = telnyx_billing_group.ops.id"), "{routing}");
    assert!(!routing.contains(&conn) && !routing.contains(&group), "literal ids: {routing}");
    let single = std::fs::read_to_string(tf.path().join("telnyx_phone_number.tf")).unwrap();
    for i in [10, 11, 12] {
        assert!(single.contains(&e164(i)), "{} is a telnyx_phone_number:\n{single}", e164(i));
    }
    assert_eq!(single.matches("resource \"telnyx_phone_number\"").count(), 3, "{single}");
    crate::export::import_exported(&tf, 8);
    tf.assert_no_changes();
    assert!(crate::export::writes(&emu).is_empty(), "{:?}", crate::export::writes(&emu));
    assert_eq!(tf.state_ids("telnyx_phone_numbers_routing").len(), 2);
}

fn voice_of(emu: &Emulator, n: &str) -> Json {
    let id = emu.number(n)["id"].as_str().unwrap().to_string();
    let (status, v) = emu.api(Method::GET, &format!("/phone_numbers/{id}/voice"), None);
    assert_eq!(status, 200, "{v}");
    v["data"].clone()
}

const VOICE: &str = r#"voice = {
    usage_payment_method = "channel"
    call_forwarding      = { forwards_to = "+13125559999", forwarding_type = "always" }
  }"#;

/// Voice settings on 20 numbers: one job, read from the voice listing (one request), a setting
/// changed out of band planned back, and destroy gives each number the voice settings it had.
#[test]
fn voice_settings_are_sent_in_the_job_kept_in_step_and_given_back_as_found() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": (0..20).map(|i| json!({"phone_number": e164(i)})).collect::<Vec<_>>()}));
    // +13125550000 forwards calls of its own before the resource takes it.
    let own = json!({"call_forwarding_enabled": true, "forwards_to": "+13125558888", "forwarding_type": "on-failure"});
    let id0 = emu.number(&e164(0))["id"].as_str().unwrap().to_string();
    let (status, _) = emu.api(Method::PATCH, &format!("/phone_numbers/{id0}/voice"), Some(json!({"call_forwarding": own})));
    assert_eq!(status, 200);
    let tf = Tf::new(&emu);
    let numbers: Vec<String> = (0..20).map(e164).collect();
    tf.config(&config(&numbers, VOICE));
    emu.clear_requests();
    tf.apply().assert_success();
    assert_eq!(job_posts(&emu), 1, "{:?}", emu.requests());
    for n in &numbers {
        let v = voice_of(&emu, n);
        assert_eq!(
            (v["usage_payment_method"].as_str(), v["call_forwarding"]["forwards_to"].as_str()),
            (Some("channel"), Some("+13125559999")),
            "{n}"
        );
    }
    emu.clear_requests();
    tf.assert_no_changes();
    assert_eq!(emu.count("GET", "/v2/phone_numbers/voice"), 1, "{:?}", emu.requests());

    // Changed out of band: the plan shows the number, the apply gives it the setting again.
    let id5 = emu.number(&e164(5))["id"].as_str().unwrap().to_string();
    let (status, _) =
        emu.api(Method::PATCH, &format!("/phone_numbers/{id5}/voice"), Some(json!({"usage_payment_method": "pay-per-minute"})));
    assert_eq!(status, 200);
    let plan = tf.plan();
    assert!(plan.stdout.contains("1 to change") && plan.stdout.contains(&e164(5)), "{}", plan.all());
    emu.clear_requests();
    tf.apply().assert_success();
    assert_eq!(job_posts(&emu), 1, "{:?}", emu.requests());
    assert_eq!(voice_of(&emu, &e164(5))["usage_payment_method"], "channel");
    tf.assert_no_changes();

    // Destroy: each number's voice settings as found, for the members the resource set.
    tf.destroy().assert_success();
    let v0 = voice_of(&emu, &e164(0));
    assert_eq!((&v0["usage_payment_method"], &v0["call_forwarding"]), (&json!("pay-per-minute"), &own));
    for n in &numbers[1..] {
        let v = voice_of(&emu, n);
        assert_eq!(v["usage_payment_method"], "pay-per-minute", "{n}");
        assert_ne!(v["call_forwarding"]["forwards_to"], "+13125559999", "{n}: {v}");
    }
    no_release(&emu);
}

/// Emergency services on 10 numbers: one `update_emergency_settings` job, an empty plan, a
/// number disabled out of band planned back, and destroy gives E911 back as found (disabled).
#[test]
fn emergency_settings_are_one_job_kept_in_step_and_given_back_as_found() {
    let emu = Emulator::start();
    emu.seed(&json!({"phone_numbers": (0..10).map(|i| json!({"phone_number": e164(i)})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    let numbers: Vec<String> = (0..10).map(e164).collect();
    // The extra text closes the routing block and opens the address (config() appends "}").
    let extra = r#"emergency_enabled    = true
  emergency_address_id = telnyx_emergency_address.hq.id
}

resource "telnyx_emergency_address" "hq" {
  business_name       = "Acme HQ"
  street_address      = "600 Congress Ave"
  locality            = "Austin"
  administrative_area = "TX"
  postal_code         = "78701"
  country_code        = "US"
"#;
    tf.config(&config(&numbers, extra));
    emu.clear_requests();
    tf.apply().assert_success();
    let emergency_jobs = |emu: &Emulator| emu.count("POST", "/v2/phone_numbers/jobs/update_emergency_settings");
    assert_eq!((job_posts(&emu), emergency_jobs(&emu)), (1, 1), "{:?}", emu.requests());
    let address = tf.state_values("telnyx_emergency_address.hq")["id"].as_str().unwrap().to_string();
    for n in &numbers {
        let o = emu.number(n);
        assert_eq!((&o["emergency_enabled"], o["emergency_address_id"].as_str()), (&json!(true), Some(address.as_str())), "{n}");
    }
    tf.assert_no_changes();

    // Disabled out of band: the plan shows the number, the apply enables it again.
    let (status, body) = emu.api(
        Method::POST,
        "/phone_numbers/jobs/update_emergency_settings",
        Some(json!({"phone_numbers": [e164(3)], "emergency_enabled": false})),
    );
    assert_eq!(status, 202, "{body}");
    let plan = tf.plan();
    assert!(plan.stdout.contains("1 to change") && plan.stdout.contains(&e164(3)), "{}", plan.all());
    emu.clear_requests();
    tf.apply().assert_success();
    assert_eq!(emergency_jobs(&emu), 1, "{:?}", emu.requests());
    assert_eq!(emu.number(&e164(3))["emergency_enabled"], json!(true));
    tf.assert_no_changes();

    // Destroy: emergency services as found (disabled), so the address can be deleted too.
    tf.destroy().assert_success();
    assert!(emu.objects("phone_numbers").iter().all(|o| o["emergency_enabled"] == json!(false)), "{:?}", emu.objects("phone_numbers"));
    no_release(&emu);
}
