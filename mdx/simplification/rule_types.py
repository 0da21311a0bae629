"""Which nodes a rule can rewrite, said beside the rule: `@on(E.Add)` on a rule whose first
statement returns None for any other node.  simplify tries a node's rules only (28 rules
tried on every node were most of a small derivation's time); tests/test_rule_types.py
reads each rule's first statement to check that it says what the decorator says."""

from __future__ import annotations


def on(*node_types):
    def mark(rule):
        rule.node_types = node_types
        return rule
    return mark


def rules_for(rules: tuple, node_type: type, _memo: dict = {}) -> tuple:  # noqa: B006 - a memo
    """The rules of `rules` that can rewrite a node of `node_type`, in their order."""
    key = (rules, node_type)
    got = _memo.get(key)
    if got is None:
        got = _memo[key] = tuple(r for r in rules if not hasattr(r, "node_types")
                                 or issubclass(node_type, r.node_types))
    return got
