"""A rule marked `@on(T)` is tried on nodes of type T only (mdx.simplification.rule_types):
the mark must say what the rule's first statement already does, return None for any other
node.  Read from the source, for every rule simplify runs."""

import ast
import inspect
import textwrap

import pytest

from mdx.expressions import expr as E
from mdx.simplification import simplify, textbook
from mdx.simplification.rule_types import rules_for

RULES = tuple(dict.fromkeys(simplify.RULES + textbook.PRESENT_RULES))
MARKED = [r for r in RULES if hasattr(r, "node_types")]


def guarded_types(rule) -> set | None:
    """The node types the first statement lets through: `if not isinstance(e, T) [or …]:
    return None` or `if not (isinstance(e, T) and …): return None`; None for any other start."""
    fn = ast.parse(textwrap.dedent(inspect.getsource(rule))).body[0]
    body = fn.body[1:] if isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant) \
        else fn.body
    first, arg = body[0], fn.args.args[0].arg
    if not (isinstance(first, ast.If) and not first.orelse and len(first.body) == 1
            and isinstance(first.body[0], ast.Return)
            and (first.body[0].value is None or ast.unparse(first.body[0].value) == "None")):
        return None
    test = first.test
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):           # not isinstance(…) or …
        test = test.values[0]
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
        return None
    test = test.operand
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):          # not (isinstance(…) and …)
        test = test.values[0]
    if not (isinstance(test, ast.Call) and ast.unparse(test.func) == "isinstance"
            and ast.unparse(test.args[0]) == arg):
        return None
    types = test.args[1]
    names = [ast.unparse(t) for t in (types.elts if isinstance(types, ast.Tuple) else [types])]
    return {getattr(E, n.split(".")[-1]) for n in names}


@pytest.mark.parametrize("rule", MARKED, ids=[r.__name__ for r in MARKED])
def test_a_mark_says_what_the_rule_s_guard_does(rule):
    assert guarded_types(rule) == set(rule.node_types), rule.__name__


def test_most_rules_are_marked_and_a_node_gets_its_own():
    assert len(MARKED) >= 20
    for_mul = rules_for(simplify.RULES, E.Mul)
    assert simplify.vec_identities in for_mul and simplify.factor_sum not in for_mul
    assert set(rules_for(simplify.RULES, E.Sym)) == {r for r in simplify.RULES if not hasattr(r, "node_types")}


def test_the_reader_of_guards_reads_them():
    def a(e):
        """doc"""
        if not isinstance(e, E.Add) or len(e.terms) < 3:
            return None
        return e

    def b(e):
        if not (isinstance(e, E.Apply) and e.name == "sum"):
            return None

    def c(e):
        if isinstance(e, E.Mul):
            return e
        return None
    assert guarded_types(a) == {E.Add} and guarded_types(b) == {E.Apply} and guarded_types(c) is None
