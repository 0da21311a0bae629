"""A step's rule text as LaTeX: its words as text, its formulas in math mode.

Rule texts mix words and mathematics ("Jacobi's formula: d det(U) = det(U) tr(U⁻¹ dU)",
"contract the Kronecker deltas: Σ_k A_k δ_kq = A_q").  Each whitespace-separated token is
a word (letters only, not a function name) or mathematics; runs of mathematics become one
$…$ span, where W1_ab is W1_{ab}, Uᵀ is U^{T}, tr is \\operatorname{tr}.
"""

from __future__ import annotations

import re

from ..language.functions import ELEMENTWISE_FUNCTIONS

OPERATORS = {"tr": r"\operatorname{tr}", "det": r"\det", "diag": r"\operatorname{diag}",
             "vec": r"\operatorname{vec}", "softmax": r"\operatorname{softmax}",
             "logsumexp": r"\operatorname{logsumexp}", "sum": r"\operatorname{sum}",
             "mean": r"\operatorname{mean}", "norm": r"\operatorname{norm}",
             **{f.name: f.latex for f in ELEMENTWISE_FUNCTIONS}}
_SYMBOLS = {"ᵀ": "^{T}", "⁻¹": "^{-1}", "⁻ᵀ": "^{-T}", "−": "-", "∘": r"\circ ", "⊗": r"\otimes ",
            "Σ": r"\sum", "δ": r"\delta ", "∂": r"\partial ", "‖": r"\Vert ", "²": "^{2}",
            "σ": r"\sigma ", "∇": r"\nabla ", "⇒": r"\Rightarrow ", "⟨": r"\langle ",
            "⟩": r"\rangle ", "′": "'", "×": r"\times ", "θ": r"\theta ", "λ": r"\lambda ",
            "μ": r"\mu ", "ε": r"\varepsilon ", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
            "#": r"\#", "$": r"\$", "~": r"\sim ", "\\": r"\backslash "}
_TEXT_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#", "$": r"\$", "_": r"\_", "{": r"\{",
                 "}": r"\}", "~": r"\~{}", "^": r"\^{}", "\\": r"\textbackslash{}"}
_WORD = re.compile(r"^([(\[]*)([A-Za-z]+(?:-[A-Za-z]+)+|[A-Za-z][a-z']{2,}|[A-Za-z][a-z]|[Aa])"
                   r"([,;:.)\]]*)$")
_SHORT_WORDS = {"a", "A", "is", "of", "to", "in", "by", "on", "at", "as", "an", "or", "be", "it",
                "if", "no", "we", "so"}
_MATH_TOKEN = re.compile(r"_(?P<sub>[A-Za-z0-9]+)|(?P<name>[A-Za-z]+)|(?P<sym>"
                         + "|".join(re.escape(k) for k in sorted(_SYMBOLS, key=len, reverse=True))
                         + r")|(?P<other>.)", re.S)


def _is_word(token: str) -> bool:
    m = _WORD.match(token)
    if not m or m.group(2) in OPERATORS:
        return False
    word = m.group(2)
    return len(word) > 2 and not (word[0] == "d" and word[1:].isupper()) or word in _SHORT_WORDS


def _math_token(m) -> str:
    if m.group("sub"):
        return "_{" + m.group("sub") + "}"
    if m.group("name"):
        return OPERATORS.get(m.group("name"), m.group("name"))
    if m.group("sym"):
        return _SYMBOLS[m.group("sym")]
    ch = m.group("other")
    return ch if ch.isascii() and ch not in "^_" or ch == "^" else " "


def _math(text: str) -> str:
    """One $…$ per balanced group of tokens, so that a long formula can break between them."""
    spans, current, depth = [], [], 0
    for token in text.split(" "):
        current.append(token)
        depth += token.count("(") - token.count(")")
        if depth <= 0:
            spans.append(" ".join(current))
            current, depth = [], 0
    if current:
        spans.append(" ".join(current))
    return " ".join("$" + _MATH_TOKEN.sub(_math_token, span) + "$" for span in spans)


def _text(token: str) -> str:
    out = "".join(_TEXT_ESCAPES.get(ch, ch) for ch in token)
    return out.encode("ascii", "replace").decode("ascii").replace("?", " ")


def rule_latex(rule: str) -> str:
    """The rule for LaTeX text mode (a line of the sheet, or inside \\text{}); a span in
    backticks (`where b: vector`, what to type) is typewriter text."""
    parts = rule.split("`")
    if len(parts) > 1 and len(parts) % 2:
        return " ".join(p for p in (_words_and_math(t) if i % 2 == 0 else
                                    r"\texttt{" + _text(t) + "}" for i, t in enumerate(parts))
                        if p).replace(" ,", ",").replace(" ;", ";").replace(" .", ".")
    return _words_and_math(rule)


def _words_and_math(rule: str) -> str:
    pieces: list = []
    run: list = []
    for token in rule.split():
        if _is_word(token):
            if run:
                pieces.append(_math(" ".join(run)))
                run = []
            m = _WORD.match(token)
            lead, word, tail = m.groups()
            pieces.append(_text(lead + word + tail))
        else:
            punct = re.match(r"^(.*?)([,;:.]?)$", token)   # a comma after a formula is text
            body, tail = punct.groups() if punct.group(1) else (token, "")
            run.append(body)
            if tail:
                pieces.append(_math(" ".join(run)) + tail)
                run = []
    if run:
        pieces.append(_math(" ".join(run)))
    return " ".join(pieces)
