//! The binaries run by a person rather than by Terraform: `--version`, `--help`, no argument,
//! an unknown argument; the same questions to `telnyx-emulator`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-telnyx");

fn run(bin: &std::path::Path, args: &[&str]) -> Output {
    Command::new(bin).args(args).env_remove("TF_PLUGIN_MAGIC_COOKIE").stdin(Stdio::null()).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn version_prints_version_protocol_and_commit() {
    for arg in ["--version", "version", "-V"] {
        let out = run(BIN.as_ref(), &[arg]);
        assert_eq!(out.status.code(), Some(0), "{arg}: {}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.starts_with(&format!("terraform-provider-telnyx {}\n", env!("CARGO_PKG_VERSION"))), "{arg}: {s}");
        assert!(s.contains("plugin protocol: 6\n"), "{arg}: {s}");
        let commit = s.lines().find_map(|l| l.strip_prefix("commit: ")).unwrap_or_else(|| panic!("{arg}: no commit line in {s}"));
        assert!(commit == "unknown" || (commit.len() >= 7 && commit.bytes().all(|b| b.is_ascii_hexdigit())), "{arg}: commit {commit:?}");
    }
}

#[test]
fn help_and_no_argument_explain_the_binary() {
    for args in [&["--help"][..], &["-h"], &["help"], &[]] {
        let out = run(BIN.as_ref(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
        let s = text(&out.stdout);
        for needle in ["Terraform", "plugin", "dev_overrides", "--debug", "--version", "TF_REATTACH_PROVIDERS", "export --out DIR"] {
            assert!(s.contains(needle), "{args:?}: {needle:?} missing from:\n{s}");
        }
    }
}

#[test]
fn export_has_its_own_help_and_refuses_a_missing_out() {
    let out = run(BIN.as_ref(), &["export", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("usage: terraform-provider-telnyx export --out DIR"), "{}", text(&out.stderr));
    let out = run(BIN.as_ref(), &["export"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--out DIR is required"));
}

#[test]
fn an_unknown_argument_prints_help_to_stderr_and_exits_2() {
    let out = run(BIN.as_ref(), &["--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("--frobnicate") && err.contains("Usage:"), "{err}");
}

#[test]
fn under_terraform_arguments_are_not_read_as_commands() {
    // Terraform launches the plugin without arguments and with the magic cookie: the binary then
    // serves, even if an argument looks like a command. A wrong protocol proves it did not print help.
    let out = Command::new(BIN)
        .arg("--help")
        .env("TF_PLUGIN_MAGIC_COOKIE", tfplug::transport::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("protocol 6"), "{}", text(&out.stderr));
}

#[test]
fn the_emulator_answers_version_and_help() {
    let emulator = crate::support::emulator_bin();
    let out = run(&emulator, &["--version"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.starts_with("telnyx-emulator "), "{s}");
    assert!(s.contains("commit: "), "{s}");
    let out = run(&emulator, &["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("--port"), "{}", text(&out.stdout));
    let out = run(&emulator, &["--nope"]);
    assert_eq!(out.status.code(), Some(2));
}
