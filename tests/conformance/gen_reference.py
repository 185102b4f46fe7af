#!/usr/bin/env python3
"""Regenerates reference.json (the facts sdk_conformance.py checks besides the SDK models)
from the shared API reference, so the conformance run needs nothing outside the repository:

    python3 tests/conformance/gen_reference.py ../shared/telnyx-api/objects.json
    python3 tests/conformance/gen_reference.py --check ../shared/telnyx-api/objects.json  # stale? exit 1

Per family: the record_type constant, whether single objects are bare (no `data` wrapper),
every documented endpoint with its success status, and the tree of documented response
fields (nested objects expanded), including the fields the reference lists as newer than
its OpenAPI basis (`newer_facts`, e.g. bridge_generate_comfort_noise_on_cn).
"""

import json
import sys
from pathlib import Path


def field_tree(fields):
    return {f["name"]: (field_tree(f["fields"]) if f.get("fields") else None) for f in fields}


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    src = Path(args[0] if args else Path(__file__).resolve().parents[3] / "shared/telnyx-api/objects.json")
    ref = json.loads(src.read_text())
    out = {}
    for name, fam in ref["families"].items():
        rt = fam.get("record_type")
        out[name] = {
            "record_type": rt if rt and " " not in rt else None,
            "bare": fam["response_envelope"]["single"].strip().startswith("{\"data\"") is False,
            "endpoints": [
                {
                    "operation": e["operation"],
                    "method": e["method"],
                    "path": e["path"],
                    "success_status": e["success_status"],
                    "error_statuses": [x["status"] for x in e.get("error_statuses", [])],
                }
                for e in fam["endpoints"]
            ],
            "fields": field_tree(fam["object"]["fields"]),
            "extra_responses": {
                e["operation"]: field_tree(e["response"]["fields"]) for e in fam["endpoints"] if isinstance(e.get("response"), dict)
            },
        }
    for fact in ref.get("newer_facts", []):
        if fact.get("in_object") and fact.get("fact", "").startswith("new field "):
            field = fact["fact"].removeprefix("new field ").strip()
            for name in fact["applies_to"]:
                out[name]["fields"].setdefault(field, None)
    doc = {
        "generated_from": "shared/telnyx-api/objects.json by tests/conformance/gen_reference.py",
        "list_meta_fields": ref["conventions"]["pagination"]["meta_fields"],
        "families": out,
    }
    dst = Path(__file__).with_name("reference.json")
    text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    if check:
        if dst.read_text() != text:
            print(f"{dst} is stale: regenerate it from {src}", file=sys.stderr)
            return 1
        print(f"{dst} is up to date with {src}")
        return 0
    dst.write_text(text)
    print(f"wrote {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
