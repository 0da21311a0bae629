"""Declarations and sizes refused (or read as meant) as soon as they are parsed, each
error at the word that causes it: what mdx.shapes.declarations would otherwise read silently as
something else, or what would fail later without a position (an internal error).

* `matrix 3x3` lexes as the number 3 and the name x3: it is read as 3 x 3, never as a
  size named x3;
* a size of 0 (`x: vector 0`, `1_0`, `ones(0)`) is refused: a vector or matrix has at
  least one entry;
* `g: vector function` is refused: only scalar functions exist (applied elementwise).
"""

from __future__ import annotations

import re

from ..errors import ParseError

_KINDS = ("vector", "matrix", "row")
_TIMES_SIZE = re.compile(r"[xX]([0-9]+|[A-Za-z][A-Za-z0-9_]*)$")


def check_declarations(decls: list) -> None:
    """Check (and, for `3x3`, rewrite) the words of every declaration in place."""
    for decl in decls:
        if decl.body is not None:       # `g(t) = ...`
            continue
        decl.words = _split_times(decl.words)
        words = [w for w, _, _ in decl.words]
        for w, start, end in decl.words:
            if w.isdigit() and int(w) == 0:
                raise ParseError("a size must be at least 1", start + 1,
                                 "a vector or matrix has at least one entry: e.g. `x: vector 3`",
                                 width=end - start)
        if "function" in words:
            for w, start, end in decl.words:
                if w in _KINDS:
                    kind = "row vector" if w == "row" else w
                    name = decl.names[0][0]
                    raise ParseError(f"only scalar functions can be declared, not a {kind} function",
                                     start + 1, f"declare `{name}: scalar function`: it applies to a "
                                     "vector or matrix elementwise", width=end - start)


def check_sizes(expr) -> None:
    """Refuse a size of 0 written in an expression: `1_0`, `1_{00}`, `ones(0)`."""
    stack = [expr]
    while stack:                        # no recursion: an expression may nest deep
        node = stack.pop()
        zero = None
        if node.op == "sized_ones" and node.value.isdigit() and int(node.value) == 0:
            zero = node
        elif node.op in ("call", "bare_call") and node.value == "ones":
            zero = next((a for a in node.args if a.op == "number" and float(a.value) == 0), None)
        if zero is not None:
            raise ParseError("a size must be at least 1", zero.start + 1,
                             "a vector or matrix has at least one entry: e.g. `1_n`, `ones(3)`",
                             width=zero.end - zero.start)
        stack.extend(node.args)


def _split_times(words: list) -> list:
    """`3x3`, `3xn`: a number followed at once by a name `x...` is a size, `x`, a size."""
    out = []
    for word in words:
        w, start, end = word
        m = _TIMES_SIZE.match(w)
        if m and out and out[-1][0].isdigit() and out[-1][2] == start:
            out.append(("x", start, start + 1))
            out.append((m.group(1), start + 1, end))
        else:
            out.append(word)
    return out
