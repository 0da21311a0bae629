"""Checking a result: finite differences (verify), SymPy exactly (exact), PyTorch autograd
(torch_check), methods against each other (agree), at bounded sizes.  Imports: rendering
and below."""
