#!/usr/bin/env bash
# Property-based tests of the JSON API: schemathesis (from PyPI, pinned) against the OpenAPI
# document the server serves, with the API token of each demo account (`cqpt serve --demo`
# issues and prints one per account). Checks: no server error, status codes, content types,
# headers and bodies as documented, invalid input refused, requests without a token refused,
# unsupported methods answered 405. Called by scripts/test.sh after `cargo test`.
#
#   bash scripts/api-fuzz.sh            # API_FUZZ_EXAMPLES=N sets the examples per operation
#
# One worker: with two, CPython 3.11's parser, called by Hypothesis from both threads, fails at
# random ("AST constructor recursion depth mismatch"), a runtime error of the tool, not a finding.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
examples="${API_FUZZ_EXAMPLES:-40}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
work="$target/api-fuzz"
venv="$work/venv"
mkdir -p "$work"

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$venv/bin/schemathesis" --version

cargo build --locked --quiet
log="$work/serve.log"
# --clock-start: the examples' dates are in 2026; the server's clock is not today's.
"$target/debug/cqpt" serve --demo --addr 127.0.0.1:0 --clock-start 2026-11-30 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

base=""
for _ in $(seq 1 600); do
  base=$(sed -n 's|^cqpt serve : \(http://[0-9.:]*\) .*|\1|p' "$log")
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; echo "api-fuzz: the server stopped" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { cat "$log"; echo "api-fuzz: the server did not start" >&2; exit 1; }
echo "api-fuzz: server at $base"

status=0
start=$SECONDS
for login in admin auvicom evaluateur commission candidat; do
  token=$(sed -n "s|^  jeton d'API de $login : \(cqpt_[0-9a-f]*\)$|\1|p" "$log")
  [ -n "$token" ] || { echo "api-fuzz: no token for $login" >&2; exit 1; }
  echo "api-fuzz: as $login"
  # Run from target/api-fuzz: schemathesis and Hypothesis keep their caches in the working folder.
  (cd "$work" && "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,ignored_auth,unsupported_method \
    --max-examples "$examples" \
    --seed 7 \
    --workers 1 \
    --phases examples,coverage,fuzzing \
    --suppress-health-check too_slow \
    --warnings off \
    --report junit --report-junit-path "$work/junit-$login.xml") \
    || status=1
done
echo "api-fuzz: schemathesis $SCHEMATHESIS_VERSION, $examples examples per operation, $((SECONDS - start)) s"
exit "$status"
