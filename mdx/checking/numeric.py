"""Concrete numbers for a problem's symbols: sizes for its dimensions, random values that
respect the declared properties, and stand-ins for abstract functions.

Used where mdx checks itself (--verify, --method all's agreement, mdx check); NumPy is
imported by the caller and passed in, so importing this module costs nothing.
"""

from __future__ import annotations

import math

from ..expressions.dims import concrete_shape

SIZES = (3, 2, 4, 5)        # distinct small sizes: a transposed result has the wrong shape


def dim_sizes(symbols) -> dict:
    """Each dimension name (`n`, `m`) -> a concrete size; numbers stand for themselves."""
    sizes: dict = {}
    for sym in symbols:
        for d in sym.shape:
            for part in d.split("*"):
                if part != "1" and not part.isdigit() and part not in sizes:
                    sizes[part] = SIZES[len(sizes) % len(SIZES)]
    return sizes


def derivation_sizes(der) -> dict:
    """dim_sizes of the symbols, then sizes no symbol has (the `I` of `tr(I ⊗ X)`, the n
    of `sum(ones(n))`), found in the function, the result and the steps."""
    from ..rendering.pynames import problem_sizes
    sizes = dim_sizes(der.symbols.values())
    for part in problem_sizes(der.symbols, [der.function, der.result] + [st.expr for st in der.steps]):
        if part not in sizes:
            sizes[part] = SIZES[len(sizes) % len(SIZES)]
    return sizes


def draw_value(sym, sizes: dict, np, rng, positive=False):
    """A random value of `sym`'s shape and declared properties (SPEC 2); `positive`:
    True for positive entries (log, sqrt), "small" for entries near 0 (inside (-1, 1))."""
    shape = concrete_shape(sym.shape, sizes)
    if positive == "small" and not sym.props:
        return float(rng.uniform(-0.3, 0.3)) if sym.kind == "scalar" else rng.uniform(-0.3, 0.3, shape)
    if sym.kind == "scalar":
        return float(rng.uniform(0.5, 1.5) if positive else rng.uniform(-1.5, 1.5) or 0.7)
    props = sym.props
    n = shape[0]
    if "orthogonal" in props:
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        return q * np.sign(np.diag(r))
    if "diagonal" in props:
        return np.diag(rng.uniform(0.5, 2.0, n))
    if "spd" in props:
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        return (q * rng.uniform(0.5, 2.0, n)) @ q.T
    if "symmetric" in props:
        g = rng.uniform(0.5, 1.5, (n, n)) if positive else rng.standard_normal((n, n))
        return (g + g.T) / 2
    if "distribution" in props:     # positive entries, each column summing to one
        g = rng.uniform(0.2, 1.0, shape)
        return g / g.sum(axis=0, keepdims=True)
    if "invertible" in props:       # well conditioned, so that differences of the inverse are
        q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
        q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
        return (q1 * rng.uniform(0.6, 1.8, n)) @ q2.T
    return rng.uniform(0.5, 1.5, shape) if positive else rng.standard_normal(shape)


def draw_inputs(symbols: dict, sizes: dict, np, rng, names, positive=False) -> dict:
    """{Python name (names: the problem's PyNames): value} for every symbol (functions
    excepted)."""
    return {names.sym(s.name): draw_value(s, sizes, np, rng, positive)
            for s in symbols.values() if s.kind in ("scalar", "vector", "row", "matrix")}


def stand_in(primes: int, np):
    """The k-th derivative of t -> sin t + t³/4, the function an abstract `f` is checked
    with: not even, not odd, and no derivative a multiple of another."""
    poly = [lambda t: t ** 3 / 4, lambda t: 3 * t ** 2 / 4, lambda t: 3 * t / 2,
            lambda t: 3 / 2 + 0 * t]
    def f(t):
        t = np.asarray(t, dtype=float)
        out = np.sin(t + primes * math.pi / 2)
        return out + poly[primes](t) if primes < len(poly) else out
    return f


def stand_ins(callables: dict, np) -> dict:
    """{`f`, `f_prime`, ...: the number of primes} -> callables (see stand_in)."""
    return {n: stand_in(k, np) for n, k in callables.items()}


def evaluation_names(der, np, sizes: dict) -> dict:
    """What mdx's NumPy code for `der` uses besides the symbols: np, the sizes (one no
    symbol has, the I of tr(I ⊗ X), is a name of its own) and stand-ins for the abstract
    functions and derivatives that the function, the result and the steps call."""
    from ..rendering.pynames import derivation_names
    names = derivation_names(der)
    return {"np": np, **stand_ins(names.callables(), np), **{names.size(k): v for k, v in sizes.items()}}


def comparable(np, a, b) -> tuple:
    """a and b as float arrays, to compare entry by entry.  A scalar may be a float, a 0-d
    or a 1×1 array (SPEC 6), so two values of one entry each are both made 0-d; any other
    difference of shape stays, for the caller to report (an n×1 beside a 1×n is real)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size == 1 and b.size == 1:
        return a.reshape(()), b.reshape(())
    return a, b
