"""Every result mdx prints is valid input again (SPEC 8): the printed result, typed back
in with the printed `where` line, parses and evaluates to the same numbers."""

import numpy as np
import pytest

import mdx
from corpora import CORPUS
from fdcheck import draw, evaluate
from test_identities import LAYOUTS, METHODS


def typed_back(der):
    """The printed result and where line, parsed and typed as a new problem."""
    from mdx.parser import parse
    from mdx.printers.text import to_text
    from mdx.render import where_text
    from mdx.shapes import type_problem
    text = f"d ({to_text(der.result)}) / d{der.var.name} {where_text(der)}"
    return text, type_problem(parse(text))


def _numpy(typed) -> str:
    from mdx.printers.numpy import NumpyPrinter, dim_table
    return NumpyPrinter(dim_table(typed.symbols.values())).doprint(typed.expr)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("source,case", CORPUS, ids=lambda c: c if isinstance(c, str) else c["problem"])
def test_result_reads_back(source, case, layout, method):
    try:
        der = mdx.derive(case["problem"], layout=layout, method=method)
    except mdx.errors.UnsupportedError:
        return                      # a refusal has no result to read back
    text, typed = typed_back(der)
    inputs = draw(case["shapes"], case.get("props") or {}, np.random.default_rng(3))
    want = np.asarray(evaluate(der.json()["result"]["numpy"], inputs), dtype=float)
    got = np.asarray(evaluate(_numpy(typed), inputs), dtype=float)
    if got.size == 1 and want.size == 1:          # a scalar may be a float or a 1×1 array
        got, want = got.reshape(()), want.reshape(())
    elif not np.any(want):                          # a printed 0 reads back as the number 0
        got = np.broadcast_to(got, want.shape)
    assert got.shape == want.shape, f"{text}: shape {got.shape}, not {want.shape}"
    assert np.allclose(got, want, rtol=1e-9, atol=1e-9), f"{text} does not read back as the result"


