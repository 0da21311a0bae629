"""Simplification: named rewrite rules run to the textbook form (present), the identities
of sums, vec and Kronecker forms.  Imports: the packages below it (expressions, language,
bounds, errors)."""
