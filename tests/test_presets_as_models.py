"""The presets are instances of the one model mechanism, and both derivations agree.

``Battery(model).as_model()`` is the general model object of a preset. Its closed forms
come from the structure finder and :mod:`qb_symbolic.symbolic.evolution`; the preset's
own come from the hand-organised Bell blocks (:mod:`qb_symbolic.symbolic.spectrum`).
Proof that they are the same functions of time: both states satisfy the Schroedinger
equation with ``psi(0) = |dd>`` exactly (here for the generic one, tests/test_dynamics.py
for the preset's), and that initial-value problem has one solution; the eigenvalues are
roots of the same block polynomials (checked exactly below). Numbers then agree at 40
digits and on the float paths.
"""

from __future__ import annotations

import random

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED

import qb_symbolic as qb
from qb_symbolic.model.presets import MODELS
from qb_symbolic.symbolic.evolution import Z, evolution
from qb_symbolic.symbolic.roots import characteristic_polynomial
from qb_symbolic.symbolic.spectrum import eigensystem, z

#: Two derivations, each correct to ~40 digits at 40 digits.
MP_TOLERANCE = mp.mpf(10) ** -30
#: Float paths of the two derivations (each within ~1e-13 of the truth here).
FLOAT_TOLERANCE = 1e-12


@pytest.mark.parametrize("model", list(MODELS))
def test_preset_model_object_is_proved_and_has_the_same_block_polynomials(model):
    preset = qb.Battery(model)
    ev = evolution(preset.as_model())
    assert all(ev.proofs().values()), ev.proofs()
    generic = [sp.expand(characteristic_polynomial(b.matrix, Z).subs(Z, z)) for b in ev.blocks]
    own = [s.characteristic_polynomial for s in eigensystem(preset).spectra]
    # Equal where the finder keeps the preset's blocks; where it finds more symmetry
    # (parallel: J = D = 0 conserves each cell's sx), its polynomial divides one of them.
    for polynomial in generic:
        assert any(sp.rem(p, polynomial, z) == 0 for p in own), (model, polynomial)
    if model != "parallel":
        assert all(any(sp.expand(g - p) == 0 for p in own) for g in generic), model


def _values(model: str, rng: random.Random) -> dict[str, sp.Rational]:
    spec = MODELS[model]
    return {n: sp.Rational(rng.randint(1, 30), 10) * rng.choice([1, -1] if n != "Omega" else [1])
            for n in ("Omega", "J", "gamma", "Delta", "D", "omega0")
            if n not in spec.fixed and n != "omega0"} | {"omega0": sp.Rational(3, 2)}


@pytest.mark.parametrize("model", list(MODELS))
def test_both_derivations_agree_at_40_digits_and_in_floats(model):
    rng = random.Random(SEED + hash(model) % 1000)
    preset = qb.Battery(model)
    generic = preset.as_model()
    quantities = ("ergotropy", "power", "concurrence", "coherence")
    for _ in range(2):
        values = _values(model, rng)
        time = sp.Rational(rng.randint(1, 60), 13)
        ours = qb.evaluate_many(quantities, time, model=model, digits=40, **values)
        theirs = qb.evaluate_many(quantities, time, battery=generic, digits=40, **values)
        for q in quantities:
            assert abs(ours[q].item() - theirs[q].item()) < MP_TOLERANCE, (model, q)
        t = np.linspace(0, 8, 401)
        floats = {n: float(v) for n, v in values.items()}
        ours = qb.evaluate_many(quantities[:3], t, model=model, **floats)
        theirs = qb.evaluate_many(quantities[:3], t, battery=generic, **floats)
        for q in quantities[:3]:
            assert np.max(np.abs(ours[q] - theirs[q])) < FLOAT_TOLERANCE * max(1, floats["omega0"]), (model, q)


def test_model_object_keeps_the_preset_requirements():
    generic = qb.Battery("xyz").as_model()
    with pytest.raises(ValueError, match="missing value for gamma, Delta"):
        qb.evaluate("ergotropy", 0.5, battery=generic)
    fixed = qb.Battery("ising", D=3).as_model()
    assert "D" not in fixed.names and "gamma" not in fixed.names
