#!/usr/bin/env bash
# Regenerates the pictures of the README from the bundled examples: page 1 of a synthesis
# report, of AUVICOM's decision letter, of an observation grid and of the tableau
# récapitulatif. Needs pdftoppm (Debian's poppler-utils; installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pdftoppm >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi
export SOURCE_DATE_EPOCH=1790000000
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cqpt() { cargo run --quiet --release -- "$@"; }
cqpt report examples/dossiers/03-distance-evaluation-complementaire.yaml --kind synthese -o "$out/synthese.pdf"
cqpt report examples/dossiers/10-non-recevable-hours-under-minimum.yaml --kind recevabilite -o "$out/lettre.pdf"
cqpt grid distance observation -o "$out/observation.pdf"
cqpt session examples/dossiers --out "$out/session" >/dev/null 2>&1
mkdir -p docs
page1() { pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$1" "docs/$2"; }
page1 "$out/synthese.pdf" synthese-page1
page1 "$out/lettre.pdf" lettre-non-recevabilite-page1
page1 "$out/observation.pdf" grille-observation-page1
page1 "$out/session/tableau-recapitulatif.pdf" tableau-recapitulatif-page1
ls -l docs/*.png
