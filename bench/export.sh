#!/usr/bin/env bash
# Export benchmark: an account of N objects (default 1000: profiles, connections of the three
# kinds, FQDNs, IPs, access IP ranges, billing groups, phone numbers with voice settings) in the
# release emulator, then `terraform-provider-telnyx export` timed over several runs (wall, CPU,
# peak memory, requests). Usage: bench/export.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-1000}"
RUNS="${2:-5}"
WORK="$(mktemp -d)"
trap 'kill "${EMU_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
build_release --quiet

# The seed: N objects split over the families, referencing one another by explicit ids.
python3 - "$N" > "$WORK/seed.json" <<'PY'
import json, sys
n = int(sys.argv[1])
share = max(1, n // 9)
seed = {"billing_groups": [], "outbound_voice_profiles": [], "credential_connections": [], "fqdn_connections": [],
        "ip_connections": [], "fqdns": [], "ips": [], "access_ip_ranges": [], "phone_numbers": []}
def oid(prefix, i): return f"{prefix}{i:015d}"
for i in range(share):
    seed["billing_groups"].append({"id": f"00000000-0000-4000-8000-{i:012d}", "name": f"group {i % 50}"})
    seed["outbound_voice_profiles"].append({"id": oid("1001", i), "name": f"profile {i}", "concurrent_call_limit": 10 + i % 7})
    seed["credential_connections"].append({"id": oid("2001", i), "connection_name": f"PBX {i}", "user_name": f"pbx{i:06d}", "password": "x" * 12,
        "outbound": {"outbound_voice_profile_id": oid("1001", i)}})
    seed["fqdn_connections"].append({"id": oid("3001", i), "connection_name": f"sbc {i}", "transport_protocol": "TCP",
        "outbound": {"outbound_voice_profile_id": oid("1001", i)}})
    seed["ip_connections"].append({"id": oid("4001", i), "connection_name": f"dc {i}", "outbound": {"outbound_voice_profile_id": oid("1001", i)}})
    seed["fqdns"].append({"connection_id": oid("3001", i), "fqdn": f"sip{i}.example.com", "dns_record_type": "a", "port": 5060})
    seed["ips"].append({"connection_id": oid("4001", i), "ip_address": f"10.{i // 250}.{i % 250}.1", "port": 5060})
    seed["access_ip_ranges"].append({"cidr_block": f"10.{i // 250}.{i % 250}.0/24", "status": "added"})
rest = n - 8 * share
for i in range(rest):
    seed["phone_numbers"].append({"phone_number": f"+1312{i:07d}", "connection_id": oid("3001", i % share), "tags": ["bench"],
        "voice": {"media_features": {"rtp_auto_adjust_enabled": True, "accept_any_rtp_packets_enabled": False, "t38_fax_gateway_enabled": i % 2 == 0}}})
print(json.dumps(seed))
PY

export TELNYX_API_KEY=bench-key
start_emulator --seed "$WORK/seed.json"
URL="$EMU_URL"
TOTAL=$(curl -s "$URL/_emulator/state" | python3 -c 'import json,sys; print(sum(len(v) for v in json.load(sys.stdin).values()))')
echo "account: $TOTAL objects"

curl -s -X DELETE "$URL/_emulator/requests" > /dev/null
farm-bench -n "$RUNS" --warmup 1 --timeout 600 -- target/release/terraform-provider-telnyx export --out "$WORK/out" --force
REQS=$(curl -s "$URL/_emulator/requests" | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(len(d), "requests,", sum(1 for r in d if r["method"] != "GET"), "writes")')
echo "requests over $((RUNS + 1)) exports: $REQS"
echo "files: $(ls "$WORK/out" | wc -l), resource blocks: $(cat "$WORK"/out/*.tf | grep -c '^resource ')"
