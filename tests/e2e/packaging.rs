//! Packaging: `scripts/install-local.sh` packs the built provider as the registry protocol
//! names it, and `terraform init` installs it from the filesystem mirror — no dev_overrides,
//! no registry — after which the provider works against the emulator; the shipped SIP-trunk
//! module goes the same way (init installs the module and the provider) on every real client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use crate::support::{API_KEY, Emulator, terraform_bin, workspace_root};

/// A filesystem mirror made by `scripts/install-local.sh --mirror`, and the CLI configuration it
/// printed (the one users are told to use).
struct Mirror {
    dir: tempfile::TempDir,
}

impl Mirror {
    fn new() -> Mirror {
        let dir = tempfile::tempdir().unwrap();
        let (mirror, cli_config) = crate::support::mirror();
        let zip = mirror.join(format!("registry.terraform.io/telnyx/telnyx/terraform-provider-telnyx_{}_linux_amd64.zip", version()));
        assert!(zip.is_file(), "missing {}", zip.display());
        std::fs::write(dir.path().join("cli.tfrc"), cli_config).unwrap();
        Mirror { dir }
    }

    /// A fresh working directory under the mirror's temporary directory.
    fn work(&self, name: &str) -> PathBuf {
        let w = self.dir.path().join(name);
        std::fs::create_dir_all(&w).unwrap();
        w
    }

    /// Runs `terraform` in `work` with the mirror's CLI configuration; the output, or a panic
    /// naming the command when the exit code is not one of `ok`.
    fn tf(&self, terraform: &Path, work: &Path, emu: &Emulator, args: &[&str], ok: &[i32]) -> String {
        let o = Command::new(terraform)
            .args(args)
            .current_dir(work)
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TELNYX_API_KEY", API_KEY)
            .env("TELNYX_BASE_URL", emu.base_url())
            .env_remove("TF_LOG")
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(ok.contains(&o.status.code().unwrap_or(-1)), "{} {args:?} failed:\n{text}", terraform.display());
        text
    }
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[test]
fn terraform_init_installs_the_package_from_a_filesystem_mirror() {
    let mirror = Mirror::new();
    let emu = Emulator::start();
    let work = mirror.work("work");
    std::fs::write(
        work.join("main.tf"),
        format!(
            "terraform {{\n  required_providers {{\n    telnyx = {{\n      source  = \"telnyx/telnyx\"\n      version = \"{}\"\n    }}\n  }}\n}}\nprovider \"telnyx\" {{}}\nresource \"telnyx_outbound_voice_profile\" \"p\" {{ name = \"packaged\" }}\n",
            version()
        ),
    )
    .unwrap();
    let tf = |args: &[&str]| mirror.tf(&crate::support::terraform_bin(), &work, &emu, args, &[0]);
    let init = tf(&["init", "-input=false", "-no-color"]);
    assert!(init.contains(&format!("Installed telnyx/telnyx v{}", version())), "{init}");
    let lock = std::fs::read_to_string(work.join(".terraform.lock.hcl")).unwrap();
    assert!(lock.contains("registry.terraform.io/telnyx/telnyx") && lock.contains("h1:"), "{lock}");
    tf(&["apply", "-input=false", "-auto-approve", "-no-color"]);
    assert_eq!(emu.objects("outbound_voice_profiles").len(), 1);
    tf(&["destroy", "-input=false", "-auto-approve", "-no-color"]);
    assert_eq!(emu.object_count(), 0);
}

/// `examples/module-usage` as users run it: `terraform init` installs the module and the provider
/// from the mirror, apply routes the numbers through `telnyx_phone_numbers_routing`, the plan
/// after apply is empty, destroy gives every number back (in each client's leg).
#[test]
fn the_sip_trunk_module_installs_with_terraform_init() {
    let mirror = Mirror::new();
    let seed = workspace_root().join("examples/emulator-seed.json");
    let terraform = &terraform_bin();
    let emu = Emulator::start_with(&["--seed", seed.to_str().unwrap()]);
    let work = mirror.work("module");
    crate::support::copy_files(&workspace_root().join("examples/modules/sip_trunk"), &work.join("modules/sip_trunk"));
    let usage = std::fs::read_to_string(workspace_root().join("examples/module-usage/main.tf")).unwrap();
    std::fs::write(work.join("main.tf"), usage.replace("\"../modules/sip_trunk\"", "\"./modules/sip_trunk\"")).unwrap();
    let tf = |args: &[&str], ok: &[i32]| mirror.tf(terraform, &work, &emu, args, ok);

    let init = tf(&["init", "-input=false", "-no-color"], &[0]);
    assert!(init.contains(&format!("Installed telnyx/telnyx v{}", version())), "{}: {init}", terraform.display());
    tf(&["apply", "-input=false", "-auto-approve", "-no-color"], &[0]);
    let numbers = emu.objects("phone_numbers");
    let routed = numbers.iter().filter(|n| !n["connection_id"].is_null()).count();
    assert_eq!(routed, 3, "{}: {numbers:?}", terraform.display());
    let plan = tf(&["plan", "-input=false", "-detailed-exitcode", "-no-color"], &[0, 2]);
    assert!(plan.contains("No changes"), "{}: {plan}", terraform.display());
    let out: Json = serde_json::from_str(&tf(&["output", "-json"], &[0])).unwrap();
    assert_eq!(out["hq_numbers"]["value"], serde_json::json!(["+13125550100", "+13125550101"]));
    tf(&["destroy", "-input=false", "-auto-approve", "-no-color"], &[0]);
    assert!(emu.objects("phone_numbers").iter().all(|n| n["connection_id"].is_null()), "{}: unrouted", terraform.display());
    assert_eq!(emu.count("POST", "/v2/phone_numbers/jobs/delete_phone_numbers") + emu.count("DELETE", "/v2/phone_numbers"), 0);
}
