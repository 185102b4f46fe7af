//! terraform-provider-telnyx: a Terraform / OpenTofu provider for Telnyx SIP configuration.
//!
//! * [`tfplug`] — the plugin protocol (knows nothing of Telnyx);
//! * [`telnyx`] — the REST client and the value ↔ JSON mapping;
//! * [`resources`] — one file per Telnyx object family, plus the registry;
//! * [`provider`] — the provider block and client configuration;
//! * [`cli`] — the binary run by a person: `--help`, `--version`, subcommands.

pub mod cli;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod json_bounds;
pub mod provider;
pub mod resources;
pub mod telnyx;
pub mod tfplug;

/// The provider's address in the public registry.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/telnyx/telnyx";

/// Runs the plugin (what `main` does).
pub fn serve() -> std::process::ExitCode {
    tfplug::serve(
        provider::TelnyxProvider,
        tfplug::ServeOpts {
            address: PROVIDER_ADDRESS,
            log_module: "provider.terraform-provider-telnyx",
            version: env!("CARGO_PKG_VERSION"),
        },
    )
}
