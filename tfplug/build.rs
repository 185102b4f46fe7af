//! Compiles `proto/` with a vendored protoc: a fresh machine needs no system protoc.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    let well_known = protoc_bin_vendored::include_path()?;
    println!("cargo:rerun-if-changed=proto");
    let mut config = prost_build::Config::new();
    config.protoc_executable(protoc);
    tonic_prost_build::configure().build_client(true).build_server(true).generate_default_stubs(true).compile_with_config(
        config,
        &[std::path::PathBuf::from("proto/tfplugin6.proto"), std::path::PathBuf::from("proto/plugin.proto")],
        &[std::path::PathBuf::from("proto"), well_known],
    )?;
    Ok(())
}
