"""qb_symbolic: exact closed forms for two-qubit Heisenberg quantum batteries with DM interaction.

The battery of Zhang, Song and Wang (arXiv:2406.16047): two qubits coupled by a
Heisenberg XYZ interaction with a z-axis Dzyaloshinskii-Moriya term, charged by
a transverse field from the empty state ``|dd>``. Conventions: CONVENTIONS.md
(restated in the README).

Layers, one direction of imports::

    symbols, models  ->  subspaces  ->  spectrum  ->  dynamics  ->  quantities
        ->  codegen  ->  evaluate, charging  ->  cli
"""

from .charging import ChargingResult, charging_time, max_power
from .codegen import QUANTITIES
from .dynamics import EvolvedState, evolved_state, partial_trace
from .evaluate import evaluate, evaluate_many
from .models import MODELS, Battery
from .quantities import (
    FiguresOfMerit,
    coherence_of_state,
    concurrence_of_pure_state,
    ergotropy_of_state,
    figures_of_merit,
    steering_of_state,
)
from .spectrum import Eigensystem, eigensystem
from .subspaces import block_decomposition, symmetry_adapted_basis
from .symbols import PARAMETERS, D, Delta, J, Omega, gamma, omega0, t

__version__ = "0.1.0"

__all__ = [
    "MODELS",
    "PARAMETERS",
    "QUANTITIES",
    "Battery",
    "ChargingResult",
    "D",
    "Delta",
    "Eigensystem",
    "EvolvedState",
    "FiguresOfMerit",
    "J",
    "Omega",
    "block_decomposition",
    "charging_time",
    "coherence_of_state",
    "concurrence_of_pure_state",
    "eigensystem",
    "ergotropy_of_state",
    "evaluate",
    "evaluate_many",
    "evolved_state",
    "figures_of_merit",
    "gamma",
    "max_power",
    "omega0",
    "partial_trace",
    "steering_of_state",
    "symmetry_adapted_basis",
    "t",
]
