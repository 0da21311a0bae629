"""Random well-typed problems, each with an independent NumPy implementation of its function.

A hypothesis strategy (`problems()`) builds an expression of a chosen shape from the
constructs of SPEC section 3: sums, differences and broadcast scalars, products (juxtaposed,
`*`, `@`), scalar and elementwise division, Hadamard and Kronecker products, negation,
transposes in every spelling, powers, inverses, every function, norms, declared properties
and abstract functions.  Each construct writes two texts side by side: the problem as a
user would type it, and NumPy code for the same function (never for its derivative).
Sizes are concrete (2, 3 or 4) so that the NumPy side can run; mdx only sees the text
and infers them.  Domains are kept valid by construction: `log`, `sqrt`, `./` and `/`
take positive operands, `inv`, `det` and `logdet` take matrices of the form M Mᵀ + I or
symbols declared spd or invertible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from mdx.language.names import py_name

SIZES = (2, 3, 4)
GREEK = ("alpha", "beta", "gamma", "eta", "mu", "tau", "sigma", "theta", "λ", "ω")
VECTORS = "abcghkpqstuvwxyz"                  # not d (the differential), f (a function), e, i, j
MATRICES = "ABCEGHJKLNPRUVWXYZ"              # not I (the identity), D, M, O, Q, S, T
SQUARE_PROPS = ("symmetric", "spd", "diagonal", "orthogonal", "invertible")
PROP_NAMES = {"symmetric": "Sym", "spd": "S", "diagonal": "D", "orthogonal": "Q", "invertible": "M"}
FUNCS = ("exp", "sin", "cos", "tanh", "sigmoid", "σ", "relu", "softplus", "abs")
NP_FUNCS = {"exp": "np.exp({})", "sin": "np.sin({})", "cos": "np.cos({})", "tanh": "np.tanh({})",
            "sigmoid": "(1 / (1 + np.exp(-({}))))", "σ": "(1 / (1 + np.exp(-({}))))",
            "relu": "np.maximum({}, 0)", "softplus": "np.logaddexp(0, {})", "abs": "np.abs({})",
            "log": "np.log({})", "sqrt": "np.sqrt({})", "f": "np.sin({})"}


@dataclass
class Sym:
    name: str
    shape: tuple            # concrete; () for a scalar
    prop: str | None = None


@dataclass
class Ex:
    text: str               # as typed; `atom` says whether it can be an operand as is
    code: str               # NumPy, fully parenthesised
    shape: tuple            # (rows, cols), (1, 1) for a scalar
    atom: bool = False

    def op(self) -> str:
        return self.text if self.atom else f"({self.text})"


@dataclass
class Case:
    problem: str
    shapes: dict
    props: dict
    wrt: str
    order: int
    code: str
    kron: bool = False
    uses: set = field(default_factory=set)

    def f(self, **inputs):
        import numpy as np
        env = {py_name(k): v for k, v in inputs.items()}
        env["np"] = np
        return eval(self.code, {"__builtins__": {}}, env)

    def __repr__(self):
        return f"Case({self.problem!r})"


class Builder:
    def __init__(self, draw, max_depth: int):
        self.draw = draw
        self.max_depth = max_depth
        self.syms: dict = {}
        self.used: set = set()
        self.function = False
        self.kron = False

    # ------------------------------------------------------------ choices
    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, p: float) -> bool:
        return self.draw(st.integers(0, 999)) < p * 1000

    # ------------------------------------------------------------ symbols
    def symbol(self, shape: tuple, prop: str | None = None) -> Sym:
        """An existing symbol of this shape (mostly) or a new one."""
        same = [s for s in self.syms.values() if s.shape == shape and s.prop == prop]
        if same and self.chance(0.7):
            s = self.pick(sorted(same, key=lambda s: s.name))
        else:
            if shape == ():
                pool = GREEK
            elif shape[1] == 1 or shape[0] == 1:
                pool = VECTORS
            elif prop:
                pool = tuple(PROP_NAMES[prop] + k for k in ("", "1", "2", "3"))
            else:
                pool = MATRICES
            free = [n for n in pool if n not in self.syms]
            if not free:
                return self.pick(sorted(same, key=lambda s: s.name)) if same else self.symbol(shape, None)
            s = Sym(self.pick(free), shape, prop)
            self.syms[s.name] = s
        self.used.add(s.name)
        return s

    def leaf(self, shape) -> Ex:
        r, c = shape
        if (r, c) == (1, 1):
            if self.chance(0.25):
                n = self.pick(("2", "3", "0.5", "1.5"))
                return Ex(n, n, shape, True)
            s = self.symbol(())
            return Ex(s.name, py_name(s.name), shape, True)
        if c == 1:
            s = self.symbol((r, 1))
            return Ex(s.name, py_name(s.name), shape, True)
        if r == 1:
            if self.chance(0.15):           # a declared row vector
                s = self.symbol((1, c), "row")
                return Ex(s.name, py_name(s.name), shape, True)
            s = self.symbol((c, 1))
            t = self.pick(("^T", "'", "^⊤", "ᵀ"))
            return Ex(s.name + t, f"np.transpose({py_name(s.name)})", shape, True)
        prop = self.pick(SQUARE_PROPS) if r == c and self.chance(0.25) else None
        s = self.symbol((r, c), prop)
        return Ex(s.name, py_name(s.name), shape, True)

    # ------------------------------------------------------------ expressions
    def expr(self, shape, depth: int) -> Ex:
        if depth <= 0 or self.chance(0.2):
            return self.leaf(shape)
        r, c = shape
        scalar, square = shape == (1, 1), r == c and r > 1
        options = ["add", "sub", "matmul", "matmul", "transpose", "neg", "func", "func"]
        if not scalar:
            options += ["scale", "broadcast", "hadamard", "ediv", "div", "epow"]
            if r > 1:
                options += ["softmax_columns"]
        else:
            options += ["scalars", "scalars", "scalars", "div", "power_s"]
        if c == 1 and r > 1:
            options += ["row_sums"]
        if r > 1 and c > 1:
            options += ["outer_ones"]
        if square:
            options += ["power", "inverse", "diagm", "plus_identity"]
        if c == 1 and r > 1:
            options += ["softmax", "diagv"] + (["vec"] if r == 4 else [])
        if _kron_splits(shape):
            options += ["kron"]
        return getattr(self, "_" + self.pick(options))(shape, depth - 1)

    def positive(self, shape, depth: int) -> Ex:
        """An expression whose entries are positive wherever it is evaluated."""
        how = self.pick(("exp", "sigmoid", "softplus", "square", "number"))
        if how == "number" or depth <= 0:
            n = self.pick(("2", "0.5", "3"))
            if shape == (1, 1):
                return Ex(n, n, shape, True)
            e = self.expr(shape, depth)
            return Ex(f"1 + {e.op()} ∘ {e.op()}", f"(1 + ({e.code}) * ({e.code}))", shape)
        if how == "square":
            e = self.expr(shape, depth)
            if shape == (1, 1):
                return Ex(f"1 + {e.op()}^2", f"(1 + ({e.code}) ** 2)", shape)
            return Ex(f"1 + {e.op()} .* {e.op()}", f"(1 + ({e.code}) * ({e.code}))", shape)
        e = self.expr(shape, depth)
        return self._call(how, e)

    def spd(self, n: int, depth: int) -> Ex:
        """A symmetric positive definite n×n matrix: a symbol, or M Mᵀ + I."""
        if depth <= 0 or self.chance(0.4):
            s = self.symbol((n, n), self.pick(("spd", "spd", "invertible")))
            return Ex(s.name, py_name(s.name), (n, n), True)
        k = self.pick(SIZES)
        m = self.expr((n, k), depth - 1)
        return Ex(f"{m.op()} {m.op()}^T + I", f"(({m.code}) @ np.transpose({m.code}) + np.eye({n}))",
                  (n, n))

    def _call(self, name: str, e: Ex) -> Ex:
        # `exp x` without parentheses, for built-in functions (f must be called as f(...))
        # (`exp (x)^2` is a call with parentheses, squared: no bare call on a bracket)
        bare = e.atom and name not in ("σ", "f") and e.text[0] not in "(‖|" and self.chance(0.2)
        text = f"{name} {e.text}" if bare else f"{name}({e.text})"
        return Ex(text, NP_FUNCS[name].format(e.code), e.shape, not bare)

    # ------------------------------------------------------------ productions
    def _add(self, shape, d):
        a, b = self.expr(shape, d), self.expr(shape, d)
        return Ex(f"{a.text} + {b.text}", f"({a.code} + {b.code})", shape)

    def _sub(self, shape, d):
        a, b = self.expr(shape, d), self.expr(shape, d)
        return Ex(f"{a.text} - {b.op()}", f"({a.code} - {b.code})", shape)

    def _broadcast(self, shape, d):
        a, s = self.expr(shape, d), self.expr((1, 1), d)
        if self.chance(0.5):
            return Ex(f"{a.text} + {s.op()}", f"({a.code} + {s.code})", shape)
        return Ex(f"{s.op()} - {a.op()}", f"({s.code} - {a.code})", shape)

    def _scale(self, shape, d):
        s, a = self.expr((1, 1), d), self.expr(shape, d)
        sep = self.pick((" ", " * "))
        return Ex(f"{s.op()}{sep}{a.op()}", f"({s.code} * {a.code})", shape)

    def _matmul(self, shape, d):
        r, c = shape
        k = self.pick(SIZES + (1,)) if (r, c) != (1, 1) else self.pick(SIZES)
        a, b = self.expr((r, k), d), self.expr((k, c), d)
        sep = self.pick((" ", " ", " * ", " @ "))
        if (r, k) == (1, 1) or (k, c) == (1, 1):
            code = f"({a.code} * {b.code})"
        else:
            code = f"({a.code} @ {b.code})"
        return Ex(f"{a.op()}{sep}{b.op()}", code, shape)

    def _scalars(self, shape, d):
        """Scalar-valued functions of vectors and matrices."""
        what = self.pick(("tr", "det", "logdet", "sum", "norm", "norm2", "logsumexp", "quad",
                          "ones", "mean", "norm1", "lse_columns"))
        n = self.pick(SIZES)
        if what == "ones":                          # 1^T a, 1^T A 1 (SPEC 8)
            a = self.expr((n, self.pick(SIZES + (1,))), d)
            tail = " 1" if a.shape[1] > 1 else ""
            return Ex(f"1^T {a.op()}{tail}", f"np.reshape(np.sum({a.code}), (1, 1))", (1, 1))
        if what in ("mean", "norm1"):
            a = self.expr((n, self.pick(SIZES + (1,))), d)
            if what == "mean":
                return self._scalar_call("mean", a, f"np.mean({a.code})")
            text = self.pick(("norm1({})", "‖{}‖_1" if "‖" not in a.text else "norm1({})"))
            return Ex(text.format(a.text), f"np.reshape(np.sum(np.abs({a.code})), (1, 1))", (1, 1), True)
        if what == "lse_columns":                   # logsumexp per column, summed by 1
            a = self.expr((n, self.pick(SIZES)), d)
            m = f"np.max({a.code}, axis=0, keepdims=True)"
            code = f"np.sum({m} + np.log(np.sum(np.exp({a.code} - {m}), axis=0, keepdims=True)))"
            return Ex(f"logsumexp({a.text}) 1", f"np.reshape({code}, (1, 1))", (1, 1))
        if what == "tr":
            a = self.expr((n, n), d)
            return self._scalar_call("tr", a, f"np.trace({a.code})")
        if what in ("det", "logdet"):
            a = self.spd(n, d)
            if what == "det":
                return self._scalar_call("det", a, f"np.linalg.det({a.code})")
            if self.chance(0.5):
                return self._scalar_call("logdet", a, f"np.linalg.slogdet({a.code})[1]")
            return Ex(f"log det {a.op()}" if a.atom else f"log(det({a.text}))",
                      f"np.log(np.linalg.det({a.code}))", (1, 1), not a.atom)
        if what == "sum":
            a = self.expr((n, self.pick(SIZES + (1,))), d)
            return self._scalar_call("sum", a, f"np.sum({a.code})")
        if what in ("norm", "norm2"):
            a = self.expr((n, self.pick(SIZES + (1,))), d)
            vector = a.shape[1] == 1
            # a norm inside a norm needs the other delimiter (SPEC 7)
            spellings = [sp for sp in ("‖{}‖", "||{}||", "norm({})", "‖{}‖_2" if vector else "‖{}‖_F")
                         if sp.startswith("norm") or sp[:sp.index("{")] not in a.text]
            spelling = self.pick(tuple(spellings))
            text = spelling.format(a.text)
            code = f"np.linalg.norm({a.code})"
            if what == "norm2":
                return Ex(text + "^2", f"({code} ** 2)", (1, 1), True)
            return Ex(text, code, (1, 1), True)
        if what == "logsumexp":
            a = self.expr((n, 1), d)
            return self._scalar_call("logsumexp", a,
                                     f"(np.max({a.code}) + np.log(np.sum(np.exp({a.code} - np.max({a.code})))))")
        x, M, y = self.expr((n, 1), d), self.expr((n, n), d), self.expr((n, 1), d)
        return Ex(f"{x.op()}^T {M.op()} {y.op()}",
                  f"(np.transpose({x.code}) @ {M.code} @ {y.code})", (1, 1))

    def _scalar_call(self, name, a: Ex, code: str) -> Ex:
        return Ex(f"{name}({a.text})", f"np.reshape({code}, (1, 1))", (1, 1), True)

    def _transpose(self, shape, d):
        a = self.expr((shape[1], shape[0]), d)
        t = self.pick(("^T", "'", "^⊤", "ᵀ", "^{T}"))
        return Ex(f"{a.op()}{t}", f"np.transpose({a.code})", shape, True)

    def _neg(self, shape, d):
        a = self.expr(shape, d)
        return Ex(f"-{a.op()}", f"(-{a.code})", shape)

    def _func(self, shape, d):
        name = self.pick(FUNCS + ("log", "sqrt", "f"))
        if name in ("log", "sqrt"):
            return self._call(name, self.positive(shape, d))
        if name == "f":
            self.function = True
        return self._call(name, self.expr(shape, d))

    def _hadamard(self, shape, d):
        a, b = self.expr(shape, d), self.expr(shape, d)
        op = self.pick((".*", "∘", "⊙"))
        return Ex(f"{a.op()} {op} {b.op()}", f"({a.code} * {b.code})", shape)

    def _ediv(self, shape, d):
        a, b = self.expr(shape, d), self.positive(shape, d)
        return Ex(f"{a.op()} ./ {b.op()}", f"({a.code} / {b.code})", shape)

    def _div(self, shape, d):
        a, b = self.expr(shape, d), self.positive((1, 1), d)
        return Ex(f"{a.op()} / {b.op()}", f"({a.code} / {b.code})", shape)

    def _power_s(self, shape, d):
        a = self.expr(shape, d)
        k = self.pick(("2", "3", "{2}"))
        return Ex(f"{a.op()}^{k}", f"({a.code} ** {k.strip('{}')})", shape, True)

    def _power(self, shape, d):
        a = self.expr(shape, d)
        k = self.pick((2, 3))
        return Ex(f"{a.op()}^{k}", f"np.linalg.matrix_power({a.code}, {k})", shape, True)

    def _inverse(self, shape, d):
        a = self.spd(shape[0], d)
        how = self.pick(("^{-1}", "^-1", "inv", "^{-T}", "^{-2}"))
        if how == "inv":
            return Ex(f"inv({a.text})", f"np.linalg.inv({a.code})", shape, True)
        if how == "^{-T}":
            return Ex(f"{a.op()}^{{-T}}", f"np.transpose(np.linalg.inv({a.code}))", shape, True)
        if how == "^{-2}":
            return Ex(f"{a.op()}^{{-2}}", f"np.linalg.matrix_power(np.linalg.inv({a.code}), 2)",
                      shape, True)
        return Ex(f"{a.op()}{how}", f"np.linalg.inv({a.code})", shape, True)

    def _plus_identity(self, shape, d):
        a = self.expr(shape, d)
        if self.chance(0.5):
            return Ex(f"{a.text} + I", f"({a.code} + np.eye({shape[0]}))", shape)
        return Ex(f"I - {a.op()}", f"(np.eye({shape[0]}) - {a.code})", shape)

    def _diagm(self, shape, d):
        v = self.expr((shape[0], 1), d)
        return Ex(f"diag({v.text})", f"np.diagflat({v.code})", shape, True)

    def _diagv(self, shape, d):
        a = self.expr((shape[0], shape[0]), d)
        return Ex(f"diag({a.text})", f"np.reshape(np.diag({a.code}), (-1, 1))", shape, True)

    def _softmax(self, shape, d):
        a = self.expr(shape, d)
        return Ex(f"softmax({a.text})",
                  f"(np.exp({a.code} - np.max({a.code})) / np.sum(np.exp({a.code} - np.max({a.code}))))",
                  shape, True)

    def _epow(self, shape, d):
        k = self.pick(("2", "3", "(-1)", "(1/2)", "0.5", "(-0.5)"))
        a = self.expr(shape, d) if k in ("2", "3") else self.positive(shape, d)
        sep = self.pick((".^", " .^ "))
        return Ex(f"{a.op()}{sep}{k}", f"(({a.code}) ** {k})", shape, True)

    def _softmax_columns(self, shape, d):
        a = self.expr(shape, d)
        m = f"np.max({a.code}, axis=0, keepdims=True)"
        return Ex(f"softmax({a.text})",
                  f"(np.exp({a.code} - {m}) / np.sum(np.exp({a.code} - {m}), axis=0, keepdims=True))",
                  shape, True)

    def _row_sums(self, shape, d):
        a = self.expr((shape[0], self.pick(SIZES)), d)
        return Ex(f"{a.op()} 1", f"np.sum({a.code}, axis=1, keepdims=True)", shape)

    def _outer_ones(self, shape, d):
        v, a = self.expr((shape[0], 1), d), self.leaf(shape)      # a fixes the size of 1^T
        return Ex(f"{v.op()} 1^T ∘ {a.op()}", f"(({v.code} @ np.ones((1, {shape[1]}))) * {a.code})", shape)

    def _vec(self, shape, d):
        a = self.expr((2, 2), d)
        return Ex(f"vec({a.text})", f"np.reshape({a.code}, (-1, 1), order='F')", shape, True)

    def _kron(self, shape, d):
        (r1, c1), (r2, c2) = self.pick(_kron_splits(shape))
        a, b = self.expr((r1, c1), d), self.expr((r2, c2), d)
        self.kron = True
        if self.chance(0.5):
            return Ex(f"kron({a.text}, {b.text})", f"np.kron({a.code}, {b.code})", shape, True)
        return Ex(f"{a.op()} ⊗ {b.op()}", f"np.kron({a.code}, {b.code})", shape)


def _kron_splits(shape) -> list:
    """Factor shapes (r1, c1), (r2, c2) with r1 r2 = r and c1 c2 = c, neither a scalar."""
    r, c = shape
    out = []
    for r1 in (1, 2):
        for c1 in (1, 2):
            if r % r1 or c % c1:
                continue
            a, b = (r1, c1), (r // r1, c // c1)
            if (1, 1) not in (a, b) and all(x in (1,) + SIZES for x in a + b):
                out.append((a, b))
    return out


@st.composite
def problems(draw, max_depth: int = 6) -> Case:
    b = Builder(draw, max_depth)
    kind = draw(st.sampled_from(("scalar", "scalar", "scalar", "vector", "matrix")))
    n, m = draw(st.sampled_from(SIZES)), draw(st.sampled_from(SIZES))
    shape = {"scalar": (1, 1), "vector": (n, 1), "matrix": (n, m)}[kind]
    depth = draw(st.integers(1, max_depth))
    e = b.expr(shape, depth)
    used = sorted(b.used)
    wrt = draw(st.sampled_from(used)) if used else "x"
    if not used:
        b.syms["x"] = Sym("x", (2, 1))
    var = b.syms[wrt]
    small = var.shape == () or (var.shape[0] * (var.shape[1] if len(var.shape) > 1 else 1)) <= 6
    order = 2 if shape == (1, 1) and small and draw(st.integers(0, 9)) < 2 else 1
    decls = []
    for s in sorted(b.syms.values(), key=lambda s: s.name):
        if s.prop == "row":
            decls.append(f"{s.name}: row vector")
        elif s.prop:
            decls.append(f"{s.name}: {s.prop}")
    if b.function:
        decls.append("f: scalar function")
    where = (" where " + "; ".join(decls)) if decls else ""
    head = "d^2" if order == 2 else "d"
    tail = f"/ d{wrt}^2" if order == 2 else f"/ d{wrt}"
    if draw(st.integers(0, 4)) == 0:
        prefix = f"d^2/d{wrt}^2" if order == 2 else f"d/d{wrt}"
        problem = f"{prefix} {e.text}{where}"
    else:
        problem = f"{head} {e.text} {tail}{where}"
    shapes = {s.name: s.shape for s in b.syms.values()}
    props = {s.name: s.prop for s in b.syms.values() if s.prop and s.prop != "row"}
    return Case(problem, shapes, props, wrt, order, e.code, b.kron, set(b.used))
