"""A file of problems -> a LaTeX worksheet (problems, then worked solutions) -> PDF.

Nothing the user typed reaches the LaTeX source raw: problems are shown as mdx
prints them, and any text (headings, error messages, a failed line) is escaped
to plain ASCII LaTeX first.  Output files are replaced atomically.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import MdxError

from ..rendering.sheet_fit import TEXT_WIDTH, printed as _printed, where_rows


@dataclass
class Item:
    line: int
    kind: str                 # "heading" or "problem"
    text: str
    derivation: object = None
    error: MdxError | None = None


def read_sheet(raw, name: str = "the problems' file") -> list:
    """Headings (`## ...`) and problems; comments and blank lines skipped (SPEC 7).  `raw`
    is the file's bytes or a binary stream (read a line at a time, an over-long line
    never whole: mdx.cli.batch.read_problems)."""
    import io

    from .batch import read_problems
    items = []
    stream = io.BytesIO(raw) if isinstance(raw, (bytes, bytearray)) else raw
    for number, text in read_problems(stream, headings=True, name=name):
        if isinstance(text, MdxError):
            items.append(Item(number, "problem", getattr(text, "source", ""), error=text))
        elif text.strip().startswith("##"):
            items.append(Item(number, "heading", text.strip().lstrip("#").strip()))
        else:
            items.append(Item(number, "problem", text.strip()))
    return items


def derive_items(items: list, layout: str, method: str) -> list:
    from .batch import derive_lines
    problems = [(it.line, it.error or it.text) for it in items if it.kind == "problem"]
    outcomes = {o.line: o for o in derive_lines(problems, layout, method, solve_lines="marked")}
    out = []
    for it in items:
        if it.kind == "problem":
            it.derivation, it.error = outcomes[it.line].derivation, outcomes[it.line].error
        out.extend(_each_gradient(it))
    return out


def _each_gradient(it: Item) -> list:
    """A several-variable problem as one solution per gradient, the shared steps (the
    total differential) worked in the first."""
    from dataclasses import replace
    sev = it.derivation
    if not hasattr(sev, "parts"):
        return [it]
    return [replace(it, derivation=replace(p, steps=(list(sev.steps) if i == 0 else []) + p.steps,
                                           notes=sev.notes if i == 0 else []))
            for i, p in enumerate(sev.parts)]


# ----------------------------------------------------------------- escaping
_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                 "#": r"\#", "_": r"\_", "^": r"\^{}", "$": r"\$", "~": r"\~{}"}
_UNICODE_WORDS = {"‖": "||", "∘": ".*", "⊙": ".*", "⊗": "(x)", "∂": "d", "×": "x", "ᵀ": "^T",
                  "⊤": "^T", "²": "^2", "⁻¹": "^-1", "−": "-", "⟨": "<", "⟩": ">", "′": "'",
                  "Σ": "Sum", "δ": "delta", "∇": "grad", "⇒": "=>", "…": "...", "≤": "<=",
                  "≥": ">="}
_GREEK = {chr(0x3b1 + i): name for i, name in enumerate(
    ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
     "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "final sigma", "sigma", "tau",
     "upsilon", "phi", "chi", "psi", "omega"))}


def plain(text: str) -> str:
    """Any text as ASCII (Unicode operators and Greek letters spelled out)."""
    for k, v in _UNICODE_WORDS.items():
        text = text.replace(k, v)
    text = "".join(_GREEK.get(ch, ch) for ch in text)
    return text.encode("ascii", "replace").decode("ascii")


def escape(text: str) -> str:
    """Text safe inside LaTeX: ASCII, every special character escaped, no control codes."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", plain(text))
    return "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text)


# ----------------------------------------------------------------- LaTeX pieces
def _statement(der, display: bool = False) -> str:
    """∂/∂X (f) as mdx prints it; in display form a long f breaks across rows."""
    from ..expressions.latex import BreakingLatexPrinter, InlineLatexPrinter, latex_name
    from ..rendering.cse import variance_shown
    v = latex_name(der.var.name)
    if der.order == 2:
        w = latex_name(der.var2.name) if der.var2 is not None else v      # d^2 f / dx dy
        op = rf"\frac{{\partial^2}}{{\partial {v}\, \partial {w}^{{\top}}}}"
    else:
        op = rf"\frac{{\partial}}{{\partial {v}}}"
    zero = " = 0" if _is_solution(der) else ""         # `mdx solve`: the gradient set to zero
    f = variance_shown(der.function)                    # std(x) as typed, not its definition
    if not display:
        return rf"{op}({InlineLatexPrinter().doprint(f)}){zero}"
    p = BreakingLatexPrinter(TEXT_WIDTH)
    return "&" + op + p.wrap(p.doprint(f)) + zero


def _is_solution(der) -> bool:
    from ..derivation.solving.stationary import Solution
    return isinstance(der, Solution)


def _symbols(der) -> str:
    from ..expressions.latex import latex_name
    parts = []
    for s in der.symbols.values():
        shown = s.shape if s.kind == "row" else [d for d in s.shape if d != "1"]
        dims = r"\times ".join(latex_name(d) if not d.isdigit() else d for d in shown)
        space = r"\mathbb{R}" + (f"^{{{dims}}}" if dims else "")
        props = ", ".join(sorted(s.props))
        parts.append(f"${latex_name(s.name)} \\in {space}$" + (f" {escape(props)}" if props else ""))
    return ", ".join(parts)


def _rows(lhs: str, expr, rule: str | None, first: bool, step=None, names=None) -> tuple:
    """(align rows, whether names were defined) for one step: its rule as a line of text
    above it, the equation, then `where` rows for pieces named to make it fit."""
    from ..rendering.render import _lhs_latex, rule_latex_text
    rows = [r"\shortintertext{\small\raggedright " + rule_latex_text(rule) + "}"] if rule else []
    if step is not None and (step.lhs_expr is not None or step.lhs == "0"):
        from ..derivation.solving.stationary import step_lhs_latex
        left = step_lhs_latex(step)
    else:
        left = _lhs_latex(lhs) if first else ""
    new = []
    if names is not None:
        new, expr = names.fit_entries(expr) if hasattr(expr, "terms_") else names.fit(expr)
    rows.append(f"{left} &= {_printed(expr)}")
    rows.extend(_where_rows(new))
    return rows, bool(new)


def _where_rows(defs, heading: bool = True) -> list:
    return where_rows(defs, r"\shortintertext{\small where}" if heading else None)


def _solution(n: int, it: Item, bold: bool = False) -> str:
    from ..rendering.render import latex_names
    if it.error is not None:
        return _solution_of(n, it)
    with latex_names(it.derivation, bold):
        return _solution_of(n, it)


def _solution_of(n: int, it: Item) -> str:
    from ..rendering.render import _lhs_latex, _step_names, notes_to_show, rule_latex_text
    from ..expressions.latex import latex_name, to_latex
    from ..expressions.text import to_text
    from ..rendering.sheet_fit import SheetNames
    if it.error is not None:
        return (rf"\subsection*{{Problem {n}}}" + "\n" + "Could not be derived: "
                + escape(it.error.full_message()) + "\n")
    der = it.derivation
    # the result's named repeats (h1 = tanh(W1 x), ...) open the solution, as in the text output
    defs, mapping = _step_names(der) if not _is_solution(der) else ([], {})
    names = SheetNames(der.symbols, TEXT_WIDTH, mapping)
    rows = []
    if defs:
        rows.append(r"\shortintertext{\small let}")
        for sym, body in defs:
            more, body = names.fit(body, own=sym)
            rows.append(f"{latex_name(sym.name)} &= {_printed(body)}")
            rows.extend(_where_rows(more))
    prev = None
    *work, last = der.steps                 # the last step is the result: it gets the box
    for st in work:
        step_rows, named = _rows(st.lhs, st.expr, st.rule, st.lhs != prev, st, names)
        rows.extend(step_rows)
        prev = None if named else st.lhs      # after `where` rows, the next step shows its lhs
    body = "\\begin{align*}\n" + " \\\\\n".join(r for r in rows) + "\n\\end{align*}" if rows else ""
    body = body.replace("\\\\\n\\shortintertext", "\n\\shortintertext")
    lhs = latex_name(der.wrt) if _is_solution(der) else _lhs_latex(der.result_lhs)
    more, result = names.fit(der.result)
    if len(to_text(result)) <= TEXT_WIDTH:
        box = rf"\[ \boxed{{{lhs} = {to_latex(result)}}} \]"
    else:                                             # nothing to name: break it instead
        box = "\\begin{align*}\n" + f"{lhs} &= {_printed(result)}" + "\n\\end{align*}"
    if more:                                          # the box stays one line; names below it
        box += "\nwhere\n\\begin{align*}\n" + " \\\\\n".join(_where_rows(more, heading=False)) \
            + "\n\\end{align*}"
    box = r"{\small " + rule_latex_text(last.rule) + "}\n" + box
    if _is_solution(der):
        box += "\n" + r"{\small condition: $" + der.condition_latex + "$}"
    statement = "\\begin{align*}\n" + _statement(der, display=True) + "\n\\end{align*}"
    notes = "".join(r"{\small Note: " + rule_latex_text(note) + "}\n\n"
                    for note in notes_to_show(der, True))
    return (rf"\subsection*{{Problem {n}}}" + "\n" + statement + "\n" + notes + body + "\n"
            + box + "\n")


def build(items: list, title: str, layout: str, method: str, solutions: bool = True,
          answers: bool = False, bold: bool = False) -> str:
    """The complete LaTeX document; `bold`: vectors and matrices in bold."""
    out = [r"\documentclass[11pt]{article}", r"\usepackage[a4paper,margin=2.2cm]{geometry}",
           r"\usepackage{amsmath,amssymb,mathtools}", r"\allowdisplaybreaks", r"\setlength{\parindent}{0pt}",
           r"\setlength{\emergencystretch}{3em}",     # long inline formulas wrap, never overrun
           rf"\title{{{escape(title)}}}", r"\date{}", r"\begin{document}", r"\maketitle",
           rf"Layout: {escape(layout)}. Method: {escape(method)}. Derived by mdx.", "",
           r"\section*{Problems}"]
    problems = []
    n = 0
    in_list = False
    for it in items:
        if it.kind == "heading":
            if in_list:
                out.append(r"\end{enumerate}")
                in_list = False
            out.append(rf"\subsection*{{{escape(it.text)}}}")
            continue
        n += 1
        problems.append((n, it))
        if not in_list:
            out.append(rf"\begin{{enumerate}}\setcounter{{enumi}}{{{n - 1}}}")
            in_list = True
        if it.error is not None:
            shown = it.text if len(it.text) <= 80 else it.text[:77] + "..."
            out.append(rf"\item \texttt{{{escape(shown or '(unreadable line)')}}} "
                       rf"(line {it.line}: could not be derived)")
        else:
            from ..rendering.render import latex_names
            with latex_names(it.derivation, bold):
                out.append(rf"\item ${_statement(it.derivation)}$, where {_symbols(it.derivation)}."
                           + "\n" + rf"{{\footnotesize (typed: \texttt{{{escape(it.text)}}})}}")
    if in_list:
        out.append(r"\end{enumerate}")
    if solutions:
        out.append(r"\section*{Solutions}")
        out.extend(_solution(k, it, bold) for k, it in problems)
    if answers:
        from ..expressions.latex import InlineLatexPrinter
        from ..rendering.render import _lhs_latex, latex_names, result_latex
        out.append(r"\section*{Answers}")
        out.append(r"\begin{enumerate}\raggedright")     # a long answer breaks where it can
        for k, it in problems:
            if it.error:
                out.append(r"\item could not be derived")
                continue
            with latex_names(it.derivation, bold):
                out.append(rf"\item ${_lhs_latex(it.derivation.result_lhs)} = "
                           rf"{result_latex(it.derivation, InlineLatexPrinter())}$")
        out.append(r"\end{enumerate}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------- files
def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed run never leaves a torn file."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as e:                        # say the user's name, not the temporary one
        raise OSError(e.errno, e.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)          # mkstemp makes 0600; honour the user's umask
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_new(path: Path, data: bytes) -> Path:
    """Write to `path`, or, where a file of that name exists, to the first free
    `<stem>-1<suffix>`, `<stem>-2<suffix>`, ...: never over a file of the user's (a failed
    --pdf build keeps its LaTeX beside the PDF it was to make).  Returns where it wrote."""
    path = Path(path)
    for n in range(1000):
        target = path if n == 0 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            fh = open(target, "xb")         # noqa: SIM115 - created only if absent
        except FileExistsError:
            continue
        try:
            with fh:
                fh.write(data)
        except BaseException:
            os.unlink(target)
            raise
        return target
    raise FileExistsError(17, "too many files of that name", str(path))


class LatexFailure(Exception):
    """pdflatex failed; the message is the engine's own."""


def compile_pdf(source: str, pdf_path: Path, engine: str = "pdflatex") -> str:
    """Compile in a scratch folder; move the PDF into place. Returns the engine's log."""
    if shutil.which(engine) is None:
        raise LatexFailure(f"{engine} is not installed (Debian: apt-get install texlive-latex-base "
                           "texlive-latex-recommended)")
    with tempfile.TemporaryDirectory() as tmp:
        tex = Path(tmp) / "sheet.tex"
        tex.write_text(source, encoding="utf-8")
        run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                              "sheet.tex"], cwd=tmp, capture_output=True, timeout=600)
        log = (Path(tmp) / "sheet.log").read_text(encoding="utf-8", errors="replace") \
            if (Path(tmp) / "sheet.log").exists() else run.stdout.decode(errors="replace")
        pdf = Path(tmp) / "sheet.pdf"
        if run.returncode != 0 or not pdf.exists():
            errors = [ln for ln in log.splitlines() if ln.startswith("!")] or log.splitlines()[-5:]
            raise LatexFailure("\n".join(errors))
        write_atomic(pdf_path, pdf.read_bytes())
        return log
