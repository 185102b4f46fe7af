//! The voice applications (telnyx_call_control_application, telnyx_texml_application) and
//! their data sources, through the real terraform binary against the emulator: full
//! lifecycles with a non-default value in every attribute and nested object, updates whose
//! PATCH must carry the fields Telnyx requires on every update, clearing, import, deletion
//! outside Terraform, minimal configurations, plan-time validation without API calls.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::{Value as Json, json};

const PROFILE: &str = r#"
provider "telnyx" {}

resource "telnyx_outbound_voice_profile" "p" {
  name = "e2e-apps-profile"
}
"#;

fn call_control_full() -> String {
    format!(
        r#"{PROFILE}
resource "telnyx_call_control_application" "a" {{
  application_name           = "e2e-call-control"
  webhook_event_url          = "https://example.com/hook"
  webhook_event_failover_url = "https://failover.example.com/hook"
  webhook_api_version        = "2"
  webhook_timeout_secs       = 25
  active                     = false
  anchorsite_override        = "Chennai, IN"
  call_cost_in_webhooks      = true
  dtmf_type                  = "Inband"
  first_command_timeout      = true
  first_command_timeout_secs = 10
  redact_dtmf_debug_logging  = true
  tags                       = ["b", "a"]
  inbound = {{
    channel_limit                  = 10
    shaken_stir_enabled            = true
    sip_subdomain                  = "e2ecallcontrol"
    sip_subdomain_receive_settings = "only_my_connections"
  }}
  outbound = {{
    channel_limit             = 5
    outbound_voice_profile_id = telnyx_outbound_voice_profile.p.id
  }}
}}
"#
    )
}

fn texml_full() -> String {
    format!(
        r#"{PROFILE}
resource "telnyx_texml_application" "a" {{
  friendly_name              = "e2e-texml"
  voice_url                  = "https://example.com/texml"
  voice_method               = "get"
  voice_fallback_url         = "https://example.com/fallback"
  status_callback            = "https://example.com/status"
  status_callback_method     = "get"
  active                     = false
  anchorsite_override        = "Frankfurt, Germany"
  call_cost_in_webhooks      = true
  dtmf_type                  = "SIP INFO"
  first_command_timeout      = true
  first_command_timeout_secs = 15
  tags                       = ["x"]
  inbound = {{
    channel_limit                  = 10
    shaken_stir_enabled            = true
    sip_subdomain                  = "e2etexml"
    sip_subdomain_receive_settings = "only_my_connections"
  }}
  outbound = {{
    channel_limit             = 5
    outbound_voice_profile_id = telnyx_outbound_voice_profile.p.id
  }}
}}
"#
    )
}

/// What one lifecycle changes: an in-place update of one argument (`from` -> `to` in the
/// configuration), then values removed (`clear`: configuration lines) that must be cleared.
struct Steps<'a> {
    kind: &'a str,
    config: String,
    update: (&'a str, &'a str),
    /// (field, stored value after the update)
    updated: (&'a str, Json),
    /// Lines removed from the configuration, and the dotted fields they clear.
    clear: &'a [(&'a str, &'a str)],
    /// The fields Telnyx requires in every PATCH.
    required: [&'a str; 2],
}

fn at<'a>(o: &'a Json, dotted: &str) -> &'a Json {
    dotted.split('.').fold(o, |o, k| &o[k])
}

/// create with every argument -> empty plan -> update of one argument in place (its PATCH
/// carries the required fields) -> empty plan -> clearing -> empty plan -> import -> empty
/// plan -> deleted behind Terraform's back -> plan shows create -> destroy -> emulator empty.
fn lifecycle(s: &Steps<'_>, check_created: impl Fn(&Json)) {
    let family = format!("{}_applications", s.kind);
    let addr = format!("telnyx_{}_application.a", s.kind);
    let emu = Emulator::start();
    let tf = Tf::new(&emu);

    tf.config(&s.config);
    tf.apply().assert_success();
    let objs = emu.objects(&family);
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    let id = o["id"].as_str().unwrap().to_string();
    let profile_id = emu.objects("outbound_voice_profiles")[0]["id"].as_str().unwrap().to_string();
    assert_eq!(o["outbound"]["outbound_voice_profile_id"], profile_id.as_str());
    assert_eq!(o["outbound"]["channel_limit"], 5);
    assert_eq!(o["inbound"]["channel_limit"], 10);
    assert_eq!(o["inbound"]["sip_subdomain_receive_settings"], "only_my_connections");
    check_created(o);
    tf.assert_no_changes();

    // One argument changes: an update in place, whose PATCH Telnyx accepts only with the
    // required fields (the emulator answers 422 without them).
    emu.clear_requests();
    let (from, to) = s.update;
    assert!(s.config.contains(from), "{from}");
    let config = s.config.replace(from, to);
    tf.config(&config);
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let patches: Vec<u16> =
        emu.requests().into_iter().filter(|(m, p, _)| m == "PATCH" && p == &format!("/v2/{family}/{id}")).map(|(_, _, st)| st).collect();
    assert_eq!(patches, [200], "one PATCH, accepted with {:?}", s.required);
    let o = &emu.objects(&family)[0];
    assert_eq!(at(o, s.updated.0), &s.updated.1, "{o}");
    for f in s.required {
        assert!(o[f].as_str().is_some_and(|v| !v.is_empty()), "{f}: {o}");
    }
    check_created(o);
    tf.assert_no_changes();

    // Values without a server default removed from the configuration are cleared; the rest of
    // a nested object keeps its values.
    let mut cleared = config;
    for (line, _) in s.clear {
        assert!(cleared.contains(line), "{line}");
        cleared = cleared.replace(line, "");
    }
    tf.config(&cleared);
    tf.apply().assert_success();
    let o = &emu.objects(&family)[0];
    for (_, field) in s.clear {
        assert!(at(o, field).is_null(), "{field} not cleared: {o}");
    }
    assert_eq!(o["inbound"]["sip_subdomain_receive_settings"], "only_my_connections", "{o}");
    tf.assert_no_changes();

    // Import by id: the same state, and an empty plan.
    let before = tf.state_values(&addr);
    tf.state_rm(&addr).assert_success();
    tf.import(&addr, &id).assert_success();
    assert_eq!(before, tf.state_values(&addr), "import verify: state after import differs");
    tf.assert_no_changes();

    // Deleted behind Terraform's back: the plan shows a create.
    let (st, _) = emu.api(Method::DELETE, &format!("/{family}/{id}"), None);
    assert_eq!(st, 200);
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains(&format!("{addr} will be created")), "{}", r.stdout);

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0, "{:?}", emu.objects(&family));
}

#[test]
fn call_control_application_full_lifecycle() {
    lifecycle(
        &Steps {
            kind: "call_control",
            config: call_control_full(),
            update: (r#"dtmf_type                  = "Inband""#, r#"dtmf_type                  = "SIP INFO""#),
            updated: ("dtmf_type", json!("SIP INFO")),
            clear: &[
                ("  webhook_timeout_secs       = 25\n", "webhook_timeout_secs"),
                ("    channel_limit                  = 10\n", "inbound.channel_limit"),
                ("    sip_subdomain                  = \"e2ecallcontrol\"\n", "inbound.sip_subdomain"),
            ],
            required: ["application_name", "webhook_event_url"],
        },
        |o| {
            assert_eq!(o["anchorsite_override"], "Chennai, IN");
            assert_eq!(o["tags"].as_array().map(Vec::len), Some(2), "tags sent by the follow-up update: {o}");
            assert_eq!(o["webhook_api_version"], "2");
            assert_eq!(o["redact_dtmf_debug_logging"], true);
            assert_eq!(o["first_command_timeout_secs"], 10);
            assert_eq!(o["webhook_event_failover_url"], "https://failover.example.com/hook");
        },
    );
}

#[test]
fn texml_application_full_lifecycle() {
    lifecycle(
        &Steps {
            kind: "texml",
            config: texml_full(),
            update: (r#"first_command_timeout_secs = 15"#, r#"first_command_timeout_secs = 20"#),
            updated: ("first_command_timeout_secs", json!(20)),
            clear: &[
                ("  voice_fallback_url         = \"https://example.com/fallback\"\n", "voice_fallback_url"),
                ("  status_callback            = \"https://example.com/status\"\n", "status_callback"),
                ("    channel_limit             = 5\n", "outbound.channel_limit"),
            ],
            required: ["friendly_name", "voice_url"],
        },
        |o| {
            assert_eq!(o["anchorsite_override"], "Frankfurt, Germany");
            assert_eq!(o["tags"], json!(["x"]));
            assert_eq!(o["voice_method"], "get");
            assert_eq!(o["status_callback_method"], "get");
            assert_eq!(o["dtmf_type"], "SIP INFO");
        },
    );
}

/// Tags set at creation reach a Call Control application (Telnyx takes them only on update):
/// one POST without them, then one PATCH with them.
#[test]
fn call_control_tags_set_at_creation_land_through_a_follow_up_update() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_call_control_application" "a" {
  application_name  = "tagged"
  webhook_event_url = "https://example.com/hook"
  tags              = ["team-voice"]
}
resource "telnyx_call_control_application" "b" {
  application_name  = "untagged"
  webhook_event_url = "https://example.com/hook"
}
"#,
    );
    tf.apply().assert_success();
    let log = emu.requests();
    let posts = log.iter().filter(|(m, p, st)| m == "POST" && p == "/v2/call_control_applications" && *st == 201).count();
    let patches: Vec<u16> =
        log.iter().filter(|(m, p, _)| m == "PATCH" && p.starts_with("/v2/call_control_applications/")).map(|r| r.2).collect();
    assert_eq!((posts, patches), (2, vec![200]), "{log:?}");
    let apps = emu.objects("call_control_applications");
    let tagged = apps.iter().find(|a| a["application_name"] == "tagged").unwrap();
    assert_eq!(tagged["tags"], json!(["team-voice"]));
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn minimal_applications_have_no_perpetual_diff_and_data_sources_find_them() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let minimal = r#"
provider "telnyx" {}
resource "telnyx_call_control_application" "c" {
  application_name  = "min-call-control"
  webhook_event_url = "https://example.com/hook"
}
resource "telnyx_texml_application" "t" {
  friendly_name = "min-texml"
  voice_url     = "https://example.com/texml"
  inbound       = { channel_limit = 3 }
}
"#;
    tf.config(minimal);
    tf.apply().assert_success();
    tf.assert_no_changes();
    let c = tf.state_values("telnyx_call_control_application.c");
    assert_eq!(c["anchorsite_override"], "Latency");
    assert_eq!(c["webhook_api_version"], "1");
    assert_eq!(c["webhook_event_failover_url"], "");
    assert_eq!(c["first_command_timeout_secs"], 30);
    assert!(c["webhook_timeout_secs"].is_null() && c["tags"].is_null(), "{c}");
    assert_eq!(c["inbound"]["sip_subdomain_receive_settings"], "from_anyone");
    let t = tf.state_values("telnyx_texml_application.t");
    assert_eq!((&t["voice_method"], &t["status_callback_method"]), (&json!("post"), &json!("post")));
    assert!(t["voice_fallback_url"].is_null() && t["status_callback"].is_null(), "{t}");
    assert_eq!(t["inbound"]["channel_limit"], 3);
    assert_eq!(t["inbound"]["shaken_stir_enabled"], false);

    // Data sources: by name, and the lists with their name filters.
    tf.config(&format!(
        r#"{minimal}
data "telnyx_call_control_application" "by_name" {{
  application_name = telnyx_call_control_application.c.application_name
}}
data "telnyx_texml_application" "by_name" {{
  friendly_name = telnyx_texml_application.t.friendly_name
}}
data "telnyx_call_control_applications" "min" {{
  application_name_contains = "MIN-CALL"
  depends_on                = [telnyx_call_control_application.c]
}}
data "telnyx_texml_applications" "min" {{
  friendly_name_contains = "min-tex"
  depends_on             = [telnyx_texml_application.t]
}}
output "found" {{
  value = [
    data.telnyx_call_control_application.by_name.id,
    data.telnyx_texml_application.by_name.id,
    length(data.telnyx_call_control_applications.min.call_control_applications),
    length(data.telnyx_texml_applications.min.texml_applications),
  ]
}}
"#
    ));
    let r = tf.apply();
    r.assert_success();
    let out = tf.run(&["output", "-json", "found"]);
    let found: Json = serde_json::from_str(&out.stdout).unwrap();
    let ids = (emu.objects("call_control_applications")[0]["id"].clone(), emu.objects("texml_applications")[0]["id"].clone());
    assert_eq!(found, json!([ids.0, ids.1, 1, 1]), "{}", r.stdout);
    tf.config(minimal);
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn invalid_applications_fail_at_plan_without_api_calls() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_call_control_application" "c" {
  application_name           = "bad-call-control"
  webhook_event_url          = "example.com/hook"
  webhook_event_failover_url = "failover.example.com"
  webhook_timeout_secs       = 31
  webhook_api_version        = "texml"
  anchorsite_override        = "Vancouver, Canada"
  dtmf_type                  = "rfc2833"
  inbound                    = { sip_subdomain_receive_settings = "anyone" }
}
resource "telnyx_texml_application" "t" {
  friendly_name          = "bad-texml"
  voice_url              = "ftp://example.com/texml"
  voice_method           = "POST"
  status_callback        = "example.com/status"
  status_callback_method = "put"
  voice_fallback_url     = "/fallback"
  anchorsite_override    = "Chennai, IN"
}
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all().replace('\n', " ");
    for attr in [
        "webhook_event_url",
        "webhook_event_failover_url",
        "webhook_timeout_secs",
        "webhook_api_version",
        "anchorsite_override",
        "dtmf_type",
        "inbound.sip_subdomain_receive_settings",
        "voice_url",
        "voice_method",
        "status_callback",
        "status_callback_method",
        "voice_fallback_url",
    ] {
        assert!(out.contains(&format!("`{attr}` must be")), "no error for {attr}:\n{out}");
    }
    assert_eq!(out.matches("`anchorsite_override` must be").count(), 2, "each type has its own list:\n{out}");
    assert!(out.contains("`Chennai, IN`") && out.contains("`Frankfurt, Germany`"), "{out}");
    assert!(emu.requests().is_empty(), "API calls at plan: {:?}", emu.requests());
}

/// `export` writes both application types (duplicate and awkward names, profiles as
/// references, Telnyx's defaults left out); the import script and the plan after it make no
/// write request and plan nothing.
#[test]
fn exported_applications_import_and_plan_empty_with_no_write() {
    let emu = Emulator::start();
    let post = |path: &str, body: Json| {
        let (st, b) = emu.api(Method::POST, path, Some(body));
        assert!(st == 200 || st == 201, "{path}: {st} {b}");
        b["data"]["id"].as_str().unwrap().to_string()
    };
    let profile = post("/outbound_voice_profiles", json!({"name": "apps profile"}));
    for name in ["IVR router", "IVR router", "ab"] {
        post(
            "/call_control_applications",
            json!({"application_name": name, "webhook_event_url": "https://example.com/cc", "anchorsite_override": "Chennai, IN",
                   "webhook_timeout_secs": 20, "inbound": {"channel_limit": 4}, "outbound": {"outbound_voice_profile_id": profile}}),
        );
    }
    let cc = emu.objects("call_control_applications")[0]["id"].as_str().unwrap().to_string();
    let (st, _) = emu.api(
        Method::PATCH,
        &format!("/call_control_applications/{cc}"),
        Some(json!({"application_name": "IVR router", "webhook_event_url": "https://example.com/cc", "tags": ["ivr", "main"]})),
    );
    assert_eq!(st, 200);
    post("/texml_applications", json!({"friendly_name": "voicemail", "voice_url": "https://example.com/texml"}));
    post(
        "/texml_applications",
        json!({"friendly_name": "9 to 5 menu", "voice_url": "https://example.com/menu", "voice_method": "get", "status_callback": "https://example.com/s",
               "tags": ["menu"], "outbound": {"outbound_voice_profile_id": profile, "channel_limit": 2}}),
    );
    emu.clear_requests();

    let tf = Tf::installed(&emu);
    let out = std::process::Command::new(crate::support::provider_bin())
        .args(["export", "--out"])
        .arg(tf.path())
        .env("TELNYX_API_KEY", crate::support::API_KEY)
        .env("TELNYX_BASE_URL", emu.base_url())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("wrote 6 objects"), "{stderr}");
    let read = |f: &str| std::fs::read_to_string(tf.path().join(f)).unwrap();
    let cc = read("telnyx_call_control_application.tf");
    assert!(cc.contains("\"ivr_router\"") && cc.contains("\"ivr_router_2\""), "duplicate names:\n{cc}");
    assert!(cc.contains("outbound_voice_profile_id = telnyx_outbound_voice_profile."), "the profile is a reference:\n{cc}");
    assert!(!cc.contains("webhook_api_version") && !cc.contains("first_command_timeout_secs"), "defaults left out:\n{cc}");
    let texml = read("telnyx_texml_application.tf");
    assert!(texml.contains("voice_method") && !texml.contains("status_callback_method"), "{texml}");
    let fmt = tf.run(&["fmt", "-check", "-recursive", "-no-color"]);
    assert_eq!(fmt.code, 0, "{}", fmt.all());

    crate::export::import_exported(&tf, 6);
    let r = tf.plan();
    assert_eq!(r.code, 0, "the plan after import is not empty:\n{}", r.all());
    let writes: Vec<_> = emu.requests().into_iter().filter(|(m, _, _)| m != "GET").collect();
    assert!(writes.is_empty(), "write requests during the round trip: {writes:?}");
    assert_eq!(tf.state_ids("telnyx_call_control_application").len(), 3);
    assert_eq!(tf.state_ids("telnyx_texml_application").len(), 2);
}

/// A create whose connection drops after Telnyx made the application: the provider finds it by
/// its exact name (`application_name` / `friendly_name`, listed with the name filter) and adopts
/// it instead of creating a second one; the Call Control tags still land by the follow-up update.
#[test]
fn an_application_made_by_a_dropped_create_is_adopted_by_name() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    emu.fault(&json!({"kind": "drop_after", "method": "POST", "path_prefix": "/v2/call_control_applications"}));
    emu.fault(&json!({"kind": "drop_after", "method": "POST", "path_prefix": "/v2/texml_applications"}));
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_call_control_application" "c" {
  application_name  = "adopted-cc"
  webhook_event_url = "https://example.com/hook"
  tags              = ["t"]
}
resource "telnyx_texml_application" "t" {
  friendly_name = "adopted-texml"
  voice_url     = "https://example.com/texml"
}
"#,
    );
    tf.apply().assert_success();
    let cc = emu.objects("call_control_applications");
    let texml = emu.objects("texml_applications");
    assert_eq!((cc.len(), texml.len()), (1, 1), "one object each, not two");
    assert_eq!(cc[0]["tags"], json!(["t"]));
    assert_eq!(tf.state_ids("telnyx_call_control_application"), [cc[0]["id"].as_str().unwrap()]);
    assert_eq!(tf.state_ids("telnyx_texml_application"), [texml[0]["id"].as_str().unwrap()]);
    let log = emu.request_log();
    let lookups: Vec<&str> = log.iter().filter(|r| r["method"] == "GET").filter_map(|r| r["query"].as_str()).collect();
    assert!(
        lookups.iter().any(|q| q.contains("filter%5Bapplication_name%5D%5Bcontains%5D=adopted-cc")
            || q.contains("filter[application_name][contains]=adopted-cc")),
        "{lookups:?}"
    );
    assert!(
        lookups.iter().any(|q| q.contains("filter%5Bfriendly_name%5D=adopted-texml") || q.contains("filter[friendly_name]=adopted-texml")),
        "{lookups:?}"
    );
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// Issue 20 point 4: a number routed to a Call Control application, then moved to a TeXML
/// application — one in-place update each way — with the routing resource doing the same for a
/// batch; `telnyx_connections` lists both applications by name; an application numbers still
/// use cannot be destroyed before the numbers move (Terraform moves them first: the move is an
/// update of the number, the delete comes after).
#[test]
fn numbers_route_to_a_call_control_application_and_move_to_a_texml_application() {
    let emu = Emulator::start();
    let ids = emu.seed(&json!({"phone_numbers": [{"phone_number": "+13125550100"}, {"phone_number": "+13125550101"}]}));
    let tf = Tf::new(&emu);
    let config = |target: &str| {
        format!(
            r#"provider "telnyx" {{}}
resource "telnyx_call_control_application" "ivr" {{
  application_name  = "ivr"
  webhook_event_url = "https://example.com/hook"
}}
resource "telnyx_texml_application" "texml" {{
  friendly_name = "texml-ivr"
  voice_url     = "https://example.com/texml"
}}
resource "telnyx_phone_number" "main" {{
  phone_number  = "+13125550100"
  connection_id = {target}.id
}}
resource "telnyx_phone_numbers_routing" "rest" {{
  phone_numbers = ["+13125550101"]
  connection_id = {target}.id
}}
data "telnyx_connections" "all" {{
  depends_on = [telnyx_call_control_application.ivr, telnyx_texml_application.texml]
}}
output "names" {{
  value = [for c in data.telnyx_connections.all.connections : "${{c.record_type}}:${{c.connection_name}}"]
}}"#
        )
    };
    tf.config(&config("telnyx_call_control_application.ivr"));
    tf.apply().assert_success();
    let cc = emu.objects("call_control_applications")[0]["id"].as_str().unwrap().to_string();
    for id in ids["phone_numbers"].as_array().unwrap() {
        let n = emu.objects("phone_numbers").into_iter().find(|n| n["id"] == *id).unwrap();
        assert_eq!(n["connection_id"].as_str(), Some(cc.as_str()), "{n}");
    }
    tf.assert_no_changes();
    let out = tf.run(&["output", "-json", "names"]);
    let mut names: Vec<String> = serde_json::from_str(&out.stdout).unwrap();
    names.sort();
    assert_eq!(names, ["call_control_application:ivr", "texml_application:texml-ivr"]);

    tf.config(&config("telnyx_texml_application.texml"));
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(plan.stdout.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{}", plan.stdout);
    tf.apply().assert_success();
    let tx = emu.objects("texml_applications")[0]["id"].as_str().unwrap().to_string();
    assert!(emu.objects("phone_numbers").iter().all(|n| n["connection_id"].as_str() == Some(tx.as_str())));
    tf.assert_no_changes();

    // Destroy: the numbers are given back (unrouted) before the applications go.
    tf.destroy().assert_success();
    assert!(emu.objects("phone_numbers").iter().all(|n| n["connection_id"].is_null()));
    assert!(emu.objects("call_control_applications").is_empty() && emu.objects("texml_applications").is_empty());
    assert_eq!(emu.count("DELETE", "/v2/phone_numbers") + emu.count("POST", "/v2/phone_numbers/jobs/delete_phone_numbers"), 0);
}
