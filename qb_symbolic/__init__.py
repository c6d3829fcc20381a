"""qb_symbolic: exact closed forms for two-qubit Heisenberg quantum batteries with DM interaction.

The battery of Zhang, Song and Wang (arXiv:2406.16047): two qubits coupled by a
Heisenberg XYZ interaction with a z-axis Dzyaloshinskii-Moriya term, charged by
a transverse field from the empty state ``|dd>``. Conventions: CONVENTIONS.md
(restated in the README).

Layers, one direction of imports::

    symbols, models  ->  subspaces  ->  spectrum  ->  dynamics
"""

from .dynamics import EvolvedState, evolved_state, partial_trace
from .models import MODELS, Battery
from .spectrum import Eigensystem, eigensystem
from .subspaces import block_decomposition, symmetry_adapted_basis
from .symbols import PARAMETERS, D, Delta, J, Omega, gamma, omega0, t

__version__ = "0.1.0"

__all__ = [
    "MODELS",
    "PARAMETERS",
    "Battery",
    "D",
    "Delta",
    "Eigensystem",
    "EvolvedState",
    "J",
    "Omega",
    "block_decomposition",
    "eigensystem",
    "evolved_state",
    "gamma",
    "omega0",
    "partial_trace",
    "symmetry_adapted_basis",
    "t",
]
