"""Coverage-guided fuzzing of mdx with atheris: parser, typing, every method, every output.

    pip install atheris
    python tests/fuzz/fuzz_derive.py tests/fuzz/corpus -max_total_time=1800 -timeout=30

The corpus folder is created and seeded from examples/ and the identity table when empty.
A crash is any exception other than mdx's own errors (MdxError), an InternalError (a bug
caught on its line), or generated NumPy code that fails tests/numpy_safety.py.  libFuzzer
writes the input to crash-<hash>; add it to tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

with atheris.instrument_imports():          # coverage of lark and of every mdx module
    import importlib
    import pkgutil

    import mdx
    for info in pkgutil.walk_packages(mdx.__path__, "mdx."):
        if info.name not in ("mdx.cli.app", "mdx.__main__"):      # they would run the CLI
            importlib.import_module(info.name)
    importlib.import_module("lark.parsers.lalr_parser")
    from mdx import errors
    from mdx.cli import batch
    from mdx.rendering import pynames, render

from numpy_safety import check_expression, check_function  # noqa: E402

LAYOUTS = ("denominator", "numerator")
METHODS = ("differential", "chain", "definition")


def one_input(data: bytes) -> None:
    """Everything the command line does with one input, and the checks a user relies on."""
    config, raw = (data[0], data[1:]) if data else (0, b"")     # first byte: the options
    layout = LAYOUTS[config & 1]
    method = METHODS[(config >> 1) % 3]
    structured = (None, None, "sym", "cookbook")[(config >> 4) & 3]
    lines = batch.read_problems(io.BytesIO(raw), headings=True)
    for out in batch.derive_lines(lines, layout, method, structured):
        if out.error is not None:
            if isinstance(out.error, errors.InternalError):
                raise RuntimeError(f"internal error on {out.problem!r}: {out.error.message}")
            out.error.render(out.problem)
            continue
        der = out.derivation
        der.text()
        der.latex()
        check_function(der.numpy_function())
        check_steps(der)


def check_steps(der) -> None:
    """Each step's NumPy value uses only the symbols, dVAR and abstract functions."""
    names = pynames.derivation_names(der)
    params = {names.sym(s) for s in der.symbols} | {names.diff(der.wrt)} | set(names.callables())
    printer = render._numpy_printer(der)
    for st in der.steps:
        if st.numpy and st.numpy_text is None and not hasattr(st.expr, "terms_"):
            printer.doprint(st.expr)
    params |= set(printer.free)         # sizes no symbol has are parameters too
    for step in der.json()["steps"]:
        if "numpy" in step:
            check_expression(step["numpy"], params)


def seed(corpus: Path) -> None:
    """Seed an empty corpus with every example problem and every identity."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    root = HERE.parent.parent
    problems = []
    for path in sorted((root / "examples").glob("*.txt")):
        problems += [ln for ln in path.read_text(encoding="utf-8").splitlines()
                     if ln.strip() and not ln.startswith("#")]
    from identities import FIRST_ORDER, MORE, SECOND_ORDER
    problems += [c["problem"] for c in FIRST_ORDER + SECOND_ORDER + MORE]
    for n, p in enumerate(problems):
        options = bytes([(n % 2) | ((n // 2 % 3) << 1)])      # both layouts, every method
        (corpus / f"seed-{n:04d}").write_bytes(options + p.encode("utf-8"))


def main(argv: list) -> None:
    dirs = [a for a in argv[1:] if not a.startswith("-") and not Path(a).is_file()]
    if dirs:                        # a file argument is an input to replay, not a corpus
        seed(Path(dirs[0]))
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
