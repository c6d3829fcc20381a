"""Core building blocks shared by the model layer: Pauli operators and kets.

Conventions (``docs/conventions.md``): basis ``|uu>, |ud>, |du>, |dd>`` with
``sz|u> = +|u>``; cell 1 is the left Kronecker factor; a two-letter Pauli label
names one operator per cell, cell 1 first (``"XY"`` is ``sx (x) sy``).
"""
