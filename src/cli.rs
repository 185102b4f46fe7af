//! The binary as a person runs it: help, version, and the subcommands. Launched by Terraform or
//! OpenTofu (the go-plugin magic cookie is in the environment), it serves the plugin protocol
//! and no argument is read as a command.
//!
//! A new subcommand is one entry in [`SUBCOMMANDS`]: its name, a usage line and a sentence for
//! the help, and the function that runs it.

use std::ffi::OsString;
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
#[derive(Debug)]
struct Subcommand {
    name: &'static str,
    /// What follows the binary's name, e.g. `version`.
    usage: &'static str,
    /// One sentence for `--help`.
    about: &'static str,
    action: Action,
}

/// What the binary does for a command line.
#[derive(Clone, Copy, Debug)]
enum Action {
    Help,
    Version,
    /// Serve in debug (reattach) mode: tfplug reads the flag itself.
    Debug,
    /// A subcommand, run with the arguments after its name.
    Run(fn(Vec<OsString>) -> ExitCode),
}

const SUBCOMMANDS: &[Subcommand] = &[
    Subcommand {
        name: "export",
        usage: "export --out DIR [--type TYPE]... [--name-contains TEXT]",
        about: "Write Terraform configuration, import blocks and an import script for the objects of a Telnyx account \
                (reads only; `export --help` for details).",
        action: Action::Run(crate::export::main),
    },
    Subcommand {
        name: "version",
        usage: "version",
        about: "Print the version, the plugin protocol and the commit (also -V, --version).",
        action: Action::Version,
    },
    Subcommand { name: "help", usage: "help", about: "Print this help (also -h, --help).", action: Action::Help },
];

/// A command line the binary cannot run.
#[derive(Debug, thiserror::Error)]
enum UsageError {
    /// An unknown option, or a value given to one that takes none.
    #[error(transparent)]
    Args(#[from] lexopt::Error),
    #[error("unknown command {0:?}")]
    UnknownCommand(String),
    #[error("`{command}` takes no argument, got {got:?}")]
    Extra { command: String, got: String },
}

/// What `main` does: serve when Terraform launched us, else answer the person.
pub fn main() -> ExitCode {
    if std::env::var_os(MAGIC_COOKIE_KEY).is_some() {
        return crate::serve();
    }
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    // Go's spelling of the debug flag, which Terraform's documentation uses; tfplug reads it too.
    if args.len() == 1 && args[0] == "-debug" {
        return crate::serve();
    }
    match parse(args) {
        Ok((Action::Help, _)) => help(),
        Ok((Action::Version, _)) => version(),
        Ok((Action::Debug, _)) => crate::serve(),
        Ok((Action::Run(run), rest)) => run(rest),
        Err(e) => usage_error(&e),
    }
}

/// The action the first argument names, and the arguments after it (none unless a subcommand
/// takes them). No argument at all asks for the help.
fn parse(args: impl IntoIterator<Item = impl Into<OsString>>) -> Result<(Action, Vec<OsString>), UsageError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let first = p.next()?;
    let (word, action) = match first {
        None => (String::new(), Action::Help),
        Some(Short('h') | Long("help")) => ("--help".to_string(), Action::Help),
        Some(Short('V') | Long("version")) => ("--version".to_string(), Action::Version),
        Some(Long("debug")) => ("--debug".to_string(), Action::Debug),
        Some(Value(word)) => {
            let word = word.to_string_lossy().into_owned();
            match SUBCOMMANDS.iter().find(|c| c.name == word) {
                Some(c) => (word, c.action),
                None => return Err(UsageError::UnknownCommand(word)),
            }
        }
        Some(other) => return Err(other.unexpected().into()),
    };
    let rest: Vec<OsString> = p.raw_args()?.collect();
    match (action, rest.first()) {
        (Action::Run(_), _) | (_, None) => Ok((action, rest)),
        (_, Some(extra)) => Err(UsageError::Extra { command: word, got: extra.to_string_lossy().into_owned() }),
    }
}

fn version() -> ExitCode {
    let _ = write!(std::io::stdout(), "{NAME} {VERSION}\nplugin protocol: {PROTOCOL}\ncommit: {COMMIT}\n");
    ExitCode::SUCCESS
}

fn help() -> ExitCode {
    let _ = std::io::stdout().write_all(help_text().as_bytes());
    ExitCode::SUCCESS
}

/// A wrong command line: what was wrong and the help, on stderr; exit status 2.
fn usage_error(what: &UsageError) -> ExitCode {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn action(args: &[&str]) -> Result<(Action, Vec<OsString>), String> {
        parse(args).map_err(|e| e.to_string())
    }

    #[test]
    fn the_first_argument_names_the_action() {
        assert!(matches!(action(&[]), Ok((Action::Help, _))));
        for a in ["-h", "--help", "help"] {
            assert!(matches!(action(&[a]), Ok((Action::Help, _))), "{a}");
        }
        for a in ["-V", "--version", "version"] {
            assert!(matches!(action(&[a]), Ok((Action::Version, _))), "{a}");
        }
        assert!(matches!(action(&["--debug"]), Ok((Action::Debug, _))));
    }

    #[test]
    fn a_subcommand_gets_every_argument_after_its_name() {
        let Ok((Action::Run(_), rest)) = action(&["export", "--out=dir", "--type", "fqdn", "--help"]) else { panic!() };
        assert_eq!(rest, ["--out=dir", "--type", "fqdn", "--help"]);
    }

    #[test]
    fn wrong_command_lines_say_what_is_wrong() {
        let err = |args: &[&str]| action(args).err().unwrap_or_default();
        assert_eq!(err(&["frobnicate"]), "unknown command \"frobnicate\"");
        assert!(err(&["--frobnicate"]).contains("'--frobnicate'"), "{}", err(&["--frobnicate"]));
        assert_eq!(err(&["version", "x"]), "`version` takes no argument, got \"x\"");
        assert_eq!(err(&["--help", "x"]), "`--help` takes no argument, got \"x\"");
        assert!(err(&["--version=2"]).contains("--version"), "{}", err(&["--version=2"]));
        assert!(err(&["--debug", "x"]).contains("--debug"), "{}", err(&["--debug", "x"]));
    }
}
