"""Do the methods agree?  Same simplified form, or the same numbers at random inputs."""

from __future__ import annotations

from .numeric import dim_sizes, draw_inputs


def agreement(derivations: list) -> str:
    """A one-line verdict on a list of derivations of the same problem."""
    from .render import result_text
    texts = {result_text(d) for d in derivations}
    if len(texts) == 1:
        return "all methods agree: the same simplified result"
    try:
        import numpy as np
    except ImportError:                                   # numpy is an optional extra
        return "the methods give different forms (install numpy to compare them numerically)"
    rng = np.random.default_rng(0)
    symbols = derivations[0].symbols
    values = draw_inputs(symbols, dim_sizes(symbols.values()), np, rng, positive=True)
    env = {"__builtins__": {}, "np": np, **values}
    try:
        with np.errstate(all="ignore"):
            results = [np.asarray(eval(d.numpy_expression(), dict(env)), dtype=float)
                       for d in derivations]
    except NameError:             # an abstract f: its derivatives are the caller's to give
        return "the methods give different forms (an abstract function: not compared numerically)"
    except (ValueError, TypeError, ArithmeticError):    # sizes that do not fit: a bug, not a verdict
        return "the methods DISAGREE: a result could not be evaluated; please report this problem"
    first = results[0]
    if all(r.shape == first.shape and np.allclose(r, first, rtol=1e-8, atol=1e-10, equal_nan=True)
           for r in results[1:]):
        return "all methods agree: different forms, numerically equal at random inputs"
    return "the methods DISAGREE numerically: please report this problem"
