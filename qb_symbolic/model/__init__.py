"""User-facing model inputs: Hamiltonians and initial states from labels, strings or matrices.

See :mod:`qb_symbolic.model.inputs`. Everything is exact: floats become the
rational number of their shortest decimal representation, symbols are real.
"""
