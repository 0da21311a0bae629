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
    """The rules of `rules` that can rewrite a node of `node_type`, in their order.  Keyed by
    the tuple's id (hashing its 28 rules at every node cost more than the lookup saved), the
    tuple kept beside the answer so that a new tuple at a reused address is not mistaken."""
    got = _memo.get((id(rules), node_type))
    if got is None or got[0] is not rules:
        got = _memo[id(rules), node_type] = (rules, tuple(
            r for r in rules if not hasattr(r, "node_types") or issubclass(node_type, r.node_types)))
    return got[1]
