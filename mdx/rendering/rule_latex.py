"""A step's rule text as LaTeX: its words as text, each formula whole in one $…$.

Rule texts mix words and mathematics ("linearity: d(A U B) = A dU B", "contract the
Kronecker deltas: Σ_k A_k δ_kq = A_q").  Each whitespace-separated token is a word
(letters only) or mathematics; a run of mathematics is one $…$, where a name prints as
the body prints it (W1 is W_{1}, X_pq is X_{pq}), dU is \\mathrm{d}U, Uᵀ is U^{\\top},
./ is \\oslash, tr is \\operatorname{tr}.  A function's name or the letter A between two
pieces of mathematics is mathematics too ("d log softmax(Z)", "= A dU B"); elsewhere it is
a word ("sum rule", "relu has a kink").
"""

from __future__ import annotations

import re

from ..language.composites import COMPOSITE_SPELLINGS
from ..language.functions import ELEMENTWISE, STRUCTURAL_LATEX
from ..language.names import indexed_latex, problem_names

_OPERATORS = {**STRUCTURAL_LATEX, **{n: f.latex for n, f in ELEMENTWISE.items()},
              **{n: r"\operatorname{" + n.replace("_", r"\_") + "}" for n in COMPOSITE_SPELLINGS}}
# a call set around its argument (\sqrt{u}): its name -> (before, after) the argument
_TEMPLATES = {n: tuple(t.split("{}")) for n, t in _OPERATORS.items() if "{}" in t}
_OPEN, _CLOSE, _ONE = "\x01", "\x02", "\x03"
_SYMBOLS = {"ᵀ": r"^{\top}", "^T": r"^{\top}", "⁻¹": "^{-1}", "⁻ᵀ": r"^{-\top}", "−": "-",
            "∘": r"\circ ", "⊙": r"\circ ", ".*": r"\circ ", "./": r"\oslash ", "⊗": r"\otimes ",
            "Σ": r"\sum", "δ": r"\delta ", "∂": r"\partial ", "‖": r"\Vert ", "²": "^{2}",
            "σ": r"\sigma ", "∇": r"\nabla ", "⇒": r"\Rightarrow ", "⟨": r"\langle ",
            "⟩": r"\rangle ", "′": "'", "×": r"\times ", "θ": r"\theta ", "λ": r"\lambda ",
            "μ": r"\mu ", "ε": r"\varepsilon ", "…": r"\dots ", "≠": r"\neq ", "≤": r"\leq ",
            "≥": r"\geq ", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
            "#": r"\#", "$": r"\$", "~": r"\sim ", "\\": r"\backslash ", _OPEN: "{", _CLOSE: "}",
            _ONE: r"\mathbf{1}"}
_TEXT_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#", "$": r"\$", "_": r"\_", "{": r"\{",
                 "}": r"\}", "~": r"\~{}", "^": r"\^{}", "\\": r"\textbackslash{}",
                 "…": r"\ldots{}", "−": "-", "–": "--", "’": "'", "×": r"$\times$"}
_WORD = re.compile(r"^([(\[]*)([A-Za-z]+(?:-[A-Za-z]+)+|[A-Z][a-z]+[A-Z][a-z]+(?:'s)?"
                   r"|[A-Za-z][a-z']{2,}|[A-Za-z][a-z]|[Aa])"
                   r"([,;:.)\]]*)$")
_SHORT_WORDS = {"a", "A", "is", "of", "to", "in", "by", "on", "at", "as", "an", "or", "be", "it",
                "if", "no", "we", "so"}
# code the user may type instead (numpy.std, torch.clamp's): typewriter text
_CODE = re.compile(r"^(np|numpy|torch)\.")
# a column of ones, 1ᵀ, 1 1ᵀ: bold, as the body sets it
_ONES = re.compile(r"(?<![\w.])1(?=ᵀ|\^T| 1ᵀ| 1\^T)")
# an elementwise power U.^p, U.^(p−1): a Hadamard power
_EPOWER = re.compile(r"\.\^(\([^()]*\)|[A-Za-z0-9]+)")
_POWER = re.compile(r"\^\(([^()]*)\)")
_MATH_TOKEN = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)|_(?P<sub>[A-Za-z0-9]+)|(?P<sym>"
    + "|".join(re.escape(k) for k in sorted(_SYMBOLS, key=len, reverse=True))
    + r")|(?P<other>.)", re.S)
LONG_FORMULA = 30       # a formula longer than this may break between its top-level pieces


def _is_word(token: str) -> bool:
    m = _WORD.match(token)
    if not m:
        return False
    word = m.group(2)
    if word in problem_names():
        return False
    return len(word) > 2 and not (word[0] == "d" and word[1:].isupper()) or word in _SHORT_WORDS


def _article(tokens: list, i: int) -> bool:
    """`a` (or `A`, `an`) before a word is the article, though the problem has a symbol a:
    "at a bound the gradient passes"; `on a: the` and `a + b` keep it a symbol."""
    if tokens[i] not in ("a", "A", "an") or i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    return nxt.isalpha() and len(nxt) > 2 and nxt not in problem_names() and _is_word(nxt)


def _between(tokens: list, i: int, run: list) -> bool:
    """A function's name or `A` standing between two pieces of mathematics is one."""
    word = _WORD.match(tokens[i]).group(2)
    if not run or word not in _OPERATORS and word not in ("A", "a") or tokens[i][-1] in ",;:.":
        return False
    return i + 1 < len(tokens) and not _is_word(tokens[i + 1])


def _name(name: str) -> str:
    """A name in a formula: an operator, a differential (dU, dz1, d), or a symbol."""
    if name in problem_names():
        return indexed_latex(name)
    if len(name) > 1 and name.isalpha() and name.isupper():    # UV, AXB: a product
        return " ".join(name)
    if name in _TEMPLATES:
        return _TEMPLATES[name][0]
    if name in _OPERATORS:
        return _OPERATORS[name]
    if name == "d":
        return r"\mathrm{d}"
    if name[0] == "d" and len(name) > 1 and (name[1].isupper() or len(name) == 2
                                              or name[2:].isdigit() or name[2] == "_"):
        return r"\mathrm{d}" + indexed_latex(name[1:])
    return indexed_latex(name)


def _math_token(m) -> str:
    if m.group("name"):
        return _name(m.group("name"))
    if m.group("sub"):
        return "_{" + m.group("sub") + "}"
    if m.group("sym"):
        return _SYMBOLS[m.group("sym")]
    ch = m.group("other")
    return ch if ch.isascii() and ch not in "_" else " "


def _formula(text: str) -> str:
    r"""A formula, whole, in one $…$; a long one may break between its top-level pieces
    (\allowbreak: TeX breaks inline math only after a relation or a binary operator)."""
    text = _calls_set_around(_ONES.sub(_ONE, text))
    # marked braces and ∘, so that the tokens below set them as LaTeX, not as \{ and \backslash
    text = _EPOWER.sub(lambda m: "^" + _OPEN + "∘" + (m.group(1).strip("()") if m.group(1)[0] != "("
                                                       else m.group(1)) + _CLOSE, text)
    text = _POWER.sub(lambda m: "^" + _OPEN + m.group(1) + _CLOSE, text)
    pieces, current, depth = [], [], 0
    for token in text.split(" "):
        current.append(token)
        depth += token.count("(") - token.count(")")
        if depth <= 0:
            pieces.append(" ".join(current))
            current, depth = [], 0
    if current:
        pieces.append(" ".join(current))
    sep = r" \allowbreak " if len(text) > LONG_FORMULA else " "
    return "$" + sep.join(_MATH_TOKEN.sub(_math_token, p) for p in pieces) + "$"


def _calls_set_around(text: str) -> str:
    """sqrt(u) -> sqrt{u} (marked, so that the braces stay LaTeX's): \\sqrt{u}."""
    for name in _TEMPLATES:
        start = 0
        while (m := re.compile(r"(?<![A-Za-z])" + name + r"\(").search(text, start)) is not None:
            depth, end = 0, m.end() - 1
            for end in range(m.end() - 1, len(text)):
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                if depth == 0:
                    break
            if depth:
                break
            text = text[:m.end() - 1] + _OPEN + text[m.end():end] + _CLOSE + text[end + 1:]
            start = m.end()
    return text


def _text(token: str) -> str:
    out = "".join(_TEXT_ESCAPES.get(ch, ch) for ch in token)
    return "".join(ch if ord(ch) < 128 else " " for ch in out)     # what plain LaTeX cannot set


def rule_latex(rule: str) -> str:
    """The rule for LaTeX text mode (a line of the sheet, \\intertext); a span in
    backticks (`where b: vector`, what to type) is typewriter text."""
    parts = rule.split("`")
    if len(parts) > 1 and len(parts) % 2:
        return " ".join(p for p in (_words_and_math(t) if i % 2 == 0 else
                                    r"\texttt{" + _text(t) + "}" for i, t in enumerate(parts))
                        if p).replace(" ,", ",").replace(" ;", ";").replace(" .", ".") \
            .replace(r"( \texttt", r"(\texttt").replace("} )", "})")
    return _words_and_math(rule)


def _words_and_math(rule: str) -> str:
    pieces: list = []
    run: list = []
    tokens = rule.split()
    code = 0                    # parentheses open in a span of code

    def flush():
        if run:
            pieces.append(_balanced(" ".join(run)))
            run.clear()
    for i, token in enumerate(tokens):
        if token in ("(", ")"):            # a bracket around a span of code is text
            flush()
            pieces.append(token)
            continue
        if code or _CODE.match(token):
            flush()
            code = max(0, code + token.count("(") - token.count(")"))
            pieces.append(r"\texttt{" + _text(token) + "}")
            continue
        if (_is_word(token) or _article(tokens, i)) and not _between(tokens, i, run):
            flush()
            lead, word, tail = _WORD.match(token).groups()
            pieces.append(_text(lead + word + tail))
            continue
        punct = re.match(r"^(.*?)([,;:.]?)$", token)       # a comma after a formula is text
        body, tail = punct.groups() if punct.group(1) else (token, "")
        run.append(body)
        if tail and _depth(" ".join(run)) <= 0:
            flush()
            pieces[-1] += tail
        elif tail:
            run[-1] += tail
    flush()
    return " ".join(pieces)


def _depth(text: str) -> int:
    return text.count("(") - text.count(")")


def _balanced(text: str) -> str:
    """The formula, with a closing parenthesis it does not open left outside it as text:
    `(the Jacobian J)`."""
    extra = ""
    while _depth(text) < 0 and text.endswith(")"):
        text, extra = text[:-1], ")" + extra
    return _formula(text) + extra
