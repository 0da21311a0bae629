"""The body of a user-defined function (`where g(t) = t^3 + sin(t)`) as code for an array.

g and its derivatives are applied elementwise, so g^(k)(u) for an array u is an array of
u's shape.  The body's k-th derivative is printed with t standing for u, which is computed
once: `(3 * (_u := W @ x) ** 2 + np.cos(_u))`.  A body that does not depend on t (g(t) = 2,
or g'' of t^2) is broadcast to u's shape: `(2 * np.ones_like(W @ x))`.  This holds only
for elementwise bodies, numbers and t under arithmetic and the elementwise built-ins;
`non_elementwise` names anything else, which the definition refuses (mdx.expressions.userfunc).

This is the one place that knows how a body becomes code: the NumPy printer calls it, and
the PyTorch printer inherits that call with its own spellings.
"""

from __future__ import annotations

import re

from . import nodes as E
from ..errors import UnsupportedError
from .operators import ELEMENTWISE

ARG = "_u"          # the argument's name inside the code of a body (an assignment expression)
_ARG_TOKEN = re.compile(r"(?<![\w.])" + ARG + r"(?!\w)")
_ARITHMETIC = (E.Add, E.Had, E.EDiv, E.EPow)


def non_elementwise(body: E.Expr, param: str) -> str | None:
    """What in `body` (a scalar expression in the scalar `param`) is not elementwise
    arithmetic: a description to name in a message, or None when the body is."""
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, E.Sym):
            if node.name != param or node.diff:
                return f"the symbol {node.name}"
        elif isinstance(node, E.Func):
            if node.defn is not None or node.name not in ELEMENTWISE:
                return f"the function {node.name}"
        elif isinstance(node, E.Mul):
            if node.chain:
                return "a matrix product"
        elif isinstance(node, E.Pow):
            if node.base.shape != E.SCALAR:
                return "a matrix power"
        elif isinstance(node, E.Apply):
            return f"{node.name}, which is not elementwise"
        elif not isinstance(node, (E.Num, E.Zero) + _ARITHMETIC):
            return {"Identity": "the identity I", "Ones": "a vector of ones"}.get(
                type(node).__name__, f"a {type(node).__name__}")
        if node.shape != E.SCALAR:
            return f"a value of shape {node.shape[0]}×{node.shape[1]}, not a scalar"
        stack.extend(node.children())
    return None


def body_code(printer, defn, k: int, arg: str) -> str:
    """The code of g^(k)(u) for g = `defn` (a mdx.expressions.userfunc.UserFunction), where `arg` is
    the printed argument u: an array of u's shape, computing u once."""
    body = defn.derivative(k)
    bad = non_elementwise(body, defn.param)
    if bad is not None:         # the definition refuses these; never print a wrong reduction
        raise UnsupportedError(f"the body of {defn.name} uses {bad}; a function applied "
                               "elementwise cannot be written as code with it", defn.column)
    lib = printer.LIB
    if defn.param not in body.free:             # a constant: broadcast to u's shape
        if isinstance(body, E.Zero) or body == E.Num(0):
            return f"{lib}.zeros_like({arg})"
        if body == E.Num(1):
            return f"{lib}.ones_like({arg})"
        return f"({printer.p(body)} * {lib}.ones_like({arg}))"
    text = printer.print_bound(body, defn.param, ARG)
    once = len(_ARG_TOKEN.findall(text)) == 1
    # The first use of u in the text is the first evaluated (Python evaluates left to
    # right), so it assigns _u and every later use reads it.  A body in the argument
    # (g(g(x))) assigns and reads its own _u before this assignment, and nothing but this
    # body's own code stands between this assignment and its reads.
    first = _operand(arg) if once else f"({ARG} := {arg})"
    return _operand(_ARG_TOKEN.sub(lambda m: first, text, count=1))


_NAME = re.compile(r"[A-Za-z_][\w.]*")


def _operand(code: str) -> str:
    """code, in parentheses unless it is a name or a call (`x`, `np.exp(x)`)."""
    name = _NAME.match(code)
    if name and name.end() == len(code):
        return code
    if name and code[name.end():name.end() + 1] == "(" and _closing(code, name.end()) == len(code) - 1:
        return code
    return f"({code})"


def _closing(code: str, start: int) -> int:
    """The index of the bracket that closes the one at `start`."""
    depth = 0
    for i in range(start, len(code)):
        depth += {"(": 1, ")": -1}.get(code[i], 0)
        if depth == 0:
            return i
    return -1
