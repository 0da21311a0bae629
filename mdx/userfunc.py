"""User-defined scalar functions with a body (`where g(t) = t^3 + sin(t)`), applied
elementwise.  Their derivatives g', g'', ... come from SymPy, differentiating the body,
and are turned back into mdx expressions so that every printer writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from . import expr as E
from .errors import UnsupportedError
from .limits import SIMPLIFY_BODY_OPS, watched


def require_sympy(column: int) -> None:
    from importlib.util import find_spec
    if find_spec("sympy") is None:
        raise UnsupportedError("a function with a body needs SymPy (to differentiate it), which "
                               "is not installed", column,
                               'pip install sympy (or pip install "mdx[verify]")')


@dataclass(frozen=True)
class UserFunction:
    """g(param) = body, with body a scalar mdx expression in the scalar Sym `param`."""
    name: str
    param: str
    body: E.Expr
    column: int = field(default=1, compare=False)     # where the definition starts, for messages
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def symbol(self) -> E.Sym:
        return E.Sym(self.param, E.SCALAR, "scalar")

    def sympy_body(self, k: int = 0):
        """The k-th derivative of the body as a SymPy expression in Symbol(param)."""
        got = self._cache.get(("sympy", k))
        if got is None:
            import sympy
            if k == 0:
                from .sympy_values import SympyValues
                t = sympy.Symbol(self.param, real=True)
                got = SympyValues({self.param: t}, {}).value(self.body)
            else:
                prev = self.sympy_body(k - 1)
                with watched(f"SymPy's derivative of {self.name}"):
                    got = sympy.diff(prev, sympy.Symbol(self.param, real=True))
                    # d sign(t) = 2 δ(t): 0 almost everywhere, as mdx's own rule for sign says
                    got = got.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
            self._cache[("sympy", k)] = got
        return got

    def sympy_callable(self, k: int):
        import sympy
        t = sympy.Symbol(self.param, real=True)
        body = self.sympy_body(k)
        return lambda u: body.subs(t, u)

    def derivative(self, k: int) -> E.Expr:
        """g^(k)(param) as an mdx expression (k = 0: the body)."""
        if k == 0:
            return self.body
        got = self._cache.get(("mdx", k))
        if got is None:
            got = self._cache[("mdx", k)] = self._readable(k)
        return got

    def _readable(self, k: int) -> E.Expr:
        """SymPy's derivative or its simplification, whichever is shorter and writable.
        A derivative of more than SIMPLIFY_BODY_OPS operations is not simplified: simplify's
        time grows steeply with the size (8 nested sigmoids under d^2 ran past 400 s)."""
        import sympy
        raw = self.sympy_body(k)
        best = None
        with watched(f"SymPy's derivative of {self.name}"):
            ops = sympy.count_ops(raw)
            simpler = sympy.simplify(raw) if ops <= SIMPLIFY_BODY_OPS else raw
            for candidate in ((simpler, raw) if simpler is not raw else (raw,)):
                try:
                    e = from_sympy(candidate, self.symbol)
                except UnsupportedError:
                    continue
                if best is None or sympy.count_ops(candidate) < best[0]:
                    best = (sympy.count_ops(candidate), e)
        if best is None:
            raise UnsupportedError(f"SymPy's derivative of {self.name} is {raw}, which mdx "
                                   "cannot write with its functions", self.column,
                                   "use exp, log, sin, cos, tanh, sqrt, abs and powers in the body")
        return best[1]

    def definition_text(self, k: int) -> str:
        from .printers.text import to_text
        return f"{self.name}{chr(39) * k}({self.param}) = {to_text(self.derivative(k))}"


_FROM_SYMPY = {"exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tanh": "tanh",
               "Abs": "abs", "sign": "sign", "Heaviside": "step"}


def from_sympy(s, t: E.Sym) -> E.Expr:
    """A SymPy scalar expression in one symbol as an mdx expression."""
    import sympy
    if s.is_Symbol:
        return t
    if s.is_Integer or s.is_Rational:
        return E.Num(Fraction(int(s.p), int(s.q)))
    if s.is_Float:
        return E.Num(Fraction(str(s)))
    if s.is_Add:
        return E.add(*(from_sympy(a, t) for a in s.args))
    if s.is_Mul:
        return E.mul(*(from_sympy(a, t) for a in s.args))
    if s.is_Pow:
        base, k = s.args
        if not k.is_Rational:
            raise UnsupportedError(f"the power {s} has a symbolic exponent", 1)
        b = from_sympy(base, t)
        if k == sympy.Rational(1, 2):
            return E.func("sqrt", b)
        if k == sympy.Rational(-1, 2):
            return E.power(E.func("sqrt", b), -1)
        return E.power(b, Fraction(int(k.p), int(k.q)))
    name = _FROM_SYMPY.get(type(s).__name__)
    if name is not None:
        return E.func(name, from_sympy(s.args[0], t))
    if s == sympy.pi:
        raise UnsupportedError("π has no mdx spelling", 1)
    raise UnsupportedError(f"{type(s).__name__} has no mdx spelling", 1)


def used_derivatives(exprs) -> list:
    """(UserFunction, k) for every derivative g^(k), k ≥ 1, the expressions contain."""
    found: dict = {}
    seen: set = set()
    stack = list(exprs)
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, E.Expr):
            continue
        seen.add(id(node))
        if isinstance(node, E.Func) and node.defn is not None and node.primes:
            found.setdefault((node.defn.name, node.primes), (node.defn, node.primes))
        stack.extend(node.children())
    return [found[k] for k in sorted(found)]
