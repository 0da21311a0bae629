"""Coverage-guided fuzzing of mdx with atheris: parser, typing, every method, every output.

    pip install atheris
    python tests/fuzz/fuzz_derive.py tests/fuzz/corpus -max_total_time=1800 -timeout=30
    MDX_FUZZ_LOG=findings.jsonl python tests/fuzz/fuzz_derive.py tests/fuzz/corpus ...

The corpus folder is created and seeded when empty: examples/, the identity table, the
ML, typing and practitioners' corpora, the user-function cases and tests/fuzz/seeds.txt
(declarations, user-defined bodies, SPEC 9 spellings).
A crash is any exception other than mdx's own errors (MdxError), an InternalError (a bug
caught on its line), generated NumPy code that fails tests/numpy_safety.py, or a finding
of tests/fuzz/oracle.py: an output that does not render, a result (or step, or --format
numpy function) that differs from finite differences of the function mdx typed, a result
that does not read back.  Without MDX_FUZZ_LOG libFuzzer writes the input to
crash-<hash>; with it, each distinct finding is appended there and the run goes on.  Add
each finding to tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import io
import sys
import traceback
import zlib
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

sys.path.insert(0, str(HERE))
import numpy as np  # noqa: E402

import oracle  # noqa: E402

LAYOUTS = ("denominator", "numerator")
METHODS = ("differential", "chain", "definition")


NUMERIC_PER_INPUT = 3       # problems of one input checked numerically (the cost of FD)


def one_input(data: bytes) -> None:
    """Everything the command line does with one input, and the checks a user relies on."""
    config, raw = (data[0], data[1:]) if data else (0, b"")     # first byte: the options
    layout = LAYOUTS[config & 1]
    method = METHODS[(config >> 1) % 3]
    structured = (None, None, "sym", "cookbook")[(config >> 4) & 3]
    lines = batch.read_problems(io.BytesIO(raw), headings=True)
    numeric = NUMERIC_PER_INPUT
    for out in batch.derive_lines(lines, layout, method, structured):
        if out.error is not None:
            if isinstance(out.error, errors.InternalError):
                oracle.report("internal", out.error.message, out.problem)
            out.error.render(out.problem)
            continue
        der = out.derivation
        try:
            oracle.check_outputs(der)       # within the problem's budget, as the CLI renders
        except errors.MdxError as e:        # the CLI's error too (a LimitError while printing)
            if isinstance(e, errors.InternalError):
                oracle.report("internal", e.message, out.problem)
            e.render(out.problem)
            continue
        except oracle.Finding as e:
            oracle.report(e.kind, e.message, out.problem)
            continue
        except Exception as e:
            oracle.report("exception", f"{type(e).__name__}: {e}", out.problem,
                          traceback.format_exc(limit=-6))
            continue
        if numeric <= 0:
            continue
        numeric -= 1
        rng = np.random.default_rng(zlib.crc32(out.problem.encode("utf-8", "replace")))
        try:
            oracle.numeric_check([der], rng)
            oracle.read_back(der, rng)
        except oracle.Skip:
            pass
        except oracle.Finding as e:
            oracle.report(e.kind, e.message, out.problem + f"  [{layout}, {method}"
                          + (f", --structured {structured}]" if structured else "]"))
        except Exception as e:
            oracle.report("exception", f"{type(e).__name__}: {e}", out.problem,
                          traceback.format_exc(limit=-6))


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
    from ml_corpus import CASES as ML
    from typing_corpus import CASES as TYPING
    from test_practitioners import READINGS
    from test_user_functions import CASES as USER
    problems += [c["problem"] for c in ML + TYPING] + [r[0] for r in READINGS] + [c[0] for c in USER]
    problems += [ln for ln in (HERE / "seeds.txt").read_text(encoding="utf-8").splitlines()
                 if ln.strip() and not ln.startswith("#")]
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
