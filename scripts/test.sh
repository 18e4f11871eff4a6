#!/usr/bin/env bash
# The README's test command: installs what the tests need (Debian packages), then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
cargo test --locked "$@"
# Property-based tests of the JSON API against its served OpenAPI document (schemathesis).
bash scripts/api-fuzz.sh
