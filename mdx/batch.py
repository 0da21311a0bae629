"""Reading problems from files and pipes (SPEC 7), and deriving them one by one.

Lines are read and answered one at a time, so a long pipe streams.  A line that
fails (bad syntax, bad shapes, invalid UTF-8, even an internal error) becomes an
error record; the other lines are still derived.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from .errors import InternalError, MdxError


@dataclass
class Outcome:
    line: int
    problem: str
    derivation: object = None          # a Derivation, or a list of them for --method all
    error: MdxError | None = None


def read_problems(stream: Iterable[bytes], headings: bool = False) -> Iterator[tuple]:
    """(line number, text or MdxError) for each problem line of a binary stream; with
    `headings`, worksheet section lines (`## ...`) are passed through as well."""
    for number, raw in enumerate(stream, 1):
        raw = raw.rstrip(b"\n").rstrip(b"\r")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]                   # a UTF-8 byte-order mark is not part of the line
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield number, MdxError("this line is not valid UTF-8", e.start + 1,
                                   "save the file as UTF-8", line=number)
            continue
        stripped = text.strip()
        if not stripped or (stripped.startswith("#") and not (headings and stripped.startswith("##"))):
            continue
        yield number, text


def derive_lines(items: Iterable[tuple], layout: str, method: str,
                 structured: str | None = None, verify: str | None = None,
                 solve_lines: str = "never", steps: bool = True) -> Iterator[Outcome]:
    """An Outcome per problem; with `verify` ("numeric" or "exact") each derivation is also
    checked, and a failed check is that problem's error; `steps=False` records none.  `solve_lines`: "never", "marked"
    (a line `d f / dw = 0` is solved for the stationary point, mdx.solve) or "always".

    Each problem has one budget of time and memory (limits.problem) for deriving,
    verifying and whatever the caller does with its Outcome before asking for the next."""
    from .limits import problem
    for number, text in items:
        if isinstance(text, MdxError):
            yield Outcome(number, "", error=text)
            continue
        with problem():
            out = _outcome(number, text, layout, method, structured, verify, solve_lines, steps)
            yield out


def _outcome(number: int, text: str, layout, method, structured, verify, solve_lines,
             steps) -> Outcome:
    from .api import METHODS, derive
    from .stationary import is_solve_line, solve
    try:
        if solve_lines == "always" or solve_lines == "marked" and is_solve_line(text):
            der = solve(text)
        elif method == "all":
            der = [derive(text, layout=layout, method=m, structured=structured, steps=steps)
                   for m in METHODS]
        else:
            der = derive(text, layout=layout, method=method, structured=structured, steps=steps)
        if verify and solve_lines == "never":
            for one in der if isinstance(der, list) else [der]:
                one.verify(verify)
        return Outcome(number, text.strip(), derivation=der)
    except MdxError as e:
        e.line = number
        return Outcome(number, text.strip(), error=e)
    except Exception as e:  # never a traceback: report the bug on this line only
        return Outcome(number, text.strip(), error=InternalError.of(e, number))
