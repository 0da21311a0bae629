"""Names: what a symbol's spelling says (SPEC 2 and 9) and how each format writes it.

One place for the Greek alphabet and for the shape of a name: a base (a Latin letter, a
Greek letter as a character or spelled out, `eps`) followed by digits and a subscript
(`W1`, `W_2`, `λ1`, `lambda_1`, `Sigma_{k}`).  The typer asks `default_kind`, the LaTeX
printer `latex_name`, the code printers `py_name`.
"""

from __future__ import annotations

import keyword
import re

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


def latex_name(name: str) -> str:
    """W1 -> W_{1}, W_2 -> W_{2}, W_{L-1} -> W_{L-1}, theta -> \\theta, λ1 -> \\lambda_{1},
    Sigma -> \\Sigma, eps -> \\epsilon."""
    parts = split(name)
    if parts is None:               # never emit a name's characters unescaped
        return r"\mathrm{" + re.sub(r"[^A-Za-z0-9]", "", name) + "}"
    base, digits, sub = parts
    g = greek(base)
    head = base if g is None else _LATEX[g]
    subs = ",".join(x for x in (digits, sub) if x)
    return head + (f"_{{{subs}}}" if subs else "")


# Names the generated code itself uses: a symbol called `np` must not hide NumPy.
_RESERVED = frozenset({"np", "numpy"})


def py_name(name: str) -> str:
    """A Python identifier for a symbol: Greek spelled out (Σ -> Sigma, λ1 -> lambda1),
    keywords get a trailing `_`."""
    out = "".join(CHAR_NAMES.get(ch, ch) for ch in name)
    out = re.sub(r"[^0-9A-Za-z_]", "_", out).strip("_") or "v"
    if keyword.iskeyword(out) or out in _RESERVED:
        out += "_"
    return out
