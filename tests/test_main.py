"""mdx.main reads a plain `mdx derive ...` without typer; typer (mdx.cli) owns the command
line.  Both must read every option alike, and what the fast reader does not know goes to
typer.  Starting mdx must not import typer, lark, sympy or numpy."""

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import mdx.cli.app
from mdx.cli.main import derive_arguments

ARGVS = [
    ["derive", "d x / dx"],
    ["derive", "d x / dx", "--no-steps"],
    ["derive", "--no-steps", "d x / dx", "--steps"],
    ["derive", "d x / dx", "-l", "numerator", "-m", "chain", "--format", "json"],
    ["derive", "d x / dx", "--layout=numerator", "--method=all", "--format=numpy"],
    ["derive", "-f", "problems.txt", "--format", "latex"],
    ["derive", "--file=problems.txt"],
    ["derive", "-"],
    ["derive", "d X / dX where X: symmetric", "--structured"],
    ["derive", "d X / dX where X: symmetric", "--structured", "cookbook"],
    ["derive", "d X / dX where X: symmetric", "--structured=sym"],
    ["derive", "d x / dx", "--verify"],
    ["derive", "d x / dx", "--verify", "exact", "--check"],
    ["derive", "d x / dx", "--format", "latex", "--bold"],
    ["derive", "--", "d x / dx"],
]


def _by_typer(argv, monkeypatch):
    seen = {}

    def record(*args):
        names = ("problem", "file", "layout", "method", "fmt", "steps", "structured", "verify", "check", "bold")
        seen.update(zip(names, args))
        return 0
    monkeypatch.setattr(mdx.cli.app, "run_derive", record)
    args = list(argv)
    for n, arg in enumerate(args):          # what typer_main does to a bare option
        for option, values in mdx.cli.app.OPTIONAL_VALUES.items():
            if arg == option and (n + 1 == len(args) or args[n + 1] not in values):
                args[n] = f"{option}={values[0]}"
    result = CliRunner().invoke(mdx.cli.app.app, args)
    assert result.exit_code == 0, result.output
    return seen


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_the_fast_reader_reads_as_typer_does(argv, monkeypatch):
    fast = derive_arguments(argv)
    assert fast is not None
    typer_args = _by_typer(argv, monkeypatch)
    norm = lambda d: {k: (str(v) if k == "file" and v is not None else v) for k, v in d.items()}  # noqa: E731
    assert norm(fast) == norm(typer_args)


@pytest.mark.parametrize("argv", [["derive", "--help"], ["derive", "d x / dx", "--layout", "bogus"],
                                  ["derive", "a", "b"], ["derive", "d x / dx", "--method"],
                                  ["derive", "d x / dx", "-x"], ["solve", "d x / dx = 0"],
                                  ["--version"], [], ["derive", "d x / dx", "--steps=1"]])
def test_anything_else_goes_to_typer(argv):
    assert derive_arguments(argv) is None


def test_a_start_loads_neither_typer_nor_lark():
    code = ("import sys\nsys.argv = ['mdx', 'derive', 'd tr(X^T A X) / dX']\n"
            "from mdx.cli.main import run\n"
            "try:\n    run()\nexcept SystemExit as e:\n    assert e.code == 0\n"
            "heavy = {'typer', 'click', 'lark', 'sympy', 'numpy', 'rich'} & "
            "{m.split('.')[0] for m in sys.modules}\n"
            "print(sorted(heavy))\n")
    for _ in range(2):      # the first start may build the grammar's tables (with lark)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**os.environ}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_usage_errors_read_as_typer_s(tmp_path):
    env = {**os.environ}
    out = subprocess.run([sys.executable, "-m", "mdx", "derive"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 2 and "give one problem" in out.stderr
    missing = subprocess.run([sys.executable, "-m", "mdx", "derive", "-f", str(tmp_path / "none.txt")],
                             capture_output=True, text=True, env=env, timeout=120)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_a_problem_that_cannot_be_printed_fails_alone(monkeypatch, capsys):
    """Printing can exceed the work limit too (the JSON steps of a very deep network):
    that problem fails with its message, the next is printed, and no traceback."""
    from mdx.cli import derive_command as cli_derive
    from mdx.errors import LimitError
    real = cli_derive.Emitter.one

    def one(self, der, *args, **kwargs):
        if "tanh" in der.problem:
            raise LimitError("the derivation needs more than 3,000,000 steps of work", 1, "split it")
        return real(self, der, *args, **kwargs)
    monkeypatch.setattr(cli_derive.Emitter, "one", one)
    monkeypatch.setattr("sys.stdin", type("S", (), {"buffer": __import__("io").BytesIO(
        b"d ||tanh(W x) - y||^2 / dW\nd x^T x / dx\n")})())
    code = cli_derive.run_derive("-", None, "denominator", "differential", "json", True, None, None, False)
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err and "line 1, column 1: the derivation needs" in err
    records = [__import__("json").loads(line) for line in out.splitlines()]
    assert "error" in records[0] and records[1]["result"]["text"] == "2 x"


def test_an_ascii_terminal_still_gets_the_result():
    """click writes UTF-8 bytes where the stream cannot encode a line; so does mdx.main."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    out = subprocess.run([sys.executable, "-m", "mdx", "derive", "d tr(X^T A X) / dX", "--no-steps"],
                         capture_output=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "∂f/∂X = (A + A^T) X    (n×m)" in out.stdout.decode("utf-8")


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path):
    """`mdx derive -f big.txt | head -1`: no error per remaining problem, no traceback."""
    path = tmp_path / "many.txt"
    path.write_text("d x^T A x / dx\n" * 400)
    proc = subprocess.Popen([sys.executable, "-m", "mdx", "derive", "-f", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert err == "", err
