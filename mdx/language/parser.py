"""Problem text -> syntax tree (mdx.language.syntax), with positioned syntax errors.

The language itself lives in grammar/mdx.lark; this module only loads it,
pairs up norm bars, and turns the parse tree into `syntax.Node`s.  A valid problem is
parsed by mdx.language.lalr from plain-data tables (no lark import at start-up); lark itself
parses what mdx.language.lalr refuses, to explain the error.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from .division import check_division
from .spellings import check_spellings
from .decl_check import check_declarations, check_sizes
from ..errors import MdxError, ParseError
from ..bounds.limits import MAX_NESTING, check_numbers, check_text, nesting_error
from .syntax import Decl, Node, Problem
from .syntax_errors import unexpected_char, unexpected_token

_HERE = os.path.dirname(os.path.realpath(__file__))     # not pathlib: 3 ms of every start
# Installed: mdx/grammar/mdx.lark (shipped in the wheel); source tree: grammar/mdx.lark.
_GRAMMAR_PATHS = (os.path.join(_HERE, os.pardir, "grammar", "mdx.lark"),
                  os.path.join(_HERE, os.pardir, os.pardir, "grammar", "mdx.lark"))


def grammar_text() -> str:
    """grammar/mdx.lark with the function names of mdx.language.functions written in."""
    from .functions import grammar_with_functions
    for path in _GRAMMAR_PATHS:
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                return grammar_with_functions(fh.read())
    raise FileNotFoundError("grammar/mdx.lark not found next to the mdx package")


class _NormBars:
    """Post-lexer: the 1st, 3rd, ... bar of each kind opens a norm, the others close it."""

    always_accept = ("NORM_BAR",)

    def process(self, stream):
        is_open: dict = {}
        for tok in stream:
            if tok.type == "NORM_BAR":
                was_open = is_open.get(tok.value, False)
                is_open[tok.value] = not was_open
                tok = type(tok).new_borrow_pos("NORM_CLOSE" if was_open else "NORM_OPEN",
                                               tok.value, tok)    # lark's Token or mdx.language.lalr's
            yield tok


@lru_cache(maxsize=1)
def _lark():
    """Lark's parser, built afresh (about 80 ms) when a syntax error needs explaining.
    Never from lark's cache file: that is a pickle, which lark loads before checking
    anything, so a file planted in the cache directory would run its code."""
    from lark import Lark
    return Lark(grammar_text(), parser="lalr", propagate_positions=True,
                postlex=_NormBars(), maybe_placeholders=False)


_TABLES: dict = {}


def _tables(rebuild: bool = False):
    """mdx.language.lalr's tables (plain data, no lark import), or None: lark parses instead.
    `rebuild` builds them anew (the file's tables failed) and rewrites the file."""
    if "tables" in _TABLES and not rebuild:
        return _TABLES["tables"]
    import zlib
    from . import lalr
    grammar = grammar_text()
    # named by the grammar too: two versions of mdx (two checkouts) never rewrite each other's
    name = f"grammar-tables-v{lalr.FORMAT}-py%d.%d-{zlib.crc32(grammar.encode('utf-8')):08x}.json"
    try:
        tables = lalr.load(grammar, lalr.cache_path(name), _NormBars(), rebuild=rebuild)
    except Exception:       # noqa: BLE001 - a broken table build must only cost time
        tables = None
    _TABLES["tables"] = tables
    return tables


def _fast_tree(text: str):
    """The tree from mdx.language.lalr for a valid one-line problem; None otherwise (lark decides
    and explains the error).  Its spans assume one line."""
    if "\n" in text or "\r" in text:
        return None
    tables = _tables()
    if tables is None:
        return None
    from .lalr import parse as lalr_parse
    try:
        return lalr_parse(tables, text, _NormBars())
    except (RecursionError, MemoryError):
        raise
    except Exception:       # noqa: BLE001 - damaged tables: lark parses, the file is rebuilt
        _tables(rebuild=True)
        return None


def parse(text: str) -> Problem:
    """Parse one problem line; raises ParseError with the position of the trouble."""
    text = text.lstrip("\ufeff")
    stripped = text.strip()
    if not stripped:
        raise ParseError("empty problem", 1, "write a problem such as `d tr(X^T A X) / dX`")
    check_text(stripped)
    check_numbers(text)
    offset = len(text) - len(text.lstrip())
    problem = _fast_problem(stripped, offset)
    if problem is None:
        tree = _lark_tree(stripped, offset, len(text))
        _check_nesting(tree, offset)
        problem = _build_problem(tree, stripped)
    if offset:
        _shift(problem, offset)
    check_declarations(problem.decls)
    check_sizes(problem.expr)
    check_division(problem, text)
    check_spellings(problem)
    problem.text = text
    return problem


def _fast_problem(stripped: str, offset: int) -> Problem | None:
    """The problem from mdx.language.lalr's tree, or None (lark decides).  A tree that cannot be
    built (damaged tables that still parsed) sends the problem to lark, and the tables
    are rebuilt."""
    tree = _fast_tree(stripped)
    if tree is None:
        return None
    try:
        _check_nesting(tree, offset)
        return _build_problem(tree, stripped)
    except (MdxError, RecursionError, MemoryError):
        raise
    except Exception:   # noqa: BLE001
        _tables(rebuild=True)
        return None


def _lark_tree(stripped: str, offset: int, length: int):
    """Lark's tree, or its syntax error as a positioned ParseError."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
    try:
        return _lark().parse(stripped)
    except UnexpectedCharacters as e:
        raise unexpected_char(stripped, e, offset) from None
    except UnexpectedToken as e:
        raise unexpected_token(stripped, e, offset) from None
    except UnexpectedEOF as e:  # pragma: no cover - LALR reports $END as UnexpectedToken
        raise ParseError("the problem ends too early", length + 1) from e
    except UnexpectedInput as e:  # pragma: no cover
        raise ParseError(str(e).splitlines()[0], getattr(e, "column", 1)) from None


_NESTING = frozenset({"paren", "call", "bare_call", "norm"})


def _check_nesting(tree, offset: int) -> None:
    """Refuse brackets, calls and norms nested beyond MAX_NESTING (an explicit stack:
    the tree may be thousands of levels deep)."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in _NESTING:
            depth += 1
            if depth > MAX_NESTING:
                raise nesting_error(node.meta.start_pos + offset)
        stack.extend((k, depth) for k in node.children if not isinstance(k, str))


# ----------------------------------------------------------------- tree building
_D_HEAD = re.compile(r"^(d\^2|∂\^2|∂²|d²)")
_PREFIX_VAR = re.compile(r"[/]\s*(?:d|∂)\s*(?P<var>[^\s^²∂]+)")
# each variable of a tail: `/ dW1, db1`, `/ dx dy`
_TAIL_VARS = re.compile(r"(?:^[^/]*/\s*|,\s*|\s+|(?=∂))(?:d|∂)\s*(?P<var>[^\s^²,∂]+)")


def _build_problem(tree, text: str) -> Problem:
    prob = tree.children[0]
    kids = prob.children
    where = kids[-1] if getattr(kids[-1], "data", None) == "where_clause" else None
    if prob.data == "prefix_problem":
        head, expr = kids[0], kids[1]
        m = _PREFIX_VAR.search(str(head))
        var, var_start = m.group("var"), head.start_pos + m.start("var")
        order = 2 if _D_HEAD.match(str(head)) else 1
        wrts = [(m.group("var"), head.start_pos + m.start("var"))
                for m in _TAIL_VARS.finditer(str(head))]
        if order == 2 and len(wrts) == 2 and wrts[0][0] != wrts[1][0]:     # d^2/dx dy f
            decls = _decls(where) if where is not None else []
            return Problem(text=text, expr=_node(expr), wrt=var, wrt_start=var_start, order=2,
                           decls=decls, wrts=wrts)
    else:
        head, expr, tail = kids[0], kids[1], kids[2]
        wrts = [(m.group("var"), tail.start_pos + m.start("var")) for m in _TAIL_VARS.finditer(str(tail))]
        (var, var_start), several = wrts[0], len(wrts) > 1
        order = 2 if _D_HEAD.match(str(head)) else 1
        mixed = several and "," not in str(tail)
        if order == 2 and several and not mixed:
            raise ParseError("a second derivative takes one variable (`/ dx^2`) or two (`/ dx dy`)",
                             tail.start_pos + 1, f"write `/ d{var}^2` or `/ d{var} d{wrts[1][0]}`")
        if order == 2 and not mixed and not re.search(r"(\^2|²)$", str(tail)):
            raise ParseError("a second derivative `d^2 f` needs `/ dVAR^2`", tail.start_pos + 1,
                             f"write `/ d{var}^2`, or `/ d{var} dy` for a mixed one")
        if order == 1 and mixed:
            raise ParseError("`/ dx dy` is a mixed second derivative: it needs `d^2` at the start",
                             1, f"write `d^2 ... / d{var} d{wrts[1][0]}`, or `/ d{var}, d{wrts[1][0]}` "
                             "for the gradients by each")
        if order == 1 and re.search(r"(\^2|²)$", str(tail)):
            raise ParseError("`/ dVAR^2` needs `d^2` at the start", 1, f"write `d^2 ... / d{var}^2`")
        names = [w for w, _ in wrts]
        twice = next((w for w in wrts[1:] if names.count(w[0]) > 1), None)
        if twice is not None and not (mixed and len(wrts) == 2):
            raise ParseError(f"{twice[0]} is written twice after `/`", twice[1] + 1,
                             "name each variable once")
        if mixed and names[0] == names[1]:       # d^2 f / dx dx is the Hessian
            wrts = wrts[:1]
        decls = _decls(where) if where is not None else []
        return Problem(text=text, expr=_node(expr), wrt=var, wrt_start=var_start, order=order,
                       decls=decls, wrts=wrts if len(wrts) > 1 else [])
    decls = _decls(where) if where is not None else []
    return Problem(text=text, expr=_node(expr), wrt=var, wrt_start=var_start, order=order,
                   decls=decls)


def _decls(where) -> list:
    out = []
    for decl in where.children[1:]:
        if getattr(decl, "data", None) == "fdef":
            name, param, body = decl.children
            out.append(Decl(names=[(str(name), name.start_pos, name.end_pos)], words=[],
                            param=(str(param), param.start_pos, param.end_pos), body=_node(body)))
            continue
        if getattr(decl, "data", None) != "decl":
            continue
        names_tree, *words = decl.children
        names = [(str(t), t.start_pos, t.end_pos) for t in names_tree.children] \
            if hasattr(names_tree, "children") else [(str(names_tree), names_tree.start_pos,
                                                      names_tree.end_pos)]
        out.append(Decl(names=names, words=[(str(w), w.start_pos, w.end_pos) for w in words]))
    return out


def _span(tree):
    if isinstance(tree, str):                   # a token (lark's or mdx.language.lalr's)
        return tree.start_pos, tree.end_pos
    return tree.meta.start_pos, tree.meta.end_pos


def _node(tree) -> Node:
    start, end = _span(tree)
    if isinstance(tree, str):
        if tree.type == "NUMBER":
            return Node("number", value=str(tree), start=start, end=end)
        return Node("name", value=str(tree), start=start, end=end)
    op, kids = tree.data, tree.children
    if op in ("name", "number"):
        return _node(kids[0]) if op == "name" else Node("number", value=str(kids[0]),
                                                          start=start, end=end)
    if op == "epow":
        return Node("epow", (_node(kids[0]),), value=_epow_exponent(kids[-1]), start=start, end=end)
    if op == "sized_ones":
        return Node("sized_ones", value=str(kids[0])[2:].strip("{}"), start=start, end=end)
    if op == "postfix_op":
        return Node("postfix", (_node(kids[0]),), value=_norm_postop(str(kids[1])),
                    start=start, end=end)
    if op == "hadamard":
        return Node("hadamard", (_node(kids[0]), _node(kids[2])), start=start, end=end)
    if op in ("call", "bare_call"):
        fname = str(kids[0])
        return Node(op, tuple(_node(k) for k in kids[1:]), value=fname, start=start, end=end)
    if op == "norm":
        sub = str(kids[3]).strip("_{}") if len(kids) > 3 else None
        return Node("norm", (_node(kids[1]),), value=sub, start=start, end=end)
    return Node(op, tuple(_node(k) for k in kids if not isinstance(k, str) or
                          k.type not in ("HADAMARD",)), start=start, end=end)


def _epow_exponent(tree) -> str:
    """The exponent of `.^` as text: "2", "-1", "1/2", "-0.5"; a name stays a name (the
    typer refuses it with a hint)."""
    nums = [str(t) for t in tree.children]
    kind = tree.data
    if kind == "epow_sym":
        return "sym:" + nums[0]
    sign = "-" if kind in ("epow_neg", "epow_negfrac") else ""
    return sign + "/".join(nums)


def _norm_postop(tok: str) -> str:
    """Canonical spelling of a postfix operator: T, -1, -T, or an integer power."""
    t = re.sub(r"\s+", "", tok)
    if t in ("'", "⊤", "ᵀ"):
        return "T"
    if t in ("⁻¹", "⁻ᵀ"):
        return "-1" if t == "⁻¹" else "-T"
    if t in ("²", "³"):
        return "2" if t == "²" else "3"
    t = t.lstrip("^").strip("{}").strip("()")          # ^{-1}, ^(-1), ^(1/2)
    return t.replace("⊤", "T")


def _shift(problem: Problem, offset: int) -> None:
    """Move every position by `offset` (the problem had leading white space)."""
    def walk(n: Node):
        n.start += offset
        n.end += offset
        for a in n.args:
            walk(a)
    walk(problem.expr)
    problem.wrt_start += offset
    problem.wrts = [(w, start + offset) for w, start in problem.wrts]
    for d in problem.decls:
        d.names = [(n, s + offset, e + offset) for n, s, e in d.names]
        d.words = [(w, s + offset, e + offset) for w, s, e in d.words]
        if d.body is not None:
            walk(d.body)
            d.param = (d.param[0], d.param[1] + offset, d.param[2] + offset)
