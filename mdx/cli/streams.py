"""The command line's standard streams, made safe before any work: users never see a
traceback from I/O.

* A standard stream closed when mdx starts (`mdx derive - <&-`, `>&-`, `2>&-`): its file
  descriptor is taken by /dev/null, so that no file mdx opens later lands on it, and
  Python's None stream is replaced: standard output by a stream whose every write fails
  ("it is closed"), standard error by /dev/null (there is nowhere to say anything).
* A write to standard output that fails (a full disk, `>&-`) raises OutputError, which
  mdx.cli.main turns into one line on standard error and exit status 1; a closed pipe
  (`mdx derive -f big.txt | head`) ends mdx quietly, also with status 1.  Either way
  the descriptor is then pointed at /dev/null, so that Python's last flush at exit
  finds nothing left to fail on.
* A write to standard error that fails is dropped: there is nowhere left to report it.
* JSON lines carry no raw line separators, control or format characters (`json_line`).
"""

from __future__ import annotations

import errno
import io
import os
import sys


class OutputError(Exception):
    """Standard output cannot be written; mdx stops (exit status 1)."""

    def __init__(self, error: OSError):
        self.errno = error.errno
        self.quiet = error.errno == errno.EPIPE         # the reader is gone: nothing to say
        super().__init__(f"cannot write to standard output: {error.strerror or error}")


class InputError(Exception):
    """The problems' input cannot be read any further (an I/O error while reading)."""


class StdoutClosed(OSError):
    """A write to standard output, which was closed before mdx started."""


class _Closed(io.TextIOBase):
    """Standard output that was closed before mdx started: every write fails."""

    encoding = "utf-8"

    def write(self, text):
        raise StdoutClosed(errno.EBADF, "it is closed")

    def writable(self) -> bool:
        return True


def prepare() -> None:
    """Make the standard streams safe to use (see the module's docstring)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            _to_devnull(fd)
    if sys.stdout is None:
        sys.stdout = _Closed()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")    # noqa: SIM115 - for the process


def _to_devnull(fd: int) -> None:
    try:
        new = os.open(os.devnull, os.O_RDWR)
        if new != fd:
            os.dup2(new, fd)
            os.close(new)
    except OSError:
        pass


def echo(text: str, err: bool = False) -> None:
    """A line to standard output (or error), flushed.  Where the stream cannot encode it
    (an ASCII locale, PYTHONIOENCODING=ascii) the line goes out as UTF-8 bytes, as click
    does.  Raises OutputError when standard output cannot be written."""
    stream = sys.stderr if err else sys.stdout
    try:
        _write(stream, text + "\n")
    except OSError as e:
        _to_devnull(2 if err else 1)
        if not err:
            raise OutputError(e) from None


def flush() -> None:
    try:
        sys.stdout.flush()
    except OSError as e:
        _to_devnull(1)
        raise OutputError(e) from None


def _write(stream, line: str) -> None:
    try:
        stream.write(line)
    except UnicodeEncodeError:
        stream.flush()
        stream.buffer.write(line.encode("utf-8", "backslashreplace"))
    stream.flush()


def output_error(e: OSError) -> OutputError:
    """An OSError without a file name met outside mdx.cli.streams (click writing help or a
    usage error, to a full disk or a closed stream): mdx reads its input through
    mdx.cli.batch, which names what it reads, so it is an output's failure."""
    _to_devnull(1)
    return OutputError(e)


def say(message: str) -> None:
    """One line on standard error, come what may (the last word before mdx exits)."""
    try:
        echo(message, err=True)
    except Exception:  # noqa: BLE001 - nothing can be reported any more
        pass


# ----------------------------------------------------------------- JSON lines
def json_line(record) -> str:
    """One JSON object on one line, safe for any reader: besides the control characters
    JSON always escapes, the line separators that str.splitlines() honours (U+2028,
    U+2029, U+0085), the other C1 controls, bidi overrides and every other character
    that is not printable are written as \\u escapes (the same string when decoded)."""
    import json
    text = json.dumps(record, ensure_ascii=False)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _json_escape(ch) for ch in text)


def _json_escape(ch: str) -> str:
    n = ord(ch)
    if n <= 0xFFFF:
        return f"\\u{n:04x}"
    n -= 0x10000
    return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"
