"""Names: what a symbol's spelling says (SPEC 2 and 9) and how each format writes it.

One place for the Greek alphabet and for the shape of a name: a base (a Latin letter, a
Greek letter as a character or spelled out, `eps`) followed by digits and a subscript
(`W1`, `W_2`, `λ1`, `lambda_1`, `Sigma_{k}`).  The typer asks `default_kind`, the LaTeX
printer `latex_name` (which prints the names of one problem apart, distinct_latex), the
code printers a PyNames: every name of one problem and its Python identifier, two names
never one (mdx.rendering.pynames builds it).
"""

from __future__ import annotations

import keyword
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

# (spelled out, lower-case character, upper-case character, LaTeX of the capital: a
# capital that is a Latin letter's twin is that letter, upright)
_ALPHABET = (
    ("alpha", "α", "Α", r"\mathrm{A}"), ("beta", "β", "Β", r"\mathrm{B}"),
    ("gamma", "γ", "Γ", r"\Gamma"), ("delta", "δ", "Δ", r"\Delta"),
    ("epsilon", "ε", "Ε", r"\mathrm{E}"), ("zeta", "ζ", "Ζ", r"\mathrm{Z}"),
    ("eta", "η", "Η", r"\mathrm{H}"), ("theta", "θ", "Θ", r"\Theta"),
    ("iota", "ι", "Ι", r"\mathrm{I}"), ("kappa", "κ", "Κ", r"\mathrm{K}"),
    ("lambda", "λ", "Λ", r"\Lambda"), ("mu", "μ", "Μ", r"\mathrm{M}"), ("nu", "ν", "Ν", r"\mathrm{N}"),
    ("xi", "ξ", "Ξ", r"\Xi"), ("omicron", "ο", "Ο", r"\mathrm{O}"), ("pi", "π", "Π", r"\Pi"),
    ("rho", "ρ", "Ρ", r"\mathrm{P}"), ("sigma", "σ", "Σ", r"\Sigma"), ("tau", "τ", "Τ", r"\mathrm{T}"),
    ("upsilon", "υ", "Υ", r"\Upsilon"), ("phi", "φ", "Φ", r"\Phi"), ("chi", "χ", "Χ", r"\mathrm{X}"),
    ("psi", "ψ", "Ψ", r"\Psi"), ("omega", "ω", "Ω", r"\Omega"),
)
GREEK_NAMES = tuple(g[0] for g in _ALPHABET)
CAPITAL_NAMES = tuple(g[0].capitalize() for g in _ALPHABET)
# character -> spelled-out name (capitals spelled with a capital: Σ -> Sigma)
CHAR_NAMES = {**{g[1]: g[0] for g in _ALPHABET}, **{g[2]: g[0].capitalize() for g in _ALPHABET}}
_LATEX = {**{g[0]: "\\" + g[0] for g in _ALPHABET}, **{g[0].capitalize(): g[3] for g in _ALPHABET},
          "omicron": "o"}
# aliases of a Greek scalar (SPEC 9: `eps` is ε)
ALIASES = {"eps": "epsilon"}

_SUB = r"(?:_(?P<sub>\{[A-Za-z0-9+,-]*\}|[A-Za-z0-9]+))?"
_NAME = re.compile(r"^(?P<base>[A-Za-z]+|[α-ωΑ-Ω])(?P<digits>[0-9]*)" + _SUB + "$")
_LATIN_BASE = re.compile(r"^(?P<base>[A-Za-z])(?P<digits>[0-9]*)" + _SUB + "$")


def split(name: str):
    """(base, digits, subscript) of a name (`lambda_1` -> ("lambda", "", "1"), `W12` ->
    ("W", "12", "")), the base being one Latin letter unless it is Greek or an alias; None
    for a name of no such shape (`foo`, `AX`)."""
    m = _LATIN_BASE.match(name)
    if m is None:
        m = _NAME.match(name)
        if m is None or greek(m.group("base")) is None:
            return None
    return m.group("base"), m.group("digits"), (m.group("sub") or "").strip("{}")


def greek(base: str):
    """The spelled-out Greek letter a base stands for (`λ` -> lambda, `Σ` -> Sigma, `eps` ->
    epsilon), or None."""
    base = CHAR_NAMES.get(base, base)
    base = ALIASES.get(base, base)
    return base if base in GREEK_NAMES or base in CAPITAL_NAMES else None


def default_kind(name: str):
    """The kind SPEC 2 and 9 give a name by its spelling: identity, scalar (Greek, `eps`),
    matrix (one upper-case letter, a capital Greek letter), vector (one lower-case letter),
    or None for a name that has none (`foo`, `AX`)."""
    if name == "I":
        return "identity"
    parts = split(name)
    if parts is None:
        return None
    base = parts[0]
    g = greek(base)
    if g is not None:
        return "matrix" if g[0].isupper() else "scalar"
    return "matrix" if base.isupper() else "vector"


def is_greek_scalar(name: str) -> bool:
    parts = split(name)
    return parts is not None and default_kind(name) == "scalar"


def latex_name(name: str, kind: str | None = None) -> str:
    """W1 -> W_{1}, W_2 -> W_{2}, W_{L-1} -> W_{L-1}, theta -> \\theta, λ1 -> \\lambda_{1},
    Sigma -> \\Sigma, eps -> \\epsilon; inside `distinct_latex_names`, the problem's own
    spelling of a name that would print like another of its names (see distinct_latex),
    and in bold (\\mathbf{W}_{1}) a vector or matrix when the problem asks for bold.
    `kind` is the symbol's kind where the caller knows it (a node does)."""
    ctx = _LATEX_TABLE.get()
    form = ctx.table.get(name) if ctx is not None else None
    form = form or _standard_latex(name)
    if ctx is not None and ctx.bold and _is_array(name, kind or ctx.kinds.get(name)):
        return bold_latex(form)
    return form


def _is_array(name: str, kind: str | None) -> bool:
    """A vector or a matrix of the problem: a name of unknown kind (f, a rule's U) stays
    as it is, since its spelling does not say what it stands for."""
    return kind in ("vector", "row", "matrix")


_HEAD = re.compile(r"^(\\mathrm\{[^}]*\}|\\[A-Za-z]+|[A-Za-z])")


def bold_latex(form: str) -> str:
    """A name's LaTeX with its letter bold, as the Deep Learning book sets vectors and
    matrices: W_{1} -> \\mathbf{W}_{1}; a Greek letter, which \\mathbf cannot set,
    \\boldsymbol{\\Sigma}."""
    m = _HEAD.match(form)
    if m is None:
        return form
    head = m.group(1)
    cmd = r"\boldsymbol" if head.startswith("\\") else r"\mathbf"
    return f"{cmd}{{{head}}}" + form[m.end():]


def bold_names() -> bool:
    """Whether the names now print bold (distinct_latex_names(..., bold=True))."""
    ctx = _LATEX_TABLE.get()
    return ctx is not None and ctx.bold


def _standard_latex(name: str) -> str:
    parts = split(name)
    if parts is None:               # never emit a name's characters unescaped
        return r"\mathrm{" + re.sub(r"[^A-Za-z0-9]", "", name) + "}"
    base, digits, sub = parts
    g = greek(base)
    head = base if g is None else _LATEX[g]
    subs = ",".join(x for x in (digits, sub) if x)
    return head + (f"_{{{subs}}}" if subs else "")


def _typed_latex(name: str, literal: bool = False) -> str:
    """The name as it was typed: a Greek letter spelled out upright (\\mathrm{lambda}),
    digits on the line (W1), a subscript lowered; `literal` also shows the `_` and any
    braces of the subscript (x\\_if, x\\_\\{if\\})."""
    parts = split(name)
    if parts is None:
        return r"\mathrm{" + re.sub(r"[^A-Za-z0-9_]", "", name).replace("_", r"\_") + "}"
    base, digits, sub = parts
    g = greek(base)
    head = base if g is None else _LATEX[g] if len(base) == 1 else r"\mathrm{" + base + "}"
    if not sub:
        return head + digits
    if literal:
        return head + digits + r"\_" + (r"\{" + sub + r"\}" if "_{" in name else sub)
    return head + digits + f"_{{{sub}}}"


def distinct_latex(names) -> dict:
    """name -> LaTeX for the names of one problem, no two alike.  A name prints as usual
    (latex_name) unless another prints so too; of such a group, the one typed as it prints
    (W_1 for W_{1}, λ for \\lambda), else one typed with a Greek character (λ1), else the
    first, keeps the usual form, and the others print as typed (W1, \\mathrm{lambda}1), or
    with their `_` and braces shown (x\\_if beside x_{if})."""
    names = list(dict.fromkeys(names))
    groups: dict = {}
    for n in names:
        groups.setdefault(_standard_latex(n), []).append(n)
    out: dict = {}
    for form, members in groups.items():      # typed as it prints; else the Greek character
        keep = min(members, key=lambda n: (_typed_latex(n) != form, len(split(n)[0]) > 1
                                           if split(n) else True, members.index(n)))
        out[keep] = form
    used = set(groups)
    for form, members in groups.items():
        for n in (m for m in members if m not in out):
            cands = [_typed_latex(n), _typed_latex(n, True)]
            out[n] = next((c for c in cands if c not in used), None) or next(
                f"{cands[1]}^{{({k})}}" for k in range(2, len(names) + 2)
                if f"{cands[1]}^{{({k})}}" not in used)
            used.add(out[n])
    return out


@dataclass(frozen=True)
class _LatexNames:
    table: dict             # name -> LaTeX, for the names printed apart
    names: tuple = ()       # every name of the problem
    bold: bool = False      # vectors and matrices in bold
    kinds: dict = field(default_factory=dict)      # name -> kind, where known


_LATEX_TABLE: ContextVar = ContextVar("mdx_latex_names", default=None)


@contextmanager
def distinct_latex_names(names, bold: bool = False, kinds: dict | None = None):
    """While it lasts, latex_name prints the names of one problem apart (distinct_latex),
    and, with `bold`, its vectors and matrices bold (`kinds`: name -> kind where the
    spelling alone does not say it)."""
    table = {n: f for n, f in distinct_latex(names).items() if f != _standard_latex(n)}
    token = _LATEX_TABLE.set(_LatexNames(table, tuple(names), bold, dict(kinds or {})))
    try:
        yield
    finally:
        _LATEX_TABLE.reset(token)


_INDEXED = re.compile(r"^(?P<name>[A-Za-z]+[0-9]*(?:_[A-Za-z0-9]+)*?)_(?P<index>[a-z]{1,2})$")


def indexed_latex(token: str) -> str:
    """A name as written in a step's left-hand side or a rule (`W1`, `z1`, `X_pq`, `W_2_pq`,
    `f_ij`): a name of the problem, else a name with entry indices, printed as the body
    prints them: {W_{2}}_{pq}, X_{pq}."""
    ctx = _LATEX_TABLE.get()
    known = ctx.names if ctx is not None else ()
    if token in known or split(token) is not None and "_" not in token:
        return latex_name(token)
    m = _INDEXED.match(token)
    if m is None:
        return latex_name(token)
    head = latex_name(m.group("name"))
    head = "{" + head + "}" if "_" in head else head
    return f"{head}_{{{m.group('index')}}}"


def problem_names() -> tuple:
    """The names of the problem being printed (inside distinct_latex_names)."""
    ctx = _LATEX_TABLE.get()
    return ctx.names if ctx is not None else ()


def latex_table() -> dict:
    """The names that print otherwise than latex_name alone would, now: name -> LaTeX."""
    ctx = _LATEX_TABLE.get()
    return ctx.table if ctx is not None else {}


# Names the generated code uses besides the problem's: the libraries, and the builtins
# that mdx's scripts call (the `mdx check` script; NumPy and torch expressions call none).
# A symbol, size or function with one of these names, or a keyword, gets a trailing `_`.
LIBRARIES = ("np", "numpy", "torch", "math")
BUILTINS = ("abs", "dict", "float", "int", "len", "list", "max", "min", "print", "range",
            "reversed", "sorted", "sum", "tuple", "zip", "SystemExit")
RESERVED = frozenset(keyword.kwlist) | frozenset(LIBRARIES) | frozenset(BUILTINS)


def ascii_name(name: str) -> str:
    """A name spelled in ASCII identifier characters: Greek spelled out (Σ -> Sigma,
    λ1 -> lambda1), other characters `_`, no leading or trailing `_`."""
    out = "".join(CHAR_NAMES.get(ch, ch) for ch in name)
    return re.sub(r"[^0-9A-Za-z_]", "_", out).strip("_") or "v"


def py_name(name: str) -> str:
    """A name's usual Python identifier (SPEC 7): ascii_name, and a trailing `_` for a
    keyword or a reserved name (lambda_, np_).  In code, PyNames decides: it keeps this
    spelling where no other name of the problem has it."""
    out = ascii_name(name)
    return out + "_" if out in RESERVED else out


class PyNames:
    """The Python identifiers of one problem's names: its symbols, the differential of
    its variable, its sizes, its functions and their derivatives (f_prime), and the names
    mdx makes (the pieces h1, h2, ... of a long result, the function df_dX).

    Each kind of name is a namespace of its own (a size n beside a vector n).  Names are
    claimed in order of precedence, each taking its usual spelling (py_name) unless a
    name claimed before holds it or it is reserved; then trailing underscores set it
    apart (λ beside lambda: lambda_ and lambda__).  So two distinct names never share an
    identifier, and none is a keyword, a library or a builtin the code uses."""

    def __init__(self, dims: dict | None = None):
        self._ids: dict = {}
        self._taken: set = set()
        self.dims: dict = dict(dims or {})  # a size -> `X.shape[0]` of the first symbol having it
        self.function = None        # the generated function's name (df_dX), when claimed
        self.own: frozenset = frozenset()   # the problem's names and identifiers (mdx.rendering.pynames)

    def claim(self, key: tuple, preferred: str) -> str:
        got = self._ids.get(key)
        if got is None:
            got = preferred
            while got in self._taken or got in RESERVED:
                got += "_"
            self._ids[key] = got
            self._taken.add(got)
        return got

    def sym(self, name: str) -> str:
        """A symbol, a piece mdx named, or a function's parameter."""
        return self.claim(("sym", name), py_name(name))

    def diff(self, name: str) -> str:
        """The differential d<name> (SPEC 6: dX, dtheta)."""
        own = self.sym(name)
        return self.claim(("d", name), "d" + (ascii_name(name) if own == py_name(name) else own))

    def size(self, name: str) -> str:
        return self.claim(("size", name), py_name(name))

    def func(self, name: str, primes: int = 0) -> str:
        """An abstract function or its derivative: f, f_prime, f_prime_prime."""
        return self.claim(("func", name, primes),
                          ascii_name(name) + "_prime" * primes if primes else py_name(name))

    def callables(self) -> dict:
        """identifier -> primes, for every function claimed."""
        return {v: k[2] for k, v in self._ids.items() if k[0] == "func"}

    def renamed(self) -> list:
        """(kind, name, identifier) of the symbols and sizes set apart: their identifier is
        not their usual one."""
        return [(k[0], k[1], v) for k, v in self._ids.items()
                if k[0] in ("sym", "size") and v != py_name(k[1])]

    def taken(self) -> set:
        return set(self._taken) | {k[1] for k in self._ids if len(k) > 1}
