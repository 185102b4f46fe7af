#!/usr/bin/env python3
"""Checks that a release's versions agree: the crate version (Cargo.toml), the binary's
`--version`, the archives' names and contents, the manifest, SHA256SUMS and the CHANGELOG.

usage: scripts/check-release.py [--bin PATH] [--dist DIR] [--all-platforms] [--tag vX.Y.Z] [--notes FILE]
  --bin            the provider binary: `--version` must print the crate version
  --dist           a directory made by scripts/package.sh: names, archive contents, manifest, sums
  --all-platforms  the archives must cover every os/arch the release workflow builds
  --tag            a version tag: it must be v<crate version>, with a dated CHANGELOG section
  --notes          write that CHANGELOG section (the release notes) to FILE; needs --tag

Without --tag the CHANGELOG's first section is [Unreleased] or the crate version's, and no
released section is newer than the crate version. Exit status 1 names every disagreement.
"""

import argparse
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "terraform-provider-telnyx"
PLATFORMS = ["darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64", "windows_amd64", "windows_arm64"]


def crate_version() -> str:
    in_package = False
    for line in (ROOT / "Cargo.toml").read_text().splitlines():
        if line.startswith("["):
            in_package = line.strip() == "[package]"
        m = re.match(r'version\s*=\s*"([^"]+)"', line)
        if in_package and m:
            return m.group(1)
    sys.exit("check-release: no version in [package] of Cargo.toml")


def semver(v: str) -> tuple:
    core = v.split("-")[0].split("+")[0]
    return tuple(int(x) for x in core.split("."))


def changelog_sections() -> list:
    """(title, date or None, body) for each `## [title]` heading, in order."""
    sections = []
    for line in (ROOT / "CHANGELOG.md").read_text().splitlines():
        m = re.match(r"## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$", line)
        if m:
            sections.append([m.group(1), m.group(2), []])
        elif sections:
            sections[-1][2].append(line)
    return [(t, d, "\n".join(b).strip() + "\n") for t, d, b in sections]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--dist")
    ap.add_argument("--all-platforms", action="store_true")
    ap.add_argument("--tag")
    ap.add_argument("--notes")
    a = ap.parse_args()
    v = crate_version()
    errors = []

    if a.bin:
        out = subprocess.run([a.bin, "--version"], capture_output=True, text=True, check=False).stdout
        first = out.splitlines()[0] if out else ""
        if first != f"{NAME} {v}":
            errors.append(f"{a.bin} --version prints {first!r}, not {NAME} {v!r}")

    sections = changelog_sections()
    titles = [t for t, _, _ in sections]
    released = [(t, d, b) for t, d, b in sections if t != "Unreleased"]
    if not sections or titles[0] not in ("Unreleased", v):
        errors.append(f"CHANGELOG.md: the first section is {titles[:1]}, not [Unreleased] or [{v}]")
    for t, _, _ in released:
        try:
            if semver(t) > semver(v):
                errors.append(f"CHANGELOG.md: section [{t}] is newer than the crate version {v}")
        except ValueError:
            errors.append(f"CHANGELOG.md: section [{t}] is not a version")
    if a.tag:
        if a.tag != f"v{v}":
            errors.append(f"tag {a.tag} is not v{v} (the crate version)")
        mine = [s for s in released if s[0] == v]
        if not mine or not mine[0][1]:
            errors.append(f"CHANGELOG.md has no dated section `## [{v}] - YYYY-MM-DD`")
        elif a.notes:
            Path(a.notes).write_text(mine[0][2])

    if a.dist:
        dist = Path(a.dist)
        prefix = f"{NAME}_{v}_"
        for f in sorted(dist.iterdir()):
            if not f.name.startswith(prefix):
                errors.append(f"{f.name}: not named for version {v}")
        zips = sorted(dist.glob(f"{prefix}*.zip"))
        platforms = [z.name[len(prefix) : -len(".zip")] for z in zips]
        if not zips:
            errors.append(f"{dist}: no archive {prefix}<os>_<arch>.zip")
        if a.all_platforms and sorted(platforms) != PLATFORMS:
            errors.append(f"archives for {platforms}, expected {PLATFORMS}")
        for z, p in zip(zips, platforms):
            exe = ".exe" if p.startswith("windows_") else ""
            names = zipfile.ZipFile(z).namelist()
            if names != [f"{NAME}_v{v}{exe}"]:
                errors.append(f"{z.name} holds {names}, not [{NAME}_v{v}{exe}]")
        manifest = dist / f"{prefix}manifest.json"
        if not manifest.is_file():
            errors.append(f"missing {manifest.name}")
        elif json.loads(manifest.read_text()) != json.loads((ROOT / "terraform-registry-manifest.json").read_text()):
            errors.append(f"{manifest.name} differs from terraform-registry-manifest.json")
        elif json.loads(manifest.read_text()).get("metadata", {}).get("protocol_versions") != ["6.0"]:
            errors.append(f"{manifest.name}: protocol_versions is not [\"6.0\"]")
        sums = dist / f"{prefix}SHA256SUMS"
        if not sums.is_file():
            errors.append(f"missing {sums.name}")
        else:
            listed = dict(reversed(line.split("  ", 1)) for line in sums.read_text().splitlines() if line)
            for f in [*zips, manifest]:
                if f.is_file() and listed.get(f.name) != hashlib.sha256(f.read_bytes()).hexdigest():
                    errors.append(f"{sums.name}: wrong or missing sum for {f.name}")

    for e in errors:
        print(f"check-release: {e}", file=sys.stderr)
    if not errors:
        print(f"check-release: version {v} agrees", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
