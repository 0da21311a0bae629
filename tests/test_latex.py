"""LaTeX output compiles with amsmath (when a LaTeX engine is installed)."""

import shutil
import subprocess

import pytest

import mdx
from identities import FIRST_ORDER, MORE, SECOND_ORDER


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_every_identity_compiles(tmp_path):
    body = []
    for case in FIRST_ORDER + SECOND_ORDER + MORE:
        for layout in ("denominator", "numerator"):
            body.append(mdx.derive(case["problem"], layout=layout).latex())
    doc = ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
           + "\n".join(body) + "\n\\end{document}\n")
    (tmp_path / "all.tex").write_text(doc, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "all.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
