// Included (`include!`) by the workspace's build scripts, build.rs and emulator/build.rs.

/// Sets `BUILD_COMMIT` for `env!`: the short hash of the commit being built (`git rev-parse`),
/// or `unknown` outside a git checkout or without git; the build script runs again when HEAD
/// moves (a commit or a branch switch).
fn emit_build_commit() {
    let git = |args: &[&str]| -> Option<String> {
        let out = std::process::Command::new("git").args(args).output().ok()?;
        let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !s.is_empty()).then_some(s)
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=BUILD_COMMIT={commit}");
    let branch = git(&["rev-parse", "--symbolic-full-name", "HEAD"]).filter(|r| r.starts_with("refs/"));
    let watched = [Some("HEAD".to_string()), branch, Some("packed-refs".to_string())];
    for path in watched.into_iter().flatten().filter_map(|p| git(&["rev-parse", "--git-path", &p])) {
        // Only files that exist: cargo reruns the script on every build for a missing one.
        if std::path::Path::new(&path).is_file() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
