//! Embeds the commit being built, for `--version`; links the Linux x86_64 binary as a
//! position-dependent executable.

include!("build-support/commit.rs");

fn main() {
    emit_build_commit();
    link_position_dependent();
}

/// On Linux x86_64 (glibc) the provider binary is linked without PIE, as Go links its
/// providers by default. The code stays position-independent, but its addresses are fixed at
/// link time, so the dynamic loader has no relative relocations to apply at start: the PIE
/// binary carried ~36,000 (an 860 KB table to read and 600 KB of `.data.rel.ro` pages to
/// write in every launch), 1.6 MiB of its 8.1 MiB RSS after the handshake (bench/RESULTS.md).
/// Shared libraries, stack and heap keep their address randomisation; the executable's own
/// image loads at a fixed address. Tests and libraries are not affected (`-bins` only).
fn link_position_dependent() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ARCH") == "x86_64" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
