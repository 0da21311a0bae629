"""The parser's syntax errors, positioned and with what to write instead: lark's
UnexpectedCharacters and UnexpectedToken read as a user of the language would."""

from __future__ import annotations

import re

from ..errors import ParseError

_EXPECT_NAMES = {
    "RPAR": "`)`", "LPAR": "`(`", "NORM_CLOSE": "a closing norm bar", "WRT_TAIL": "`/ dVAR`",
    "NAME": "a name", "NUMBER": "a number", "FUNC": "a function", "GREEK": "a Greek letter",
    "NORM_OPEN": "`‖`", "MINUS": "`-`", "PLUS": "`+`", "COLON": "`:`", "COMMA": "`,`",
    "NORM_BAR": "a norm bar", "POSTOP": "`^T` or a power", "EPOW": "`.^`", "HADAMARD": "`.*`",
    "TIMES": "`×`", "NORMSUB": "a norm subscript", "SIZED_ONES": "`1_n`", "WHERE": "`where`",
    "DLEAD": "`d`", "DPREFIX": "`d/dVAR`", "STAR": "`*`", "SLASH": "`/`", "AT": "`@`",
    "SEMICOLON": "`;`",
}


def unexpected_char(text: str, e, offset: int) -> ParseError:
    col = e.pos_in_stream + 1           # a column in the whole text, were it of many lines
    ch = text[e.pos_in_stream] if e.pos_in_stream < len(text) else ""
    if ch == "#":
        return ParseError("`#` starts a comment only at the beginning of a line", col + offset,
                          "remove the `#` and what follows it")
    if ch == "/" and "WRT_TAIL" not in (e.allowed or ()):
        return ParseError("unexpected `/`", col + offset,
                          "the problem must end with `/ dVAR` (e.g. `/ dX`), before any `where`")
    if e.pos_in_stream == 0 or (ch and text[:e.pos_in_stream].strip() == ""):
        return ParseError("a problem starts with `d`, `d/dVAR` or `d^2`", col + offset,
                          "write e.g. `d tr(X^T A X) / dX` or `d/dx x^T A x`")
    if ch == "_" and re.search(r"(\|\||‖)\s*$", text[:e.pos_in_stream]):
        return ParseError("this norm is not in the language", col + offset,
                          "the norms are ‖x‖ (‖x‖_2), ‖x‖_1 and ‖X‖_F; a p-norm is "
                          "`sum(abs(x).^p).^(1/p)`")
    if ch == "_":
        return ParseError("this subscript is not allowed", col + offset,
                          "a subscript holds letters, digits, `+`, `-` and `,`: `W_2`, `y_i`, `W_{L-1}`")
    if ch == "^":
        return ParseError("this power is not in the language", col + offset,
                          "powers are integers (`X^2`, `X^{-1}`) or `^T`; an elementwise power by any "
                          "number is `x.^p` (`x.^(1/2)`, `x.^(-1)`)")
    if ch == "|":
        return ParseError("a single `|` is not an operator", col + offset,
                          "write `||x||` or `‖x‖` for a norm, `abs(x)` for absolute values")
    from .hints import character_hint
    return ParseError(f"unexpected character {ch!r}", col + offset,
                      character_hint(text, e.pos_in_stream) or "see the table of notations in the README")


def unexpected_token(text: str, e, offset: int) -> ParseError:
    tok = e.token
    # only names a user knows: never a grammar-internal token name
    expected = sorted({_EXPECT_NAMES[t] for t in (e.expected or ()) if t in _EXPECT_NAMES})
    if tok.type == "$END":
        col = len(text.rstrip()) + 1
        if "WRT_TAIL" in (e.expected or ()):
            return _tail_error(text, offset) or ParseError(
                "missing `/ dVAR` at the end of the problem", col + offset,
                "write the variable to differentiate by, e.g. `... / dX`")
        if "RPAR" in (e.expected or ()):
            return ParseError("unbalanced parentheses: a `(` is never closed", col + offset,
                              "add the missing `)`")
        if "NORM_CLOSE" in (e.expected or ()):
            return ParseError("a norm bar is never closed", col + offset,
                              "close the norm: `‖x‖` or `||x||`")
        if text.rstrip().endswith("/"):
            return ParseError("the variable is missing after the final `/`", col + offset,
                              "write the variable to differentiate by, e.g. `... / dX`")
        return ParseError("the problem ends too early: an expression is missing", col + offset,
                          "write what to differentiate after `d`, e.g. `d tr(X) / dX`")
    col = tok.start_pos + 1 + offset
    if "DLEAD" in (e.expected or ()) or "DPREFIX" in (e.expected or ()):
        return ParseError("a problem starts with `d`, `d/dVAR` or `d^2`", col,
                          "write e.g. `d tr(X^T A X) / dX` or `d/dx x^T A x`")
    if tok.type == "RPAR":
        return _empty_parentheses(text, tok.start_pos, col) or ParseError(
            "unbalanced parentheses: this `)` has no matching `(`", col, "remove it or add the missing `(`")
    if tok.type == "WRT_TAIL":
        if "RPAR" in (e.expected or ()):
            return ParseError("unbalanced parentheses: a `(` is never closed", col,
                              "add the missing `)` before the final `/ dVAR`")
        if "NORM_CLOSE" in (e.expected or ()):
            return ParseError("a norm bar is never closed", col, "close the norm: `‖x‖` or `||x||`")
        return ParseError("an expression is missing before the final `/ dVAR`", col,
                          "write what to differentiate, e.g. `d tr(X) / dX`")
    if tok.type == "NORM_CLOSE" and "NORM_CLOSE" not in (e.expected or ()):
        return ParseError("empty or unbalanced norm", col, "write `‖x‖` or `||x||` around an expression")
    if tok.type == "DLEAD" or tok.type == "DPREFIX":
        return ParseError("a second `d` where an expression was expected", col,
                          "write one problem per line")
    from .hints import token_hint
    hint = token_hint(text, tok.start_pos, str(tok.value)) or \
        (("expected " + ", ".join(expected[:6])) if expected else "")
    return ParseError(f"unexpected {tok.value!r}", col, hint, width=len(tok.value))


_BRACKETED_WRT = re.compile(r"/\s*d\s*\(\s*([^\W\d]\w*)\s*\)\s*$")
_AFTER_WRT = re.compile(r"/\s*d([^\W\d]\w*)\s+(?!where\b)(\S+)")


def _tail_error(text: str, offset: int) -> ParseError | None:
    """What is wrong with a `/ dVAR` the parser did not take as the end: `/ d(x)`, or
    text after it that is not a `where`."""
    m = _BRACKETED_WRT.search(text)
    if m:
        return ParseError(f"write `/ d{m.group(1)}`: the variable follows `d` without brackets",
                          m.start() + 1 + offset, f"end the problem with `/ d{m.group(1)}`",
                          width=m.end() - m.start())
    found = list(_AFTER_WRT.finditer(text))
    if found:
        m = found[-1]
        if re.match(r"d[^\W\d]\w*$", m.group(2)) and re.match(r"\s*(d\^2|∂²|∂\^2)", text):
            return ParseError("a second derivative takes one variable (`/ dx^2`) or two (`/ dx dy`)",
                              m.start(2) + 1 + offset, "derive one second derivative at a time",
                              width=len(m.group(2)))
        return ParseError(f"unexpected {m.group(2)!r} after `/ d{m.group(1)}`", m.start(2) + 1 + offset,
                          f"`/ d{m.group(1)}` ends the problem; declarations follow `where` "
                          f"(`/ d{m.group(1)} where …`), and several variables are separated by "
                          "commas (`/ dW, db`)", width=len(m.group(2)))
    return None


_DEFINED = re.compile(r"(?:\bwhere|;)\s*([A-Za-zα-ωΑ-Ω]\w*)\s*\(\s*$")


def _empty_parentheses(text: str, at: int, col: int) -> ParseError | None:
    """`g() = ...` in a where clause, or `f()`: the `)` is matched, the parentheses are empty."""
    if not text[:at].rstrip().endswith("("):
        return None
    m = _DEFINED.search(text[:at])
    if m and text[at + 1:].lstrip().startswith("="):
        g = m.group(1)
        return ParseError(f"a function definition needs a parameter: `{g}(t) = ...`", col,
                          f"write e.g. `{g}(t) = t^2`; it is applied elementwise")
    return ParseError("empty parentheses: an expression is missing", col,
                      "write what goes inside, e.g. `tr(X)`")
