"""Expressions: immutable nodes, their smart constructors, the table of functions, and how an
expression reads (text, LaTeX); user-defined functions and SymPy values of expressions.
Imports: mdx.errors, mdx.bounds, mdx.language."""
