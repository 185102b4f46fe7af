#!/usr/bin/env bash
# Regenerates docs/ from the provider's schemas, templates/ and examples/.
# tests/offline/docs.rs fails when docs/ is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATE_DOCS=1 cargo test --quiet --test offline docs::docs_are_fresh -- --exact
