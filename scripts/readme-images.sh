#!/usr/bin/env bash
# Regenerates the pictures of the README: page 1 of a synthesis report and of an observation
# grid, from the bundled examples. Needs pdftoppm (Debian's poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
export SOURCE_DATE_EPOCH=1790000000
out=$(mktemp -d)
cargo run --quiet --release -- report examples/dossiers/03-distance-evaluation-complementaire.yaml \
  --kind synthese -o "$out/synthese.pdf"
cargo run --quiet --release -- grid distance observation -o "$out/observation.pdf"
mkdir -p docs
pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$out/synthese.pdf" docs/synthese-page1
pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$out/observation.pdf" docs/grille-observation-page1
rm -rf "$out"
ls -l docs/*.png
