"""The ML-practice corpus (tests/ml_corpus.py, SPEC 8), derived by every method in both
layouts and checked against finite differences of its NumPy function, steps included."""

import pytest

import mdx
from fdcheck import check
from ml_corpus import CASES
from test_identities import LAYOUTS, METHODS, _wrt

# (problem, method) pairs mdx refuses, each with a positioned message: a refusal is
# allowed, a wrong answer never
KNOWN_REFUSALS: set = set()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c["problem"])
def test_ml_problem(case, layout, method):
    if (case["problem"], method) in KNOWN_REFUSALS:
        with pytest.raises(mdx.errors.MdxError) as info:
            mdx.derive(case["problem"], layout=layout, method=method)
        assert info.value.column >= 1 and info.value.hint
        return
    der = mdx.derive(case["problem"], layout=layout, method=method)
    check(der.json(), case["f"], case["shapes"], case["wrt"] or _wrt(case), layout,
          case["props"], case["order"])


def test_refusals_are_few():
    """At least 95% of the corpus derives with every method."""
    for method in METHODS:
        refused = sum(1 for c in CASES if (c["problem"], method) in KNOWN_REFUSALS)
        assert refused <= 0.05 * len(CASES), method
