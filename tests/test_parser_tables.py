"""mdx.lalr (plain-data tables, no lark at start-up) builds exactly lark's tree, and leaves
every syntax error to lark: compared on every corpus problem, random problems, mutilated
ones and the error cases of the test suite."""

import random

import pytest
from hypothesis import HealthCheck, given, settings

from corpora import CORPUS
from mdx.language import lalr
from mdx.language import parser
from problem_gen import problems


def _shape(t):
    """Everything mdx.parser reads from a tree: names, token types, values and spans."""
    if isinstance(t, str):
        return ("tok", t.type, str(t), t.start_pos, t.end_pos, t.column)
    return (t.data, t.meta.start_pos, t.meta.end_pos, tuple(_shape(k) for k in t.children))


def _both(text):
    fast = lalr.parse(parser._tables(), text, parser._NormBars())
    try:
        slow = parser._lark().parse(text)
    except Exception:           # noqa: BLE001 - lark's syntax errors
        slow = None
    return fast, slow


def _same(text):
    fast, slow = _both(text)
    if slow is None:
        assert fast is None, text             # never a tree for what lark refuses
    else:
        assert fast is not None and _shape(fast) == _shape(slow), text


def test_the_tables_load_as_plain_data():
    assert parser._tables() is not None


@pytest.mark.parametrize("source", sorted({s for s, _ in CORPUS}))
def test_every_corpus_problem_parses_to_lark_s_tree(source):
    for src, case in CORPUS:
        if src == source:
            _same(case["problem"].strip())


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(problems())
def test_random_problems_parse_to_lark_s_tree(case):
    _same(case.problem.strip())


def test_mutilated_problems_are_refused_or_parsed_alike():
    rng = random.Random(7)
    texts = [c["problem"].strip() for _, c in CORPUS]
    pieces = list("()|‖^T'.*/+-,;:_ ") + ["where", "d", "∘", "⊗", ".^", "1_n", "tr(", "||"]
    for _ in range(3000):
        t = list(rng.choice(texts))
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(t) + 1)
            if rng.random() < 0.5 and t:
                del t[min(i, len(t) - 1)]
            else:
                t.insert(i, rng.choice(pieces))
        _same("".join(t).strip() or "d")


@pytest.mark.parametrize("text", ["d x / dx where x: vector; A: matrix",
                                  "d ||x||_2 + ‖A x‖ / dx", "d/dx x^T A x", "d^2 x^T A x / dx^2",
                                  "d tr(X^{-1}) + x.^(-1/2) / dX", "d x - || / dx", "d (x / dx",
                                  "d x / dx where g(t) = t^3 + sin(t)", "d 3.^2 x / dx"])
def test_hand_picked(text):
    _same(text)


def test_a_stale_or_damaged_tables_file_is_rebuilt(tmp_path):
    path = tmp_path / "tables.json"
    grammar = parser.grammar_text()
    text = "d ||W2 tanh(W1 x) - y||^2 / dW1 where x: vector"

    def tree(tables):
        return _shape(lalr.parse(tables, text, parser._NormBars()))
    first = lalr.load(grammar, str(path), parser._NormBars())
    assert first is not None and path.stat().st_size > 1000
    for junk in ("", "{not json", '{"stamp": "0:1:2"}', path.read_text()[:300]):
        path.write_text(junk)
        again = lalr.load(grammar, str(path), parser._NormBars())
        assert again is not None and tree(again) == tree(first)   # (lark numbers states anew)
    changed = lalr.load(grammar + "\n// a comment\n", str(path), parser._NormBars())
    assert changed is not None and '"stamp"' in path.read_text()
