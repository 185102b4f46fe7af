//! The plugin binary Terraform and OpenTofu launch.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("export") && std::env::var_os("TF_PLUGIN_MAGIC_COOKIE").is_none() {
        return terraform_provider_telnyx::export::main(&args[1..]);
    }
    terraform_provider_telnyx::serve()
}
