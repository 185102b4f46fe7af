#!/usr/bin/env python3
"""Cuts the slice of Telnyx's OpenAPI document that telnyx-emulator serves.

The emulator checks every answer it gives, and every request body it accepts, against this
slice (emulator/src/schema.rs). The slice keeps, for each operation of the paths below, the
name of the JSON schema of its request body and of each documented response (null: no JSON
body documented); `schemas` holds each distinct schema once, every `$ref` resolved in place,
as JSON Schema 2020-12:

- `nullable: true` (OpenAPI 3.0) becomes a type list with "null" (an enum gets null too);
- a request schema drops read-only members from `required`, a response schema drops
  write-only ones (OpenAPI: "required" applies to them only in the other direction);
- annotations (description, title, example, default, x-*, discriminator, deprecated) are left
  out, but a schema whose documented default is null while its type has no null is marked
  `"x-default-null": true` (the emulator's exceptions list names that contradiction).

Usage (regenerates the vendored file):

    git clone https://github.com/team-telnyx/openapi /tmp/telnyx-openapi
    scripts/cut-openapi.py --repo /tmp/telnyx-openapi --commit 12de4dd039fd867f7a81c8ec415e6fb6477d5687

or `--spec FILE` (spec3.yml or spec3.json) with `--commit` naming where it came from.
Writes emulator/openapi/telnyx-api-v2.json (or `--out FILE`). Needs PyYAML for a .yml source.
"""

import argparse
import copy
import json
import os
import subprocess
import sys

# The paths the emulator serves (every method of each is kept).
PATHS = [
    "/outbound_voice_profiles",
    "/outbound_voice_profiles/{id}",
    "/credential_connections",
    "/credential_connections/{id}",
    "/credential_connections/{id}/actions/check_registration_status",
    "/fqdn_connections",
    "/fqdn_connections/{id}",
    "/ip_connections",
    "/ip_connections/{id}",
    "/connections",
    "/connections/{id}",
    "/fqdns",
    "/fqdns/{id}",
    "/ips",
    "/ips/{id}",
    "/access_ip_ranges",
    "/access_ip_ranges/{access_ip_range_id}",
    "/billing_groups",
    "/billing_groups/{id}",
    "/phone_numbers",
    "/phone_numbers/{id}",
    "/phone_numbers/voice",
    "/phone_numbers/{id}/voice",
    "/phone_numbers/jobs",
    "/phone_numbers/jobs/{id}",
    "/phone_numbers/jobs/update_phone_numbers",
    "/phone_numbers/jobs/delete_phone_numbers",
    "/phone_numbers/jobs/update_emergency_settings",
    "/call_control_applications",
    "/call_control_applications/{id}",
    "/texml_applications",
    "/texml_applications/{id}",
    "/uac_connections",
    "/uac_connections/{id}",
    "/uac_connections/{id}/actions/check_registration_status",
    "/telephony_credentials",
    "/telephony_credentials/{id}",
    "/telephony_credentials/{id}/token",
    "/dynamic_emergency_addresses",
    "/dynamic_emergency_addresses/{id}",
    "/dynamic_emergency_endpoints",
    "/dynamic_emergency_endpoints/{id}",
    "/addresses",
    "/addresses/{id}",
    "/addresses/actions/validate",
    "/phone_numbers/{id}/actions/enable_emergency",
]

METHODS = ["get", "post", "patch", "put", "delete"]

# Schema keywords that only annotate: left out of the slice.
ANNOTATIONS = {"description", "title", "example", "examples", "discriminator", "deprecated", "externalDocs", "xml", "default"}

# Keywords whose value is a schema / a list of schemas / a map of schemas.
ONE = {"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else", "unevaluatedProperties"}
MANY = {"allOf", "anyOf", "oneOf", "prefixItems"}
MAP = {"properties", "patternProperties", "$defs", "dependentSchemas"}


def load(args):
    if args.repo:
        text = subprocess.run(
            ["git", "-C", args.repo, "show", f"{args.commit}:openapi/spec3.yml"], check=True, capture_output=True, text=True
        ).stdout
        name = "spec3.yml"
    else:
        with open(args.spec, encoding="utf-8") as f:
            text = f.read()
        name = args.spec
    if name.endswith((".yml", ".yaml")):
        import yaml  # PyYAML

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text, Loader=loader)
    return json.loads(text)


class Cutter:
    def __init__(self, doc):
        self.doc = doc

    def target(self, ref):
        if not ref.startswith("#/"):
            sys.exit(f"external $ref not supported: {ref}")
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def deref(self, node):
        """A response / request body object with its own `$ref`s followed."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            if node["$ref"] in seen:
                sys.exit(f"$ref loop at {node['$ref']}")
            seen.add(node["$ref"])
            node = self.target(node["$ref"])
        return node

    def schema(self, s, direction, stack=()):
        """The schema `s` resolved and rewritten for `direction` ("request" or "response")."""
        if isinstance(s, bool):
            return s
        if not isinstance(s, dict):
            sys.exit(f"not a schema: {s!r}")
        if "$ref" in s:
            ref = s["$ref"]
            if ref in stack:
                sys.exit(f"recursive schema {ref}: not supported by this cutter")
            inner = self.schema(self.target(ref), direction, stack + (ref,))
            rest = {k: v for k, v in s.items() if k not in ("$ref", "nullable")}
            merged = self.schema(rest, direction, stack) if rest else {}
            out = {"allOf": [inner, merged]} if merged else inner
            return {"anyOf": [out, {"type": "null"}]} if s.get("nullable") is True else out
        out = {}
        for k, v in s.items():
            if k in ANNOTATIONS or k.startswith("x-") or k == "nullable":
                continue
            if k in ONE:
                out[k] = self.schema(v, direction, stack)
            elif k in MANY:
                out[k] = [self.schema(x, direction, stack) for x in v]
            elif k in MAP:
                out[k] = {name: self.schema(x, direction, stack) for name, x in v.items()}
            else:
                out[k] = copy.deepcopy(v)
        if "required" in out and isinstance(out.get("properties"), dict):
            skip = "readOnly" if direction == "request" else "writeOnly"
            props = s.get("properties", {})
            keep = [r for r in out["required"] if not self.flag(props.get(r), skip)]
            if keep:
                out["required"] = keep
            else:
                del out["required"]
        if s.get("nullable") is True:
            out = nullable(out)
        elif "default" in s and s["default"] is None and not accepts_null(out):
            # The document's own default is null on a type that has no null: kept as it is,
            # marked for the emulator's exceptions list (openapi/exceptions.json).
            out["x-default-null"] = True
        return out

    def flag(self, prop, name):
        """Whether a property schema (maybe a `$ref`) is marked `name` (readOnly / writeOnly)."""
        prop = self.deref(prop) if isinstance(prop, dict) else prop
        return isinstance(prop, dict) and prop.get(name) is True

    def body(self, content_holder, direction):
        holder = self.deref(content_holder)
        content = (holder or {}).get("content") or {}
        # A text answer (an access token) is checked as a string.
        media = content.get("application/json") or content.get("text/plain")
        if media is None:
            return None
        sch = media.get("schema")
        return None if sch is None else self.schema(sch, direction)


def accepts_null(out):
    t = out.get("type")
    return t is None or t == "null" or (isinstance(t, list) and "null" in t)


def nullable(out):
    t = out.get("type")
    if isinstance(t, str):
        out["type"] = [t, "null"]
    elif isinstance(t, list):
        if "null" not in t:
            out["type"] = t + ["null"]
    elif t is None:
        return {"anyOf": [out, {"type": "null"}]}
    if "enum" in out and None not in out["enum"]:
        out["enum"] = out["enum"] + [None]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--repo", help="a clone of github.com/team-telnyx/openapi")
    src.add_argument("--spec", help="spec3.yml or spec3.json")
    ap.add_argument("--commit", required=True, help="the source commit (read from --repo; recorded in the slice)")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "emulator", "openapi", "telnyx-api-v2.json"))
    args = ap.parse_args()

    doc = load(args)
    cut = Cutter(doc)
    operations = []
    # Each distinct resolved schema once, named after the first operation that uses it.
    schemas, names = {}, {}

    def table(schema, name):
        if schema is None:
            return None
        key = json.dumps(schema, sort_keys=True)
        if key not in names:
            names[key] = name
            schemas[name] = schema
        return names[key]

    for path in PATHS:
        item = doc["paths"].get(path)
        if item is None:
            sys.exit(f"{path}: not in the document")
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            responses = {}
            for status, resp in sorted(op.get("responses", {}).items()):
                oid = op.get("operationId") or f"{method}{path}"
                responses[str(status)] = table(cut.body(resp, "response"), f"{oid}.{status}")
            request = cut.body(op["requestBody"], "request") if "requestBody" in op else None
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "operation_id": op.get("operationId"),
                    "request": table(request, f"{op.get('operationId')}.request"),
                    "responses": responses,
                }
            )
    slice_ = {
        "source": {
            "repository": "https://github.com/team-telnyx/openapi",
            "commit": args.commit,
            "file": "openapi/spec3.yml",
            "openapi": doc.get("openapi"),
            "info_version": doc.get("info", {}).get("version"),
            "licence": "none stated: the repository has no licence file and the document no info.license",
            "cut_by": "scripts/cut-openapi.py",
        },
        "operations": operations,
        "schemas": schemas,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(slice_, f, indent=1, sort_keys=False, ensure_ascii=False)
        f.write("\n")
    print(f"{args.out}: {len(operations)} operations, {os.path.getsize(args.out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
