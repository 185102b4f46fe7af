#!/usr/bin/env bash
# Builds release archives laid out as the Terraform registry protocol expects:
#   dist/terraform-provider-telnyx_<version>_<os>_<arch>.zip   (binary terraform-provider-telnyx_v<version>)
#   dist/terraform-provider-telnyx_<version>_SHA256SUMS
#   dist/terraform-provider-telnyx_<version>_manifest.json     (protocol 6.0)
#   dist/terraform-provider-telnyx_<version>_SHA256SUMS.sig    (with --sign: binary detached signature)
#
# usage: scripts/package.sh [--target RUST_TARGET]... [--bin PATH] [--sums-only] [--sign KEYID] [--out DIR]
#   --target     build for a Rust target (installed with `rustup target add`); default: this machine
#   --bin        package an already built binary for this machine instead of building
#   --sums-only  build nothing: write the manifest and SHA256SUMS over the archives already in DIR
#                (the release workflow gathers each platform's archive, then runs this)
#   --sign       sign SHA256SUMS with this GPG key (gpg --detach-sign); GPG_PASSPHRASE, when set,
#                is the key's passphrase
#   --out        output directory (default dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="$ROOT/dist"
BIN=""
SUMS_ONLY=""
KEYID=""
TARGETS=()
PYTHON="${PYTHON:-python3}"
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGETS+=("$2"); shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --sums-only) SUMS_ONLY=1; shift ;;
    --sign) KEYID="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "package: unknown argument $1" >&2; exit 2 ;;
  esac
done
VERSION="$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)"
NAME="terraform-provider-telnyx"
mkdir -p "$OUT"

# Rust target triple -> Terraform os_arch.
os_arch() {
  local t="$1" os arch
  case "$t" in
    x86_64-*) arch=amd64 ;;
    aarch64-*) arch=arm64 ;;
    i686-*) arch=386 ;;
    armv7-*|arm-*) arch=arm ;;
    *) echo "package: unsupported target $t" >&2; exit 2 ;;
  esac
  case "$t" in
    *-linux-*) os=linux ;;
    *-apple-darwin) os=darwin ;;
    *-windows-*) os=windows ;;
    *-freebsd) os=freebsd ;;
    *) echo "package: unsupported target $t" >&2; exit 2 ;;
  esac
  echo "${os}_${arch}"
}

archives=()
pack() { # binary, os_arch
  local bin="$1" oa="$2" ext=""
  [[ "$oa" == windows_* ]] && ext=".exe"
  local zip="$OUT/${NAME}_${VERSION}_${oa}.zip"
  "$PYTHON" - "$bin" "$zip" "${NAME}_v${VERSION}${ext}" <<'PY'
import sys, zipfile, os
src, dst, inner = sys.argv[1:4]
info = zipfile.ZipInfo(inner, date_time=(2020, 1, 1, 0, 0, 0))
info.external_attr = 0o755 << 16
info.compress_type = zipfile.ZIP_DEFLATED
with zipfile.ZipFile(dst, "w") as z, open(src, "rb") as f:
    z.writestr(info, f.read())
PY
  archives+=("$zip")
  echo "package: $zip" >&2
}

if [ -n "$SUMS_ONLY" ]; then
  : # the archives are already in $OUT
elif [ -n "$BIN" ]; then
  pack "$BIN" "$(os_arch "$(rustc -vV | sed -n 's/^host: //p')")"
elif [ ${#TARGETS[@]} -eq 0 ]; then
  # The quick start's package set (scripts/lib.sh): switching between them recompiles nothing.
  # shellcheck source=scripts/lib.sh
  . "$ROOT/scripts/lib.sh"
  build_release
  pack "${CARGO_TARGET_DIR:-target}/release/$NAME" "$(os_arch "$(rustc -vV | sed -n 's/^host: //p')")"
else
  for t in "${TARGETS[@]}"; do
    cargo build --release --locked -p "$NAME" --target "$t"
    ext=""; [[ "$t" == *windows* ]] && ext=".exe"
    pack "${CARGO_TARGET_DIR:-target}/$t/release/$NAME$ext" "$(os_arch "$t")"
  done
fi

cp terraform-registry-manifest.json "$OUT/${NAME}_${VERSION}_manifest.json"
(
  cd "$OUT"
  "$PYTHON" - "${NAME}_${VERSION}_SHA256SUMS" ${NAME}_${VERSION}_*.zip "${NAME}_${VERSION}_manifest.json" <<'PY'
import hashlib, sys
out, files = sys.argv[1], sorted(sys.argv[2:])
with open(out, "w") as f:
    for name in files:
        f.write(f"{hashlib.sha256(open(name, 'rb').read()).hexdigest()}  {name}\n")
PY
)
echo "package: $OUT/${NAME}_${VERSION}_SHA256SUMS" >&2

if [ -n "$KEYID" ]; then
  SUMS="$OUT/${NAME}_${VERSION}_SHA256SUMS"
  rm -f "$SUMS.sig"
  if [ -n "${GPG_PASSPHRASE:-}" ]; then
    printf '%s' "$GPG_PASSPHRASE" | gpg --batch --yes --pinentry-mode loopback --passphrase-fd 0 \
      --local-user "$KEYID" --output "$SUMS.sig" --detach-sign "$SUMS"
  else
    gpg --batch --yes --local-user "$KEYID" --output "$SUMS.sig" --detach-sign "$SUMS"
  fi
  gpg --batch --verify "$SUMS.sig" "$SUMS"
  echo "package: $SUMS.sig" >&2
fi
