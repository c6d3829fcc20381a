"""The derivations behind the LaTeX document, one builder per section.

Each builder derives its formulas with the package (block decomposition,
eigensystem, evolved state, figures of merit), rewrites them with named
intermediates, checks every rewrite exactly where that is cheap, and returns a
:class:`qb_symbolic.export.latex.Section` whose formulas carry a
:class:`qb_symbolic.export.latex.Claim` saying what each one is, so the round-trip test
can evaluate the printed SymPy expression against :func:`qb_symbolic.evaluate`
or an independent reference.

Notation (shared by every section): ``lambda_0 = J(Delta - 2 gamma)`` is the
energy of the exact eigenstate ``Phi-``; ``lambda_1 > lambda_2 > lambda_3`` are
the eigenvalues of the 3x3 block on ``Phi+, Psi+, Psi-``; ``nu_k = lambda_k -
lambda_0``; ``w_k = |<e_k|Phi+>|^2``; ``q(lambda)`` and ``p'(lambda)`` are the
adjugate entry and the derivative of the block's characteristic polynomial, so
``w_k = q(lambda_k)/p'(lambda_k)``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from ..export.latex import Section

# The builders live in modules by topic; everything is importable from here.
from .sections_coherence import coherence_steering_section
from .sections_ergotropy import (
    MODEL_TITLES,
    charging_time_section,
    decoupled_ergotropy,
    ergotropy_section,
    model_ergotropy_section,
    parallel_ergotropy,
)
from .sections_shared import (
    C_fn,
    D,
    Delta,
    F3_fn,
    J,
    Omega,
    P_fn,
    Q_fn,
    R,
    S_fn,
    X,
    a_sym,
    c_sym,
    cubic_definitions,
    dp_fn,
    ergotropy_definitions,
    ergotropy_sum,
    f_fn,
    gamma,
    k,
    lam,
    lam_var,
    nu,
    omega0,
    phi,
    q_fn,
    r_sym,
    t,
    t_min,
    u,
    v,
    w,
    weight_definitions,
    zeta_fn,
)
from .sections_structure import (
    eigenvalues_section,
    evolved_state_section,
    hamiltonian_section,
    quadratic_pieces,
)
from .sections_thermal import thermal_section

__all__ = [
    "BUILDERS",
    "DOCUMENT_KEYS",
    "MODEL_TITLES",
    "SECTION_KEYS",
    "C_fn",
    "D",
    "Delta",
    "F3_fn",
    "J",
    "Omega",
    "P_fn",
    "Q_fn",
    "R",
    "S_fn",
    "X",
    "a_sym",
    "build",
    "c_sym",
    "charging_time_section",
    "coherence_steering_section",
    "cubic_definitions",
    "decoupled_ergotropy",
    "dp_fn",
    "eigenvalues_section",
    "ergotropy_definitions",
    "ergotropy_section",
    "ergotropy_sum",
    "evolved_state_section",
    "f_fn",
    "gamma",
    "hamiltonian_section",
    "k",
    "lam",
    "lam_var",
    "model_ergotropy_section",
    "nu",
    "omega0",
    "parallel_ergotropy",
    "phi",
    "q_fn",
    "quadratic_pieces",
    "r_sym",
    "t",
    "t_min",
    "u",
    "v",
    "w",
    "weight_definitions",
    "zeta_fn",
]


#: Section keys in document order, with the derivation script that writes each.
SECTION_KEYS = (
    "hamiltonian",
    "eigenvalues",
    "evolved_state",
    "ergotropy",
    "charging_time",
    "coherence_steering",
)

#: Every section of the formulas document: the first paper's, then the thermal battery's
#: (:mod:`qb_symbolic.paper.sections_thermal`, claims about the ``gibbs-xyz`` battery,
#: checked by tests/test_thermal_latex.py).
DOCUMENT_KEYS = (*SECTION_KEYS, "thermal")

#: Builders by section key.
BUILDERS: dict[str, Callable[[], Section]] = {
    "thermal": thermal_section,
    "hamiltonian": hamiltonian_section,
    "eigenvalues": eigenvalues_section,
    "evolved_state": evolved_state_section,
    "ergotropy": ergotropy_section,
    "charging_time": charging_time_section,
    "coherence_steering": coherence_steering_section,
}


@cache
def build(key: str) -> Section:
    """Derive one section (cached: the derivations take a few seconds)."""
    if key not in BUILDERS:
        raise ValueError(f"unknown section {key!r}; choose from {', '.join(DOCUMENT_KEYS)}")
    return BUILDERS[key]()
