"""Do the methods agree?  Same simplified form, or the same numbers at random inputs."""

from __future__ import annotations

from .printers.numpy import py_name


def _draw(symbols: dict, np, rng):
    sizes: dict = {}
    for sym in symbols.values():
        for d in sym.shape:
            if d != "1" and not d.isdigit():
                sizes.setdefault(d, 3 + len(sizes) % 3)
    values = {}
    for sym in symbols.values():
        shape = tuple(int(d) if d.isdigit() else sizes.get(d, 1) for d in sym.shape)
        if sym.kind == "scalar":
            values[py_name(sym.name)] = float(rng.uniform(0.5, 1.5))
            continue
        x = rng.uniform(0.5, 1.5, shape)
        if sym.props & {"symmetric", "spd", "orthogonal", "invertible", "diagonal"}:
            q, _ = np.linalg.qr(rng.standard_normal(shape))
            x = (q * rng.uniform(0.5, 2.0, shape[0])) @ q.T
            if "orthogonal" in sym.props:
                x = q
            if "diagonal" in sym.props:
                x = np.diag(np.diag(x))
        values[py_name(sym.name)] = x
    return values


def agreement(derivations: list) -> str:
    """A one-line verdict on a list of derivations of the same problem."""
    texts = {d.result_text() if hasattr(d, "result_text") else str(d.result) for d in derivations}
    if len(texts) == 1:
        return "all methods agree: the same simplified result"
    try:
        import numpy as np
    except ImportError:                                   # numpy is an optional extra
        return "the methods give different forms (install numpy to compare them numerically)"
    rng = np.random.default_rng(0)
    values = _draw(derivations[0].symbols, np, rng)
    env = {"__builtins__": {}, "np": np, **values}
    with np.errstate(all="ignore"):
        results = [np.asarray(eval(d.numpy(), dict(env)), dtype=float) for d in derivations]
    first = results[0]
    if all(r.shape == first.shape and np.allclose(r, first, rtol=1e-8, atol=1e-10, equal_nan=True)
           for r in results[1:]):
        return "all methods agree: different forms, numerically equal at random inputs"
    return "the methods DISAGREE numerically: please report this problem"
