#!/usr/bin/env bash
# Installs the provider into a local filesystem mirror that `terraform init` (and OpenTofu)
# can install from without any registry, then prints the CLI configuration to use.
#
# usage: scripts/install-local.sh [--bin PATH] [--mirror DIR]
#   --bin     an already built binary (default: build a release binary)
#   --mirror  mirror directory (default ~/.terraform.d/provider-mirror)
set -euo pipefail
cd "$(dirname "$0")/.."
MIRROR="${HOME}/.terraform.d/provider-mirror"
BIN_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN_ARGS=(--bin "$2"); shift 2 ;;
    --mirror) MIRROR="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install-local: unknown argument $1" >&2; exit 2 ;;
  esac
done
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
scripts/package.sh "${BIN_ARGS[@]}" --out "$STAGE"
# The packed layout: HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip
DEST="$MIRROR/registry.terraform.io/telnyx/telnyx"
mkdir -p "$DEST"
cp "$STAGE"/*.zip "$DEST/"
MIRROR_ABS="$(cd "$MIRROR" && pwd)"
echo "installed into $DEST:" >&2
ls -1 "$DEST" >&2
cat <<CFG

# Put this in ~/.terraformrc (or a file named by TF_CLI_CONFIG_FILE), then run
# \`terraform init\`. After rebuilding the same version, delete .terraform.lock.hcl
# (or run \`terraform init -upgrade\`): the lock file pins the old archive's checksum.
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR_ABS"
    include = ["registry.terraform.io/telnyx/telnyx"]
  }
  direct {
    exclude = ["registry.terraform.io/telnyx/telnyx"]
  }
}
CFG
