"""The README's examples print what the README shows: each `$ mdx …` line of a code block
is run, and its output compared line by line (a line `...` stands for any lines)."""

import importlib.util
import re
import shlex
from pathlib import Path

import pytest

from mdx.cli.main import _main

README = Path(__file__).resolve().parent.parent / "README.md"


def _examples():
    out = []
    for block in re.findall(r"```[^\n]*\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        lines = block.rstrip("\n").split("\n")
        starts = [i for i, line in enumerate(lines) if line.startswith("$ ")] + [len(lines)]
        for i, j in zip(starts, starts[1:]):
            if lines[i].startswith("$ mdx "):
                out.append((lines[i][len("$ mdx "):], "\n".join(lines[i + 1:j]).rstrip("\n")))
    return out


def _pattern(shown: str):
    """The shown output as a regular expression: `...` alone on a line matches any lines."""
    parts = [r"(?:.*\n)*?" if line.strip() == "..." else re.escape(line.rstrip()) + r"\n"
             for line in shown.split("\n")]
    return re.compile("".join(parts))


EXAMPLES = _examples()


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("command,shown", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_a_readme_example_prints_what_it_shows(command, shown, capsys):
    if "--check" in command and importlib.util.find_spec("torch") is None:
        pytest.skip("--check needs torch")
    try:
        _main(["mdx", *shlex.split(command)])      # as the console entry point reads it
    except SystemExit:
        pass
    out = capsys.readouterr()
    output = out.out + out.err
    printed = "\n".join(line.rstrip() for line in output.rstrip("\n").split("\n")) + "\n"
    torch_version = re.compile(r"PyTorch \d+\.\d+\.\d+")      # whichever torch is installed
    printed, shown = (torch_version.sub("PyTorch N", t) for t in (printed, shown))
    assert _pattern(shown).fullmatch(printed), printed
