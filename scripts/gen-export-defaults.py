#!/usr/bin/env python3
"""Prints, by resource type, the server-side defaults of every optional+computed attribute
that a generated configuration (`export`, GenerateResourceConfig) may leave out: what each
family declares in its `Exported::defaults` (src/resources/<family>.rs). Entries for
optional-only attributes are never used; the registry test refuses them, so leave them out.

Source: the create-schema `default` keywords of shared/telnyx-api/objects.json (connection
families, profiles, FQDNs, IPs) and, for phone numbers' voice settings, the defaults table of
shared/telnyx-api/numbers-and-billing.md (written out below). Only verbosity depends on this
table: an attribute left out keeps what Telnyx holds, so the exported configuration plans
empty whatever the table says.

    python3 scripts/gen-export-defaults.py [path/to/shared/telnyx-api/objects.json]
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "telnyx-api" / "objects.json"

TYPES = {
    "outbound_voice_profiles": "telnyx_outbound_voice_profile",
    "credential_connections": "telnyx_credential_connection",
    "fqdn_connections": "telnyx_fqdn_connection",
    "ip_connections": "telnyx_ip_connection",
    "fqdns": "telnyx_fqdn",
    "ips": "telnyx_ip",
    "access_ip_ranges": "telnyx_access_ip_range",
}

# numbers-and-billing.md section 6 (defaults column of the voice settings and nested objects).
PHONE_NUMBER = {
    "hd_voice_enabled": False,
    "voice": {
        "tech_prefix_enabled": False,
        "translated_number": "",
        "caller_id_name_enabled": False,
        "usage_payment_method": "pay-per-minute",
        "inbound_call_screening": "disabled",
        "call_forwarding": {"call_forwarding_enabled": True, "forwards_to": None, "forwarding_type": None},
        "cnam_listing": {"cnam_listing_enabled": False, "cnam_listing_details": None},
        "media_features": {"rtp_auto_adjust_enabled": True, "accept_any_rtp_packets_enabled": False, "t38_fax_gateway_enabled": False},
        "call_recording": {
            "inbound_call_recording_enabled": False,
            "inbound_call_recording_format": "wav",
            "inbound_call_recording_channels": "single",
        },
    },
}


def defaults(fields):
    out = {}
    for f in fields:
        if f.get("fields"):
            out[f["name"]] = defaults(f["fields"])
        elif "default" in f:
            out[f["name"]] = f["default"]
    return out


def main():
    facts = json.loads(SRC.read_text())
    table = {}
    for family, type_name in TYPES.items():
        table[type_name] = defaults(facts["families"][family]["create"]["fields"])
    table["telnyx_phone_number"] = PHONE_NUMBER
    print(json.dumps(table, indent=4, sort_keys=True))


if __name__ == "__main__":
    main()
