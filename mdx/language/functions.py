"""The elementwise functions of the language, one record each: everything mdx knows about
a function is here — how it is typed and printed (text, LaTeX, NumPy, PyTorch, SymPy), its
derivative and the rule a step names, its exact values, its subgradient convention at a
kink, and the inputs a test may draw for it.  The grammar, the typer, the rules, every
printer and the tests read this table; adding a function is adding a record.

The table is part of the language (the grammar's function names come from it), so it
sits below the expressions: a derivative is written with the constructors it is given
(`E`, mdx.expressions.expr), and the table imports nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Elementwise:
    name: str                           # as typed and in the text
    derivative: Callable | None         # (E, u) -> f'(u); None: 0 almost everywhere
    rule: str                           # the step's rule
    numpy: str                          # code, `{}` the argument
    torch: str
    latex: str                          # a name set before (argument), or a whole call,
    #                                     `{}` the argument (\\sqrt{{}})
    sympy: Callable                     # (sympy, u) -> f(u)
    reference: Callable                 # (numpy, u) -> f(u), for the tests
    aliases: tuple = ()                 # other spellings typed (`σ`)
    text: str = ""                      # printed name when not `name`
    exact: dict = field(default_factory=dict)      # f(c) = v for numbers c where v is exact
    kink: str = ""                      # the subgradient taken where f is not differentiable
    domain: str = "real"                # test inputs: real, positive, unit (|u| < 1), away0
    ratio: tuple = ()                   # (g, h) with f(u) = g(u) ./ h(u), a quotient to name
    per_column: bool = False            # a function of each column, not of each entry: its
    #                                     `sympy` maps a column's entries to the column's values

    @property
    def shown(self) -> str:
        return self.text or self.name

    def latex_call(self, arg: str, wrapped: str) -> str:
        """The call in LaTeX: `arg` is the argument bare, `wrapped` in parentheses."""
        if "{}" in self.latex:
            return self.latex.replace("{}", "{" + arg + "}")
        return self.latex + wrapped


def _sigmoid(E, u):
    return E.func("sigmoid", u)


def _is_extreme(sp, column, extreme):
    """1/k on each of the column's k entries equal to its max (min), 0 elsewhere; of
    symbols, the product of steps H(uᵢ − uⱼ) over the others (ties have measure 0)."""
    if all(u.is_number for u in column):
        top = extreme(*column)
        hits = [sp.Integer(1) if u == top else sp.Integer(0) for u in column]
        return [h / sum(hits) for h in hits]
    sign = 1 if extreme is sp.Max else -1
    return [sp.Mul(*(sp.Heaviside(sign * (u - v), sp.Rational(1, 2)) for j, v in enumerate(column)
                     if j != i)) for i, u in enumerate(column)]


def _np_is_extreme(np, u, extreme):
    u = np.asarray(u, dtype=float)
    hit = u == extreme(u, axis=0, keepdims=True)
    return hit / np.sum(hit, axis=0, keepdims=True)


def _extreme_record(which: str) -> "Elementwise":
    """ismax or ismin: 1/k on each of a column's k largest (smallest) entries."""
    name, np_f, torch_f = f"is{which}", f"np.{which}", f"torch.a{which}"
    return Elementwise(
        name, None, f"d {name}(U) = 0 (almost everywhere)",
        f"(np.equal((_t := np.asarray({{}}, dtype=np.float64)), {np_f}(_t, axis=0, keepdims=True))"
        f" / np.sum(np.equal(_t, {np_f}(_t, axis=0, keepdims=True)), axis=0, keepdims=True))",
        f"(torch.eq((_t := torch.as_tensor({{}}, dtype=torch.float64)), {torch_f}(_t, dim=0, keepdim=True))"
        f" / torch.sum(torch.eq(_t, {torch_f}(_t, dim=0, keepdim=True)), dim=0, keepdim=True))",
        rf"\operatorname{{{name}}}",
        lambda sp, col: _is_extreme(sp, col, sp.Max if which == "max" else sp.Min),
        lambda np, u: _np_is_extreme(np, u, np.max if which == "max" else np.min), per_column=True)


ELEMENTWISE_FUNCTIONS = (
    Elementwise("exp", lambda E, u: E.func("exp", u), "chain rule, d exp(u) = exp(u) ∘ du",
                "np.exp({})", "torch.exp({})", r"\exp", lambda sp, u: sp.exp(u),
                lambda np, u: np.exp(u), exact={0: 1}),
    Elementwise("log", lambda E, u: E.ediv(E.ONE_SCALAR, u), "d log(u) = du ./ u",
                "np.log({})", "torch.log({})", r"\log", lambda sp, u: sp.log(u),
                lambda np, u: np.log(u), exact={1: 0}, domain="positive"),
    Elementwise("sin", lambda E, u: E.func("cos", u), "chain rule, d sin(u) = cos(u) ∘ du",
                "np.sin({})", "torch.sin({})", r"\sin", lambda sp, u: sp.sin(u),
                lambda np, u: np.sin(u), exact={0: 0}),
    Elementwise("cos", lambda E, u: E.neg(E.func("sin", u)), "chain rule, d cos(u) = −sin(u) ∘ du",
                "np.cos({})", "torch.cos({})", r"\cos", lambda sp, u: sp.cos(u),
                lambda np, u: np.cos(u), exact={0: 1}),
    Elementwise("tanh", lambda E, u: E.sub(E.ONE_SCALAR, E.hadamard(E.func("tanh", u), E.func("tanh", u))),
                "chain rule, d tanh(u) = (1 − tanh(u)∘tanh(u)) ∘ du",
                "np.tanh({})", "torch.tanh({})", r"\tanh", lambda sp, u: sp.tanh(u),
                lambda np, u: np.tanh(u), exact={0: 0}, ratio=("sinh", "cosh")),
    Elementwise("sigmoid", lambda E, u: E.hadamard(_sigmoid(E, u), E.sub(E.ONE_SCALAR, _sigmoid(E, u))),
                "chain rule, d σ(u) = σ(u) ∘ (1 − σ(u)) ∘ du",
                "(1 / (1 + np.exp(-({}))))", "torch.sigmoid({})", r"\sigma",
                lambda sp, u: 1 / (1 + sp.exp(-u)), lambda np, u: 1 / (1 + np.exp(-u)),
                aliases=("σ",), text="σ"),
    Elementwise("tan", lambda E, u: E.add(E.ONE_SCALAR, E.hadamard(E.func("tan", u), E.func("tan", u))),
                "chain rule, d tan(u) = (1 + tan(u)∘tan(u)) ∘ du", "np.tan({})", "torch.tan({})",
                r"\tan", lambda sp, u: sp.tan(u), lambda np, u: np.tan(u), exact={0: 0},
                domain="unit", ratio=("sin", "cos")),
    Elementwise("arctan", lambda E, u: E.ediv(E.ONE_SCALAR, E.add(E.ONE_SCALAR, E.hadamard(u, u))),
                "d arctan(u) = du ./ (1 + u∘u)", "np.arctan({})", "torch.atan({})", r"\arctan",
                lambda sp, u: sp.atan(u), lambda np, u: np.arctan(u), aliases=("atan",),
                exact={0: 0}),
    Elementwise("arcsin", lambda E, u: E.ediv(E.ONE_SCALAR, E.func("sqrt", E.sub(E.ONE_SCALAR, E.hadamard(u, u)))),
                "d arcsin(u) = du ./ sqrt(1 − u∘u)", "np.arcsin({})", "torch.asin({})", r"\arcsin",
                lambda sp, u: sp.asin(u), lambda np, u: np.arcsin(u), aliases=("asin",),
                exact={0: 0}, domain="unit"),
    Elementwise("arccos", lambda E, u: E.neg(E.ediv(E.ONE_SCALAR, E.func("sqrt", E.sub(E.ONE_SCALAR, E.hadamard(u, u))))),
                "d arccos(u) = −du ./ sqrt(1 − u∘u)", "np.arccos({})", "torch.acos({})", r"\arccos",
                lambda sp, u: sp.acos(u), lambda np, u: np.arccos(u), aliases=("acos",),
                exact={1: 0}, domain="unit"),
    Elementwise("sinh", lambda E, u: E.func("cosh", u), "chain rule, d sinh(u) = cosh(u) ∘ du",
                "np.sinh({})", "torch.sinh({})", r"\sinh", lambda sp, u: sp.sinh(u),
                lambda np, u: np.sinh(u), exact={0: 0}),
    Elementwise("cosh", lambda E, u: E.func("sinh", u), "chain rule, d cosh(u) = sinh(u) ∘ du",
                "np.cosh({})", "torch.cosh({})", r"\cosh", lambda sp, u: sp.cosh(u),
                lambda np, u: np.cosh(u), exact={0: 1}),
    Elementwise("log1p", lambda E, u: E.ediv(E.ONE_SCALAR, E.add(E.ONE_SCALAR, u)),
                "d log1p(u) = du ./ (1 + u)", "np.log1p({})", "torch.log1p({})",
                r"\operatorname{log1p}", lambda sp, u: sp.log(1 + u), lambda np, u: np.log1p(u),
                exact={0: 0}, domain="positive"),
    Elementwise("expm1", lambda E, u: E.func("exp", u), "chain rule, d expm1(u) = exp(u) ∘ du",
                "np.expm1({})", "torch.expm1({})", r"\operatorname{expm1}",
                lambda sp, u: sp.exp(u) - 1, lambda np, u: np.expm1(u), exact={0: 0}),
    Elementwise("sqrt", lambda E, u: E.ediv(E.ONE_SCALAR, E.scale(2, E.func("sqrt", u))),
                "d sqrt(u) = du ./ (2 sqrt(u))", "np.sqrt({})", "torch.sqrt({})",
                r"\sqrt{}", lambda sp, u: sp.sqrt(u), lambda np, u: np.sqrt(u),
                exact={0: 0, 1: 1}, domain="positive"),
    Elementwise("relu", lambda E, u: E.func("step", u), "chain rule, d relu(u) = step(u) ∘ du",
                "np.maximum({}, 0)", "torch.relu({})", r"\operatorname{relu}",
                lambda sp, u: sp.Max(0, u), lambda np, u: np.maximum(u, 0), exact={0: 0},
                kink="relu'(0) = step(0) = 0", domain="away0"),
    Elementwise("softplus", lambda E, u: _sigmoid(E, u), "chain rule, d softplus(u) = σ(u) ∘ du",
                "np.logaddexp(0, {})", "torch.nn.functional.softplus({})",
                r"\operatorname{softplus}", lambda sp, u: sp.log(1 + sp.exp(u)),
                lambda np, u: np.logaddexp(0, u)),
    Elementwise("abs", lambda E, u: E.func("sign", u), "chain rule, d abs(u) = sign(u) ∘ du",
                "np.abs({})", "torch.abs({})", r"\operatorname{abs}", lambda sp, u: sp.Abs(u),
                lambda np, u: np.abs(u), exact={0: 0}, kink="abs'(0) = sign(0) = 0",
                domain="away0"),
    Elementwise("sign", None, "d sign(u) = 0 (almost everywhere)", "np.sign({})",
                "torch.sign({})", r"\operatorname{sign}", lambda sp, u: sp.sign(u),
                lambda np, u: np.sign(u), exact={0: 0}, domain="away0"),
    # step(0) = 0, so that relu'(0) = 0 as in PyTorch.  torch spells it with sign:
    # autograd has no derivative for torch.heaviside (a problem with step in it could
    # not be checked), and relu(sign)'s is 0
    Elementwise("step", None, "d step(u) = 0 (almost everywhere)", "(np.greater({}, 0) * 1.0)",
                "torch.relu(torch.sign({}))", r"\operatorname{step}",
                lambda sp, u: sp.Heaviside(u, 0), lambda np, u: np.heaviside(u, 0),
                exact={0: 0}, domain="away0"),
    # where each column has its largest (smallest) entry: the gradient of max(x) (min(x),
    # mdx.language.composites), 1/k on each of k tied entries as torch.amax; 0 a.e.
    _extreme_record("max"),
    _extreme_record("min"),
)

# The functions of matrices, reductions and structure, each with rules of its own
# (mdx.derivation.rules, mdx.expressions.operators): their names for the grammar and the typer.
STRUCTURAL = ("tr", "det", "logdet", "sum", "mean", "norm", "norm1", "ones", "softmax",
              "logsumexp", "inv", "diag", "vec", "kron")

# how LaTeX writes them (diag: diagm and diagv, the two ways the typer reads it)
STRUCTURAL_LATEX = {"tr": r"\operatorname{tr}", "det": r"\det", "logdet": r"\log\det",
                    "sum": r"\operatorname{sum}", "mean": r"\operatorname{mean}",
                    "var": r"\operatorname{var}", "std": r"\operatorname{std}",
                    "softmax": r"\operatorname{softmax}", "logsumexp": r"\operatorname{logsumexp}",
                    "diag": r"\operatorname{diag}", "diagm": r"\operatorname{diag}",
                    "diagv": r"\operatorname{diag}", "vec": r"\operatorname{vec}",
                    "norm": r"\operatorname{norm}"}

ELEMENTWISE = {f.name: f for f in ELEMENTWISE_FUNCTIONS}
# functions of each column (mdx.simplification and the SymPy values treat them so)
PER_COLUMN = frozenset(f.name for f in ELEMENTWISE_FUNCTIONS if f.per_column)
# (g, h) -> f where f(u) = g(u) ./ h(u): sinh(u) ./ cosh(u) prints as tanh(u)
RATIOS = {f.ratio: f.name for f in ELEMENTWISE_FUNCTIONS if f.ratio}
# every spelling typed -> the function's name (σ -> sigmoid)
SPELLINGS = {**{f.name: f.name for f in ELEMENTWISE_FUNCTIONS},
             **{a: f.name for f in ELEMENTWISE_FUNCTIONS for a in f.aliases}}


def text_name(name: str) -> str:
    """How a function's name prints in text (`σ` for sigmoid); an abstract f as itself."""
    f = ELEMENTWISE.get(name)
    return f.shown if f is not None else name


def function_names() -> tuple:
    """Every function name the language knows, as typed (`σ` too)."""
    from .composites import COMPOSITE_SPELLINGS
    return STRUCTURAL + tuple(SPELLINGS) + tuple(COMPOSITE_SPELLINGS)


def grammar_with_functions(grammar: str) -> str:
    """The grammar with the table's names written in: longest first, since a regular
    expression takes the first alternative that matches (`norm1` before `norm`)."""
    import re
    names = sorted((n for n in function_names() if n.isascii()), key=len, reverse=True)
    symbols = [n for n in function_names() if not n.isascii()]
    return grammar.replace("@FUNCTIONS@", "|".join(map(re.escape, names))) \
        .replace("@SYMBOLS@", "|".join(map(re.escape, symbols)))
