"""Problems typed the way practitioners type them (SPEC 9; tests/typing_corpus.py), judged the
way shared/eval/typing_check.py judges them, in process and without shared/:

  right    result.numpy equals the finite-difference derivative of what the person meant
  noted    another reading, acceptable only with a note naming one of the case's note_names
  refused  a positioned MdxError: acceptable only for a case tagged refuse-ok
  WRONG    anything else: the defect that must not exist

Every case is derived by every method in both layouts; every REFUSE problem must raise a
positioned MdxError; no size mdx invents may carry a symbol's name.  Each case x layout x
method is its own test; a failure's message starts with WRONG, REFUSED or COLLISION.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np
import pytest

import mdx
from mdx.errors import InternalError, MdxError
from mdx.language.names import py_name
from fdcheck import close, draw_valid, expected_layouts
from test_identities import LAYOUTS, METHODS
from typing_corpus import CASES, REFUSE

DRAWS = 2            # input draws per case, as the harness
ATTEMPTS = 500       # redraws allowed until `valid` holds and f is finite

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eps": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "omicron": "ο", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Sigma": "Σ", "Lambda": "Λ", "Theta": "Θ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "Gamma": "Γ", "Delta": "Δ", "Pi": "Π", "Xi": "Ξ",
}


def spellings(name: str) -> set:
    """The names result.numpy may use for a symbol typed `name`: its Greek head spelled out or
    as a character (`λ1`, `lambda1`, `lambda_1`), a subscript with or without `_`, and a
    trailing `_` for a keyword (SPEC 7)."""
    out = {name, py_name(name)}
    for cut in range(1, len(name) + 1):
        head, rest = name[:cut], name[cut:]
        char = GREEK.get(head, head)
        heads = {head, char} | {k for k, v in GREEK.items() if v == char}
        tails = {rest, rest.lstrip("_"), "_" + rest if rest and not rest.startswith("_") else rest}
        out |= {h + t for h in heads for t in tails}
    out |= {v + "_" for v in out}
    return {v for v in out if v.isidentifier()}


def namespace(inputs: dict) -> dict:
    ns = dict(inputs)
    for name, value in inputs.items():
        for alt in spellings(name):
            ns.setdefault(alt, value)
    return ns


def evaluate(expr: str, inputs: dict):
    env = {"__builtins__": {}, "np": np}
    env.update({k: v.copy() if isinstance(v, np.ndarray) else v for k, v in namespace(inputs).items()})
    with np.errstate(all="ignore"):
        return eval(compile(expr, "<mdx numpy>", "eval"), env)


def agrees(got, want) -> bool:
    """As the harness compares: exactly the expected shape (a scalar may be a float, 0-d or
    1x1), finite, within 1e-5 of max(max|want|, 1e-3)."""
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    if np.ndim(want) == 0:
        return g.shape in ((), (1, 1)) and bool(np.isfinite(g).all()) and close(g, want)
    return g.shape == np.shape(want) and bool(np.isfinite(g).all()) and close(g, want)


@functools.lru_cache(maxsize=None)
def points(case_id: str) -> list:
    """[(inputs, {layout: expected})] for each draw: one finite-difference Jacobian per draw,
    shared by both layouts and all methods."""
    case = BY_ID[case_id]
    out = []
    for k in range(DRAWS):
        inputs = draw_valid(case, k, "typing", ATTEMPTS)
        out.append((inputs, expected_layouts(case["f"], inputs, case["wrt"], case.get("order", 1))))
    return out


@functools.lru_cache(maxsize=None)
def derived(problem: str, layout: str, method: str):
    """mdx's JSON record, or the MdxError it raised."""
    try:
        return mdx.derive(problem, layout=layout, method=method).json()
    except MdxError as e:
        return e


def collisions(record: dict) -> list:
    symbols = record.get("symbols") or {}
    sizes = {d for s in symbols.values() for d in (s.get("shape") or []) if isinstance(d, str)}
    return sorted(d for d in sizes if d in symbols)


def noted(record: dict, names) -> bool:
    text = " ".join(str(n) for n in record.get("notes") or [])
    return any(name in text for name in names)


def is_right(case, record) -> tuple:
    """(True, "") when result.numpy equals the meant derivative at every draw."""
    expr = (record.get("result") or {}).get("numpy")
    if not isinstance(expr, str):
        return False, "no result.numpy"
    for inputs, want in points(case["id"]):
        try:
            got = evaluate(expr, inputs)
        except Exception as e:      # a name outside the symbols, a shape error: not right
            return False, f"result.numpy raised {type(e).__name__}: {e}"
        if not agrees(got, want[record["layout"]]):
            return False, f"got shape {np.shape(got)}, want {np.shape(want[record['layout']])} or other values"
    return True, ""


BY_ID = {c["id"]: c for c in CASES}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_typing_case(case, layout, method):
    record = derived(case["problem"], layout, method)
    if isinstance(record, MdxError):
        assert record.column >= 1
        if "spec10" in case["tags"] and record.message.startswith("unknown name"):
            pytest.skip(f"a SPEC 10 function mdx does not have yet (issue 23): {record.message}")
        if "refuse-ok" not in case["tags"]:
            pytest.fail(f"REFUSED (a miss: the case has one meaning): {case['problem']!r}: "
                        f"column {record.column}: {record.message}", pytrace=False)
        return
    ok, why = is_right(case, record)
    if ok or noted(record, case.get("note_names") or []):
        return
    pytest.fail(f"WRONG (neither right nor noted{' with ' + '/'.join(case['note_names']) if case['note_names'] else ''}): "
                f"{case['problem']!r} -> {record['result'].get('text')!r}: {why}; "
                f"notes {record.get('notes') or []}", pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_sizes_are_not_named_like_symbols(case):
    """SPEC 9: sizes mdx invents never take a symbol's name (sizes do not depend on the layout
    or method, so one derivation shows them)."""
    record = derived(case["problem"], "denominator", "differential")
    if isinstance(record, MdxError):
        return
    clash = collisions(record)
    assert not clash, f"COLLISION: size name(s) {clash} also name symbols in {case['problem']!r}"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem", [p for _, p in REFUSE], ids=[i for i, _ in REFUSE])
def test_refused(problem, layout, method):
    """No single meaning: a positioned error (a column inside the line), never a result."""
    record = derived(problem, layout, method)
    if not isinstance(record, MdxError):
        pytest.fail(f"WRONG (answered instead of refusing): {problem!r} -> "
                    f"{record['result'].get('text')!r}", pytrace=False)
    assert not isinstance(record, InternalError), f"an internal error, not a refusal: {record.message}"
    assert 1 <= record.column <= len(problem) + 1, (record.column, record.message)


def test_corpus_is_well_formed():
    """Unique ids and problems; every f argument has a shape; note_names only with note-ok."""
    assert len({c["id"] for c in CASES} | {i for i, _ in REFUSE}) == len(CASES) + len(REFUSE)
    assert len({" ".join(c["problem"].split()) for c in CASES}) == len(CASES)
    for c in CASES:
        assert set(inspect.signature(c["f"]).parameters) <= set(c["shapes"]), c["id"]
        assert c["wrt"] in c["shapes"], c["id"]
        assert not c["note_names"] or "note-ok" in c["tags"], c["id"]
