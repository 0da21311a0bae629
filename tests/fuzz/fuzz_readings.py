"""Coverage-guided fuzzing of what users type, checked for silently wrong numbers.

    pip install atheris
    MDX_FUZZ_LOG=findings.jsonl python tests/fuzz/fuzz_readings.py tests/fuzz/corpus-readings \\
        -max_total_time=1800 -timeout=60 -rss_limit_mb=4096
    python tests/fuzz/fuzz_readings.py --random 500 --seed 1     # no atheris: random choices

The input bytes drive tests/fuzz/readings_gen.py, which writes a well-typed problem with
declarations, user-defined bodies and practitioners' spellings (SPEC 2, 3, 8, 9), and its
own NumPy value.  Each problem is derived like `mdx derive -f` does (one budget per problem),
in both layouts with every method, and tests/fuzz/oracle.py checks it: every output renders
and its code is safe; the typed function equals the problem's own value; `result.numpy`,
the steps and `--format numpy` equal finite differences of the typed function; the result
reads back.  A finding is an exception other than MdxError, an InternalError, or an
oracle.Finding.  With MDX_FUZZ_LOG set, findings are appended there (one JSON object a
line, each distinct finding once) and the run goes on; without it the first one stops the
fuzzer with libFuzzer's crash file.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time
import traceback
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

try:
    import atheris
except ImportError:                 # --random needs no atheris
    atheris = None

if atheris is not None and "--random" not in sys.argv:
    with atheris.instrument_imports():
        import importlib
        import pkgutil

        import mdx
        for info in pkgutil.walk_packages(mdx.__path__, "mdx."):
            if info.name not in ("mdx.cli.app", "mdx.__main__"):
                importlib.import_module(info.name)
        importlib.import_module("lark.parsers.lalr_parser")
import mdx  # noqa: E402
from mdx import errors  # noqa: E402
from mdx.cli import batch  # noqa: E402

import numpy as np  # noqa: E402

import oracle  # noqa: E402
from readings_gen import Source, generate  # noqa: E402

LAYOUTS = ("denominator", "numerator")
SLOW_SECONDS = 12.0
BIG_MB = 500
LOG = oracle.LOG
STATS = {"inputs": 0, "problems": 0, "derived": 0, "refused": 0, "checked": 0, "skipped": 0,
         "findings": 0}
REFUSALS: dict = {}


def report(kind: str, message: str, problem: str, extra: str = "") -> None:
    STATS["findings"] += 1
    oracle.report(kind, message, problem, extra)


def derive_all(text: str, structured=None):
    """{layout: [derivation per method]} or the MdxError, as `mdx derive -f` derives."""
    out = {}
    for layout in LAYOUTS:
        lines = batch.read_problems(io.BytesIO(text.encode("utf-8")))
        for o in batch.derive_lines(lines, layout, "all", structured):
            if o.error is not None:
                o.error.render(o.problem)           # the message a user sees must render
                return o.error
            try:
                for der in o.derivation:
                    oracle.check_outputs(der)       # inside the problem's budget, like the CLI
            except errors.MdxError as e:            # the CLI's error too (a LimitError while
                e.render(o.problem)                 # printing): a refusal, not a crash
                return e
            out[layout] = o.derivation
    return out


def check_problem(prob, independent: bool = True) -> None:
    text = prob.text
    STATS["problems"] += 1
    start = time.monotonic()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        got = derive_all(text)
    except oracle.Finding as e:
        report(e.kind, e.message, text)
        return
    except Exception as e:
        report("exception", f"{type(e).__name__}: {e}", text, traceback.format_exc(limit=-6))
        return
    spent = time.monotonic() - start
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0
    if spent > SLOW_SECONDS or grown > BIG_MB:
        report("slow", f"{spent:.1f} s, +{grown:.0f} MB (instrumented)", text)
    if isinstance(got, errors.MdxError):
        STATS["refused"] += 1
        if isinstance(got, errors.InternalError):
            report("internal", got.message, text)
        else:
            import re
            key = re.sub(r"`[^`]*`|'[^']*'|\S*[0-9]\S*", "…", got.message)[:70]
            REFUSALS[key] = REFUSALS.get(key, 0) + 1
            if key not in REFUSALS or REFUSALS[key] <= 3:
                REFUSALS.setdefault("examples", {}).setdefault(key, text)
        return
    STATS["derived"] += 1
    ders = got["denominator"] + got["numerator"]
    _check_notes(prob, ders[0], text)
    rng = np.random.default_rng(zlib.crc32(text.encode("utf-8")))
    value = None
    if independent:
        def value(inputs, der=ders[0]):
            from mdx.rendering.pynames import derivation_names
            names = derivation_names(der)

            def get(name):
                if name not in der.symbols:
                    raise KeyError(f"mdx has no symbol {name}")
                return inputs[names.sym(name)]
            return prob.value(get)
    try:
        n = oracle.numeric_check(ders, rng, value, sink=lambda e: _finding(e, text))
        STATS["checked" if n else "skipped"] += 1
        oracle.read_back(ders[0], rng)
        _structured(prob, text, rng)
    except oracle.Skip as e:
        STATS["skipped"] += 1
        if "GeneratorBug" in str(e) and LOG is not None:
            with open(LOG + ".generator", "a", encoding="utf-8") as f:
                f.write(json.dumps({"problem": text, "why": str(e)}, ensure_ascii=False) + "\n")
    except oracle.Finding as e:
        report(e.kind, e.message, text)
    except Exception as e:
        report("exception", f"{type(e).__name__}: {e}", text, traceback.format_exc(limit=-6))


def _finding(e, text: str) -> None:
    """Report a finding of the numeric check."""
    report(e.kind, e.message, text)


def _check_notes(prob, der, text) -> None:
    """SPEC 9: an undeclared latin name the problem leaves open (b in `w^T x + b`, y in
    `(y - w^T x)^2`, c in `c ‖x‖^2`) is read either way, and the output names it in a
    note with the declaration that gives the other reading."""
    import re
    from readings_gen import SCALAR_READ
    notes = " ".join(der.notes)
    for name in SCALAR_READ:
        if name not in der.symbols or re.search(r"(^|[ ;])" + re.escape(name) + r":", text.split(" where ")[-1]
                                                if " where " in text else ""):
            continue
        if not re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", notes):
            report("note", f"{name} is read as a {der.symbols[name].kind} with no note naming it "
                   f"(notes: {notes[:200]!r})", text)


def _structured(prob, text, rng) -> None:
    """--structured sym / cookbook for a scalar function of a symmetric, spd or diagonal
    variable: the gradient on the structured space (verify._structured's forms)."""
    if prob.order != 1 or prob.props.get(prob.wrt) not in ("symmetric", "spd", "diagonal"):
        return
    for form in ("sym", "cookbook"):
        try:
            got = derive_all(text, form)
        except oracle.Finding as e:
            report(e.kind, e.message, text + f"  [--structured {form}]")
            return
        if isinstance(got, errors.MdxError):
            if isinstance(got, errors.InternalError):
                report("internal", got.message, text + f"  [--structured {form}]")
            return
        oracle.numeric_check(got["denominator"] + got["numerator"], rng)


def one_input(data: bytes) -> None:
    STATS["inputs"] += 1
    fdp = atheris.FuzzedDataProvider(data)
    budget = 4 + fdp.ConsumeIntInRange(0, 16)
    prob = generate(Source(fdp=fdp), budget)
    if prob is not None:
        check_problem(prob)
    if STATS["inputs"] % 500 == 0:
        _dump_stats()


def _dump_stats() -> None:
    if LOG is None:
        return
    with open(LOG + ".stats", "w", encoding="utf-8") as f:
        json.dump({"stats": STATS, "refusals": REFUSALS}, f, ensure_ascii=False, indent=1)


def seed(corpus: Path) -> None:
    """Random byte strings: each is a different problem."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    rng = np.random.default_rng(0)
    for n in range(64):
        (corpus / f"seed-{n:03d}").write_bytes(rng.integers(0, 256, 96, dtype=np.uint8).tobytes())


def random_run(count: int, seed_: int, show: bool = False) -> None:
    import random
    rnd = random.Random(seed_)
    for _ in range(count):
        STATS["inputs"] += 1
        prob = generate(Source(rnd=rnd), rnd.randrange(4, 20))
        if prob is None:
            continue
        if show:
            print(prob.text, flush=True)
        check_problem(prob)
    print(json.dumps(STATS))
    _dump_stats()


def main(argv: list) -> None:
    if "--random" in argv:
        i = argv.index("--random")
        s = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
        random_run(int(argv[i + 1]), s, "--show" in argv)
        return
    dirs = [a for a in argv[1:] if not a.startswith("-") and not Path(a).is_file()]
    if dirs:
        seed(Path(dirs[0]))
    import atexit
    atexit.register(_dump_stats)
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
