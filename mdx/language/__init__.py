"""The language: the grammar's tables and parser (text -> syntax tree with positions), the
spelling of names (names), and hints for the notations of other tools.
Imports: mdx.errors, mdx.bounds."""
