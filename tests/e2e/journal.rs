//! The create journal (issue 26), end to end: Terraform and the provider killed (SIGKILL of
//! the whole process group) while creates are in flight, then applied again. Every create's
//! answer is held back 2 s after Telnyx did the work (`latency_after`), so the kill leaves
//! objects that exist in Telnyx and in no state: the kind the next apply used to duplicate,
//! since billing group, profile and connection names are not unique.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{API_KEY, Emulator, Tf};
use serde_json::{Value as Json, json};

/// (Terraform type, emulator family, name attribute): the types whose names are not unique.
const TYPES: [(&str, &str, &str); 3] = [
    ("telnyx_billing_group", "billing_groups", "name"),
    ("telnyx_outbound_voice_profile", "outbound_voice_profiles", "name"),
    ("telnyx_ip_connection", "ip_connections", "connection_name"),
];

/// 10 objects of each type: 30 creates, 10 at a time (Terraform's parallelism); `profile`:
/// more arguments of the profiles.
fn config(prefix: &str, profile: &str) -> String {
    TYPES
        .iter()
        .map(|(ty, _, attr)| {
            let more = if *ty == "telnyx_outbound_voice_profile" { profile } else { "" };
            format!("resource \"{ty}\" \"x\" {{\n  count = 10\n  {attr} = \"{prefix}-${{count.index}}\"\n  {more}\n}}\n")
        })
        .collect()
}

/// How many objects of each name the emulator holds, over the three types.
fn names(emu: &Emulator) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (ty, family, attr) in TYPES {
        for o in emu.objects(family) {
            *m.entry(format!("{ty}.{}", o[attr].as_str().unwrap())).or_insert(0) += 1;
        }
    }
    m
}

fn held(emu: &Emulator) -> usize {
    names(emu).values().sum()
}

fn journal_path(tf: &Tf) -> std::path::PathBuf {
    tf.path().join(".terraform/telnyx/create-journal.default.jsonl")
}

/// Starts `terraform apply` of 30 objects and SIGKILLs Terraform and the provider (their whole
/// process group) once the first creates have reached Telnyx and wait for their answers.
/// Returns how many objects Telnyx then holds, none of them in state.
fn killed_apply(emu: &Emulator, tf: &Tf, prefix: &str) -> usize {
    emu.fault(&json!({"kind": "latency_after", "method": "POST", "latency_ms": 2000, "count": 1000}));
    tf.config(&config(prefix, ""));
    let mut child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while held(emu) < 5 {
        assert!(Instant::now() < deadline, "no create reached the emulator within 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let the rest of the first round arrive; its answers are still 2 s away.
    std::thread::sleep(Duration::from_millis(300));
    let st = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status().unwrap();
    assert!(st.success());
    let status = child.wait().unwrap();
    assert!(!status.success());
    emu.wait_idle();
    emu.clear_faults();
    let at_kill = held(emu);
    let in_state: usize = TYPES.iter().map(|(ty, _, _)| tf.state_ids(ty).len()).sum();
    eprintln!("[journal] SIGKILL: {at_kill} objects in Telnyx, {in_state} in state");
    assert!((5..30).contains(&at_kill), "the kill did not land mid-apply: {at_kill}");
    assert_eq!(in_state, 0, "the answers were held back: nothing can be in state");
    at_kill
}

/// Every object exists once, and the state holds exactly what the emulator holds.
#[track_caller]
fn assert_once_each_and_in_state(tf: &Tf, emu: &Emulator) {
    let dups: Vec<(String, usize)> = names(emu).into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(dups.is_empty(), "duplicates: {dups:?}");
    for (ty, family, _) in TYPES {
        let mut ids: Vec<String> = emu.objects(family).iter().map(|o| o["id"].as_str().unwrap().to_string()).collect();
        ids.sort();
        assert_eq!(tf.state_ids(ty), ids, "{ty}: state and emulator differ");
        assert_eq!(ids.len(), 10, "{ty}");
    }
}

#[test]
fn a_killed_apply_is_completed_without_duplicates() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let at_kill = killed_apply(&emu, &tf, "kill");

    // What the journal holds: types, hashes, times, ids; no name, no key.
    let text = std::fs::read_to_string(journal_path(&tf)).expect("the journal was written");
    assert!(!text.contains("kill-") && !text.contains(API_KEY), "{text}");
    let lines: Vec<Json> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.iter().filter(|l| l["event"] == "intent").count() >= at_kill, "{text}");

    // The configuration changed meanwhile: adopted profiles are brought to it.
    tf.config(&config("kill", "concurrent_call_limit = 7"));
    let posts_before = emu.count("POST", "/v2/");
    let started = Instant::now();
    let r = tf.apply();
    r.assert_success();
    let took = started.elapsed();
    let adopted = r.all().matches("Warning: Adopted telnyx_").count();
    let creates = emu.count("POST", "/v2/") - posts_before;
    eprintln!("[journal] next apply: {took:?}, {creates} creates, {adopted} adoption warnings");
    assert_once_each_and_in_state(&tf, &emu);
    assert_eq!(creates, 30 - at_kill, "exactly the objects the killed run never sent are created");
    assert!(adopted >= 1, "{}", r.all());
    assert!(r.all().contains("created by an interrupted run"), "{}", r.all());
    for p in emu.objects("outbound_voice_profiles") {
        assert_eq!(p["concurrent_call_limit"], json!(7), "{p}");
    }
    tf.assert_no_changes();

    // The outcomes are known now: the refresh of the plan closed every intent.
    let _ = tf.plan();
    let open = std::fs::read_to_string(journal_path(&tf)).unwrap_or_default();
    let open_ids = open_intents(&open);
    assert!(open_ids.is_empty(), "open intents left: {open}");
}

#[test]
fn without_the_journal_objects_created_by_a_killed_apply_are_duplicated() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let at_kill = killed_apply(&emu, &tf, "gone");
    std::fs::remove_dir_all(tf.path().join(".terraform/telnyx")).unwrap();
    let r = tf.apply();
    r.assert_success();
    // The documented behaviour: what the killed run created is created again.
    let dups = names(&emu).values().filter(|n| **n > 1).count();
    eprintln!("[journal] journal deleted: {dups} duplicates of {at_kill} objects");
    assert_eq!(dups, at_kill);
    assert_eq!(held(&emu), 30 + at_kill);
    tf.assert_no_changes();
}

#[test]
fn an_intent_older_than_the_expiry_is_ignored() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let at_kill = killed_apply(&emu, &tf, "old");
    // Every intent made 24 h and 1 min earlier.
    let path = journal_path(&tf);
    let aged: String = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut j: Json = serde_json::from_str(l).unwrap();
            j["at_ms"] = json!(j["at_ms"].as_u64().unwrap() - (24 * 3600 + 60) * 1000);
            format!("{j}\n")
        })
        .collect();
    std::fs::write(&path, aged).unwrap();
    let r = tf.apply();
    r.assert_success();
    assert!(!r.all().contains("Adopted"), "{}", r.all());
    assert_eq!(names(&emu).values().filter(|n| **n > 1).count(), at_kill, "expired intents adopt nothing");
}

/// `count` with one name: each killed create's object is adopted by one resource, and the
/// objects already in state (which share the name and were made minutes before) by none, also
/// without a refresh.
#[test]
fn objects_sharing_one_name_are_each_adopted_once() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    let same = |n: usize| format!("resource \"telnyx_billing_group\" \"s\" {{\n  count = {n}\n  name  = \"same\"\n}}\n");
    tf.config(&same(5));
    tf.apply().assert_success();
    let first: Vec<String> = tf.state_ids("telnyx_billing_group");

    emu.fault(&json!({"kind": "latency_after", "method": "POST", "latency_ms": 2000, "count": 1000}));
    tf.config(&same(15));
    let mut child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while emu.objects("billing_groups").len() < 10 {
        assert!(Instant::now() < deadline, "the creates never reached the emulator");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status().unwrap().success());
    let _ = child.wait();
    emu.wait_idle();
    emu.clear_faults();
    let at_kill = emu.objects("billing_groups").len() - 5;
    assert_eq!(tf.state_ids("telnyx_billing_group"), first);

    let r = tf.run(&["apply", "-auto-approve", "-input=false", "-no-color", "-refresh=false"]);
    r.assert_success();
    let adopted = r.all().matches("Warning: Adopted telnyx_").count();
    eprintln!("[journal] one name: {at_kill} objects of the killed run, {adopted} adopted");
    let mut held: Vec<String> = emu.objects("billing_groups").iter().map(|o| o["id"].as_str().unwrap().to_string()).collect();
    held.sort();
    assert_eq!(held.len(), 15, "no duplicates");
    assert_eq!(tf.state_ids("telnyx_billing_group"), held, "each object in state once");
    assert_eq!(adopted, at_kill);
    tf.assert_no_changes();
}

/// Killed while the creates wait before Telnyx does the work: nothing was made, the next apply
/// adopts nothing, creates all 30 and leaves no intent open.
#[test]
fn intents_whose_creates_made_nothing_are_closed() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    emu.fault(&json!({"kind": "latency", "method": "POST", "latency_ms": 5000, "count": 1000}));
    tf.config(&config("none", ""));
    let mut child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    // Ten intents written: their creates are on their way (and wait 5 s at the emulator).
    let intents = || std::fs::read_to_string(journal_path(&tf)).map(|t| t.lines().count()).unwrap_or(0);
    while intents() < 10 {
        assert!(Instant::now() < deadline, "the creates never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status().unwrap().success());
    let _ = child.wait();
    emu.wait_idle();
    emu.clear_faults();
    assert_eq!(held(&emu), 0);
    let journal = std::fs::read_to_string(journal_path(&tf)).unwrap();
    assert!(!open_intents(&journal).is_empty(), "{journal}");

    let r = tf.apply();
    r.assert_success();
    assert!(!r.all().contains("Adopted"), "{}", r.all());
    assert_once_each_and_in_state(&tf, &emu);
    tf.assert_no_changes();
    let journal = std::fs::read_to_string(journal_path(&tf)).unwrap();
    assert!(open_intents(&journal).is_empty(), "{journal}");
}

/// The intents of a journal's text still open (the same folding as the provider's).
pub(crate) fn open_intents(text: &str) -> Vec<String> {
    let mut open: BTreeMap<String, Option<String>> = BTreeMap::new();
    for l in text.lines() {
        let j: Json = serde_json::from_str(l).unwrap();
        let intent = j["intent"].as_str().unwrap().to_string();
        match j["event"].as_str().unwrap() {
            "intent" | "created" => {
                open.insert(intent, j["id"].as_str().map(str::to_string));
            }
            "failed" => {
                open.remove(&intent);
            }
            _ => {
                let id = j["id"].as_str().map(str::to_string);
                open.retain(|_, v| *v != id);
            }
        }
    }
    open.into_keys().collect()
}
