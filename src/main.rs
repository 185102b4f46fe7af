//! The plugin binary Terraform and OpenTofu launch (and that answers `--help` and `--version`
//! when a person runs it).

fn main() -> std::process::ExitCode {
    terraform_provider_telnyx::cli::main()
}
