"""mdx: matrix calculus, derived step by step in the layout and method you choose.

    >>> import mdx
    >>> print(mdx.derive("d tr(X^T A X) / dX").result)
    (A + A^T) X
"""

from __future__ import annotations

from .errors import (InternalError, LimitError, MdxError, ParseError, ShapeError,
                     UnsupportedError)

# The types only.  Not `from typing import TYPE_CHECKING`: `import mdx` runs before the
# command line can take SIGINT (mdx.cli.main), so it imports nothing it need not.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .derivation.solving.stationary import Solution
    from .derivation.steps import Derivation

__version__ = "0.1.0"


def derive(problem: str, layout: str = "denominator", method: str = "differential",
           structured: str | None = None, steps: bool = True) -> "Derivation":
    """Derive one problem; see mdx.derivation.api.derive.  Raises MdxError (a subclass says which
    kind) with the position of the trouble."""
    from .derivation.api import derive as _derive
    return _derive(problem, layout=layout, method=method, structured=structured, steps=steps)


def solve(problem: str) -> "Solution":
    """The stationary point of `d f / dw = 0` in closed form; see mdx.derivation.solving.stationary.solve."""
    from .derivation.solving.stationary import solve as _solve
    return _solve(problem)


# errors of the optional checks, loaded when first asked for (their modules are light,
# but `import mdx` should load only what every use needs)
_LAZY_ERRORS = {"VerificationError": "checking.verification", "CheckError": "checking.torch_check",
                "NotAffineError": "derivation.solving.affine"}


def __getattr__(name: str):
    if name in _LAZY_ERRORS:
        from importlib import import_module
        return getattr(import_module(f".{_LAZY_ERRORS[name]}", __name__), name)
    raise AttributeError(f"module 'mdx' has no attribute {name!r}")


__all__ = ["derive", "solve", "VerificationError", "CheckError", "NotAffineError", "MdxError", "ParseError", "ShapeError", "UnsupportedError",
           "LimitError", "InternalError", "__version__"]
