#!/usr/bin/env bash
# The whole process, timed with its peak memory (GNU time, Debian package `time`):
# 10,000 generated dossiers end to end without PDFs, then 1,000 with their synthesis PDFs.
# Targets on the 2-core machine: under 3 s and under 2 s; memory that does not grow with the
# number of dossiers beyond the summary rows.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./target/release/cqpt example generate --count 10000 --seed 1 --out "$work/in-10000" >/dev/null
./target/release/cqpt example generate --count 1000 --seed 2 --out "$work/in-1000" >/dev/null
./target/release/cqpt example generate --count 2000 --seed 3 --out "$work/in-2000" >/dev/null
run() {
  /usr/bin/time -f "  %e s wall, %M KB peak" ./target/release/cqpt session "$1" --out "$2" --documents "$3" 2>&1 >/dev/null | tail -1
}
echo "10,000 dossiers, no PDF:";            run "$work/in-10000" "$work/out-10000" none
echo "1,000 dossiers with synthesis PDFs:"; run "$work/in-1000" "$work/out-1000" standard
echo "2,000 dossiers with synthesis PDFs (memory growth):"; run "$work/in-2000" "$work/out-2000" standard
