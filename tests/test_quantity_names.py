"""The one quantity registry: every name a kind lists is answered by that kind's evaluator,
every name has its meaning, and a name the kind does not list is refused in one line."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import qb_symbolic as qb
from qb_symbolic.core.quantity_names import AVAILABLE, MEANING

BATTERIES = {
    "pure": lambda: qb.Battery("xxz", Delta=2, D=1),
    "mixed": lambda: qb.Battery.from_string("Omega*(XI + IX) + J*(XX + YY)",
                                            initial=qb.werner_state(sp.Rational(1, 3))),
    "chain": lambda: qb.chain(3, "xxz", Delta=2, D=1),
}


def test_every_listed_name_has_a_meaning():
    listed = {name for names in AVAILABLE.values() for name in names}
    assert listed <= set(MEANING), listed - set(MEANING)


@pytest.mark.parametrize("kind", list(BATTERIES))
def test_each_kind_answers_what_it_lists(kind):
    battery = BATTERIES[kind]()
    times = np.array([0.0, 0.4, 1.1])
    values = {"Omega": 1, "J": 0.5} if kind == "mixed" else {}
    found = qb.evaluate_many(AVAILABLE[kind], times, battery=battery, **values)
    for name in AVAILABLE[kind]:
        assert np.all(np.isfinite(np.asarray(found[name], float))), name
    # the energy at t = 0 of |dd> (or the Werner start) by hand: -2 omega0 (0 for Werner:
    # Tr(rho0 (sz1 + sz2)) = 0 for any Werner state), -3 for three cells in |ddd>
    start = {"pure": -2.0, "mixed": 0.0, "chain": -3.0}[kind]
    assert abs(float(np.asarray(found["energy"])[0]) - start) < 1e-12


@pytest.mark.parametrize("kind", list(BATTERIES))
def test_a_name_the_kind_does_not_list_is_refused(kind):
    missing = next(n for n in MEANING if n not in AVAILABLE[kind] and not n.startswith("local"))
    with pytest.raises(ValueError) as error:
        qb.evaluate(missing, 0.5, battery=BATTERIES[kind](), **({"Omega": 1, "J": 0.5} if kind == "mixed" else {}))
    assert "\n" not in str(error.value)
