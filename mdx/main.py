"""The console entry point.  A plain `mdx derive PROBLEM [options]` runs straight through
mdx.cli_derive without loading typer (which was a third of every start); anything else
(help, the other commands, an argument this reader does not know, a usage error) goes to
typer in mdx.cli, which owns the command line's definition.  tests/test_main.py checks
that both read every option alike.  No Python traceback ever reaches the user."""

from __future__ import annotations

import sys
from pathlib import Path

_VALUED = {"-f": "file", "--file": "file", "-l": "layout", "--layout": "layout",
           "-m": "method", "--method": "method", "--format": "fmt"}
_FLAGS = {"--steps": ("steps", True), "--no-steps": ("steps", False), "--check": ("check", True)}


def derive_arguments(args: list) -> dict | None:
    """run_derive's arguments from `derive ...`, or None for anything but a plain use."""
    from .cli_derive import FORMATS, LAYOUTS, METHODS, OPTIONAL_VALUES
    if not args or args[0] != "derive":
        return None
    choices = {"layout": LAYOUTS, "method": METHODS, "fmt": FORMATS}
    out = {"problem": None, "file": None, "layout": "denominator", "method": "differential",
           "fmt": "text", "steps": True, "structured": None, "verify": None, "check": False}
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
            out[key] = Path(inline) if key == "file" else inline
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


def run() -> None:
    argv = sys.argv
    try:
        params = derive_arguments(argv[1:])
        if params is not None:
            from .cli_derive import UsageError, run_derive
            try:
                sys.exit(run_derive(**params))
            except UsageError:
                pass                        # typer says it, as for every usage error
        from .cli import typer_main
        typer_main(argv)
    except KeyboardInterrupt:
        sys.exit(130)
