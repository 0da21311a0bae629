"""Deriving: the differential rules, the three methods, identification in a layout, steps,
the library entry point `derive` (api), and stationary points (solving).
Imports: checking and below."""
