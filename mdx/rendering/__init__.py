"""Rendering: code (NumPy, PyTorch), shared pieces named once, derivations as text, LaTeX and
JSON, rule text in LaTeX, and fitting worksheet rows.  Imports: shapes and below."""
