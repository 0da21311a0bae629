"""User-defined scalar functions with a body (`where g(t) = t^3 + sin(t)`), applied
elementwise.  Their derivatives g', g'', ... come from SymPy, differentiating the body,
and are turned back into mdx expressions so that every printer writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from . import expr as E
from ..language.functions import ELEMENTWISE, ELEMENTWISE_FUNCTIONS
from ..errors import ShapeError, UnsupportedError
from ..bounds.limits import watched


def require_sympy(column: int) -> None:
    from importlib.util import find_spec
    if find_spec("sympy") is None:
        raise UnsupportedError("a function with a body needs SymPy (to differentiate it), which "
                               "is not installed", column,
                               'pip install sympy')


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
                t = sympy.Symbol(self.param, real=True)
                got = _body_values(sympy, {self.param: t}).value(self.body)
            else:
                with watched(f"SymPy's derivative of {self.name}"):
                    got = real_diff(self.sympy_body(k - 1), sympy.Symbol(self.param, real=True))
            self._cache[("sympy", k)] = got
        return got

    def sympy_callable(self, k: int):
        import sympy
        t = sympy.Symbol(self.param, real=True)
        body = _explicit(sympy, self.sympy_body(k))
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
        """SymPy's derivative, or it with common factors taken out where that is a quarter
        shorter (a sum of terms reads better than a nest of factors), whichever mdx can write.
        Not sympy.simplify: its trigsimp takes minutes on a derivative of a few tanh and exp
        (g(t) = log(exp(tanh(t^2 / 2 + 2 t - 1))), g''); SymPy's work is watched (mdx.bounds.limits)."""
        import sympy
        raw = self.sympy_body(k)
        best = None
        with watched(f"SymPy's derivative of {self.name}"):
            for candidate, weight in ((raw, 3), (sympy.factor_terms(raw), 4)):
                try:
                    e = from_sympy(candidate, self.symbol)
                except UnsupportedError:
                    continue
                cost = weight * sympy.count_ops(candidate)
                if best is None or cost < best[0]:
                    best = (cost, e)
        if best is None:
            raise UnsupportedError(f"SymPy's derivative of {self.name} is {raw}, which mdx "
                                   "cannot write with its functions", self.column,
                                   "use exp, log, sin, cos, tanh, sqrt, abs and powers in the body")
        return best[1]

    def definition_text(self, k: int) -> str:
        from .text import to_text
        return f"{self.name}{chr(39) * k}({self.param}) = {to_text(self.derivative(k))}"


_NAMED: dict = {}


def _named(sympy) -> dict:
    """mdx's name -> a SymPy function standing for each function of the table whose SymPy
    value is no single SymPy function of its argument (σ(u) = 1 / (1 + exp(-u)) and the
    like).  Its derivative is the table's, σ(u) (1 - σ(u)), which stays finite where
    SymPy's exp(-u) / (1 + exp(-u))^2 is inf / inf (u = -800), and it reads back as the
    function; `_explicit` writes SymPy's value in its place, for values."""
    if not _NAMED:
        u = sympy.Symbol("u", real=True)
        for f in ELEMENTWISE_FUNCTIONS:
            if f.per_column or _single(sympy, f, u) or f.derivative is None:
                continue

            def fdiff(self, argindex=1, f=f):
                t = E.Sym("_t", E.SCALAR, "scalar")
                d = _body_values(sympy, {"_t": u}).value(f.derivative(E, t))
                return d.subs(u, self.args[0])
            _NAMED[f.name] = type(f"mdx_{f.name}", (sympy.Function,), {"fdiff": fdiff})
    return _NAMED


def _body_values(sympy, env: dict):
    """SympyValues in which the table's functions are SymPy functions of their own (_named)."""
    from .sympy_values import SympyValues
    values = SympyValues(env, {})
    values.elementwise = {**values.elementwise,
                          **{n: (lambda a, cls=cls: cls(a)) for n, cls in _named(sympy).items()}}
    return values


def _explicit(sympy, e):
    """e with each function of _named written as SymPy's value of it."""
    by_class = {cls: ELEMENTWISE[n] for n, cls in _named(sympy).items()}
    return e.replace(lambda x: type(x) in by_class, lambda x: by_class[type(x)].sympy(sympy, x.args[0]))


_REAL: dict = {}


def real_diff(e, t):
    """d e / dt where t and every value of the body are real: |u|' = sign(u) u', and sign
    and step have derivative 0 (almost everywhere, as mdx's own rules say).  SymPy's own
    rules need to prove u real, and cannot for u = 1 + t^2 / (2 + sin t)^2 (the
    denominator might be 0): they leave Derivative(sign(u), t) or write re, im and arg."""
    import sympy
    if not _REAL:
        class RealAbs(sympy.Function):
            def fdiff(self, argindex=1):
                return sympy.sign(self.args[0])

        class RealSign(sympy.Function):
            def fdiff(self, argindex=1):
                return sympy.S.Zero
        _REAL.update(abs=RealAbs, sign=RealSign)
    A, S = _REAL["abs"], _REAL["sign"]
    d = sympy.diff(e.replace(sympy.Abs, A).replace(sympy.sign, S), t)
    d = d.replace(A, sympy.Abs).replace(S, sympy.sign)
    return d.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)      # step' = δ


# For a scalar t, what each function that is not elementwise comes to (for the hint).
_SCALAR_VALUE = {"sum": "{t}", "mean": "{t}", "var": "0", "std": "0", "tr": "{t}", "det": "{t}", "vec": "{t}",
                 "logsumexp": "{t}", "kron": "{t} {t}", "norm": "abs({t})", "norm1": "abs({t})",
                 "softmax": "1", "logdet": "log({t})", "inv": "1 / {t}", "ones": "1"}


def check_definitions(parsed, typed) -> None:
    """Refuse, with its position, a body that is not elementwise arithmetic of its scalar
    parameter: the function is applied to each entry of an array, and a reduction
    (logsumexp, a norm, sum, ...) in its code would reduce over the whole array."""
    from ..language.syntax import error_at
    from .user_body import non_elementwise
    for decl in parsed.decls:
        if decl.body is None:
            continue
        name, t = decl.names[0][0], decl.param[0]
        for node in _syntax_nodes(decl.body):
            fname = "norm1" if node.op == "norm" and node.value == "1" else \
                "norm" if node.op == "norm" else node.value
            if node.op == "norm" or (node.op in ("call", "bare_call") and fname != "σ"
                                     and fname not in E.ELEMENTWISE
                                     and not _elementwise_composite(node)):
                value = _SCALAR_VALUE.get(fname)
                hint = (f"for a scalar {t}, {fname}({t}) is {value.format(t=t)}; write that"
                        if value else f"write {name} in {t}, numbers and " + ", ".join(E.ELEMENTWISE))
                raise error_at(ShapeError, f"{fname} is not elementwise: the body of {name} is "
                               "applied to each entry of its argument, so it may use only "
                               "elementwise functions", node, hint)
        body = typed.user_functions[name].body
        shape = body.shape
        bad = None if shape == E.SCALAR else f"a value of shape {shape[0]}×{shape[1]}"
        bad = bad or non_elementwise(body, t)
        if bad is not None:
            raise error_at(ShapeError, f"the body of {name} uses {bad}: it is applied to each "
                           "entry of its argument, so it must be a scalar expression in "
                           f"{t}", decl.body, f"write {name} in {t}, numbers and the "
                           "elementwise functions")


def _elementwise_composite(node) -> bool:
    """A call of a composite of each entry (`max(t, 0)`, `min(t, 1)`)."""
    from ..language.composites import composite
    rec = composite(node.value, sum(1 for a in node.args if a.op != "kwarg"))
    return rec is not None and rec.form == "elementwise"


def _syntax_nodes(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed([a for a in n.args if hasattr(a, "op")]))


def _from_sympy_names(sympy) -> dict:
    """SymPy's function class name -> the mdx function it is (Abs -> abs, Heaviside -> step):
    each function of the table whose SymPy value is one SymPy function of its argument."""
    got = _FROM_SYMPY.get("names")
    if got is None:
        u = sympy.Symbol("u", real=True)
        got = _FROM_SYMPY["names"] = {}
        for f in ELEMENTWISE_FUNCTIONS:
            if not f.per_column and _single(sympy, f, u):
                got.setdefault(type(f.sympy(sympy, u)).__name__, f.name)
        got.update({cls.__name__: n for n, cls in _named(sympy).items()})
    return got


_FROM_SYMPY: dict = {}


def _single(sympy, f, u) -> bool:
    """Whether SymPy's value of the table's function f is one SymPy function of u."""
    v = f.sympy(sympy, u)
    return isinstance(v, sympy.Function) and v.args[:1] == (u,)


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
    if isinstance(s, (sympy.Max, sympy.Min)) and len(s.args) == 2:
        # max(a, b) = a + relu(b - a), min(a, b) = a - relu(a - b): relu(t) is Max(0, t)
        a, b = (from_sympy(x, t) for x in s.args)
        if b == E.Num(0):
            a, b = b, a
        sign = 1 if isinstance(s, sympy.Max) else -1
        if a == E.Num(0):
            return E.scale(sign, E.func("relu", E.scale(sign, b)))
        return E.add(a, E.scale(sign, E.func("relu", E.scale(sign, E.sub(b, a)))))
    name = _from_sympy_names(sympy).get(type(s).__name__)
    if name is not None:
        return E.func(name, from_sympy(s.args[0], t))
    if s == sympy.E:                        # exp(1), which SymPy writes as the number E
        return E.func("exp", E.Num(1))
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
