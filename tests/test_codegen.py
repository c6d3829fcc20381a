"""Generated evaluators: the stable rewrites, accuracy, caching, backends."""

from __future__ import annotations

import importlib.util
import pathlib
import random
import sys

import mpmath as mp
import numpy as np
import sympy as sp
from conftest import SEED, mp_evolved_state, random_point

from qb_symbolic import QUANTITIES, evaluate, evaluate_many
from qb_symbolic.core.symbols import D, Delta, J, Omega, gamma, omega0, t
from qb_symbolic.model.battery import Battery
from qb_symbolic.numeric.closed_form import codegen
from qb_symbolic.symbolic.quantities import figures_of_merit

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _load_accuracy():
    spec = importlib.util.spec_from_file_location("accuracy", ROOT / "benchmarks" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------
# The rewrites are exact
# --------------------------------------------------------------------------


def test_gap_formulas_are_differences_of_the_roots():
    # With theta = 3 phi every term expands (expand_trig) into cos(phi), sin(phi)
    # times exact constants, so the identities reduce to polynomial zero.
    phi, r = sp.symbols("phi r", positive=True)
    theta = 3 * phi
    roots = [2 * r * sp.cos((theta - 2 * sp.pi * k) / 3) for k in range(3)]
    gaps = {
        (0, 1): 2 * sp.sqrt(3) * r * sp.sin((sp.pi - theta) / 3),
        (1, 2): 2 * sp.sqrt(3) * r * sp.sin(theta / 3),
        (0, 2): 2 * sp.sqrt(3) * r * sp.sin((sp.pi + theta) / 3),
    }
    for (i, j), gap in gaps.items():
        assert sp.expand(sp.expand_trig(roots[i] - roots[j] - gap)) == 0


def test_atan2_angle_is_the_acos_angle():
    # theta = atan2(sqrt(Disc/27), -q) with Disc = 27(4 s^3 - q^2): the hypotenuse is
    # sqrt(q^2 + 4 s^3 - q^2) = 2 s^(3/2), so cos(theta) = -q/(2 s^(3/2)) = X and
    # sin(theta) >= 0, i.e. theta = acos(X) on [0, pi].
    s, q = sp.symbols("s q", real=True)
    disc = 27 * (4 * s**3 - q**2)
    assert sp.expand((disc / 27) + q**2 - 4 * s**3) == 0
    rng = random.Random(SEED)
    with mp.workdps(40):
        for _ in range(50):
            sv = mp.mpf(rng.uniform(0.1, 10))
            qv = (2 * rng.random() - 1) * 2 * sv ** mp.mpf(1.5)
            theta = mp.atan2(mp.sqrt(4 * sv**3 - qv**2), -qv)
            assert abs(theta - mp.acos(-qv / (2 * sv ** mp.mpf(1.5)))) < mp.mpf(10) ** -30


def test_divided_difference_columns_equal_the_spectral_sum():
    # With generic distinct nodes the generated columns are the spectral sums
    # sum_k A_j(y_k) e^{-i (y_k - lam0) t} / prod_{j != k}(y_k - y_j).
    y0, y1, y2, lam, tt = sp.symbols("y0 y1 y2 lam0 tt", real=True)
    forms = codegen.derive_numeric_forms("general")
    ys = (y0, y1, y2)
    d1s, d2s, d3s, b1s, b2s = sp.symbols("d1 d2 d3 b1 b2", real=True)
    block = sp.Matrix([[d1s, b1s, 0], [b1s, d2s, b2s], [0, b2s, d3s]])
    column = (sp.Symbol("z") * sp.eye(3) - block).adjugate()[:, 0]
    node_subs = dict(zip(codegen.NODE_ARGS, (y0, y1, y2, lam, d1s, d2s, d3s, b1s, b2s)))
    node_values = dict(zip(codegen.NODE_OUTPUTS, (e.subs(node_subs) for e in forms.nodes)))
    values = {
        codegen.e0: node_values["e0"], codegen.m12: node_values["m12"], codegen.e2: node_values["e2"],
        codegen.h12: y1 - y2, codegen.inv_h01: 1 / (y0 - y1), codegen.inv_h12: 1 / (y1 - y2),
        codegen.inv_h02: 1 / (y0 - y2), codegen.zero01: 0, codegen.zero12: 0, codegen.confluent: 0,
        codegen.dl: node_values["dl"], codegen.b1: b1s, codegen.t: tt,
        **{getattr(codegen, k): node_values[k] for k in ("cb0", "cb1", "cT0", "cT1", "cS0")},
    }
    point = {y0: sp.Rational(7, 3), y1: sp.Rational(-1, 5), y2: sp.Rational(-9, 4), lam: sp.Rational(1, 7),
             d1s: sp.Rational(2, 3), d2s: sp.Rational(-3, 2), d3s: sp.Rational(5, 4), b1s: 2, b2s: sp.Rational(1, 3),
             tt: sp.Rational(13, 10)}
    for j, generated in enumerate(forms.time[1:4]):
        spectral = sum(
            column[j].subs(sp.Symbol("z"), ys[k]) * sp.exp(-sp.I * (ys[k] - lam) * tt)
            / sp.Mul(*[ys[k] - ys[m] for m in range(3) if m != k])
            for k in range(3)
        )
        ours = generated.subs(values)
        assert abs(sp.N((ours - spectral).subs(point), 40)) < 1e-35
    # kappa = 1 - f_b exactly, in the same variables.
    kappa = forms.time[0].subs(values)
    assert abs(sp.N((kappa - (1 - forms.time[1].subs(values))).subs(point), 40)) < 1e-35


def test_spectral_weights_of_the_grid_path():
    # w_k from the Newton form equal q(y_k)/p'(y_k), with q = A_b, and sum to 1.
    y0, y1, y2, d2s, d3s, b2s = sp.symbols("y0 y1 y2 d2 d3 b2", real=True)
    def q(z):  # A_b, the b entry of the adjugate's b column
        return (z - d2s) * (z - d3s) - b2s**2

    forms = codegen.derive_numeric_forms("general")
    cb0 = q(y0)
    cb1 = sp.cancel((q(y0) - q(y1)) / (y0 - y1))
    subs = {codegen.cb0: cb0, codegen.cb1: cb1, codegen.h01: y0 - y1, codegen.h12: y1 - y2,
            codegen.h02: y0 - y2}
    ys = (y0, y1, y2)
    for k, w in enumerate(forms.weights):
        expected = q(ys[k]) / sp.Mul(*[ys[k] - ys[m] for m in range(3) if m != k])
        assert sp.cancel(w.subs(subs) - expected) == 0
    assert sp.cancel(sum(forms.weights).subs(subs) - 1) == 0


def test_derivative_of_kappa_matches_numerical_differentiation():
    rng = random.Random(SEED + 2)
    from qb_symbolic.numeric.closed_form.precise import point_stage as _mp_stage
    from qb_symbolic.numeric.closed_form.precise import prepare_point as _prepare_mpmath

    ev = codegen.evaluators("general", "mpmath")
    with mp.workdps(40):
        for _ in range(10):
            params, time = random_point(rng, 10)
            params["omega0"] = mp.mpf(1)
            point = _prepare_mpmath(ev, params)
            dkappa = _mp_stage(ev, point, time)[4]
            numeric = mp.diff(lambda s, here=point: _mp_stage(ev, here, s)[0], time)
            assert abs(dkappa - numeric) < mp.mpf(10) ** -25


# --------------------------------------------------------------------------
# Accuracy
# --------------------------------------------------------------------------


def test_reduced_accuracy_harness_meets_the_bound():
    accuracy = _load_accuracy()
    results = accuracy.run(n_random=300, n_adversarial=150, grid_rows=6, seed=SEED,
                           out=open("/dev/null", "w"))  # noqa: SIM115
    for name, report in results.items():
        for quantity, entry in report.items():
            assert entry["finite"], (name, quantity)
            assert entry["worst_ratio"] <= 1.0, (name, quantity, entry)


def test_the_harness_catches_the_naive_form():
    # The closed form as derived (acos roots, weights q/p'), lambdified as it is, fails
    # the bound where two roots nearly meet: the harness can tell good from bad.
    accuracy = _load_accuracy()
    fm = figures_of_merit(Battery())
    naive = sp.lambdify((Omega, J, gamma, Delta, D, omega0, t), fm.explicit(fm.ergotropy), "numpy")
    rng = np.random.default_rng(SEED)
    p, times = accuracy.adversarial_sets(rng, 200)["meeting_D"]
    keep = p["D"] != 0  # the naive form is 0/0 (NaN) at D = 0 exactly; count those too
    with np.errstate(all="ignore"):
        values = naive(p["Omega"], p["J"], p["gamma"], p["Delta"], p["D"], p["omega0"], times)
    ours = evaluate("ergotropy", times, **p)
    exact = {k: np.array([mp.mpf(float(x)) for x in v], dtype=object) for k, v in p.items()}
    reference = evaluate_many(["ergotropy"], np.array([mp.mpf(float(x)) for x in times], dtype=object),
                              digits=50, **exact)["ergotropy"]
    ref = np.array([float(x) for x in reference])
    bound = accuracy.BOUND_FLOOR + accuracy.BOUND_PER_RADIAN * accuracy.largest_phase(p, times)
    naive_ratio = np.abs(np.real(values) - ref) / p["omega0"] / bound
    assert np.max(np.abs(ours - ref) / p["omega0"] / bound) <= 1
    assert np.any(~np.isfinite(naive_ratio)) or np.nanmax(naive_ratio[keep]) > 10


def test_digits_50_agrees_with_expm_to_1e_45():
    rng = random.Random(SEED + 5)
    with mp.workdps(60):
        for _ in range(20):
            params, time = random_point(rng, 50)
            params["omega0"] = mp.mpf(1)
            strings = {k: mp.nstr(v, 60) for k, v in params.items()}
            exact = {k: mp.mpf(v) for k, v in strings.items()}
            psi = mp_evolved_state(exact, mp.mpf(mp.nstr(time, 60)), dps=90)
            reference = 2 * (abs(psi[0]) ** 2 - abs(psi[3]) ** 2) + 2
            ours = evaluate("ergotropy", mp.nstr(time, 60), digits=50, **strings)[()]
            assert abs(ours - reference) < mp.mpf(10) ** -45


def test_numpy_and_mpmath_backends_agree():
    rng = random.Random(SEED + 11)
    for _ in range(10):
        params, time = random_point(rng, 20)
        p = {k: float(v) for k, v in params.items()}
        many = evaluate_many(QUANTITIES, float(time), **p)
        exact = {k: mp.mpf(v) for k, v in p.items()}
        high = evaluate_many(QUANTITIES, mp.mpf(float(time)), digits=30, **exact)
        for q in QUANTITIES:
            assert abs(float(many[q]) - float(high[q][()])) < 1e-10


# --------------------------------------------------------------------------
# Generation and caching
# --------------------------------------------------------------------------


def test_generated_functions_name_their_argument_order():
    ev = codegen.evaluators("ising", "numpy")
    assert "Omega, J, gamma, Delta, D" in ev.spectral.__doc__
    assert ", ".join(str(a) for a in codegen.TIME_ARGS) in ev.time.__doc__
    assert isinstance(codegen.PARAMETER_ARGS, tuple) and isinstance(codegen.TIME_ARGS, tuple)
    # A constant output (concurrence of parallel charging is identically zero) still
    # broadcasts to the shape of the input.
    assert evaluate("concurrence", np.linspace(0, 1, 5), model="parallel").shape == (5,)
    assert np.max(np.abs(evaluate("concurrence", np.linspace(0, 1, 5), model="parallel"))) < 1e-15


def test_second_call_pays_no_sympy_cost():
    evaluate("coherence", 0.7, model="xxz", Delta=2, D=1.7)  # first call: generation
    seen = []

    def profiler(frame, event, arg):
        if event == "call" and frame.f_globals.get("__name__", "").startswith("sympy"):
            seen.append(frame.f_code.co_name)

    sys.setprofile(profiler)
    try:
        value = evaluate("coherence", np.linspace(0, 2, 50), model="xxz", Delta=2, D=1.7)
        evaluate("ergotropy", np.linspace(0, 2, 500), model="xxz", Delta=2, D=1.7)
    finally:
        sys.setprofile(None)
    assert seen == [], sorted(set(seen))[:10]
    assert np.all(np.isfinite(value))


def _assert_same_values(a, b):
    point = dict(zip(codegen.PARAMETER_ARGS, (1.3, -0.7, 0.4, 2.1, 0.9)))
    for x, y in zip(a.spectral, b.spectral):
        assert abs(complex(sp.N(x.subs(point))) - complex(sp.N(y.subs(point)))) < 1e-12
    args = {s: sp.Rational(k + 2, 7) for k, s in enumerate(codegen.TIME_ARGS)}
    for x, y in zip(a.time, b.time):
        assert abs(complex(sp.N(x.subs(args))) - complex(sp.N(y.subs(args)))) < 1e-12


def test_disk_cache_is_used_and_keyed(tmp_path, monkeypatch):
    monkeypatch.setenv("QB_SYMBOLIC_CACHE", str(tmp_path))
    codegen.numeric_forms.cache_clear()
    codegen.evaluators.cache_clear()
    try:
        first = codegen.numeric_forms("xyz")
        files = list(tmp_path.glob("forms-*-xyz.pickle"))
        assert len(files) == 1 and sp.__version__ and codegen.source_fingerprint() in files[0].name
        codegen.numeric_forms.cache_clear()

        def refuse(model):
            raise AssertionError("derived again although the disk cache holds the forms")

        monkeypatch.setattr(codegen, "derive_numeric_forms", refuse)
        again = codegen.numeric_forms("xyz")
        # Unpickling rebuilds expressions through SymPy's constructors (a rational times a
        # sum is distributed again), so compare values, not structure.
        _assert_same_values(first, again)
        # A corrupt file is ignored (and rewritten), not an error.
        codegen.numeric_forms.cache_clear()
        files[0].write_bytes(b"not a pickle")
        monkeypatch.undo()
        monkeypatch.setenv("QB_SYMBOLIC_CACHE", str(tmp_path))
        _assert_same_values(first, codegen.numeric_forms("xyz"))
    finally:
        codegen.numeric_forms.cache_clear()
        codegen.evaluators.cache_clear()
