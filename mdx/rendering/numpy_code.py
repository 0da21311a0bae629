"""NumPy expressions (SPEC 6): only `np` and the problem's symbols; vectors are
(n, 1) arrays, scalars floats, `vec` column-major."""

from __future__ import annotations


from ..expressions import nodes as E
from ..expressions import construct as C
from ..language.names import py_name  # noqa: F401 - where tests and scripts look for it
from ..expressions.user_body import body_code
from ..language.composites import KEPT
from ..language.functions import ELEMENTWISE_FUNCTIONS
from ..expressions.kept import is_kept_prime, kept_prime
from ..expressions.printer import Printer

_FUNCS = {f.name: f.numpy for f in ELEMENTWISE_FUNCTIONS}
_KEPT = {name: k.numpy for name, k in KEPT.items()}


_APPLY = {
    "tr": "np.trace({a})",
    "det": "np.linalg.det({a})",
    "logdet": "np.linalg.slogdet({a})[1]",
    "sum": "np.sum({a})",
    "mean": "np.mean({a})",
    "var": "np.var({a})",
    "std": "np.std({a})",
    "norm1": "np.sum(np.abs({a}))",
    "norm": "np.linalg.norm({a})",
    # per column (SPEC 8); for a vector the same as over all entries.  The argument is
    # computed once (held in _t); a softmax inside the argument assigns its own _t and _e
    # before the outer ones are assigned, and each is read right after it is assigned.
    "softmax": "((_e := np.exp((_t := {a}) - np.max(_t, axis=0, keepdims=True)))"
               " / np.sum(_e, axis=0, keepdims=True))",
    "logsumexp": "((_m := np.max((_t := {a}), axis=0, keepdims=True))"
                 " + np.log(np.sum(np.exp(_t - _m), axis=0, keepdims=True)))",
    "diagm": "np.diagflat({a})",
    "diagv": "np.diag({a}).reshape(-1, 1)",
    "vec": '({a}).reshape(-1, 1, order="F")',
}


OUTER = "ik,kj->ij"          # einsum's spelling of (column)(row)


class NumpyPrinter(Printer):
    """`names` (a mdx.language.names.PyNames) spells every name of the problem; its `dims` maps
    each dimension name to a Python expression for its size.

    The library's spellings are class attributes and small methods, so that the PyTorch
    printer (mdx.rendering.torch_code) changes only those."""

    FUNCS = _FUNCS
    KEPT = _KEPT
    APPLY = _APPLY
    UNVEC = '({a}).reshape(({r}, {c}), order="F")'       # column-major, as vec
    LIB = "np"
    DTYPE = ""          # NumPy's default is float64 already
    FLOAT = "np.float64({})"    # a Python number made the library's float (see value)
    SUM = "np.sum({}, axis={}, keepdims=True)"
    memo = True         # a shared subtree prints once per call (a body prints apart: print_bound)

    def __init__(self, names, var: E.Sym | None = None):
        self.names = names
        self.dims = names.dims
        self.var = var
        self.free: list = []        # sizes no symbol has (`I` in `tr(I ⊗ X)`): parameters
        self.bound: dict = {}       # a user function's parameter -> its name in the body's code

    def size(self, d: str) -> str:
        parts = [f if f.isdigit() else self.dims.get(f) or self.names.size(f) for f in d.split("*")]
        for f, p in zip(d.split("*"), parts):
            if not f.isdigit() and f not in self.dims and p not in self.free:
                self.free.append(p)
        return " * ".join(parts)

    def shape(self, s) -> str:
        return f"({self.size(s[0])}, {self.size(s[1])})"

    def wrap(self, s):
        return f"({s})"

    def p(self, e):
        """Printed so that it can be an operand of any operator."""
        s = self.doprint(e)
        if isinstance(e, (E.Sym, E.Apply, E.Unvec, E.Func, E.Identity, E.Zero, E.Ones)) \
                and not is_kept_prime(e) or \
                (isinstance(e, E.Num) and e.value >= 0 and e.value.denominator == 1):
            return s
        return f"({s})"

    def value(self, e) -> str:
        """e as a value the library is handed or gives back: a function's argument, a named
        piece (`h1 = ...`), a result.  Numbers and sizes (`sqrt(d)` with d a size, `log(2)`)
        print as Python ints, which torch's functions refuse and NumPy's keep integral
        (`np.maximum(3, 0) ** 40` overflows int64): such a value is the library's float."""
        s = self.doprint(e)
        return self.FLOAT.format(s) if plain_number(e) else s

    def print_bound(self, e, param: str, name: str) -> str:
        """e printed with the scalar Sym `param` written as `name` (see mdx.expressions.user_body)."""
        saved, self.bound = self.bound, {param: name}
        printed, self._printed = self._printed, None        # what printed outside reads otherwise
        try:
            return self.doprint(e)
        finally:
            self.bound, self._printed = saved, printed

    def _print_Sym(self, e):
        if not e.diff and e.name in self.bound:
            return self.bound[e.name]
        return self.names.diff(e.name[1:]) if e.diff else self.names.sym(e.name)

    def _print_Num(self, e):
        v = e.value
        return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"

    def _print_Zero(self, e):
        return f"{self.LIB}.zeros({self.shape(e.shape)}{self.DTYPE})"

    def _print_Identity(self, e):
        return f"{self.LIB}.eye({self.size(e.n)}{self.DTYPE})"

    def _print_Ones(self, e):
        return f"{self.LIB}.ones({self.shape(e.shape)}{self.DTYPE})"

    def _print_DiagSelector(self, e):
        n = self.size(e.n)
        return f"{self.LIB}.eye(({n}) * ({n}){self.DTYPE})[:, ::({n}) + 1]"

    def _print_DimSize(self, e):
        return f"({self.size(e.n)})"

    def _print_Commutation(self, e):
        r, s = self.size(e.r), self.size(e.s)
        return f"{self.LIB}.eye(({r}) * ({s}){self.DTYPE})[{self.column_major_range(r, s)}]"

    @staticmethod
    def column_major_range(r, s) -> str:
        """0 .. rs-1 laid out r×s column by column, read row by row: K's row order."""
        return f"np.arange(({r}) * ({s})).reshape(({r}), ({s}), order=\"F\").reshape(-1)"

    def _print_Add(self, e):
        """a - b rather than a + ((-1) * b), and `1 - u` rather than `np.ones(...) - u`:
        NumPy broadcasts the 1 to the other terms' shape, without building the array."""
        full = any(not _ones_like(t) for t in e.terms)
        # a spread vector broadcasts only beside a term of the whole shape
        whole = any(not _ones_like(t) and _spread_vector(t) is None for t in e.terms)
        out = []
        for t in e.terms:
            c, rest = C.split_coeff(t)
            if out and c < 0:
                t, sign = C.scale(-c, rest), " - "
            else:
                sign = " + " if out else ""
            spread = _spread_vector(t) if whole else None
            text = "1" if full and isinstance(t, E.Ones) else self.p(spread) if spread is not None \
                else self.p(t)
            out.append(sign + text)
        return "".join(out)

    def _print_Mul(self, e):
        parts = []
        if e.coeff != 1:
            parts.append(self.p(E.Num(e.coeff)))
        parts += [self.p(s) for s in e.scalars]
        if not e.chain:
            return " * ".join(parts)
        factors = [self.p(f) for f in e.chain]
        small = next((i for i, f in enumerate(e.chain) if "1" in f.shape), None)
        if parts and len(factors) > 1 and small is not None and "1" not in e.shape:
            # 2 u x^T: scale the vector, not the n×n product (one pass and array fewer)
            factors[small] = f"({' * '.join(parts + [factors[small]])})"
            return self._chain(e.chain, factors, scaled=small)
        chain = self._chain(e.chain, factors)
        parts.append(chain if len(factors) == 1 or not parts else f"({chain})")
        return " * ".join(parts)

    def _chain(self, chain, printed, scaled: int | None = None) -> str:
        """Factors joined by @, except that a column times a row (an outer product) goes
        to einsum: at n = 1000 it takes 0.6 ms where @ takes 1.5 and a broadcast * 1.1.
        A diagonal matrix is never built: `M diag(v)` is `M * vᵀ`, `diag(v) M` is `v * M`
        (a p×p diagonal of p = 10,000 samples is 800 MB); a product with a vector of ones
        is a sum: `M 1` sums the rows, `1ᵀ M` the columns."""
        plain = [i != scaled for i in range(len(chain))]        # printed as they are
        out, scale_next = printed[0], None
        if len(chain) > 1 and _is_diag(chain[0]) and plain[0]:
            out, scale_next = "", self.value(chain[0].arg)
        first = chain[0].arg if isinstance(chain[0], E.T) else chain[0]
        if len(chain) > 1 and isinstance(first, E.Ones) and chain[0].rows == "1" and plain[0] \
                and chain[1].rows != "1" and chain[0].cols != "1":      # 1ᵀ M: the column sums
            rest = self._chain(chain[1:], printed[1:], None if scaled is None else scaled - 1)
            return self.SUM.format(rest, 0)
        for left, right, text, bare in zip(chain, chain[1:], printed[1:], plain[1:]):
            if scale_next is not None:                  # diag(v) M = v * M
                out, scale_next = f"({scale_next}) * ({text})", None
            elif right.is_scalar or left.is_scalar:     # a 1×1 factor (a step's `1`) scales
                out = f"({out}) * ({text})"
            elif _is_diag(right) and bare:              # M diag(v) = M * vᵀ
                out = f"({out}) * ({self.value(right.arg)}).T"
            elif isinstance(right, E.Ones) and right.cols == "1" and left.cols != "1" and bare:
                out = self.SUM.format(out, 1)           # M 1: the row sums
            elif left.cols == "1" and right.rows == "1":
                out = f'{self.LIB}.einsum("{OUTER}", {out}, {text})'
            else:
                out = f"{out} @ {text}"
        return out

    def _print_T(self, e):
        return f"{self.p(e.arg)}.T"

    def _print_Pow(self, e):
        if e.is_scalar and e.k < 0:     # 1 / b ** k: NumPy refuses an integer ** -k
            if e.k == -1:
                return f"1 / {self.p(e.base)}"
            return f"1 / {self.p(e.base)} ** ({self._print_Num(E.Num(-e.k))})"
        if e.is_scalar:
            return f"{self.p(e.base)} ** ({self._print_Num(E.Num(e.k))})"
        if e.k == -1:
            return f"{self.LIB}.linalg.inv({self.doprint(e.base)})"
        return f"{self.LIB}.linalg.matrix_power({self.doprint(e.base)}, {int(e.k)})"

    def func_name(self, e) -> str:
        """The Python name of an abstract function or derivative: f, f_prime, f_prime_prime."""
        return self.names.func(e.name, e.primes)

    def _print_EPow(self, e):
        return f"{self.p(e.base)} ** ({self._print_Num(E.Num(e.k))})"

    def _print_Func(self, e):
        if e.bounds:                            # f(u, lo, hi) kept whole; f' an expression
            if e.primes:
                return self.doprint(kept_prime(e))
            return self.KEPT[e.name].format(*(self.value(a) for a in e.children()))
        arg = self.value(e.arg)
        if e.defn is not None:      # a body of its own, of the argument's shape (mdx.expressions.user_body)
            return body_code(self, e.defn, e.primes, arg)
        if e.name in self.FUNCS and not e.primes:
            return self.FUNCS[e.name].format(arg)
        return f"{self.func_name(e)}({arg})"

    def _print_Had(self, e):
        """A product with step(u) multiplies by the mask u > 0 (`rest * np.greater(u, 0)`):
        one pass, where step(u) ∘ rest took three and `where` two (relu's backward pass is
        such a product; a boolean array times a float array is the float array)."""
        steps = [f for f in e.factors if isinstance(f, E.Func) and f.name == "step"
                 and not f.primes and f.defn is None]
        rest = [f for f in e.factors if f not in steps]
        if steps and rest:
            masks = [f"{self.LIB}.greater({self.value(f.arg)}, 0)" for f in steps]
            return " * ".join([self.p(f) for f in rest] + masks)
        return " * ".join(self.p(f) for f in e.factors)

    def _print_EDiv(self, e):
        return f"{self.p(e.num)} / {self.p(e.den)}"

    def _print_Kron(self, e):
        return f"{self.LIB}.kron({self.doprint(e.a)}, {self.doprint(e.b)})"

    def _print_Apply(self, e):
        return self.APPLY[e.name].format(a=self.value(e.arg))

    def _print_Unvec(self, e):
        return self.UNVEC.format(a=self.value(e.arg), r=self.size(e.rows), c=self.size(e.cols))

    def _print_D(self, e):
        raise TypeError("an unevaluated d(u) has no code: print the step's value()")


def _spread_vector(t):
    """v for a term `v 1ᵀ` or `1 r` of a sum of matrices, which broadcasting spreads as
    NumPy and torch do (`W X + b`): no outer product is built."""
    if not isinstance(t, E.Mul) or t.coeff != 1 or t.scalars or len(t.chain) != 2:
        return None
    a, b = t.chain
    ones = lambda x: isinstance(x, E.Ones) or isinstance(x, E.T) and isinstance(x.arg, E.Ones)  # noqa: E731
    if a.cols == "1" and b.rows == "1" and ones(b) and not ones(a):
        return a
    if a.cols == "1" and b.rows == "1" and ones(a) and not ones(b):
        return b
    return None


def _is_diag(e) -> bool:
    return isinstance(e, E.Apply) and e.name == "diagm"


# Nodes that print as Python arithmetic of their children: of numbers, a Python number.
_ARITHMETIC = (E.Add, E.Mul, E.Pow, E.EPow, E.EDiv, E.Had)


def plain_number(e: E.Expr) -> bool:
    """Whether e prints as a Python int or float: numbers and sizes (`(X.shape[0])`) under
    arithmetic only.  A function's value is the library's (a float64, a tensor) already."""
    if isinstance(e, (E.Num, E.DimSize)):
        return True
    return isinstance(e, _ARITHMETIC) and all(plain_number(k) for k in e.children())


def _ones_like(t: E.Expr) -> bool:
    """A term that is a (scaled) array of ones: it has its shape only from np.ones."""
    if isinstance(t, E.Mul):
        return bool(t.chain) and all(isinstance(f, E.Ones) for f in t.chain)
    return isinstance(t, E.Ones)
