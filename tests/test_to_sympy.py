"""der.to_sympy(): the result as a SymPy matrix expression (or, given sizes, an explicit
Matrix), checked against mdx's own NumPy value of the result at random inputs."""

import numpy as np
import pytest

import mdx
from corpora import CORPUS
from fdcheck import draw

sympy = pytest.importorskip("sympy")


def _numeric(value, der, case, inputs):
    """The SymPy matrix expression at the case's sizes and inputs, as a float array."""
    sizes = {}
    for sym in der.symbols.values():
        shape = tuple(case["shapes"][sym.name]) + (1, 1)
        for d, n in zip(sym.shape, shape):
            if d != "1" and not d.isdigit() and "*" not in d:
                sizes[sympy.Symbol(d, positive=True, integer=True)] = n
    concrete = value.subs(sizes)
    for kind, explicit in ((sympy.OneMatrix, sympy.ones), (sympy.Identity, sympy.eye),
                           (sympy.ZeroMatrix, sympy.zeros)):
        concrete = concrete.replace(lambda e: isinstance(e, kind),
                                    lambda e: explicit(*e.shape) if kind is not sympy.Identity
                                    else sympy.eye(e.shape[0]))
    values = {}
    for sym in concrete.atoms(sympy.MatrixSymbol):
        values[sym] = sympy.Matrix(np.asarray(inputs[sym.name]).reshape(sym.shape))
    for sym in concrete.free_symbols:
        if not isinstance(sym, sympy.MatrixSymbol) and sym.name in inputs:
            values[sym] = inputs[sym.name]
    out = concrete.subs(values)
    out = out.doit() if not isinstance(out, sympy.MatrixBase) else out
    # SymPy's doit leaves HadamardPower(explicit matrix, k) as it is: raise it entry by entry
    out = out.replace(lambda e: isinstance(e, sympy.HadamardPower),
                      lambda e: sympy.Matrix(e.base.doit()).applyfunc(lambda t: t ** e.exp))
    out = out.doit() if not isinstance(out, sympy.MatrixBase) else out
    if isinstance(out, sympy.MatrixExpr):
        out = out.as_explicit()
    if isinstance(out, sympy.MatrixBase):          # entries may still hold Trace(M N)
        out = out.applyfunc(lambda t: t.doit())
    return np.array(sympy.N(out).tolist() if hasattr(out, "tolist") else float(sympy.N(out)),
                    dtype=float)


FIRST_ORDER_CASES = [(s, c) for s, c in CORPUS if c.get("order", 1) == 1
                     and not c.get("props") and "g(t)" not in c["problem"]][:60]


@pytest.mark.parametrize("layout", ["denominator", "numerator"])
@pytest.mark.parametrize("source,case", FIRST_ORDER_CASES, ids=lambda c: c if isinstance(c, str) else c["problem"])
def test_sympy_value_equals_the_result(source, case, layout):
    der = mdx.derive(case["problem"], layout=layout)
    try:
        value = der.to_sympy()
    except mdx.UnsupportedError as e:            # vec, K, E: said so, with what to do
        assert "to_sympy({" in e.hint
        return
    inputs = draw(case["shapes"], {}, np.random.default_rng(5))
    args = {k: v for k, v in _py(inputs).items() if k in _py(der.symbols)}
    want = np.asarray(der.numpy()(**args), dtype=float)
    got = _numeric(value, der, case, inputs)
    np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-8, atol=1e-10)


def _py(inputs):
    from mdx.language.names import py_name
    return {py_name(k): v for k, v in inputs.items()}


def test_a_textbook_result_reads_as_sympy():
    assert str(mdx.derive("d tr(X^T A X) / dX").to_sympy()) == "(A + A.T)*X"


def test_explicit_matrices_for_given_sizes():
    der = mdx.derive("d vec(X)^T c / dX")
    with pytest.raises(mdx.UnsupportedError):
        der.to_sympy({"n": 2})                  # m is missing: the message names it
    M = der.to_sympy({"n": 2, "m": 3})
    c = [sympy.Symbol(f"c_{i}_0", real=True) for i in range(6)]
    assert M == sympy.Matrix(2, 3, lambda i, j: c[j * 2 + i])     # c reshaped to X, column-major
