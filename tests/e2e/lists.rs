//! The list data sources (`telnyx_fqdns`, `telnyx_ips`, `telnyx_access_ip_ranges`,
//! `telnyx_outbound_voice_profiles`, `telnyx_credential_connections`,
//! `telnyx_fqdn_connections`, `telnyx_ip_connections`) through the real terraform binary: each
//! with a filter that matches several objects spread over several pages (the emulator serves
//! at most 2 objects a page), and plan-time validation of the filter arguments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::{Value as Json, json};

fn created(emu: &Emulator, path: &str, body: Json) -> String {
    let (st, b) = emu.api(Method::POST, path, Some(body));
    assert!(st == 200 || st == 201, "{path}: {st} {b}");
    let obj = if b.get("data").is_some() { &b["data"] } else { &b };
    obj["id"].as_str().unwrap().to_string()
}

fn ids(v: &Json) -> BTreeSet<String> {
    v.as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_string()).collect()
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).clone()).collect()
}

#[test]
fn every_list_data_source_filters_and_walks_every_page() {
    let emu = Emulator::start_with(&["--page-size-cap", "2"]);

    // Three matching objects (and one that does not match) per family.
    let p: Vec<String> = (1..=3).map(|i| created(&emu, "/outbound_voice_profiles", json!({"name": format!("list-prof-{i}")}))).collect();
    created(&emu, "/outbound_voice_profiles", json!({"name": "other-profile"}));
    let cc: Vec<String> = (1..=3)
        .map(|i| {
            created(
                &emu,
                "/credential_connections",
                json!({"connection_name": format!("List-Cred-{i}"), "user_name": format!("listuser{i}"), "password": "s3cret-pass"}),
            )
        })
        .collect();
    created(&emu, "/credential_connections", json!({"connection_name": "other-cred", "user_name": "otheruser", "password": "s3cret-pass"}));
    let fc: Vec<String> =
        (1..=3).map(|i| created(&emu, "/fqdn_connections", json!({"connection_name": format!("list-fqdn-{i}")}))).collect();
    let fc_other = created(&emu, "/fqdn_connections", json!({"connection_name": "other-fqdn"}));
    let ic: Vec<String> = (1..=3)
        .map(|i| {
            created(
                &emu,
                "/ip_connections",
                json!({"connection_name": format!("list-ip-{i}"), "outbound": {"outbound_voice_profile_id": p[0]}}),
            )
        })
        .collect();
    created(&emu, "/ip_connections", json!({"connection_name": "other-ip"}));
    // FQDN records: 3 on the first FQDN connection; the shared host name on all three "list" connections.
    let f: Vec<String> = (1..=3)
        .map(|i| created(&emu, "/fqdns", json!({"connection_id": fc[0], "fqdn": format!("sip{i}.example.com"), "dns_record_type": "a"})))
        .collect();
    for c in &fc[1..] {
        created(&emu, "/fqdns", json!({"connection_id": c, "fqdn": "sip1.example.com", "dns_record_type": "a"}));
    }
    created(&emu, "/fqdns", json!({"connection_id": fc_other, "fqdn": "elsewhere.example.com", "dns_record_type": "a"}));
    // IPs: 3 on port 5060 of the first IP connection, one there on another port, one elsewhere.
    let ip: Vec<String> =
        (1..=3).map(|i| created(&emu, "/ips", json!({"connection_id": ic[0], "ip_address": format!("192.0.2.{i}")}))).collect();
    created(&emu, "/ips", json!({"connection_id": ic[0], "ip_address": "192.0.2.9", "port": 5070}));
    created(&emu, "/ips", json!({"connection_id": ic[1], "ip_address": "192.0.2.1"}));
    let r: Vec<String> = (1..=3).map(|i| created(&emu, "/access_ip_ranges", json!({"cidr_block": format!("10.20.{i}.0/24")}))).collect();
    created(&emu, "/access_ip_ranges", json!({"cidr_block": "172.16.0.0/12"}));

    let tf = Tf::new(&emu);
    tf.config(&format!(
        r#"
provider "telnyx" {{}}

data "telnyx_outbound_voice_profiles" "l" {{ name_contains = "LIST-PROF" }}
data "telnyx_credential_connections" "l" {{ connection_name_contains = "list-cred" }}
data "telnyx_fqdn_connections" "l" {{ fqdn = "sip1.example.com" }}
data "telnyx_ip_connections" "l" {{ outbound_voice_profile_id = "{profile}" }}
data "telnyx_fqdns" "l" {{
  connection_id   = "{fqdn_conn}"
  dns_record_type = "a"
}}
data "telnyx_ips" "l" {{
  connection_id = "{ip_conn}"
  port          = 5060
}}
data "telnyx_access_ip_ranges" "l" {{
  cidr_block_startswith = "10.20."
  created_at_gte        = "2000-01-01T00:00:00Z"
}}
data "telnyx_access_ip_ranges" "all" {{}}

output "profiles" {{ value = data.telnyx_outbound_voice_profiles.l.outbound_voice_profiles }}
output "credential_connections" {{ value = data.telnyx_credential_connections.l.credential_connections }}
output "fqdn_connections" {{ value = data.telnyx_fqdn_connections.l.fqdn_connections }}
output "ip_connections" {{ value = data.telnyx_ip_connections.l.ip_connections }}
output "fqdns" {{ value = data.telnyx_fqdns.l.fqdns }}
output "ips" {{ value = data.telnyx_ips.l.ips }}
output "ranges" {{ value = data.telnyx_access_ip_ranges.l.access_ip_ranges }}
output "all_ranges" {{ value = length(data.telnyx_access_ip_ranges.all.access_ip_ranges) }}
"#,
        profile = p[0],
        fqdn_conn = fc[0],
        ip_conn = ic[0],
    ));
    tf.apply().assert_success();
    let out: Json = serde_json::from_str(&tf.run(&["output", "-json"]).stdout).unwrap();
    let got = |name: &str| ids(&out[name]["value"]);
    assert_eq!(got("profiles"), set(&[&p[0], &p[1], &p[2]]));
    assert_eq!(got("credential_connections"), set(&[&cc[0], &cc[1], &cc[2]]));
    assert_eq!(got("fqdn_connections"), set(&[&fc[0], &fc[1], &fc[2]]));
    assert_eq!(got("ip_connections"), set(&[&ic[0], &ic[1], &ic[2]]));
    assert_eq!(got("fqdns"), set(&[&f[0], &f[1], &f[2]]));
    assert_eq!(got("ips"), set(&[&ip[0], &ip[1], &ip[2]]));
    assert_eq!(got("ranges"), set(&[&r[0], &r[1], &r[2]]));
    assert_eq!(out["all_ranges"]["value"], 4);

    // Items carry the object's attributes, nested objects included; secrets are left out.
    let ipc = &out["ip_connections"]["value"][0];
    assert_eq!(ipc["outbound"]["outbound_voice_profile_id"], p[0].as_str());
    assert!(ipc["inbound"]["codecs"].as_array().is_some_and(|c| !c.is_empty()), "{ipc}");
    let cred = &out["credential_connections"]["value"][0];
    assert!(cred.get("password").is_none() && cred["user_name"].as_str().is_some_and(|u| u.starts_with("listuser")), "{cred}");
    assert_eq!(out["ips"]["value"][0]["port"], 5060);
    assert_eq!(out["ranges"]["value"][0]["status"], "added");

    // Every list was walked to its second page (at most 2 objects a page here).
    let log = emu.request_log();
    for path in [
        "/v2/outbound_voice_profiles",
        "/v2/credential_connections",
        "/v2/fqdn_connections",
        "/v2/ip_connections",
        "/v2/fqdns",
        "/v2/ips",
        "/v2/access_ip_ranges",
    ] {
        let second_pages = log
            .iter()
            .filter(|e| {
                e["method"] == "GET"
                    && e["path"] == path
                    && e["status"] == 200
                    && e["query"].as_str().is_some_and(|q| q.contains("page%5Bnumber%5D=2") || q.contains("page[number]=2"))
            })
            .count();
        assert!(second_pages >= 1, "{path}: no request for page 2: {log:?}");
    }
    tf.assert_no_changes();
}

#[test]
fn invalid_filters_fail_at_plan_without_api_calls() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
data "telnyx_ip_connections" "short" { connection_name_contains = "ab" }
data "telnyx_fqdns" "port" { port = 70000 }
data "telnyx_access_ip_ranges" "when" { created_at_gt = "yesterday" }
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all();
    for (attr, what) in [
        ("connection_name_contains", "must be at least 3 characters long"),
        ("port", "must be between 0 and 65535"),
        ("created_at_gt", "must be an RFC 3339 date-time"),
    ] {
        assert!(out.contains(&format!("`{attr}` {what}")), "no error for {attr}:\n{out}");
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

/// Percent-decodes a query key (`filter%5Bfqdn%5D` -> `filter[fqdn]`).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A Telnyx that ignores some list filters (reference §11: which filter names the credential
/// and IP connection lists honour is not known): a proxy in front of the emulator that drops
/// the query parameters `ignored` on every path before forwarding, one request per
/// connection. Returns its base URL (`…/v2`).
fn filter_ignoring_proxy(emu: &Emulator, ignored: &'static [&'static str]) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    let upstream = emu.url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(client) = conn else { continue };
            let upstream = upstream.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                    return;
                }
                let mut head = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    if !lower.starts_with("connection:") {
                        head.push_str(&line);
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let mut parts = request_line.trim_end().splitn(3, ' ');
                let (method, target, version) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
                let target = match target.split_once('?') {
                    Some((path, query)) => {
                        let kept: Vec<&str> =
                            query.split('&').filter(|kv| !ignored.contains(&decode(kv.split('=').next().unwrap_or("")).as_str())).collect();
                        format!("{path}?{}", kept.join("&"))
                    }
                    None => target.to_string(),
                };
                let mut up = TcpStream::connect(&upstream).unwrap();
                up.write_all(format!("{method} {target} {version}\r\n{head}Connection: close\r\n\r\n").as_bytes()).unwrap();
                up.write_all(&body).unwrap();
                let mut answer = Vec::new();
                up.read_to_end(&mut answer).unwrap();
                let mut client = client;
                client.write_all(&answer).unwrap();
            });
        }
    });
    format!("http://{addr}/v2")
}

#[test]
fn connection_lists_apply_every_filter_themselves_and_list_oldest_first() {
    let emu = Emulator::start();
    let p = created(&emu, "/outbound_voice_profiles", json!({"name": "filter-prof"}));
    let uses_p = json!({"outbound_voice_profile_id": p});
    let cred = |name: &str, outbound: Json| {
        created(
            &emu,
            "/credential_connections",
            json!({"connection_name": name, "user_name": format!("u{name}"), "password": "s3cret-pass", "outbound": outbound}),
        )
    };
    let cred_p = cred("credp", uses_p.clone());
    cred("credx", json!({}));
    let ip_p = created(&emu, "/ip_connections", json!({"connection_name": "ip-p", "outbound": uses_p}));
    created(&emu, "/ip_connections", json!({"connection_name": "ip-x"}));
    let fq = created(&emu, "/fqdn_connections", json!({"connection_name": "fqdn-conn"}));
    created(&emu, "/fqdns", json!({"connection_id": fq, "fqdn": "sip.filter.example.com", "dns_record_type": "a"}));
    let fq_other = created(&emu, "/fqdn_connections", json!({"connection_name": "fqdn-other"}));
    created(&emu, "/fqdns", json!({"connection_id": fq_other, "fqdn": "other.filter.example.com", "dns_record_type": "a"}));

    let config = format!(
        r#"
provider "telnyx" {{}}
data "telnyx_credential_connections" "p" {{ outbound_voice_profile_id = "{p}" }}
data "telnyx_ip_connections" "p" {{ outbound_voice_profile_id = "{p}" }}
data "telnyx_credential_connections" "fqdn" {{ fqdn = "sip.filter.example.com" }}
data "telnyx_ip_connections" "fqdn" {{ fqdn = "sip.filter.example.com" }}
data "telnyx_fqdn_connections" "fqdn" {{ fqdn = "sip.filter.example.com" }}
data "telnyx_connections" "p" {{ outbound_voice_profile_id = "{p}" }}
data "telnyx_connections" "all" {{}}
output "cred_p" {{ value = data.telnyx_credential_connections.p.credential_connections }}
output "ip_p" {{ value = data.telnyx_ip_connections.p.ip_connections }}
output "cred_fqdn" {{ value = data.telnyx_credential_connections.fqdn.credential_connections }}
output "ip_fqdn" {{ value = data.telnyx_ip_connections.fqdn.ip_connections }}
output "fqdn_fqdn" {{ value = data.telnyx_fqdn_connections.fqdn.fqdn_connections }}
output "any_p" {{ value = data.telnyx_connections.p.connections }}
output "any_all" {{ value = [for c in data.telnyx_connections.all.connections : c.id] }}
"#
    );
    let none: BTreeSet<String> = BTreeSet::new();
    // The emulator honours every filter; the proxy serves a Telnyx that honours none of the
    // profile and FQDN filters: the results must be the same.
    for ignoring in [false, true] {
        let mut tf = Tf::new(&emu);
        if ignoring {
            tf.env("TELNYX_BASE_URL", &filter_ignoring_proxy(&emu, &["filter[outbound_voice_profile_id]", "filter[fqdn]"]));
        }
        tf.config(&config);
        emu.clear_requests();
        tf.apply().assert_success();
        let out: Json = serde_json::from_str(&tf.run(&["output", "-json"]).stdout).unwrap();
        let got = |name: &str| ids(&out[name]["value"]);
        assert_eq!(got("cred_p"), set(&[&cred_p]), "ignoring filters: {ignoring}");
        assert_eq!(got("ip_p"), set(&[&ip_p]), "ignoring filters: {ignoring}");
        assert_eq!(got("cred_fqdn"), none, "FQDN records belong to FQDN connections only (ignoring filters: {ignoring})");
        assert_eq!(got("ip_fqdn"), none, "ignoring filters: {ignoring}");
        assert_eq!(got("fqdn_fqdn"), set(&[&fq]), "ignoring filters: {ignoring}");
        assert_eq!(got("any_p"), set(&[&cred_p, &ip_p]), "ignoring filters: {ignoring}");
        // Every connection; oldest first is asked of the API (it lists newest first unsorted).
        let all: BTreeSet<String> = out["any_all"]["value"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        let every: BTreeSet<String> = ["credential_connections", "ip_connections", "fqdn_connections"]
            .iter()
            .flat_map(|f| emu.objects(f))
            .map(|o| o["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!((all.len(), &all), (6, &every));
        let log = emu.request_log();
        let connection_lists: Vec<&Json> = log.iter().filter(|e| e["path"] == "/v2/connections").collect();
        assert!(!connection_lists.is_empty());
        for e in connection_lists {
            let q = e["query"].as_str().unwrap_or("");
            assert!(q.contains("sort=created_at"), "GET /connections without sort=created_at: {q}");
        }
        tf.assert_no_changes();
    }
}
