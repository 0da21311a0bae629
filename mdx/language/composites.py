"""The functions mdx reads as what they stand for in the language's own terms (SPEC 10):
`clip(x, lo, hi)` is `x - relu(x - hi) + relu(lo - x)`, `var(x)` the mean of squared
deviations, `max(x)` the sum of `ismax(x) ∘ x`.  Each is one record here — its name and
spellings, its arguments, how it is shaped, what it stands for and the note it brings —
and the typer (mdx.shapes.composites) applies the record, so every method, layout,
printer and check works on the expansion and needs nothing of its own.  A record may
also say how its function is kept whole (Kept: clip with constant bounds is one node,
with a derivative of its own, printed by every printer from the record).

The subgradients at kinks are PyTorch's: relu'(0) = step(0) = 0, abs'(0) = sign(0) = 0,
clip passes the gradient at its bounds, leaky_relu'(0) is the slope, max(a, b) and
min(a, b) split it at ties, max(x) and min(x) split it evenly among tied entries.

Like mdx.language.functions, the table imports nothing: an expansion is written with the
constructors it is given (`E`, mdx.expressions.expr)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable


@dataclass(frozen=True)
class Kept:
    """A function kept whole, with its scalar parameters, where they are constants of the
    problem: clip(u, lo, hi) prints as itself and has a derivative of its own, so that a
    result can say clip where the expansion in relu would say it in seven pieces (the
    Huber loss's gradient Xᵀ clip(X w − y, −δ, δ)).  Its derivative f'(u) is a node of
    its own (`primes`), printed as the expression `derivative` gives; f'' is 0 almost
    everywhere (f is piecewise linear)."""
    numpy: str                  # the call: the argument, then the parameters (`{}` each)
    torch: str
    latex: str                  # the name set before (argument, parameters)
    sympy: Callable             # (sympy, u, *parameters) -> f(u)
    derivative: Callable        # (E, u, *parameters) -> f'(u) in the language's terms
    rule: str                   # the step's rule for d f(u)
    note: str                   # said whenever it is used: {call}, and {x}, {lo}, {hi}, the
    #                             arguments as typed
    passes: bool = False        # f(u) = u wherever f'(u) ≠ 0: f'(u) ∘ u = f'(u) ∘ f(u)
    nested: tuple = ()          # f written out of two calls: (outer, inner, the bound the
    #                             inner call gives, whether that is f for every bound or
    #                             only for numbers lo ≤ hi)
    nested_note: str = ""       # said when it is read so: {call}, {f}, {x}, {lo}, {hi}


@dataclass(frozen=True)
class Composite:
    name: str
    arguments: tuple            # the positional arguments' names; `=v` marks a default
    form: str                   # "elementwise": the first argument's shape, the others
    #                             broadcast (scalars); "reduction": a number per column
    #                             (or per `dim`); "columnwise": a column per column
    expand: Callable            # (E, args) -> the expression; for a reduction or a
    #                             columnwise form, of one n×m block taken column by column
    whole: str = "entries"      # a matrix without dim: "entries" (all of them, as torch)
    #                             or "columns" (each column, noted: softmax's convention)
    note: object = ""           # said whenever the function is used; a callable gives
    #                             it from the arguments (E, *args)
    aliases: tuple = ()
    reference: Callable = None  # (numpy, *args) -> value, for the tests (a vector input)
    scalars: tuple = ()         # the arguments that must be scalars (a bound, a slope)
    keywords: dict = None       # keyword spellings of arguments: torch's clamp(x, min=0)
    kept: Kept = None           # how it is kept whole where its parameters are constants

    @property
    def arity(self) -> tuple:
        """(fewest, most) positional arguments."""
        required = sum(1 for a in self.arguments if "=" not in a)
        return required, len(self.arguments)

    def defaults(self) -> tuple:
        return tuple(a.split("=", 1)[1] for a in self.arguments if "=" in a)

    def argument(self, i: int) -> str:
        return self.arguments[i].split("=")[0]


# ------------------------------------------------------------------- column helpers
def _column_total(E, Z):
    """1ᵀ Z: each column's sum (a scalar for a vector)."""
    return E.mul(E.transpose(E.ones((Z.rows, "1"))), Z)


def _column_mean(E, Z):
    if Z.cols == "1":
        return E.apply("mean", Z)
    return E.mul(_column_total(E, Z), E.power(E.entry_count((Z.rows,)), -1))


def _spread(E, row, Z):
    """A row of per-column numbers (a scalar for a vector) spread down Z's columns: 1 r."""
    return E.mul(E.ones((Z.rows, "1")), row)


def _deviations(E, Z):
    return E.sub(Z, _spread(E, _column_mean(E, Z), Z))


def _var(E, Z):
    return _column_mean(E, E.epower(_deviations(E, Z), 2))


def _half(E, e):
    return E.scale(Fraction(1, 2), e)


def _max2(E, a, b):
    """max(a, b) = (a + b + |a − b|) / 2: at a tie each side gets half, as torch.maximum."""
    if b == E.ZERO_SCALAR or E.is_zero(b):
        return E.func("relu", a)
    if a == E.ZERO_SCALAR or E.is_zero(a):
        return E.func("relu", b)
    return _half(E, E.add(a, b, E.func("abs", E.sub(a, b))))


def _min2(E, a, b):
    """min(a, b) = (a + b − |a − b|) / 2; min(x, 0) = −relu(−x)."""
    if b == E.ZERO_SCALAR or E.is_zero(b):
        return E.neg(E.func("relu", E.neg(a)))
    if a == E.ZERO_SCALAR or E.is_zero(a):
        return E.neg(E.func("relu", E.neg(b)))
    return _half(E, E.sub(E.add(a, b), E.func("abs", E.sub(a, b))))


def _clip(E, x, lo, hi):
    """x − relu(x − hi) + relu(lo − x): its derivative 1 − step(x − hi) − step(lo − x) is
    1 at the bounds, as torch.clamp's; a bound left out (`clamp(x, min=0)`) is no bound."""
    out = x
    if hi is not None:
        out = E.sub(out, E.func("relu", E.sub(x, hi)))
    if lo is not None:
        out = E.add(out, E.func("relu", E.sub(lo, x)))
    return out


def _clip_note(E, x, lo, hi):
    def text(e):                        # a literal of the note's template: A^{-1} keeps its braces
        return _literal(E.to_text(e))
    t = text(x)
    t = t if " " not in t else f"({t})"
    parts = [t] + ([] if hi is None else [f"- relu({t} - {text(hi)})"]) + \
        ([] if lo is None else [f"+ relu({text(lo)} - {t})"])
    both = lo is not None and hi is not None
    order = "" if not both or isinstance(lo, E.Num) and isinstance(hi, E.Num) else \
        f", clip where {text(lo)} ≤ {text(hi)} (for {text(lo)} > {text(hi)}, " \
        f"numpy.clip is {text(hi)} everywhere)"
    return (f"{{call}} is read as {' '.join(parts)}{order}; at a bound the gradient passes, as "
            "torch.clamp's")


def _clip_prime(E, x, lo, hi):
    """clip'(x): 1 where lo ≤ x ≤ hi (the gradient passes at a bound, as torch.clamp's),
    0 elsewhere: 1 − step(x − hi) − step(lo − x) for numbers lo ≤ hi, and for bounds that
    are symbols (1 − step(lo − x)) ∘ (1 − step(x − hi)), which is 0 everywhere when lo > hi,
    as is the gradient of torch.clamp, whose value is then hi."""
    one = E.ONE_SCALAR if x.is_scalar else E.ones(x.shape)
    above, below = E.func("step", E.sub(x, hi)), E.func("step", E.sub(lo, x))
    if isinstance(lo, E.Num) and isinstance(hi, E.Num) and lo.value <= hi.value:
        return E.sub(E.sub(one, above), below)
    return E.hadamard(E.sub(one, below), E.sub(one, above))


def _leaky_relu(E, x, a):
    """a x + (1 − a) relu(x): slope a below 0 and at 0 (PyTorch's), 1 above."""
    return E.add(E.mul(a, x), E.mul(E.sub(E.ONE_SCALAR, a), E.func("relu", x)))


def _pair_note(E, name, a, b):
    axis = next((int(x.value) for x in (b,) if isinstance(x, E.Num) and x.value in (0, 1)), None)
    also = ("" if axis is None or a.is_scalar else
            f"; np.{name}(x, {axis}) and torch.{name}(x, {axis}) would reduce along axis {axis}: "
            f"write `{name}(…, dim={axis})` for that")
    if E.is_zero(a) or E.is_zero(b):
        x = _literal(E.to_text(b if E.is_zero(a) else a))
        relu = f"relu({x})" if name == "max" else f"-relu(-{x if ' ' not in x else f'({x})'})"
        return f"{{call}} is read as {relu}, elementwise, with relu'(0) = 0 as PyTorch's{also}"
    sign = "+" if name == "max" else "-"
    u, v = _literal(E.to_text(a)), _literal(E.to_text(b))
    w = f"({v})" if " + " in v or " - " in v else v          # what `-` may precede
    return (f"{{call}} is elementwise, ({u} + {v} {sign} abs({u} - {w})) / 2: at a tie each "
            f"argument takes half the gradient (as torch.{name}imum){also}")


def _literal(text: str) -> str:
    """Printed text inside a note that str.format fills in: A^{-1} keeps its braces."""
    return text.replace("{", "{{").replace("}", "}}")


def _np_max2(np, a, b):
    return np.maximum(a, b)


COMPOSITES = (
    Composite("log_softmax", ("Z",), "columnwise",
              lambda E, Z: E.sub(Z, _spread(E, E.apply("logsumexp", Z), Z)), whole="columns",
              aliases=("logsoftmax",),
              reference=lambda np, z: z - np.log(np.sum(np.exp(z)))),
    Composite("var", ("X",), "reduction", _var,
              note="{call} is the population variance (divisor {n}, as numpy.var and "
                   "torch.var(…, unbiased=False)); write `{call} * {n} / ({n} - 1)` for "
                   "the sample variance",
              reference=lambda np, x: np.var(x)),
    Composite("std", ("X",), "reduction", lambda E, Z: E.func("sqrt", _var(E, Z)),
              note="{call} is the population standard deviation (divisor {n}, as numpy.std "
                   "and torch.std(…, unbiased=False))",
              reference=lambda np, x: np.std(x)),
    Composite("max", ("X",), "reduction",
              lambda E, Z: _column_total(E, E.hadamard(E.func("ismax", Z), Z)),
              note="{call} is the largest entry: its gradient ismax(…) is 1 there and 0 "
                   "elsewhere, split evenly among tied entries (as torch.amax)",
              aliases=("amax",), reference=lambda np, x: np.max(x)),
    Composite("min", ("X",), "reduction",
              lambda E, Z: _column_total(E, E.hadamard(E.func("ismin", Z), Z)),
              note="{call} is the smallest entry: its gradient ismin(…) is 1 there and 0 "
                   "elsewhere, split evenly among tied entries (as torch.amin)",
              aliases=("amin",), reference=lambda np, x: np.min(x)),
    Composite("max", ("a", "b"), "elementwise", _max2,
              note=lambda E, a, b: _pair_note(E, "max", a, b),
              aliases=("maximum",), reference=_np_max2),
    Composite("min", ("a", "b"), "elementwise", _min2,
              note=lambda E, a, b: _pair_note(E, "min", a, b),
              aliases=("minimum",), reference=lambda np, a, b: np.minimum(a, b)),
    Composite("clip", ("x", "lo=None", "hi=None"), "elementwise", _clip,
              note=lambda E, x, lo, hi: _clip_note(E, x, lo, hi),
              aliases=("clamp",), reference=lambda np, x, lo, hi: np.clip(x, lo, hi),
              scalars=("lo", "hi"), keywords={"min": "lo", "max": "hi", "a_min": "lo",
                                              "a_max": "hi", "lo": "lo", "hi": "hi"},
              kept=Kept("np.clip({}, {}, {})", "torch.clamp({}, {}, {})", r"\operatorname{clip}",
                        lambda sp, u, lo, hi: sp.Min(sp.Max(u, lo), hi), _clip_prime,
                        "chain rule, d clip(u, lo, hi) = clip'(u) ∘ du, clip' = 1 where "
                        "lo ≤ u ≤ hi and 0 elsewhere",
                        "{call} is min(max({x}, {lo}), {hi}), elementwise; at a bound the "
                        "gradient passes, as torch.clamp's", passes=True,
                        nested=(("min", "max", "lo", True), ("max", "min", "hi", False)),
                        nested_note="{call} is read as {f}({x}, {lo}, {hi}), elementwise: at a "
                                    "bound the gradient passes, as torch.clamp's")),
    Composite("leaky_relu", ("x", "a=0.01"), "elementwise", _leaky_relu,
              note="{call} is read as leaky_relu(x, a) = a x + (1 - a) relu(x), slope a below 0 "
                   "and at 0 as torch.nn.functional.leaky_relu's (a = 0.01 unless given)",
              reference=lambda np, x, a=0.01: np.where(x > 0, x, a * x), scalars=("a",),
              keywords={"negative_slope": "a", "alpha": "a"}),
)

# every spelling typed -> the records it may mean (max: the largest entry, or elementwise;
# amax only the first, maximum only the second)
COMPOSITE_SPELLINGS: dict = {}
for _c in COMPOSITES:
    for _s in (_c.name, *_c.aliases):
        COMPOSITE_SPELLINGS.setdefault(_s, []).append(_c)


# the functions kept whole with their parameters: name -> Kept
KEPT = {c.name: c.kept for c in COMPOSITES if c.kept is not None}

# the composites that take `dim=`
PER_AXIS = tuple(dict.fromkeys(c.name for c in COMPOSITES if c.form != "elementwise"))


def composite(spelling: str, count: int):
    """The record a call of `count` positional arguments means, or None; a name with
    records of other arities gives its first (whose error names the arguments)."""
    records = COMPOSITE_SPELLINGS.get(spelling, [])
    for c in records:
        if c.arity[0] <= count <= c.arity[1]:
            return c
    return records[0] if records else None
