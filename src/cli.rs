//! The binary as a person runs it: help, version, and the subcommands. Launched by Terraform or
//! OpenTofu (the go-plugin magic cookie is in the environment), it serves the plugin protocol
//! and no argument is read as a command.
//!
//! A new subcommand is one entry in [`SUBCOMMANDS`]: its name, a usage line and a sentence for
//! the help, and the function that runs it.

use std::io::Write as _;
use std::process::ExitCode;

use tfplug::transport::MAGIC_COOKIE_KEY;

const NAME: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit the binary was built from (`build.rs`), `unknown` without git.
const COMMIT: &str = env!("BUILD_COMMIT");
/// The Terraform plugin protocol this binary speaks.
const PROTOCOL: u32 = 6;

/// A command a person can give the binary.
struct Subcommand {
    name: &'static str,
    /// What follows the binary's name, e.g. `version`.
    usage: &'static str,
    /// One sentence for `--help`.
    about: &'static str,
    /// Runs it with the arguments after its name.
    run: fn(&[String]) -> ExitCode,
}

const SUBCOMMANDS: &[Subcommand] = &[
    Subcommand {
        name: "export",
        usage: "export --out DIR [--type TYPE]... [--name-contains TEXT]",
        about: "Write Terraform configuration, import blocks and an import script for the objects of a Telnyx account \
                (reads only; `export --help` for details).",
        run: crate::export::main,
    },
    Subcommand {
        name: "version",
        usage: "version",
        about: "Print the version, the plugin protocol and the commit (also -V, --version).",
        run: version,
    },
    Subcommand { name: "help", usage: "help", about: "Print this help (also -h, --help).", run: help },
];

/// What `main` does: serve when Terraform launched us, else answer the person.
pub fn main() -> ExitCode {
    if std::env::var_os(MAGIC_COOKIE_KEY).is_some() {
        return crate::serve();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((first, rest)) = args.split_first() else { return help(&[]) };
    match first.as_str() {
        "-h" | "--help" => help(rest),
        "-V" | "--version" => version(rest),
        // Debug (reattach) mode: tfplug reads the flag itself.
        "--debug" | "-debug" if rest.is_empty() => crate::serve(),
        word => match SUBCOMMANDS.iter().find(|c| c.name == word) {
            Some(c) => (c.run)(rest),
            None => usage_error(&format!("unknown argument {word:?}")),
        },
    }
}

fn version(rest: &[String]) -> ExitCode {
    if let Some(extra) = rest.first() {
        return usage_error(&format!("`version` takes no argument, got {extra:?}"));
    }
    let _ = write!(std::io::stdout(), "{NAME} {VERSION}\nplugin protocol: {PROTOCOL}\ncommit: {COMMIT}\n");
    ExitCode::SUCCESS
}

fn help(rest: &[String]) -> ExitCode {
    if let Some(extra) = rest.first() {
        return usage_error(&format!("`help` takes no argument, got {extra:?}"));
    }
    let _ = std::io::stdout().write_all(help_text().as_bytes());
    ExitCode::SUCCESS
}

/// A wrong command line: what was wrong and the help, on stderr; exit status 2.
fn usage_error(what: &str) -> ExitCode {
    let _ = write!(std::io::stderr(), "{NAME}: {what}\n\n{}", help_text());
    ExitCode::from(2)
}

fn help_text() -> String {
    let width = SUBCOMMANDS.iter().map(|c| c.usage.len()).max().unwrap_or(0).max("--debug".len());
    let commands: String = SUBCOMMANDS.iter().map(|c| format!("  {:width$}  {}\n", c.usage, c.about)).collect();
    format!(
        "{NAME} {VERSION}: the Telnyx provider for Terraform and OpenTofu (plugin protocol {PROTOCOL}).

This binary is a plugin. Terraform or OpenTofu start it when a configuration uses
`telnyx/telnyx`, talk to it over gRPC on a local socket and stop it when they are done; you
do not run it yourself. To use a build, either point Terraform at its directory with
`dev_overrides` in the CLI configuration (then run `terraform plan` without `terraform init`),
or install it into a filesystem mirror with scripts/install-local.sh (then `terraform init`).
See README.md.

Usage: {NAME} [COMMAND]

Commands:
{commands}  {debug:width$}  Serve in debug mode: print a TF_REATTACH_PROVIDERS value, then run
  {blank:width$}  Terraform with it set to use this process (under a debugger, with logs on
  {blank:width$}  the terminal); Ctrl-C stops it.
",
        debug = "--debug",
        blank = "",
    )
}
