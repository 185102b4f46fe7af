//! The provider-defined functions `provider::telnyx::e164` and `provider::telnyx::sip_uri`
//! through the real `terraform` (≥ 1.8; every test here is `newer_only_`): evaluated in
//! outputs with no provider configuration, a bad argument failing at plan with the function's
//! message pointing at the argument and no API call, and both feeding resource arguments
//! through apply to an empty plan.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value as Json, json};

use crate::support::{Emulator, Tf, require_terraform, workspace_root};

fn example(name: &str) -> String {
    std::fs::read_to_string(workspace_root().join(format!("examples/functions/{name}/function.tf"))).unwrap()
}

fn outputs(tf: &Tf) -> Json {
    let r = tf.run(&["output", "-json"]);
    r.assert_success();
    serde_json::from_str(&r.stdout).unwrap()
}

/// The two examples, as written, applied as outputs: the values their comments promise.
#[test]
fn newer_only_the_function_examples_evaluate_to_what_they_say() {
    require_terraform(1, 8);
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(&format!("{}\n{}", example("e164"), example("sip_uri")));
    tf.apply().assert_success();
    let o = outputs(&tf);
    let v = |k: &str| o[k]["value"].clone();
    assert_eq!(v("main_line"), "+13125550100");
    assert_eq!(v("london_office"), "+442079460958");
    assert_eq!(v("desk_numbers"), json!(["+442071838750", "+441614960000"]));
    assert_eq!(v("pbx_host"), "sip.example.com");
    assert_eq!(v("pbx_port"), 5061);
    assert_eq!(v("pbx_transport"), "tls");
    assert_eq!(v("ipv6_host"), "2001:db8::10");
    // The same results at the next plan: nothing to change (Terraform also checks that each
    // call returns during apply what it returned during plan).
    tf.assert_no_changes();
    // No provider configuration was needed, and no API call made.
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

/// Whole objects and nulls come back typed: the full `sip_uri` object as an output.
#[test]
fn newer_only_sip_uri_returns_the_whole_object() {
    require_terraform(1, 8);
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
output "uri" {
  value = provider::telnyx::sip_uri("SIP:+13125550100@192.0.2.10;user=phone;lr?Subject=hello%20world")
}
"#,
    );
    tf.apply().assert_success();
    assert_eq!(
        outputs(&tf)["uri"]["value"],
        json!({
            "scheme": "sip",
            "user": "+13125550100",
            "host": "192.0.2.10",
            "port": null,
            "transport": null,
            "parameters": {"user": "phone", "lr": ""},
            "headers": {"Subject": "hello world"},
        })
    );
}

/// A bad argument fails the plan: Terraform's "Invalid function argument" with the function's
/// text, naming the parameter of the argument at fault; no API call.
#[test]
fn newer_only_a_bad_argument_fails_at_plan_naming_it() {
    require_terraform(1, 8);
    let emu = Emulator::start();
    let cases = [
        (r#"provider::telnyx::e164("(312) 555-01", "US")"#, "\"number\" parameter", "not a valid phone number"),
        (r#"provider::telnyx::e164("(312) 555-0100", "USA")"#, "\"default_region\" parameter", "not a region code"),
        (r#"provider::telnyx::e164("(312) 555-0100", null)"#, "\"default_region\" parameter", "is a national number"),
        (r#"provider::telnyx::sip_uri("tel:+13125550100")"#, "\"uri\" parameter", "not a SIP URI"),
    ];
    for (call, param, text) in cases {
        let tf = Tf::new(&emu);
        tf.config(&format!(
            "provider \"telnyx\" {{}}\n\nresource \"telnyx_fqdn_connection\" \"c\" {{\n  connection_name = \"fn-{}\"\n}}\n\noutput \"x\" {{\n  value = {call}\n}}\n",
            param.len()
        ));
        let r = tf.plan();
        assert_eq!(r.code, 1, "{call} planned:\n{}", r.all());
        let all = r.all();
        // Terraform wraps the message: compare with whitespace collapsed.
        let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Invalid function argument"), "{call}:\n{all}");
        assert!(flat.contains(&format!("Invalid value for {param}: ")) && flat.contains(text), "{call}: wants {param} and {text}:\n{all}");
        // Terraform ends the sentence itself.
        assert!(!flat.contains(".."), "{call}:\n{all}");
        // The diagnostic shows the call's source line.
        assert!(all.contains(call), "{call}:\n{all}");
    }
    let writes: Vec<_> = emu.requests().into_iter().filter(|(m, _, _)| m != "GET").collect();
    assert!(writes.is_empty(), "{writes:?}");
}

/// The functions in resource arguments: a number routed by its E.164 form, the FQDN and port of
/// a PBX's SIP URI, a forwarding number in another country; apply, then an empty plan.
#[test]
fn newer_only_functions_feed_resource_arguments_through_apply_to_an_empty_plan() {
    require_terraform(1, 8);
    let seed = workspace_root().join("examples/emulator-seed.json");
    let emu = Emulator::start_with(&["--seed", seed.to_str().unwrap()]);
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {}

variable "pbx_uri" {
  default = "sip:pbx@pbx.example.com:5061;transport=tls"
}

locals {
  pbx = provider::telnyx::sip_uri(var.pbx_uri)
}

resource "telnyx_fqdn_connection" "pbx" {
  connection_name    = "fn-pbx"
  transport_protocol = upper(local.pbx.transport)
}

resource "telnyx_fqdn" "pbx" {
  connection_id   = telnyx_fqdn_connection.pbx.id
  fqdn            = local.pbx.host
  port            = local.pbx.port
  dns_record_type = "a"
}

resource "telnyx_phone_number" "main_line" {
  phone_number  = provider::telnyx::e164("(312) 555-0100", "US")
  connection_id = telnyx_fqdn_connection.pbx.id
  voice = {
    call_forwarding = {
      forwards_to     = provider::telnyx::e164("020 7183 8750", "GB")
      forwarding_type = "on-failure"
    }
  }
}

resource "telnyx_phone_number" "london" {
  phone_number  = provider::telnyx::e164("020 7183 8750", "GB")
  connection_id = telnyx_fqdn_connection.pbx.id
}
"#,
    );
    tf.apply().assert_success();
    let conn = &emu.objects("fqdn_connections")[0];
    assert_eq!(conn["transport_protocol"], "TLS");
    let fqdn = &emu.objects("fqdns")[0];
    assert_eq!((&fqdn["fqdn"], &fqdn["port"], &fqdn["connection_id"]), (&json!("pbx.example.com"), &json!(5061), &conn["id"]));
    let main = emu.number("+13125550100");
    assert_eq!(main["connection_id"], conn["id"]);
    assert_eq!(emu.number("+442071838750")["connection_id"], conn["id"]);
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert!(emu.objects("phone_numbers").iter().all(|n| n["connection_id"].is_null()), "destroy unroutes");
}
