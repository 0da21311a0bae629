"""A generator of well-typed mdx problems, each with its own NumPy value (no mdx involved).

It writes what users type (SPEC 1-3, 8, 9): declarations (`where x: vector n; A:
symmetric; u, v: vector; r: row vector; f: scalar function; g(t) = ...`), user-defined
function bodies (built-in scalar functions, numbers in every notation, nesting),
practitioners' spellings (`1e-4`, `λ1`, `lambda_2`, `Sigma`, `Θ`, `eps`, `w^T x + b`,
`(y - w^T x)^2`, `c ‖x‖^2`, `x - mu`, `softmax(Z, dim=1)`, `W X + b`, `Z + r`), calls
without parentheses (`tr X^T A`, `log det S`), every operator spelling (`.*`, `∘`, `⊙`, `@`,
`'`, `^⊤`, `^{-1}`, `.^(1/2)`), norms in all spellings, and the problem forms (`d/dx`, `∂`,
`d^2`).  Choices come from a `Source` (atheris' FuzzedDataProvider, or a random.Random for
a hypothesis-free run), so that a fuzzer's mutations explore them.

Each node carries `fn(get)`: its value, with `get(name)` the value of a symbol.  Types:
S scalar, V vector (n), M square matrix (n x n), B batch matrix (n x m), R row (1 x m).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

SUM, PROD, UNARY, POSTFIX, ATOM = range(5)


@dataclass
class N:
    text: str
    prec: int
    fn: Callable
    t: str                      # S V M B R
    pos: bool = False           # every entry positive (log, sqrt, ./ may take it)
    call0: bool = False         # a call without parentheses (`tr X`)
    names: frozenset = frozenset()

    def __post_init__(self):
        """Every value is checked against the node's type: a generator bug is never
        reported as mdx's."""
        fn, t, text = self.fn, self.t, self.text

        def checked(get):
            v = fn(get)
            shape = np.shape(v)
            ok = {"S": lambda: np.size(v) == 1,
                  "V": lambda: len(shape) == 2 and shape[1] == 1,
                  "M": lambda: len(shape) == 2,       # square only where the problem says so
                  "B": lambda: len(shape) == 2,
                  "R": lambda: len(shape) == 2 and shape[0] == 1}.get(t, lambda: True)()
            if not ok:
                raise GeneratorBug(f"{text!r} is typed {t} but has shape {shape}")
            return v
        if t in ("S", "V", "M", "B", "R") and not getattr(fn, "_checked", False):
            checked._checked = True
            self.fn = checked


class GeneratorBug(Exception):
    """The generator's own value is not of the type it meant (not a finding)."""


class Source:
    """Choices: from atheris' FuzzedDataProvider or from random.Random."""

    def __init__(self, fdp=None, rnd=None):
        self.fdp, self.rnd = fdp, rnd
        self.used = 0

    def int(self, n: int) -> int:
        """0 .. n-1"""
        self.used += 1
        if n <= 1:
            return 0
        if self.fdp is not None:
            return self.fdp.ConsumeIntInRange(0, n - 1)
        return self.rnd.randrange(n)

    def pick(self, seq):
        return seq[self.int(len(seq))]

    def chance(self, p: float) -> bool:
        return self.int(1000) < p * 1000


# ------------------------------------------------------------------ NumPy semantics
def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def softmax(z, axis=0):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def logsumexp(z, axis=0):
    m = np.max(z, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))


def stand_in(t):
    """The abstract function's value in mdx's checks (mdx.checking.numeric.stand_in), rewritten."""
    return np.sin(t) + t ** 3 / 4


ELEMENTWISE = {
    "exp": np.exp, "sin": np.sin, "cos": np.cos, "tanh": np.tanh, "sigmoid": sigmoid,
    "σ": sigmoid, "relu": lambda a: np.maximum(a, 0), "softplus": lambda a: np.logaddexp(0, a),
    "abs": np.abs, "arctan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "expm1": np.expm1,
}
POSITIVE_ONLY = {"log": np.log, "sqrt": np.sqrt, "log1p": np.log1p}
POSITIVE_RESULT = {"exp", "sigmoid", "σ", "softplus", "cosh"}

NUMBERS = [("2", 2.0), ("3", 3.0), ("0.5", 0.5), ("1e-4", 1e-4), ("2.5E-3", 2.5e-3),
           ("1e+2", 100.0), ("1.5", 1.5), ("10", 10.0), ("1e-1", 0.1), ("0.25", 0.25),
           ("3E0", 3.0), ("7e-01", 0.7)]

# name pools per type; a name takes the type of its first use in a problem
POOL = {
    "S": ["alpha", "beta", "λ", "λ1", "λ_2", "lambda_1", "lambda2", "θ", "theta", "eta",
          "eps", "ε", "mu", "sigma", "gamma", "tau", "alpha2", "μ", "η", "rho", "s", "k"],
    "V": ["x", "a", "u", "v", "w", "z", "b1", "y_i", "w_2", "q", "h", "n", "m", "e", "t", "p"],
    "M": ["A", "B", "C", "S", "D", "Q", "W", "W_1", "Sigma", "Σ", "Θ", "Theta", "Λ", "Lambda",
          "Phi", "Ψ", "Omega", "K", "P", "A2"],
    "B": ["X", "Y", "Z", "H", "X_1", "U"],
    "R": ["r", "r_1", "o"],
}
NEEDS_DECL = {"s", "k", "r", "r_1", "o"}        # a latin letter read as a scalar, rows
SCALAR_READ = ["b", "c", "y", "d_k"]           # SPEC 9: read as scalars in these templates
USER_NAMES = ["g", "h2", "act", "phi", "sq", "soft", "gfun", "ψ"]
PARAMS = ["t", "s", "u", "z", "x", "τ"]


@dataclass
class Problem:
    text: str
    value: Callable             # get -> the function's value
    wrt: str
    order: int
    names: dict                 # symbol -> type
    props: dict = field(default_factory=dict)


class Gen:
    def __init__(self, src: Source, budget: int = 14):
        self.src = src
        self.budget = budget          # nodes left
        self.types: dict = {}         # name -> type
        self.props: dict = {}         # name -> property
        self.decls: list = []         # declaration texts
        self.declared: set = set()
        self.funcs: dict = {}         # user function name -> (param, body text, body fn)
        self.abstract: set = set()
        nw = src.pick(["n", "n", "d", "3", "N", "p"])
        mw = src.pick(["m", "m", "k", "4", "T", "b"])
        self.sizes = (nw, mw)
        self.size_declared = False

    # ------------------------------------------------------------- names
    def name(self, t: str) -> str | None:
        pool = [n for n in POOL[t] if self.types.get(n, t) == t and n not in self.sizes
                and n not in self.funcs and n not in self.abstract]
        if not pool:
            return None
        used = [n for n in pool if n in self.types]
        if used and self.src.chance(0.45):
            return self.src.pick(used)
        n = self.src.pick(pool)
        if n not in self.types:
            self._declare_new(n, t)
        return n

    def _declare_new(self, n: str, t: str) -> None:
        self.types[n] = t
        nw, mw = self.sizes
        if t == "M":
            if n in ("S", "Sigma", "Σ") and self.src.chance(0.7):
                self._decl(n, "spd")
            elif n == "D" and self.src.chance(0.7):
                self._decl(n, "diagonal")
            elif n == "Q" and self.src.chance(0.7):
                self._decl(n, "orthogonal")
            elif self.src.chance(0.2):
                self._decl(n, self.src.pick(["symmetric", "invertible", "square", f"matrix {nw} x {nw}",
                                             f"matrix {nw}×{nw}", "spd", "symmetric"]))
        elif t == "B" and (self.src.chance(0.35) or mw.isdigit() and nw.isdigit()):
            self._decl(n, f"matrix {nw} x {mw}")
            self.size_declared = True
        elif t == "V" and (n in self.sizes or self.src.chance(0.15)):
            self._decl(n, self.src.pick(["vector", f"vector {nw}"]))
            self.size_declared = True
        elif t == "S" and (n in NEEDS_DECL or self.src.chance(0.1)):
            self._decl(n, "scalar")
        elif t == "R":
            self._decl(n, "row vector")

    def _decl(self, n: str, what: str) -> None:
        if n in self.declared:
            return
        self.declared.add(n)
        if what in ("spd", "symmetric", "diagonal", "orthogonal", "invertible"):
            self.props[n] = what
        if what.startswith("vector ") or what.startswith("matrix "):
            self.size_declared = True
        self.decls.append(f"{n}: {what}")

    def sym(self, t: str) -> N | None:
        n = self.name(t)
        if n is None:
            return None
        pos = False
        return N(n, ATOM, lambda get, n=n: get(n), t, pos, names=frozenset([n]))

    # ------------------------------------------------------------- helpers
    def spend(self) -> bool:
        self.budget -= 1
        return self.budget > 0

    @staticmethod
    def wrap(node: N, prec: int) -> str:
        return node.text if node.prec >= prec else f"({node.text})"

    def atomic(self, node: N) -> N:
        if node.prec >= POSTFIX:
            return node
        return N(f"({node.text})", ATOM, node.fn, node.t, node.pos, names=node.names)

    @staticmethod
    def norm(inner: str, forms) -> str:
        """inner inside the first delimiter of `forms` it does not already use."""
        for f in forms:
            if not (("‖" in inner and "‖" in f) or ("||" in inner and "||" in f)):
                return f.format(inner)
        return forms[-1].format(inner)

    def number(self) -> N:
        text, v = self.src.pick(NUMBERS)
        return N(text, ATOM, lambda get, v=v: v, "S", v > 0)

    def positive(self, node: N) -> N:
        """node itself when positive, else a positive function of it."""
        if node.pos and self.src.chance(0.95):
            return node
        k = self.src.int(4)
        a = node
        if k == 0:
            return N(f"exp({a.text})", ATOM, lambda get: np.exp(a.fn(get)), a.t, True, names=a.names)
        if k == 1:
            return N(f"softplus({a.text})", ATOM, lambda get: np.logaddexp(0, a.fn(get)), a.t, True,
                     names=a.names)
        if k == 2:
            sq = f"{self.wrap(a, POSTFIX)}.^2" if a.t != "S" else f"{self.wrap(a, POSTFIX)}^2"
            return N(f"1 + {sq}", SUM, lambda get: 1 + a.fn(get) ** 2, a.t, True, names=a.names)
        return N(f"sigmoid({a.text})", ATOM, lambda get: sigmoid(a.fn(get)), a.t, True, names=a.names)

    # ------------------------------------------------------------- by type
    def gen(self, t: str, depth: int = 0) -> N:
        if depth > 5 or not self.spend():
            return self.leaf(t)
        maker = {"S": self.scalar, "V": self.vector, "M": self.matrix, "B": self.batch,
                 "R": self.row}[t]
        node = maker(depth + 1)
        return node if node is not None else self.leaf(t)

    def leaf(self, t: str) -> N:
        if t == "S" and self.src.chance(0.3):
            return self.number()
        node = self.sym(t)
        if node is None:
            if t == "S":
                return self.number()
            raise RuntimeError("no name left")
        return node

    def common(self, t: str, d: int) -> N | None:
        """Forms of every type: sums, scalings, Hadamard, elementwise functions, users'."""
        k = self.src.int(12)
        if k == 0:
            a, b = self.gen(t, d), self.gen(t, d)
            op = self.src.pick([" + ", " - "])
            sign = 1 if op == " + " else -1
            return N(f"{a.text}{op}{self.wrap(b, PROD)}", SUM,
                     lambda get: a.fn(get) + sign * b.fn(get), t, names=a.names | b.names)
        if k == 1:
            s, a = self.gen("S", d), self.gen(t, d)
            op = self.src.pick([" ", " ", " * "]) if t != "S" else self.src.pick([" ", " * "])
            lhs = self.wrap(s, PROD)
            if a.text[:1].isdigit() or a.text.startswith("."):
                op = " * "
            return N(f"{lhs}{op}{self.wrap(a, POSTFIX)}", PROD,
                     lambda get: s.fn(get) * a.fn(get), t, names=s.names | a.names)
        if k == 2 and t != "S":
            a, b = self.gen(t, d), self.gen(t, d)
            op = self.src.pick([" .* ", " ∘ ", " ⊙ "])
            return N(f"{self.wrap(a, PROD)}{op}{self.wrap(b, UNARY + 1)}", PROD,
                     lambda get: a.fn(get) * b.fn(get), t, a.pos and b.pos, names=a.names | b.names)
        if k == 3:
            f = self.src.pick(list(ELEMENTWISE) + list(POSITIVE_ONLY))
            a = self.gen(t, d)
            if f in POSITIVE_ONLY:
                a = self.positive(a)
                fn = POSITIVE_ONLY[f]
            else:
                fn = ELEMENTWISE[f]
            if a.prec >= POSTFIX and self.src.chance(0.2) and f != "σ" and not a.text.startswith("("):
                return N(f"{f} {a.text}", UNARY, lambda get: fn(a.fn(get)), t,
                         f in POSITIVE_RESULT, call0=True, names=a.names)
            return N(f"{f}({a.text})", ATOM, lambda get: fn(a.fn(get)), t, f in POSITIVE_RESULT,
                     names=a.names)
        if k == 4:
            return self.user_call(t, d)
        if k == 5 and t != "S":
            a = self.gen(t, d)
            b = self.positive(self.gen(t, d))
            return N(f"{self.wrap(a, PROD)} ./ {self.wrap(b, UNARY + 1)}", PROD,
                     lambda get: a.fn(get) / b.fn(get), t, names=a.names | b.names)
        if k == 6:
            a = self.gen(t, d)
            s = self.positive(self.gen("S", d)) if self.src.chance(0.7) else self.number()
            return N(f"{self.wrap(a, PROD)} / {self.wrap(s, UNARY + 1)}", PROD,
                     lambda get: a.fn(get) / s.fn(get), t, names=a.names | s.names)
        if k == 7:
            a = self.gen(t, d)
            p = self.src.pick(["2", "3", "0.5", "(1/2)", "(-1)", "(2)", "1.5"])
            if p in ("0.5", "(1/2)", "(-1)", "1.5"):
                a = self.positive(a)
            v = {"2": 2, "3": 3, "0.5": 0.5, "(1/2)": 0.5, "(-1)": -1, "(2)": 2, "1.5": 1.5}[p]
            if a.text.split("(")[0] in self.funcs or a.text.split("(")[0] in self.abstract:
                a = self.atomic(N(f"({a.text})", ATOM, a.fn, a.t, a.pos, names=a.names))
                # (g(x).^2 is read as g(x.^2): tests/test_fuzz_regressions.py)
            op = self.src.pick([".^", " .^ "]) if t != "S" else self.src.pick(["^", ".^"])
            if t == "S" and p in ("0.5", "(1/2)", "1.5", "(-1)") and op == "^":
                op = ".^"
            return N(f"{self.wrap(a, POSTFIX)}{op}{p}", POSTFIX,
                     lambda get: a.fn(get) ** v, t, a.pos or v == 2, names=a.names)
        if k == 8:
            a = self.gen(t, d)
            return N(f"-{self.wrap(a, POSTFIX)}", UNARY, lambda get: -a.fn(get), t, names=a.names)
        if k == 9 and t != "S":
            # a scalar broadcast over every entry (SPEC 7): 1 - y, x + alpha
            a, s = self.gen(t, d), self.gen("S", d)
            if self.src.chance(0.5):
                return N(f"{self.wrap(s, PROD)} - {self.wrap(a, PROD)}", SUM,
                         lambda get: s.fn(get) - a.fn(get), t, names=a.names | s.names)
            return N(f"{a.text} + {self.wrap(s, PROD)}", SUM,
                     lambda get: a.fn(get) + s.fn(get), t, names=a.names | s.names)
        if k == 10 and self.src.chance(0.5):
            return self.abstract_call(t, d)
        return None

    def user_call(self, t: str, d: int) -> N:
        name, (param, body, fn) = self.user_function()
        a = self.gen(t, d)
        return N(f"{name}({a.text})", ATOM, lambda get: fn(a.fn(get)), t, names=a.names)

    def abstract_call(self, t: str, d: int) -> N:
        if self.abstract and self.src.chance(0.6):
            name = self.src.pick(sorted(self.abstract))
        else:
            name = self.src.pick(["f", "phi", "ψ", "fun"])
            if name in self.funcs or name in self.types:
                name = "f"
                if name in self.funcs or name in self.types:
                    return self.gen(t, d)
            if name not in self.abstract:
                self.abstract.add(name)
                self.decls.append(f"{name}: scalar function")
        a = self.gen(t, d)
        return N(f"{name}({a.text})", ATOM, lambda get: stand_in(a.fn(get)), t, names=a.names)

    def user_function(self):
        if self.funcs and self.src.chance(0.5):
            name = self.src.pick(sorted(self.funcs))
            return name, self.funcs[name]
        name = self.src.pick(USER_NAMES)
        if name in self.funcs or name in self.abstract or name in self.types:
            name = name + "f" if name + "f" not in self.funcs else name
            if name in self.funcs:
                return name, self.funcs[name]
        param = self.src.pick(PARAMS)
        body = self.body(param, 0)
        self.funcs[name] = (param, body.text, body.fn)
        return name, self.funcs[name]

    def body(self, p: str, d: int) -> N:
        """A scalar expression in the parameter p; fn takes the parameter's value."""
        k = self.src.int(12) if d < 4 else self.src.int(2)
        if k == 0:
            return N(p, ATOM, lambda t: t, "s")
        if k == 1:
            text, v = self.src.pick(NUMBERS)
            return N(text, ATOM, lambda t, v=v: v + 0 * t, "s", v > 0)
        if k in (2, 3):
            a, b = self.body(p, d + 1), self.body(p, d + 1)
            op = self.src.pick([" + ", " - ", " ", " * "])
            if op == " " and (b.text[:1].isdigit() or b.prec < POSTFIX):
                op = " * "
            if op in (" + ", " - "):
                sign = 1 if op == " + " else -1
                return N(f"{a.text}{op}{self.wrap(b, PROD)}", SUM,
                         lambda t: a.fn(t) + sign * b.fn(t), "s")
            return N(f"{self.wrap(a, PROD)}{op}{self.wrap(b, POSTFIX)}", PROD,
                     lambda t: a.fn(t) * b.fn(t), "s")
        if k in (4, 5, 6):
            f = self.src.pick(list(ELEMENTWISE) + list(POSITIVE_ONLY) * 2)
            a = self.body(p, d + 1)
            if f in POSITIVE_ONLY:
                if not a.pos:
                    sq = f"{self.wrap(a, POSTFIX)}^2"
                    a0 = a
                    a = N(f"1 + {sq}", SUM, lambda t: 1 + a0.fn(t) ** 2, "s", True)
                fn = POSITIVE_ONLY[f]
            else:
                fn = ELEMENTWISE[f]
            return N(f"{f}({a.text})", ATOM, lambda t: fn(a.fn(t)), "s", f in POSITIVE_RESULT)
        if k == 7:
            a = self.body(p, d + 1)
            e = self.src.pick(["2", "3", "{2}", "4"])
            v = int(e.strip("{}"))
            return N(f"{self.wrap(a, POSTFIX)}^{e}", POSTFIX, lambda t: a.fn(t) ** v, "s", v % 2 == 0)
        if k == 8:
            a, b = self.body(p, d + 1), self.body(p, d + 1)
            den = b if b.pos else N(f"1 + {self.wrap(b, POSTFIX)}^2", SUM,
                                    lambda t, b=b: 1 + b.fn(t) ** 2, "s", True)
            return N(f"{self.wrap(a, PROD)} / {self.wrap(den, POSTFIX)}", PROD,
                     lambda t: a.fn(t) / den.fn(t), "s")
        if k == 9:
            a = self.body(p, d + 1)
            return N(f"-{self.wrap(a, POSTFIX)}", UNARY, lambda t: -a.fn(t), "s")
        if k == 10:
            a = self.body(p, d + 1)
            return N(f"({a.text})", ATOM, a.fn, "s", a.pos)
        return N(p, ATOM, lambda t: t, "s")

    # ------------------------------------------------------------- scalars
    def scalar(self, d: int) -> N | None:
        k = self.src.int(16)
        if k < 4:
            node = self.common("S", d)
            if node is not None:
                return node
        k = self.src.int(22)
        if k == 0:
            a, b = self.gen("V", d), self.gen("V", d)
            tr = self.src.pick(["^T", "'", "^⊤", "^T"])
            return N(f"{self.wrap(a, POSTFIX)}{tr} {self.wrap(b, POSTFIX)}", PROD,
                     lambda get: (a.fn(get).T @ b.fn(get)), "S", names=a.names | b.names)
        if k == 1:
            a, m, b = self.gen("V", d), self.gen("M", d), self.gen("V", d)
            return N(f"{self.wrap(a, POSTFIX)}^T {self.wrap(m, POSTFIX)} {self.wrap(b, POSTFIX)}", PROD,
                     lambda get: a.fn(get).T @ m.fn(get) @ b.fn(get), "S",
                     names=a.names | m.names | b.names)
        if k == 2:
            a = self.gen(self.src.pick(["V", "M", "B"]), d)
            f = self.src.pick(["sum", "mean", "sum"])
            fn = np.sum if f == "sum" else np.mean
            return N(f"{f}({a.text})", ATOM, lambda get: fn(a.fn(get)), "S", names=a.names)
        if k == 3:
            a = self.gen(self.src.pick(["V", "V", "M", "B"]), d)
            form = self.src.int(9)
            inner = a.text
            if a.t == "V":
                txt = ["‖{}‖", "||{}||", "norm({})", "‖{}‖_2", "||{}||_2"][form % 5]
            else:
                txt = ["‖{}‖_F", "||{}||_F", "norm({})", "‖{}‖", "||{}||_F"][form % 5]
            square = self.src.chance(0.6)
            if "‖" in inner and txt.startswith("‖") or "||" in inner and txt.startswith("||"):
                txt = "norm({})"
            text = txt.format(inner) + ("^2" if square else "")
            if square:
                return N(text, POSTFIX, lambda get: np.sum(a.fn(get) ** 2), "S", names=a.names)
            return N(text, ATOM, lambda get: np.sqrt(np.sum(a.fn(get) ** 2)), "S", names=a.names)
        if k == 4:
            a = self.gen(self.src.pick(["V", "M"]), d)
            txt = self.src.pick(["‖{}‖_1", "norm1({})", "||{}||_1"])
            if ("‖" in a.text and "‖" in txt) or ("||" in a.text and "||" in txt):
                txt = "norm1({})"
            return N(txt.format(a.text), ATOM, lambda get: np.sum(np.abs(a.fn(get))), "S", names=a.names)
        if k == 5:
            a = self.gen("V", d)
            return N(f"logsumexp({a.text})", ATOM, lambda get: logsumexp(a.fn(get)), "S", names=a.names)
        if k == 6:
            a = self.gen("M", d)
            if self.src.chance(0.2) and a.prec >= POSTFIX and not a.text.startswith("("):
                return N(f"tr {a.text}", UNARY, lambda get: np.trace(a.fn(get)), "S", call0=True,
                         names=a.names)
            return N(f"tr({a.text})", ATOM, lambda get: np.trace(a.fn(get)), "S", names=a.names)
        if k == 7:
            a = self.gen("M", d)
            return N(f"det({a.text})", ATOM, lambda get: np.linalg.det(a.fn(get)), "S", names=a.names)
        if k == 8:
            # log det of an spd matrix (Sigma, S, Σ declared spd), or of anything (then slogdet)
            a = self.sym("M")
            if a is None:
                return None
            if a.text in self.props and self.props[a.text] == "spd" or self.src.chance(0.3):
                form = self.src.pick(["logdet({})", "log det({})", "log(det({}))", "log det {}",
                                      "logdet {}"])
                prec = UNARY if form.endswith(" {}") else ATOM
                return N(form.format(a.text), prec,
                         lambda get: np.log(np.linalg.det(a.fn(get))), "S", call0=prec == UNARY,
                         names=a.names)
            return None
        if k == 9:
            # SPEC 9: w^T x + b with b a scalar (a note says so)
            w, x = self.gen("V", d), self.gen("V", d)
            b = self.scalar_read()
            if b is None:
                return None
            return N(f"{self.wrap(w, POSTFIX)}^T {self.wrap(x, POSTFIX)} + {b}", SUM,
                     lambda get: w.fn(get).T @ x.fn(get) + get(b), "S", names=w.names | x.names | {b})
        if k == 10:
            # (y - w^T x)^2
            w, x = self.gen("V", d), self.gen("V", d)
            y = self.scalar_read()
            if y is None:
                return None
            return N(f"({y} - {self.wrap(w, POSTFIX)}^T {self.wrap(x, POSTFIX)})^2", POSTFIX,
                     lambda get: (get(y) - w.fn(get).T @ x.fn(get)) ** 2, "S",
                     names=w.names | x.names | {y})
        if k == 11:
            # c ‖x‖^2
            c = self.scalar_read()
            x = self.gen("V", d)
            if c is None:
                return None
            return N(f"{c} " + self.norm(x.text, ["‖{}‖^2", "||{}||^2", "norm({})^2"]), PROD,
                     lambda get: get(c) * np.sum(x.fn(get) ** 2), "S", names=x.names | {c})
        if k == 12:
            # one-sample logistic loss
            w, x = self.gen("V", d), self.gen("V", d)
            y, b = self.scalar_read(), self.scalar_read()
            if y is None or b is None or y == b:
                return None
            z = f"{self.wrap(w, POSTFIX)}^T {self.wrap(x, POSTFIX)} + {b}"
            sg = self.src.pick(["σ", "sigmoid"])

            def val(get):
                s = sigmoid(w.fn(get).T @ x.fn(get) + get(b))
                return -(get(y) * np.log(s) + (1 - get(y)) * np.log(1 - s))
            return N(f"-({y} log({sg}({z})) + (1 - {y}) log(1 - {sg}({z})))", UNARY, val, "S",
                     names=w.names | x.names | {y, b})
        if k == 13:
            # λ1 ‖w‖_1 + λ2 ‖w‖^2
            w = self.gen("V", d)
            l1, l2 = self.name("S"), self.name("S")
            one = self.norm(w.text, ["‖{}‖_1", "||{}||_1", "norm1({})"])
            two = self.norm(w.text, ["‖{}‖^2", "||{}||_2^2", "norm({})^2"])
            return N(f"{l1} {one} + {l2} {two}", SUM,
                     lambda get: get(l1) * np.sum(np.abs(w.fn(get))) + get(l2) * np.sum(w.fn(get) ** 2),
                     "S", names=w.names | {l1, l2})
        if k == 14:
            # sqrt(x^T x + eps)
            x = self.gen("V", d)
            e = self.src.pick(["eps", "ε", "1e-4", "1e-8"])
            if e in ("eps", "ε"):
                if self.types.get(e, "S") != "S":
                    return None
                self.types[e] = "S"
                ev = lambda get: abs(get(e))          # noqa: E731 (drawn in -1.5..1.5)
                etext = f"{e}^2"
                val = lambda get: np.sqrt(x.fn(get).T @ x.fn(get) + get(e) ** 2)   # noqa: E731
            else:
                etext = e
                ev = float(e)
                val = lambda get: np.sqrt(x.fn(get).T @ x.fn(get) + ev)   # noqa: E731
            xt = self.wrap(x, POSTFIX)
            return N(f"sqrt({xt}^T {xt} + {etext})", ATOM, val, "S",
                     names=x.names | ({e} if e in ("eps", "ε") else set()))
        if k == 15:
            # batch softmax cross-entropy, per column; dim=0 spelled sometimes
            W, X, Y = self.gen("M", d), self.gen("B", d), self.gen("B", d)
            dim = self.src.pick(["", "", ", dim=0", ", axis=0"])
            return N(f"-sum({self.wrap(Y, PROD)} .* log(softmax({self.wrap(W, POSTFIX)} "
                     f"{self.wrap(X, POSTFIX)}{dim})))", UNARY,
                     lambda get: -np.sum(Y.fn(get) * np.log(softmax(W.fn(get) @ X.fn(get)))), "S",
                     names=W.names | X.names | Y.names)
        if k == 16:
            a = self.gen("B", d)
            f = self.src.pick(["sum(logsumexp({}))", "logsumexp({}) 1", "1^T logsumexp({}, dim=1)"])
            if f.endswith(" 1"):
                return N(f.format(a.text), PROD, lambda get: np.sum(logsumexp(a.fn(get))), "S",
                         names=a.names)
            if "dim=1" in f:
                return N(f.format(a.text), PROD, lambda get: np.sum(logsumexp(a.fn(get), 1)), "S",
                         names=a.names)
            return N(f.format(a.text), ATOM, lambda get: np.sum(logsumexp(a.fn(get))), "S", names=a.names)
        if k == 17:
            a = self.gen("B", d)
            return N(f"1^T {self.wrap(a, POSTFIX)} 1", PROD, lambda get: np.sum(a.fn(get)), "S",
                     names=a.names)
        if k == 18:
            a, b = self.gen("M", d), self.gen("M", d)
            op = self.src.pick([" ⊗ ", "kron"])
            inner = f"kron({a.text}, {b.text})" if op == "kron" else \
                f"{self.wrap(a, PROD)} ⊗ {self.wrap(b, POSTFIX)}"
            if self.src.chance(0.5):
                return N(f"tr({inner})", ATOM, lambda get: np.trace(np.kron(a.fn(get), b.fn(get))), "S",
                         names=a.names | b.names)
            return N(f"sum({inner})", ATOM, lambda get: np.sum(np.kron(a.fn(get), b.fn(get))), "S",
                     names=a.names | b.names)
        if k == 19:
            a = self.gen("M", d)
            return N(f"vec({a.text})^T vec({a.text})", PROD,
                     lambda get: np.sum(a.fn(get) ** 2), "S", names=a.names)
        if k == 20:
            a = self.gen("S", d)
            p = self.src.pick(["2", "3", "{2}"])
            return N(f"{self.wrap(a, POSTFIX)}^{p}", POSTFIX, lambda get: a.fn(get) ** int(p.strip("{}")),
                     "S", names=a.names)
        x = self.gen("V", d)
        return N(f"1^T {self.wrap(x, POSTFIX)}", PROD, lambda get: np.sum(x.fn(get)), "S", names=x.names)

    def scalar_read(self) -> str | None:
        """A latin name read as a scalar by SPEC 9 (b, c, y, d_k), or a declared scalar."""
        pool = [n for n in SCALAR_READ if self.types.get(n, "S") == "S" and n not in self.sizes]
        if not pool:
            return None
        n = self.src.pick(pool)
        self.types[n] = "S"
        if self.src.chance(0.15):
            self._decl(n, "scalar")
        return n

    # ------------------------------------------------------------- vectors
    def vector(self, d: int) -> N | None:
        if self.src.chance(0.35):
            node = self.common("V", d)
            if node is not None:
                return node
        k = self.src.int(13)
        if k == 0:
            m, x = self.gen("M", d), self.gen("V", d)
            op = self.src.pick([" ", " ", " @ ", " * "])
            lhs = self.wrap(m, PROD)
            rhs = self.wrap(x, POSTFIX)
            if op == " " and rhs.startswith("(") and len(m.text) == 1 and self.src.chance(0.5):
                op = ""             # A(x - y) stays a product (SPEC 9)
            return N(f"{lhs}{op}{rhs}", PROD, lambda get: m.fn(get) @ x.fn(get), "V",
                     names=m.names | x.names)
        if k == 1:
            m, x = self.gen("M", d), self.gen("V", d)
            return N(f"{self.wrap(m, POSTFIX)}^T {self.wrap(x, POSTFIX)}", PROD,
                     lambda get: m.fn(get).T @ x.fn(get), "V", names=m.names | x.names)
        if k == 2:
            z = self.gen("V", d)
            return N(f"softmax({z.text})", ATOM, lambda get: softmax(z.fn(get)), "V", True, names=z.names)
        if k == 3:
            m = self.gen("M", d)
            return N(f"diag({m.text})", ATOM, lambda get: np.diag(m.fn(get)).reshape(-1, 1), "V",
                     names=m.names)
        if k == 4:
            x = self.gen("V", d)
            xt = x.text if x.prec >= PROD else f"({x.text})"
            return N(f"({xt} - mean({x.text}) 1)", ATOM,
                     lambda get: x.fn(get) - np.mean(x.fn(get)), "V", names=x.names)
        if k == 5:
            # SPEC 9: x - mu, a Greek scalar broadcast
            x = self.gen("V", d)
            mu = self.src.pick(["mu", "μ", "alpha", "θ"])
            if self.types.get(mu, "S") != "S":
                return None
            self.types[mu] = "S"
            return N(f"{x.text} - {mu}", SUM, lambda get: x.fn(get) - get(mu), "V", names=x.names | {mu})
        if k == 6:
            m = self.gen("M", d)
            x = self.gen("V", d)
            form = self.src.pick(["^{-1}", "^-1", "inv", "^{-T}"])
            if form == "inv":
                return N(f"inv({m.text}) {self.wrap(x, POSTFIX)}", PROD,
                         lambda get: np.linalg.solve(m.fn(get), x.fn(get)), "V", names=m.names | x.names)
            if form == "^{-T}":
                return N(f"{self.wrap(m, POSTFIX)}^{{-T}} {self.wrap(x, POSTFIX)}", PROD,
                         lambda get: np.linalg.solve(m.fn(get).T, x.fn(get)), "V", names=m.names | x.names)
            return N(f"{self.wrap(m, POSTFIX)}{form} {self.wrap(x, POSTFIX)}", PROD,
                     lambda get: np.linalg.solve(m.fn(get), x.fn(get)), "V", names=m.names | x.names)
        if k == 7:
            x, y = self.gen("V", d), self.gen("V", d)
            v = self.gen("V", d)
            # (x^T y) v: a 1x1 product scales what follows
            return N(f"{self.wrap(x, POSTFIX)}^T {self.wrap(y, POSTFIX)} {self.wrap(v, POSTFIX)}", PROD,
                     lambda get: (x.fn(get).T @ y.fn(get)) * v.fn(get), "V",
                     names=x.names | y.names | v.names)
        if k == 8:
            x = self.gen("B", d)
            form = self.src.pick(["{} 1", "sum({}, dim=1)", "mean({}, dim=1)", "logsumexp({}, dim=1)",
                                  "sum({}, axis=1)"])
            fns = {"{} 1": lambda a: np.sum(a, axis=1, keepdims=True),
                   "sum({}, dim=1)": lambda a: np.sum(a, axis=1, keepdims=True),
                   "sum({}, axis=1)": lambda a: np.sum(a, axis=1, keepdims=True),
                   "mean({}, dim=1)": lambda a: np.mean(a, axis=1, keepdims=True),
                   "logsumexp({}, dim=1)": lambda a: logsumexp(a, 1)}
            fn = fns[form]
            inner = self.wrap(x, POSTFIX) if form == "{} 1" else x.text
            return N(form.format(inner), PROD if form == "{} 1" else ATOM,
                     lambda get: fn(x.fn(get)), "V", names=x.names)
        if k == 9:
            x = self.gen("V", d)
            return N(f"vec({x.text})", ATOM, x.fn, "V", x.pos, names=x.names)
        if k == 10:
            x = self.gen("V", d)
            y = self.gen("V", d)
            return N(f"diag({x.text}) {self.wrap(y, POSTFIX)}", PROD,
                     lambda get: x.fn(get) * y.fn(get), "V", names=x.names | y.names)
        if k == 11 and self.size_declared and not self.sizes[0].isdigit():
            nw = self.sizes[0]
            x = self.gen("V", d)
            one = self.src.pick([f"1_{nw}", f"ones({nw})"])
            return N(f"{one} .* {self.wrap(x, UNARY + 1)}", PROD, x.fn, "V", names=x.names)
        return None

    # ------------------------------------------------------------- matrices
    def matrix(self, d: int) -> N | None:
        if self.src.chance(0.35):
            node = self.common("M", d)
            if node is not None:
                return node
        k = self.src.int(12)
        if k == 0:
            a, b = self.gen("M", d), self.gen("M", d)
            op = self.src.pick([" ", " ", " @ ", " * "])
            return N(f"{self.wrap(a, PROD)}{op}{self.wrap(b, POSTFIX)}", PROD,
                     lambda get: a.fn(get) @ b.fn(get), "M", names=a.names | b.names)
        if k == 1:
            a = self.gen("M", d)
            tr = self.src.pick(["^T", "'", "^⊤"])
            return N(f"{self.wrap(a, POSTFIX)}{tr}", POSTFIX, lambda get: a.fn(get).T, "M",
                     a.pos, names=a.names)
        if k == 2:
            x, y = self.gen("V", d), self.gen("V", d)
            return N(f"{self.wrap(x, POSTFIX)} {self.wrap(y, POSTFIX)}^T", PROD,
                     lambda get: x.fn(get) @ y.fn(get).T, "M", names=x.names | y.names)
        if k == 3:
            x = self.gen("V", d)
            return N(f"diag({x.text})", ATOM, lambda get: np.diagflat(x.fn(get)), "M", names=x.names)
        if k == 4:
            a = self.gen("M", d)
            form = self.src.pick(["^{-1}", "^-1", "inv", "^{-T}"])
            if form == "inv":
                return N(f"inv({a.text})", ATOM, lambda get: np.linalg.inv(a.fn(get)), "M", names=a.names)
            fn = (lambda get: np.linalg.inv(a.fn(get)).T) if form == "^{-T}" else \
                (lambda get: np.linalg.inv(a.fn(get)))
            return N(f"{self.wrap(a, POSTFIX)}{form}", POSTFIX, fn, "M", names=a.names)
        if k == 5:
            a = self.gen("M", d)
            p = self.src.pick(["2", "3", "{2}", "{3}"])
            v = int(p.strip("{}"))
            return N(f"{self.wrap(a, POSTFIX)}^{p}", POSTFIX,
                     lambda get: np.linalg.matrix_power(a.fn(get), v), "M", names=a.names)
        if k == 6:
            a = self.gen("M", d)
            if self.src.chance(0.5):
                return N(f"I + {self.wrap(a, PROD)}", SUM, lambda get: np.eye(len(a.fn(get))) + a.fn(get),
                         "M", names=a.names)
            s = self.number()
            return N(f"{a.text} + {s.text} I", SUM,
                     lambda get: a.fn(get) + s.fn(get) * np.eye(len(a.fn(get))), "M", names=a.names)
        if k == 7:
            a = self.gen("M", d)
            dim = self.src.pick(["", ", dim=0", ", dim=1", ", axis=1"])
            axis = 1 if "1" in dim else 0
            return N(f"softmax({a.text}{dim})", ATOM, lambda get: softmax(a.fn(get), axis), "M", True,
                     names=a.names)
        if k == 8:
            a, b = self.gen("B", d), self.gen("B", d)
            return N(f"{self.wrap(a, POSTFIX)} {self.wrap(b, POSTFIX)}^T", PROD,
                     lambda get: a.fn(get) @ b.fn(get).T, "M", names=a.names | b.names)
        if k == 9:
            x = self.gen("V", d)
            return N(f"{self.wrap(x, POSTFIX)} 1^T", PROD,
                     lambda get: x.fn(get) @ np.ones((1, len(x.fn(get)))), "M", names=x.names)
        if k == 10:
            # tr X^T A: tr binds to X^T only (SPEC 7)
            a, b = self.sym("M"), self.gen("M", d)
            if a is None:
                return None
            return N(f"tr {a.text}^T {self.wrap(b, POSTFIX)}", PROD,
                     lambda get: np.trace(a.fn(get)) * b.fn(get), "M", names=a.names | b.names)
        return None

    def batch(self, d: int) -> N | None:
        if self.src.chance(0.3):
            node = self.common("B", d)
            if node is not None:
                return node
        k = self.src.int(8)
        if k == 0:
            m, x = self.gen("M", d), self.gen("B", d)
            return N(f"{self.wrap(m, PROD)} {self.wrap(x, POSTFIX)}", PROD,
                     lambda get: m.fn(get) @ x.fn(get), "B", names=m.names | x.names)
        if k == 1:
            # SPEC 9: W X + b, a column broadcast over the columns
            x, b = self.gen("B", d), self.gen("V", d)
            op = self.src.pick([" + ", " - "])
            sign = 1 if op == " + " else -1
            return N(f"{x.text}{op}{self.wrap(b, PROD)}", SUM,
                     lambda get: x.fn(get) + sign * b.fn(get), "B", names=x.names | b.names)
        if k == 2:
            x, b = self.gen("B", d), self.gen("V", d)
            return N(f"{x.text} + {self.wrap(b, POSTFIX)} 1^T", SUM,
                     lambda get: x.fn(get) + b.fn(get), "B", names=x.names | b.names)
        if k == 3:
            # Z + r with r a declared row vector
            x, r = self.gen("B", d), self.gen("R", d)
            return N(f"{x.text} + {self.wrap(r, PROD)}", SUM,
                     lambda get: x.fn(get) + r.fn(get), "B", names=x.names | r.names)
        if k == 4:
            x = self.gen("B", d)
            dim = self.src.pick(["", ", dim=0", ", dim=1", ", axis=0"])
            axis = 1 if "1" in dim else 0
            return N(f"softmax({x.text}{dim})", ATOM, lambda get: softmax(x.fn(get), axis), "B", True,
                     names=x.names)
        if k == 5:
            x = self.gen("B", d)
            m = self.sym("M") if self.src.chance(0.5) else None
            if m is None:
                return None
            return N(f"{self.wrap(m, POSTFIX)}^T {self.wrap(x, POSTFIX)}", PROD,
                     lambda get: m.fn(get).T @ x.fn(get), "B", names=m.names | x.names)
        if k == 6:
            x = self.gen("B", d)
            return N(f"softmax({x.text}^T)^T" if x.prec >= POSTFIX else f"softmax(({x.text})^T)^T",
                     POSTFIX, lambda get: softmax(x.fn(get), 1), "B", True, names=x.names)
        return None

    def row(self, d: int) -> N | None:
        k = self.src.int(5)
        if k == 0:
            x = self.gen("B", d)
            return N(f"1^T {self.wrap(x, POSTFIX)}", PROD, lambda get: np.sum(x.fn(get), axis=0, keepdims=True),
                     "R", names=x.names)
        if k == 1:
            x = self.gen("B", d)
            f = self.src.pick(["sum", "mean", "logsumexp"])
            dim = ", dim=0" if f != "logsumexp" or self.src.chance(0.5) else ""
            fn = {"sum": lambda a: np.sum(a, axis=0, keepdims=True),
                  "mean": lambda a: np.mean(a, axis=0, keepdims=True),
                  "logsumexp": lambda a: logsumexp(a, 0)}[f]
            return N(f"{f}({x.text}{dim})", ATOM, lambda get: fn(x.fn(get)), "R", names=x.names)
        if k == 2:
            x, v = self.gen("B", d), self.gen("V", d)
            return N(f"{self.wrap(v, POSTFIX)}^T {self.wrap(x, POSTFIX)}", PROD,
                     lambda get: v.fn(get).T @ x.fn(get), "R", names=x.names | v.names)
        if k == 3:
            a, b = self.gen("R", d), self.gen("R", d)
            return N(f"{a.text} + {self.wrap(b, PROD)}", SUM, lambda get: a.fn(get) + b.fn(get), "R",
                     names=a.names | b.names)
        return self.sym("R")

    # ------------------------------------------------------------- problems
    def problem(self) -> Problem | None:
        top = self.src.pick(["S", "S", "S", "S", "S", "V", "V", "M", "B", "R"])
        root = self.gen(top)
        names = sorted(root.names)
        if not names:
            return None
        wrt = self.src.pick(names)
        if self.src.chance(0.05):           # a variable f does not depend on: 0, with a note
            others = [n for n in self.types if n not in root.names]
            if others:
                wrt = self.src.pick(others)
        t = self.types.get(wrt, "S")
        order = 1
        if top == "S" and t in ("S", "V", "M") and self.src.chance(0.2):
            order = 2
        decls = list(self.decls)
        for name, (param, body, _) in self.funcs.items():
            decls.append(f"{name}({param}) = {body}")
        # the order of declarations is free; shuffle by the source
        for i in range(len(decls) - 1, 0, -1):
            j = self.src.int(i + 1)
            decls[i], decls[j] = decls[j], decls[i]
        where = (" where " + "; ".join(decls)) if decls else ""
        e = root.text
        dd = self.src.pick(["d", "d", "d", "∂"])
        sp = self.src.pick(["", "", " "])
        form = self.src.int(3)
        if order == 1:
            if form == 0:
                text = f"{dd}/{dd}{sp}{wrt} {e}{where}"
            else:
                text = f"{dd} {e} / {dd}{sp}{wrt}{where}"
        else:
            if form == 0:
                text = f"{dd}^2/{dd}{wrt}^2 {e}{where}"
            else:
                text = f"{dd}^2 {e} / {dd}{wrt}^2{where}"
        return Problem(text, root.fn, wrt, order, dict(self.types), dict(self.props))


def generate(src: Source, budget: int = 14) -> Problem | None:
    try:
        return Gen(src, budget).problem()
    except RecursionError:
        return None
