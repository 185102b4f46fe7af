#!/usr/bin/env bash
# Benchmarks: start-up latency and memory of the release binary (bench/startup.rs), and the
# wall time of `terraform plan` / `apply` for one resource against the emulator
# (bench/terraform.sh). Prints ratios against the targets.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p terraform-provider-telnyx -p telnyx-emulator
cargo bench --locked --bench startup
bench/terraform.sh
