//! terraform-provider-telnyx: a Terraform / OpenTofu provider for Telnyx SIP configuration.
//!
//! * [`tfplug`] — the plugin protocol, a crate of its own (knows nothing of Telnyx);
//! * [`telnyx`] — the Telnyx REST client (knows nothing of Terraform): transport, retries,
//!   pagination, typed errors;
//! * [`resources`] — one file per Telnyx object family, plus the registry, the value ↔ JSON
//!   mapping and how API errors read as diagnostics: where the two meet;
//! * [`functions`] — the provider-defined functions (`provider::telnyx::e164`, `sip_uri`);
//! * [`provider`] — the provider block and client configuration;
//! * [`cli`] — the binary run by a person: `--help`, `--version`, subcommands.

pub mod cli;
pub mod export;
pub mod functions;
#[doc(hidden)]
pub mod fuzzing;
pub mod provider;
pub mod resources;
pub mod telnyx;

pub use tfplug;

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
