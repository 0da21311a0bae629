"""The `mdx` command: argument handling and output only; the work is in mdx.api."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Matrix calculus, derived step by step.")


class Layout(str, Enum):
    denominator = "denominator"
    numerator = "numerator"


class Method(str, Enum):
    differential = "differential"
    chain = "chain"
    definition = "definition"
    all = "all"


class Format(str, Enum):
    text = "text"
    latex = "latex"
    json = "json"
    numpy = "numpy"
    torch = "torch"


def _version(value: bool):
    if value:
        typer.echo(f"mdx {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print the version and exit.")):
    """mdx derives matrix-calculus results step by step."""


@app.command()
def derive(
    problem: Optional[str] = typer.Argument(None, help="The problem, e.g. \"d tr(X^T A X) / dX\"; "
                                            "`-` reads problems from standard input."),
    file: Optional[Path] = typer.Option(None, "-f", "--file", help="A file of problems, one a line."),
    layout: Layout = typer.Option(Layout.denominator, "--layout", "-l"),
    method: Method = typer.Option(Method.differential, "--method", "-m"),
    fmt: Format = typer.Option(Format.text, "--format", help="text, latex, json, numpy or torch."),
    steps: bool = typer.Option(True, "--steps/--no-steps", help="Show the steps."),
    structured: Optional[str] = typer.Option(
        None, "--structured", metavar="[sym|cookbook]",
        help="For a symmetric, spd or diagonal variable: the gradient on that space "
             "(sym: (G + Gᵀ)/2; cookbook: the Matrix Cookbook's G + Gᵀ − G∘I)."),
    verify: Optional[str] = typer.Option(
        None, "--verify", metavar="[numeric|exact]",
        help="Check the result and the steps: numeric (finite differences at random points, "
             "the default) or exact (SymPy, on small matrices of symbols)."),
    check: bool = typer.Option(False, "--check", help="Compare with PyTorch autograd "
                               '(needs torch: pip install "mdx[torch]").'),
):
    """Derive problems and print steps and results."""
    from .batch import derive_lines
    items = _problem_items(problem, file)
    if structured not in (None, "sym", "cookbook"):
        _usage("--structured takes sym or cookbook")
    if verify not in (None, "numeric", "exact"):
        _usage("--verify takes numeric or exact")
    failed = 0
    emit = _Emitter(fmt, steps)
    for out in derive_lines(items, layout.value, method.value, structured, verify, steps=steps):
        if out.error is not None:
            failed += 1
            _report(out, fmt)
        else:
            emit(out.derivation)
            if check and not all(_torch_check(d, out) for d in _each(out.derivation)):
                failed += 1
        sys.stdout.flush()
    raise typer.Exit(1 if failed else 0)


class SolveFormat(str, Enum):
    text = "text"
    latex = "latex"
    json = "json"


@app.command()
def solve(
    problem: Optional[str] = typer.Argument(None, help="The problem, e.g. \"d ||y - X w||^2 / dw = 0\"; "
                                            "`-` reads problems from standard input."),
    file: Optional[Path] = typer.Option(None, "-f", "--file", help="A file of problems, one a line."),
    fmt: SolveFormat = typer.Option(SolveFormat.text, "--format", help="text, latex or json."),
    steps: bool = typer.Option(True, "--steps/--no-steps", help="Show the steps."),
):
    """Set a gradient to zero and solve for the variable, when the gradient is affine in it."""
    from .batch import derive_lines
    failed = 0
    for out in derive_lines(_problem_items(problem, file), "denominator", "differential",
                            solve_lines="always"):         # the `= 0` may be left out
        if out.error is not None:
            failed += 1
            _report(out, Format.json if fmt is SolveFormat.json else Format.text)
            continue
        sol = out.derivation
        if fmt is SolveFormat.json:
            import json
            typer.echo(json.dumps(sol.json(), ensure_ascii=False))
        elif fmt is SolveFormat.latex:
            typer.echo(sol.latex(steps=steps))
        else:
            typer.echo(sol.text(steps=steps) + "\n")
        sys.stdout.flush()
    raise typer.Exit(1 if failed else 0)


def _problem_items(problem, file):
    from .batch import read_problems
    if (problem is None) == (file is None):
        _usage("give one problem, `-` for standard input, or -f FILE")
    if file is not None:
        try:
            return read_problems(open(file, "rb"))
        except OSError as e:
            _usage(f"cannot read {file}: {e.strerror}")
    if problem == "-":
        return read_problems(sys.stdin.buffer)
    return iter([(1, problem)])


@app.command("check")
def check_command(
    problem: str = typer.Argument(..., help="The problem, e.g. \"d ||y - X w||^2 / dw\"."),
    layout: Layout = typer.Option(Layout.denominator, "--layout", "-l"),
    method: Method = typer.Option(Method.differential, "--method", "-m"),
    script: bool = typer.Option(False, "--script", help="Print the check as a Python script "
                                "instead of running it (to run where torch is installed)."),
):
    """Compare mdx's derivative with PyTorch autograd at random float64 inputs."""
    from .batch import derive_lines
    from .torch_check import script as check_script
    out = next(derive_lines(iter([(1, problem)]), layout.value, method.value))
    if out.error is not None:
        _report(out, Format.text)
        raise typer.Exit(1)
    if script:
        for der in _each(out.derivation):
            typer.echo(check_script(der))
        raise typer.Exit(0)
    ok = True
    for der in _each(out.derivation):
        typer.echo(f"{der.problem}    [{der.layout} layout, {der.method} method]")
        typer.echo(f"  {_where_text(der)}\n  result: {der.result_lhs} = {_result_text(der)}")
        ok = _torch_check(der, out) and ok
    raise typer.Exit(0 if ok else 1)


def _each(derivation) -> list:
    return derivation if isinstance(derivation, list) else [derivation]


def _result_text(der) -> str:
    from .render import result_text
    return result_text(der)


def _where_text(der) -> str:
    from .render import where_text
    return where_text(der)


def _torch_check(der, out) -> bool:
    """Print the autograd comparison; False (after saying why) when it fails or cannot run."""
    from .torch_check import CheckError, run
    try:
        report = run(der)
    except CheckError as e:
        typer.echo(e.render(out.problem).replace("line 1,", f"line {out.line},", 1), err=True)
        return False
    typer.echo(report.text() + "\n")
    return report.passed


@app.command()
def worksheet(
    file: Path = typer.Argument(..., help="A file of problems, one a line; `## Heading` starts a section."),
    output: Path = typer.Option(..., "-o", "--output", help="The .tex (or, with --pdf, .pdf) to write."),
    pdf: bool = typer.Option(False, "--pdf", help="Compile with pdflatex."),
    title: Optional[str] = typer.Option(None, "--title", help="Default: from the file name."),
    solutions: bool = typer.Option(True, "--solutions/--no-solutions", help="Worked solutions."),
    answers: bool = typer.Option(False, "--answers", help="Add a short answer key."),
    layout: Layout = typer.Option(Layout.denominator, "--layout", "-l"),
    method: Method = typer.Option(Method.differential, "--method", "-m"),
):
    """Turn a file of problems into a LaTeX worksheet: problems, then worked solutions."""
    from .worksheet import LatexFailure, build, compile_pdf, derive_items, read_sheet, write_atomic
    if pdf and output.suffix.lower() != ".pdf":
        _usage(f"--pdf writes a PDF: give -o {output.with_suffix('.pdf')} (or drop --pdf for LaTeX)", "worksheet")
    if not pdf and output.suffix.lower() == ".pdf":
        _usage(f"without --pdf the worksheet is LaTeX: add --pdf, or give -o {output.with_suffix('.tex')}", "worksheet")
    if method is Method.all:
        _usage("a worksheet uses one method: differential, chain or definition", "worksheet")
    try:
        raw = file.read_bytes()
    except OSError as e:
        _usage(f"cannot read {file}: {e.strerror}")
    items = derive_items(read_sheet(raw), layout.value, method.value)
    failed = [it for it in items if it.kind == "problem" and it.error is not None]
    for it in failed:
        typer.echo(it.error.render(it.text).replace("line 1,", f"line {it.line},", 1), err=True)
    default_title = file.stem.replace("-", " ").replace("_", " ").capitalize()
    source = build(items, title or default_title, layout.value, method.value, solutions, answers)
    try:
        if pdf:
            try:
                compile_pdf(source, output)
            except LatexFailure as e:
                kept = output.with_suffix(".tex")
                write_atomic(kept, source.encode("utf-8"))
                typer.echo(f"LaTeX failed; the source is kept in {kept}:\n{e}", err=True)
                raise typer.Exit(1)
        else:
            write_atomic(output, source.encode("utf-8"))
    except OSError as e:
        typer.echo(f"cannot write {output}: {e.strerror}", err=True)
        raise typer.Exit(1)
    raise typer.Exit(1 if failed else 0)


def _usage(message: str, command: str = "derive"):
    typer.echo(f"usage error: {message}\nTry 'mdx {command} --help'.", err=True)
    raise typer.Exit(2)


def _report(out, fmt: Format):
    """The error on standard error; in JSON mode also its record on standard output."""
    err = out.error
    typer.echo(err.render(out.problem).replace("line 1,", f"line {out.line},", 1), err=True)
    if fmt is Format.json:
        record = {"problem": out.problem, "error": {"message": err.full_message(),
                                                    "line": out.line, "column": err.column}}
        import json
        typer.echo(json.dumps(record, ensure_ascii=False))


class _Emitter:
    """Prints derivations so that machine formats stay machine-readable across problems:
    NumPy or torch output is one module (imported once, every function named apart, the
    methods' agreement a comment), JSON carries the agreement in each record."""

    def __init__(self, fmt: Format, steps: bool):
        self.fmt, self.steps = fmt, steps
        self.names: set = set()
        self.imported = False

    def __call__(self, der):
        if not isinstance(der, list):
            self.one(der)
            return
        from .agree import agreement                     # --method all
        verdict = agreement(der)
        for one in der:
            self.one(one, verdict, suffix=one.method)
        if self.fmt is Format.latex:
            typer.echo(f"% {verdict}\n")
        elif self.fmt in (Format.numpy, Format.torch):
            typer.echo(f"# {verdict}\n")
        elif self.fmt is Format.text:
            typer.echo(verdict + "\n")

    def one(self, der, verdict: str | None = None, suffix: str | None = None):
        fmt = self.fmt
        if fmt is Format.json:
            import json
            record = der.json()
            if verdict:
                record["agreement"] = verdict
            typer.echo(json.dumps(record, ensure_ascii=False))
        elif fmt is Format.latex:
            typer.echo(der.latex(steps=self.steps))
        elif fmt in (Format.numpy, Format.torch):
            typer.echo(self.code(der, suffix))
        else:
            typer.echo(der.text(steps=self.steps))
            typer.echo("")

    def code(self, der, suffix):
        from .render import function_name
        name = function_name(der) + (f"_{suffix}" if suffix else "")
        base, n = name, 2
        while name in self.names:
            name, n = f"{base}_{n}", n + 1
        self.names.add(name)
        text = der.numpy_function(name) if self.fmt is Format.numpy else der.torch_function(name)
        imports = "import numpy as np\n" if self.fmt is Format.numpy else "import torch\n"
        if self.imported:                   # two blank lines between functions (PEP 8)
            text = "\n" + text.replace(imports, "", 1).lstrip("\n")
        self.imported = True
        return text


# options whose value may be left out: the first value is the default
_OPTIONAL_VALUES = {"--structured": ("sym", "cookbook"), "--verify": ("numeric", "exact")}


def run():
    """Console entry point: no Python traceback ever reaches the user."""
    argv = sys.argv
    for n, arg in enumerate(argv):             # a bare --structured means --structured sym
        for option, values in _OPTIONAL_VALUES.items():
            if arg == option and (n + 1 == len(argv) or argv[n + 1] not in values):
                argv[n] = f"{option}={values[0]}"
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
