"""What `mdx derive` (and `check`, `solve`) do once their arguments are known: read the
problems, derive, print, and say which failed.  No typer here: mdx.cli.main runs a plain
`mdx derive ...` straight through this module, and typer (mdx.cli.app) is loaded for help,
usage errors and the other commands."""

from __future__ import annotations

import sys

from .streams import OutputError, echo, flush, json_line

LAYOUTS = ("denominator", "numerator")
METHODS = ("differential", "chain", "definition", "all")
FORMATS = ("text", "latex", "json", "numpy", "torch")
# options whose value may be left out: the first value is the default
OPTIONAL_VALUES = {"--structured": ("sym", "cookbook"), "--verify": ("numeric", "exact")}


class UsageError(Exception):
    """Arguments that cannot work together; exit status 2."""

    def __init__(self, message: str, command: str = "derive"):
        super().__init__(message)
        self.command = command


def run_derive(problem, file, layout: str, method: str, fmt: str, steps: bool,
               structured, verify, check: bool, bold: bool = False) -> int:
    """Derive every problem given; the exit status (1 if any failed)."""
    items = problem_items(problem, file)
    if structured not in (None, "sym", "cookbook"):
        raise UsageError("--structured takes sym or cookbook")
    if verify not in (None, "numeric", "exact"):
        raise UsageError("--verify takes numeric or exact")
    return _derive_all(items, layout, method, fmt, steps, structured, verify, check, bold)


def _derive_all(items, layout, method, fmt, steps, structured, verify, check, bold=False) -> int:
    from .batch import derive_lines
    failed = 0
    emit = Emitter(fmt, steps, bold)
    for out in derive_lines(items, layout, method, structured, verify, steps=steps):
        if out.error is None:
            out = _emitted(emit, out)
        if out.error is not None:
            failed += 1
            report(out, fmt)
        elif check and not all(torch_check(d, out) for d in each(out.derivation)):
            failed += 1
        flush()
    return 1 if failed else 0


def _emitted(emit, out):
    """Print a derivation; printing it can fail too (a result too large to print within
    the work limit), and then that problem fails, never with a traceback."""
    from dataclasses import replace

    from ..errors import InternalError, MdxError
    try:
        emit(out.derivation)
        return out
    except MdxError as e:
        e.line = out.line
        return replace(out, error=e)
    except OutputError:
        raise                       # not this problem's fault: mdx.cli.main says it and stops
    except Exception as e:  # noqa: BLE001 - a bug in a printer: this problem only
        return replace(out, error=InternalError.of(e, out.line))


def problem_items(problem, file, command: str = "derive"):
    from .batch import read_problems
    from ..errors import visible
    if (problem is None) == (file is None):
        raise UsageError("give one problem, `-` for standard input, or -f FILE", command)
    if file is not None:
        try:
            return read_problems(open(file, "rb"), name=str(file))
        except OSError as e:
            raise UsageError(f"cannot read {visible(str(file))}: {e.strerror}", command) from None
    if problem == "-":
        if sys.stdin is None:
            raise UsageError("cannot read standard input: it is closed", command)
        return read_problems(sys.stdin.buffer)
    return iter([(1, problem)])


def each(derivation) -> list:
    return derivation if isinstance(derivation, list) else [derivation]


def torch_check(der, out) -> bool:
    """Print the autograd comparison; False (after saying why) when it fails or cannot run."""
    from ..checking.torch_check import CheckError, run
    passed = True
    parts = getattr(der, "parts", [der])
    for one in parts:                               # several gradients: each against autograd
        try:
            result = run(one)
        except CheckError as e:
            echo(e.render(out.problem).replace("line 1,", f"line {out.line},", 1), err=True)
            return False
        echo((f"  {one.result_lhs}:\n" if len(parts) > 1 else "") + result.text() + "\n")
        passed = passed and result.passed
    return passed


def report(out, fmt: str) -> None:
    """The error on standard error; in JSON mode also its record on standard output."""
    err = out.error
    echo(err.render(out.problem).replace("line 1,", f"line {out.line},", 1), err=True)
    if fmt == "json":
        record = {"problem": out.problem, "error": {"message": err.full_message(),
                                                    "line": out.line, "column": err.column}}
        echo(json_line(record))


class Emitter:
    """Prints derivations so that machine formats stay machine-readable across problems:
    NumPy or torch output is one module (imported once, every function named apart, the
    methods' agreement a comment), JSON carries the agreement in each record."""

    def __init__(self, fmt: str, steps: bool, bold: bool = False):
        self.fmt, self.steps, self.bold = fmt, steps, bold
        self.names: set = set()
        self.imported = False

    def __call__(self, der):
        if not isinstance(der, list):
            self.one(der)
            return
        from ..checking.agree import agreement                     # --method all
        verdict = agreement(der)
        for one in der:
            self.one(one, verdict, suffix=one.method)
        if self.fmt == "latex":
            echo(f"% {verdict}\n")
        elif self.fmt in ("numpy", "torch"):
            echo(f"# {verdict}\n")
        elif self.fmt == "text":
            echo(verdict + "\n")

    def one(self, der, verdict: str | None = None, suffix: str | None = None):
        fmt = self.fmt
        if fmt == "json":
            record = der.json()
            if verdict:
                record["agreement"] = verdict
            echo(json_line(record))
        elif fmt == "latex":
            echo(der.latex(steps=self.steps, bold=self.bold))
        elif fmt in ("numpy", "torch"):
            echo(self.code(der, suffix))
        else:
            echo(der.text(steps=self.steps))
            echo("")

    def code(self, der, suffix):
        from ..rendering.render import function_name
        from ..rendering.several import function_name as several_name
        name = (several_name(der) if hasattr(der, "parts") else function_name(der)) + \
            (f"_{suffix}" if suffix else "")
        base, n = name, 2
        while name in self.names:
            name, n = f"{base}_{n}", n + 1
        self.names.add(name)
        text = der.numpy_function(name) if self.fmt == "numpy" else der.torch_function(name)
        imports = "import numpy as np\n" if self.fmt == "numpy" else "import torch\n"
        if self.imported:                   # two blank lines between functions (PEP 8)
            text = "\n" + text.replace(imports, "", 1).lstrip("\n")
        self.imported = True
        return text
