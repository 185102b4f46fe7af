//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the library entry
//! points the fuzz targets call, on stable Rust: every input a fuzzer kept — and every input
//! that once crashed — runs in the normal test suite. A missing or empty corpus fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use terraform_provider_telnyx::fuzzing;

fn replay(target: &str, entry: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("corpus {} missing: {e}", dir.display()));
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    assert!(!files.is_empty(), "corpus {} is empty", dir.display());
    for f in &files {
        let data = std::fs::read(f).unwrap();
        // A panic names the input: rerun it alone with `cargo +nightly fuzz run <target> <file>`.
        let r = std::panic::catch_unwind(|| entry(&data));
        assert!(r.is_ok(), "{target}: {} fails", f.display());
    }
    eprintln!("{target}: {} inputs replayed", files.len());
}

#[test]
fn msgpack_value_corpus() {
    replay("msgpack_value", fuzzing::msgpack_value);
}

#[test]
fn upgrade_state_corpus() {
    replay("upgrade_state", fuzzing::upgrade_state);
}

#[test]
fn api_response_corpus() {
    replay("api_response", fuzzing::api_response);
}

/// The first byte of an input picks a schema: every one the provider declares is reachable.
#[test]
fn every_schema_is_reachable_by_a_first_byte() {
    let names = fuzzing::schema_names();
    assert!(names.len() <= 256, "{} schemas: one byte no longer picks each", names.len());
    assert_eq!(names[0], "provider");
    assert!(names.contains(&"telnyx_fqdn") && names.contains(&"telnyx_connections"));
}

/// The nesting bound leaves ample room above the deepest schema the provider declares.
#[test]
fn nesting_bound_is_far_above_every_schema() {
    let deepest = fuzzing::deepest_schema();
    assert_eq!(deepest, 6, "the deepest schema changed: update fuzz/README.md and tfplug/src/limits.rs");
    assert!(deepest + 32 <= tfplug::limits::MAX_DEPTH);
}

/// The schema-made seeds pass through every entry point; with `FUZZ_SEEDS=<dir>` they are
/// also written to `<dir>/<target>/` as starting inputs for a fuzzing run (fuzz/README.md).
#[test]
fn seeds_replay_and_can_be_written() {
    let out = std::env::var_os("FUZZ_SEEDS");
    for (target, entry) in [
        ("msgpack_value", fuzzing::msgpack_value as fn(&[u8])),
        ("upgrade_state", fuzzing::upgrade_state),
        ("api_response", fuzzing::api_response),
    ] {
        let seeds = fuzzing::seeds(target);
        assert!(!seeds.is_empty(), "{target}");
        for (i, s) in seeds.iter().enumerate() {
            entry(s);
            if let Some(dir) = &out {
                let dir = Path::new(dir).join(target);
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join(format!("seed-{i:04}")), s).unwrap();
            }
        }
    }
}
