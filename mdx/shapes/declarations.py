"""Declarations and the symbol table: `where` clauses, user functions, and the kind a
name gets from its spelling (SPEC 2)."""

from __future__ import annotations

import difflib

from ..expressions.dims import ONE
from ..errors import ShapeError
from ..language.names import CAPITAL_NAMES, GREEK_NAMES, default_kind
from .table import (FUNCTIONS, PROP_ALIASES, PROPS, SIZE_WORD, SQUARE_PROPS,
                          SymbolInfo, error_at)
from ..language.syntax import Node, Problem

def _greek_head(name: str):
    """The spelled Greek letter a longer name starts with (`mux` -> mu, `SigmaInv` ->
    Sigma), or None."""
    for g in sorted(GREEK_NAMES + CAPITAL_NAMES, key=len, reverse=True):
        if name.startswith(g) and len(name) > len(g) and name[len(g)].isalpha():
            return g
    return None


class Declarations:
    """The symbol table of mdx.shapes._Typer: what each name is."""

    def _declare(self):
        for decl in self.p.decls:
            if decl.body is not None:
                self._define(decl)
                continue
            info = self._parse_decl(decl)
            for name, start, end in decl.names:
                if name in self.syms:
                    raise error_at(ShapeError, f"{name} is declared twice", start,
                                   "declare each name once", end)
                self.syms[name] = SymbolInfo(name, info["kind"], self._shape_for(info),
                                             set(info["props"]), True)

    def _define(self, decl):
        """`g(t) = body`: type the body as a scalar expression in t, alone."""
        from ..language.syntax import Decl
        from ..expressions.userfunc import UserFunction, require_sympy
        name, start, end = decl.names[0]
        require_sympy(start + 1)
        if name in self.syms:
            raise error_at(ShapeError, f"{name} is declared twice", start, "declare each name once", end)
        t, ts, te = decl.param
        sub = Problem(text=self.p.text, expr=decl.body, wrt=t, wrt_start=ts,
                      decls=[Decl(names=[(t, ts, te)], words=[("scalar", ts, te)])])
        body = type(self)(sub)                 # the body, typed alone by the same typer
        body.keep_whole = False
        typed = body.run()
        others = sorted(n for n in typed.symbols if n != t)
        if others or typed.functions:
            used = ", ".join(others or sorted(typed.functions))
            raise error_at(ShapeError, f"the body of {name} uses {used}; "
                           f"it may use only its parameter {t}", decl.body,
                           f"write {name} in {t}, numbers and the built-in functions")
        self.syms[name] = SymbolInfo(name, "function", (ONE, ONE), set(), True)
        self.user_functions[name] = UserFunction(name, t, typed.expr, start + 1)

    def _parse_decl(self, decl):
        kind, props, sizes = None, [], []
        words = list(decl.words)
        i = 0
        while i < len(words):
            w, s, e = words[i]
            if w == "row" and i + 1 < len(words) and words[i + 1][0] == "vector":
                kind, i = "row", i + 2
                continue
            if w in ("scalar", "vector", "matrix"):
                if w == "scalar" and i + 1 < len(words) and words[i + 1][0] == "function":
                    kind, i = "function", i + 2
                    continue
                kind = w
            elif w == "function":
                kind = "function"
            elif w in PROPS:
                props.append(PROP_ALIASES.get(w, w))
            elif w in ("x", "×", "by") and sizes:
                pass
            elif SIZE_WORD.match(w) and (kind or props):
                sizes.append((w, s, e))
            else:
                close = difflib.get_close_matches(w, ("scalar", "vector", "matrix", "row vector",
                                                      "function") + PROPS, n=1)
                hint = f"did you mean `{close[0]}`?" if close else \
                    "kinds: scalar, vector, row vector, matrix; properties: " + ", ".join(PROPS)
                raise error_at(ShapeError, f"unknown word {w!r} in a declaration", s, hint, e)
            i += 1
        if kind is None and props and not set(props) & SQUARE_PROPS:
            kind = default_kind(decl.names[0][0])     # `y: distribution` is a vector, `Y` a matrix
        if props and kind in (None, "matrix"):
            kind = "matrix"
        if kind is None:
            kind = "matrix" if len(sizes) == 2 else ("vector" if len(sizes) == 1 else None)
        if kind is None:
            w, s, e = decl.words[0]
            raise error_at(ShapeError, "a declaration needs a kind or a property", s,
                           "e.g. `x: vector`, `X: matrix n x m`, `A: symmetric`", e)
        want = {"scalar": (0,), "function": (0,), "vector": (0, 1), "row": (0, 1), "matrix": (0, 1, 2)}[kind]
        if len(sizes) not in want:
            w, s, e = sizes[-1]
            raise error_at(ShapeError, f"a {kind} declaration takes {max(want)} size(s), got {len(sizes)}", s,
                           "write e.g. `X: matrix n x m` or `x: vector n`", e)
        if set(props) & SQUARE_PROPS and kind != "matrix":
            raise error_at(ShapeError, f"{', '.join(props)} needs a matrix", decl.names[0][1],
                           "properties apply to square matrices")
        if props and kind not in ("vector", "matrix"):
            raise error_at(ShapeError, f"{', '.join(props)} needs a vector or a matrix",
                           decl.names[0][1], "its entries (of each column) sum to one")
        return {"kind": kind, "props": props, "sizes": [w for w, _, _ in sizes],
                "start": decl.names[0][1], "end": decl.words[-1][2]}

    def _shape_for(self, info):
        sizes = [self._size(s) for s in info["sizes"]]
        kind = info["kind"]
        if kind in ("scalar", "function"):
            return (ONE, ONE)
        if kind == "vector":
            return (sizes[0] if sizes else self.dims.new(), ONE)
        if kind == "row":
            return (ONE, sizes[0] if sizes else self.dims.new())
        if len(sizes) == 2:
            shape = (sizes[0], sizes[1])
        elif len(sizes) == 1:
            shape = (sizes[0], sizes[0])
        else:
            shape = (self.dims.new(), self.dims.new())
        if set(info["props"]) & SQUARE_PROPS and not self.dims.unify(*shape):
            raise error_at(ShapeError, f"{', '.join(info['props'])} needs a square matrix, "
                           f"not {shape[0]}×{shape[1]}", info["start"], "give one size or two equal ones",
                           info["end"])
        return shape

    def _size(self, s: str):
        if not s.isdigit():
            self.named_dims.add(s)
        return s if s != "1" else ONE

    def _symbol(self, name, start, end) -> SymbolInfo:
        if name in self.syms:
            return self.syms[name]
        if name in self.named_dims:         # `n` of `where x: vector n` used as a number
            info = self.syms[name] = SymbolInfo(name, "size", (ONE, ONE))
            return info
        special = self._special_matrix(name)
        if special is not None:
            self.syms[name] = special
            return special
        kind = self._default_kind(name, start, end)
        if kind in ("vector", "matrix") and name in self.read_as_scalar:
            kind = "scalar"                 # an open name read as a scalar (mdx.shapes)
        elif kind == "scalar" and name in self.read_as_vector:
            kind = "vector"                 # a Greek letter used as a vector (mdx.shapes)
        if kind == "scalar":
            shape = (ONE, ONE)
        elif kind == "vector":
            shape = (self.dims.new(), ONE)
        elif kind == "identity":
            shape = None
        else:
            shape = (self.dims.new(), self.dims.new())
        info = SymbolInfo(name, kind, shape)
        self.syms[name] = info
        return info

    def _default_kind(self, name, start, end) -> str:
        kind = default_kind(name)
        if kind is None:
            raise self._unknown_name(name, start, end)
        return kind

    def _unknown_name(self, name, start, end):
        from ..language.hints import name_hint
        head = _greek_head(name)
        if name_hint(name):
            hint = name_hint(name)
        elif name[0] == "d" and default_kind(name[1:]) is not None and \
                self.p.text[:start].rstrip().endswith("/"):
            hint = (f"`/ {name}` ends the problem, once; a second derivative is written "
                    f"`d^2 … / {name}^2`")
        elif head is not None:          # mux, SigmaInv: a Greek name and more, not a typo
            rest = name[len(head):]
            kind = "matrix" if name[0].isupper() else "scalar"
            options = [f"`{head}^{{-1}}` for the inverse"] if rest.lower() == "inv" else []
            options.append(f"`{head}_{rest}` for one name with a subscript")
            if default_kind(rest) is not None:
                options.append(f"`{head} {rest}` for a product")
            hint = f"write {', '.join(options)}; or declare it: `where {name}: {kind}`"
        else:
            close = difflib.get_close_matches(name, self._alike(name, end), n=1, cutoff=0.75)
            close = [c for c in close if abs(len(c) - len(name)) <= 2 and not name.startswith(c)]
            if close:
                hint = f"did you mean `{close[0]}`?"
            elif name.isalpha() and len(name) <= 3 and not name.islower():
                hint = (f"write `{' '.join(name)}` for a product, or declare it: "
                        f"`where {name}: matrix`")
            elif name.isalpha() and name.islower() and self.p.text[end:end + 1] == "(":
                hint = (f"functions are {', '.join(FUNCTIONS[:-1])}; for your own, declare "
                        f"`where {name}: scalar function`")
            elif name.isalpha() and name.islower():     # not called: a longer name of a value
                hint = (f"a name of more than one letter is declared: `where {name}: scalar` "
                        f"(or `vector`, `matrix`)" + (f"; or write `{' '.join(name)}` for a "
                                                       "product" if len(name) <= 3 else ""))
            else:
                hint = f"declare it, e.g. `where {name}: scalar`"
        return error_at(ShapeError, f"unknown name {name!r}", start, hint, end)

    def _alike(self, name: str, end: int) -> tuple:
        """The names a typo of `name` may stand for, of its own kind only: functions where it
        is called (`sigmod(z)`), Greek letters with its capital or not (`Lamda` is `Lambda`,
        a matrix, never `lambda`, a scalar)."""
        if self.p.text[end:end + 1] == "(":
            return FUNCTIONS
        return CAPITAL_NAMES if name[:1].isupper() else GREEK_NAMES

    def _appearance(self, node: Node, out: list) -> list:
        if node.op == "call" and node.value == "ones":
            return out
        if node.op == "kwarg":                  # dim=1: a keyword, not a symbol
            return self._appearance(node.args[1], out)
        if node.op == "name" and node.value not in out:
            out.append(node.value)
        for a in node.args:
            self._appearance(a, out)
        return out

    def _collect(self, node: Node):
        if node.op == "call" and node.value == "ones":
            return                              # its arguments are sizes
        if node.op == "kwarg":                  # its value may hold symbols (min=alpha);
            self._collect(node.args[1])         # its word is none
            return
        if node.op == "name":
            self._symbol(node.value, node.start, node.end)
        for a in node.args:
            self._collect(a)
