//! telnyx_fqdn, telnyx_ip and telnyx_access_ip_range through the real terraform binary against
//! the emulator: full lifecycles (update in place, or replacement where the API cannot update),
//! import, drift, plan-time validation, the same-named data sources, and a module-style
//! configuration with 50 IPs and 10 FQDNs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::{Value as Json, json};

fn fqdn_config(conn: &str, fqdn: &str, port: u16) -> String {
    format!(
        r#"
provider "telnyx" {{}}

resource "telnyx_fqdn_connection" "a" {{ connection_name = "e2e-fqdn-conn-a" }}
resource "telnyx_fqdn_connection" "b" {{ connection_name = "e2e-fqdn-conn-b" }}

resource "telnyx_fqdn" "f" {{
  connection_id   = telnyx_fqdn_connection.{conn}.id
  fqdn            = "{fqdn}"
  dns_record_type = "a"
  port            = {port}
}}
"#
    )
}

#[track_caller]
fn assert_changes(tf: &Tf, summary: &str) {
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains(summary), "expected {summary:?}:\n{}", r.stdout);
}

/// Forget the object, import it by id, check the state is what it was and the plan is empty.
#[track_caller]
fn import_verify(tf: &Tf, addr: &str, id: &str) {
    let before = tf.state_values(addr);
    tf.state_rm(addr).assert_success();
    tf.import(addr, id).assert_success();
    let after = tf.state_values(addr);
    assert_eq!(before, after, "import verify: state after import differs");
    tf.assert_no_changes();
}

/// Deleted behind Terraform's back: the plan shows a create, and apply makes it again.
#[track_caller]
fn out_of_band_delete(emu: &Emulator, tf: &Tf, family: &str, id: &str, addr: &str) {
    let (st, _) = emu.api(Method::DELETE, &format!("/{family}/{id}"), None);
    assert_eq!(st, 200);
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains(&format!("{addr} will be created")), "{}", r.stdout);
    assert_changes(tf, "1 added, 0 changed, 0 destroyed");
}

#[test]
fn fqdn_lifecycle() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);

    tf.config(&fqdn_config("a", "sip.example.com", 5080));
    tf.apply().assert_success();
    let conn_a = emu.objects("fqdn_connections").iter().find(|c| c["connection_name"] == "e2e-fqdn-conn-a").unwrap()["id"].clone();
    let records = emu.objects("fqdns");
    assert_eq!(records.len(), 1);
    let (id, f) = (records[0]["id"].as_str().unwrap().to_string(), &records[0]);
    assert_eq!((f["fqdn"].as_str(), f["port"].as_i64(), &f["connection_id"]), (Some("sip.example.com"), Some(5080), &conn_a));
    assert_eq!(tf.state_values("telnyx_fqdn.f")["record_type"], "fqdn");
    tf.assert_no_changes();

    // Update in place: host name and port.
    tf.config(&fqdn_config("a", "sip2.example.com", 5090));
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");
    let f = &emu.objects("fqdns")[0];
    assert_eq!((f["id"].as_str(), f["fqdn"].as_str(), f["port"].as_i64()), (Some(id.as_str()), Some("sip2.example.com"), Some(5090)));
    tf.assert_no_changes();

    // Moving the record to another FQDN connection is an in-place update too (the API allows it).
    tf.config(&fqdn_config("b", "sip2.example.com", 5090));
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");
    let conn_b = emu.objects("fqdn_connections").iter().find(|c| c["connection_name"] == "e2e-fqdn-conn-b").unwrap()["id"].clone();
    assert_eq!(emu.objects("fqdns")[0]["connection_id"], conn_b);
    assert_eq!(emu.objects("fqdns")[0]["id"], id.as_str());
    tf.assert_no_changes();

    import_verify(&tf, "telnyx_fqdn.f", &id);

    // Changed behind Terraform's back: the plan shows the update back.
    let (st, body) = emu.api(Method::PATCH, &format!("/fqdns/{id}"), Some(json!({"port": 6000})));
    assert_eq!(st, 200, "{body}");
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("~ port") && r.stdout.contains("6000 -> 5090"), "{}", r.stdout);
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");
    assert_eq!(emu.objects("fqdns")[0]["port"], 5090);

    out_of_band_delete(&emu, &tf, "fqdns", &id, "telnyx_fqdn.f");
    tf.assert_no_changes();

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn fqdn_srv_record_without_port_keeps_the_server_default_quietly() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_fqdn_connection" "c" { connection_name = "e2e-srv" }
resource "telnyx_fqdn" "f" {
  connection_id   = telnyx_fqdn_connection.c.id
  fqdn            = "_sip._udp.example.com"
  dns_record_type = "srv"
}
"#,
    );
    tf.apply().assert_success();
    let v = tf.state_values("telnyx_fqdn.f");
    assert_eq!(v["port"], 5060, "the server's value lands in state");
    tf.assert_no_changes();
    // Renamed and moved to another connection, in place: the port Telnyx reports is never
    // sent back (the API refuses a port on an SRV record).
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_fqdn_connection" "c" { connection_name = "e2e-srv" }
resource "telnyx_fqdn_connection" "d" { connection_name = "e2e-srv-2" }
resource "telnyx_fqdn" "f" {
  connection_id   = telnyx_fqdn_connection.d.id
  fqdn            = "_sip._tcp.example.com"
  dns_record_type = "srv"
}
"#,
    );
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("1 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let moved = tf.state_values("telnyx_fqdn.f");
    assert_eq!((&moved["id"], &moved["fqdn"]), (&v["id"], &json!("_sip._tcp.example.com")));
    assert_eq!(moved["connection_id"], tf.state_values("telnyx_fqdn_connection.d")["id"]);
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// The attribute lines a plan shows as changing (`~ name = a -> b`, `+ name = …`).
fn changed_attributes(plan: &str) -> Vec<String> {
    plan.lines()
        .map(str::trim)
        .filter(|l| (l.starts_with("~ ") || l.starts_with("+ ") || l.starts_with("- ")) && l.contains(" = "))
        .map(|l| l[2..].split(" = ").next().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn fqdn_updates_plan_only_their_change_and_a_record_turned_srv_takes_telnyx_port() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let config = |fqdn: &str, record: &str, port: Option<u16>| {
        format!(
            r#"
provider "telnyx" {{}}
resource "telnyx_fqdn_connection" "c" {{ connection_name = "e2e-fqdn-port" }}
resource "telnyx_fqdn" "f" {{
  connection_id   = telnyx_fqdn_connection.c.id
  fqdn            = "{fqdn}"
  dns_record_type = "{record}"
  {port}
}}
"#,
            port = port.map(|p| format!("port = {p}")).unwrap_or_default()
        )
    };
    tf.config(&config("sip.example.com", "a", Some(5080)));
    tf.apply().assert_success();
    assert_eq!(tf.state_values("telnyx_fqdn.f")["port"], 5080);

    // Port left to Telnyx from now on, and the host name changes: the plan shows that change
    // (and the timestamp Telnyx sets), never `port` as "(known after apply)".
    tf.config(&config("sip2.example.com", "a", None));
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert_eq!(changed_attributes(&r.stdout), ["fqdn", "updated_at"], "{}", r.stdout);
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");
    assert_eq!(tf.state_values("telnyx_fqdn.f")["port"], 5080);
    assert_eq!(emu.objects("fqdns")[0]["port"], 5080);
    tf.assert_no_changes();

    // Turned into an SRV record: no port is sent (Telnyx refuses one), and the port Telnyx
    // then holds (its default) is read back: no error, no diff afterwards.
    tf.config(&config("sip2.example.com", "srv", None));
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("~ port") && r.stdout.contains("(known after apply)"), "{}", r.stdout);
    emu.clear_requests();
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");
    assert_eq!(emu.count("PATCH", "/v2/fqdns/"), 1, "{:?}", emu.requests());
    let f = &emu.objects("fqdns")[0];
    assert_eq!((f["dns_record_type"].as_str(), f["port"].as_i64()), (Some("srv"), Some(5060)), "{f}");
    assert_eq!(tf.state_values("telnyx_fqdn.f")["port"], 5060);
    tf.assert_no_changes();

    // And back to an A record with a port.
    tf.config(&config("sip2.example.com", "a", Some(5090)));
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");
    assert_eq!(emu.objects("fqdns")[0]["port"], 5090);
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

fn ip_config(conn: &str, ip: &str, port: Option<u16>) -> String {
    let port = port.map(|p| format!("  port          = {p}\n")).unwrap_or_default();
    format!(
        r#"
provider "telnyx" {{}}

resource "telnyx_ip_connection" "a" {{ connection_name = "e2e-ip-conn-a" }}
resource "telnyx_ip_connection" "b" {{ connection_name = "e2e-ip-conn-b" }}

resource "telnyx_ip" "i" {{
  connection_id = telnyx_ip_connection.{conn}.id
  ip_address    = "{ip}"
{port}}}
"#
    )
}

#[test]
fn ip_lifecycle() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);

    // Port unset: the server default lands in state, and the plan stays empty.
    tf.config(&ip_config("a", "192.0.2.10", None));
    tf.apply().assert_success();
    let ips = emu.objects("ips");
    assert_eq!(ips.len(), 1);
    let id = ips[0]["id"].as_str().unwrap().to_string();
    assert_eq!(tf.state_values("telnyx_ip.i")["port"], 5060);
    tf.assert_no_changes();

    // Update in place: address and port.
    tf.config(&ip_config("a", "192.0.2.11", Some(5070)));
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");
    let ip = &emu.objects("ips")[0];
    assert_eq!((ip["id"].as_str(), ip["ip_address"].as_str(), ip["port"].as_i64()), (Some(id.as_str()), Some("192.0.2.11"), Some(5070)));
    tf.assert_no_changes();

    // Moving it to another IP connection: in place.
    tf.config(&ip_config("b", "192.0.2.11", Some(5070)));
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");
    let conn_b = emu.objects("ip_connections").iter().find(|c| c["connection_name"] == "e2e-ip-conn-b").unwrap()["id"].clone();
    assert_eq!(emu.objects("ips")[0]["connection_id"], conn_b);
    tf.assert_no_changes();

    import_verify(&tf, "telnyx_ip.i", &id);

    let (st, body) = emu.api(Method::PATCH, &format!("/ips/{id}"), Some(json!({"ip_address": "198.51.100.1"})));
    assert_eq!(st, 200, "{body}");
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("\"198.51.100.1\" -> \"192.0.2.11\""), "{}", r.stdout);
    assert_changes(&tf, "0 added, 1 changed, 0 destroyed");

    out_of_band_delete(&emu, &tf, "ips", &id, "telnyx_ip.i");
    tf.assert_no_changes();

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

fn range_config(cidr: &str, description: &str) -> String {
    format!(
        r#"
provider "telnyx" {{}}
resource "telnyx_access_ip_range" "r" {{
  cidr_block  = "{cidr}"
  description = "{description}"
}}
"#
    )
}

#[test]
fn access_ip_range_lifecycle() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);

    tf.config(&range_config("203.0.113.0/24", "office"));
    tf.apply().assert_success();
    let ranges = emu.objects("access_ip_ranges");
    assert_eq!(ranges.len(), 1);
    let id = ranges[0]["id"].as_str().unwrap().to_string();
    let v = tf.state_values("telnyx_access_ip_range.r");
    assert_eq!(v["status"], "pending", "the create answer: not synced yet");
    assert!(v["user_id"].as_str().is_some_and(|u| !u.is_empty()));

    // The sync finishes (pending -> added): no diff, and a refresh records it.
    tf.assert_no_changes();
    tf.run(&["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"]).assert_success();
    assert_eq!(tf.state_values("telnyx_access_ip_range.r")["status"], "added");
    tf.assert_no_changes();

    // A new CIDR block cannot be applied in place: the plan replaces the range.
    tf.config(&range_config("198.51.100.0/24", "office"));
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("must be replaced") && r.stdout.contains("# forces replacement"), "{}", r.stdout);
    assert!(r.stdout.contains("Plan: 1 to add, 0 to change, 1 to destroy"), "{}", r.stdout);
    assert_changes(&tf, "1 added, 0 changed, 1 destroyed");
    let ranges = emu.objects("access_ip_ranges");
    assert_eq!(ranges.len(), 1);
    assert_eq!(ranges[0]["cidr_block"], "198.51.100.0/24");
    let id = {
        let new_id = ranges[0]["id"].as_str().unwrap().to_string();
        assert_ne!(new_id, id);
        new_id
    };
    tf.assert_no_changes();

    // So does a new description.
    tf.config(&range_config("198.51.100.0/24", "branch office"));
    assert_changes(&tf, "1 added, 0 changed, 1 destroyed");
    let ranges = emu.objects("access_ip_ranges");
    assert_eq!((ranges.len(), ranges[0]["description"].as_str()), (1, Some("branch office")));
    let id = {
        let new_id = ranges[0]["id"].as_str().unwrap().to_string();
        assert_ne!(new_id, id);
        new_id
    };
    tf.assert_no_changes();

    // Import by id (the API has no GET by id: the provider finds it by listing). Refresh
    // first, so the state compared holds the settled status, as the import reads it.
    tf.run(&["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"]).assert_success();
    import_verify(&tf, "telnyx_access_ip_range.r", &id);

    out_of_band_delete(&emu, &tf, "access_ip_ranges", &id, "telnyx_access_ip_range.r");
    tf.assert_no_changes();

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
    // Never a call the API does not have.
    assert_eq!(emu.count("GET", "/v2/access_ip_ranges/"), 0);
    assert_eq!(emu.count("PATCH", "/v2/access_ip_ranges"), 0);
}

#[test]
fn invalid_configuration_fails_at_plan_naming_the_attribute_without_api_calls() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_fqdn" "record_type" {
  connection_id   = "1"
  fqdn            = "sip.example.com"
  dns_record_type = "cname"
}
resource "telnyx_fqdn" "host" {
  connection_id   = "1"
  fqdn            = "not a host name"
  dns_record_type = "a"
  port            = 70000
}
resource "telnyx_ip" "address" {
  connection_id = "1"
  ip_address    = "192.0.2.300"
  port          = -1
}
resource "telnyx_access_ip_range" "host_bits" {
  cidr_block = "203.0.113.7/24"
}
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all();
    for (attr, what) in [
        ("dns_record_type", "must be one of `a`, `srv`"),
        ("fqdn", "must be a fully qualified domain name"),
        ("port", "must be between 0 and 65535; got 70000"),
        ("ip_address", "must be an IPv4 address"),
        ("port", "must be between 0 and 65535; got -1"),
        ("cidr_block", "must be a network in CIDR notation"),
    ] {
        assert!(out.contains(&format!("`{attr}` {what}")), "no error for {attr} ({what}):\n{out}");
    }
    assert_eq!(emu.count("POST", "/v2/"), 0);
    assert_eq!(emu.count("PATCH", "/v2/"), 0);

    // A port on a new SRV record fails at plan (the check needs the prior state: the port
    // Telnyx reports for an existing SRV record may be repeated), naming `port`; nothing is sent.
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_fqdn" "srv_port" {
  connection_id   = "1"
  fqdn            = "sip.example.com"
  dns_record_type = "srv"
  port            = 5060
}
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("`port` cannot be set when `dns_record_type` is `srv`"), "{}", r.all());
    assert!(r.all().contains("port            = 5060"), "the port line: {}", r.all());
    assert_eq!(emu.count("POST", "/v2/"), 0);
}

fn created(emu: &Emulator, path: &str, body: Json) -> String {
    let (st, b) = emu.api(Method::POST, path, Some(body));
    assert!(st == 200 || st == 201, "{path}: {st} {b}");
    let obj = if b.get("data").is_some() { &b["data"] } else { &b };
    obj["id"].as_str().unwrap().to_string()
}

#[test]
fn data_sources_by_id_and_natural_key() {
    let emu = Emulator::start();
    let fc1 = created(&emu, "/fqdn_connections", json!({"connection_name": "ds-fqdn-1"}));
    let fc2 = created(&emu, "/fqdn_connections", json!({"connection_name": "ds-fqdn-2"}));
    let f1 = created(&emu, "/fqdns", json!({"connection_id": fc1, "fqdn": "shared.example.com", "dns_record_type": "a", "port": 5061}));
    let f2 = created(&emu, "/fqdns", json!({"connection_id": fc2, "fqdn": "shared.example.com", "dns_record_type": "a", "port": 5062}));
    let ic = created(&emu, "/ip_connections", json!({"connection_name": "ds-ip"}));
    let i1 = created(&emu, "/ips", json!({"connection_id": ic, "ip_address": "192.0.2.20", "port": 5070}));
    let i2 = created(&emu, "/ips", json!({"connection_id": ic, "ip_address": "192.0.2.20", "port": 5071}));
    let r1 = created(&emu, "/access_ip_ranges", json!({"cidr_block": "10.9.0.0/16", "description": "vpn"}));
    let tf = Tf::new(&emu);
    tf.config(&format!(
        r#"
provider "telnyx" {{}}
data "telnyx_fqdn" "by_key" {{
  fqdn          = "shared.example.com"
  connection_id = "{fc2}"
}}
data "telnyx_fqdn" "by_id" {{ id = "{f1}" }}
data "telnyx_ip" "by_key" {{
  ip_address = "192.0.2.20"
  port       = 5071
}}
data "telnyx_ip" "by_id" {{ id = "{i1}" }}
data "telnyx_access_ip_range" "by_cidr" {{ cidr_block = "10.9.0.0/16" }}
data "telnyx_access_ip_range" "by_id" {{ id = "{r1}" }}
output "fqdn_by_key" {{ value = data.telnyx_fqdn.by_key.id }}
output "fqdn_by_id_port" {{ value = data.telnyx_fqdn.by_id.port }}
output "ip_by_key" {{ value = data.telnyx_ip.by_key.id }}
output "ip_by_id_port" {{ value = data.telnyx_ip.by_id.port }}
output "range_by_cidr" {{ value = data.telnyx_access_ip_range.by_cidr.id }}
output "range_by_id" {{ value = data.telnyx_access_ip_range.by_id.description }}
"#
    ));
    tf.apply().assert_success();
    let out: Json = serde_json::from_str(&tf.run(&["output", "-json"]).stdout).unwrap();
    assert_eq!(out["fqdn_by_key"]["value"], f2.as_str());
    assert_eq!(out["fqdn_by_id_port"]["value"], 5061);
    assert_eq!(out["ip_by_key"]["value"], i2.as_str());
    assert_eq!(out["ip_by_id_port"]["value"], 5070);
    assert_eq!(out["range_by_cidr"]["value"], r1.as_str());
    assert_eq!(out["range_by_id"]["value"], "vpn");

    // Several matches: a clear error naming them and how to narrow.
    tf.config("provider \"telnyx\" {}\ndata \"telnyx_fqdn\" \"x\" { fqdn = \"shared.example.com\" }\n");
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let all = r.all();
    assert!(all.contains("Several telnyx_fqdn objects match"), "{all}");
    assert!(all.contains(&f1) && all.contains(&f2) && all.contains("`connection_id`"), "{all}");

    // No match.
    tf.config("provider \"telnyx\" {}\ndata \"telnyx_access_ip_range\" \"x\" { cidr_block = \"10.10.0.0/16\" }\n");
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("No telnyx_access_ip_range found"), "{}", r.all());

    // A narrowing argument alone is not a lookup.
    tf.config(&format!("provider \"telnyx\" {{}}\ndata \"telnyx_ip\" \"x\" {{ connection_id = \"{ic}\" }}\n"));
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("Missing lookup argument"), "{}", r.all());
}

/// A module-style configuration: an IP connection with 50 IPs and an FQDN connection with 10
/// FQDNs, from `count` and `for_each`. Each object is created exactly once; the plan is empty.
#[test]
fn fifty_ips_and_ten_fqdns() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}

variable "sbc_count" { default = 50 }

locals {
  hosts = toset([for i in range(10) : "sbc${i}.example.com"])
}

resource "telnyx_ip_connection" "sbcs" { connection_name = "e2e-sbcs" }

resource "telnyx_ip" "sbc" {
  count         = var.sbc_count
  connection_id = telnyx_ip_connection.sbcs.id
  ip_address    = "198.51.100.${count.index + 1}"
}

resource "telnyx_fqdn_connection" "hosts" { connection_name = "e2e-hosts" }

resource "telnyx_fqdn" "host" {
  for_each        = local.hosts
  connection_id   = telnyx_fqdn_connection.hosts.id
  fqdn            = each.key
  dns_record_type = "a"
  port            = 5060
}
"#,
    );
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("62 added, 0 changed, 0 destroyed"), "{}", r.stdout);
    assert_eq!(emu.count("POST", "/v2/ips"), 50);
    assert_eq!(emu.count("POST", "/v2/fqdns"), 10);
    let mut addrs: Vec<String> = emu.objects("ips").iter().map(|o| o["ip_address"].as_str().unwrap().to_string()).collect();
    addrs.sort();
    addrs.dedup();
    assert_eq!(addrs.len(), 50, "no duplicates");
    let mut hosts: Vec<String> = emu.objects("fqdns").iter().map(|o| o["fqdn"].as_str().unwrap().to_string()).collect();
    hosts.sort();
    hosts.dedup();
    assert_eq!(hosts.len(), 10, "no duplicates");
    tf.assert_no_changes();
    assert_eq!(emu.count("POST", "/v2/"), 62, "planning again created nothing");
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// A create that Telnyx carried out but answered with a 5xx (or whose answer was lost) is
/// found by its natural key and adopted: never created twice.
#[test]
fn creates_answered_with_an_error_after_the_work_are_adopted_not_repeated() {
    let emu = Emulator::start();
    for path in ["/v2/fqdns", "/v2/ips", "/v2/access_ip_ranges"] {
        emu.fault(&json!({"kind": "error_after", "method": "POST", "path_prefix": path, "status": 502}));
    }
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_fqdn_connection" "c" { connection_name = "e2e-adopt-fqdn" }
resource "telnyx_fqdn" "f" {
  connection_id   = telnyx_fqdn_connection.c.id
  fqdn            = "adopt.example.com"
  dns_record_type = "a"
}
resource "telnyx_ip_connection" "c" { connection_name = "e2e-adopt-ip" }
resource "telnyx_ip" "i" {
  connection_id = telnyx_ip_connection.c.id
  ip_address    = "192.0.2.77"
  port          = 5062
}
resource "telnyx_access_ip_range" "r" { cidr_block = "192.0.2.0/28" }
"#,
    );
    tf.apply().assert_success();
    for (family, path) in [("fqdns", "/v2/fqdns"), ("ips", "/v2/ips"), ("access_ip_ranges", "/v2/access_ip_ranges")] {
        assert_eq!(emu.count("POST", path), 1, "{path}: the create was not sent again");
        let objs = emu.objects(family);
        assert_eq!(objs.len(), 1, "{family}: {objs:?}");
    }
    assert_eq!(tf.state_values("telnyx_fqdn.f")["id"], emu.objects("fqdns")[0]["id"]);
    assert_eq!(tf.state_values("telnyx_ip.i")["id"], emu.objects("ips")[0]["id"]);
    assert_eq!(tf.state_values("telnyx_access_ip_range.r")["id"], emu.objects("access_ip_ranges")[0]["id"]);
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// Access IP ranges answer errors in their own shape; a refused create names the attribute.
#[test]
fn access_ip_range_already_in_use_is_a_clear_error_on_the_attribute() {
    let emu = Emulator::start();
    created(&emu, "/access_ip_ranges", json!({"cidr_block": "203.0.113.0/24"}));
    let tf = Tf::new(&emu);
    tf.config(&range_config("203.0.113.0/24", "dup"));
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all();
    assert!(out.contains("Could not create telnyx_access_ip_range"), "{out}");
    assert!(out.contains("'cidr_block' \"203.0.113.0/24\" is already in use"), "{out}");
    // The diagnostic points at the attribute: Terraform quotes its configuration line.
    assert!(out.contains("with telnyx_access_ip_range.r") && out.contains(":   cidr_block  = \"203.0.113.0/24\""), "{out}");
    assert_eq!(emu.objects("access_ip_ranges").len(), 1);
}
