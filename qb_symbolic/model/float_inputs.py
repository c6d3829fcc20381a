"""Floating-point inputs: states and Hamiltonians built in doubles, checked to a tolerance.

Physicists build states in floating point: ``qutip.rand_dm``, ``Q @ diag(p) @ Q^dag``,
numerical ground states, data. Such a matrix is Hermitian, of trace 1 and positive only up
to rounding (a trace of 0.99999999999999989, a diagonal with 1e-17 imaginary parts), so
the exact checks of :mod:`qb_symbolic.model.density` would refuse it.

*Floating-point input* is a numpy array of float or complex dtype, anything with
``.full()`` (a QuTiP ``Qobj``), or a list of plain numbers at least one of which is a
float or a complex. SymPy matrices, integers, Fractions and strings are exact input and
keep their exact checks, unchanged. Floating-point input is

1. checked to :data:`FLOAT_TOLERANCE` relative to its spectral norm: Hermiticity
   (``||A - A^dag||``), trace (``|Tr A - 1|``) and positivity (the lowest eigenvalue) of
   a density matrix, ``|<psi|psi> - 1|`` of a ket, Hermiticity of a Hamiltonian. A
   violation is a ValueError giving the measured deviation and the tolerance;
2. made exact: symmetrised ``(A + A^dag)/2`` and renormalised in floating point, each
   entry snapped as by ``Battery.from_matrix(..., rationals=True)``
   (:func:`snap_rational`: ``0.333...`` is ``1/3``, other
   doubles their shortest decimal), then normalised exactly: a density matrix divided
   by its exact trace and, if rounding left it a negative principal minor, rebuilt as
   ``sum_k p_k v_k v_k^dag`` from its snapped eigenvectors and clipped eigenvalues
   (positive by construction); a ket as square roots of simple fractions when its
   amplitudes are that (``qutip.bell_state`` gives ``sqrt(2)/2``), else as a rational
   point of the unit sphere (inverse stereographic projection, exact norm 1);
3. reported: when the exact state differs from the numbers given (each read by its
   shortest decimal), a :class:`FloatInputWarning` says what was changed and by how much.

A Hamiltonian (H, H0) in floating point is checked for Hermiticity to the same tolerance
and symmetrised (with a :class:`FloatInputWarning` if that changed it); its entries are
then read by their shortest decimal as before, or snapped with ``rationals=True``.
"""

from __future__ import annotations

import numbers
import sys
import warnings
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

#: Largest deviation accepted in floating-point input, relative to its spectral norm:
#: 1e-12 is about 4500 ulps (eps = 2.2e-16). A 4x4 state built in doubles carries ~10
#: ulps (measured on 20,000 states ``Q diag(p) Q^dag`` with Q from a complex QR and on
#: ``qutip.rand_dm``: at most 8 ulps off trace, 3 ulps of negative eigenvalue); the margin
#: admits states that went through longer float pipelines (a product of propagators, the
#: reduced state of a numerically diagonalised chain), while a deviation of 1e-6 (data
#: rounded to six digits, a wrong normalisation) is six orders of magnitude beyond it.
FLOAT_TOLERANCE = 1e-12

#: Largest denominator :func:`snap_rational` tries (1/3, 5/7, 22/7: yes; 1e-7: kept as is).
MAX_DENOMINATOR = 1 << 20

_INEXACT = (float, complex, np.inexact)
_PACKAGE = str(Path(__file__).resolve().parent.parent)


class FloatInputWarning(UserWarning):
    """A state or Hamiltonian given in floating point was adjusted to exact numbers.

    Issued when the exact matrix the battery uses differs from the numbers given (read
    by their shortest decimal): symmetrised, renormalised, clipped or snapped, always by
    less than :data:`FLOAT_TOLERANCE` relative to its norm. A warning rather than an
    attribute of the battery, because a physicist sees it where the battery is built
    without knowing to look for it, in scripts and notebooks alike, once per line of code
    (Python's default filter, so a loop over states does not flood the output);
    ``warnings.simplefilter("ignore", FloatInputWarning)`` silences it, ``"error"`` turns
    it into an exception for a pipeline that must see only exact input.

    Examples
    --------
    >>> import warnings, numpy as np, qb_symbolic as qb
    >>> rho = np.diag([0.1, 0.2, 0.3, 0.4]) + 1e-17j * np.eye(4)  # rounding on the diagonal
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     battery = qb.Battery.from_string("B*(XI + IX)", initial=rho)
    >>> battery.initial_state[0, 0], seen[0].category is qb.FloatInputWarning
    (1/10, True)
    """


def snap_rational(x: float) -> sp.Rational:
    """The simplest fraction (denominator <= :data:`MAX_DENOMINATOR`) that rounds to the
    double ``x`` within 4 ulp; otherwise ``x``'s shortest decimal repr, exactly."""
    near = Fraction(x).limit_denominator(MAX_DENOMINATOR)
    if abs(float(near) - x) <= 4 * np.spacing(abs(x)):
        return sp.Rational(near.numerator, near.denominator)
    return sp.Rational(repr(float(x)))


def _plain_number(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, (bool, np.bool_, sp.Basic))


def float_array(data: Any) -> np.ndarray | None:
    """``data`` as a complex numpy array if it is floating-point input, else None.

    Floating point: a numpy array of float or complex dtype, anything with ``.full()``, or
    nested lists of plain numbers with at least one float or complex. Exact input (SymPy,
    integers, Fractions, strings) and anything malformed give None (the exact path then
    reads it and reports what is wrong).
    """
    if data is None or isinstance(data, (str, bytes, Mapping, sp.Basic, sp.MatrixBase)):
        return None
    if hasattr(data, "full") and callable(data.full):
        data = data.full()
    if isinstance(data, np.ndarray) and data.dtype.kind != "O":
        return data.astype(complex) if data.dtype.kind in "fc" else None
    try:
        flat = np.asarray(data, dtype=object).reshape(-1)
    except (TypeError, ValueError):
        return None
    if flat.size == 0 or not all(_plain_number(x) for x in flat):
        return None
    if not any(isinstance(x, _INEXACT) for x in flat):
        return None  # integers, Fractions, Decimals: exact
    try:
        return np.asarray(data, dtype=complex)
    except (TypeError, ValueError):
        return None


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside the package (the user's line)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


def warn_adjusted(message: str) -> None:
    """A :class:`FloatInputWarning` pointing at the user's line of code."""
    warnings.warn(message, FloatInputWarning, stacklevel=_caller_level())


def _finite(array: np.ndarray, what: str) -> None:
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} has entries that are not finite (NaN or infinity): "
                         "every entry must be a finite number")


def _beyond(measured: float, scale: float) -> str:
    """The measured deviation against the tolerance, for error messages."""
    return (f"{measured / scale:.3g} of its norm {scale:.3g}, beyond the tolerance "
            f"{FLOAT_TOLERANCE:g} (FLOAT_TOLERANCE) for floating-point input")


def hermitian_part(array: np.ndarray, what: str, name: str | None = None) -> np.ndarray:
    """``(A + A^dag)/2`` of a square float matrix within :data:`FLOAT_TOLERANCE` of Hermitian.

    The result is exactly Hermitian in floating point (``a + conj(b)`` and ``b + conj(a)``
    round alike), so its entries read exactly are Hermitian too.

    Raises
    ------
    ValueError
        If it is not finite, or ``||A - A^dag|| > FLOAT_TOLERANCE ||A||`` (spectral norms);
        ``what`` names the matrix in the message, ``name`` in formulas (default ``what``
        if it is one word, else ``A``).
    """
    _finite(array, what)
    name = name or (what if " " not in what else "A")
    scale = float(np.linalg.norm(array, 2)) or 1.0
    defect = float(np.linalg.norm(array - array.conj().T, 2))
    if defect > FLOAT_TOLERANCE * scale:
        raise ValueError(f"{what} is not Hermitian: ||{name} - {name}^dagger|| = {defect:.3g}, "
                         f"{_beyond(defect, scale)}; a Hermitian matrix is required")
    return (array + array.conj().T) / 2


def checked_hamiltonian(array: np.ndarray, what: str) -> np.ndarray:
    """A float Hamiltonian made exactly Hermitian (:func:`hermitian_part`), with a
    :class:`FloatInputWarning` when that changed it."""
    hermitian = hermitian_part(array, what)
    if np.any(hermitian != array):
        defect = float(np.linalg.norm(array - array.conj().T, 2))
        name = what if " " not in what else "A"
        warn_adjusted(f"{what} was given in floating point and is Hermitian only to "
                      f"||{name} - {name}^dagger|| = {defect:.3g} (within FLOAT_TOLERANCE = "
                      f"{FLOAT_TOLERANCE:g} of its norm): its Hermitian part is used")
    return hermitian


def checked_density(array: np.ndarray, what: str, name: str) -> tuple[np.ndarray, list[str]]:
    """A float density matrix checked to :data:`FLOAT_TOLERANCE`, symmetrised and
    renormalised, with notes on what was adjusted (for :func:`warn_adjusted`).

    Raises
    ------
    ValueError
        Not finite, not square, or beyond the tolerance in Hermiticity, trace or
        positivity, giving the measured deviation and the tolerance.
    """
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError(f"{what} must be a square matrix; got shape {array.shape}")
    symmetric = hermitian_part(array, what, name)
    scale = float(np.linalg.norm(array, 2)) or 1.0
    trace = float(np.trace(symmetric).real)
    if abs(trace - 1) > FLOAT_TOLERANCE * scale:
        raise ValueError(f"{what} must have trace 1: Tr {name} = {trace:.16g}, off by "
                         f"{abs(trace - 1):.3g}, {_beyond(abs(trace - 1), scale)}")
    rho = symmetric / trace
    lowest = float(np.linalg.eigvalsh(rho)[0])
    if lowest < -FLOAT_TOLERANCE * scale:
        raise ValueError(f"{what} is not positive semidefinite: eigenvalue {lowest:.3g}, "
                         f"{_beyond(-lowest, scale)}; a state has eigenvalues >= 0")
    notes = []
    if np.any(symmetric != array):
        defect = float(np.linalg.norm(array - array.conj().T, 2))
        notes.append(f"symmetrised (||{name} - {name}^dagger|| was {defect:.3g})")
    if trace != 1:
        notes.append(f"renormalised (Tr {name} was {trace:.17g})")
    return rho, notes


def _snap(z: complex) -> sp.Expr:
    return snap_rational(float(z.real)) + sp.I * snap_rational(float(z.imag))


def snap_hermitian(rho: np.ndarray) -> sp.Matrix:
    """Exact entries of an exactly Hermitian float matrix (upper triangle snapped,
    the lower its conjugate, a real diagonal)."""
    n = rho.shape[0]
    exact = sp.zeros(n, n)
    for i in range(n):
        exact[i, i] = snap_rational(float(rho[i, i].real))
        for j in range(i + 1, n):
            exact[i, j] = _snap(rho[i, j])
            exact[j, i] = sp.conjugate(exact[i, j])
    return exact


def spectral_state(rho: np.ndarray) -> sp.Matrix:
    """``sum_k p_k v_k v_k^dag / Tr`` from the snapped eigenvectors and clipped, snapped
    eigenvalues of a float state: exactly Hermitian, of trace 1 and positive semidefinite
    (the v_k need not be exactly orthonormal for that)."""
    weights, vectors = np.linalg.eigh(rho)
    exact = sp.zeros(*rho.shape)
    for k, weight in enumerate(weights):
        if weight > 0:
            v = sp.Matrix([_snap(z) for z in vectors[:, k]])
            exact += snap_rational(float(weight)) * (v * v.H)
    exact = exact.applyfunc(sp.expand)
    return exact / exact.trace()


def report_change(what: str, given: np.ndarray, exact: sp.Matrix, notes: list[str]) -> None:
    """:func:`warn_adjusted` if ``exact`` differs from the numbers ``given`` (each read
    by its shortest decimal), naming the largest change of an entry."""
    read = sp.Matrix(*given.shape, [sp.Rational(repr(float(z.real)))
                                    + sp.I * sp.Rational(repr(float(z.imag)))
                                    for z in given.reshape(-1)])
    change = max(abs(complex(sp.expand(d))) for d in exact.reshape(*read.shape) - read)
    if change == 0:
        return
    done = ", ".join(notes) or "entries snapped to simple fractions"
    warn_adjusted(f"{what} was given in floating point and is used as the exact state nearest "
                  f"to it: {done}; largest change of an entry {change:.3g} (FLOAT_TOLERANCE = "
                  f"{FLOAT_TOLERANCE:g} of its norm)")


def float_ket(array: np.ndarray, what: str = "psi0 (the initial state)") -> sp.Matrix:
    """An exact ket of norm 1 from float amplitudes normalised to :data:`FLOAT_TOLERANCE`.

    Raises
    ------
    ValueError
        For non-finite amplitudes, the zero vector, or ``|<psi|psi> - 1|`` beyond the
        tolerance (the measured deviation is given).
    """
    _finite(array, what)
    psi = array.reshape(-1)
    norm2 = float(np.vdot(psi, psi).real)
    if norm2 == 0:
        raise ValueError("the zero vector is not a state")
    if abs(norm2 - 1) > FLOAT_TOLERANCE:
        raise ValueError(f"state not normalised: <psi|psi> = {norm2:.16g}, off by "
                         f"{abs(norm2 - 1):.3g}, beyond the tolerance {FLOAT_TOLERANCE:g} "
                         "(FLOAT_TOLERANCE) for floating-point amplitudes; divide by its norm")
    unit = psi / np.sqrt(norm2)
    notes = [f"normalised (<psi|psi> was {norm2:.17g})"] if norm2 != 1 else []
    exact = sp.Matrix([_snap(z) for z in unit])
    if sp.expand(sum(a * sp.conjugate(a) for a in exact)) != 1:
        exact = _root_ket(unit)
        notes.append("norm 1 made exact by square roots of fractions" if exact is not None
                     else "norm 1 made exact by a rational point of the unit sphere")
        exact = _stereographic_ket(unit) if exact is None else exact
    report_change(what, psi.reshape(-1, 1), exact, notes)
    return exact


def _root_ket(unit: np.ndarray) -> sp.Matrix | None:
    """``+-sqrt(r_k)`` (times 1 or i) with simple fractions r_k summing to 1 exactly, if
    each amplitude is real or imaginary and its square snaps to such a fraction; else None."""
    amplitudes, total = [], sp.Integer(0)
    for z in unit:
        if z.imag == 0 or z.real == 0:
            phase, x = (1, z.real) if z.imag == 0 else (sp.I, z.imag)
        else:
            return None
        square = snap_rational(float(x) ** 2)
        if square.q > MAX_DENOMINATOR:
            return None  # not a simple fraction: the stereographic point is as good
        total += square
        amplitudes.append(phase * (1 if x >= 0 else -1) * sp.sqrt(square))
    return sp.Matrix(amplitudes) if total == 1 else None


def _stereographic_ket(unit: np.ndarray) -> sp.Matrix:
    """A rational unit vector within a few ulps of ``unit``, by inverse stereographic
    projection: with ``y = x'/(1 + s x_m)`` snapped, ``x' = 2y/(1 + |y|^2)`` and
    ``x_m = s (1 - |y|^2)/(1 + |y|^2)`` have norm 1 exactly. The pole is opposite the
    largest component (``|x_m| >= 1/sqrt(8)``), so the division is well conditioned."""
    x = np.concatenate([unit.real, unit.imag])
    m = int(np.argmax(np.abs(x)))
    s = 1 if x[m] > 0 else -1
    y = [snap_rational(float(v / (1 + s * x[m]))) for v in np.delete(x, m)]
    square = sum(v**2 for v in y)
    parts = [2 * v / (1 + square) for v in y]
    parts.insert(m, s * (1 - square) / (1 + square))
    n = unit.size
    return sp.Matrix([parts[k] + sp.I * parts[k + n] for k in range(n)])
