//! Every example under `examples/` is applied end to end against the emulator with the real
//! `terraform`: resource examples (apply → empty plan → destroy → emulator empty) and
//! data-source examples (read, together with the resources they reference).
//!
//! Convention: an example references the objects it needs (`telnyx_fqdn_connection.example.id`)
//! instead of declaring them; the test adds the referenced types' own
//! `examples/resources/<type>/resource.tf`, transitively. So each example stays minimal and
//! every cross-reference is checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::support::{Emulator, Tf, workspace_root};

fn read(rel: &str) -> Option<String> {
    std::fs::read_to_string(workspace_root().join(rel)).ok()
}

/// Resource types referenced as `telnyx_x.name.` (not `data.telnyx_x...`).
fn referenced_types(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("telnyx_") {
        let start = i + pos;
        i = start + 7;
        let preceded_ok = start == 0
            || !(bytes[start - 1].is_ascii_alphanumeric()
                || bytes[start - 1] == b'_'
                || bytes[start - 1] == b'.'
                || bytes[start - 1] == b'"');
        let end = start + text[start..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len() - start);
        if preceded_ok && text[end..].starts_with('.') {
            out.insert(text[start..end].to_string());
        }
    }
    out
}

/// The example file plus the resource examples it needs, transitively.
fn assemble(first: &str) -> Result<String, String> {
    let mut body = read(first).ok_or_else(|| format!("{first} missing"))?;
    let mut included: BTreeSet<String> = BTreeSet::new();
    if let Some(t) = first.strip_prefix("examples/resources/").and_then(|s| s.split('/').next()) {
        included.insert(t.to_string());
    }
    loop {
        let missing: Vec<String> = referenced_types(&body).into_iter().filter(|t| !included.contains(t)).collect();
        if missing.is_empty() {
            return Ok(body);
        }
        for t in missing {
            let rel = format!("examples/resources/{t}/resource.tf");
            let text = read(&rel).ok_or_else(|| format!("{first} references {t}, but {rel} does not exist"))?;
            body.push_str("\n\n");
            body.push_str(&text);
            included.insert(t);
        }
    }
}

fn example_files() -> Vec<String> {
    let mut out = Vec::new();
    for (sub, file) in [("examples/resources", "resource.tf"), ("examples/data-sources", "data-source.tf")] {
        let dir: PathBuf = workspace_root().join(sub);
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            if e.path().join(file).is_file() {
                out.push(format!("{sub}/{}/{file}", e.file_name().to_string_lossy()));
            }
        }
    }
    out.sort();
    out
}

/// Runs one example; returns a description of what went wrong, if anything.
fn check(example: &str) -> Result<(), String> {
    let body = assemble(example)?;
    let emu = seeded_emulator();
    let tf = Tf::new(&emu);
    tf.config(&format!("provider \"telnyx\" {{}}\n\n{body}"));
    let fail = |what: &str, out: String| Err(format!("{example}: {what}:\n{out}"));
    let r = tf.apply();
    if r.code != 0 {
        return fail("apply failed", r.all());
    }
    let r = tf.plan();
    if r.code != 0 {
        return fail("plan after apply is not empty", r.all());
    }
    let r = tf.destroy();
    if r.code != 0 {
        return fail("destroy failed", r.all());
    }
    let left = emu.object_count() - emu.objects("phone_numbers").len();
    if left != 0 {
        return fail("objects left after destroy", format!("{left} objects"));
    }
    let routed: Vec<_> = emu.objects("phone_numbers").into_iter().filter(|n| !n["connection_id"].is_null()).collect();
    if !routed.is_empty() {
        return fail("numbers still routed after destroy", format!("{routed:?}"));
    }
    Ok(())
}

/// The emulator with the account the examples assume: the phone numbers of
/// `examples/emulator-seed.json` (numbers cannot be created through the API).
fn seeded_emulator() -> Emulator {
    let seed = workspace_root().join("examples/emulator-seed.json");
    Emulator::start_with(&["--seed", seed.to_str().unwrap()])
}

#[test]
fn reference_detection() {
    let t = referenced_types("id = telnyx_fqdn_connection.example.id\nx = data.telnyx_ip.a.id\nresource \"telnyx_ip\" \"b\" {}");
    assert_eq!(t.into_iter().collect::<Vec<_>>(), vec!["telnyx_fqdn_connection".to_string()]);
}

#[test]
fn every_example_applies_plans_empty_and_destroys() {
    let files = example_files();
    assert!(files.len() >= 2, "no examples found: {files:?}");
    let queue = std::sync::Mutex::new(files.clone());
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                loop {
                    let Some(next) = queue.lock().unwrap().pop() else { return };
                    if let Err(e) = check(&next) {
                        failures.lock().unwrap().push(e);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{} of {} examples failed:\n\n{}", failures.len(), files.len(), failures.join("\n\n"));
}

/// The quick start's configuration (scripts/quickstart.sh applies it the same way).
#[test]
fn the_quickstart_example_applies_plans_empty_and_destroys() {
    let emu = seeded_emulator();
    let tf = Tf::new(&emu);
    std::fs::write(tf.path().join("main.tf"), read("examples/quickstart/main.tf").unwrap()).unwrap();
    tf.apply().assert_success();
    assert_eq!(emu.objects("outbound_voice_profiles").len(), 1);
    assert_eq!(emu.objects("fqdn_connections").len(), 1);
    assert_eq!(emu.objects("fqdns").len(), 1);
    let conn = emu.objects("fqdn_connections")[0]["id"].clone();
    let routed: Vec<_> = emu.objects("phone_numbers").into_iter().filter(|n| n["connection_id"] == conn).collect();
    assert_eq!(routed.len(), 1, "the quick start routes one number");
    assert_eq!(routed[0]["phone_number"], "+13125550100");
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), emu.objects("phone_numbers").len(), "only the account's numbers are left");
    assert!(emu.objects("phone_numbers").iter().all(|n| n["connection_id"].is_null()), "destroy unroutes");
}
