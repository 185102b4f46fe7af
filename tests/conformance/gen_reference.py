#!/usr/bin/env python3
"""Regenerates reference.json (the facts sdk_conformance.py checks besides the SDK models)
from the shared API reference, so the conformance run needs nothing outside the repository:

    python3 tests/conformance/gen_reference.py ../shared/telnyx-api/objects.json
    python3 tests/conformance/gen_reference.py --check ../shared/telnyx-api/objects.json  # stale? exit 1

The families of numbers-and-billing.md (beside objects.json: billing groups, phone numbers with
their voice settings) come from that document's tables: section 1 (endpoints, success and
documented error statuses), 3 (BillingGroup), 4 (the number, and the deleted number's field
list), 6 (the voice settings object and its nested objects). The voice endpoints belong to the
phone_numbers family, as operations voice_retrieve, voice_update and voice_list. The voice
applications (Call Control, TeXML) come from voice-apps-and-e911.md beside it, sections 1, 5, 6;
UAC connections from the same file, sections 1, 8.1 and 8.2; telephony credentials, sections 1
and 9.

Per family: the record_type constant, whether single objects are bare (no `data` wrapper),
every documented endpoint with its success status, and the tree of documented response
fields (nested objects expanded), including the fields the reference lists as newer than
its OpenAPI basis (`newer_facts`, e.g. bridge_generate_comfort_noise_on_cn).
"""

import json
import re
import sys
from pathlib import Path


def field_tree(fields):
    return {f["name"]: (field_tree(f["fields"]) if f.get("fields") else None) for f in fields}


def md_sections(text):
    """{heading text: body} for every `##` / `###` heading of a markdown document."""
    out, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"#{2,3} (.*)", line)
        if m:
            cur = m.group(1).strip()
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def md_rows(body):
    """The cells of each body row of the markdown tables in `body` (header and rule skipped)."""
    rows, prev = [], ""
    for line in body.splitlines():
        if line.startswith("|") and not re.match(r"\|\s*-", line):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if prev.startswith("|"):
                rows.append(cells)
        prev = line if line.startswith("|") else ""
    return rows


def md_field_names(body):
    """The backticked field name in the first cell of each table row."""
    return [m.group(1) for r in md_rows(body) if (m := re.fullmatch(r"`(\w+)`", r[0]))]


def section(sections, prefix):
    found = [v for k, v in sections.items() if k.startswith(prefix)]
    if len(found) != 1:
        raise SystemExit(f"numbers-and-billing.md: expected one section starting {prefix!r}, found {len(found)}")
    return found[0]


def numbers_families(text):
    """billing_groups and phone_numbers from numbers-and-billing.md."""
    sec = md_sections(text)
    fams = {
        "billing_groups": {"record_type": "billing_group", "bare": False, "endpoints": [], "extra_responses": {}},
        "phone_numbers": {"record_type": "phone_number", "bare": False, "endpoints": [], "extra_responses": {}},
    }
    owner = {"billing groups": ("billing_groups", ""), "phone numbers": ("phone_numbers", ""), "voice settings": ("phone_numbers", "voice_")}
    for r in md_rows(section(sec, "1. Endpoints")):
        fam, prefix = owner[r[0]]
        method, path = r[2].strip("`").split(" ", 1)
        fams[fam]["endpoints"].append(
            {
                "operation": prefix + re.sub(r"[^a-z_].*", "", r[1].strip("*")),
                "method": method,
                "path": path,
                "success_status": r[3].strip("*"),
                "error_statuses": [x.strip() for x in r[5].split(",") if x.strip().isdigit()],
            }
        )
    fams["billing_groups"]["fields"] = {n: None for n in md_field_names(section(sec, "3. Billing group object"))}
    number = section(sec, "4. Phone number object")
    fams["phone_numbers"]["fields"] = {n: None for n in md_field_names(number)}
    deleted = section(sec, "Deleted number").split("Data`:", 1)[1].split(". No `", 1)[0]
    fams["phone_numbers"]["extra_responses"]["delete"] = {n: None for n in re.findall(r"`(\w+)`", deleted)}
    voice = {}
    for r in md_rows(section(sec, "Object (`PhoneNumberWithVoiceSettings`)")):
        name = r[0].strip("`")
        voice[name] = None
        if r[1] == "object":
            voice[name] = {n: None for n in re.findall(r"`(\w+)` \(", r[-1])} or None
    nested = section(sec, "Nested objects")
    for m in re.finditer(r"^`(\w+)` \(`\w+`[^)]*\):\n\n((?:\|.*\n?)+)", nested, re.M):
        voice[m.group(1)] = {n: None for n in md_field_names(m.group(2))}
    missing = [k for k, v in voice.items() if k in ("call_forwarding", "cnam_listing", "emergency", "media_features", "call_recording") and not v]
    if missing:
        raise SystemExit(f"numbers-and-billing.md: no member list found for the voice settings' {missing}")
    for op in ("voice_retrieve", "voice_update", "voice_list"):
        fams["phone_numbers"]["extra_responses"][op] = voice
    return fams


def voice_apps_families(text):
    """call_control_applications and texml_applications from voice-apps-and-e911.md: section 1
    (endpoints, success and documented error statuses), 5.1 (CallControlApplication, its
    inbound table and outbound members), 6 (TexmlApplication, inbound and outbound members)."""
    sec = md_sections(text)
    owner = {"Call Control apps": "call_control_applications", "TeXML apps": "texml_applications"}
    fams = {
        name: {"record_type": name[:-1], "bare": False, "endpoints": [], "extra_responses": {}, "fields": {}}
        for name in owner.values()
    }
    for r in md_rows(section(sec, "1. Endpoints")):
        fam = owner.get(r[0])
        if fam is None:
            continue
        ops = [o.strip() for o in r[1].split("/")]
        methods = re.findall(r"\b(GET|POST|PATCH|DELETE)\b", r[2])
        path = re.search(r"(/[\w/{}]+)`", r[2]).group(1)
        if len(ops) != len(methods):
            raise SystemExit(f"voice-apps-and-e911.md: {r[1]!r} names {len(ops)} operations for {len(methods)} methods")
        for op, method in zip(ops, methods):
            fams[fam]["endpoints"].append(
                {
                    "operation": op,
                    "method": method,
                    "path": path,
                    "success_status": r[3].strip("*"),
                    "error_statuses": [x.strip() for x in r[5].split(",") if x.strip().isdigit()],
                }
            )

    def members(cell):
        return {n: None for n in re.findall(r"(?:^|, )`(\w+)`", cell)}

    def top_level(body, fields):
        for r in md_rows(body):
            names = re.findall(r"`(\w+)`", r[0])
            for n in names:
                fields[n] = None
            if names == ["inbound"] or names == ["outbound"]:
                fields[names[0]] = members(r[-1]) or None

    cc = section(sec, "5.1 Object")
    head, rest = cc.split("`inbound` (`CallControlApplicationInbound`", 1)
    top_level(head, fams["call_control_applications"]["fields"])
    inbound_table, outbound_text = rest.split("`outbound` (`CallControlApplicationOutbound`):", 1)
    fams["call_control_applications"]["fields"]["inbound"] = {n: None for n in md_field_names(inbound_table)}
    fams["call_control_applications"]["fields"]["outbound"] = members(outbound_text.strip().split("\n", 1)[0])
    top_level(section(sec, "6. TeXML applications"), fams["texml_applications"]["fields"])
    for name, fam in fams.items():
        for nested in ("inbound", "outbound"):
            if not fam["fields"].get(nested):
                raise SystemExit(f"voice-apps-and-e911.md: no member list found for {name}'s {nested}")
    return fams


def without_parens(text):
    """`text` without its parenthesised asides (values, defaults, types), innermost first."""
    while True:
        out = re.sub(r"\([^()]*\)", "", text)
        if out == text:
            return out
        text = out


def listed_names(text):
    """The backticked field names a prose list holds, after its first `: `, asides left out."""
    return re.findall(r"`(\w+)`", without_parens(text).split(": ", 1)[1])


def uac_families(text):
    """uac_connections from voice-apps-and-e911.md: section 1 (endpoints), 8.1 (the object, its
    nested objects from the notes, the UAC settings table and the prose lists), 8.2 (the
    registration status answer)."""
    sec = md_sections(text)
    fam = {"record_type": "uac_connection", "bare": False, "endpoints": [], "extra_responses": {}}
    for r in md_rows(section(sec, "1. Endpoints")):
        if r[0] != "UAC connections":
            continue
        path = re.findall(r"(/[\w/{}]+)`", r[2])[-1]
        methods = re.findall(r"`(GET|POST|PATCH|DELETE)", r[2])
        ops = ["check_registration_status"] if "/actions/" in path else [o.strip() for o in r[1].split("/")]
        for op, method in zip(ops, methods):
            fam["endpoints"].append(
                {
                    "operation": op,
                    "method": method,
                    "path": path,
                    "success_status": int(r[3].strip("*")),
                    "error_statuses": [int(x) for x in r[5].split(",") if x.strip().isdigit()],
                }
            )
    obj = section(sec, "8.1 Object")
    top, rest = obj.split("`external_uac_settings` (", 1)
    fields = {}
    for r in md_rows(top):
        for name in re.findall(r"`(\w+)`", r[0]):
            members = re.findall(r"`(\w+)` \(", r[-1]) if r[1] == "object" else []
            fields[name] = {m: None for m in members} or None
    fields["external_uac_settings"] = {n: None for n in md_field_names(rest.split("`internal_uac_settings`:", 1)[0])}
    for line in rest.splitlines():
        m = re.match(r"`(internal_uac_settings|inbound|outbound)`", line)
        if m:
            fields[m.group(1)] = {n: None for n in listed_names(line)}
    fields["internal_uac_settings"] = dict(list(fields["internal_uac_settings"].items())[:1])
    fam["fields"] = fields
    status = section(sec, "8.2 Registration status").split("answers `data`:", 1)[1].split("[spec]", 1)[0]
    fam["extra_responses"]["check_registration_status"] = {n: None for n in re.findall(r"`(\w+)`", without_parens(status))}
    return {"uac_connections": fam}


def credential_families(text):
    """telephony_credentials from voice-apps-and-e911.md: section 1 (its endpoint rows; a row
    naming two operations, `update / delete`, gives both) and section 9 (the fields the object
    holds: `in object` yes)."""
    sec = md_sections(text)
    fam = {"record_type": "credential", "bare": False, "endpoints": [], "extra_responses": {}}
    operations = {"access token": "create_token"}
    for r in md_rows(section(sec, "1. Endpoints")):
        if r[0] != "telephony credentials":
            continue
        ops = [o.strip() for o in r[1].split("/")]
        methods = re.findall(r"\b(GET|POST|PATCH|DELETE)\b", r[2])
        path = re.search(r"(/\S+?)`", r[2]).group(1)
        for op, method in zip(ops, methods):
            fam["endpoints"].append(
                {
                    "operation": operations.get(op, op),
                    "method": method,
                    "path": path,
                    "success_status": r[3].strip("*"),
                    "error_statuses": [x.strip() for x in r[5].split(",") if x.strip().isdigit()],
                }
            )
    rows = md_rows(section(sec, "9. Telephony credentials"))
    fam["fields"] = {n: None for r in rows if r[4] == "yes" for n in re.findall(r"`(\w+)`", r[0])}
    return {"telephony_credentials": fam}


def dynamic_e911_families(text):
    """dynamic_emergency_addresses and dynamic_emergency_endpoints from voice-apps-and-e911.md:
    section 1 (the addresses' rows; the endpoints' one row names its operations, with paths and
    statuses "as for addresses") and sections 3.6 and 3.7 (the object tables)."""
    sec = md_sections(text)
    names = {"dynamic emergency addresses": "dynamic_emergency_addresses", "dynamic emergency endpoints": "dynamic_emergency_endpoints"}
    fams = {n: {"record_type": n[:-2] if n.endswith("sses") else n[:-1], "bare": False, "endpoints": [], "extra_responses": {}} for n in names.values()}
    addresses = fams["dynamic_emergency_addresses"]["endpoints"]
    for r in md_rows(section(sec, "1. Endpoints")):
        fam = names.get(r[0])
        if fam is None:
            continue
        ops = [o.strip() for o in r[1].split("/")]
        methods = re.findall(r"\b(GET|POST|PATCH|DELETE)\b", r[2])
        errors = [x.strip() for x in r[5].split(",") if x.strip().isdigit()]
        for op, method in zip(ops, methods):
            path = f"/{fam}" + ("/{id}" if op in ("retrieve", "delete") else "")
            status = r[3].strip("*")
            if not status.isdigit():  # "as for addresses"
                status = next(e["success_status"] for e in addresses if e["operation"] == op)
            fams[fam]["endpoints"].append({"operation": op, "method": method, "path": path, "success_status": status, "error_statuses": errors})
    for fam, heading in (("dynamic_emergency_addresses", "3.6 Dynamic emergency address"), ("dynamic_emergency_endpoints", "3.7 Dynamic emergency endpoint")):
        fams[fam]["fields"] = {n: None for r in md_rows(section(sec, heading)) for n in re.findall(r"`(\w+)`", r[0])}
    return fams


def address_families(text):
    """addresses from voice-apps-and-e911.md: section 1 (its endpoint rows, but Operator
    Connect's accept_suggestions, which the emulator does not serve) and section 3.2 (the
    fields of `Address`, `validate_address` included: the object echoes it). Also the number's `enable_emergency` action, as an endpoint of
    phone_numbers (operation enable_emergency)."""
    sec = md_sections(text)
    fam = {"record_type": "address", "bare": False, "endpoints": [], "extra_responses": {}}
    enable = []
    for r in md_rows(section(sec, "1. Endpoints")):
        if r[0] not in ("addresses", "number emergency") or "accept suggestions" in r[1]:
            continue
        method = re.search(r"\b(GET|POST|PATCH|DELETE)\b", r[2]).group(1)
        path = re.search(r"(/\S+?)`", r[2]).group(1)
        endpoint = {
            "operation": "enable_emergency" if r[0] == "number emergency" else r[1].strip(),
            "method": method,
            "path": path,
            "success_status": re.search(r"\d{3}", r[3]).group(0),
            "error_statuses": [x.strip() for x in r[5].split(",") if x.strip().isdigit()],
        }
        (enable if r[0] == "number emergency" else fam["endpoints"]).append(endpoint)
    rows = md_rows(section(sec, "3.2 Address object"))
    fam["fields"] = {n: None for r in rows for n in re.findall(r"`(\w+)`", r[0])}
    return {"addresses": fam}, enable


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
    numbers = src.with_name("numbers-and-billing.md")
    if numbers.is_file():
        out.update(numbers_families(numbers.read_text()))
    voice_apps = src.with_name("voice-apps-and-e911.md")
    if voice_apps.is_file():
        out.update(voice_apps_families(voice_apps.read_text()))
        out.update(uac_families(voice_apps.read_text()))
        out.update(credential_families(voice_apps.read_text()))
        out.update(dynamic_e911_families(voice_apps.read_text()))
        addresses, enable = address_families(voice_apps.read_text())
        out.update(addresses)
        if "phone_numbers" in out:
            out["phone_numbers"]["endpoints"] += enable
    for fact in ref.get("newer_facts", []):
        if fact.get("in_object") and fact.get("fact", "").startswith("new field "):
            field = fact["fact"].removeprefix("new field ").strip()
            for name in fact["applies_to"]:
                out[name]["fields"].setdefault(field, None)
    doc = {
        "generated_from": "shared/telnyx-api/objects.json, numbers-and-billing.md and voice-apps-and-e911.md by tests/conformance/gen_reference.py",
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
