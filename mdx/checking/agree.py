"""Do the methods agree?  Same simplified form, or the same numbers at random inputs."""

from __future__ import annotations

from ..bounds.limits import bounded
from .numeric import comparable, derivation_sizes, draw_inputs, evaluation_names
from ..rendering.pynames import derivation_names


@bounded
def agreement(derivations: list) -> str:
    """A one-line verdict on a list of derivations of the same problem (a bounded call: a
    deep result is printed on the worker, within the problem's time and memory)."""
    from ..rendering.render import result_text
    from .verify_sizes import evaluable
    if hasattr(derivations[0], "parts"):        # several gradients: each compared across methods
        verdicts = [agreement([d.parts[i] for d in derivations])
                    for i in range(len(derivations[0].parts))]
        worst = next((v for v in verdicts if "DISAGREE" in v), None) or \
            next((v for v in verdicts if "different forms" in v), verdicts[0])
        return worst
    texts = {result_text(d) for d in derivations}
    if len(texts) == 1:
        return "all methods agree: the same simplified result"
    try:
        import numpy as np
    except ImportError:                                   # numpy is an optional extra
        return "the methods give different forms (install numpy to compare them numerically)"
    sizes = _sizes(derivations)
    if not all(evaluable(e, sizes) for d in derivations
               for e in [d.result, *d.symbols.values()]):     # x: vector 20000 took 15 GB
        return "the methods give different forms (too large to compare numerically at the " \
               "declared sizes)"
    try:
        results = _values(derivations, sizes, np)
    except (NameError, ValueError, TypeError, ArithmeticError):  # a bug, not a verdict:
        # every name has a value (sizes, stand-ins) and every size fits
        return "the methods DISAGREE: a result could not be evaluated; please report this problem"
    if all(_equal(np, r, results[0]) for r in results[1:]):
        return "all methods agree: different forms, numerically equal at random inputs"
    return "the methods DISAGREE numerically: please report this problem"


def _sizes(derivations: list) -> dict:
    sizes: dict = {}
    for d in derivations:
        for k, v in derivation_sizes(d).items():
            sizes.setdefault(k, v)
    return sizes


def _values(derivations: list, sizes: dict, np) -> list:
    """Each derivation's result.numpy at one random point, with the sizes no symbol has and
    stand-ins for abstract functions given as --verify gives them."""
    out = []
    with np.errstate(all="ignore"):
        for d in derivations:       # the same values, named as each derivation's code names them
            inputs = draw_inputs(derivations[0].symbols, sizes, np, np.random.default_rng(0),
                                 derivation_names(d), positive=True)
            env = {"__builtins__": {}, **evaluation_names(d, np, sizes), **inputs}
            out.append(np.asarray(eval(d.numpy_expression(), env), dtype=float))
    return out


def _equal(np, a, b) -> bool:
    """The same value: a scalar as a float beside a 1×1 array agrees, an n×1 beside a
    1×n does not."""
    a, b = comparable(np, a, b)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-8, atol=1e-10, equal_nan=True))
