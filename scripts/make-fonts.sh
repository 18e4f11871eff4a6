#!/usr/bin/env bash
# Rebuilds the fonts shipped in fonts/ from Debian's DejaVu Sans: a subset to the Latin and
# French repertoire (plus the punctuation, € and the symbols the documents use), so that every
# PDF embeds a small font and renders the same everywhere. Needs fonts-dejavu-core (Debian)
# and fonttools (PyPI). Run it after widening the repertoire; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
src=/usr/share/fonts/truetype/dejavu
unicodes="U+0020-007E,U+00A0-017F,U+0192,U+02C6-02DD,U+2010-2027,U+202F-203A,U+2044,U+20AC,U+2116,U+2122,U+2190-2193,U+2212,U+2264-2265,U+25A0-25A1,U+25AA-25AB,U+25B8,U+25CF,U+2713-2714,U+2717"
for face in DejaVuSans DejaVuSans-Bold; do
  pyftsubset "$src/$face.ttf" --unicodes="$unicodes" --layout-features='' --no-hinting \
    --name-IDs='*' --name-languages='*' --output-file="fonts/$face-fr.ttf"
done
gzip -dc /usr/share/doc/fonts-dejavu-core/copyright.gz 2>/dev/null > fonts/LICENSE-DejaVu.txt \
  || cp /usr/share/doc/fonts-dejavu-core/copyright fonts/LICENSE-DejaVu.txt
ls -l fonts
