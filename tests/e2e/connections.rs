//! The three SIP connection types (telnyx_credential_connection, telnyx_fqdn_connection,
//! telnyx_ip_connection) and the connection data sources, through the real terraform binary
//! against the emulator: full lifecycles with every argument, minimal configurations, plan-time
//! validation, secrets kept out of logs, references to outbound voice profiles, data sources.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::{Value as Json, json};

const PASSWORD: &str = "Sup3r-Secret-Passw0rd";
const NEW_PASSWORD: &str = "An0ther-Secret-Passw0rd";
const TOKEN: &str = "ip-auth-token-6d1f2c";

/// The arguments every connection type has, with non-default values.
const COMMON_ARGS: &str = r#"
  active                                = true
  anchorsite_override                   = "Chicago, IL"
  android_push_credential_id            = "android-cred-1"
  bridge_generate_comfort_noise_on_cn   = true
  call_cost_in_webhooks                 = true
  conversation_persistence              = true
  default_on_hold_comfort_noise_enabled = true
  dtmf_type                             = "SIP INFO"
  encode_contact_header_enabled         = true
  ios_push_credential_id                = "ios-cred-1"
  noise_suppression                     = "both"
  onnet_t38_passthrough_enabled         = true
  tags                                  = ["b", "a"]
  webhook_api_version                   = "2"
  webhook_event_failover_url            = "https://failover.example.com/hook"
  webhook_event_url                     = "https://example.com/hook"
  webhook_timeout_secs                  = 25
  rtcp_settings             = { capture_enabled = true, port = "rtcp-mux", report_frequency_secs = 10 }
  jitter_buffer             = { enable_jitter_buffer = true, jitterbuffer_msec_max = 300, jitterbuffer_msec_min = 80 }
  noise_suppression_details = { attenuation_limit = 80, engine = "deep_filter_net" }
"#;

/// The `inbound` members every connection type has, with non-default values.
const INBOUND_COMMON: &str = r#"
    ani_number_format           = "+E.164"
    channel_limit               = 10
    codecs                      = ["OPUS", "G722", "G711U"]
    default_routing_method      = "round-robin"
    dnis_number_format          = "+e164"
    generate_ringback_tone      = true
    isup_headers_enabled        = true
    prack_enabled               = true
    shaken_stir_enabled         = true
    sip_compact_headers_enabled = false
    timeout_1xx_secs            = 10
    timeout_2xx_secs            = 120
"#;

/// The `outbound` members every connection type has, with non-default values.
const OUTBOUND_COMMON: &str = r#"
    ani_override              = "+13125550100"
    ani_override_type         = "normal"
    call_parking_enabled      = true
    channel_limit             = 5
    generate_ringback_tone    = true
    instant_ringback_enabled  = false
    localization              = "GB"
    outbound_voice_profile_id = telnyx_outbound_voice_profile.p.id
    t38_reinvite_source       = "passthru"
"#;

fn full_config(kind: &str, own_args: &str, own_inbound: &str, own_outbound: &str) -> String {
    format!(
        r#"
provider "telnyx" {{}}

resource "telnyx_outbound_voice_profile" "p" {{
  name = "e2e-{kind}-profile"
}}

resource "telnyx_{kind}_connection" "c" {{
{COMMON_ARGS}
{own_args}
  inbound = {{
{INBOUND_COMMON}
{own_inbound}
  }}
  outbound = {{
{OUTBOUND_COMMON}
{own_outbound}
  }}
}}
"#
    )
}

fn credential_full() -> String {
    full_config(
        "credential",
        &format!(
            r#"
  connection_name            = "e2e-credential"
  user_name                  = "e2ecred01"
  password                   = "{PASSWORD}"
  encrypted_media            = "SRTP"
  sip_uri_calling_preference = "internal"
"#
        ),
        r#"    simultaneous_ringing = "enabled""#,
        "",
    )
}

fn fqdn_full() -> String {
    full_config(
        "fqdn",
        r#"
  connection_name     = "e2e-fqdn"
  encrypted_media     = "SRTP"
  microsoft_teams_sbc = true
  transport_protocol  = "TCP"
"#,
        r#"
    sip_region                     = "Europe"
    sip_subdomain                  = "e2efqdn"
    sip_subdomain_receive_settings = "only_my_connections"
"#,
        &format!(
            r#"
    encrypted_media          = "SRTP"
    ip_authentication_method = "credential-authentication"
    ip_authentication_token  = "{TOKEN}"
    tech_prefix              = "1234"
    timeout_1xx_secs         = 7
    timeout_2xx_secs         = 300
"#
        ),
    )
}

fn ip_full() -> String {
    full_config(
        "ip",
        r#"
  connection_name    = "e2e-ip"
  encrypted_media    = "SRTP"
  transport_protocol = "TCP"
"#,
        r#"
    sip_region                     = "Australia"
    sip_subdomain                  = "e2eip"
    sip_subdomain_receive_settings = "from_anyone"
"#,
        &format!(
            r#"
    ip_authentication_method = "token"
    ip_authentication_token  = "{TOKEN}"
    tech_prefix              = "4321"
"#
        ),
    )
}

/// `v` without the named top-level keys.
fn without(v: &Json, keys: &[&str]) -> Json {
    let mut v = v.clone();
    for k in keys {
        v.as_object_mut().unwrap().remove(*k);
    }
    v
}

/// Asserts the stored object has the values of the full configuration's shared arguments.
fn assert_common_stored(o: &Json, profile_id: &str) {
    assert_eq!(o["anchorsite_override"], "Chicago, IL");
    assert_eq!(o["conversation_persistence"], true, "update-only field set by the follow-up update");
    assert_eq!(o["webhook_timeout_secs"], 25);
    assert_eq!(o["inbound"]["codecs"], json!(["OPUS", "G722", "G711U"]), "codecs keep their order");
    assert_eq!(o["inbound"]["channel_limit"], 10);
    assert_eq!(o["outbound"]["outbound_voice_profile_id"], profile_id);
    assert_eq!(o["rtcp_settings"]["report_frequency_secs"], 10);
    assert_eq!(o["jitter_buffer"]["jitterbuffer_msec_max"], 300);
    assert_eq!(o["noise_suppression_details"]["engine"], "deep_filter_net");
}

/// create with every argument -> empty plan -> nested update in place -> empty plan ->
/// import + verify -> out-of-band delete -> plan shows create -> destroy -> emulator empty.
fn full_lifecycle(kind: &str, config: &str, check_created: impl Fn(&Json), secret_after_import: &str) {
    let family = format!("{kind}_connections");
    let addr = format!("telnyx_{kind}_connection.c");
    let emu = Emulator::start();
    let tf = Tf::new(&emu);

    tf.config(config);
    tf.apply().assert_success();
    let objs = emu.objects(&family);
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    let id = o["id"].as_str().unwrap().to_string();
    let profile_id = emu.objects("outbound_voice_profiles")[0]["id"].as_str().unwrap().to_string();
    assert_common_stored(o, &profile_id);
    check_created(o);
    tf.assert_no_changes();

    // One nested member changes: an update in place that sends the whole nested object, so
    // the other members keep their values (the emulator replaces nested objects wholesale).
    tf.config(&config.replace("channel_limit               = 10", "channel_limit               = 20"));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let o = &emu.objects(&family)[0];
    assert_eq!(o["id"], id.as_str());
    assert_eq!(o["inbound"]["channel_limit"], 20);
    assert_eq!(o["inbound"]["timeout_1xx_secs"], 10);
    assert_eq!(o["inbound"]["timeout_2xx_secs"], 120);
    assert_eq!(o["inbound"]["codecs"], json!(["OPUS", "G722", "G711U"]));
    assert_eq!(o["inbound"]["default_routing_method"], "round-robin");
    assert_eq!(o["outbound"]["channel_limit"], 5, "outbound untouched");
    check_created(o);
    tf.assert_no_changes();

    // Import by id; the state matches, apart from what the API never reveals on reads.
    let before = tf.state_values(&addr);
    tf.state_rm(&addr).assert_success();
    tf.import(&addr, &id).assert_success();
    let after = tf.state_values(&addr);
    if secret_after_import.is_empty() {
        assert_eq!(before, after, "import verify: state after import differs");
        tf.assert_no_changes();
    } else {
        assert_eq!(without(&before, &[secret_after_import]), without(&after, &[secret_after_import]), "import verify");
        assert!(after[secret_after_import].is_null(), "a masked secret is not invented: {after}");
        assert!(!before[secret_after_import].is_null());
    }
    if kind == "credential" {
        // The documented caveat: the password is unknown after import, so one update sets it.
        let r = tf.plan();
        assert_eq!(r.code, 2, "{}", r.all());
        assert!(
            r.stdout.contains("1 to change") && r.stdout.contains("+ password") && r.stdout.contains("(sensitive value)"),
            "{}",
            r.stdout
        );
        tf.apply().assert_success();
        tf.assert_no_changes();
        assert_eq!(emu.objects(&family)[0]["password"], PASSWORD);
    } else {
        tf.assert_no_changes();
    }

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
fn credential_connection_full_lifecycle() {
    full_lifecycle(
        "credential",
        &credential_full(),
        |o| {
            assert_eq!(o["user_name"], "e2ecred01");
            assert_eq!(o["password"], PASSWORD, "the emulator stores the password in full");
            assert_eq!(o["inbound"]["simultaneous_ringing"], "enabled");
            assert_eq!(o["sip_uri_calling_preference"], "internal");
            assert_eq!(o["outbound"]["localization"], "GB");
        },
        "password",
    );
}

#[test]
fn fqdn_connection_full_lifecycle() {
    full_lifecycle(
        "fqdn",
        &fqdn_full(),
        |o| {
            assert_eq!(o["microsoft_teams_sbc"], true);
            assert_eq!(o["transport_protocol"], "TCP");
            assert_eq!(o["inbound"]["sip_region"], "Europe");
            assert_eq!(o["outbound"]["ip_authentication_token"], TOKEN);
            assert_eq!(o["outbound"]["timeout_2xx_secs"], 300);
            assert_eq!(o["outbound"]["encrypted_media"], "SRTP");
        },
        // Telnyx-generated, returned in full only by the create.
        "password",
    );
}

#[test]
fn ip_connection_full_lifecycle() {
    full_lifecycle(
        "ip",
        &ip_full(),
        |o| {
            assert_eq!(o["transport_protocol"], "TCP");
            assert_eq!(o["inbound"]["sip_subdomain"], "e2eip");
            assert_eq!(o["outbound"]["ip_authentication_method"], "token");
            assert_eq!(o["outbound"]["tech_prefix"], "4321");
        },
        "",
    );
}

#[test]
fn minimal_configurations_have_no_perpetual_diff() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let minimal = format!(
        r#"
provider "telnyx" {{}}
resource "telnyx_credential_connection" "c" {{
  connection_name = "min-cred"
  user_name       = "mincred1"
  password        = "{PASSWORD}"
}}
resource "telnyx_fqdn_connection" "f" {{
  connection_name = "min-fqdn"
}}
resource "telnyx_ip_connection" "i" {{}}
resource "telnyx_fqdn_connection" "g" {{
  connection_name = "min-fqdn-partial"
  inbound         = {{ channel_limit = 10 }}
}}
"#
    );
    tf.config(&minimal);
    tf.apply().assert_success();
    tf.assert_no_changes();
    // Server defaults landed in state, per type.
    let c = tf.state_values("telnyx_credential_connection.c");
    assert_eq!(c["outbound"]["t38_reinvite_source"], "telnyx");
    assert_eq!(c["inbound"]["timeout_2xx_secs"], 90);
    assert_eq!(c["anchorsite_override"], "Latency");
    assert!(c["inbound"]["channel_limit"].is_null());
    let f = tf.state_values("telnyx_fqdn_connection.f");
    assert_eq!(f["outbound"]["instant_ringback_enabled"], false);
    assert_eq!(f["inbound"]["default_routing_method"], "sequential");
    assert!(f["user_name"].as_str().is_some_and(|u| !u.is_empty()), "{f}");
    let g = emu.objects("fqdn_connections").into_iter().find(|o| o["connection_name"] == "min-fqdn-partial").unwrap();
    assert_eq!(g["inbound"]["channel_limit"], 10);
    let i = tf.state_values("telnyx_ip_connection.i");
    assert_eq!(i["outbound"]["ip_authentication_method"], "tech-prefixp-charge-info");
    assert!(i["outbound"]["localization"].is_null());

    // Partly configured nested objects stay quiet too.
    let partial = minimal
        .replace(
            "password        = \"Sup3r-Secret-Passw0rd\"\n",
            "password        = \"Sup3r-Secret-Passw0rd\"\n  inbound = { channel_limit = 10 }\n",
        )
        .replace(
            "resource \"telnyx_ip_connection\" \"i\" {}",
            "resource \"telnyx_ip_connection\" \"i\" {\n  rtcp_settings = { port = \"rtcp-mux\" }\n}",
        );
    tf.config(&partial);
    // The plan shows the change and nothing else: only `updated_at` becomes unknown (values
    // the API holds as null, such as `noise_suppression`, are planned as null, not unknown).
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    let unknowns: Vec<&str> = p.stdout.lines().filter(|l| l.contains("(known after apply)")).collect();
    assert!(unknowns.len() == 2 && unknowns.iter().all(|l| l.contains("updated_at")), "{unknowns:#?}\n{}", p.stdout);
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 2 changed, 0 destroyed"), "{}", r.stdout);
    tf.assert_no_changes();
    let c = &emu.objects("credential_connections")[0];
    assert_eq!(c["inbound"]["channel_limit"], 10);
    assert_eq!(emu.objects("ip_connections")[0]["rtcp_settings"]["port"], "rtcp-mux");

    // Leaving the nested object out keeps what Telnyx holds; leaving the member out clears it.
    tf.config(&minimal);
    tf.assert_no_changes();
    tf.config(&partial.replace("inbound = { channel_limit = 10 }", "inbound = {}"));
    tf.apply().assert_success();
    let c = &emu.objects("credential_connections")[0];
    assert!(c["inbound"]["channel_limit"].is_null(), "{c}");
    assert_eq!(c["inbound"]["timeout_2xx_secs"], 90, "the rest of the nested object is kept");
    tf.assert_no_changes();

    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn password_change_is_an_update_and_masked_reads_are_not_drift() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cfg = |pw: &str| {
        format!(
            "provider \"telnyx\" {{}}\nresource \"telnyx_credential_connection\" \"c\" {{\n  connection_name = \"pw-cred\"\n  user_name = \"pwcred01\"\n  password = \"{pw}\"\n}}\n"
        )
    };
    tf.config(&cfg(PASSWORD));
    tf.apply().assert_success();
    // Every read returns the password masked; that is not drift.
    let (_, got) = emu.api(
        Method::GET,
        &format!("/credential_connections/{}", emu.objects("credential_connections")[0]["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(got["data"]["password"], "********");
    tf.assert_no_changes();
    tf.config(&cfg(NEW_PASSWORD));
    let r = tf.plan();
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("~ password") && r.stdout.contains("(sensitive value)"), "{}", r.stdout);
    assert!(!r.all().contains(NEW_PASSWORD) && !r.all().contains(PASSWORD));
    tf.apply().assert_success();
    assert_eq!(emu.objects("credential_connections")[0]["password"], NEW_PASSWORD);
    tf.assert_no_changes();
    tf.destroy().assert_success();
}

#[test]
fn invalid_configurations_fail_at_plan_without_api_calls() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_credential_connection" "c" {
  connection_name      = "bad-cred"
  user_name            = "12345abc"
  password             = "short"
  webhook_timeout_secs = 31
  webhook_event_url    = "example.com/hook"
  anchorsite_override  = "Chicago"
  inbound = {
    timeout_1xx_secs = 0
    timeout_2xx_secs = 601
    channel_limit    = 1.5
  }
  outbound = { localization = "usa" }
  rtcp_settings             = { report_frequency_secs = 4 }
  jitter_buffer             = { jitterbuffer_msec_max = 500 }
  noise_suppression_details = { attenuation_limit = 35, engine = "rnnoise" }
}
resource "telnyx_fqdn_connection" "f" {
  connection_name            = "bad-fqdn"
  transport_protocol         = "TLS"
  encrypted_media            = "SRTP"
  webhook_event_failover_url = "failover.example.com"
  outbound = {
    encrypted_media          = "SRTP"
    tech_prefix              = "12"
    ani_override             = "3125550100"
    ip_authentication_method = "token"
  }
}
resource "telnyx_ip_connection" "i" {
  webhook_api_version = "texml"
  outbound            = { ip_authentication_method = "ip-authentication" }
  inbound             = { sip_region = "Asia" }
}
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all().replace('\n', " ");
    for attr in [
        "user_name",
        "password",
        "webhook_timeout_secs",
        "webhook_event_url",
        "anchorsite_override",
        "inbound.timeout_1xx_secs",
        "inbound.timeout_2xx_secs",
        "inbound.channel_limit",
        "outbound.localization",
        "rtcp_settings.report_frequency_secs",
        "jitter_buffer.jitterbuffer_msec_max",
        "noise_suppression_details.attenuation_limit",
        "noise_suppression_details.engine",
        "webhook_event_failover_url",
        "outbound.tech_prefix",
        "outbound.ani_override",
        "outbound.ip_authentication_method",
        "webhook_api_version",
        "inbound.sip_region",
    ] {
        assert!(out.contains(&format!("`{attr}` must be")), "no error for {attr}:\n{out}");
    }
    assert!(out.contains("`Chicago, IL`"), "the enum is listed verbatim:\n{out}");

    // Rules between attributes (checked once every attribute is valid) name what they concern.
    tf.config(
        r#"
provider "telnyx" {}
resource "telnyx_fqdn_connection" "f" {
  connection_name    = "tls-fqdn"
  transport_protocol = "TLS"
  encrypted_media    = "SRTP"
  outbound           = { encrypted_media = "SRTP" }
}
resource "telnyx_ip_connection" "i" {
  transport_protocol = "TLS"
  encrypted_media    = "SRTP"
}
"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all().replace('\n', " ");
    assert_eq!(out.matches("`encrypted_media` cannot be set while `transport_protocol` is \"TLS\"").count(), 2, "{out}");
    assert_eq!(out.matches("`outbound.encrypted_media` cannot be set").count(), 1, "{out}");
    assert_eq!(emu.count("POST", "/v2/"), 0);
    assert_eq!(emu.count("PATCH", "/v2/"), 0);
}

#[test]
fn secrets_never_reach_terraform_output_even_at_trace() {
    let emu = Emulator::start();
    let mut tf = Tf::new(&emu);
    tf.env("TF_LOG", "TRACE");
    let cfg = |pw: &str| {
        format!(
            r#"
provider "telnyx" {{}}
resource "telnyx_credential_connection" "c" {{
  connection_name = "secret-cred"
  user_name       = "secret01"
  password        = "{pw}"
}}
resource "telnyx_ip_connection" "i" {{
  connection_name = "secret-ip"
  outbound        = {{ ip_authentication_method = "token", ip_authentication_token = "{TOKEN}" }}
}}
resource "telnyx_fqdn_connection" "f" {{
  connection_name = "secret-fqdn"
  outbound        = {{ ip_authentication_token = "{TOKEN}" }}
}}
"#
        )
    };
    tf.config(&cfg(PASSWORD));
    let mut runs = vec![tf.apply(), tf.plan()];
    let fqdn_password = emu.objects("fqdn_connections")[0]["password"].as_str().unwrap().to_string();
    tf.config(&cfg(NEW_PASSWORD));
    runs.push(tf.apply());
    runs.push(tf.run(&["show", "-no-color"]));
    runs.push(tf.destroy());
    for (i, r) in runs.iter().enumerate() {
        assert_eq!(r.code, 0, "run {i} failed:\n{}", r.stdout);
        let all = r.all();
        assert!(all.contains("[TRACE]"), "TF_LOG=TRACE did not take effect");
        if i == 0 {
            assert!(all.contains("secret-cred") && all.contains("request body"), "the trace shows request bodies, redacted");
        }
        for secret in [PASSWORD, NEW_PASSWORD, TOKEN, fqdn_password.as_str()] {
            assert!(!all.contains(secret), "run {i} leaked a secret ({} bytes of output)", all.len());
        }
    }
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn referenced_profile_is_destroyed_after_its_connections() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cfg = |profile: &str| {
        format!(
            r#"
provider "telnyx" {{}}
resource "telnyx_outbound_voice_profile" "{profile}" {{
  name = "e2e-{profile}"
  # Terraform destroys a removed profile without waiting for the connections that still
  # use it to be updated; this makes it wait (see outbound.outbound_voice_profile_id).
  lifecycle {{
    create_before_destroy = true
  }}
}}
resource "telnyx_ip_connection" "i" {{
  connection_name = "uses-profile"
  outbound        = {{ outbound_voice_profile_id = telnyx_outbound_voice_profile.{profile}.id }}
}}
resource "telnyx_credential_connection" "c" {{
  connection_name = "uses-profile-too"
  user_name       = "refcred01"
  password        = "{PASSWORD}"
  outbound        = {{ outbound_voice_profile_id = telnyx_outbound_voice_profile.{profile}.id }}
}}
"#
        )
    };
    tf.config(&cfg("one"));
    tf.apply().assert_success();
    let profile = emu.objects("outbound_voice_profiles")[0].clone();
    let pid = profile["id"].as_str().unwrap();
    // The API refuses to delete a profile in use.
    let (st, body) = emu.api(Method::DELETE, &format!("/outbound_voice_profiles/{pid}"), None);
    assert_eq!(st, 422, "{body}");
    let (_, got) = emu.api(Method::GET, &format!("/outbound_voice_profiles/{pid}"), None);
    assert_eq!(got["data"]["connections_count"], 2);

    // Swap the profile: the new one is created, the connections move to it, then the old one goes.
    tf.config(&cfg("two"));
    tf.apply().assert_success();
    let profiles = emu.objects("outbound_voice_profiles");
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0]["name"], "e2e-two");
    assert_eq!(emu.objects("ip_connections")[0]["outbound"]["outbound_voice_profile_id"], profiles[0]["id"]);
    tf.assert_no_changes();

    // Destroy: connections first, then the profile (the emulator would refuse otherwise).
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn data_sources() {
    // Pages of 2 items: `telnyx_connections` must walk them all.
    let emu = Emulator::start_with(&["--page-size-cap", "2"]);
    let (_, p) = emu.api(Method::POST, "/outbound_voice_profiles", Some(json!({"name": "ds-profile"})));
    let pid = p["data"]["id"].as_str().unwrap().to_string();
    let (st, c) = emu.api(
        Method::POST,
        "/credential_connections",
        Some(json!({"connection_name": "ds-cred", "user_name": "dscred01", "password": PASSWORD, "inbound": {"channel_limit": 3}})),
    );
    assert_eq!(st, 201, "{c}");
    let cid = c["data"]["id"].as_str().unwrap().to_string();
    let (_, f) = emu.api(
        Method::POST,
        "/fqdn_connections",
        Some(json!({"connection_name": "ds-fqdn", "outbound": {"outbound_voice_profile_id": pid}, "tags": ["x"]})),
    );
    let fid = f["data"]["id"].as_str().unwrap().to_string();
    let (st, rec) = emu.api(
        Method::POST,
        "/fqdns",
        Some(json!({"connection_id": fid, "fqdn": "sip.example.com", "dns_record_type": "a", "port": 5060})),
    );
    assert_eq!(st, 201, "{rec}");
    let (_, i) = emu.api(Method::POST, "/ip_connections", Some(json!({"connection_name": "ds-ip", "transport_protocol": "TCP"})));
    let iid = i["data"]["id"].as_str().unwrap().to_string();
    emu.api(Method::POST, "/ip_connections", Some(json!({"connection_name": "other"})));

    let tf = Tf::new(&emu);
    tf.config(&format!(
        r#"
provider "telnyx" {{}}
data "telnyx_credential_connection" "by_name" {{ connection_name = "ds-cred" }}
data "telnyx_fqdn_connection" "by_name" {{ connection_name = "ds-fqdn" }}
data "telnyx_ip_connection" "by_id" {{ id = "{iid}" }}
data "telnyx_connection" "any" {{ id = "{fid}" }}
data "telnyx_connections" "ds" {{ connection_name_contains = "DS-" }}
data "telnyx_connections" "all" {{}}
data "telnyx_connections" "with_profile" {{ outbound_voice_profile_id = "{pid}" }}
data "telnyx_connections" "with_fqdn" {{ fqdn = "sip.example.com" }}
data "telnyx_credential_connection_registration_status" "r" {{ id = "{cid}" }}

output "cred_id" {{ value = data.telnyx_credential_connection.by_name.id }}
output "cred_user" {{ value = data.telnyx_credential_connection.by_name.user_name }}
# Terraform 1.0 cannot check `x.inbound.channel_limit` statically; lookup() reads the same value.
output "cred_channel_limit" {{ value = lookup(data.telnyx_credential_connection.by_name.inbound, "channel_limit") }}
output "fqdn_profile" {{ value = lookup(data.telnyx_fqdn_connection.by_name.outbound, "outbound_voice_profile_id") }}
output "ip_transport" {{ value = data.telnyx_ip_connection.by_id.transport_protocol }}
output "any_type" {{ value = data.telnyx_connection.any.record_type }}
output "any_profile" {{ value = data.telnyx_connection.any.outbound_voice_profile_id }}
output "any_tags" {{ value = data.telnyx_connection.any.tags }}
output "ds_names" {{ value = [for c in data.telnyx_connections.ds.connections : c.connection_name] }}
output "all_count" {{ value = length(data.telnyx_connections.all.connections) }}
output "with_profile" {{ value = [for c in data.telnyx_connections.with_profile.connections : c.id] }}
output "with_fqdn" {{ value = [for c in data.telnyx_connections.with_fqdn.connections : c.id] }}
output "reg_status" {{ value = data.telnyx_credential_connection_registration_status.r.status }}
output "reg_user" {{ value = data.telnyx_credential_connection_registration_status.r.sip_username }}
output "reg_type" {{ value = data.telnyx_credential_connection_registration_status.r.record_type }}
"#
    ));
    tf.apply().assert_success();
    let out = tf.run(&["output", "-json"]);
    let j: Json = serde_json::from_str(&out.stdout).unwrap();
    let v = |k: &str| j[k]["value"].clone();
    assert_eq!(v("cred_id"), cid.as_str());
    assert_eq!(v("cred_user"), "dscred01");
    assert_eq!(v("cred_channel_limit"), 3);
    assert_eq!(v("fqdn_profile"), pid.as_str());
    assert_eq!(v("ip_transport"), "TCP");
    assert_eq!(v("any_type"), "fqdn_connection");
    assert_eq!(v("any_profile"), pid.as_str());
    assert_eq!(v("any_tags"), json!(["x"]));
    assert_eq!(v("ds_names"), json!(["ds-cred", "ds-fqdn", "ds-ip"]));
    assert_eq!(v("all_count"), 4, "every page walked");
    assert_eq!(v("with_profile"), json!([fid]));
    assert_eq!(v("with_fqdn"), json!([fid]));
    assert_eq!(v("reg_status"), "Not Registered");
    assert_eq!(v("reg_user"), "dscred01");
    assert_eq!(v("reg_type"), "registration_status");
    let pages = emu.requests().iter().filter(|(m, p, _)| m == "GET" && p == "/v2/connections").count();
    // 2 pages for `ds` (3 items), 2 for `all` (4 items), 1 each for the other two.
    assert!(pages >= 6, "expected paged listing, saw {pages} list calls");
    assert_eq!(emu.count("POST", "/v2/credential_connections/"), 1, "one registration check");

    // No match, several matches, and a filter too short: clear errors.
    emu.api(Method::POST, "/ip_connections", Some(json!({"connection_name": "twin"})));
    emu.api(Method::POST, "/ip_connections", Some(json!({"connection_name": "twin"})));
    tf.config("provider \"telnyx\" {}\ndata \"telnyx_fqdn_connection\" \"x\" { connection_name = \"nobody-has-this\" }\n");
    let r = tf.plan();
    assert_eq!(r.code, 1);
    assert!(r.all().contains("No telnyx_fqdn_connection found"), "{}", r.all());
    tf.config("provider \"telnyx\" {}\ndata \"telnyx_ip_connection\" \"x\" { connection_name = \"twin\" }\n");
    let r = tf.plan();
    assert_eq!(r.code, 1);
    assert!(r.all().contains("Several telnyx_ip_connection objects match"), "{}", r.all());
    tf.config("provider \"telnyx\" {}\ndata \"telnyx_connections\" \"x\" { connection_name_contains = \"ab\" }\n");
    let r = tf.plan();
    assert_eq!(r.code, 1);
    assert!(r.all().contains("`connection_name_contains` must be"), "{}", r.all());
    tf.config("provider \"telnyx\" {}\ndata \"telnyx_connection\" \"x\" { id = \"404\" }\n");
    let r = tf.plan();
    assert_eq!(r.code, 1);
    assert!(r.all().contains("telnyx_connection"), "{}", r.all());
}

#[test]
fn a_create_that_fails_after_commit_adopts_the_connection() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    // The API creates each connection, then answers 500: the provider must find it by its
    // natural key instead of creating a second one. "ab" is too short for the API's name
    // filter, so that one is found over the full list.
    for family in ["credential_connections", "fqdn_connections"] {
        emu.fault(&json!({"kind": "error_after", "method": "POST", "path_prefix": format!("/v2/{family}")}));
    }
    tf.config(&format!(
        r#"
provider "telnyx" {{}}
resource "telnyx_credential_connection" "c" {{
  connection_name = "adopt-cred"
  user_name       = "adopt01"
  password        = "{PASSWORD}"
}}
resource "telnyx_fqdn_connection" "f" {{
  connection_name = "ab"
}}
"#
    ));
    tf.apply().assert_success();
    let creds = emu.objects("credential_connections");
    let fqdns = emu.objects("fqdn_connections");
    assert_eq!((creds.len(), fqdns.len()), (1, 1), "no duplicates");
    assert_eq!(emu.count("POST", "/v2/credential_connections"), 1);
    assert_eq!(emu.count("POST", "/v2/fqdn_connections"), 1);
    assert_eq!(tf.state_values("telnyx_credential_connection.c")["id"], creds[0]["id"]);
    assert_eq!(tf.state_values("telnyx_fqdn_connection.f")["id"], fqdns[0]["id"]);
    let lists: Vec<String> = emu.requests().into_iter().filter(|(m, p, _)| m == "GET" && !p.contains("s/")).map(|(_, p, _)| p).collect();
    assert!(lists.contains(&"/v2/credential_connections".to_string()) && lists.contains(&"/v2/fqdn_connections".to_string()), "{lists:?}");
    // The adopted password (masked in the listing) is the configured one: nothing to change.
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn ip_connection_default_ips_are_set_by_update() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cfg = |inbound: &str| {
        format!(
            "provider \"telnyx\" {{}}\nresource \"telnyx_ip_connection\" \"i\" {{\n  connection_name = \"with-ips\"\n  inbound = {{ {inbound} }}\n}}\n"
        )
    };
    tf.config(&cfg("channel_limit = 4"));
    tf.apply().assert_success();
    let cid = emu.objects("ip_connections")[0]["id"].as_str().unwrap().to_string();
    let mut ips = Vec::new();
    for addr in ["192.0.2.10", "192.0.2.11"] {
        let (st, ip) = emu.api(Method::POST, "/ips", Some(json!({"ip_address": addr, "connection_id": cid})));
        assert_eq!(st, 201, "{ip}");
        ips.push(ip["data"]["id"].as_str().unwrap().to_string());
    }
    // Update-only members in the API: sent in the update, with the rest of `inbound`.
    tf.config(&cfg(&format!(
        "channel_limit = 4\n    default_primary_ip_id = \"{}\"\n    default_secondary_ip_id = \"{}\"",
        ips[0], ips[1]
    )));
    tf.apply().assert_success();
    let o = &emu.objects("ip_connections")[0];
    assert_eq!(o["inbound"]["default_primary_ip_id"], ips[0].as_str());
    assert_eq!(o["inbound"]["default_secondary_ip_id"], ips[1].as_str());
    assert_eq!(o["inbound"]["channel_limit"], 4);
    tf.assert_no_changes();
    // An IP that is not on this connection: the API's refusal names the attribute.
    tf.config(&cfg("channel_limit = 4\n    default_primary_ip_id = \"1234\""));
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("inbound.default_primary_ip_id"), "{}", r.all());
    for id in &ips {
        emu.api(Method::DELETE, &format!("/ips/{id}"), None);
    }
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn a_connection_detaches_from_a_profile_removed_in_the_same_apply() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cfg = |with_profile: bool| {
        let (profile, outbound) = if with_profile {
            (
                "resource \"telnyx_outbound_voice_profile\" \"p\" {\n  name = \"e2e-detach\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n",
                "outbound = { outbound_voice_profile_id = telnyx_outbound_voice_profile.p.id, channel_limit = 3 }",
            )
        } else {
            ("", "outbound = { channel_limit = 3 }")
        };
        format!(
            "provider \"telnyx\" {{}}\n{profile}resource \"telnyx_credential_connection\" \"c\" {{\n  connection_name = \"detach\"\n  user_name = \"detach01\"\n  password = \"{PASSWORD}\"\n  {outbound}\n}}\n"
        )
    };
    tf.config(&cfg(true));
    tf.apply().assert_success();
    let pid = emu.objects("outbound_voice_profiles")[0]["id"].clone();
    assert_eq!(emu.objects("credential_connections")[0]["outbound"]["outbound_voice_profile_id"], pid);

    // The profile and the reference go in one apply: the connection lets go of the profile,
    // then the profile goes. Terraform 1.0 updates a dependent before destroying what it
    // depended on only when that has `create_before_destroy` (recorded in state, so it holds
    // after the profile left the configuration); without it, the destroy comes first and
    // Telnyx refuses it (see the attribute's description).
    tf.config(&cfg(false));
    tf.apply().assert_success();
    assert!(emu.objects("outbound_voice_profiles").is_empty());
    let c = &emu.objects("credential_connections")[0];
    assert!(c["outbound"]["outbound_voice_profile_id"].is_null(), "{c}");
    assert_eq!(c["outbound"]["channel_limit"], 3, "the rest of outbound is kept");
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn ip_connection_default_ips_clear_and_outlive_their_ips() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    // The IP records: a `telnyx_ip` of the connection cannot feed its default id in the same
    // configuration (dependency cycle), so the default is set with the literal id.
    let cfg = |inbound: &str, ips: &[&str], tags: &str| {
        let mut s = format!(
            "provider \"telnyx\" {{}}\nresource \"telnyx_ip_connection\" \"i\" {{\n  connection_name = \"defaults\"\n  tags = {tags}\n  inbound = {{ {inbound} }}\n}}\n"
        );
        for addr in ips {
            let n = addr.replace('.', "_");
            s += &format!(
                "resource \"telnyx_ip\" \"ip_{n}\" {{\n  connection_id = telnyx_ip_connection.i.id\n  ip_address = \"{addr}\"\n}}\n"
            );
        }
        s
    };
    let two = ["192.0.2.20", "192.0.2.21"];
    tf.config(&cfg("channel_limit = 2", &two, "[\"a\"]"));
    tf.apply().assert_success();
    let ip_id = |addr: &str| emu.objects("ips").iter().find(|o| o["ip_address"] == addr).unwrap()["id"].as_str().unwrap().to_string();
    let (first, second) = (ip_id(two[0]), ip_id(two[1]));
    let both = format!("channel_limit = 2\n    default_primary_ip_id = \"{first}\"\n    default_secondary_ip_id = \"{second}\"");
    tf.config(&cfg(&both, &two, "[\"a\"]"));
    tf.apply().assert_success();
    let inbound = || emu.objects("ip_connections")[0]["inbound"].clone();
    assert_eq!(inbound()["default_secondary_ip_id"], second.as_str());
    tf.assert_no_changes();

    // Removing a default id clears it (left out of the whole `inbound`: the API takes no null).
    tf.config(&cfg(&format!("channel_limit = 2\n    default_primary_ip_id = \"{first}\""), &two, "[\"a\"]"));
    tf.apply().assert_success();
    assert!(inbound()["default_secondary_ip_id"].is_null(), "{}", inbound());
    assert_eq!(inbound()["default_primary_ip_id"], first.as_str());
    tf.assert_no_changes();

    // The default IP and the reference go in one apply, with another change to the connection.
    tf.config(&cfg("channel_limit = 2", &two[1..], "[\"b\"]"));
    tf.apply().assert_success();
    assert_eq!(emu.objects("ips").len(), 1);
    assert!(inbound()["default_primary_ip_id"].is_null(), "{}", inbound());
    tf.assert_no_changes();

    // A default IP deleted behind Terraform's back: the API clears the default; the connection
    // can still be updated, and the plan shows the default to set again (on the remaining IP).
    let both = format!("channel_limit = 2\n    default_primary_ip_id = \"{second}\"");
    tf.config(&cfg(&both, &two[1..], "[\"b\"]"));
    tf.apply().assert_success();
    let (st, body) = emu.api(Method::DELETE, &format!("/ips/{second}"), None);
    assert_eq!(st, 200, "{body}");
    assert!(inbound()["default_primary_ip_id"].is_null());
    tf.config(&cfg("channel_limit = 4", &[], "[\"c\"]"));
    tf.apply().assert_success();
    assert_eq!(inbound()["channel_limit"], 4);
    assert_eq!(emu.objects("ip_connections")[0]["tags"], json!(["c"]));
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn removed_tags_are_cleared_and_a_removed_webhook_url_is_kept() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let cfg = |extra: &str| {
        format!("provider \"telnyx\" {{}}\nresource \"telnyx_fqdn_connection\" \"f\" {{\n  connection_name = \"tags\"\n{extra}}}\n")
    };
    tf.config(&cfg("  tags = [\"x\", \"y\"]\n  webhook_event_url = \"https://example.com/hook\"\n"));
    tf.apply().assert_success();
    assert_eq!(emu.objects("fqdn_connections")[0]["tags"], json!(["x", "y"]));
    tf.assert_no_changes();

    // Tags have no server default: removing them clears them (sent as `[]`, which is how the
    // API holds "none"), and the empty list reads back as unset. The webhook URL cannot be
    // cleared (the API refuses null): removing it keeps the URL, with no diff.
    tf.config(&cfg(""));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let f = &emu.objects("fqdn_connections")[0];
    assert_eq!(f["tags"], json!([]), "{f}");
    assert_eq!(f["webhook_event_url"], "https://example.com/hook");
    tf.assert_no_changes();
    let s = tf.state_values("telnyx_fqdn_connection.f");
    assert!(s["tags"].is_null(), "{s}");

    // Empty tags configured explicitly are kept as configured.
    tf.config(&cfg("  tags = []\n"));
    tf.apply().assert_success();
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// A value the configuration leaves unset keeps what the connection holds (here SRTP inside
/// `outbound`, kept because `outbound` is not configured); switching to TLS then clashes. The
/// plan fails, naming the attribute, and no PATCH is sent.
#[test]
fn a_kept_value_that_clashes_with_a_configured_one_fails_at_plan() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let config = |transport: &str, outbound: &str| {
        format!(
            "provider \"telnyx\" {{}}\nresource \"telnyx_fqdn_connection\" \"c\" {{\n  connection_name    = \"e2e-kept-srtp\"\n  transport_protocol = \"{transport}\"\n{outbound}}}\n"
        )
    };
    tf.config(&config("UDP", "  outbound = { encrypted_media = \"SRTP\" }\n"));
    tf.apply().assert_success();
    tf.config(&config("TLS", ""));
    emu.clear_requests();
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("outbound.encrypted_media") && r.all().contains("TLS"), "{}", r.all());
    assert_eq!((emu.count("PATCH", "/v2/"), emu.count("POST", "/v2/")), (0, 0));
    // Configured away, it applies.
    tf.config(&config("TLS", "  outbound = {}\n"));
    tf.apply().assert_success();
    assert!(emu.objects("fqdn_connections")[0]["outbound"]["encrypted_media"].is_null());
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// An invalid member of a nested attribute is reported on the nested attribute's own line (the
/// `inbound = {` line), not on the resource's first line, by every client; the detail names
/// the member. No API call.
#[test]
fn a_nested_attribute_error_points_at_the_nested_attribute_line() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"resource "telnyx_fqdn_connection" "x" {
  connection_name = "lines"
  inbound = {
    channel_limit     = 10
    ani_number_format = "bogus"
  }
}"#,
    );
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all();
    // main.tf: 5 lines of terraform block + 1 blank, then the resource at line 7; inbound at 9.
    assert!(out.contains("on main.tf line 9, in resource \"telnyx_fqdn_connection\" \"x\":"), "{out}");
    assert!(out.contains("inbound = {"), "{out}");
    assert!(out.contains("`inbound.ani_number_format` must be one of"), "{out}");
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}
