//! telnyx_uac_connection, its data sources and telnyx_uac_connection_registration_status through
//! the real terraform binary against the emulator: the full lifecycle with a non-default value in
//! every nested object, a minimal configuration, masked passwords, secrets kept out of every
//! output, the write-only password, plan-time validation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{API_KEY, Emulator, Tf, provider_bin, require_terraform};
use reqwest::Method;
use serde_json::{Value as Json, json};

const PASSWORD: &str = "Uac-Top-Secret-Passw0rd";
const PBX_PASSWORD: &str = "Pbx-Digest-Secret-9f3k";
const NEW_PBX_PASSWORD: &str = "Pbx-Rotated-Secret-7q2w";

/// Every argument, each nested object with non-default values.
fn full_config(pbx_password: &str, expiration: u32) -> String {
    format!(
        r#"
provider "telnyx" {{}}

resource "telnyx_outbound_voice_profile" "p" {{
  name = "e2e-uac-profile"
}}

resource "telnyx_uac_connection" "c" {{
  connection_name                       = "e2e-uac"
  active                                = false
  anchorsite_override                   = "Frankfurt, Germany"
  android_push_credential_id            = "android-cred-1"
  bridge_generate_comfort_noise_on_cn   = true
  call_cost_in_webhooks                 = true
  default_on_hold_comfort_noise_enabled = false
  dtmf_type                             = "Inband"
  encode_contact_header_enabled         = true
  encrypted_media                       = "SRTP"
  ios_push_credential_id                = "ios-cred-1"
  noise_suppression                     = "inbound"
  onnet_t38_passthrough_enabled         = true
  sip_uri_calling_preference            = "unrestricted"
  tags                                  = ["pbx", "branch"]
  user_name                             = "uacuser01"
  password                              = "{PASSWORD}"
  webhook_api_version                   = "2"
  webhook_event_failover_url            = "https://failover.example.com/hook"
  webhook_event_url                     = "https://example.com/hook"
  webhook_timeout_secs                  = 20
  external_uac_settings = {{
    username       = "branch_pbx-1"
    password       = "{pbx_password}"
    auth_username  = "branch-auth"
    proxy          = "sip-pbx.branch.example.com"
    outbound_proxy = "outbound.sip-pbx.branch.example.com:5061"
    transport      = "TLS"
    expiration_sec = {expiration}
    from_user      = "branch"
    user_agent     = "BranchPBX/1.0"
  }}
  internal_uac_settings = {{
    destination_uri = "branch_1@acme.sip.telnyx.com"
  }}
  inbound = {{
    ani_number_format           = "+E.164"
    channel_limit               = 7
    codecs                      = ["OPUS", "G711U"]
    default_routing_method      = "round-robin"
    dnis_number_format          = "national"
    generate_ringback_tone      = true
    isup_headers_enabled        = true
    prack_enabled               = true
    shaken_stir_enabled         = true
    simultaneous_ringing        = "enabled"
    sip_compact_headers_enabled = false
    sip_region                  = "Australia"
    timeout_1xx_secs            = 5
    timeout_2xx_secs            = 100
  }}
  outbound = {{
    ani_override              = "+13125550100"
    ani_override_type         = "emergency"
    call_parking_enabled      = true
    channel_limit             = 3
    generate_ringback_tone    = true
    instant_ringback_enabled  = false
    localization              = "DE"
    outbound_voice_profile_id = telnyx_outbound_voice_profile.p.id
    t38_reinvite_source       = "customer"
  }}
  rtcp_settings             = {{ capture_enabled = true, port = "rtcp-mux", report_frequency_secs = 30 }}
  jitter_buffer             = {{ enable_jitter_buffer = true, jitterbuffer_msec_max = 250, jitterbuffer_msec_min = 70 }}
  noise_suppression_details = {{ attenuation_limit = 60, engine = "krisp_viva_tel" }}
}}
"#
    )
}

/// `v` without the named members (dotted: one level of nesting).
fn without(v: &Json, paths: &[&str]) -> Json {
    let mut v = v.clone();
    for p in paths {
        let removed = match p.split_once('.') {
            Some((outer, inner)) => v[outer].as_object_mut().and_then(|o| o.remove(inner)),
            None => v.as_object_mut().unwrap().remove(*p),
        };
        assert!(removed.is_some(), "{p} is not in {v}");
    }
    v
}

#[test]
fn uac_connection_full_lifecycle() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let addr = "telnyx_uac_connection.c";
    tf.config(&full_config(PBX_PASSWORD, 600));
    tf.apply().assert_success();
    let objs = emu.objects("uac_connections");
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    let id = o["id"].as_str().unwrap().to_string();
    let profile_id = emu.objects("outbound_voice_profiles")[0]["id"].clone();
    assert_eq!(o["password"], PASSWORD);
    assert_eq!(o["external_uac_settings"]["password"], PBX_PASSWORD);
    assert_eq!(o["external_uac_settings"]["user_agent"], "BranchPBX/1.0");
    assert_eq!(o["internal_uac_settings"]["destination_uri"], "branch_1@acme.sip.telnyx.com");
    assert_eq!(o["default_on_hold_comfort_noise_enabled"], false);
    assert_eq!(o["inbound"]["sip_region"], "Australia");
    assert_eq!(o["outbound"]["outbound_voice_profile_id"], profile_id);
    assert_eq!(o["noise_suppression_details"]["engine"], "krisp_viva_tel");
    // What Telnyx generates is in state; the registration status (it changes on its own) is not.
    let st = tf.state_values(addr);
    assert_eq!(st["fqdn"], o["fqdn"]);
    assert_eq!(st["fqdns"][0]["fqdn"], o["fqdn"]);
    assert_eq!(st["inbound"]["sip_subdomain"], o["inbound"]["sip_subdomain"]);
    assert_eq!(st["authentication"], "uac-authentication");
    assert!(st.get("registration_status").is_none(), "{st}");
    assert!(st.get("conversation_persistence").is_none(), "{st}");
    // Every read answers both passwords masked: not drift.
    let (_, got) = emu.api(Method::GET, &format!("/uac_connections/{id}"), None);
    assert_eq!(
        (got["data"]["password"].as_str(), got["data"]["external_uac_settings"]["password"].as_str()),
        (Some("********"), Some("********"))
    );
    tf.assert_no_changes();
    assert_eq!(tf.state_values(addr)["external_uac_settings"]["password"], PBX_PASSWORD, "state keeps the configured value");

    // One nested member changes: an update in place sending the whole nested object.
    tf.config(&full_config(PBX_PASSWORD, 900));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let o = &emu.objects("uac_connections")[0];
    assert_eq!(o["id"], id.as_str());
    assert_eq!(o["external_uac_settings"]["expiration_sec"], 900);
    assert_eq!(o["external_uac_settings"]["password"], PBX_PASSWORD);
    assert_eq!(o["external_uac_settings"]["outbound_proxy"], "outbound.sip-pbx.branch.example.com:5061");
    assert_eq!(o["inbound"]["channel_limit"], 7, "inbound untouched");
    tf.assert_no_changes();

    // Import by id: the state matches but for the passwords Telnyx does not reveal on reads;
    // as for credential connections, the first apply sets them again.
    let before = tf.state_values(addr);
    tf.state_rm(addr).assert_success();
    tf.import(addr, &id).assert_success();
    let after = tf.state_values(addr);
    let secrets = ["password", "external_uac_settings.password"];
    assert_eq!(without(&before, &secrets), without(&after, &secrets), "import verify");
    assert!(after["password"].is_null() && after["external_uac_settings"]["password"].is_null(), "a mask is not invented: {after}");
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("1 to change") && r.stdout.contains("(sensitive value)"), "{}", r.stdout);
    for secret in [PASSWORD, PBX_PASSWORD] {
        assert!(!r.all().contains(secret), "the plan shows a password");
    }
    tf.apply().assert_success();
    tf.assert_no_changes();
    let o = &emu.objects("uac_connections")[0];
    assert_eq!((o["password"].as_str(), o["external_uac_settings"]["password"].as_str()), (Some(PASSWORD), Some(PBX_PASSWORD)));

    // Deleted behind Terraform's back: the plan shows a create.
    let (status, _) = emu.api(Method::DELETE, &format!("/uac_connections/{id}"), None);
    assert_eq!(status, 200);
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains(&format!("{addr} will be created")), "{}", r.stdout);

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0, "{:?}", emu.objects("uac_connections"));
}

/// Only the name: Telnyx's defaults land in state (the comfort-noise default read back, not
/// assumed) and never diff; the data sources find the connection by name and by FQDN, and
/// report its registration.
#[test]
fn uac_connection_minimal_and_data_sources() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_uac_connection" "c" {
  connection_name = "e2e-uac-min"
}
data "telnyx_uac_connection" "by_name" {
  connection_name = telnyx_uac_connection.c.connection_name
}
data "telnyx_uac_connections" "by_fqdn" {
  fqdn = telnyx_uac_connection.c.fqdn
}
data "telnyx_uac_connection_registration_status" "c" {
  id = telnyx_uac_connection.c.id
}
output "registration" {
  value = [data.telnyx_uac_connection.by_name.registration_status, data.telnyx_uac_connection_registration_status.c.status]
}
output "found" {
  value = [for c in data.telnyx_uac_connections.by_fqdn.uac_connections : c.id]
}
"#,
    );
    tf.apply().assert_success();
    let o = &emu.objects("uac_connections")[0];
    let st = tf.state_values("telnyx_uac_connection.c");
    assert_eq!(st["default_on_hold_comfort_noise_enabled"], o["default_on_hold_comfort_noise_enabled"]);
    assert_eq!(st["inbound"]["sip_region"], "US");
    tf.assert_no_changes();
    let out = tf.run(&["output", "-json"]);
    let out: Json = serde_json::from_str(&out.assert_success().stdout).unwrap();
    assert_eq!(out["registration"]["value"], json!(["Not Registered", "Not Registered"]));
    assert_eq!(out["found"]["value"], json!([o["id"]]));
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// Neither password reaches plan, apply or show output, nor the provider's logs at TRACE.
#[test]
fn uac_passwords_never_reach_terraform_output_even_at_trace() {
    let emu = Emulator::start();
    let mut tf = Tf::new(&emu);
    tf.env("TF_LOG", "TRACE");
    let cfg = |pbx: &str| {
        format!(
            r#"
provider "telnyx" {{}}
resource "telnyx_uac_connection" "c" {{
  connection_name = "secret-uac"
  password        = "{PASSWORD}"
  external_uac_settings = {{ username = "secretpbx", password = "{pbx}", proxy = "pbx.example.com" }}
}}
"#
        )
    };
    tf.config(&cfg(PBX_PASSWORD));
    let mut runs = vec![tf.apply(), tf.plan()];
    tf.config(&cfg(NEW_PBX_PASSWORD));
    runs.push(tf.plan());
    runs.push(tf.apply());
    runs.push(tf.run(&["show", "-no-color"]));
    runs.push(tf.destroy());
    for (i, r) in runs.iter().enumerate() {
        assert!(r.code == 0 || (i == 2 && r.code == 2), "run {i} failed:\n{}", r.stdout);
        let all = r.all();
        assert!(all.contains("[TRACE]"), "TF_LOG=TRACE did not take effect");
        if i == 0 {
            assert!(all.contains("secret-uac") && all.contains("request body"), "the trace shows request bodies, redacted");
        }
        for secret in [PASSWORD, PBX_PASSWORD, NEW_PBX_PASSWORD] {
            assert!(!all.contains(secret), "run {i} leaked a password ({} bytes of output)", all.len());
        }
    }
    assert_eq!(emu.object_count(), 0);
}

/// `password_wo` is sent on create and again only when `password_wo_version` changes; it is
/// never in plan or state.
#[test]
fn newer_only_uac_password_wo_is_never_stored_and_rotates_by_version() {
    require_terraform(1, 11);
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cfg = |pw: &str, version: u32| {
        format!(
            r#"
provider "telnyx" {{}}
resource "telnyx_uac_connection" "c" {{
  connection_name     = "wo-uac"
  password_wo         = "{pw}"
  password_wo_version = {version}
}}
"#
        )
    };
    let first = "Write-Only-First-1";
    let second = "Write-Only-Second-2";
    tf.config(&cfg(first, 1));
    let r = tf.apply();
    r.assert_success();
    assert!(!r.all().contains(first));
    assert_eq!(emu.objects("uac_connections")[0]["password"], first, "sent on create");
    let state = std::fs::read_to_string(tf.path().join("terraform.tfstate")).unwrap();
    assert!(!state.contains(first), "the write-only password is in the state file");
    let st = tf.state_values("telnyx_uac_connection.c");
    assert!(st["password_wo"].is_null() && st["password"].is_null(), "{st}");
    assert_eq!(st["password_wo_version"], 1);
    tf.assert_no_changes();

    // A new value alone is invisible to Terraform: nothing planned, nothing sent.
    tf.config(&cfg(second, 1));
    tf.assert_no_changes();
    assert_eq!(emu.objects("uac_connections")[0]["password"], first);

    // Bumping the version sends it.
    tf.config(&cfg(second, 2));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    assert!(!r.all().contains(second));
    assert_eq!(emu.objects("uac_connections")[0]["password"], second, "rotated");
    let state = std::fs::read_to_string(tf.path().join("terraform.tfstate")).unwrap();
    assert!(!state.contains(first) && !state.contains(second));
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// `external_uac_settings.password_wo`: the PBX password sent on create, sent again with every
/// change of `external_uac_settings` (the object is sent whole and replaces the stored one, so
/// leaving it out would clear it), rotated by its nested `password_wo_version`, and never in
/// plan output, state or the state file.
#[test]
fn newer_only_uac_pbx_password_wo_travels_with_its_object() {
    require_terraform(1, 11);
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cfg = |pw: &str, version: u32, expiration: u32| {
        format!(
            r#"
provider "telnyx" {{}}
resource "telnyx_uac_connection" "c" {{
  connection_name = "wo-pbx"
  external_uac_settings = {{
    username            = "pbx_user-1"
    password_wo         = "{pw}"
    password_wo_version = {version}
    proxy               = "pbx.example.com"
    expiration_sec      = {expiration}
  }}
}}
"#
        )
    };
    let stored = |emu: &Emulator| emu.objects("uac_connections")[0]["external_uac_settings"]["password"].clone();
    let in_state_file = |tf: &Tf, secret: &str| std::fs::read_to_string(tf.path().join("terraform.tfstate")).unwrap().contains(secret);
    tf.config(&cfg(PBX_PASSWORD, 1, 600));
    let r = tf.apply();
    r.assert_success();
    assert!(!r.all().contains(PBX_PASSWORD));
    assert_eq!(stored(&emu), PBX_PASSWORD, "sent on create");
    assert!(!in_state_file(&tf, PBX_PASSWORD));
    let ext = tf.state_values("telnyx_uac_connection.c")["external_uac_settings"].clone();
    assert!(ext["password_wo"].is_null() && ext["password"].is_null(), "{ext}");
    assert_eq!(ext["password_wo_version"], 1);
    tf.assert_no_changes();

    // Another member changes: the object goes whole, its password with it.
    tf.config(&cfg(PBX_PASSWORD, 1, 900));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    assert_eq!(emu.objects("uac_connections")[0]["external_uac_settings"]["expiration_sec"], 900);
    assert_eq!(stored(&emu), PBX_PASSWORD, "not cleared by the update");
    tf.assert_no_changes();

    // The version rotates it.
    tf.config(&cfg(NEW_PBX_PASSWORD, 2, 900));
    let r = tf.apply();
    r.assert_success();
    assert!(!r.all().contains(NEW_PBX_PASSWORD));
    assert_eq!(stored(&emu), NEW_PBX_PASSWORD, "rotated");
    assert!(!in_state_file(&tf, PBX_PASSWORD) && !in_state_file(&tf, NEW_PBX_PASSWORD));
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// Before Terraform 1.11 the nested write-only password is refused at validation, naming
/// it, before any API call; `password` is the way there.
#[test]
fn uac_pbx_password_wo_is_refused_by_older_terraform() {
    if crate::support::terraform_at_least(1, 11) {
        return;
    }
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_uac_connection" "c" {
  connection_name = "wo-pbx"
  external_uac_settings = {
    username    = "pbx_user-1"
    password_wo = "never-sent-1"
  }
}
"#,
    );
    let r = tf.plan();
    assert_ne!(r.code, 0, "{}", r.all());
    assert!(r.stderr.contains("external_uac_settings") && r.stderr.contains("password_wo"), "{}", r.stderr);
    assert_eq!(emu.requests().len(), 0, "no API call");
}

/// A malformed destination URI, PBX user name and other documented limits: errors at plan
/// naming the attribute, and no API call.
#[test]
fn invalid_uac_configuration_fails_at_plan_without_api_calls() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_uac_connection" "c" {
  connection_name     = "bad-uac"
  user_name           = "12345abc"
  anchorsite_override = "Chennai, IN"
  external_uac_settings = {
    username       = "-pbx"
    transport      = "SCTP"
    expiration_sec = 0
  }
  internal_uac_settings = { destination_uri = "sip:alice@sip.telnyx.com" }
}
resource "telnyx_uac_connection" "d" {
  connection_name       = "bad-uac-2"
  internal_uac_settings = { destination_uri = "alice@pbx.example.com" }
  external_uac_settings = { username = "ab" }
}
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all().replace('\n', " ");
    for attr in [
        "user_name",
        "anchorsite_override",
        "external_uac_settings.username",
        "external_uac_settings.transport",
        "external_uac_settings.expiration_sec",
        "internal_uac_settings.destination_uri",
    ] {
        assert!(out.contains(&format!("`{attr}` must be")), "no error for {attr}:\n{out}");
    }
    assert_eq!(out.matches("`internal_uac_settings.destination_uri` must be").count(), 2, "{out}");
    assert_eq!(out.matches("`external_uac_settings.username` must be").count(), 2, "{out}");
    assert!(out.contains("without a `sip:` prefix"), "{out}");
    assert!(out.contains("`external_uac_settings.expiration_sec` must be at least 1"), "{out}");

    // Rules between attributes (checked once every attribute is valid): a PBX user name without
    // its password.
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_uac_connection" "c" {
  connection_name       = "bad-uac"
  external_uac_settings = { username = "pbxuser", proxy = "pbx.example.com" }
}
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all().replace('\n', " ");
    assert!(out.contains("Missing PBX password") && out.contains("`external_uac_settings.password`"), "{out}");
    assert_eq!(emu.count("POST", "/v2/"), 0);
    assert_eq!(emu.count("PATCH", "/v2/"), 0);
    assert_eq!(emu.count("GET", "/v2/"), 0);
}

/// `export` of a UAC connection whose passwords Telnyx masks: no secret written, the PBX
/// password a variable (it cannot be left out: an update sends the whole nested object) with
/// the whole `external_uac_settings` in `ignore_changes` (Terraform before 1.2.7 refuses a path
/// into a nested attribute there, and changing other PBX settings without the password would
/// clear it), and after the import an empty plan without one write request — on every client.
#[test]
fn an_exported_uac_connection_imports_and_plans_empty() {
    let emu = Emulator::start();
    let body = json!({
        "connection_name": "exported-uac",
        "password": PASSWORD,
        "external_uac_settings": {"username": "pbxuser", "password": PBX_PASSWORD, "proxy": "pbx.example.com", "transport": "TCP"},
        "internal_uac_settings": {"destination_uri": "alice@sip.telnyx.com"},
        "inbound": {"sip_region": "Europe"},
    });
    let (status, _) = emu.api(Method::POST, "/uac_connections", Some(body));
    assert_eq!(status, 201);
    emu.clear_requests();
    let tf = Tf::installed(&emu);
    let out = std::process::Command::new(provider_bin())
        .arg("export")
        .arg("--out")
        .arg(tf.path())
        .args(["--type", "telnyx_uac_connection"])
        .env("TELNYX_API_KEY", API_KEY)
        .env("TELNYX_BASE_URL", emu.base_url())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(tf.path().join("telnyx_uac_connection.tf")).unwrap();
    assert!(
        text.contains("ignore_changes = [password, external_uac_settings]") || text.contains("ignore_changes = [external_uac_settings"),
        "{text}"
    );
    assert!(text.contains("= var.uac_connection_exported_uac_external_uac_settings_password"), "{text}");
    assert!(text.contains("destination_uri = \"alice@sip.telnyx.com\""), "{text}");
    for entry in std::fs::read_dir(tf.path()).unwrap().flatten() {
        let file = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(!file.contains(PASSWORD) && !file.contains(PBX_PASSWORD), "{} holds a password", entry.path().display());
    }
    crate::export::import_exported(&tf, 1);
    tf.assert_no_changes();
    let writes: Vec<_> = emu.requests().into_iter().filter(|(m, _, _)| m != "GET").collect();
    assert!(writes.is_empty(), "write requests during the round trip: {writes:?}");
}

/// A create Telnyx did but answered with a 500: the connection is found by its name and
/// adopted (its masked passwords are not drift), never created twice.
#[test]
fn an_uncertain_create_is_adopted_by_name() {
    let emu = Emulator::start();
    emu.fault(&json!({"kind": "error_after", "method": "POST", "path_prefix": "/v2/uac_connections", "count": 1}));
    let tf = Tf::new(&emu);
    tf.config(&format!(
        r#"
provider "telnyx" {{}}
resource "telnyx_uac_connection" "c" {{
  connection_name       = "adopted-uac"
  external_uac_settings = {{ username = "pbxuser", password = "{PBX_PASSWORD}", proxy = "pbx.example.com" }}
}}
"#
    ));
    tf.apply().assert_success();
    let objs = emu.objects("uac_connections");
    assert_eq!(objs.len(), 1, "created once: {objs:?}");
    let requests = emu.requests();
    let creates: Vec<_> = requests.iter().filter(|(m, p, _)| m == "POST" && p == "/v2/uac_connections").collect();
    assert_eq!(creates.len(), 1, "{requests:?}");
    assert_eq!(tf.state_values("telnyx_uac_connection.c")["id"], objs[0]["id"]);
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}
