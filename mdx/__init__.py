"""mdx: matrix calculus, derived step by step in the layout and method you choose.

    >>> import mdx
    >>> print(mdx.derive("d tr(X^T A X) / dX").result)
    (A + A^T) X
"""

__version__ = "0.1.0"


def derive(problem, layout="denominator", method="differential", structured=None):
    """Derive one problem; see mdx.api.derive."""
    from .api import derive as _derive
    return _derive(problem, layout=layout, method=method, structured=structured)


__all__ = ["derive", "__version__"]
