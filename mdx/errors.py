"""The few exceptions mdx raises; every one knows where in the input it points."""

from __future__ import annotations


WINDOW = 100        # columns of a long input line shown around an error


def visible(text: str) -> str:
    """`text` as it may be shown on a terminal: every character that is not printable (a
    control character such as ESC or backspace, a bidi override such as U+202E, a line
    separator, a tab) is written as its Python escape (`\\x1b`, `\\u202e`, `\\t`), so
    that input echoed in a message can neither drive the terminal nor hide or reorder
    what is shown."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def cells(text: str) -> int:
    """The terminal columns `text` (printable) takes: two for a wide East Asian character,
    none for a combining mark."""
    if text.isascii():
        return len(text)
    from unicodedata import combining, east_asian_width
    return sum(0 if combining(ch) else 2 if east_asian_width(ch) in "WF" else 1 for ch in text)


class MdxError(Exception):
    """An error in a problem, with its position (1-based line and column)."""

    def __init__(self, message: str, column: int = 1, hint: str = "", line: int = 1,
                 width: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = max(1, column)
        self.width = max(1, width)
        self.hint = hint

    def render(self, source: str) -> str:
        """`line L, column C: message`, the input line, a caret under the spot, the hint.

        The column counts characters of `source`; the line is shown with every character
        that is not printable escaped (mdx.errors.visible) and the caret measured against
        what is shown.  A long line is shown as a window of about WINDOW columns around
        the spot."""
        shown, before, caret = _window(source, self.column - 1, self.width)
        out = [f"line {self.line}, column {self.column}: {_lines_visible(self.message)}",
               f"  {shown}", "  " + " " * before + "^" * caret]
        if self.hint:
            out.append(f"  hint: {_lines_visible(self.hint)}")
        return "\n".join(out)

    def full_message(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ParseError(MdxError):
    """The text is not a problem of the language (SPEC sections 1-3)."""


class ShapeError(MdxError):
    """Operands whose kinds or sizes do not fit together."""


class UnsupportedError(MdxError):
    """Valid input that mdx cannot derive (yet); says so instead of guessing."""


class LimitError(MdxError):
    """Valid input beyond a size limit (nesting, length, result size) that keeps mdx bounded."""


class SizeLimitError(LimitError):
    """A dimension that is a product of too many sizes, found by the typer's union-find,
    which does not know where it is: the typer places it at the node whose size it is."""


class InternalError(MdxError):
    """A bug in mdx, reported on its line instead of as a traceback."""

    @classmethod
    def of(cls, e: Exception, line: int) -> "InternalError":
        """The unexpected exception `e`, met on problem line `line`."""
        return cls(f"internal error ({type(e).__name__}: {e})", 1,
                   "please report this problem to the mdx developers", line=line)


def _lines_visible(text: str) -> str:
    return "\n".join(visible(part) for part in text.split("\n"))


def _window(source: str, col: int, width: int) -> tuple:
    """(the text shown, the columns before the caret, the caret's length) for the
    characters source[col:col + width]."""
    from bisect import bisect_left, bisect_right
    from itertools import accumulate
    pieces = list(source) if source.isprintable() else [visible(ch) for ch in source]
    ends = list(accumulate(map(len, pieces)))
    starts = [0] + ends[:-1]
    total = ends[-1] if ends else 0

    def at(i: int) -> int:                  # where character i starts in the escaped line
        return starts[i] if i < len(pieces) else total + i - len(pieces)
    a, b = at(col), at(col + width)
    lo, first, last, prefix = 0, 0, len(pieces), ""
    if total > WINDOW:
        lo = max(0, min(a - WINDOW // 2, total - WINDOW))
        first = bisect_left(starts, lo)                 # whole escapes only
        last = bisect_right(ends, lo + WINDOW)
        prefix = "…" if first else ""
        lo = starts[first] if first < len(starts) else total
    text = "".join(pieces[first:last])
    shown = prefix + text + ("…" if last < len(pieces) else "")
    end = starts[last] if last < len(pieces) else total
    before = cells(prefix + text[:a - lo]) + max(0, a - end)
    return shown, before, max(1, min(b, end) - a)
