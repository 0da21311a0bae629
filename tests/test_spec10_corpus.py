"""SPEC 10's functions as practitioners type them (tests/spec10_corpus.py), every case in every
method and layout, judged against finite differences of what the person meant:

  right    result.numpy equals the derivative at every draw, and every step that carries a
           NumPy value equals df along a direction (or the derivative), as tests/fdcheck says
  noted    another reading, acceptable only with a reading note ("b is read as ...") naming
           one of the case's note_names
  refused  a positioned MdxError: acceptable only for a case tagged refuse-ok
  WRONG    anything else

KNOWN lists the cases mdx gets wrong today (found by the SPEC 10 hunt), each with what it
does; they are strict xfails, so a fix shows up as an XPASS to be removed from the list.
"""

from __future__ import annotations

import functools
import inspect
import re

import numpy as np
import pytest

import mdx
from mdx.errors import MdxError
from fdcheck import check_at, close, draw_valid, evaluate, expected_layouts, seeded
from spec10_corpus import CASES

LAYOUTS = ("denominator", "numerator")
METHODS = ("differential", "chain", "definition")
DRAWS = 2
ATTEMPTS = 500

# id -> (category, what mdx does); categories as in the hunt's report
KNOWN: dict = {
}


BY_ID = {c["id"]: c for c in CASES}


@functools.lru_cache(maxsize=None)
def points(case_id: str) -> list:
    case = BY_ID[case_id]
    out = []
    for k in range(DRAWS):
        inputs = draw_valid(case, k, "spec10", ATTEMPTS)
        out.append((inputs, expected_layouts(case["f"], inputs, case["wrt"], case["order"])))
    return out


def agrees(got, want) -> bool:
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    if np.ndim(want) == 0:
        return g.shape in ((), (1, 1)) and bool(np.isfinite(g).all()) and close(g, want)
    return g.shape == np.shape(want) and bool(np.isfinite(g).all()) and close(g, want)


def reading_noted(record: dict, names) -> bool:
    """A note that gives the reading of one of `names` (SPEC 9's "b is read as a scalar ...")."""
    text = " ".join(str(n) for n in record.get("notes") or [])
    return any(re.search(rf"(?<![\w,(]){re.escape(n)} is read as", text)
               for n in names)


def params():
    for case in CASES:
        for layout in LAYOUTS:
            for method in METHODS:
                marks = []
                if case["id"] in KNOWN:
                    cat, what = KNOWN[case["id"]]
                    marks.append(pytest.mark.xfail(strict=True, reason=f"{cat}: {what}"))
                yield pytest.param(case, layout, method, marks=marks,
                                   id=f"{case['id']}-{layout[:3]}-{method[:4]}")


@pytest.mark.parametrize("case,layout,method", list(params()))
def test_spec10_case(case, layout, method):
    try:
        record = mdx.derive(case["problem"], layout=layout, method=method).json()
    except MdxError as e:
        assert e.column >= 1
        if "refuse-ok" in case["tags"]:
            return
        pytest.fail(f"REFUSED (one meaning): {case['problem']!r}: column {e.column}: {e.message}",
                    pytrace=False)
    expr = record["result"]["numpy"]
    for k, (inputs, want) in enumerate(points(case["id"])):
        try:
            with np.errstate(all="ignore"):
                got = evaluate(expr, inputs)
        except Exception as e:      # noqa: BLE001 - a shape error or a stray name: not right
            got = e
        if isinstance(got, Exception) or not agrees(got, want[layout]):
            if reading_noted(record, case["note_names"]):
                return
            why = f"numpy raised {got!r}" if isinstance(got, Exception) else \
                f"got shape {np.shape(got)}, want {np.shape(want[layout])} or other values"
            pytest.fail(f"WRONG: {case['problem']!r} -> {record['result']['text']!r}: {why}; "
                        f"notes {record.get('notes') or []}", pytrace=False)
        if k == 0 and case["order"] == 1:
            wshape = np.shape(inputs[case["wrt"]])
            direction = seeded("spec10", case["id"], 99).standard_normal(wshape) if wshape else 0.7
            check_at(record, case["f"], inputs, case["wrt"], want[layout], 1, direction)


def test_corpus_is_well_formed():
    assert len(CASES) >= 100
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert len({" ".join(c["problem"].split()) for c in CASES}) == len(CASES)
    for c in CASES:
        assert c["wrt"] in c["shapes"], c["id"]
        params_ = inspect.signature(c["f"]).parameters
        assert set(p for p in params_ if params_[p].kind is not params_[p].VAR_KEYWORD) \
            <= set(c["shapes"]), c["id"]
    assert set(KNOWN) <= {c["id"] for c in CASES}


# Spellings outside the corpus, probed by the hunt.  ACCEPT: one clear meaning, derived;
# REASONABLE_REFUSALS: a positioned error is fine.
ACCEPT = [
    # PyTorch's dim=-2 is dim 0 of a matrix; dim=-1 works, dim=-2 is refused
    ("d sum(Y .* softmax(X W, dim=-2)) / dW", "dim=-2 is not an axis of a matrix"),
    # torch.clamp's keyword bounds
    ("d sum(clamp(x, min=0)) / dx", "unexpected '='"),
    ("d sum(clamp(x, min=-1, max=1)) / dx", "unexpected '='"),
    # torch.nn.functional.leaky_relu's keyword
    ("d sum(leaky_relu(x, negative_slope=0.2)) / dx", "leaky_relu takes no argument negative_slope="),
]
REASONABLE_REFUSALS = [
    "d y^T softmax(z, dim=1) / dz",          # a vector along dim=1: each entry alone
    "d sum(Y .* softmax(X, 1)) / dX",        # positional dim (torch): refused, no hint of dim=
    "d sum(logsumexp(X, 1)) / dX",
    "d sum(sum(X, 0)) / dX",
    "d sum(mean(X, 0)) / dX",
    "d var(x, ddof=1) / dx",
    "d sum(max(X, dim=1, keepdim=True)) / dX",
    "d sum(clip(x, l, h)) / dx where l, h: matrix",
]


@pytest.mark.parametrize("problem,message", ACCEPT, ids=[p for p, _ in ACCEPT])
def test_one_meaning_is_derived(problem, message):
    mdx.derive(problem).verify()


@pytest.mark.parametrize("problem", REASONABLE_REFUSALS)
def test_reasonable_refusal_is_positioned(problem):
    with pytest.raises(MdxError) as info:
        mdx.derive(problem)
    assert 1 <= info.value.column <= len(problem)


def test_clip_with_crossed_number_bounds_is_refused_or_right():
    try:
        record = mdx.derive("d sum(clip(x, 1, -1)) / dx").json()
    except MdxError:
        return
    x = np.array([[-0.5], [0.2], [0.7]])
    assert np.allclose(evaluate(record["result"]["numpy"], {"x": x}), 0)


def test_max_of_a_matrix_and_an_axis_number_is_noted():
    notes = mdx.derive("d sum(max(X W, 0)) / dW").notes
    assert any("dim=0" in n for n in notes), notes
