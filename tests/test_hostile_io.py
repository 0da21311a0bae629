"""Hostile surroundings rather than hostile problems (issue 22): closed and full streams,
SIGINT at any moment, endless lines, planted cache files, damaged parse tables, input
that would drive the terminal or break a JSON Lines reader.  Every one ends with a clear
line on standard error and a sensible exit status, never a traceback, in bounded memory.
"""

import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

import mdx
from mdx.errors import InternalError, LimitError, MdxError, ParseError

MDX = [sys.executable, "-m", "mdx"]


def run(args, stdin=None, env=None, shell_redirect="", timeout=120, cwd=None):
    """The command line as a process; `shell_redirect` (e.g. `<&-`, `> /dev/full`) is
    applied by sh.  Returns (exit status, stdout, stderr) as text."""
    argv = MDX + list(args)
    if shell_redirect:
        argv = ["sh", "-c", f'"$@" {shell_redirect}', "sh"] + argv
    proc = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=cwd)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def peak_run(args, stdin_path=None, timeout=300):
    """Run the command line under a small wrapper that reports the child's peak memory
    (ru_maxrss of its only child, so nothing else is counted).  (status, out, err, MB)."""
    wrapper = ("import resource, subprocess, sys\n"
               "src = open(sys.argv[1], 'rb') if sys.argv[1] else None\n"
               "p = subprocess.run(sys.argv[2:], stdin=src, capture_output=True)\n"
               "sys.stdout.buffer.write(p.stdout)\n"
               "sys.stderr.buffer.write(p.stderr)\n"
               "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
               "file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", wrapper, stdin_path or "", *MDX, *args],
                          capture_output=True, timeout=timeout)
    err = proc.stderr.decode("utf-8", "replace").splitlines()
    code, peak = err.pop().split()
    return int(code), proc.stdout.decode("utf-8", "replace"), "\n".join(err), int(peak) / 1024


def assert_one_clear_line(err: str, *words):
    assert "Traceback" not in err and "Exception" not in err, err
    for w in words:
        assert w in err, err


# ----------------------------------------------------------------- closed and full streams
def test_closed_standard_input():
    code, out, err = run(["derive", "-"], shell_redirect="<&-")
    assert code == 2 and out == ""
    assert_one_clear_line(err, "cannot read standard input: it is closed", "mdx derive --help")


def test_closed_standard_output():
    code, _, err = run(["derive", "d x / dx"], shell_redirect=">&-")
    assert code == 1
    assert err == "mdx: cannot write to standard output: it is closed\n"
    code, _, err = run(["--help"], shell_redirect=">&-")
    assert code == 1 and err == "mdx: cannot write to standard output: it is closed\n"


def test_closed_standard_error_still_answers():
    code, out, _ = run(["derive", "d x / dx", "--format", "json", "--no-steps"],
                       shell_redirect="2>&-")
    assert code == 0 and json.loads(out)["result"]["text"] == "I_n"
    code, out, _ = run(["derive", "-", "--format", "json"], stdin=b"d x^ / dx\nd x / dx\n",
                       shell_redirect="2>&-")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and "error" in records[0] and records[1]["result"]["text"] == "I_n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["derive", "d x / dx"], ["derive", "d x / dx", "--format", "json"],
                                  ["derive", "d x^ / dx", "--format", "json"],
                                  ["solve", "d ||y - X w||^2 / dw"], ["derive", "--help"],
                                  ["check", "d x^T x / dx", "--script"]])
def test_a_full_disk(args):
    code, _, err = run(args, shell_redirect="> /dev/full")
    assert code == 1
    assert_one_clear_line(err, "mdx: cannot write to standard output: No space left on device")
    assert "internal error" not in err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_standard_error_keeps_the_exit_status():
    code, out, _ = run(["derive", "-", "--format", "json"], stdin=b"d x^ / dx\nd x / dx\n",
                       shell_redirect="2> /dev/full")
    assert code == 1 and len(out.splitlines()) == 2


def test_a_closed_pipe_ends_quietly(tmp_path):
    path = tmp_path / "many.txt"
    path.write_text("d x^T A x / dx\n" * 3000, encoding="utf-8")
    proc = subprocess.run(["sh", "-c", '"$@" | head -c 100 > /dev/null', "sh", *MDX, "derive",
                           "-f", str(path)], capture_output=True, timeout=120)
    assert proc.stderr == b""


# ----------------------------------------------------------------- SIGINT
_TIMED = ("import os, signal, sys, threading\n"
          "from mdx.cli.main import run\n"
          "delay = float(sys.argv[1])\n"
          "sys.argv = ['mdx'] + sys.argv[2:]\n"
          "threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
          "run()\n")


def test_sigint_at_any_moment_of_a_run():
    """SIGINT at random moments from the first line of mdx.main.run to the exit (the
    imports it makes, the tables, deriving, printing, Python's exit; typer's commands
    too): exit 130 with one line, or the whole answer; never a traceback.  (A signal
    during Python's own start or `import mdx`, before run, is not mdx's to catch: a
    library import must not take SIGINT.)"""
    rng = random.Random(22)
    cases = [(["derive", "d tr(X^T A X) / dX"], 0.25), (["derive", "d x^ / dx"], 0.6),
             (["solve", "d ||y - X w||^2 / dw"], 0.6)]
    seen = set()
    for args, span in cases:
        for _ in range(8):
            delay = rng.uniform(0, span)
            proc = subprocess.run([sys.executable, "-c", _TIMED, str(delay), *args],
                                  capture_output=True, timeout=120)
            err = proc.stderr.decode()
            assert "Traceback" not in err and "Exception" not in err, (delay, err)
            assert proc.returncode in (0, 1, 130), (delay, proc.returncode, err)
            if proc.returncode == 130:
                assert err.endswith("mdx: interrupted\n"), err
            seen.add(proc.returncode)
    assert 130 in seen


def test_sigint_while_reading_a_pipe():
    """A real `mdx derive -` stopped while it waits for the next line."""
    proc = subprocess.Popen(MDX + ["derive", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(b"d x^T x / dx\n")
    proc.stdin.flush()
    got = b""
    while b"result:" not in got:            # it has started and answered
        got += proc.stdout.read1(4096)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err == b"mdx: interrupted\n"


# ----------------------------------------------------------------- endless and huge lines
def test_an_endless_line_ends_the_input_in_bounded_memory(tmp_path):
    code, out, err, peak = peak_run(["derive", "-f", "/dev/zero", "--format", "json"])
    assert code == 1
    assert_one_clear_line(err, "line 1, column 10001: this line goes on for over",
                          "mdx stops reading the input here")
    assert len(err) < 2000 and "\x00" not in err + out
    assert json.loads(out)["error"]["line"] == 1
    assert peak < 150
    code, _, err, peak = peak_run(["derive", "-", "--format", "json"], stdin_path="/dev/zero")
    assert code == 1 and "mdx stops reading" in err and peak < 150
    code, _, err, peak = peak_run(["worksheet", "/dev/zero", "-o", str(tmp_path / "z.tex")])
    assert code == 1 and "mdx stops reading" in err and peak < 250


def test_a_50_megabyte_line_is_that_line_s_error(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:                   # written in pieces: the test stays small too
        fh.write(b"d x^T a / dx\nd ")
        for _ in range(50):
            fh.write(b"x + " * (1 << 18))
        fh.write(b"x / dx\n# a long comment " + b"c" * (10 << 20) + b"\n" + b" " * (10 << 20)
                 + b"\nd tr(X) / dX\n")
    for args, stdin in ((["derive", "-f", str(path)], None), (["derive", "-"], str(path))):
        code, out, err, peak = peak_run([*args, "--format", "json", "--no-steps"], stdin_path=stdin)
        records = [json.loads(line) for line in out.splitlines()]
        assert code == 1 and len(records) == 3
        assert records[0]["result"]["text"] == "a" and records[2]["result"]["text"] == "I_n"
        assert records[1]["error"]["line"] == 2
        assert "characters long (52,428,808 bytes)" in records[1]["error"]["message"]
        assert_one_clear_line(err, "line 2, column 10001: the problem is over 10,000 characters")
        assert len(err) < 2000 and len(out) < 40_000
        assert peak < 150, peak


# ----------------------------------------------------------------- caches
def _cache(tmp_path) -> dict:
    return {"XDG_CACHE_HOME": str(tmp_path), "MDX_NO_CACHE": ""}


_EVIL = """
class Evil:
    def __reduce__(self):
        return (exec, ("open({marker!r}, 'w').write('ran')",))
"""


def test_a_planted_pickle_is_never_loaded(tmp_path):
    """Lark's cache is a pickle, loaded before anything is checked: mdx uses none.  A
    pickle planted under any name in mdx's cache directory runs nothing, even when lark
    is needed (a syntax error to explain), and nothing unpickles at all."""
    marker = tmp_path / "ran"
    namespace: dict = {}
    exec(_EVIL.format(marker=str(marker)), namespace)
    payload = pickle.dumps(namespace["Evil"]())
    folder = tmp_path / "mdx"
    folder.mkdir(mode=0o700)
    v = sys.version_info
    for name in (f"grammar-py{v[0]}.{v[1]}.lark-cache", "lark-cache", "grammar.lark-cache"):
        (folder / name).write_bytes(payload)
    guard = ("import pickle, sys\n"
             "def refuse(*a, **k):\n    raise SystemExit('unpickled')\n"
             "pickle.load = pickle.loads = pickle.Unpickler = refuse\n"
             "from mdx.cli.main import run\nsys.argv = ['mdx'] + sys.argv[1:]\nrun()\n")
    for problem in ("d x^ / dx", "d tr(X) / dX", "d (x / dx"):
        proc = subprocess.run([sys.executable, "-c", guard, "derive", problem], capture_output=True,
                              env={**os.environ, **_cache(tmp_path)}, timeout=120)
        assert b"unpickled" not in proc.stderr and b"Traceback" not in proc.stderr
        code, _, err = run(["derive", problem], env=_cache(tmp_path))
        assert "Traceback" not in err and "internal error" not in err
    assert not marker.exists()


def test_a_cache_directory_open_to_others_is_made_private(tmp_path):
    folder = tmp_path / "mdx"
    folder.mkdir()
    folder.chmod(0o777)
    code, out, _ = run(["derive", "d tr(X) / dX", "--no-steps"], env=_cache(tmp_path))
    assert code == 0 and "I_n" in out
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_cache_directory_of_someone_else_is_not_used(tmp_path):
    folder = tmp_path / "mdx"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    os.chown(folder, 65534, 65534)
    code, out, err = run(["derive", "d tr(X) / dX", "--no-steps"], env=_cache(tmp_path))
    assert code == 0 and "I_n" in out and err == ""
    assert list(folder.iterdir()) == []             # neither read nor written


def _tables_file(tmp_path) -> Path:
    run(["derive", "d tr(X) / dX"], env=_cache(tmp_path))
    (path,) = [p for p in (tmp_path / "mdx").iterdir() if p.name.startswith("grammar-tables")]
    return path


@pytest.mark.parametrize("restamp", [False, True])
def test_stamped_but_damaged_tables(tmp_path, restamp):
    """Tables damaged behind a good stamp (and, `restamp`, behind a good checksum too, as
    a planted file would be): every problem still derives, and the file is rebuilt."""
    path = _tables_file(tmp_path)
    head, body = path.read_bytes().split(b"\n", 1)
    tables = json.loads(body)
    n = len(tables["states"])
    tables["states"] = [{k: [v[0], v[1] + 10_000] for k, v in st.items()} for st in tables["states"]]
    body = json.dumps(tables).encode()
    header = json.loads(head)
    if restamp:
        header["crc"] = zlib.crc32(body)
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)
    code, out, err = run(["derive", "-", "--format", "json", "--no-steps"], env=_cache(tmp_path),
                         stdin=b"d tr(X^T A X) / dX\nd x^ / dx\nd ||y - X w||^2 / dw\n")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r.get("result", {}).get("text") for r in records] == ["(A + A^T) X", None, "2 X^T (X w - y)"]
    assert "internal error" not in err and "Traceback" not in err
    assert zlib.crc32(path.read_bytes().split(b"\n", 1)[1]) == json.loads(path.read_bytes().split(b"\n", 1)[0])["crc"]
    rebuilt = json.loads(path.read_bytes().split(b"\n", 1)[1])["states"]
    assert len(rebuilt) == n and all(v[1] < n for st in rebuilt for v in st.values() if v[0])


def test_damaged_tables_in_process_fall_back_to_lark(monkeypatch):
    from mdx.language import lalr, parser
    good = parser._tables()
    broken = lalr.Tables({"states": [{"DLEAD": [True, 7]}], "start": 0, "end": 0, "rules": [],
                          "lexer_of": [0], "lexers": [[["(?P<DLEAD>d)"], 0]], "ignore": []})
    monkeypatch.setitem(parser._TABLES, "tables", broken)
    monkeypatch.setattr(lalr, "load", lambda *a, **k: good)
    assert str(mdx.derive("d tr(X) / dX").result) == "I_n"
    assert parser._TABLES["tables"] is good


# ----------------------------------------------------------------- terminal and JSON hygiene
NASTY = ["\x1b[31m", "\x1b]0;title\x07", "\x08", "\u202e", "\u2028", "\u2029", "\x85", "\x1c",
         "\x1d", "\x1e", "\x7f", "\x9b", "\u200f", "\u2066", "\x0b", "\x0c"]


def _printable(text: str) -> bool:
    return all(ch.isprintable() or ch == "\n" for ch in text)


def test_no_raw_control_character_reaches_the_terminal_or_json(tmp_path):
    problems = []
    for bad in NASTY:
        problems += [f"d x^T{bad} x / dx", f"d x^T x / dx where A{bad}: symmetric",
                     f"d x^T x{bad} / dx", f"d x^T x / dx where g{bad}() = 1"]
    path = tmp_path / "nasty.txt"
    path.write_text("\n".join(problems) + "\nd x^T x / dx\n", encoding="utf-8")
    for args in (["derive"], ["derive", "--format", "json"], ["derive", "--format", "numpy"],
                 ["solve"], ["solve", "--format", "json"]):
        code, out, err = run([*args, "-f", str(path)])
        assert "Traceback" not in err and "internal error" not in err
        assert _printable(out) and _printable(err), (args, out, err)
        if "json" in args:
            records = [json.loads(line) for line in out.splitlines()]
            assert len(records) == len(problems) + 1 == len(out.rstrip("\n").split("\n"))
            assert all(r["problem"] == p.strip() for r, p in zip(records, problems))
    # from the command line: a problem derived with a form feed in it, one that fails
    for problem in ("d x^T\x0c x / dx", "d x^T x\x1b]0;title\x07\u202e\u2028 / dx"):
        for args in (["derive", problem, "--format", "numpy"], ["solve", problem],
                     ["check", problem, "--script"]):
            code, out, err = run(args)
            assert _printable(out) and _printable(err), (args, out, err)
            assert "Traceback" not in err


def test_json_escapes_every_line_separator():
    from mdx.cli.streams import json_line
    record = {"problem": "a\u2028b\u2029c\x85d\x1ce\x1df\x1eg\u202eh\U000e0001i", "ok": "‖x‖ ∂ σ"}
    line = json_line(record)
    assert len(line.splitlines()) == 1 and line.isprintable() and line.isascii() is False
    assert json.loads(line) == record


def test_the_caret_is_measured_against_the_escaped_line():
    for problem, bad in (("d x\u202e^T x / dx", "\\u202e"), ("d x\x1b[2J^T x / dx", "\\x1b"),
                         ("d x^T x / dx where a\u2028: vector", "\\u2028"),
                         ("d\tx^T\t! / dx", "!")):
        with pytest.raises(MdxError) as info:
            mdx.derive(problem)
        first, shown, caret = info.value.render(problem).splitlines()[:3]
        assert shown.isprintable() and first.isprintable()
        at = caret.index("^")
        assert shown[at:at + len(bad)] == bad, (shown, caret)
        assert len(caret.strip()) == len(bad)


def test_a_wide_character_moves_the_caret_two_columns():
    err = MdxError("here", 6).render("d 漢字 x! / dx")
    shown, caret = err.splitlines()[1:3]
    assert caret.index("^") == len("  d 漢字 ") + 2


def test_a_long_line_of_escapes_is_still_a_window():
    problem = "d " + "\x1b" * 300 + "x / dx"
    with pytest.raises(MdxError) as info:
        mdx.derive(problem)
    shown = info.value.render(problem).splitlines()[1]
    assert shown.isprintable() and len(shown) <= 110


# ----------------------------------------------------------------- the rest of issue 22
def test_usage_errors_point_to_the_command_s_own_help(tmp_path):
    for args, command in ((["solve"], "solve"), (["solve", "-f", str(tmp_path / "none")], "solve"),
                          (["worksheet", str(tmp_path / "none"), "-o", str(tmp_path / "s.tex")],
                           "worksheet"), (["derive"], "derive")):
        code, _, err = run(args)
        assert code == 2 and f"Try 'mdx {command} --help'." in err, (args, err)


def test_a_failed_pdf_build_keeps_the_user_s_tex(tmp_path):
    problems = tmp_path / "p.txt"
    problems.write_text("d x^T x / dx\n", encoding="utf-8")
    mine = tmp_path / "sheet.tex"
    mine.write_text("my own notes\n", encoding="utf-8")
    env = {"PATH": str(tmp_path / "no-latex-here")}
    for n in (1, 2):
        code, _, err = run(["worksheet", str(problems), "-o", str(tmp_path / "sheet.pdf"), "--pdf"],
                           env=env)
        assert code == 1 and f"kept in {tmp_path / f'sheet-{n}.tex'}" in err, err
        assert r"\begin{document}" in (tmp_path / f"sheet-{n}.tex").read_text(encoding="utf-8")
    assert mine.read_text(encoding="utf-8") == "my own notes\n"


def test_check_script_of_a_problem_with_a_newline():
    code, out, err = run(["check", "d x^T x\n / dx", "--script"])
    assert code == 0 and out.startswith("# mdx check: d x^T x\\n / dx\n")
    compile(out, "<script>", "exec")


def _error(problem):
    with pytest.raises(MdxError) as info:
        mdx.derive(problem)
    e = info.value
    assert not isinstance(e, InternalError), e.render(problem)
    return e


def test_a_function_definition_without_a_parameter():
    e = _error("d g(x^T x) / dx where g() = 1")
    assert "needs a parameter" in e.message and "g(t)" in e.message and e.column == 25
    assert "no matching" not in e.message
    e = _error("d tr() / dX")
    assert "empty parentheses" in e.message and e.column == 6


@pytest.mark.parametrize("problem, column", [("d x^T x / dx where x: vector 0", 30),
                                             ("d tr(X) / dX where X: matrix 3 x 0", 34),
                                             ("d tr(X) / dX where X: matrix 0x3", 30),
                                             ("d 1_0^T x / dx", 3), ("d 1_{00}^T x / dx", 3),
                                             ("d ones(0)^T x / dx", 8)])
def test_a_size_of_zero_is_refused_where_it_is_declared(problem, column):
    e = _error(problem)
    assert isinstance(e, ParseError) and "at least 1" in e.message and e.column == column
    code, _, err = run(["derive", problem, "--verify"])
    assert code == 1 and "internal error" not in err and f"column {column}" in err


def test_3x3_is_three_by_three():
    der = mdx.derive("d tr(X) / dX where X: matrix 3x3")
    assert der.symbols["X"].shape == ("3", "3") and str(der.result) == "I_3"
    der = mdx.derive("d a^T X b / dX where X: matrix 2x4")
    assert der.symbols["X"].shape == ("2", "4")
    assert mdx.derive("d x^T x / dx where x: vector 3").symbols["x"].shape == ("3", "1")


def test_only_scalar_functions_are_declared():
    for kind in ("vector", "matrix", "row vector"):
        problem = f"d sum(g(x)) / dx where g: {kind} function"
        e = _error(problem)
        assert "only scalar functions" in e.message and e.column == problem.index(kind) + 1
        assert "g: scalar function" in e.hint
    assert mdx.derive("d sum(g(x)) / dx where g: scalar function").result is not None


@pytest.mark.parametrize("number", ["1" * 5000, "1" * 101, "0." + "0" * 200 + "1", "1e999999999",
                                    "2.5E-400"])
def test_an_absurd_number_is_refused_at_once(number):
    problem = f"d  {number} x / dx"
    started = time.time()
    e = _error(problem)
    assert isinstance(e, LimitError) and time.time() - started < 5
    assert 4 <= e.column <= 6 and e.column + e.width <= 4 + len(number)    # on the number
    text = e.render(problem)
    assert len(text.splitlines()[1]) <= 110


def test_numbers_within_reason_still_work():
    assert mdx.derive("d " + "7" * 100 + " x / dx").result is not None
    assert mdx.derive("d 1e-300 x / dx").result is not None
    assert mdx.derive("d x^T W_{12345} x / dx").result is not None
