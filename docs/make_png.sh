#!/usr/bin/env bash
# Draws docs/worksheet.png, the worksheet page the README shows, from the current code:
# examples/textbook.txt -> `mdx worksheet --pdf` -> one page of it as PNG (pdftoppm, 110 dpi).
# Needs pdflatex and pdftoppm (Debian, Ubuntu: apt-get install texlive-latex-base
# texlive-latex-recommended poppler-utils). Run it after changing how worksheets print:
#   docs/make_png.sh            # PYTHON=... to use another interpreter, PAGE=N another page
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
page="${PAGE:-2}"              # page 2: two whole worked solutions, tr(XᵀAX) and softmax cross-entropy
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m mdx worksheet examples/textbook.txt -o "$work/worksheet.pdf" --pdf \
    --title "Four textbook gradients"
pdftoppm -png -r 110 -f "$page" -l "$page" -singlefile "$work/worksheet.pdf" "$work/page"
mv "$work/page.png" docs/worksheet.png
echo "docs/worksheet.png: page $page, $(wc -c < docs/worksheet.png) bytes"
