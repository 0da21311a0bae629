"""Kinds and shapes: declarations, inference by unification, SPEC 8's ML forms and SPEC 9's
readings, and the typed build of an expression.  Imports: simplification and below."""
