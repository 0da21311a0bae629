"""mdx worksheet: LaTeX worksheets from files of problems, compiled with pdflatex."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mdx
from mdx.cli.app import app
from mdx.language.names import GREEK_NAMES as GREEK
from mdx.cli.worksheet import build, compile_pdf, derive_items, escape, plain, read_sheet

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.txt"))
HAVE_LATEX = shutil.which("pdflatex") and shutil.which("pdftotext")
runner = CliRunner()


def _sheet(path, method="differential", answers=True):
    items = derive_items(read_sheet(path.read_bytes()), "denominator", method)
    return items, build(items, path.stem, "denominator", method, True, answers)


def test_examples_exist():
    assert {p.stem for p in EXAMPLES} >= {"cookbook-basics", "ml-losses", "jacobians-hessians",
                                          "notation"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_sheet_has_problems_then_solutions(path, tmp_path):
    out = tmp_path / "sheet.tex"
    result = runner.invoke(app, ["worksheet", str(path), "-o", str(out), "--answers"])
    assert result.exit_code == 0, result.output
    tex = out.read_text(encoding="utf-8")
    assert tex.index(r"\section*{Problems}") < tex.index(r"\section*{Solutions}") < \
        tex.index(r"\section*{Answers}")
    n = sum(1 for it in read_sheet(path.read_bytes()) if it.kind == "problem")
    assert len(re.findall(r"\\subsection\*\{Problem \d+\}", tex)) == n
    assert r"\boxed" in tex


def test_no_solutions_gives_the_problem_sheet_alone(tmp_path):
    out = tmp_path / "p.tex"
    runner.invoke(app, ["worksheet", str(EXAMPLES[0]), "-o", str(out), "--no-solutions",
                        "--title", "Homework 3"])
    tex = out.read_text(encoding="utf-8")
    assert "Solutions" not in tex and r"\title{Homework 3}" in tex


HOSTILE = [
    r"## \input{/etc/passwd} \write18{rm -rf ~} $x$ % # & _ ^ ~ { }",
    r"d x^T \input{/etc/passwd} x / dx",
    r"d \immediate\write18{touch pwned} / dx",
    "d x^T A x / dx where A: \\def\\x{1}",
    "d tr(X) / dX \x00\x07 é ∑",
]


def test_problem_text_cannot_inject_latex(tmp_path):
    path = tmp_path / "hostile.txt"
    path.write_text("\n".join(HOSTILE + ["d tr(X) / dX"]) + "\n", encoding="utf-8")
    out = tmp_path / "h.tex"
    result = runner.invoke(app, ["worksheet", str(path), "-o", str(out)])
    assert result.exit_code == 1                              # bad lines reported, sheet made
    tex = out.read_text(encoding="utf-8")
    for bad in (r"\input{", r"\write18", r"\immediate", r"\def\x", "\x00", "\x07"):
        assert bad not in tex
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex     # shown escaped, harmlessly
    assert tex.isascii()


def test_escape_is_plain_ascii_with_specials_escaped():
    assert escape(r"a_b^c $%&#{}~\ θ‖x‖") == \
        r"a\_b\^{}c \$\%\&\#\{\}\~{}\textbackslash{} theta||x||"


def test_failed_problem_is_reported_and_shown(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("d tr(X) / dX\n# comment\nd x^2 / dx\nd x^T a / dx\n", encoding="utf-8")
    out = tmp_path / "p.tex"
    result = runner.invoke(app, ["worksheet", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "line 3, column 3:" in result.stderr
    tex = out.read_text(encoding="utf-8")
    assert "could not be derived" in tex.lower() and tex.count(r"\boxed") == 2


def test_failed_latex_keeps_the_old_pdf_and_the_source(tmp_path, monkeypatch):
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"%PDF- the good old one")
    monkeypatch.setattr(shutil, "which", lambda name: None)     # no LaTeX engine here
    result = runner.invoke(app, ["worksheet", str(EXAMPLES[0]), "-o", str(out), "--pdf"])
    assert result.exit_code == 1 and "LaTeX failed" in result.stderr
    assert out.read_bytes() == b"%PDF- the good old one"
    assert (tmp_path / "sheet.tex").read_text(encoding="utf-8").startswith(r"\documentclass")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no torn temp files


def _alnum(text):
    """Letters only: pdftotext stacks W_2^T as `W T 2`, so digits and symbols are dropped."""
    return re.sub(r"[^A-Za-z]", "", text)


def _latex_required():
    if not HAVE_LATEX:
        if os.environ.get("CI"):
            pytest.fail("CI must install pdflatex and pdftotext (see .ci/run)")
        pytest.skip("pdflatex or pdftotext is not installed")


@pytest.mark.parametrize("method", ["differential", "chain", "definition"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_compiles_cleanly_and_holds_every_problem_and_result(path, method, tmp_path):
    _latex_required()
    items, source = _sheet(path, method)
    pdf = tmp_path / "sheet.pdf"
    log = compile_pdf(source, pdf)
    widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert not [w for w in widths if w > 10], widths
    text = _alnum(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                                 text=True).stdout)
    for it in items:
        if it.kind != "problem":
            continue
        assert _alnum(plain(it.text)) in text, it.text
        if it.error is None:     # a Greek name and ⊤ are glyphs in the PDF: leave them out
            result = re.sub("|".join(sorted(GREEK, key=len, reverse=True)) + r"|\^T|(?<=\^{-)T", "",
                            mdx.rendering.render.result_text(it.derivation))
            # pdftotext reads a large radical sign as p, a small one as √
            assert any(_alnum(result.replace("sqrt", r)) in text for r in ("p", "")), it.text


def _recursing_build(depth):
    def build(items, *args):
        def down(k):
            return "" if k == 0 else down(k - 1)
        down(depth)
        return "\\documentclass{article}\\begin{document}x\\end{document}\n"
    return build


def test_typesetting_has_the_large_stack_and_never_shows_a_traceback(tmp_path, monkeypatch):
    """A very deep network's LaTeX recursed past the main thread's limit, and the worksheet
    command showed a traceback: typesetting runs where derivations do, and any failure of
    it is a message."""
    import mdx.cli.worksheet as W
    sheet = tmp_path / "s.txt"
    sheet.write_text("d tr(X) / dX\n")
    monkeypatch.setattr(W, "build", _recursing_build(20_000))      # past the default limit
    out = CliRunner().invoke(app, ["worksheet", str(sheet), "-o", str(tmp_path / "s.tex")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "s.tex").read_text().startswith("\\documentclass")

    def broken(*args):
        raise ValueError("a bug")
    monkeypatch.setattr(W, "build", broken)
    out = CliRunner().invoke(app, ["worksheet", str(sheet), "-o", str(tmp_path / "t.tex")])
    assert out.exit_code == 1 and "cannot typeset the worksheet" in out.output
    assert "Traceback" not in out.output


def test_a_missing_directory_is_said_before_deriving_and_the_title_keeps_acronyms(tmp_path):
    out = runner.invoke(app, ["worksheet", str(EXAMPLES[0]), "-o", str(tmp_path / "no" / "x.tex")])
    assert out.exit_code == 2 and "no directory" in out.output and ".x.tex." not in out.output
    sheet = tmp_path / "ml-losses.txt"
    sheet.write_text("d x^T x / dx\n", encoding="utf-8")
    assert runner.invoke(app, ["worksheet", str(sheet), "-o", str(tmp_path / "s.tex")]).exit_code == 0
    assert r"\title{ML losses}" in (tmp_path / "s.tex").read_text(encoding="utf-8")


def test_plain_text_spells_out_what_ascii_lacks():
    assert plain("(… / 2) N where lo ≤ hi") == "(... / 2) N where lo <= hi"

