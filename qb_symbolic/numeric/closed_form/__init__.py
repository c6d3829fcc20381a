"""The closed-form method: numpy/mpmath evaluators generated from the SymPy forms of
two-qubit batteries (the presets' Bell-block stages, any battery's Newton-form blocks),
their uniform-grid phase recurrences, exact derivatives, and the mpmath paths at digits=."""
