"""The table of functions (mdx.language.functions), walked: every elementwise function is
derived by every method in both layouts, printed in every format, and checked against
finite differences of its own NumPy reference.  A function added to the table is tested
by this file without another line."""

import math

import numpy as np
import pytest

import mdx
from fdcheck import check
from mdx.language.functions import ELEMENTWISE_FUNCTIONS
from test_identities import LAYOUTS, METHODS

FUNCTIONS = [f for f in ELEMENTWISE_FUNCTIONS]
IDS = [f.name for f in FUNCTIONS]


def problems(f):
    """(problem, shapes, props, the NumPy function, the variable, order) for function f."""
    ref = lambda u: f.reference(np, u)        # noqa: E731
    dom = {"real": None, "positive": "positive", "unit": "unit", "away0": "away0"}[f.domain]
    inputs = {"x": dom, "a": dom, "W": dom}
    props = {k: v for k, v in inputs.items() if v}
    inner = "a^T x" if f.domain != "away0" else "x^T x"    # (a kink of the product's sign: no)
    return [
        (f"d sum({f.name}(x)) / dx", {"x": (4, 1)}, props, lambda x: np.sum(ref(x)), "x", 1),
        (f"d {f.name}({inner}) / dx", {"a": (3, 1), "x": (3, 1)}, props,
         (lambda a, x: ref((a.T @ x).item())) if inner == "a^T x" else (lambda a, x: ref((x.T @ x).item())),
         "x", 1),
        (f"d sum({f.name}(W x)) / dW", {"W": (2, 3), "x": (3, 1)}, props,
         lambda W, x: np.sum(ref(W @ x)), "W", 1),
        (f"d^2 sum({f.name}(x)) / dx^2", {"x": (3, 1)}, props, lambda x: np.sum(ref(x)), "x", 2),
    ]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("f", FUNCTIONS, ids=IDS)
def test_every_function_is_derived_right(f, layout, method):
    for problem, shapes, props, fn, wrt, order in problems(f):
        if f.domain == "away0" and order == 2:
            continue                            # a kink's second derivative: 0 almost everywhere
        der = mdx.derive(problem, layout=layout, method=method)
        check(der.json(), fn, shapes, wrt, layout, props, order=order, draws=1)


@pytest.mark.parametrize("f", FUNCTIONS, ids=IDS)
def test_every_function_prints_in_every_format(f):
    der = mdx.derive(f"d sum({f.name}(W x)) / dx")
    text, latex, js = der.text(), der.latex(), der.json()
    assert f.shown in text or f.derivative is None
    assert "\\begin{align*}" in latex and js["result"]["numpy"]
    namespace: dict = {}
    exec(compile(der.numpy_function(), "<mdx>", "exec"), namespace)
    rng = np.random.default_rng(0)
    scale = 0.1 if f.domain == "unit" else 1.0      # inside (-1, 1) for arcsin
    args = {"W": rng.uniform(0.5, 1.0, (2, 3)) * scale, "x": rng.uniform(0.5, 1.0, (3, 1))}
    fn = next(v for k, v in namespace.items() if k.startswith("df_d"))
    assert np.all(np.isfinite(fn(**args)))


_TORCH_CHECK = """
import numpy as np, torch, mdx
from mdx.language.functions import ELEMENTWISE_FUNCTIONS
rng = np.random.default_rng(0)
args = {"W": rng.uniform(0.05, 0.1, (2, 3)), "x": rng.uniform(0.5, 1.0, (3, 1))}
for f in ELEMENTWISE_FUNCTIONS:
    der = mdx.derive(f"d sum({f.name}(W x)) / dx")
    spaces = {}, {}
    exec(compile(der.numpy_function(), "<mdx>", "exec"), spaces[0])
    exec(compile(der.torch_function(), "<mdx>", "exec"), spaces[1])
    np_fn, torch_fn = (next(v for k, v in sp.items() if k.startswith("df_d")) for sp in spaces)
    got = torch_fn(**{k: torch.tensor(v) for k, v in args.items()})
    assert np.allclose(np.asarray(got), np_fn(**args)), f.name
print("ok")
"""


def test_every_function_runs_in_torch():
    """The torch code of every function equals the NumPy code, in a process of its own (a
    test process holding torch would make every child it starts report torch's memory)."""
    import subprocess
    import sys
    from importlib.util import find_spec
    if find_spec("torch") is None:
        pytest.skip("torch is not installed")
    out = subprocess.run([sys.executable, "-c", _TORCH_CHECK], capture_output=True, text=True,
                         timeout=300)
    assert out.stdout.strip() == "ok", out.stderr


@pytest.mark.parametrize("f", FUNCTIONS, ids=IDS)
def test_every_function_has_its_value_in_sympy_and_its_exact_values(f):
    sympy = pytest.importorskip("sympy")
    u = {"real": 0.37, "positive": 1.3, "unit": 0.21, "away0": 0.8}[f.domain]
    if f.per_column:                            # of a column: (u, 2u, -u) has one extreme
        got = f.sympy(sympy, [sympy.Float(u), sympy.Float(2 * u), sympy.Float(-u)])
        assert [float(g) for g in got] == list(f.reference(np, np.array([u, 2 * u, -u])))
        return
    assert math.isclose(float(f.sympy(sympy, sympy.Float(u))), float(f.reference(np, np.float64(u))),
                        rel_tol=1e-12)
    for c, v in f.exact.items():
        assert float(f.reference(np, np.float64(c))) == v
        assert mdx.derive(f"d x^T x * {f.name}({c}) / dx").result == \
            mdx.derive(f"d x^T x * {v} / dx").result


# The functions whose every mention issue 23 counts (the older ones are also named by the
# identities that involve them: log(exp(u)) = u, log det = logdet, ...)
COUNTED = {"softplus", "tan", "arctan", "arcsin", "arccos", "sinh", "cosh", "log1p", "expm1",
           "ismax", "ismin"}
# the composites (mdx.language.composites) whose names are words of no other meaning in code
COUNTED_COMPOSITES = {"log_softmax", "logsoftmax", "leaky_relu", "clip", "clamp", "amax", "amin"}


def test_the_table_is_the_one_place():
    """A function is named in at most two files of mdx/ and grammar/ (its record, and an
    identity that names it), and the grammar names no function at all."""
    import re
    from pathlib import Path
    root = Path(mdx.__file__).resolve().parent
    files = list(root.rglob("*.py")) + [root.parent / "grammar" / "mdx.lark"]
    texts = {p: p.read_text(encoding="utf-8") for p in files}
    for name in COUNTED | COUNTED_COMPOSITES:
        naming = sorted(str(p.relative_to(root.parent)) for p, t in texts.items()
                        if re.search(rf"\b{name}\b", t))
        assert 1 <= len(naming) <= 2, (name, naming)
    grammar = texts[root.parent / "grammar" / "mdx.lark"]
    rule = next(line for line in grammar.splitlines() if line.startswith("FUNC"))
    assert not any(re.search(rf"\b{f.name}\b", rule) for f in ELEMENTWISE_FUNCTIONS), rule


def test_the_readme_documents_every_function():
    from pathlib import Path

    from mdx.language.composites import COMPOSITES
    readme = (Path(mdx.__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in [f.name for f in ELEMENTWISE_FUNCTIONS] + [c.name for c in COMPOSITES] + \
            [a for f in ELEMENTWISE_FUNCTIONS for a in f.aliases] + [a for c in COMPOSITES for a in c.aliases]:
        assert f"`{name}" in readme, name
