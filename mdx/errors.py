"""The few exceptions mdx raises; every one knows where in the input it points."""

from __future__ import annotations


WINDOW = 100        # characters of a long input line shown around an error


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

        A long line is shown as a window of about WINDOW characters around the spot."""
        lines = source.splitlines()
        text = lines[0] if lines else source
        start = 0
        if len(text) > WINDOW:
            start = max(0, min(self.column - 1 - WINDOW // 2, len(text) - WINDOW))
            shown = text[start:start + WINDOW]
            text = ("…" if start else "") + shown + ("…" if start + WINDOW < len(text) else "")
            start -= 1 if start else 0          # the leading ellipsis takes a column
        col = self.column - 1 - start
        caret = " " * col + "^" * min(self.width, max(1, len(text) - col))
        out = [f"line {self.line}, column {self.column}: {self.message}", f"  {text}", f"  {caret}"]
        if self.hint:
            out.append(f"  hint: {self.hint}")
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
