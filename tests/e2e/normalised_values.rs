//! Values Telnyx writes in another form than it was sent (the emulator answers like the spec's
//! examples: `"08:00"` -> `"08:00:00.00Z"`, `"100"` -> `"100.00"`) keep the configured form in
//! state: no diff, no "inconsistent result", through the real terraform binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{Emulator, Tf};
use reqwest::Method;
use serde_json::json;

fn config(start: &str, limit: &str) -> String {
    format!(
        r#"
provider "telnyx" {{}}
resource "telnyx_outbound_voice_profile" "p" {{
  name              = "e2e-normalised"
  daily_spend_limit = "{limit}"
  calling_window = {{
    start_time = "{start}"
    end_time   = "20:00"
  }}
}}
"#
    )
}

#[test]
fn times_and_amounts_in_the_api_form_are_no_change() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(&config("08:00", "100"));
    let r = tf.apply();
    r.assert_success();
    assert!(!r.all().contains("Remote value differs"), "{}", r.all());
    let held = &emu.objects("outbound_voice_profiles")[0];
    assert_eq!(
        (held["calling_window"]["start_time"].as_str(), held["calling_window"]["end_time"].as_str(), held["daily_spend_limit"].as_str()),
        (Some("08:00:00.00Z"), Some("20:00:00.00Z"), Some("100.00")),
        "the emulator answers the API's long forms: {held}"
    );
    let v = tf.state_values("telnyx_outbound_voice_profile.p");
    assert_eq!((&v["calling_window"]["start_time"], &v["daily_spend_limit"]), (&json!("08:00"), &json!("100")));
    // A refresh reads the long forms again: still no change.
    tf.assert_no_changes();

    // A real change is one: in the configuration, and behind Terraform's back.
    tf.config(&config("09:30", "100.5"));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    assert!(!r.all().contains("Remote value differs"), "{}", r.all());
    assert_eq!(emu.objects("outbound_voice_profiles")[0]["calling_window"]["start_time"], "09:30:00.00Z");
    tf.assert_no_changes();
    let id = v["id"].as_str().unwrap();
    // An import reads Telnyx's forms; the configured forms plan no change against them.
    tf.state_rm("telnyx_outbound_voice_profile.p").assert_success();
    tf.import("telnyx_outbound_voice_profile.p", id).assert_success();
    let imported = tf.state_values("telnyx_outbound_voice_profile.p");
    assert_eq!((&imported["calling_window"]["start_time"], &imported["daily_spend_limit"]), (&json!("09:30:00.00Z"), &json!("100.50")));
    tf.assert_no_changes();
    let (st, body) = emu.api(
        Method::PATCH,
        &format!("/outbound_voice_profiles/{id}"),
        Some(json!({"name": "e2e-normalised", "daily_spend_limit": "101"})),
    );
    assert_eq!(st, 200, "{body}");
    let r = tf.plan();
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains(r#""101.00" -> "100.5""#), "{}", r.stdout);
    tf.apply().assert_success();
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}

/// Decimals a float64 cannot hold exactly (0.1, 0.15) travel as text: the plan, the apply and
/// a refresh keep their exact value (Terraform rejects a plan that turns `0.1` into the
/// float64 nearest to it), and so does an import.
#[test]
fn decimals_keep_their_exact_value() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let config = |rate: &str| {
        format!(
            "provider \"telnyx\" {{}}\nresource \"telnyx_outbound_voice_profile\" \"p\" {{\n  name = \"e2e-decimal\"\n  max_destination_rate = {rate}\n}}\n"
        )
    };
    tf.config(&config("0.1"));
    tf.apply().assert_success();
    assert_eq!(emu.objects("outbound_voice_profiles")[0]["max_destination_rate"], json!(0.1));
    tf.assert_no_changes();
    tf.config(&config("0.15"));
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    assert_eq!(emu.objects("outbound_voice_profiles")[0]["max_destination_rate"], json!(0.15));
    tf.assert_no_changes();
    let id = tf.state_values("telnyx_outbound_voice_profile.p")["id"].as_str().unwrap().to_string();
    tf.state_rm("telnyx_outbound_voice_profile.p").assert_success();
    tf.import("telnyx_outbound_voice_profile.p", &id).assert_success();
    tf.assert_no_changes();
    tf.config(&config("1e400"));
    let r = tf.plan();
    assert_eq!(r.code, 1, "out of range: {}", r.all());
    assert!(r.all().contains("max_destination_rate"), "{}", r.all());
    tf.config(&config("0.1"));
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}
