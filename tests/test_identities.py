"""Every identity of tests/identities.py, derived by mdx and checked numerically
against finite differences in both layouts (steps included)."""

import pytest

import mdx
from mdx.errors import UnsupportedError
from fdcheck import check
from identities import FIRST_ORDER, MORE, SECOND_ORDER

LAYOUTS = ("denominator", "numerator")
METHODS = ("differential", "chain", "definition")


def _wrt(case):
    problem = case["problem"]
    if problem.startswith("d/d") or problem.startswith("d^2/d"):
        return problem.split("/d", 1)[1].split()[0].replace("^2", "")
    return problem.split("where")[0].rstrip().rsplit("/ d", 1)[1].strip().replace("^2", "")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", FIRST_ORDER + SECOND_ORDER + MORE, ids=lambda c: c["problem"])
def test_identity(case, layout, method):
    kron = "⊗" in case["problem"] or "kron" in case["problem"]
    try:
        der = mdx.derive(case["problem"], layout=layout, method=method)
    except UnsupportedError as e:       # index notation has no single-index form of A ⊗ B
        assert method == "definition" and kron and "use --method differential" in e.message
        return
    check(der.json(), case["f"], case["shapes"], case["wrt"] or _wrt(case), layout,
          case["props"], case["order"])
