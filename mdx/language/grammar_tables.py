"""The plain-data tables of mdx.language.lalr, built by lark from grammar/mdx.lark (imported only
when the tables file is missing or stale)."""

from __future__ import annotations


def build(grammar: str, postlex) -> dict | None:
    """The parse table, the tree-building plan of every rule and each state's lexer, or
    None if this grammar uses a lark feature the runtime does not copy (terminal callbacks,
    a pattern flag it cannot carry)."""
    from lark import Lark
    from lark.parsers.lalr_analysis import Shift
    lk = Lark(grammar, parser="lalr", propagate_positions=True, postlex=postlex,
              maybe_placeholders=False)
    frontend = lk.parser
    table = frontend.parser.parser.parse_table
    rules = list(frontend.parser.parser.callbacks)       # every rule the table reduces by
    index = {id(r): i for i, r in enumerate(rules)}
    states = [None] * (max(table.states) + 1)
    for s, actions in table.states.items():
        states[s] = {sym: [act is Shift, arg if act is Shift else index[id(arg)]]
                     for sym, (act, arg) in actions.items()}
    contextual = frontend.lexer.lexer
    lexers, lexer_of, seen = [], [0] * len(states), {}
    for s, basic in contextual.lexers.items():
        if id(basic) not in seen:
            scanner = basic.scanner                         # builds it, as lark would
            if basic.callback or basic.use_bytes:
                return None
            seen[id(basic)] = len(lexers)
            lexers.append([[m.pattern for m in scanner._mres], basic.g_regex_flags])
        lexer_of[s] = seen[id(basic)]
    ignore = sorted(set().union(*(b.ignore_types for b in contextual.lexers.values())))
    return {"states": states, "start": table.start_states["start"], "end": table.end_states["start"],
            "rules": [_plan(r) for r in rules], "lexers": lexers, "lexer_of": lexer_of,
            "ignore": ignore}


def _plan(rule) -> list:
    """[origin, size, tree name, collapse a single child, children to keep or None]:
    lark.parse_tree_builder's ExpandSingleChild and ChildFilterLALR, as data."""
    opts = rule.options
    include = [[i, not sym.is_term and sym.name.startswith("_")]
               for i, sym in enumerate(rule.expansion)
               if opts.keep_all_tokens or not (sym.is_term and sym.filter_out)]
    filtered = len(include) < len(rule.expansion) or any(inline for _, inline in include)
    name = rule.alias or opts.template_source or rule.origin.name
    return [rule.origin.name, len(rule.expansion), name, bool(opts.expand1 and not rule.alias),
            include if filtered else None]
