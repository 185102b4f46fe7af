//! The plugin binary Terraform and OpenTofu launch.

fn main() -> std::process::ExitCode {
    terraform_provider_telnyx::serve()
}
