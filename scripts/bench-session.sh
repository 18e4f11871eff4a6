#!/usr/bin/env bash
# A commission session against the floor of its disk work, in one run (issue 19):
# - with PDFs, `cqpt session` against the copy floor: read the inputs, write the same output
#   bytes (a copy of the folder the session wrote), sync;
# - without PDFs, `cqpt session --documents none` against reading the inputs;
# at 1,000 and 10,000 generated dossiers (and 50,000 with BENCH_50K=1), each pair run
# alternately (session, floor, session, floor…) so that a machine whose speed drifts moves
# both; the ratio of each pair, their median, and the session's peak memory (GNU time, Debian
# package `time`). Targets: within 2× the copy floor with PDFs, under 4× the reading without;
# peak memory under 100 MB at 50,000 dossiers with PDFs.
# Usage: scripts/bench-session.sh [PAIRS] (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-3}
cargo build --quiet --release
cqpt=${CARGO_TARGET_DIR:-$PWD/target}/release/cqpt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Wall seconds and peak KB of one command, as "seconds kb".
measure() {
  local t="$work/time.txt"
  /usr/bin/time -o "$t" -f "%e %M" "$@" >/dev/null 2>&1
  cat "$t"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

read_inputs() { cat "$1"/* >/dev/null; }
copy_floor() { # INPUT REFERENCE_OUTPUT DESTINATION
  read_inputs "$1"
  cp -r "$2" "$3"
  sync
}
export -f read_inputs copy_floor

bench() { # COUNT DOCUMENTS
  local count=$1 documents=$2 in="$work/in-$1" out="$work/out-$1-$2"
  [ -d "$in" ] || "$cqpt" example generate --count "$count" --seed 1 --out "$in" >/dev/null
  rm -rf "$out"
  "$cqpt" session "$in" --out "$out" --documents "$documents" >/dev/null 2>&1 || true # warm-up
  local ratios=() peaks=() session floor
  for _ in $(seq "$pairs"); do
    # Both write into a fresh folder (removed outside the timing).
    rm -rf "$out" "$work/floor"
    read -r session peak < <(measure "$cqpt" session "$in" --out "$out" --documents "$documents")
    if [ "$documents" = none ]; then
      read -r floor _ < <(measure bash -c 'read_inputs "$0"' "$in")
    else
      read -r floor _ < <(measure bash -c 'copy_floor "$0" "$1" "$2"' "$in" "$out" "$work/floor")
    fi
    ratios+=("$(ratio "$session" "$floor")")
    peaks+=("$peak")
    echo "  pair: session ${session} s, floor ${floor} s, ratio $(ratio "$session" "$floor"), peak ${peak} KB, load $(cut -d' ' -f1 /proc/loadavg)"
  done
  local bytes
  bytes=$(du -sb "$out" | cut -f1)
  printf '%s dossiers, documents %s: median ratio %s (session / %s), peak memory %s MB, %s MB written\n' \
    "$count" "$documents" "$(printf '%s\n' "${ratios[@]}" | median)" \
    "$([ "$documents" = none ] && echo 'reading the inputs' || echo 'copy floor')" \
    "$(( $(printf '%s\n' "${peaks[@]}" | sort -n | tail -1) / 1024 ))" "$(( bytes / 1000000 ))"
  rm -rf "$out" "$work/floor"
}

# Other work on the machine moves the times (not the peak memory): say how busy it was.
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) core(s)"
counts=(1000 10000)
[ "${BENCH_50K:-0}" = 1 ] && counts+=(50000)
for n in "${counts[@]}"; do
  bench "$n" standard
  bench "$n" none
done
