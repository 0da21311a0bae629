"""One name, one spelling: `θ` and `theta`, `ε` and `eps`, `λ1` and `lambda_1`, `W_{1}`
and `W_1` are the same letter with the same subscript (SPEC 2, 9), and a problem that
writes both would otherwise read two symbols: `exp(θ) + exp(theta)` differentiated by θ
would miss a term, `where Σ: spd` would not reach `Sigma`.  The problem is refused at the
second spelling, with the first, rather than read either way."""

from __future__ import annotations

from ..errors import ParseError
from .names import greek, split


def spelling_key(name: str):
    """The letter and subscript a name stands for: ("lambda", "1") for λ1, λ_1, lambda_1."""
    parts = split(name)
    if parts is None:
        return (name, "")
    base, digits, sub = parts
    return (greek(base) or base, digits + sub)


def check_spellings(problem) -> None:
    seen: dict = {}
    for name, start in _names(problem):
        key = spelling_key(name)
        first = seen.setdefault(key, name)
        if first != name:
            raise ParseError(f"`{name}` and `{first}` are one name, written two ways", start + 1,
                             f"write it one way, `{first}` (or `{name}`) everywhere, the "
                             "declarations and the variable after `/` too",
                             width=len(name))


def _names(problem):
    """(name, start) of every symbol written: the expression's, the variables', the
    declared ones and those in a function's body (not its parameter)."""
    out = []
    for decl in problem.decls:
        if decl.body is None:
            out += [(n, s) for n, s, _ in decl.names]
        else:
            param = decl.param[0] if decl.param else None
            out += [(n, s) for n, s in _in(decl.body) if n != param]
    out += _in(problem.expr)
    out += list(problem.variables)
    return sorted(out, key=lambda x: x[1])


def _in(root) -> list:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.op == "name":
            found.append((node.value, node.start))
        stack.extend(node.args[1:] if node.op == "kwarg" else node.args)   # dim=1: a keyword
    return found
