//! Batched refresh (`src/telnyx/batch.rs`): reads of many objects of one family served from
//! list pages, exactly as correct as one `GET` each. First the REST client against the
//! emulator (the rules one by one, with the request log as witness), then the real
//! `terraform` binary: a plan over objects changed and deleted out of band.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use crate::support::{API_KEY, Emulator, Tf};
use futures_util::StreamExt as _;
use reqwest::Method;
use serde_json::{Value as Json, json};
use terraform_provider_telnyx::telnyx::batch::BatchRead;
use terraform_provider_telnyx::telnyx::client::{Client, Envelope, Secret, Settings};
use tfplug::Ctx;
use tokio_util::sync::CancellationToken;

fn client(emu: &Emulator, batch_reads: bool, max_retries: u32) -> Client {
    Client::new(Settings { api_key: Secret::new(API_KEY), base_url: emu.base_url(), batch_reads, max_retries, ..Settings::default() })
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// An IP connection and `n` IP records on it, made out of band; returns (connection id, record ids).
fn records(emu: &Emulator, name: &str, n: usize) -> (String, Vec<String>) {
    let (s, conn) = emu.api(Method::POST, "/ip_connections", Some(json!({"connection_name": name})));
    assert_eq!(s, 201, "{conn}");
    let conn = conn["data"]["id"].as_str().unwrap().to_string();
    let ips: Vec<Json> = (0..n)
        .map(|i| json!({"connection_id": conn, "ip_address": format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256), "port": 5060}))
        .collect();
    let ids = emu.seed(&json!({"ips": ips}))["ips"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    (conn, ids)
}

/// `GET` requests to exactly `path` (listings), with their queries.
fn listings(emu: &Emulator, path: &str) -> Vec<Json> {
    emu.request_log().into_iter().filter(|r| r["method"] == "GET" && r["path"] == path).collect()
}

/// `GET` requests of single objects under `collection` (`/v2/ips/…`).
fn single_gets(emu: &Emulator, collection: &str) -> Vec<String> {
    let prefix = format!("{collection}/");
    emu.request_log()
        .into_iter()
        .filter(|r| r["method"] == "GET" && r["path"].as_str().unwrap().starts_with(&prefix))
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect()
}

/// Reads `ids` as a refresh does (ten at a time): from a listing where the client can, else on
/// their own. Returns each object (`None`: gone) and how many were answered from a listing.
fn refresh(c: &Client, conn: &str, ids: &[String]) -> (Vec<Option<Json>>, usize) {
    runtime().block_on(async {
        let stop = CancellationToken::new();
        let reads = futures_util::stream::iter(ids.iter().cloned())
            .map(|id| {
                let (c, stop) = (c.clone(), stop.clone());
                async move {
                    let read = BatchRead {
                        list_path: "/ips",
                        filters: vec![("filter[connection_id]".into(), conn.to_string())],
                        key: "id",
                        id: &id,
                        object: format!("/ips/{id}"),
                    };
                    match c.read_batched(&stop, &read).await {
                        Some(obj) => (Some(obj), true),
                        None => match c.get(&stop, &format!("/ips/{id}"), Envelope::Data).await {
                            Ok(obj) => (Some(obj), false),
                            Err(e) if e.is_not_found() => (None, false),
                            Err(e) => panic!("{e}"),
                        },
                    }
                }
            })
            .buffered(10)
            .collect::<Vec<_>>()
            .await;
        let listed = reads.iter().filter(|r| r.1).count();
        (reads.into_iter().map(|r| r.0).collect(), listed)
    })
}

fn current(emu: &Emulator, id: &str) -> Json {
    let (s, body) = emu.api(Method::GET, &format!("/ips/{id}"), None);
    assert_eq!(s, 200);
    body["data"].clone()
}

#[test]
fn thirty_reads_take_two_gets_and_one_page_and_answer_what_a_get_would() {
    let emu = Emulator::start();
    let (conn, ids) = records(&emu, "thirty", 30);
    records(&emu, "elsewhere", 5);
    emu.clear_requests();
    let (objs, listed) = refresh(&client(&emu, true, 8), &conn, &ids);
    let (pages, singles) = (listings(&emu, "/v2/ips"), single_gets(&emu, "/v2/ips"));
    eprintln!("30 reads: {listed} from the listing; requests: {} listing, {} single", pages.len(), singles.len());
    assert_eq!(listed, 28);
    assert_eq!(singles.len(), 2);
    assert_eq!(pages.len(), 1, "{pages:?}");
    let query = pages[0]["query"].as_str().unwrap().replace("%5B", "[").replace("%5D", "]");
    assert!(query.contains(&format!("filter[connection_id]={conn}")), "narrowed to the connection: {query}");
    for (id, obj) in ids.iter().zip(&objs) {
        assert_eq!(obj.as_ref().unwrap(), &current(&emu, id), "{id}: the listing's view equals the object's own");
    }
}

#[test]
fn written_objects_are_never_answered_from_an_older_listing() {
    let emu = Emulator::start();
    let (conn, ids) = records(&emu, "written", 12);
    let c = client(&emu, true, 8);
    let (_, listed) = refresh(&c, &conn, &ids);
    assert_eq!(listed, 10);
    // This client writes one object; out of band, another changes too.
    let patch = |id: &str, port: u16| json!({"ip_address": current(&emu, id)["ip_address"], "port": port});
    runtime().block_on(c.update(&CancellationToken::new(), &format!("/ips/{}", ids[5]), &patch(&ids[5], 5071), Envelope::Data)).unwrap();
    assert_eq!(emu.api(Method::PATCH, &format!("/ips/{}", ids[6]), Some(patch(&ids[6], 5072))).0, 200);
    emu.clear_requests();
    let (objs, listed) = refresh(&c, &conn, &ids);
    assert_eq!(objs[5].as_ref().unwrap()["port"], 5071, "the written object is read on its own");
    assert_eq!(single_gets(&emu, "/v2/ips"), vec![format!("/v2/ips/{}", ids[5])]);
    assert_eq!(listed, 11);
    // The other is answered from the listing of this command, as of when it was fetched.
    assert_eq!(objs[6].as_ref().unwrap()["port"], 5060);
    assert!(listings(&emu, "/v2/ips").is_empty());
}

#[test]
fn an_object_missing_from_the_listing_is_confirmed_with_its_own_get() {
    let emu = Emulator::start();
    let (conn, ids) = records(&emu, "missing", 12);
    let (s, _) = emu.api(Method::DELETE, &format!("/ips/{}", ids[9]), None);
    assert_eq!(s, 200);
    emu.clear_requests();
    let c = client(&emu, true, 8);
    let (objs, listed) = refresh(&c, &conn, &ids);
    assert!(objs[9].is_none());
    assert_eq!(objs.iter().filter(|o| o.is_some()).count(), 11);
    assert_eq!(listed, 9);
    let gets = single_gets(&emu, "/v2/ips");
    assert!(gets.contains(&format!("/v2/ips/{}", ids[9])), "{gets:?}");
    assert_eq!(gets.len(), 3);
}

#[test]
fn with_batch_reads_off_every_object_is_read_on_its_own() {
    let emu = Emulator::start();
    let (conn, ids) = records(&emu, "off", 12);
    emu.clear_requests();
    let (objs, listed) = refresh(&client(&emu, false, 8), &conn, &ids);
    assert_eq!((objs.iter().flatten().count(), listed), (12, 0));
    assert!(listings(&emu, "/v2/ips").is_empty());
    assert_eq!(single_gets(&emu, "/v2/ips").len(), 12);
}

#[test]
fn a_small_state_in_a_large_account_never_lists_the_account() {
    let emu = Emulator::start();
    let (conn, ids) = records(&emu, "large", 2_000);
    // The state holds the last five (past the first page of the listing).
    let mine: Vec<String> = ids[1_995..].to_vec();
    emu.clear_requests();
    let (objs, listed) = refresh(&client(&emu, true, 8), &conn, &mine);
    assert_eq!(objs.iter().flatten().count(), 5);
    let pages = listings(&emu, "/v2/ips");
    eprintln!(
        "5 reads among 2,000 records: {listed} from the listing, {} listing page(s), {} single",
        pages.len(),
        single_gets(&emu, "/v2/ips").len()
    );
    assert!(pages.len() <= 1, "one page at most, to learn the listing's size: {pages:?}");
    assert_eq!(single_gets(&emu, "/v2/ips").len(), 5 - listed);
}

#[test]
fn a_large_state_reads_every_page_once() {
    let emu = Emulator::start();
    let (conn, ids) = records(&emu, "thousand", 1_000);
    emu.clear_requests();
    let (objs, listed) = refresh(&client(&emu, true, 8), &conn, &ids);
    assert_eq!(objs.iter().flatten().count(), 1_000);
    let pages = listings(&emu, "/v2/ips");
    let singles = single_gets(&emu, "/v2/ips").len();
    eprintln!("1,000 reads: {listed} from the listing; {} pages, {singles} single", pages.len());
    assert_eq!(pages.len(), 4);
    assert!(pages.len() + singles <= 20, "{} requests", pages.len() + singles);
}

#[test]
fn a_failed_listing_falls_back_to_single_reads() {
    let emu = Emulator::start();
    let (conn, ids) = records(&emu, "failing", 12);
    emu.fault(&json!({"kind": "error_before", "status": 503, "count": 100, "method": "GET", "path": "/v2/ips"}));
    emu.clear_requests();
    let (objs, listed) = refresh(&client(&emu, true, 1), &conn, &ids);
    assert_eq!((objs.iter().flatten().count(), listed), (12, 0));
    let pages = listings(&emu, "/v2/ips");
    assert_eq!(pages.len(), 2, "the listing is tried as any read is (one retry here), then given up: {pages:?}");
    assert_eq!(single_gets(&emu, "/v2/ips").len(), 12);
}

#[test]
fn a_rate_limited_listing_waits_as_asked_and_still_answers() {
    let emu = Emulator::start();
    let (conn, ids) = records(&emu, "limited", 12);
    emu.fault(&json!({"kind": "rate_limit", "retry_after_ms": 300, "count": 1, "method": "GET", "path": "/v2/ips"}));
    emu.clear_requests();
    let started = std::time::Instant::now();
    let (objs, listed) = refresh(&client(&emu, true, 8), &conn, &ids);
    assert_eq!((objs.iter().flatten().count(), listed), (12, 10));
    let pages = listings(&emu, "/v2/ips");
    assert_eq!(pages.iter().map(|p| p["status"].as_u64().unwrap()).collect::<Vec<_>>(), vec![429, 200]);
    let gap = pages[1]["at_ms"].as_u64().unwrap() - pages[0]["at_ms"].as_u64().unwrap();
    assert!(gap >= 300, "retried after the {gap} ms the answer asked for, not before");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[test]
fn imported_objects_are_read_on_their_own() {
    let emu = Emulator::start();
    let (_, ids) = records(&emu, "imported", 12);
    let (resources, _) = terraform_provider_telnyx::resources::registry();
    let ip = resources.into_iter().find(|r| r.type_name() == "telnyx_ip").unwrap();
    let c = client(&emu, true, 8);
    emu.clear_requests();
    let states = runtime().block_on(async {
        let ctx = Ctx::default();
        futures_util::stream::iter(ids.iter())
            .map(|id| {
                let (ip, c, ctx) = (ip.clone(), c.clone(), ctx.clone());
                async move {
                    let imported = ip.import(&c, &ctx, id).await.unwrap();
                    ip.read(&c, &ctx, &imported).await.unwrap().unwrap()
                }
            })
            .buffered(10)
            .collect::<Vec<_>>()
            .await
    });
    assert_eq!(states.len(), 12);
    assert!(states.iter().all(|s| s.get("port").as_i64() == Some(5060)));
    assert!(listings(&emu, "/v2/ips").is_empty());
    assert_eq!(single_gets(&emu, "/v2/ips").len(), 12);
}

// ---- through Terraform ------------------------------------------------------------------------

fn config(batch_reads: bool) -> String {
    format!(
        r#"provider "telnyx" {{
  batch_reads = {batch_reads}
}}

resource "telnyx_ip_connection" "c" {{
  connection_name = "batched"
}}

resource "telnyx_ip" "r" {{
  count         = 12
  connection_id = telnyx_ip_connection.c.id
  ip_address    = "192.0.2.${{count.index + 1}}"
  port          = 5060
}}
"#
    )
}

#[test]
fn a_plan_reads_a_batch_and_still_sees_every_change_and_deletion() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(&config(true));
    tf.apply().assert_success();
    let ids = tf.state_ids("telnyx_ip");
    assert_eq!(ids.len(), 12);
    let by_index = |i: usize| tf.state_values(&format!("telnyx_ip.r[{i}]"))["id"].as_str().unwrap().to_string();
    let (changed, deleted) = (by_index(3), by_index(7));
    let address = emu.api(Method::GET, &format!("/ips/{changed}"), None).1["data"]["ip_address"].clone();
    assert_eq!(emu.api(Method::PATCH, &format!("/ips/{changed}"), Some(json!({"ip_address": address, "port": 5071}))).0, 200);
    assert_eq!(emu.api(Method::DELETE, &format!("/ips/{deleted}"), None).0, 200);

    for batch_reads in [true, false] {
        tf.config(&config(batch_reads));
        emu.clear_requests();
        let plan = tf.run(&["plan", "-no-color", "-detailed-exitcode", "-input=false"]);
        assert_eq!(plan.code, 2, "{}", plan.all());
        assert!(plan.stdout.contains("Plan: 1 to add, 1 to change, 0 to destroy."), "{}", plan.stdout);
        assert!(plan.stdout.contains("~ port") && plan.stdout.contains("5071 -> 5060"), "{}", plan.stdout);
        let (pages, singles) = (listings(&emu, "/v2/ips"), single_gets(&emu, "/v2/ips"));
        eprintln!("plan with batch_reads = {batch_reads}: {} listing page(s), {} single GETs", pages.len(), singles.len());
        assert!(singles.contains(&format!("/v2/ips/{deleted}")), "the deletion is confirmed by its own read: {singles:?}");
        if batch_reads {
            assert_eq!(pages.len(), 1, "{pages:?}");
            assert!(singles.len() <= 3, "two reads before the listing, and the deleted one: {singles:?}");
        } else {
            assert!(pages.is_empty());
            assert_eq!(singles.len(), 12);
        }
    }
    tf.config(&config(true));
    tf.apply().assert_success();
    tf.assert_no_changes();
    assert_eq!(emu.objects("ips").len(), 12);
}

#[test]
fn numbers_refresh_from_their_connections_listing_and_a_moved_number_is_still_seen() {
    let emu = Emulator::start();
    let numbers: Vec<String> = (0..10).map(|i| format!("+1312555020{i}")).collect();
    emu.seed(&json!({"phone_numbers": numbers.iter().map(|n| json!({"phone_number": n})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    tf.config(&format!(
        r#"provider "telnyx" {{}}

resource "telnyx_fqdn_connection" "main" {{ connection_name = "batched-numbers" }}

resource "telnyx_phone_number" "n" {{
  for_each           = toset({numbers})
  phone_number       = each.value
  connection_id      = telnyx_fqdn_connection.main.id
  customer_reference = "desk"
}}
"#,
        numbers = serde_json::to_string(&numbers).unwrap()
    ));
    tf.apply().assert_success();
    let id_of = |n: &str| tf.state_values(&format!("telnyx_phone_number.n[\"{n}\"]"))["id"].as_str().unwrap().to_string();
    let (moved, edited) = (id_of(&numbers[4]), id_of(&numbers[6]));
    // Out of band: one number moves to another connection, another's reference changes.
    let (s, other) = emu.api(Method::POST, "/fqdn_connections", Some(json!({"connection_name": "elsewhere"})));
    assert_eq!(s, 201);
    let other = other["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(emu.api(Method::PATCH, &format!("/phone_numbers/{moved}"), Some(json!({"connection_id": other}))).0, 200);
    assert_eq!(emu.api(Method::PATCH, &format!("/phone_numbers/{edited}"), Some(json!({"customer_reference": "other"}))).0, 200);
    emu.clear_requests();
    let plan = tf.run(&["plan", "-no-color", "-detailed-exitcode", "-input=false"]);
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(plan.stdout.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{}", plan.stdout);
    assert!(plan.stdout.contains(&format!("\"{other}\" -> ")) && plan.stdout.contains("\"other\" -> \"desk\""), "{}", plan.stdout);
    let (numbers_pages, voice_pages) = (listings(&emu, "/v2/phone_numbers"), listings(&emu, "/v2/phone_numbers/voice"));
    let singles: Vec<String> = single_gets(&emu, "/v2/phone_numbers").into_iter().filter(|p| !p.ends_with("/voice")).collect();
    eprintln!("10 numbers: {} number page(s), {} voice page(s), single number GETs {singles:?}", numbers_pages.len(), voice_pages.len());
    assert_eq!((numbers_pages.len(), voice_pages.len()), (1, 1));
    let query = numbers_pages[0]["query"].as_str().unwrap().replace("%5B", "[").replace("%5D", "]");
    assert!(query.contains("filter[connection_id]="), "narrowed to the connection: {query}");
    assert!(
        singles.contains(&format!("/v2/phone_numbers/{moved}")),
        "the number missing from its connection's listing is read on its own: {singles:?}"
    );
    assert!(singles.len() <= 3, "{singles:?}");
    tf.apply().assert_success();
    tf.assert_no_changes();
}

/// Batched reads are correct only if a listing's items are the objects' own view: for every
/// family that opts in, each listed item equals `GET {family}/{id}` field for field.
#[test]
fn every_listed_object_equals_its_own_read() {
    let emu = Emulator::start();
    let made = |path: &str, body: Json| {
        let (s, b) = emu.api(Method::POST, path, Some(body));
        assert!(s == 200 || s == 201, "{path}: {s} {b}");
        b.get("data").unwrap_or(&b)["id"].as_str().unwrap().to_string()
    };
    let profile = made("/outbound_voice_profiles", json!({"name": "views"}));
    made("/credential_connections", json!({"connection_name": "views-cred", "user_name": "viewsuser", "password": "s3cret-pass"}));
    let fc = made("/fqdn_connections", json!({"connection_name": "views-fqdn", "outbound": {"outbound_voice_profile_id": profile}}));
    let ic = made("/ip_connections", json!({"connection_name": "views-ip"}));
    made("/fqdns", json!({"connection_id": fc, "fqdn": "sip.example.com", "dns_record_type": "a", "port": 5060}));
    made("/ips", json!({"connection_id": ic, "ip_address": "192.0.2.10"}));
    made("/billing_groups", json!({"name": "views"}));
    emu.seed(&json!({"phone_numbers": [
        {"phone_number": "+13125550300", "connection_id": fc, "tags": ["a"]},
        {"phone_number": "+13125550301", "voice": {"usage_payment_method": "channel"}}
    ]}));
    for family in [
        "/outbound_voice_profiles",
        "/credential_connections",
        "/fqdn_connections",
        "/ip_connections",
        "/fqdns",
        "/ips",
        "/billing_groups",
        "/phone_numbers",
        "/phone_numbers/voice",
    ] {
        let (s, list) = emu.api(Method::GET, &format!("{family}?page[size]=250"), None);
        assert_eq!(s, 200, "{family}");
        let items = list["data"].as_array().unwrap();
        assert!(!items.is_empty(), "{family}");
        for item in items {
            let id = item["id"].as_str().unwrap();
            let own = match family.strip_suffix("/voice") {
                Some(numbers) => format!("{numbers}/{id}/voice"),
                None => format!("{family}/{id}"),
            };
            let (s, single) = emu.api(Method::GET, &own, None);
            assert_eq!(s, 200, "{own}");
            assert_eq!(item, &single["data"], "{family}: the listed item differs from GET {own}");
        }
    }
}

fn profiles_config(max_retries: u32) -> String {
    format!(
        r#"provider "telnyx" {{
  max_retries = {max_retries}
}}

resource "telnyx_outbound_voice_profile" "p" {{
  count = 5
  name  = "mine-${{count.index}}"
}}
"#
    )
}

/// Five profiles in an account of 1,000 (no filter narrows profiles): the plan reads at most
/// one page of the listing, the rest on their own; a listing that fails (503 on every attempt)
/// leaves every read to its own GET, and the plan is the same: a profile deleted out of band
/// is planned back, the others unchanged.
#[test]
fn a_small_state_in_a_large_account_and_a_failed_listing_through_terraform() {
    let emu = Emulator::start();
    emu.seed(&json!({"outbound_voice_profiles": (0..1_000).map(|i| json!({"name": format!("theirs-{i}")})).collect::<Vec<_>>()}));
    let tf = Tf::new(&emu);
    tf.config(&profiles_config(8));
    tf.apply().assert_success();
    let gone = tf.state_values("telnyx_outbound_voice_profile.p[2]")["id"].as_str().unwrap().to_string();
    assert_eq!(emu.api(Method::DELETE, &format!("/outbound_voice_profiles/{gone}"), None).0, 200);
    for failing in [false, true] {
        emu.clear_faults();
        if failing {
            emu.fault(
                &json!({"kind": "error_before", "status": 503, "count": 1000, "method": "GET", "path": "/v2/outbound_voice_profiles"}),
            );
        }
        tf.config(&profiles_config(1));
        emu.clear_requests();
        let plan = tf.run(&["plan", "-no-color", "-detailed-exitcode", "-input=false"]);
        assert_eq!(plan.code, 2, "{}", plan.all());
        assert!(plan.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "{}", plan.stdout);
        let (pages, singles) = (listings(&emu, "/v2/outbound_voice_profiles"), single_gets(&emu, "/v2/outbound_voice_profiles"));
        eprintln!("5 of 1,000 profiles, listing failing: {failing}: {} listing request(s), {} single GETs", pages.len(), singles.len());
        assert_eq!(singles.len(), 5, "{singles:?}");
        if failing {
            assert!(pages.len() <= 2 && pages.iter().all(|p| p["status"] == 503), "one listing attempt and its one retry: {pages:?}");
        } else {
            assert!(pages.len() <= 1, "at most the first page, never the account: {pages:?}");
        }
    }
    emu.clear_faults();
    tf.apply().assert_success();
    tf.assert_no_changes();
}

// ---- over the plugin protocol: a write, then a read, in one provider process -------------------

use crate::support::plugin;

/// Terraform runs each walk (plan, apply) in provider processes of its own, so no command of
/// Terraform 1.0.3 reads an object after writing it in one process; a Terraform client may
/// (and a provider must not depend on it not doing so). Replayed over the real transport:
/// reads that fetch a listing, an update of one object, then reads of it and of a neighbour.
#[test]
fn over_the_protocol_a_read_after_an_update_is_never_answered_from_the_older_listing() {
    use tfplug::proto::tfplugin6 as pb;
    use tfplug::{Provider as _, Value, msgpack};
    let emu = Emulator::start();
    let (_, ids) = records(&emu, "protocol", 12);
    let provider_ty = terraform_provider_telnyx::provider::TelnyxProvider.schema().ty();
    let (resources, _) = terraform_provider_telnyx::resources::registry();
    let ip_ty = resources.iter().find(|r| r.type_name() == "telnyx_ip").unwrap().schema().ty();
    fn dv(v: &Value, ty: &tfplug::Type) -> Option<pb::DynamicValue> {
        Some(pb::DynamicValue { msgpack: msgpack::encode(v, ty).unwrap(), json: Vec::new() })
    }
    let rt = runtime();
    let (mut plugin, client) = rt.block_on(plugin::serving());
    let mut c = client.clone();
    let mut config = Value::null_object(&provider_ty);
    config.set("api_key", Value::string(API_KEY));
    config.set("base_url", Value::string(emu.base_url()));
    rt.block_on(async {
        c.get_provider_schema(pb::get_provider_schema::Request::default()).await.unwrap();
        let r = c
            .configure_provider(pb::configure_provider::Request {
                terraform_version: "1.14.0".into(),
                config: dv(&config, &provider_ty),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    });
    let read = |id: String| {
        let (mut c, ip_ty) = (client.clone(), ip_ty.clone());
        async move {
            let mut state = Value::null_object(&ip_ty);
            state.set("id", Value::string(&id));
            let r = c
                .read_resource(pb::read_resource::Request {
                    type_name: "telnyx_ip".into(),
                    current_state: dv(&state, &ip_ty),
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
            msgpack::decode(&r.new_state.unwrap().msgpack, &ip_ty).unwrap()
        }
    };
    emu.clear_requests();
    let states: Vec<Value> = rt.block_on(futures_util::stream::iter(ids.clone()).map(read).buffered(10).collect());
    assert_eq!(listings(&emu, "/v2/ips").len(), 1, "the refresh read a listing");
    // Apply an update of one record in the same process.
    let prior = states[5].clone();
    let mut planned = prior.clone();
    planned.set("port", Value::int(5071));
    planned.set("updated_at", Value::unknown());
    let r = rt
        .block_on(c.apply_resource_change(pb::apply_resource_change::Request {
            type_name: "telnyx_ip".into(),
            prior_state: dv(&prior, &ip_ty),
            planned_state: dv(&planned, &ip_ty),
            config: dv(&planned, &ip_ty),
            ..Default::default()
        }))
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    emu.clear_requests();
    let after = rt.block_on(read(ids[5].clone()));
    assert_eq!(after.get("port").as_i64(), Some(5071), "read after the write: {after:?}");
    assert_eq!(single_gets(&emu, "/v2/ips"), vec![format!("/v2/ips/{}", ids[5])], "the written record is read on its own");
    emu.clear_requests();
    let neighbour = rt.block_on(read(ids[6].clone()));
    assert_eq!(neighbour, states[6], "an untouched record is still answered from the listing");
    assert!(emu.request_log().is_empty(), "and costs no request");
    assert!(plugin.terminate());
}
