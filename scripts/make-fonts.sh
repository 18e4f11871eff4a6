#!/usr/bin/env bash
# Rebuilds the fonts shipped in fonts/ from Debian's DejaVu Sans: a subset covering the names of
# people living in France — Latin (Latin-1, Extended A and B, Extended Additional with
# Vietnamese), the African letters of the IPA block (ɓ ɗ ɛ ɔ ɣ ɲ ʒ), the modifier letters
# (ʻ ʼ ˆ ˇ), combining diacritics, Greek and Cyrillic — plus the punctuation, spaces, currency
# signs and the symbols the documents use (≥ ✓ □ ■ →), so that every PDF embeds a font of
# about 100 KB per face and renders the same everywhere.
# Installs what it needs when it is missing: fonts-dejavu-core (Debian) and fonttools (PyPI,
# pinned, in a throwaway virtual environment). Run it after widening the repertoire; commit
# the result. The repertoire is checked by the tests (render::font, tests/all/fonts.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
src=/usr/share/fonts/truetype/dejavu
fonttools_version=4.68.0

sudo_=""
[ "$(id -u)" = 0 ] || sudo_="sudo"
if [ ! -f "$src/DejaVuSans.ttf" ] || [ ! -f "$src/DejaVuSans-Bold.ttf" ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo_ apt-get update -qq
  $sudo_ apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "fonttools==$fonttools_version"

unicodes=(
  U+0020-007E U+00A0-024F                       # Basic Latin, Latin-1, Latin Extended A and B
  U+0253-0254 U+0256-0257 U+025B U+0263 U+0272 U+0292 # African letters (IPA block)
  U+02B9-02DD                                   # modifier letters: ʻ ʼ ˆ ˇ ˘ ˙ ˚ ˛ ˜ ˝
  U+0300-036F                                   # combining diacritics (decomposed input)
  U+0370-03FF                                   # Greek
  U+0400-04FF                                   # Cyrillic
  U+1E00-1EFF                                   # Latin Extended Additional (Vietnamese)
  U+2000-206F U+20A0-20CF                       # spaces and punctuation, currency signs
  U+2116 U+2122 U+2190-2193 U+2212 U+2264-2265  # № ™ arrows − ≤ ≥
  U+25A0-25A1 U+25AA-25AB U+25B8 U+25CF U+2713-2714 U+2717 # □ ■ ▸ ● ✓ ✔ ✗
)
list=$(IFS=,; echo "${unicodes[*]}")
for face in DejaVuSans DejaVuSans-Bold; do
  "$work/venv/bin/pyftsubset" "$src/$face.ttf" --unicodes="$list" --layout-features='' --no-hinting \
    --name-IDs='*' --name-languages='*' --output-file="fonts/$face-fr.ttf"
done
gzip -dc /usr/share/doc/fonts-dejavu-core/copyright.gz 2>/dev/null > fonts/LICENSE-DejaVu.txt \
  || cp /usr/share/doc/fonts-dejavu-core/copyright fonts/LICENSE-DejaVu.txt
ls -l fonts
