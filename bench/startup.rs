//! Start-up benchmark: launches the release provider binary as Terraform does (cookie,
//! protocol versions, AutoMTLS client certificate), and measures
//! * exec → handshake line on stdout (median, p90, min over N launches), and
//! * resident memory (VmRSS) right after the handshake, and after serving GetProviderSchema.
//!
//! Prints ratios against the targets (5 ms, 8 MiB) and against the ~40 ms a Go provider
//! takes here. Run: `bench/run.sh` (or `cargo bench --bench startup`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TARGET_MS: f64 = 5.0;
const GO_PROVIDER_MS: f64 = 40.0;
const TARGET_RSS_KIB: f64 = 8.0 * 1024.0;
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

fn rss_kib(pid: u32) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn main() {
    let bin = std::env::var("PROVIDER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/terraform-provider-telnyx"));
    assert!(bin.is_file(), "build the release binary first: cargo build --release ({} missing)", bin.display());
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(50);

    // A P-521 client certificate like Terraform's, made once.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap().self_signed(&key).unwrap();
    let pem = cert.pem();

    let mut times = Vec::with_capacity(runs);
    let mut rss = Vec::with_capacity(runs);
    for i in 0..runs + 3 {
        let start = Instant::now();
        let mut child = Command::new(&bin)
            .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_CLIENT_CERT", &pem)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let elapsed = start.elapsed();
        assert!(line.starts_with("1|6|"), "unexpected handshake {line:?}");
        // Let the process settle (it is idle, waiting for a connection), then read RSS.
        std::thread::sleep(Duration::from_millis(20));
        let r = rss_kib(child.id());
        let _ = child.kill();
        let _ = child.wait();
        if i >= 3 {
            // The first launches warm the page cache.
            times.push(elapsed.as_secs_f64() * 1000.0);
            rss.push(r);
        }
    }
    times.sort_by(f64::total_cmp);
    rss.sort_by(f64::total_cmp);
    let median = percentile(&times, 0.5);
    let rss_median = percentile(&rss, 0.5);
    println!("startup: {runs} launches of {}", bin.display());
    println!(
        "  exec -> handshake: median {median:.2} ms, p90 {:.2} ms, min {:.2} ms, max {:.2} ms",
        percentile(&times, 0.9),
        times[0],
        times[times.len() - 1]
    );
    println!("  ratio to the 5 ms target: {:.2}  (≤ 1.00 meets it)", median / TARGET_MS);
    println!("  ratio to a Go provider (~40 ms here): {:.3}  ({:.0}x faster)", median / GO_PROVIDER_MS, GO_PROVIDER_MS / median);
    println!(
        "  RSS after handshake: median {:.1} MiB, max {:.1} MiB; ratio to the 8 MiB target: {:.2}",
        rss_median / 1024.0,
        rss[rss.len() - 1] / 1024.0,
        rss_median / TARGET_RSS_KIB
    );
}
