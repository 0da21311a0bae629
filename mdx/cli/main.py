"""The console entry point.  A plain `mdx derive PROBLEM [options]` runs straight through
mdx.cli.derive_command without loading typer (which was a third of every start); anything else
(help, the other commands, an argument this reader does not know, a usage error) goes to
typer in mdx.cli.app, which owns the command line's definition.  tests/test_main.py checks
that both read every option alike.

No Python traceback ever reaches the user: `run` makes the standard streams safe
(mdx.cli.streams), takes SIGINT from its first line on, and ends every failure that escapes a
command (an output that cannot be written, memory, a bug) with one line on standard
error and an exit status: 130 for SIGINT, 1 otherwise.  This module imports nothing at
the top, so that mdx's own code runs unguarded for as short a time as possible."""

from __future__ import annotations

import sys

_VALUED = {"-f": "file", "--file": "file", "-l": "layout", "--layout": "layout",
           "-m": "method", "--method": "method", "--format": "fmt"}
_FLAGS = {"--steps": ("steps", True), "--no-steps": ("steps", False), "--check": ("check", True),
          "--bold": ("bold", True)}


def derive_arguments(args: list) -> dict | None:
    """run_derive's arguments from `derive ...`, or None for anything but a plain use."""
    from .derive_command import FORMATS, LAYOUTS, METHODS, OPTIONAL_VALUES
    if not args or args[0] != "derive":
        return None
    choices = {"layout": LAYOUTS, "method": METHODS, "fmt": FORMATS}
    out = {"problem": None, "file": None, "layout": "denominator", "method": "differential",
           "fmt": "text", "steps": True, "structured": None, "verify": None, "check": False,
           "bold": False}
    positional, i = [], 1
    while i < len(args):
        arg = args[i]
        name, inline = (arg.split("=", 1) + [None])[:2] if arg.startswith("--") else (arg, None)
        if arg == "--":
            positional.extend(args[i + 1:])
            break
        if name in _FLAGS and inline is None:
            key, value = _FLAGS[name]
            out[key] = value
        elif name in _VALUED:
            if inline is None:
                if i + 1 == len(args):
                    return None
                i, inline = i + 1, args[i + 1]
            key = _VALUED[name]
            if key in choices and inline not in choices[key]:
                return None
            if key == "file":
                from pathlib import Path
                inline = Path(inline)
            out[key] = inline
        elif name in OPTIONAL_VALUES:
            values = OPTIONAL_VALUES[name]
            if inline is None and i + 1 < len(args) and args[i + 1] in values:
                i, inline = i + 1, args[i + 1]
            out[name[2:]] = values[0] if inline is None else inline
        elif arg.startswith("-") and arg != "-":
            return None                     # --help, and whatever typer should judge
        else:
            positional.append(arg)
        i += 1
    if len(positional) > 1:
        return None
    out["problem"] = positional[0] if positional else None
    return out


class Interrupted(BaseException):
    """SIGINT.  Not a KeyboardInterrupt, which click would catch and turn into "Aborted!"
    with exit status 1; nothing in mdx or its libraries catches this."""


def _interrupt(signum, frame):
    raise Interrupted


def run() -> None:
    import signal
    signal.signal(signal.SIGINT, _interrupt)
    code = 1
    try:
        from . import streams
        streams.prepare()
        code = _main(sys.argv)
    except SystemExit as e:
        code = e.code
    except Interrupted:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _last_word("mdx: interrupted")
        code = 130
    except BaseException as e:  # noqa: BLE001 - never a traceback
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        code = _failure(e)
    finally:
        # the work is done (or given up): a late Ctrl-C must not interrupt Python's exit
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)


def _main(argv: list) -> int:
    params = derive_arguments(argv[1:])
    if params is not None:
        from .derive_command import UsageError, run_derive
        try:
            return run_derive(**params)
        except UsageError:
            pass                        # typer says it, as for every usage error
    from .app import typer_main
    typer_main(argv)
    return 0


def _failure(e: BaseException) -> int:
    """The one line for an error that escaped a command; the exit status."""
    from .streams import InputError, OutputError, output_error
    if isinstance(e, OSError) and not e.filename:
        e = output_error(e)
    if isinstance(e, OutputError):
        if not e.quiet:
            _last_word(f"mdx: {e}")
        return 1
    if isinstance(e, InputError):
        _last_word(f"mdx: {e}")
        return 1
    if isinstance(e, KeyboardInterrupt):
        _last_word("mdx: interrupted")
        return 130
    if isinstance(e, MemoryError):
        _last_word("mdx: out of memory")
        return 1
    if isinstance(e, OSError):
        what = f" {e.filename}" if e.filename else ""
        _last_word(f"mdx: input/output error{what}: {e.strerror or e}")
        return 1
    _last_word(f"mdx: internal error ({type(e).__name__}: {e}); please report it to the mdx "
               "developers")
    return 1


def _last_word(message: str) -> None:
    from ..errors import visible
    from .streams import say
    say(visible(message))
