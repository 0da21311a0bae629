"""The `mdx` command line, defined with typer: help, usage errors and every command; the
work is in mdx.derivation.api, and a plain `mdx derive` is read by mdx.cli.main without loading typer."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .. import __version__
from .derive_command import (FORMATS, LAYOUTS, METHODS, OPTIONAL_VALUES, UsageError, each, problem_items,
                         report, run_derive, torch_check)
from ..errors import visible
from .streams import echo, flush, json_line

# Help is rich markup ("rich" pinned: typer's default moved between versions), in which
# `[torch]` is a style tag and vanishes; _help_as_typed (at the end) escapes every help text.
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Matrix calculus, derived step by step.")


Layout = Enum("Layout", {v: v for v in LAYOUTS}, type=str)
Method = Enum("Method", {v: v for v in METHODS}, type=str)
Format = Enum("Format", {v: v for v in FORMATS}, type=str)
OneMethod = Enum("OneMethod", {v: v for v in METHODS if v != "all"}, type=str)
LAYOUT_HELP = ("denominator: a gradient has the variable's shape; numerator: its transpose "
               "(a Jacobian has a row per output entry).")
METHOD_HELP = ("differential (differentials and the trace trick), chain (the chain rule), "
               "definition (index notation)")


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
    layout: Layout = typer.Option(Layout.denominator, "--layout", "-l", help=LAYOUT_HELP),
    method: Method = typer.Option(Method.differential, "--method", "-m",
                                  help=METHOD_HELP + ", or all three side by side."),
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
                               '(needs torch: pip install torch, or pip install ".[torch]" '
                               'in a checkout of mdx).'),
    bold: bool = typer.Option(False, "--bold", help="LaTeX: vectors and matrices in bold "
                              "(\\mathbf{x}, \\boldsymbol{\\Sigma}), as the Deep Learning book."),
):
    """Derive problems and print steps and results."""
    try:
        code = run_derive(problem, file, layout.value, method.value, fmt.value, steps, structured,
                          verify, check, bold)
    except UsageError as e:
        _usage(str(e), e.command)
    raise typer.Exit(code)


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
    """Set a gradient to zero and solve for the variable, when the gradient is affine in it or in its inverse."""
    from .batch import derive_lines
    failed = 0
    for out in derive_lines(_problem_items(problem, file, "solve"), "denominator", "differential",
                            solve_lines="always"):         # the `= 0` may be left out
        if out.error is not None:
            failed += 1
            report(out, "json" if fmt is SolveFormat.json else "text")
            continue
        sol = out.derivation
        if fmt is SolveFormat.json:
            echo(json_line(sol.json()))
        elif fmt is SolveFormat.latex:
            echo(sol.latex(steps=steps))
        else:
            echo(sol.text(steps=steps) + "\n")
        flush()
    raise typer.Exit(1 if failed else 0)


def _problem_items(problem, file, command: str):
    try:
        return problem_items(problem, file, command)
    except UsageError as e:
        _usage(str(e), e.command)


@app.command("check")
def check_command(
    problem: str = typer.Argument(..., help="The problem, e.g. \"d ||y - X w||^2 / dw\"."),
    layout: Layout = typer.Option(Layout.denominator, "--layout", "-l", help=LAYOUT_HELP),
    method: Method = typer.Option(Method.differential, "--method", "-m",
                                  help=METHOD_HELP + ", or all three side by side."),
    script: bool = typer.Option(False, "--script", help="Print the check as a Python script "
                                "instead of running it (to run where torch is installed). Without "
                                '--script it needs torch: pip install torch, or pip install ".[torch]" '
                                "in a checkout of mdx."),
):
    """Compare mdx's derivative with PyTorch autograd at random float64 inputs."""
    from .batch import derive_lines
    from ..checking.torch_check import scripts as check_script
    out = next(derive_lines(iter([(1, problem)]), layout.value, method.value))
    if out.error is not None:
        report(out, "text")
        raise typer.Exit(1)
    if script:
        for der in each(out.derivation):
            echo(check_script(der))             # several variables: one script checks each
        raise typer.Exit(0)
    ok = True
    for der in each(out.derivation):
        echo(f"{visible(der.problem)}    [{der.layout} layout, {der.method} method]")
        echo(f"  {_where_text(der)}")
        for one in getattr(der, "parts", [der]):
            echo(f"  result: {one.result_lhs} = {_result_text(one)}")
        ok = torch_check(der, out) and ok
    raise typer.Exit(0 if ok else 1)


def _title_of(stem: str) -> str:
    """ml-losses -> ML losses: words as written, the first capitalised, a word with no
    vowel (ml, svd, mlp) an acronym."""
    words = [w.upper() if w.isalpha() and not set(w.lower()) & set("aeiouy") else w
             for w in stem.replace("-", " ").replace("_", " ").split()]
    return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else stem


def _result_text(der) -> str:
    from ..rendering.render import result_text
    return result_text(der)


def _where_text(der) -> str:
    from ..rendering.render import where_text
    return where_text(der)


@app.command()
def worksheet(
    file: Path = typer.Argument(..., help="A file of problems, one a line; `## Heading` starts a section."),
    output: Path = typer.Option(..., "-o", "--output", help="The .tex (or, with --pdf, .pdf) to write."),
    pdf: bool = typer.Option(False, "--pdf", help="Compile with pdflatex (Debian, Ubuntu: "
                             "apt-get install texlive-latex-base texlive-latex-recommended)."),
    title: Optional[str] = typer.Option(None, "--title", help="Default: from the file name."),
    solutions: bool = typer.Option(True, "--solutions/--no-solutions", help="Worked solutions."),
    answers: bool = typer.Option(False, "--answers", help="Add a short answer key."),
    layout: Layout = typer.Option(Layout.denominator, "--layout", "-l", help=LAYOUT_HELP),
    method: OneMethod = typer.Option(OneMethod.differential, "--method", "-m",
                                     help=METHOD_HELP + ": one method a worksheet."),
    bold: bool = typer.Option(False, "--bold", help="Vectors and matrices in bold."),
):
    """Turn a file of problems into a LaTeX worksheet: problems, then worked solutions."""
    from .worksheet import LatexFailure, build, compile_pdf, derive_items, read_sheet, write_atomic, write_new
    if pdf and output.suffix.lower() != ".pdf":
        _usage(f"--pdf writes a PDF: give -o {output.with_suffix('.pdf')} (or drop --pdf for LaTeX)", "worksheet")
    if not pdf and output.suffix.lower() == ".pdf":
        _usage(f"without --pdf the worksheet is LaTeX: add --pdf, or give -o {output.with_suffix('.tex')}", "worksheet")
    if not output.resolve().parent.is_dir():    # before deriving every problem
        _usage(f"cannot write {output}: no directory {output.parent}", "worksheet")
    try:
        stream = open(file, "rb")       # noqa: SIM115 - read to its end by read_sheet
    except OSError as e:
        _usage(f"cannot read {file}: {e.strerror}", "worksheet")
    with stream:
        items = derive_items(read_sheet(stream, str(file)), layout.value, method.value)
    failed = [it for it in items if it.kind == "problem" and it.error is not None]
    for it in failed:
        echo(it.error.render(it.text).replace("line 1,", f"line {it.line},", 1), err=True)
    default_title = _title_of(file.stem)
    from ..bounds.limits import deep
    try:                # typesetting recurses as deep as the problems nest: on the worker
        source = deep(build)(items, title or default_title, layout.value, method.value,
                             solutions, answers, bold)
    except Exception as e:  # noqa: BLE001 - never a traceback, even from a bug
        echo(visible(f"cannot typeset the worksheet ({type(e).__name__}: {e}); please report "
                     "the problem file to the mdx developers"), err=True)
        raise typer.Exit(1)
    try:
        if pdf:
            try:
                compile_pdf(source, output)
            except LatexFailure as e:
                kept = write_new(output.with_suffix(".tex"), source.encode("utf-8"))
                echo(visible(f"LaTeX failed; the source is kept in {kept}:") + "\n" +
                     "\n".join(visible(line) for line in str(e).splitlines()), err=True)
                raise typer.Exit(1)
        else:
            write_atomic(output, source.encode("utf-8"))
    except OSError as e:
        echo(visible(f"cannot write {e.filename or output}: {e.strerror}"), err=True)
        raise typer.Exit(1)
    raise typer.Exit(1 if failed else 0)


def _usage(message: str, command: str):
    echo(f"usage error: {visible(message)}\nTry 'mdx {command} --help'.", err=True)
    raise typer.Exit(2)


def _help_as_typed(typer_app) -> None:
    """Every help text (a command's docstring, each argument's and option's help) shown as
    typed: escaped for rich markup when typer renders help with rich, as it is otherwise."""
    import inspect
    core = typer.core
    if not getattr(core, "HAS_RICH", getattr(core, "rich", None) is not None):
        return                          # plain click help: no markup to escape
    from rich.markup import escape
    infos = list(typer_app.registered_commands)
    if typer_app.registered_callback is not None:
        infos.append(typer_app.registered_callback)
    typer_app.info.help = escape(typer_app.info.help or "")
    for info in infos:
        info.help = escape(info.help or inspect.getdoc(info.callback) or "")
        for parameter in inspect.signature(info.callback).parameters.values():
            if getattr(parameter.default, "help", None):
                parameter.default.help = escape(parameter.default.help)


_help_as_typed(app)


def typer_main(argv: list) -> None:
    """The full command line, through typer: help, usage errors, every command."""
    for n, arg in enumerate(argv):             # a bare --structured means --structured sym
        for option, values in OPTIONAL_VALUES.items():
            if arg == option and (n + 1 == len(argv) or argv[n + 1] not in values):
                argv[n] = f"{option}={values[0]}"
    app(args=argv[1:], prog_name="mdx")
