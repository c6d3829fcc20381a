"""qb_symbolic: exact closed forms and fast numerics for few-qubit quantum batteries.

It started from the battery of Zhang, Song and Wang (arXiv:2406.16047): two qubits coupled
by a Heisenberg XYZ interaction with a z-axis Dzyaloshinskii-Moriya term, charged by a
transverse field from the empty state ``|dd>``; one :class:`Battery` now holds any
two-qubit Hamiltonian, mixed and thermal starts, chains, networks and dissipators.
Conventions: docs/conventions.md; the layers and the pipeline: ARCHITECTURE.md.

Layers, one direction of imports (checked by tests/test_layers.py)::

    core  ->  model  ->  symbolic  ->  numeric  ->  export  ->  paper  ->  cli

``core``: symbols, exact values, Pauli algebra; ``model``: the battery objects (presets,
Pauli/string/matrix input, states); ``symbolic``: structure, blocks, roots, spectrum,
evolution, figures of merit (SymPy, exact); ``numeric``: code generation, disk cache,
numpy/mpmath evaluation, uniform grids, charging times; ``export``: the LaTeX printer and
the formulas document of any battery; ``paper``: the paper's sections, figures, claims and
report; ``cli``: the ``qb-symbolic`` command.
"""

from .core.errors import NoClosedForm
from .core.symbols import PARAMETERS, D, Delta, J, Omega, gamma, omega0, t
from .core.version import __version__ as __version__
from .export.code import LANGUAGES, export
from .model.battery import Battery
from .model.chain import chain
from .model.dissipators import (
    Dissipator,
    T_bath,
    amplitude_damping,
    dephasing,
    gamma_d,
    kappa,
    thermal,
)
from .model.float_inputs import FLOAT_TOLERANCE, FloatInputWarning
from .model.network import network
from .model.open_battery import OpenBattery, open_battery
from .model.presets import MODELS
from .numeric.closed_form.codegen import QUANTITIES
from .numeric.closed_form.derivatives import derivative, derivative_expr
from .numeric.evaluate import evaluate, evaluate_many
from .numeric.open.channel_numeric import CHANNEL_QUANTITIES, charged_then_noisy, noisy_quantity
from .numeric.search.charging import charging_time, max_power
from .numeric.search.charging_base import ChargingResult
from .numeric.search.optimise import OptimumResult, optimise
from .numeric.search.protocols import ProtocolResult, best_charging_time, charge_and_store
from .numeric.search.sweep import SweepResult, sweep
from .symbolic.any_battery import (
    BatteryFigures,
    BatteryState,
    BlockEigensystem,
    eigensystem,
    evolved_state,
    figures_of_merit,
)
from .symbolic.channels import CHANNELS, Channel, channel
from .symbolic.dynamics import EvolvedState, partial_trace
from .symbolic.gibbs_batteries import GIBBS_MODELS, gibbs_battery
from .symbolic.mixed_states import (
    bell_diagonal_state,
    beta,
    product_state,
    thermal_state,
    werner_state,
)
from .symbolic.quantities import (
    FiguresOfMerit,
    coherence_of_state,
    concurrence_of_pure_state,
    ergotropy_of_state,
    steering_of_state,
)
from .symbolic.spectrum import Eigensystem
from .symbolic.subspaces import block_decomposition, symmetry_adapted_basis

__all__ = [
    "CHANNELS",
    "CHANNEL_QUANTITIES",
    "FLOAT_TOLERANCE",
    "GIBBS_MODELS",
    "LANGUAGES",
    "MODELS",
    "PARAMETERS",
    "QUANTITIES",
    "Battery",
    "BatteryFigures",
    "BatteryState",
    "BlockEigensystem",
    "Channel",
    "ChargingResult",
    "D",
    "Delta",
    "Dissipator",
    "Eigensystem",
    "EvolvedState",
    "FiguresOfMerit",
    "FloatInputWarning",
    "J",
    "NoClosedForm",
    "Omega",
    "OpenBattery",
    "OptimumResult",
    "ProtocolResult",
    "SweepResult",
    "T_bath",
    "amplitude_damping",
    "bell_diagonal_state",
    "best_charging_time",
    "beta",
    "block_decomposition",
    "chain",
    "channel",
    "charge_and_store",
    "charged_then_noisy",
    "charging_time",
    "coherence_of_state",
    "concurrence_of_pure_state",
    "dephasing",
    "derivative",
    "derivative_expr",
    "eigensystem",
    "ergotropy_of_state",
    "evaluate",
    "evaluate_many",
    "evolved_state",
    "export",
    "figures_of_merit",
    "gamma",
    "gamma_d",
    "gibbs_battery",
    "kappa",
    "max_power",
    "network",
    "noisy_quantity",
    "omega0",
    "open_battery",
    "optimise",
    "partial_trace",
    "product_state",
    "steering_of_state",
    "sweep",
    "symmetry_adapted_basis",
    "t",
    "thermal",
    "thermal_state",
    "werner_state",
]
