#!/usr/bin/env python3
"""Lays out a release made by scripts/package.sh as a Terraform provider network mirror
(the "Provider Network Mirror Protocol"): static files any HTTPS server can serve.

  OUT/<hostname>/<namespace>/<type>/index.json           {"versions": {"<version>": {}}}
  OUT/<hostname>/<namespace>/<type>/<version>.json       {"archives": {"<os>_<arch>": {"url", "hashes"}}}
  OUT/<hostname>/<namespace>/<type>/<archive>.zip        the archives, next to <version>.json

Each archive lists two hashes: `h1:` (Terraform's hash of the unpacked package, the one a
network mirror is checked against) and `zh:` (SHA-256 of the zip, the one the registry signs),
so lock files written through the mirror hold the same hashes as ones written from the registry.
Run it again with another release's --dist to add that version to the index.

usage: scripts/network-mirror.py --dist DIR --out DIR [--source registry.terraform.io/telnyx/telnyx]
"""

import argparse
import base64
import hashlib
import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

NAME = "terraform-provider-telnyx"


def h1(archive: Path) -> str:
    """Terraform's `h1:` hash of a provider archive: golang.org/x/mod/sumdb/dirhash Hash1 of its files."""
    summary = hashlib.sha256()
    with zipfile.ZipFile(archive) as z:
        for name in sorted(n for n in z.namelist() if not n.endswith("/")):
            summary.update(f"{hashlib.sha256(z.read(name)).hexdigest()}  {name}\n".encode())
    return "h1:" + base64.b64encode(summary.digest()).decode()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--source", default="registry.terraform.io/telnyx/telnyx")
    a = ap.parse_args()
    dest = Path(a.out, *a.source.split("/"))
    dest.mkdir(parents=True, exist_ok=True)
    archives: dict = {}
    for z in sorted(Path(a.dist).glob(f"{NAME}_*_*_*.zip")):
        m = re.fullmatch(rf"{NAME}_([^_]+)_([a-z0-9]+_[a-z0-9]+)\.zip", z.name)
        if not m:
            continue
        version, platform = m.groups()
        shutil.copyfile(z, dest / z.name)
        zh = "zh:" + hashlib.sha256(z.read_bytes()).hexdigest()
        archives.setdefault(version, {})[platform] = {"url": z.name, "hashes": [h1(z), zh]}
    if not archives:
        print(f"network-mirror: no {NAME}_<version>_<os>_<arch>.zip in {a.dist}", file=sys.stderr)
        return 1
    index = dest / "index.json"
    versions = json.loads(index.read_text())["versions"] if index.is_file() else {}
    for version, platforms in archives.items():
        versions[version] = {}
        (dest / f"{version}.json").write_text(json.dumps({"archives": platforms}, indent=2, sort_keys=True) + "\n")
        print(f"network-mirror: {dest / (version + '.json')}", file=sys.stderr)
    index.write_text(json.dumps({"versions": versions}, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
