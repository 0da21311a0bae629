"""The composite functions (mdx.language.composites), walked: every record is derived by
every method in both layouts — of a vector, of a product, and per axis — and checked
against finite differences of its own NumPy reference (numpy.var, numpy.clip, ...); its
generated NumPy and torch code runs, and its note is said.  A record added to the table
is tested by this file without another line."""

import subprocess
import sys
from importlib.util import find_spec

import numpy as np
import pytest

import mdx
from fdcheck import check
from mdx.language.composites import COMPOSITES
from test_identities import LAYOUTS, METHODS

IDS = [f"{c.name}/{len(c.arguments)}" for c in COMPOSITES]
# the extra arguments of an elementwise composite: bounds and slopes as numbers, or a vector
EXTRA = {"lo": ("-0.3", -0.3), "hi": ("0.4", 0.4), "a": ("0.1", 0.1)}


def _along(ref, axis):
    return lambda X: np.apply_along_axis(ref, axis, X)


def problems(c):
    """(problem, shapes, the NumPy function of the symbols, the variable)."""
    ref = lambda *a: c.reference(np, *a)        # noqa: E731
    if c.form == "elementwise":
        if c.arguments[1:] == ("b",):           # a pair: max(x, y)
            return [(f"d sum({c.name}(x, y)) / dx", {"x": (4, 1), "y": (4, 1)},
                     lambda x, y: np.sum(ref(x, y)), "x"),
                    (f"d sum({c.name}(W x, y)) / dW", {"W": (3, 4), "x": (4, 1), "y": (3, 1)},
                     lambda W, x, y: np.sum(ref(W @ x, y)), "W"),
                    (f"d sum({c.name}(x, 0)) / dx", {"x": (4, 1)},
                     lambda x: np.sum(ref(x, 0)), "x")]
        extra = [c.argument(i) for i in range(1, len(c.arguments))]
        texts = ", ".join(EXTRA[a][0] for a in extra)
        values = [EXTRA[a][1] for a in extra]
        return [(f"d sum({c.name}(x, {texts})) / dx", {"x": (5, 1)},
                 lambda x: np.sum(ref(x, *values)), "x"),
                (f"d sum({c.name}(W x, {texts})) / dW", {"W": (3, 4), "x": (4, 1)},
                 lambda W, x: np.sum(ref(W @ x, *values)), "W")]
    if c.form == "reduction":
        return [(f"d {c.name}(x) / dx", {"x": (5, 1)}, lambda x: ref(x), "x"),
                (f"d {c.name}(W x) / dW", {"W": (3, 4), "x": (4, 1)}, lambda W, x: ref(W @ x), "W"),
                (f"d {c.name}(X) / dX", {"X": (3, 4)}, lambda X: ref(X.ravel()), "X"),
                (f"d sum({c.name}(X, dim=0)) / dX", {"X": (3, 4)}, lambda X: np.sum(_along(ref, 0)(X)), "X"),
                (f"d sum({c.name}(X, axis=1)) / dX", {"X": (3, 4)}, lambda X: np.sum(_along(ref, 1)(X)), "X")]
    return [(f"d y^T {c.name}(z) / dz", {"y": (4, 1), "z": (4, 1)}, lambda y, z: (y.T @ ref(z)).item(), "z"),
            (f"d sum(Y .* {c.name}(X W, dim=1)) / dW", {"Y": (5, 3), "X": (5, 4), "W": (4, 3)},
             lambda Y, X, W: np.sum(Y * _along(ref, 1)(X @ W)), "W"),
            (f"d sum(Y .* {c.name}(X W, dim=0)) / dW", {"Y": (5, 3), "X": (5, 4), "W": (4, 3)},
             lambda Y, X, W: np.sum(Y * _along(ref, 0)(X @ W)), "W")]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("c", COMPOSITES, ids=IDS)
def test_every_composite_is_derived_right(c, layout, method):
    for problem, shapes, fn, wrt in problems(c):
        der = mdx.derive(problem, layout=layout, method=method)
        check(der.json(), fn, shapes, wrt, layout, draws=1)


@pytest.mark.parametrize("c", COMPOSITES, ids=IDS)
def test_every_composite_prints_and_says_its_note(c):
    problem = problems(c)[0][0]
    der = mdx.derive(problem)
    text, latex, js = der.text(), der.latex(), der.json()
    assert "\\begin{align*}" in latex and js["result"]["numpy"] and "result:" in text
    if c.note:
        assert any(c.name in note or "relu" in note for note in der.notes), der.notes
        assert any("note:" in line for line in text.splitlines())
    compile(der.numpy_function(), "<mdx>", "exec")


@pytest.mark.parametrize("c", COMPOSITES, ids=IDS)
def test_every_composite_spelling_means_the_same(c):
    for alias in c.aliases:
        problem = problems(c)[0][0]
        assert mdx.derive(problem.replace(f"{c.name}(", f"{alias}(")).result == mdx.derive(problem).result


_TORCH_CHECK = """
import numpy as np, torch, mdx, sys
sys.path.insert(0, "tests")
from test_composites import COMPOSITES, problems
from mdx.checking.torch_check import run
for c in COMPOSITES:
    for problem, *_ in problems(c):
        assert run(mdx.derive(problem)).passed, problem
print("ok")
"""


def test_every_composite_agrees_with_torch_autograd():
    if find_spec("torch") is None:
        pytest.skip("torch is not installed")
    out = subprocess.run([sys.executable, "-c", _TORCH_CHECK], capture_output=True, text=True,
                         timeout=600)
    assert out.stdout.strip() == "ok", out.stderr[-3000:]


@pytest.mark.parametrize("problem,where", [
    ("d sum(clip(x, 0, 1, 2)) / dx", "clip takes"),
    ("d max(x, y, z) / dx", "max takes"),
    ("d sum(clip(X, a, b)) / dX where a, b: vector", "must be a scalar"),
    ("d sum(max(X, y)) / dX where y: vector", "one shape"),
    ("d sum(clip(x, 1, -1)) / dx", "above its upper bound"),
    ("d sum(clip(x, 2 - 1, 0)) / dx", "above its upper bound"),      # numbers once built
    ("d sum(clamp(x)) / dx", "needs a lower or an upper bound"),
    ("d sum(g(x)) / dx where g(t) = clip(t, 1/2, 1/4)", "above its upper bound"),
    ("d sum(clamp(x, min=0, lo=1)) / dx", "second time"),
    ("d sum(leaky_relu(x, slope=0.2)) / dx", "takes no argument slope="),
    ("d max(w^T x) / dx", "of the scalar"),
    ("d sum(max(x, dim=1)) / dx", "dim=1"),
    ("d sum(clip(x, 0, 1, dim=0)) / dx", "takes no argument dim="),
    ("d sum(softmax(X, dim=2)) / dX", "not an axis"),
])
def test_wrong_calls_are_refused_with_a_position(problem, where):
    with pytest.raises(mdx.MdxError) as info:
        mdx.derive(problem)
    assert where in info.value.message and info.value.column >= 1


def test_a_matrix_without_dim_is_noted_where_the_form_is_per_column():
    der = mdx.derive("d sum(Y .* log_softmax(Z)) / dZ")
    assert any("dim=1" in n for n in der.notes)
    assert not any("dim=1" in n for n in mdx.derive("d var(X) / dX").notes)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,fn", [
    ("d sum(clamp(x, min=0)) / dx", lambda x: np.sum(np.clip(x, 0, None))),
    ("d sum(clamp(x, max=0.5)) / dx", lambda x: np.sum(np.clip(x, None, 0.5))),
    ("d sum(clip(x, a_min=-0.5, a_max=0.5)) / dx", lambda x: np.sum(np.clip(x, -0.5, 0.5))),
    ("d sum(leaky_relu(x, negative_slope=0.2)) / dx", lambda x: np.sum(np.where(x > 0, x, 0.2 * x))),
])
def test_keyword_arguments_as_pytorch_and_numpy_spell_them(problem, fn, layout):
    for method in METHODS:
        der = mdx.derive(problem, layout=layout, method=method)
        check(der.json(), fn, {"x": (5, 1)}, "x", layout, draws=1)


def test_an_undeclared_slope_is_read_as_a_scalar_with_a_note():
    der = mdx.derive("d sum(leaky_relu(x, a)) / dx")
    assert der.symbols["a"].kind == "scalar"
    assert any(n.startswith("a is read as a scalar") for n in der.notes)
    check(der.json(), lambda x, a: np.sum(np.where(x > 0, x, a * x)), {"x": (5, 1), "a": ()}, "x",
          "denominator", draws=1)


@pytest.mark.parametrize("c", COMPOSITES, ids=IDS)
def test_every_composite_is_verified_exactly(c):
    """SymPy on small matrices of symbols; where the function has kinks, exactly 0 at
    rational points."""
    pytest.importorskip("sympy")
    der = mdx.derive(problems(c)[0][0])
    assert der.verify("exact").kind == "exact"


KEPT = [c for c in COMPOSITES if c.kept is not None]


def kept_problems(c):
    """A kept function (clip) with symbols for its parameters, whose values a draw may put
    the wrong way round (lo > hi: numpy.clip is then hi, its gradient 0); and with the
    variable in a parameter, where the call is expanded instead."""
    ref = lambda *a: c.reference(np, *a)        # noqa: E731
    return [(f"d sum({c.name}(W x, a, b)) / dW", {"W": (3, 4), "x": (4, 1), "a": (), "b": ()},
             lambda W, x, a, b: np.sum(ref(W @ x, a, b)), "W"),
            (f"d sum({c.name}(x, -t, t)) / dt", {"x": (5, 1), "t": ()},
             lambda x, t: np.sum(ref(x, -abs(t), abs(t))), "t")]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("c", KEPT, ids=[c.name for c in KEPT])
def test_a_kept_function_is_derived_right_with_symbols_for_its_parameters(c, layout, method):
    for problem, shapes, fn, wrt in kept_problems(c):
        der = mdx.derive(problem, layout=layout, method=method)
        props = {"t": "positive"} if "t" in shapes else {}
        check(der.json(), fn, shapes, wrt, layout, props, draws=3)
    kept, expanded = (mdx.derive(p, layout=layout, method=method).text() for p, *_ in kept_problems(c))
    assert "relu" not in kept and "relu" in expanded



NESTED = [(c, n) for c in KEPT for n in c.kept.nested]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("c,nested", NESTED, ids=[f"{n[0]}({n[1]})" for _, n in NESTED])
def test_a_kept_function_written_out_is_read_as_itself(c, nested, layout, method):
    """min(max(W x, -0.3), 0.4) is clip(W x, -0.3, 0.4), said in a note; a bound that is a
    symbol is read so only where the nesting is the function for every bound."""
    outer, inner, inner_gives, always = nested
    lo, hi = "-0.3", "0.4"
    inside, outside = (lo, hi) if inner_gives == "lo" else (hi, lo)
    for problem in (f"d sum({outer}({inner}(W x, {inside}), {outside})) / dW",
                    f"d sum({outer}({outside}, {inner}({inside}, W x))) / dW"):
        der = mdx.derive(problem, layout=layout, method=method)
        check(der.json(), lambda W, x: np.sum(c.reference(np, W @ x, -0.3, 0.4)),
              {"W": (3, 4), "x": (4, 1)}, "W", layout, draws=2)
        assert any(f"read as {c.name}(" in n for n in der.notes), der.notes
    symbols = f"d sum({outer}({inner}(x, a), b)) / dx where a, b: scalar"
    read = any(f"read as {c.name}(" in n for n in mdx.derive(symbols).notes)
    assert read == always


@pytest.mark.parametrize("method", METHODS)
def test_bounds_the_wrong_way_round_are_not_read_as_a_kept_function(method):
    """min(max(x, 1), -1) is -1 everywhere; as clip(x, 1, -1) the number-bound form of its
    derivative (1 - step(x - hi) - step(lo - x)) would be -1 between the bounds."""
    der = mdx.derive("d sum(min(max(x, 1), -1)) / dx", method=method)
    assert not any("read as" in n for n in der.notes), der.notes
    check(der.json(), lambda x: np.sum(np.minimum(np.maximum(x, 1), -1)), {"x": (5, 1)}, "x",
          "denominator", draws=2)


def test_steps_show_var_and_std_as_written_outside_a_differential():
    from mdx.expressions.text import to_text
    der = mdx.derive("d std(x) / dx")
    texts = [f"{st.lhs} = {to_text(st.expr)}" for st in der.steps]
    assert texts[1] == "df = d(mean((x - mean(x) 1).^2)) / (2 std(x))", texts
    assert der.verify().max_error < 1e-6            # every step's value is the one it had
