//! Packaging: `scripts/install-local.sh` packs the built provider as the registry protocol
//! names it, and `terraform init` installs it from the filesystem mirror — no dev_overrides,
//! no registry — after which the provider works against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use crate::support::{API_KEY, Emulator, provider_bin, terraform_bin, workspace_root};

#[test]
fn terraform_init_installs_the_package_from_a_filesystem_mirror() {
    let dir = tempfile::tempdir().unwrap();
    let mirror = dir.path().join("mirror");
    let out = Command::new(workspace_root().join("scripts/install-local.sh"))
        .args(["--bin", provider_bin().to_str().unwrap(), "--mirror", mirror.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "install-local failed: {}", String::from_utf8_lossy(&out.stderr));
    let version = env!("CARGO_PKG_VERSION");
    let zip = mirror.join(format!("registry.terraform.io/telnyx/telnyx/terraform-provider-telnyx_{version}_linux_amd64.zip"));
    assert!(zip.is_file(), "missing {}", zip.display());

    // The CLI configuration it printed is the one we use.
    let cli_config = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(cli_config.contains("filesystem_mirror"), "{cli_config}");
    std::fs::write(dir.path().join("cli.tfrc"), &cli_config).unwrap();

    let emu = Emulator::start();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join("main.tf"),
        format!(
            "terraform {{\n  required_providers {{\n    telnyx = {{\n      source  = \"telnyx/telnyx\"\n      version = \"{version}\"\n    }}\n  }}\n}}\nprovider \"telnyx\" {{}}\nresource \"telnyx_outbound_voice_profile\" \"p\" {{ name = \"packaged\" }}\n"
        ),
    )
    .unwrap();
    let tf = |args: &[&str]| {
        let o = Command::new(terraform_bin())
            .args(args)
            .current_dir(&work)
            .env("TF_CLI_CONFIG_FILE", dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TELNYX_API_KEY", API_KEY)
            .env("TELNYX_BASE_URL", emu.base_url())
            .env_remove("TF_LOG")
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(o.status.success(), "terraform {args:?} failed:\n{text}");
        text
    };
    let init = tf(&["init", "-input=false", "-no-color"]);
    assert!(init.contains(&format!("Installed telnyx/telnyx v{version}")), "{init}");
    let lock = std::fs::read_to_string(work.join(".terraform.lock.hcl")).unwrap();
    assert!(lock.contains("registry.terraform.io/telnyx/telnyx") && lock.contains("h1:"), "{lock}");
    tf(&["apply", "-input=false", "-auto-approve", "-no-color"]);
    assert_eq!(emu.objects("outbound_voice_profiles").len(), 1);
    tf(&["destroy", "-input=false", "-auto-approve", "-no-color"]);
    assert_eq!(emu.object_count(), 0);
}
