//! The REST client against an unreliable API, end to end: the real `terraform` binary, the
//! provider, and the emulator injecting faults — rate-limit storms, 5xx before and after the
//! work, dropped connections, a slow API that trips `request_timeout`, and Ctrl-C in the
//! middle of an apply. Every scenario checks that no object is lost or duplicated (what the
//! emulator holds is exactly what the state holds) and prints its call counts from the
//! emulator's request log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{Emulator, Tf};
use serde_json::{Value as Json, json};

const TYPE: &str = "telnyx_outbound_voice_profile";
const COLLECTION: &str = "/v2/outbound_voice_profiles";

/// `n` profiles named `<prefix>-<i>` through `count`, with `provider` as the provider block body.
fn profiles(n: usize, prefix: &str, provider: &str) -> String {
    format!(
        "provider \"telnyx\" {{\n{provider}\n}}\n\nresource \"{TYPE}\" \"p\" {{\n  count = {n}\n  name  = \"{prefix}-${{count.index}}\"\n}}\n"
    )
}

/// Sorted ids of the profiles the emulator holds; asserts their names are distinct.
fn emulator_ids(emu: &Emulator) -> Vec<String> {
    let objs = emu.objects("outbound_voice_profiles");
    let names: BTreeSet<&str> = objs.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), objs.len(), "duplicate names in the emulator: {objs:?}");
    let mut ids: Vec<String> = objs.iter().map(|o| o["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids
}

/// The emulator and the state agree: every object the API holds is in state, and nothing more.
#[track_caller]
fn assert_state_matches_emulator(tf: &Tf, emu: &Emulator) -> usize {
    let held = emulator_ids(emu);
    assert_eq!(tf.state_ids(TYPE), held, "state and emulator differ (an orphan or a ghost)");
    held.len()
}

/// `POST collection` (create), `GET collection` (list), or `<METHOD> item`.
fn call_kind(entry: &Json) -> String {
    let method = entry["method"].as_str().unwrap();
    let path = entry["path"].as_str().unwrap();
    if path == COLLECTION {
        match method {
            "POST" => "create".into(),
            "GET" => "list".into(),
            m => format!("{m} collection"),
        }
    } else {
        format!("{method} item")
    }
}

/// Counts calls by kind and status, prints them (quotable in the issue), returns them.
fn call_counts(emu: &Emulator, scenario: &str) -> BTreeMap<(String, u64), usize> {
    let mut counts = BTreeMap::new();
    for e in emu.request_log() {
        *counts.entry((call_kind(&e), e["status"].as_u64().unwrap())).or_insert(0) += 1;
    }
    let text: Vec<String> = counts.iter().map(|((k, s), n)| format!("{k} {s}: {n}")).collect();
    eprintln!("[{scenario}] calls: {}", text.join(", "));
    counts
}

fn n(counts: &BTreeMap<(String, u64), usize>, kind: &str, status: u64) -> usize {
    counts.get(&(kind.to_string(), status)).copied().unwrap_or(0)
}

#[test]
fn rate_limit_storm_honours_retry_after() {
    let emu = Emulator::start();
    // The first 20 creates are refused with Retry-After: 1. Terraform runs 10 at a time, so the
    // first ten objects each meet two 429s, and no create can succeed until two full
    // Retry-After waits have passed.
    emu.fault(&json!({"kind": "rate_limit", "count": 20, "method": "POST", "retry_after": "1"}));
    let tf = Tf::new(&emu);
    tf.config(&profiles(20, "storm", ""));
    let r = tf.apply();
    r.assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 20);

    let counts = call_counts(&emu, "429 storm");
    assert_eq!(n(&counts, "create", 429), 20);
    assert_eq!(n(&counts, "create", 200), 20, "exactly one successful create per object");
    assert_eq!(n(&counts, "list", 200), 0, "a 429 is certain: no reconciliation lookups");

    let log = emu.request_log();
    let creates: Vec<&Json> = log.iter().filter(|e| call_kind(e) == "create").collect();
    let first_429 = creates.iter().filter(|e| e["status"] == 429).map(|e| e["at_ms"].as_u64().unwrap()).min().unwrap();
    let first_ok = creates.iter().filter(|e| e["status"] == 200).map(|e| e["at_ms"].as_u64().unwrap()).min().unwrap();
    eprintln!("[429 storm] first 429 at {first_429} ms, first successful create at {first_ok} ms, apply took {:?}", r.duration);
    // Backoff alone (250 ms, then 500 ms ceilings) would be through in under 750 ms.
    assert!(first_ok - first_429 >= 2000, "Retry-After not honoured: first success {} ms after the first 429", first_ok - first_429);

    // Transport identity, seen by the server: User-Agent with the Terraform version, gzip
    // accepted, and keep-alive connections reused across requests.
    let ua_prefix = format!("terraform-provider-telnyx/{} terraform/1.", env!("CARGO_PKG_VERSION"));
    assert!(log.iter().all(|e| e["user_agent"].as_str().unwrap().starts_with(&ua_prefix)), "{:?}", log[0]["user_agent"]);
    assert!(log.iter().all(|e| e["accept_encoding"].as_str().unwrap().contains("gzip")));
    let conns: BTreeSet<u64> = log.iter().map(|e| e["conn"].as_u64().unwrap()).collect();
    eprintln!("[429 storm] {} requests over {} connections", log.len(), conns.len());
    assert!(conns.len() * 2 <= log.len(), "connections are not reused: {} requests, {} connections", log.len(), conns.len());
    tf.assert_no_changes();
}

#[test]
fn retry_after_ms_takes_precedence_over_retry_after() {
    let emu = Emulator::start();
    emu.fault(&json!({"kind": "rate_limit", "count": 4, "method": "POST", "retry_after": "60", "retry_after_ms": 300}));
    let tf = Tf::new(&emu);
    tf.config(&profiles(4, "ms", ""));
    let r = tf.apply();
    r.assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 4);
    let counts = call_counts(&emu, "retry-after-ms");
    assert_eq!(n(&counts, "create", 429), 4);
    assert_eq!(n(&counts, "create", 200), 4);
    let log = emu.request_log();
    let first_429 = log.iter().filter(|e| e["status"] == 429).map(|e| e["at_ms"].as_u64().unwrap()).min().unwrap();
    let first_ok =
        log.iter().filter(|e| e["status"] == 200 && call_kind(e) == "create").map(|e| e["at_ms"].as_u64().unwrap()).min().unwrap();
    eprintln!("[retry-after-ms] waited {} ms; apply took {:?}", first_ok - first_429, r.duration);
    assert!(first_ok - first_429 >= 300, "retry-after-ms not honoured");
    assert!(r.duration < Duration::from_secs(30), "waited for Retry-After: 60 instead of retry-after-ms: 300");
}

#[test]
fn server_errors_before_the_work_are_retried() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    // Create: a 500 that did nothing. The provider cannot know that, looks the object up,
    // finds nothing, and creates it again.
    emu.fault(&json!({"kind": "error_before", "method": "POST", "status": 500}));
    tf.config(&profiles(1, "before", ""));
    tf.apply().assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 1);
    let counts = call_counts(&emu, "5xx before commit: create");
    assert_eq!(n(&counts, "create", 500), 1);
    assert_eq!(n(&counts, "list", 200), 1, "one lookup by name");
    assert_eq!(n(&counts, "create", 200), 1);

    // Refresh, update and delete retry 5xx freely.
    emu.clear_requests();
    emu.fault(&json!({"kind": "error_before", "method": "GET", "path_prefix": "/v2/outbound_voice_profiles/", "status": 502, "count": 2}));
    emu.fault(&json!({"kind": "error_before", "method": "PATCH", "status": 503, "count": 2}));
    tf.config(&profiles(1, "before", "").replace("count = 1\n", "count = 1\n  concurrent_call_limit = 3\n"));
    tf.apply().assert_success();
    assert_eq!(emu.objects("outbound_voice_profiles")[0]["concurrent_call_limit"], 3);
    let counts = call_counts(&emu, "5xx before commit: refresh + update");
    assert_eq!(n(&counts, "GET item", 502), 2);
    assert_eq!(n(&counts, "PATCH item", 503), 2);
    assert_eq!(n(&counts, "PATCH item", 200), 1);
    tf.assert_no_changes();

    emu.clear_requests();
    emu.fault(&json!({"kind": "error_before", "method": "DELETE", "status": 500}));
    tf.destroy().assert_success();
    let counts = call_counts(&emu, "5xx before commit: delete");
    assert_eq!(n(&counts, "DELETE item", 500), 1);
    assert_eq!(n(&counts, "DELETE item", 200), 1);
    assert_eq!(emu.object_count(), 0);
}

#[test]
fn server_errors_after_the_work_never_duplicate_a_create() {
    let emu = Emulator::start();
    // Every create is done by the API and then answered with a 500.
    emu.fault(&json!({"kind": "error_after", "method": "POST", "count": 3}));
    let tf = Tf::new(&emu);
    tf.config(&profiles(3, "after", ""));
    tf.apply().assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 3, "exactly one object per resource, each in state");
    let counts = call_counts(&emu, "5xx after commit: create");
    assert_eq!(n(&counts, "create", 500), 3);
    assert_eq!(n(&counts, "create", 200), 0, "no create was sent twice");
    assert_eq!(n(&counts, "list", 200), 3, "each object found by name and adopted");
    tf.assert_no_changes();

    // An update that was applied but answered 500 is simply sent again (PATCH is idempotent).
    emu.clear_requests();
    emu.fault(&json!({"kind": "error_after", "method": "PATCH", "count": 1}));
    tf.config(&profiles(3, "after", "").replace("count = 3\n", "count = 3\n  concurrent_call_limit = 9\n"));
    tf.apply().assert_success();
    let counts = call_counts(&emu, "5xx after commit: update");
    assert_eq!(n(&counts, "PATCH item", 500), 1);
    assert_eq!(n(&counts, "PATCH item", 200), 3);
    assert!(emu.objects("outbound_voice_profiles").iter().all(|o| o["concurrent_call_limit"] == 9));
    tf.assert_no_changes();
}

#[test]
fn dropped_connections_neither_fail_nor_duplicate() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);

    // A create whose connection drops before the API acted, twice: each time looked up,
    // absent, sent again.
    emu.fault(&json!({"kind": "drop", "method": "POST", "count": 2}));
    tf.config(&profiles(1, "drop", ""));
    tf.apply().assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 1);
    let counts = call_counts(&emu, "drop x2: create");
    assert_eq!((n(&counts, "create", 0), n(&counts, "list", 200), n(&counts, "create", 200)), (2, 2, 1));

    // A create whose connection drops after the API acted: found by name and adopted.
    emu.clear_requests();
    emu.fault(&json!({"kind": "drop_after", "method": "POST"}));
    tf.config(&profiles(2, "drop", ""));
    tf.apply().assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 2);
    let counts = call_counts(&emu, "drop_after: create");
    assert_eq!((n(&counts, "create", 0), n(&counts, "list", 200), n(&counts, "create", 200)), (1, 1, 0));
    tf.assert_no_changes();

    // Reads, updates and deletes on dropped connections are retried.
    emu.clear_requests();
    emu.fault(&json!({"kind": "drop", "method": "GET", "path_prefix": "/v2/outbound_voice_profiles/"}));
    emu.fault(&json!({"kind": "drop_after", "method": "PATCH"}));
    emu.fault(&json!({"kind": "drop", "method": "PATCH"}));
    tf.config(&profiles(2, "drop", "").replace("count = 2\n", "count = 2\n  enabled = false\n"));
    tf.apply().assert_success();
    assert!(emu.objects("outbound_voice_profiles").iter().all(|o| o["enabled"] == false));
    let counts = call_counts(&emu, "drop: refresh + update");
    assert_eq!(n(&counts, "GET item", 0), 1);
    assert_eq!(n(&counts, "PATCH item", 0), 2);
    assert_eq!(n(&counts, "PATCH item", 200), 2);
    tf.assert_no_changes();

    // A delete dropped after the API acted: the retry gets 404, which counts as deleted.
    emu.clear_requests();
    emu.fault(&json!({"kind": "drop_after", "method": "DELETE"}));
    tf.destroy().assert_success();
    let counts = call_counts(&emu, "drop_after: delete");
    assert_eq!((n(&counts, "DELETE item", 0), n(&counts, "DELETE item", 404), n(&counts, "DELETE item", 200)), (1, 1, 1));
    assert_eq!(emu.object_count(), 0);
}

const FAST_TIMEOUT: &str = "  request_timeout = \"1s\"\n  max_retries     = 1";

#[test]
fn slow_api_trips_request_timeout_with_a_clear_error_and_no_orphan() {
    let emu = Emulator::start();
    // Every request waits 3 s before the API acts on it: longer than request_timeout = 1s.
    emu.fault(&json!({"kind": "latency", "latency_ms": 3000, "count": 20}));
    let tf = Tf::new(&emu);
    tf.config(&profiles(1, "slow", FAST_TIMEOUT));
    let started = Instant::now();
    let r = tf.apply();
    eprintln!("[slow api] apply failed after {:?}", started.elapsed());
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all();
    assert!(out.contains("Could not create telnyx_outbound_voice_profile"), "{out}");
    assert!(out.contains("request timeout of 1s") && out.contains("request_timeout"), "the error must name the timeout:\n{out}");
    assert!(out.contains("Could not tell whether the telnyx_outbound_voice_profile was created"), "{out}");
    assert!(out.contains("terraform import"), "{out}");
    // 1 s per attempt, not the API's 3 s: the create, the lookup and its one retry.
    assert!(r.duration < Duration::from_secs(20), "{:?}", r.duration);
    // Whatever the API holds is in state: here the client gave up before the API acted. The
    // abandoned requests enter the log when the emulator drops them.
    emu.wait_idle();
    let counts = call_counts(&emu, "slow api");
    assert_eq!(n(&counts, "create", 0), 1, "one create, abandoned by the client");
    assert_eq!(n(&counts, "list", 0), 2, "the lookup and its one retry (max_retries = 1)");
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 0);

    // The API is fast again: the next apply creates the object.
    emu.clear_faults();
    tf.apply().assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 1);
}

#[test]
fn timeout_after_the_work_is_adopted() {
    let emu = Emulator::start();
    // The API creates the object at once but answers only after 3 s.
    emu.fault(&json!({"kind": "latency_after", "method": "POST", "latency_ms": 3000}));
    let tf = Tf::new(&emu);
    tf.config(&profiles(1, "late", FAST_TIMEOUT));
    tf.apply().assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 1, "the timed-out create's object is in state");
    // The create's entry is written when its late answer is dropped or sent.
    emu.wait_idle();
    let counts = call_counts(&emu, "timeout after commit");
    assert_eq!(n(&counts, "create", 200), 1, "one create (answered too late)");
    assert_eq!(n(&counts, "list", 200), 1, "found by name");
    let log = emu.request_log();
    assert!(log.iter().any(|e| call_kind(e) == "create" && e["client_gone"] == true));
    tf.assert_no_changes();
}

/// Ctrl-C: SIGINT to terraform's whole process group (see `Tf::spawn`). Returns how long
/// terraform took to exit, its exit status and its output.
pub(crate) fn interrupt(mut child: std::process::Child) -> (Duration, std::process::ExitStatus, String) {
    let interrupted = Instant::now();
    let st = Command::new("kill").args(["-INT", "--", &format!("-{}", child.id())]).status().unwrap();
    assert!(st.success());
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(interrupted.elapsed() < Duration::from_secs(60), "terraform did not exit after SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = interrupted.elapsed();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut out).unwrap();
    (took, status, out)
}

#[test]
fn interrupt_ends_rate_limit_waits_at_once() {
    let emu = Emulator::start();
    // Every create is refused with Retry-After: 30.
    emu.fault(&json!({"kind": "rate_limit", "count": 1000, "method": "POST", "retry_after": "30"}));
    let tf = Tf::new(&emu);
    tf.config(&profiles(5, "wait", ""));
    let child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while emu.count("POST", COLLECTION) < 5 {
        assert!(Instant::now() < deadline, "the creates never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (took, status, out) = interrupt(child);
    eprintln!("[interrupt in backoff] terraform exited {took:?} after SIGINT ({status})");
    assert!(took < Duration::from_secs(5), "the 30 s Retry-After waits did not end on StopProvider: {took:?}\n{out}");
    assert!(!status.success());
    assert!(out.contains("interrupted"), "{out}");
    let counts = call_counts(&emu, "interrupt in backoff");
    assert_eq!(n(&counts, "create", 429), 5, "no request after the stop");
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 0);

    emu.clear_faults();
    tf.apply().assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 5);
}

#[test]
fn interrupt_mid_apply_leaves_every_created_object_in_state() {
    // Every request takes 300-1000 ms: 30 creates at Terraform's parallelism of 10 take three
    // rounds or more, so an interrupt as soon as the first object exists lands mid-apply, with
    // the rest of the first round still in flight.
    let emu = Emulator::start_with(&["--latency-ms", "300", "--jitter-ms", "700"]);
    let tf = Tf::new(&emu);
    tf.config(&profiles(30, "intr", ""));
    let child = tf.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while emu.objects("outbound_voice_profiles").is_empty() {
        assert!(Instant::now() < deadline, "no object was created within 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    let at_interrupt = emu.objects("outbound_voice_profiles").len();
    let (exit_after, status, out) = interrupt(child);
    eprintln!("[interrupt] terraform exited {:?} after SIGINT ({status})", exit_after);
    assert!(exit_after < Duration::from_secs(5), "terraform took {exit_after:?} to stop:\n{out}");
    assert!(!status.success(), "an interrupted apply reports failure:\n{out}");
    assert!(out.contains("Interrupt received"), "{out}");

    let held = assert_state_matches_emulator(&tf, &emu);
    let counts = call_counts(&emu, "interrupt");
    eprintln!("[interrupt] {at_interrupt} objects existed at SIGINT, {held} of 30 after terraform stopped; all {held} in state");
    assert!(held < 30, "the interrupt did not land mid-apply: {held} objects");
    assert!(held > at_interrupt, "creates in flight at the interrupt must complete and land in state");
    assert_eq!(n(&counts, "create", 200), held, "every create the API answered is in state");
    assert_eq!(n(&counts, "create", 0), 0, "no create was abandoned mid-request");

    // The next apply completes the rest, without duplicates.
    tf.apply().assert_success();
    assert_eq!(assert_state_matches_emulator(&tf, &emu), 30);
    let counts = call_counts(&emu, "interrupt + completing apply");
    assert_eq!(n(&counts, "create", 200), 30, "exactly one successful create per object over both applies");
    tf.assert_no_changes();
}

#[test]
fn provider_arguments_are_checked_before_any_call() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(&profiles(1, "args", "  request_timeout = \"soon\"\n  max_retries     = 99"));
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    let out = r.all();
    assert!(out.contains("`request_timeout` must be") && out.contains("`max_retries` must be"), "{out}");
    tf.config(&profiles(1, "args", "  request_timeout = \"500ms\""));
    let r = tf.plan();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("`request_timeout` must be") && r.all().contains("got \"500ms\""), "{}", r.all());
    assert!(emu.request_log().is_empty(), "no API call for a bad provider configuration");
}

#[test]
fn max_retries_from_the_environment_bounds_retries() {
    let emu = Emulator::start();
    let mut tf = Tf::new(&emu);
    tf.env("TELNYX_MAX_RETRIES", "0");
    emu.fault(&json!({"kind": "rate_limit", "method": "POST", "count": 5, "retry_after": "0"}));
    tf.config(&profiles(1, "env", ""));
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("kept rate-limiting") && r.all().contains("HTTP 429"), "{}", r.all());
    let counts = call_counts(&emu, "TELNYX_MAX_RETRIES=0");
    assert_eq!(n(&counts, "create", 429), 1, "max_retries = 0: no retry");
    assert_eq!(emu.object_count(), 0);

    // A value outside 0..=50 is refused, naming the variable.
    tf.env("TELNYX_MAX_RETRIES", "500");
    let r = tf.apply();
    assert_eq!(r.code, 1);
    assert!(r.all().contains("TELNYX_MAX_RETRIES") && r.all().contains("0 to 50"), "{}", r.all());
}

#[test]
fn request_logs_show_each_call_and_never_the_key() {
    let emu = Emulator::start();
    let mut tf = Tf::new(&emu);
    tf.env("TF_LOG_PROVIDER", "TRACE");
    emu.fault(&json!({"kind": "error_before", "method": "GET", "path_prefix": "/v2/outbound_voice_profiles/", "status": 503}));
    tf.config(&profiles(1, "logs", ""));
    let r = tf.apply();
    r.assert_success();
    // Refresh on a second apply: a 503 then a retry, both logged with attempt numbers.
    let r2 = tf.apply();
    r2.assert_success();
    for out in [r.all(), r2.all()] {
        assert!(!out.contains(crate::support::API_KEY), "the API key leaked into the logs");
    }
    let log = r2.all();
    let calls: Vec<&str> = log.lines().filter(|l| l.contains("telnyx api call")).collect();
    assert!(
        calls.iter().any(|l| l.contains("status=503") && l.contains("attempt=1") && l.contains("method=GET") && l.contains("duration_ms")),
        "{calls:#?}"
    );
    assert!(calls.iter().any(|l| l.contains("status=200") && l.contains("attempt=2")), "{calls:#?}");
    // The API's request id is logged with each answer.
    assert!(calls.iter().all(|l| l.contains("request_id=") && !l.contains("request_id=\"\"") && !l.contains("request_id= ")), "{calls:#?}");
    assert!(r.all().contains("request body"), "TRACE shows (redacted) request bodies");
}

/// Names are not unique at Telnyx: after an uncertain create, an object that shares the name
/// but predates the create is someone else's and is never adopted; one made by our create is,
/// even when the server's clock is behind ours.
#[test]
fn an_older_object_sharing_the_name_is_never_adopted() {
    let emu = Emulator::start();
    emu.clock(-3600);
    let (st, theirs) =
        emu.api(reqwest::Method::POST, "/outbound_voice_profiles", Some(json!({"name": "shared-0", "tags": ["someone-else"]})));
    assert_eq!(st, 200, "{theirs}");
    let theirs = theirs["data"]["id"].as_str().unwrap().to_string();
    emu.clock(0);
    emu.clear_requests();
    emu.fault(&json!({"kind": "error_before", "method": "POST", "status": 503, "count": 1}));
    let tf = Tf::new(&emu);
    tf.config(&profiles(1, "shared", ""));
    tf.apply().assert_success();
    let ours = tf.state_ids(TYPE);
    assert_eq!(ours.len(), 1);
    assert_ne!(ours[0], theirs, "someone else's object was adopted");
    assert_eq!(emu.objects("outbound_voice_profiles").len(), 2);
    let counts = call_counts(&emu, "older same-named object");
    assert_eq!((n(&counts, "create", 503), n(&counts, "list", 200), n(&counts, "create", 200)), (1, 1, 1));
    tf.assert_no_changes();

    // A server clock 90 s behind: what our create made (answered 500) is still adopted.
    emu.clock(-90);
    emu.clear_requests();
    emu.fault(&json!({"kind": "error_after", "method": "POST", "count": 1}));
    let tf2 = Tf::new(&emu);
    tf2.config(&profiles(1, "skewed", ""));
    tf2.apply().assert_success();
    let counts = call_counts(&emu, "server clock 90 s behind");
    assert_eq!((n(&counts, "create", 500), n(&counts, "list", 200), n(&counts, "create", 200)), (1, 1, 0));
    assert_eq!(emu.objects("outbound_voice_profiles").len(), 3);
}

/// A create whose follow-up update (fields Telnyx takes only on update) fails: the object is
/// kept in state as Telnyx holds it (no planned value recorded as if it were there, no
/// "remote value differs" warning), tainted; after `untaint`, the next apply finishes it in
/// place. Nothing is lost or duplicated.
#[test]
fn a_failed_follow_up_update_keeps_the_object_as_telnyx_holds_it() {
    let emu = Emulator::start();
    let tf = Tf::new(&emu);
    tf.config(
        r#"
provider "telnyx" {
  max_retries = 0
}
resource "telnyx_credential_connection" "c" {
  connection_name          = "e2e-follow-up"
  user_name                = "followup1"
  password                 = "a-long-secret-1"
  conversation_persistence = true
}
"#,
    );
    emu.fault(&json!({"kind": "error_before", "method": "PATCH", "status": 503}));
    let r = tf.apply();
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("was created, but not completely"), "{}", r.all());
    assert!(!r.all().contains("Remote value differs"), "{}", r.all());
    let held = emu.objects("credential_connections");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["conversation_persistence"], false);
    let v = tf.state_values("telnyx_credential_connection.c");
    assert_eq!((&v["id"], &v["conversation_persistence"]), (&held[0]["id"], &json!(false)), "state holds what Telnyx holds");
    let r = tf.plan();
    assert!(r.stdout.contains("is tainted, so must be replaced"), "{}", r.stdout);
    tf.run(&["untaint", "telnyx_credential_connection.c"]).assert_success();
    let r = tf.apply();
    r.assert_success();
    assert!(r.stdout.contains("0 added, 1 changed, 0 destroyed"), "{}", r.stdout);
    let held = emu.objects("credential_connections");
    assert_eq!((held.len(), &held[0]["conversation_persistence"]), (1, &json!(true)));
    tf.assert_no_changes();
    tf.destroy().assert_success();
    assert_eq!(emu.object_count(), 0);
}
