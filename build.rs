//! Embeds the commit being built, for `--version`.

include!("build-support/commit.rs");

fn main() {
    emit_build_commit();
}
