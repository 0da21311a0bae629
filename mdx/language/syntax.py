"""The untyped syntax tree the parser builds: what was written, and where."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Node:
    """One construct of the language.

    `op` is the grammar's name for it (add, sub, matmul, div, hadamard, ediv, kron,
    neg, postfix, call, bare_call, norm, paren, name, number); `value` holds the
    name, number, postfix operator, function name or norm subscript.
    `start`/`end` are character offsets into the problem's text.
    """

    op: str
    args: tuple = ()
    value: object = None
    start: int = 0
    end: int = 0


@dataclass
class Decl:
    names: list            # [(name, start, end)]
    words: list            # [(word, start, end)]
    param: tuple | None = None      # a function definition `g(t) = body`: (t, start, end)
    body: Node | None = None


@dataclass
class Problem:
    text: str
    expr: Node
    wrt: str
    wrt_start: int
    order: int = 1
    decls: list = field(default_factory=list)
    # every variable written after `/`, with where it starts: several (`/ dW1, db1`) or a
    # mixed second derivative's two (`/ dx dy`); `wrt` is the first
    wrts: list = field(default_factory=list)

    @property
    def variables(self) -> list:
        return self.wrts or [(self.wrt, self.wrt_start)]


def error_at(cls, msg, node_or_start, hint="", end=None):
    """An error of class `cls` pointing at a node (or from a start offset to `end`)."""
    if isinstance(node_or_start, Node):
        start, end = node_or_start.start, node_or_start.end
    else:
        start = node_or_start
    return cls(msg, start + 1, hint, width=max(1, (end or start + 1) - start))
