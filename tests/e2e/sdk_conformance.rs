//! Emulator conformance with the official Telnyx Python SDK (telnyx==4.189.0, installed by
//! `scripts/install-tools.sh` into `.tools/python`): `tests/conformance/sdk_conformance.py`
//! drives every endpoint of every object family the emulator serves through the SDK client and
//! validates every raw response strictly against the SDK's own pydantic models. Phone numbers,
//! which no API call creates, are seeded by the script through `POST /_emulator/seed` and then
//! driven through the SDK like the rest. A missing SDK fails these tests (they never skip).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::support::{API_KEY, Emulator, workspace_root};
use serde_json::json;

/// Families the emulator must serve; the script also covers any other family it finds.
const REQUIRED: &[&str] = &[
    "outbound_voice_profiles",
    "credential_connections",
    "fqdn_connections",
    "ip_connections",
    "connections",
    "fqdns",
    "ips",
    "access_ip_ranges",
    "billing_groups",
    "phone_numbers",
    "call_control_applications",
    "texml_applications",
    "uac_connections",
    "telephony_credentials",
    "dynamic_emergency_addresses",
    "dynamic_emergency_endpoints",
    "addresses",
];

fn sdk_path() -> PathBuf {
    workspace_root().join(".tools/python")
}

fn python(args: &[&str]) -> Output {
    Command::new("python3")
        .args(args)
        .env("PYTHONPATH", sdk_path())
        .env_remove("TELNYX_API_KEY")
        .env_remove("TELNYX_BASE_URL")
        .current_dir(workspace_root())
        .output()
        .expect("running python3 (needed for the SDK conformance test)")
}

#[track_caller]
fn require_sdk() {
    let out = python(&["-c", "import telnyx, sys; sys.exit(0 if telnyx.__version__ == '4.189.0' else 3)"]);
    assert!(
        out.status.success(),
        "the official Telnyx Python SDK 4.189.0 is not installed in {}: run `scripts/install-tools.sh` \
         (this test never skips)\n{}",
        sdk_path().display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run_conformance(emu: &Emulator, require: &[&str], extra: &[&str]) -> Output {
    let script = workspace_root().join("tests/conformance/sdk_conformance.py");
    let script = script.to_str().unwrap();
    let base = emu.base_url();
    let require = require.join(",");
    let mut args = vec![script, "--base-url", &base, "--api-key", API_KEY, "--require", &require];
    args.extend_from_slice(extra);
    python(&args)
}

fn text(out: &Output) -> String {
    format!("--- stdout\n{}--- stderr\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn every_served_family_matches_the_sdk_models() {
    require_sdk();
    let emu = Emulator::start();
    let out = run_conformance(&emu, REQUIRED, &[]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "SDK conformance failed:\n{all}");
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for fam in REQUIRED {
        assert!(
            stdout.contains(&format!("  {fam:<24} ")) && !stdout.contains(&format!("{fam:<24} not served")),
            "{fam} not exercised:\n{all}"
        );
    }
    // The run starts by proving its validator catches each kind of mismatch on crafted documents.
    assert!(stdout.contains("self-test: 16 validator checks passed"), "{all}");
    assert!(stdout.contains("OK: every response matched the SDK models"), "{all}");
    // The script cleans up after itself: nothing it created is left behind.
    assert_eq!(emu.object_count(), 0, "objects left behind:\n{all}");
}

#[test]
fn a_failing_response_fails_the_run_with_family_and_endpoint() {
    require_sdk();
    let emu = Emulator::start();
    // The update is applied, then answered with a 500: the SDK raises instead of parsing.
    emu.fault(&json!({"kind": "error_after", "method": "PATCH", "path_prefix": "/v2/outbound_voice_profiles", "status": 500}));
    let out = run_conformance(&emu, REQUIRED, &["--only", "outbound_voice_profiles"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "expected a failed run:\n{}", text(&out));
    assert!(
        stderr.contains(
            "[outbound_voice_profiles] aborted: PATCH /outbound_voice_profiles/{id} (update): SDK raised InternalServerError (500)"
        ),
        "{}",
        text(&out)
    );
}

#[test]
fn a_family_that_is_required_but_not_served_fails_the_run() {
    require_sdk();
    let emu = Emulator::start();
    let out = run_conformance(&emu, &["outbound_voice_profiles", "no_such_family"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[no_such_family] --require names an unknown family"), "{}", text(&out));
}

#[test]
fn a_pagination_discrepancy_is_reported_with_its_json_path() {
    require_sdk();
    // An emulator that serves pages of one object whatever page[size] asks for: the SDK's
    // auto-pagination still works, but meta and page contents no longer match the request.
    let emu = Emulator::start_with(&["--page-size-cap", "1"]);
    let out = run_conformance(&emu, REQUIRED, &["--only", "outbound_voice_profiles"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "expected a failed run:\n{}", text(&out));
    assert!(
        stderr.contains("[outbound_voice_profiles] GET /outbound_voice_profiles: $.meta.page_size: expected 2, got 1"),
        "{}",
        text(&out)
    );
}
