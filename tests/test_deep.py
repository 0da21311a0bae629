"""A network of L layers: the chain method stays right and its printed result
grows linearly in L (issue: deep compositions must not blow up)."""

import numpy as np
import pytest

import mdx
from fdcheck import check
from mdx.rendering.render import result_text

DEPTHS = list(range(1, 17))


def network(L):
    inner = "x"
    for k in range(1, L):
        inner = f"tanh(W{k} {inner})"
    return f"d ||W{L} {inner} - y||^2 / dW1"


def forward(L):
    def f(**kw):
        h = kw["x"]
        for k in range(1, L):
            h = np.tanh(kw[f"W{k}"] @ h)
        return np.sum((kw[f"W{L}"] @ h - kw["y"]) ** 2)
    return f


@pytest.mark.parametrize("L", DEPTHS)
def test_gradient_matches_finite_differences(L):
    shapes = {f"W{k}": (3, 3) for k in range(1, L + 1)}
    shapes.update(x=(3, 1), y=(3, 1))
    for layout in ("denominator", "numerator"):
        der = mdx.derive(network(L), layout=layout, method="chain")
        check(der.json(), forward(L), shapes, "W1", layout)


def test_printed_result_grows_linearly():
    lengths = [len(result_text(mdx.derive(network(L), method="chain"))) for L in DEPTHS]
    steps = [b - a for a, b in zip(lengths, lengths[1:])]
    assert max(steps[3:]) <= 2 * min(steps[3:]), lengths     # constant increments: linear
    assert lengths[-1] <= 60 * len(DEPTHS), lengths


@pytest.mark.parametrize("method", ["differential", "chain", "definition"])
def test_steps_use_the_results_names_and_grow_quadratically(method):
    """Each step of a deep chain is printed with the result's names (h1 = tanh(W1 x), ...):
    a step is about as long as the result, so the steps grow like L² characters, not L³."""
    sizes = {}
    for L in (12, 24):
        der = mdx.derive(network(L), method=method)
        text = der.text()
        assert "  let h1 = tanh(W1 x), h2 = tanh(W2 h1)" in text
        steps = text.split("\n", 3)[3].split("  result:")[0]         # below the problem and the let
        assert "tanh(W2 tanh(" not in steps                             # no expanded nest in a step
        assert "\\intertext{\\raggedright let}\nh_{1} &= \\tanh" in der.latex()
        sizes[L] = len(text)
    assert sizes[24] < 5 * sizes[12], sizes                             # L³ would be 8×


def _public_problems():
    from corpora import CORPUS
    return [c["problem"] for src, c in CORPUS if src == "public"]


@pytest.mark.parametrize("method", ["differential", "chain", "definition"])
def test_without_steps_the_result_is_the_same(method):
    """derive(..., steps=False) takes shortcuts (all levels of rules in one pass); the
    result must be the one the steps reach, in both layouts."""
    problems = _public_problems() + [network(L) for L in (2, 5, 9)]
    for layout in ("denominator", "numerator"):
        for p in problems:
            try:
                with_steps = result_text(mdx.derive(p, layout=layout, method=method))
            except mdx.MdxError as e:
                with pytest.raises(type(e)):
                    mdx.derive(p, layout=layout, method=method, steps=False)
                continue
            der = mdx.derive(p, layout=layout, method=method, steps=False)
            assert der.steps == [] and result_text(der) == with_steps, p


def test_a_deep_network_without_steps_matches_finite_differences():
    L = 40
    shapes = {f"W{k}": (2, 2) for k in range(1, L + 1)}
    shapes.update(x=(2, 1), y=(2, 1))
    check(mdx.derive(network(L), steps=False).json(), forward(L), shapes, "W1", "denominator")


def test_code_of_a_deep_network_is_not_nested_past_python_s_limit():
    """Python refuses an expression nested past 200 brackets: the backward pass of a deep
    network is cut into named pieces (t1 = ...), in result.numpy, every step's numpy and the
    generated functions (the harness could not evaluate a 128-layer network's result)."""
    h = "tanh(W1 x)"
    for k in range(2, 101):
        h = f"tanh(W{k} {h})"
    der = mdx.derive(f"d ||{h} - y||^2 / dW1")
    out = der.json()
    for code in [out["result"]["numpy"]] + [s["numpy"] for s in out["steps"] if "numpy" in s]:
        compile(code, "<numpy>", "eval")
    for code in (der.numpy_function(), der.torch_function()):
        compile(code, "<function>", "exec")
