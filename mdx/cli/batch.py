"""Reading problems from files and pipes (SPEC 7), and deriving them one by one.

Lines are read and answered one at a time, so a long pipe streams.  A line that
fails (bad syntax, bad shapes, invalid UTF-8, even an internal error) becomes an
error record; the other lines are still derived.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from ..errors import InternalError, MdxError, visible


@dataclass
class Outcome:
    line: int
    problem: str
    derivation: object = None          # a Derivation, or a list of them for --method all
    error: MdxError | None = None


def read_problems(stream, headings: bool = False, name: str = "standard input") -> Iterator[tuple]:
    """(line number, text or MdxError) for each problem line of a binary stream (anything
    with `read1` or `read`), read a chunk at a time; with `headings`, worksheet section lines (`## ...`) are passed
    through as well.  An error's `source` is what to show of its line."""
    for number, raw, overlong in _raw_lines(stream, name):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]                   # a UTF-8 byte-order mark is not part of the line
        if overlong:
            error = _overlong(number, raw, overlong[1], headings)
            if error is not None:
                yield number, error
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            shown = raw.decode("utf-8", "replace")
            error = MdxError("this line is not valid UTF-8", len(raw[:e.start].decode("utf-8")) + 1,
                             "save the file as UTF-8", line=number)
            error.source = shown
            yield number, error
            continue
        stripped = text.strip()
        if not stripped or (stripped.startswith("#") and not (headings and stripped.startswith("##"))):
            continue
        yield number, text


_CHUNK = 1 << 16             # bytes asked for at a time (a pipe gives what it has)
_SKIP_CHUNK = 1 << 20        # ... while skipping to the end of an over-long line


def _raw_lines(stream, name: str) -> Iterator[tuple]:
    """(number, bytes, overlong) for each line, without its line end.  A line longer than
    any problem can be is never held whole: its first bytes come with overlong =
    (True, its length in bytes), or (True, None) when it did not end within
    MAX_LINE_BYTES, after which nothing more is read."""
    from ..bounds.limits import MAX_CHARS, MAX_LINE_BYTES
    from .streams import InputError
    most = 4 * MAX_CHARS + 8            # a problem's characters, up to 4 bytes each, BOM, CRLF
    reader = getattr(stream, "read1", None) or stream.read

    def read(size: int) -> bytes:
        try:
            return reader(size)
        except OSError as e:
            raise InputError(f"cannot read {visible(name)}: {e.strerror or e}") from None
    buf, pos, number, eof = b"", 0, 0, False
    while True:
        end = buf.find(b"\n", pos)
        while end < 0 and len(buf) - pos < most and not eof:
            chunk = read(_CHUNK)
            eof = not chunk
            buf, pos = buf[pos:] + chunk, 0
            end = buf.find(b"\n")
        stop = len(buf) if end < 0 else end
        if stop - pos < most:
            if end < 0 and pos >= len(buf):
                return                                  # the end of the input
            number += 1
            yield number, buf[pos:stop].rstrip(b"\r"), None
            pos = stop + 1
            continue
        number += 1                                     # an over-long line
        head, total, blank = buf[pos:pos + most], stop - pos, not buf[pos:stop].strip()
        buf, pos = buf[stop + 1:], 0
        while end < 0 and not eof:                      # read on to its end
            chunk = read(_SKIP_CHUNK)
            eof = not chunk
            end = chunk.find(b"\n")
            total += len(chunk) if end < 0 else end
            blank = blank and not chunk[:end if end >= 0 else None].strip()
            if end >= 0:
                buf = chunk[end + 1:]
            elif total > MAX_LINE_BYTES:
                yield number, head, (True, None)
                return
        if not blank:
            yield number, head, (True, total)


def _overlong(number: int, head: bytes, size, headings: bool):
    """The error for a line too long to be a problem (None for a long comment)."""
    from ..errors import LimitError
    from ..bounds.limits import MAX_CHARS, MAX_LINE_BYTES
    text = head.decode("utf-8", "replace")[:MAX_CHARS + 1]
    if text.lstrip().startswith("#") and not (headings and text.lstrip().startswith("##")):
        return None
    if size is None:
        error = LimitError(f"this line goes on for over {MAX_LINE_BYTES:,} bytes without ending; "
                           "mdx stops reading the input here", MAX_CHARS + 1,
                           "end every problem with a newline", line=number)
    else:
        error = LimitError(f"the problem is over {MAX_CHARS:,} characters long ({size:,} bytes); "
                           f"mdx takes at most {MAX_CHARS:,}", MAX_CHARS + 1,
                           "split it into smaller problems", line=number)
    error.source = text + "…"
    return error


def derive_lines(items: Iterable[tuple], layout: str, method: str,
                 structured: str | None = None, verify: str | None = None,
                 solve_lines: str = "never", steps: bool = True) -> Iterator[Outcome]:
    """An Outcome per problem; with `verify` ("numeric" or "exact") each derivation is also
    checked, and a failed check is that problem's error; `steps=False` records none.  `solve_lines`: "never", "marked"
    (a line `d f / dw = 0` is solved for the stationary point, mdx.solve) or "always".

    Each problem has one budget of time and memory (limits.problem) for deriving,
    verifying and whatever the caller does with its Outcome before asking for the next."""
    from ..bounds.limits import problem
    for number, text in items:
        if isinstance(text, MdxError):
            yield Outcome(number, getattr(text, "source", ""), error=text)
            continue
        with problem():
            out = _outcome(number, text, layout, method, structured, verify, solve_lines, steps)
            yield out


def _outcome(number: int, text: str, layout, method, structured, verify, solve_lines,
             steps) -> Outcome:
    from ..derivation.api import METHODS, derive
    from ..derivation.solving.stationary import is_solve_line, solve
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
