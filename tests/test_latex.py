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


def _block(problem, **kw):
    return mdx.derive(problem, **{k: v for k, v in kw.items() if k != "bold"}).latex(
        bold=kw.get("bold", False))


def test_textbook_style():
    block = _block("d tr(X^T A X) / dX")
    assert r"^{\top}" in block and "^{T}" not in block
    assert r"\frac{\partial f}{\partial X}" in block
    # a rule's words as text, its formula whole in one $…$ (no `$d$ $=$` pieces)
    assert r"differential of a trace: $\mathrm{d} \operatorname{tr}(U) = \operatorname{tr}(\mathrm{d}U)$" in block
    assert "$ $" not in block and r"\text{" not in block
    lin = _block("d a^T X b / dX")
    assert r"linearity: $\mathrm{d}(A U B) = A \mathrm{d}U B$" in lin
    assert r"$\operatorname{sum}$ rule" not in _block("d x^T x + a^T x / dx")


def test_rule_formulas_set_their_powers_as_latex():
    assert r"$\mathrm{d}(s^p) = p s^{p-1} \mathrm{d}s$" in _block("d (w^T x)^3 / dw")
    assert r"U^{\circ p}" in _block("d sum(x.^3) / dx")
    assert r"U^{k-1-j}" in _block("d tr(X^3) / dX")
    for case in FIRST_ORDER + SECOND_ORDER + MORE:      # no brace or backslash set as text
        for method in ("differential", "chain", "definition"):
            block = _block(case["problem"], method=method)
            assert r"\backslash" not in block and r"^\{" not in block, (case["problem"], method)


def test_decimals_and_vec_as_a_textbook_sets_them():
    assert r"2 \cdot 10^{-5} w" in _block("d 1e-5 ||w||^2 / dw")
    clipped = _block("d sum(clip(r, 0.8, 1.2) .* a) / dr")        # a symbol a, and the article
    assert "at a bound" in clipped and r"r - 1.2 \mathbf{1}" in clipped
    assert "on $a$: the derivative" in _block("d x^T x / da")
    chain = mdx.derive("d log det X / dX", method="chain")
    assert [st.lhs for st in chain.steps if st.rule.startswith("chain rule")] == ["∂f/∂vec(X)"]
    assert r"\frac{\partial f}{\partial \operatorname{vec}(X)}" in chain.latex()


def test_functions_and_names_as_a_textbook_sets_them():
    quotient = _block("d sum(log(x)) / dx")
    assert "./" not in quotient and r"\oslash" in quotient
    assert r"\circ" in _block("d sum(tanh(x)) / dx")
    assert r"\sqrt{d}" in _block("d sqrt(d) sum(z1) / dz1 where z1: vector n; d: scalar")
    assert r"\mathbf{1}_{n}" in mdx.derive("d 1_n^T x / dx where x: vector n").latex(steps=False)
    sigma = _block("d log det(Sigma) / dSigma")
    assert r"\Sigma" in sigma and r"\mathrm{Sigma}" not in sigma
    chain = _block("d ||W2 tanh(W1 x) - y||^2 / dW1", method="chain")
    assert "z1" not in chain and "W1" not in chain and r"z_{1} &=" in chain


def test_bold_vectors_and_matrices():
    block = _block("d x^T Sigma x / dx", bold=True)
    assert r"\mathbf{x}" in block and r"\boldsymbol{\Sigma}" in block
    assert r"\frac{\partial f}{\partial \mathbf{x}}" in block
    assert r"\mathbf{x}" not in _block("d x^T Sigma x / dx")


def test_bold_on_the_command_line():
    import sys
    run = subprocess.run([sys.executable, "-m", "mdx", "derive", "d a^T x / dx", "--format", "latex",
                          "--bold"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and r"\mathbf{a}" in run.stdout, run.stderr


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_a_sample_of_the_corpora_fits_the_text_width():
    import latex_fit
    items = [(c, p, bold) for bold in (False, True) for c, p in latex_fit.problems()[::97]]
    blocks = latex_fit.measure(items, jobs=1)
    assert blocks and not [b for b in blocks if b.error or b.width > latex_fit.TOLERANCE]
