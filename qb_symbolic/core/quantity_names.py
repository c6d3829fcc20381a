"""The one registry of figures of merit: what each name means and which batteries answer it.

Every evaluator, the CLI and the exporters read their lists from here (in the order given
per kind, which is the order results are listed in). Definitions: docs/conventions.md
(power ``P(t) = zeta(t) / t``, ergotropy by the passive state, the coherent/incoherent
split of Cakmak, arXiv:2008.04766; coherence and steering of Zhang, Song and Wang,
arXiv:2406.16047).
"""

from __future__ import annotations

#: Name -> meaning (one line, shown by the CLI's help and the docs).
MEANING: dict[str, str] = {
    "energy": "stored energy Tr(rho(t) H0)",
    "ergotropy": "work extractable by a unitary: E(t) - E(passive state)",
    "power": "average charging power zeta(t) / t (0 at t = 0, the limit)",
    "capacity": "E(most charged state of the spectrum) - E(passive state)",
    "incoherent_ergotropy": "the ergotropy of the dephased state (in H0's eigenbasis)",
    "coherent_ergotropy": "ergotropy minus its incoherent part",
    "concurrence": "Wootters' concurrence of the two cells",
    "l1_coherence": "sum of |off-diagonal elements| in the computational basis",
    "coherence": "first-order coherence sqrt(1 - C^2) (pure states)",
    "steering": "largest violation of the three-setting steering inequality",
    "steerability": "max(0, steering - 1)",
    "local_ergotropy_1": "ergotropy of cell 1's reduced state",
    "local_ergotropy_2": "ergotropy of cell 2's reduced state",
    "ergotropy_per_cell": "ergotropy / N",
    "power_per_cell": "power / N",
    "half_chain_entropy": "von Neumann entropy of the first N // 2 cells",
    "local_ergotropy_mean": "mean over cells of the local ergotropy",
}

#: What each kind of battery answers, in the order results are listed.
AVAILABLE: dict[str, tuple[str, ...]] = {
    # a pure two-qubit start (presets and user batteries): closed-form evaluators
    "pure": ("energy", "ergotropy", "power", "coherence", "steering", "steerability",
             "concurrence"),
    # a density-matrix start; the first four also at digits= (they need only Tr(rho H0)
    # and the two spectra)
    "mixed": ("energy", "ergotropy", "power", "capacity", "incoherent_ergotropy",
              "coherent_ergotropy", "concurrence", "l1_coherence", "coherence", "steering",
              "steerability", "local_ergotropy_1", "local_ergotropy_2"),
    # N cells (and local_ergotropy_<i>, i = 1..N)
    "chain": ("energy", "ergotropy", "power", "ergotropy_per_cell", "power_per_cell",
              "half_chain_entropy", "local_ergotropy_mean"),
    # the state after a noise channel (qb.noisy_quantity)
    "channel": ("energy", "ergotropy", "capacity", "incoherent_ergotropy",
                "coherent_ergotropy", "concurrence", "l1_coherence", "coherence", "steering",
                "steerability"),
}

#: The quantities a uniform time grid evaluates by its phase recurrence.
GRID_QUANTITIES: tuple[str, ...] = AVAILABLE["pure"][:3]
