"""Known defects, recognised so that a long fuzz run reports each root cause once and
spends its time on new ones.  Each has its regression test in
tests/test_fuzz_regressions.py; when one is fixed, remove it here.

* ONES_VEC: mdx.operators.apply rewrites vec(P) for any product P of two matrices of
  ones as a vector of ones, `vec(1 1ᵀ) = 1`, also for (1_n 1_nᵀ)(1_n 1_mᵀ) = n 1_n 1_mᵀ:
  the factor n is lost (the chain method's `sum(log(softmax(Z)))`, `sum(X + 1 r)`).
  `without_ones_vec()` runs mdx with that rewrite limited to an outer product, so a
  wrong result that it corrects is this defect.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def without_ones_vec():
    import sys

    import mdx.operators as O
    orig = O.apply

    def is_ones(f):
        return isinstance(f, O.Ones) or isinstance(f, O.T) and isinstance(f.arg, O.Ones)

    def patched(name, a):
        if name == "vec" and isinstance(a, O.Mul) and len(a.chain) == 2 \
                and all(is_ones(f) for f in a.chain) and a.chain[0].cols != "1":
            return O.Apply("vec", a)
        return orig(name, a)
    swapped = [m for m in list(sys.modules.values())
               if getattr(m, "__name__", "").startswith("mdx") and getattr(m, "apply", None) is orig]
    for m in swapped:
        m.apply = patched
    try:
        yield
    finally:
        for m in swapped:
            m.apply = orig


def is_ones_vec(text: str, layout: str, method: str) -> bool:
    """Whether the wrong result of `method` on `text` is ONES_VEC: right without it."""
    import numpy as np

    import mdx
    import oracle
    try:
        with without_ones_vec():
            der = mdx.derive(text, layout=layout, method=method)
            oracle.numeric_check([der], np.random.default_rng(1))
        return True
    except Exception:
        return False
